"""Memory and time caps, measured: bombs are refused quickly in a process that could not survive
reading them. Timings are generous (a shared CI machine); the point is seconds, not minutes."""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.hostile_files import SAMPLE_DATA, TEMPLATE
from tests.test_hostile_inputs import YAML_BOMB

MB = 1024 * 1024
MEMORY_LIMIT = 600 * MB  # address space for the command: the bombs below need gigabytes


def run_capped(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """The command line in a new process limited to MEMORY_LIMIT of address space."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "scorecard_xl.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        check=False,
        timeout=120,
    )
    return done, time.perf_counter() - started


def test_the_alias_bomb_is_refused_in_under_a_second() -> None:
    from scorecard_xl.errors import InputError
    from scorecard_xl.inputs.input_files import parse_yaml

    started = time.perf_counter()
    with pytest.raises(InputError, match="alias bomb"):
        parse_yaml(YAML_BOMB.encode(), "bomb.yaml")  # 9**9 = 387 million values once expanded
    assert time.perf_counter() - started < 1.0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS")
def test_bombs_are_refused_by_a_process_with_little_memory(tmp_path: Path) -> None:
    (tmp_path / "card.toml").write_bytes(TEMPLATE.read_bytes())
    (tmp_path / "bomb.yaml").write_text(YAML_BOMB, encoding="utf-8")
    # A workbook of half a megabyte whose shared strings inflate to 512 MB (openpyxl took 2.1 GB on
    # one inflating to 1 GB).
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            chunk = b"<si><t>" + b"a" * (4 * MB)
            for _ in range(128):
                part.write(chunk)
    (tmp_path / "data.xlsx").write_bytes(buffer.getvalue())
    assert (tmp_path / "data.xlsx").stat().st_size < MB
    cases = [
        (["validate", "-t", "bomb.yaml", "-d", str(SAMPLE_DATA)], 2, "alias bomb"),
        (["validate", "-t", "card.toml", "-d", "data.xlsx"], 2, "a zip bomb"),
        (["check", "data.xlsx"], 1, "not inspected"),
    ]
    for args, code, says in cases:
        done, seconds = run_capped(args, tmp_path)
        assert done.returncode == code, done.stderr
        assert says in done.stderr + done.stdout and "Traceback" not in done.stderr
        assert seconds < 15, f"{args}: {seconds:.1f} s"
