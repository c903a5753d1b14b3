"""Atomic file output: a reader sees the old file or the complete new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from scorecard_xl.errors import InputError, OutputExists


def check_writable(
    path: Path, force: bool, suffix: str | None = None, holds: str = "may hold commentary typed into it"
) -> None:
    """Refuse before any work is done: an existing file may hold commentary the user still needs;
    a name not ending `suffix` would give bytes of one kind a name of another (an .xlsx workbook
    called report.xls, which Excel then refuses or warns about)."""
    if suffix is not None and path.suffix.lower() != suffix:
        raise InputError.of(str(path), "", "file name", path.suffix or None, f"a file name ending {suffix}")
    if path.exists() and not force:
        raise OutputExists(str(path), holds)
    if path.exists() and path.is_dir():
        raise InputError.of(str(path), "", "", None, "is a folder; give a file name ending .xlsx")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError.of(str(path), "", "", None, f"the folder {parent} does not exist")


def write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to a temporary file beside `path`, flush it to disk, then rename it over
    `path` in one step. On any failure the temporary file is removed and `path` is untouched."""
    parent = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        os.chmod(temporary, _mode_for(path))  # mkstemp makes 0600; the user expects a normal file
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except PermissionError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise InputError.of(
            str(path), "", "", None, "cannot be replaced: is it open in Excel? Close it and try again"
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _mode_for(path: Path) -> int:
    """The replaced file's permissions, or what the user's umask gives a new file."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
