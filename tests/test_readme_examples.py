"""Every shell example in the README's sections for analysts runs, in order, as written, in one
fresh folder: what a newcomer pasting them one after another gets. Files the README shows whole (a
block whose first line names it, `# board_pack.toml`) are saved first, as the reader would save
them. Only commands that need the network, a mail server or Excel are skipped, each for the
reason SKIPPED gives; where a later example needs what a skipped one makes, the test makes it the
offline way (STAND_INS)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from tests.checkout_wheel import checkout_wheel
from tests.conftest import REPO

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.slow(seconds=55),
]  # `build --pdf` prints the board pack with LibreOffice

README = REPO / "README.md"
FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.S | re.M)
NAMED_FILE = re.compile(r"# ([\w.-]+\.(?:toml|txt|csv))\b")

SKIPPED = {  # the start of a README command: why it cannot run here
    "python -m venv .venv && . .venv/bin/activate && pip install -e .": (
        "network: pip installs scorecard-xl's dependencies from the package index into a new "
        "environment (tests/test_install.py installs the wheel offline instead)"
    ),
    "pip wheel --no-deps -w dist .": (
        "network, and a checkout in this folder: pip builds in an isolated environment fetched "
        "from the package index (stand-in: the wheel built from this checkout into dist/)"
    ),
    'excel-python/bin/pip install "path/to/scorecard-xl[excel]"': (
        "network: installs the dependencies from the package index (stand-in: the wheel installed "
        "offline, with this environment's packages, xlwings among them)"
    ),
    "excel-python/bin/xlwings addin install": "Excel: it installs the add-in into Excel's start-up folder",
    "scorecard-xl send scorecard.xlsx --to-file board.txt": "a mail server (none is named: --smtp-host)",
    "scorecard-xl batch board_pack.toml --send": "a mail server (the batch file's [email] table)",
    "scorecard-xl send board.xlsx --pdf board.pdf": "network and a mail server (smtp.office365.com)",
}


def analyst_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("\n## For analysts") : text.index("\n## For engineers")]


def commands() -> list[str]:
    """The lines of the section's ```sh blocks, in order: continuations joined, comments dropped."""
    found = []
    for match in FENCE.finditer(analyst_section()):
        if match[2] != "sh":
            continue
        for line in textwrap.dedent(match[3]).replace("\\\n", " ").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                found.append(line.strip())
    return found


def shown_files() -> dict[str, str]:
    """The files the section shows whole: a fenced block whose first line is `# NAME.ext`."""
    files = {}
    for match in FENCE.finditer(analyst_section()):
        body = textwrap.dedent(match[3])
        named = NAMED_FILE.match(body)
        if named:
            files[named[1]] = body
    return files


def skip_reason(command: str) -> str | None:
    return next((why for start, why in SKIPPED.items() if command.startswith(start)), None)


def test_the_readme_has_the_examples_and_every_skip_names_one() -> None:
    lines = commands()
    assert len(lines) >= 30
    for start in SKIPPED:
        assert sum(line.startswith(start) for line in lines) == 1, f"no README line starts {start!r}"
    assert {"board_pack.toml", "board.txt", "email.toml"} <= set(shown_files())


def make_stand_ins(folder: Path, line: str) -> None:
    """What a skipped command would have made, made offline, for the examples after it."""
    if line.startswith("pip wheel"):
        (folder / "dist").mkdir(exist_ok=True)
        shutil.copy(checkout_wheel(), folder / "dist")
    elif line.startswith("excel-python/bin/pip install"):
        (wheel,) = (folder / "dist").glob("scorecard_xl-*.whl")
        pip = [str(folder / "excel-python" / "bin" / "python"), "-m", "pip", "install", "-q"]
        alone = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # (the checkout's is no install)
        subprocess.run(
            [*pip, "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True, env=alone
        )
        site = next((folder / "excel-python" / "lib").glob("python3*/site-packages"))
        (site / "test_environment.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")


def test_every_analyst_example_runs_in_order_in_a_fresh_folder(tmp_path: Path) -> None:
    folder, bin_folder = tmp_path / "work", tmp_path / "bin"
    folder.mkdir()
    bin_folder.mkdir()
    (bin_folder / "python").symlink_to(sys.executable)
    command = bin_folder / "scorecard-xl"  # the command as installed, running this checkout
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m scorecard_xl.cli "$@"\n', encoding="utf-8")
    command.chmod(0o755)
    for name, text in shown_files().items():
        (folder / name).write_text(text, encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SCORECARD_XL_", "XLWINGS_"))},
        "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
        "HOME": str(tmp_path / "home"),  # `trust add` keeps its list in the user's settings
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
    }
    (tmp_path / "home").mkdir()
    ran, skipped = [], []
    for line in commands():
        why = skip_reason(line)
        if why is not None:
            skipped.append(line)
            make_stand_ins(folder, line)
            continue
        # One shell per line, with what `export` lines set carried over: they are examples too.
        exports = "".join(f"{e}\n" for e in ran if e.startswith("export "))
        done = subprocess.run(
            ["bash", "-c", f"set -eo pipefail\n{exports}{line}\n"],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"README example failed: {line}\n{done.stdout}\n{done.stderr}"
        ran.append(line)
    assert len(skipped) == len(SKIPPED) and len(ran) >= 25
    made = {p.name for p in folder.iterdir()}
    assert {"scorecard.xlsx", "board.xlsx", "pack.pdf", "scorecard_xl.xlam", "outbox", "dfe_data"} <= made


AFTER = re.compile(r"# after `([^`]+)`")


def python_examples() -> list[tuple[str, str]]:
    """The README's ```python blocks, each with the command its first line says it follows."""
    found = []
    for match in FENCE.finditer(README.read_text(encoding="utf-8")):
        if match[2] == "python":
            body = textwrap.dedent(match[3])
            after = AFTER.match(body)
            assert after, f"a README python example says what it follows (# after `...`):\n{body[:200]}"
            found.append((after[1], body))
    return found


@pytest.mark.parametrize("index", range(2))
def test_every_python_example_runs_as_written_in_a_fresh_folder(tmp_path: Path, index: int) -> None:
    """A notebook user pasting the library and DataFrame examples gets no missing file and no
    "already exists": each runs after the command it names, in a fresh folder with the files the
    README shows whole (board_pack.toml)."""
    examples = python_examples()
    assert len(examples) == 2
    command, body = examples[index]
    for name, text in shown_files().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCORECARD_XL_", "XLWINGS_"))}
    env["PYTHONPATH"] = str(REPO)
    assert command.startswith("scorecard-xl ")
    setup = [sys.executable, "-m", "scorecard_xl.cli", *command.split()[1:]]
    subprocess.run(setup, cwd=tmp_path, env=env, check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-c", body], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"README python example failed:\n{body}\n{done.stderr[-3000:]}"
