"""scorecard-xl's wheel, built from this checkout once per test run and shared by every test and
every pytest-xdist worker that installs it (Pyodide, the fresh venv, the README walk-through).

Building it several times at once raced on setuptools' build/ folder in the checkout (two workers
building together broke one build), and cost a few seconds of CPU each time. The first caller builds
it under a lock; the others wait for that build and take the same file.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ROOT = Path(tempfile.gettempdir()) / "scorecard-xl-test-wheels"
STALE_SECONDS = 24 * 3600  # wheels of earlier runs are removed after a day


def checkout_wheel() -> Path:
    """The wheel of this checkout for this test run (xdist's run id, else this process)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid{os.getpid()}"
    folder = ROOT / run
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # (released when the file closes)
        found = sorted(folder.glob("scorecard_xl-*.whl"))
        if found:
            return found[0]
        _remove_stale(keep=folder)
        done = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "--disable-pip-version-check", "-w",
             str(folder), str(REPO)],
            capture_output=True,
            text=True,
        )  # fmt: skip
        if done.returncode:
            raise AssertionError(f"pip wheel of the checkout failed:\n{done.stdout}{done.stderr}")
        (wheel,) = folder.glob("scorecard_xl-*.whl")
        return wheel


def _remove_stale(keep: Path) -> None:
    for folder in ROOT.iterdir():
        if folder != keep and folder.is_dir() and time.time() - folder.stat().st_mtime > STALE_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)
