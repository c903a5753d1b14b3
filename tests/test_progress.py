"""Long steps show progress on a terminal and stay quiet when piped: `check` (its schema audit
takes seconds), `send` (check, then the server), `dfe-extract` (every authority) and the batch.
The commands run in new processes with stderr on a real pseudo-terminal, as a person sees them,
and again with stderr piped, as a script or CI reads them."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from scorecard_xl.progress import Status
from tests.cli_process import run_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals: POSIX")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def on_a_terminal(*args: str, cwd: Path) -> tuple[int, str, str]:
    """`scorecard-xl ARGS` with stderr on a pseudo-terminal: (exit code, stdout, what the terminal got)."""
    main, other = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "scorecard_xl.cli", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=other,
        stdin=subprocess.DEVNULL,
    )
    os.close(other)
    shown = bytearray()
    while True:
        ready, _, _ = select.select([main], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the other end closed (Linux reports EIO)
                chunk = b""
            if not chunk:
                break
            shown += chunk
        elif process.poll() is not None:
            break
    os.close(main)
    stdout = process.communicate()[0]
    return process.returncode, stdout.decode("utf-8"), shown.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("progress")
    done = run_cli("build", cwd=folder)
    assert done.returncode == 0, done.stderr
    (folder / "board.txt").write_text("chair@example.gov.uk\n", encoding="utf-8")
    return folder


def test_a_status_line_is_drawn_in_place_and_rubbed_out_on_a_terminal_only() -> None:
    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        with Status("scorecard-xl check", stream) as status:
            status.step("checking the schema with openxml-audit")
            status.count(3, 153, "940 North Northamptonshire")
    shown = terminal.getvalue()
    assert "\rscorecard-xl check: checking the schema with openxml-audit 0:00" in shown
    assert "[" + "." * 20 + "] 3/153: 940 North Northamptonshire" in shown  # (cut to the width)
    assert shown.endswith("\r") and shown.rsplit("\r", 2)[-2].strip() == ""  # rubbed out
    assert pipe.getvalue() == ""


def test_check_says_what_it_is_doing_on_a_terminal_and_prints_only_its_report(built: Path) -> None:
    code, stdout, shown = on_a_terminal("check", "scorecard.xlsx", cwd=built)
    assert code == 0, stdout + shown
    assert "scorecard-xl check: checking the schema with openxml-audit" in shown
    assert stdout.startswith("scorecard.xlsx: ok") and "\r" not in stdout
    piped = run_cli("check", "scorecard.xlsx", cwd=built)
    assert piped.returncode == 0 and piped.stderr == ""


def test_send_shows_its_steps_on_a_terminal(built: Path) -> None:
    send = ("send", "scorecard.xlsx", "--to-file", "board.txt", "--from", "me@example.gov.uk", "--dry-run")
    code, stdout, shown = on_a_terminal(*send, "out", cwd=built)
    assert code == 0, stdout + shown
    for step in ("checking the schema", "composing the message", "writing the .eml files to out"):
        assert f"scorecard-xl send: {step}" in shown
    piped = run_cli(*send, "out2", cwd=built)
    assert piped.returncode == 0 and piped.stderr == ""


def test_dfe_extract_shows_a_bar_of_authorities_on_a_terminal(tmp_path: Path) -> None:
    code, stdout, shown = on_a_terminal("dfe-extract", "--la", "940", "--la", "941", "-o", "d", cwd=tmp_path)
    assert code == 0, stdout + shown
    assert "scorecard-xl dfe-extract: [" + "." * 20 + "] 0/2: 940" in shown
    assert "] 1/2: 941" in shown
    assert stdout.startswith("wrote 2 authority files")
    piped = run_cli("dfe-extract", "--la", "940", "-o", "dfe2", cwd=tmp_path)
    assert piped.returncode == 0 and piped.stderr == ""
