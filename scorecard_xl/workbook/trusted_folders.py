"""This computer's trusted data folders: the list `scorecard-xl trust` keeps for the person using
it, as Excel keeps Trusted Locations. A workbook may name data files inside a trusted folder
(workbook.trust); it can never add one, since the list lives in the person's own settings folder,
which no workbook names.

A folder is trusted whole, with everything below it, so the list refuses what would trust far
more than data: the root of a drive, or a home folder (with its keys and browser profiles).
"""

from __future__ import annotations

from pathlib import Path

from scorecard_xl.atomic import write_atomically
from scorecard_xl.errors import ARGUMENTS, InputError
from scorecard_xl.workbook.trust import read_trusted_folders, trusted_folders_file

HEADER = (
    "# Folders whose data files scorecard-xl workbooks may read (one a line), kept by\n"
    "# 'scorecard-xl trust add FOLDER' and 'scorecard-xl trust remove FOLDER'.\n"
)


def listed_folders() -> tuple[Path, list[str]]:
    """The trusted-folders file and the folders it lists."""
    file = trusted_folders_file()
    return file, read_trusted_folders(file)


def add_folder(folder: str | Path) -> Path:
    """Trust `folder` (and everything below it) on this computer; returns it as listed."""
    path = Path(folder).expanduser().resolve()
    if not path.is_dir():
        raise InputError.of(ARGUMENTS, "", "FOLDER", str(folder), "an existing folder that holds data files")
    home = Path.home().resolve()
    if path.parent == path or path == home or path in home.parents:
        raise InputError.of(
            ARGUMENTS,
            "",
            "FOLDER",
            str(folder),
            "a folder that holds data files, not the root of a drive or a home folder: every file "
            "below a trusted folder may be read by any workbook",
        )
    file, folders = listed_folders()
    if str(path) not in folders:
        _write(file, [*folders, str(path)])
    return path


def remove_folder(folder: str | Path) -> str:
    """Stop trusting `folder` (as given, or as it resolves); returns the entry removed."""
    file, folders = listed_folders()
    candidates = {str(folder), str(Path(folder).expanduser().resolve())}
    found = next((entry for entry in folders if entry in candidates), None)
    if found is None:
        listed = ", ".join(folders) or "none"
        raise InputError.of(ARGUMENTS, "", "FOLDER", str(folder), f"a trusted folder (listed: {listed})")
    _write(file, [entry for entry in folders if entry != found])
    return found


def _write(file: Path, folders: list[str]) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(file, (HEADER + "".join(f"{folder}\n" for folder in folders)).encode("utf-8"))
