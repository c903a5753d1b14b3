"""Rendering workbooks through LibreOffice (headless): PDFs of what a printed pack looks like.

LibreOffice is the real spreadsheet on machines without Excel. Each conversion runs with its own
throw-away profile, so conversions never share state or block each other, and a failed run is
tried once more with a fresh one.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from scorecard_xl.errors import InputError

SOFFICE_NAMES = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 300
ATTEMPTS = 2


def find_soffice() -> str:
    """The LibreOffice program, or an InputError saying how to install it."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise InputError.of(
        "LibreOffice",
        "",
        "",
        None,
        "is needed to make PDFs and was not found; install it (Debian/Ubuntu: "
        "apt-get install libreoffice-calc; Windows/Mac: libreoffice.org)",
    )


def _throwaway_profile() -> AbstractContextManager[str]:
    return tempfile.TemporaryDirectory(prefix="scorecard-xl-lo-")


def convert_to_pdf(
    workbooks: Sequence[Path],
    out_dir: Path,
    fresh_profile: Callable[[], AbstractContextManager[str]] = _throwaway_profile,
) -> list[Path]:
    """Convert workbooks to PDFs in `out_dir` in one LibreOffice run (much faster than one each).

    Each run has a fresh throw-away profile (`fresh_profile` makes one). LibreOffice has been seen to
    crash while starting beside another conversion (tests/test_batch_publish.py, once, in
    soffice.bin itself); a run that fails is tried once more, with another fresh profile, for the
    workbooks not yet converted. The second failure is reported."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pdfs = {Path(p): out_dir / f"{Path(p).stem}.pdf" for p in workbooks}
    detail = "no output"
    for _ in range(ATTEMPTS):
        waiting = [book for book, pdf in pdfs.items() if not pdf.exists()]
        if not waiting:
            break
        with fresh_profile() as profile:
            detail = _convert(waiting, out_dir, Path(profile))
    missing = [pdf for pdf in pdfs.values() if not pdf.exists()]
    if missing:
        names = ", ".join(p.name for p in missing)
        raise InputError.of("LibreOffice", "", "", None, f"could not convert {names}: {detail}")
    return list(pdfs.values())


def _convert(workbooks: Sequence[Path], out_dir: Path, profile: Path) -> str:
    """One LibreOffice run; returns the last line it printed (what went wrong, if anything did)."""
    command = [
        find_soffice(),
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        *[str(p) for p in workbooks],
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    lines = (done.stderr or done.stdout).strip().splitlines()
    return f"{lines[-1]} (exit code {done.returncode})" if lines else f"exit code {done.returncode}"
