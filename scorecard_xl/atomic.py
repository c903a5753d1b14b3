"""Atomic file output: a reader sees the old file or the complete new one, never half of one.

Each write goes to a temporary file beside its target, named `.TARGET.scxl-PID-RANDOM.tmp` so it
can be recognised, and is renamed over the target in one step. A process killed mid-write leaves
that temporary file behind; the next write to the same target removes such leftovers when they are
older than the current process and the process that made them has gone (or its id now belongs to
a process that started after the file was written).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from scorecard_xl.errors import InputError, OutputExists

TEMPORARY_MARK = ".scxl-"  # in every temporary file's name, with the writer's process id
_STARTED = time.time()  # "older than this process": anything from before it cannot be ours in progress
_LEFTOVER_AGE_WITHOUT_PID_CHECK = 24 * 3600  # seconds, where a process cannot be asked if it lives


def check_writable(
    path: Path,
    force: bool,
    suffix: str | None = None,
    holds: str = "may hold commentary typed into it",
    *,
    inputs: Iterable[str | Path] = (),
) -> None:
    """Refuse before any work is done: an existing file may hold commentary the user still needs;
    a name not ending `suffix` would give bytes of one kind a name of another (xlsx bytes in a .csv,
    a macro-free workbook over an .xlsm); and an output that is one of the `inputs` (the same file
    by any name or link) would destroy what it is made from."""
    if suffix is not None and path.suffix.lower() != suffix:
        raise InputError.of(str(path), "", "file name", path.suffix or None, f"a file name ending {suffix}")
    if path.exists() and path.is_dir():
        raise InputError.of(str(path), "", "", None, "is a folder; give a file name ending .xlsx")
    for source in inputs:
        if _same_file(path, Path(source)):
            raise InputError.of(
                str(path),
                "",
                "",
                None,
                f"is an input of this command ({source}): writing it would destroy what it is made "
                "from; choose another output",
            )
    if path.exists() and not force:
        raise OutputExists(str(path), holds)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError.of(str(path), "", "", None, f"the folder {parent} does not exist")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # links and other spellings of one file count
    except OSError:
        return False


def write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to a temporary file beside `path`, flush it to disk, then rename it over
    `path` in one step. On any failure the temporary file is removed and `path` is untouched."""
    _replace(path, lambda stream: stream.write(content), _mode_for(path))


def copy_atomically(source: Path, target: Path) -> None:
    """Copy `source` to `target` (its bytes, permissions and times, as shutil.copy2) so that
    `target` is never half-written: for backups made before a file is replaced."""

    def copy(stream: BinaryIO) -> None:
        with source.open("rb") as original:
            shutil.copyfileobj(original, stream)

    _replace(target, copy, stat.S_IMODE(source.stat().st_mode), times_from=source)


def _replace(
    path: Path, fill: Callable[[BinaryIO], object], mode: int, times_from: Path | None = None
) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    remove_leftovers(path)
    prefix = f".{path.name}{TEMPORARY_MARK}{os.getpid()}-"
    handle, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=parent)
    try:
        os.chmod(temporary, mode)  # mkstemp makes 0600; the user expects a normal file
        with os.fdopen(handle, "wb") as stream:
            fill(stream)
            stream.flush()
            os.fsync(stream.fileno())
        if times_from is not None:
            shutil.copystat(times_from, temporary)
        os.replace(temporary, path)
        _sync_folder(parent)
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


def remove_leftovers(path: Path) -> list[Path]:
    """Remove temporary files an earlier, killed write to `path` left beside it: named for `path`,
    older than this process, and made by a process that no longer runs. Returns what it removed."""
    parent = path.parent if str(path.parent) else Path(".")
    pattern = re.compile(re.escape(f".{path.name}{TEMPORARY_MARK}") + r"([0-9]+)-[^/\\]*\.tmp")
    removed = []
    try:
        candidates = list(parent.iterdir())
    except OSError:
        return []
    for candidate in candidates:
        found = pattern.fullmatch(candidate.name)
        if found is None:
            continue
        try:
            modified = candidate.stat().st_mtime
        except OSError:
            continue
        if modified < _STARTED and not _running(int(found[1]), modified):
            with contextlib.suppress(OSError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def _running(pid: int, modified: float) -> bool:
    """Could the process that wrote a temporary file at `modified` still be writing it?"""
    if pid == os.getpid():
        return False  # ours, and older than this process: a reused process id
    if sys.platform == "win32":  # os.kill would end the process: judge by age alone
        return time.time() - modified < _LEFTOVER_AGE_WITHOUT_PID_CHECK
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass  # it exists, owned by someone else
    # On a busy machine process ids wrap around within minutes: one that started after the file
    # was last written is another process that was given the same id.
    started = _process_start(pid)
    return started is None or started <= modified + 1.0  # btime is in whole seconds


def _process_start(pid: int) -> float | None:
    """When process `pid` started (seconds since the epoch), from /proc; None where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22, starttime: clock ticks after boot
        lines = Path("/proc/stat").read_text().splitlines()
        boot = next(int(line.split()[1]) for line in lines if line.startswith("btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no handle on a folder to flush."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _mode_for(path: Path) -> int:
    """The replaced file's permissions, or what the user's umask gives a new file."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
