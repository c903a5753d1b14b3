"""Rendering workbooks through LibreOffice (headless): PDFs of what a printed pack looks like.

LibreOffice is the real spreadsheet on machines without Excel. Each conversion runs with its own
throw-away profile, so conversions never share state or block each other.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from scorecard_xl.errors import InputError

SOFFICE_NAMES = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 300


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


def convert_to_pdf(workbooks: Sequence[Path], out_dir: Path) -> list[Path]:
    """Convert workbooks to PDFs in `out_dir` in one LibreOffice run (much faster than one each)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scorecard-xl-lo-") as profile:
        command = [
            find_soffice(),
            f"-env:UserInstallation=file://{Path(profile).resolve()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *[str(p) for p in workbooks],
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    pdfs = [out_dir / f"{Path(p).stem}.pdf" for p in workbooks]
    missing = [p for p in pdfs if not p.exists()]
    if done.returncode != 0 or missing:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        names = ", ".join(p.name for p in missing) or "the workbooks"
        raise InputError.of("LibreOffice", "", "", None, f"could not convert {names}: {detail[0]}")
    return pdfs
