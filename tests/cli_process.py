"""The real command line in a new process, as an analyst runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`scorecard-xl ARGS`, capturing its output; the exit code is for the test to judge."""
    return subprocess.run(
        [sys.executable, "-m", "scorecard_xl.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        check=False,
    )
