"""Is this a workbook file at all? Refused with a message saying what it is instead, before a check
or the accessibility check reads a part of it."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import NoReturn

from scorecard_xl.errors import InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def refuse_file(path: Path, expected: str) -> NoReturn:
    raise InputError.of(str(path), "", "", None, expected)


def require_workbook_file(path: Path) -> None:
    """Refuse (InputError) anything but a readable .xlsx file, saying what it is instead."""

    def refuse(expected: str) -> NoReturn:
        refuse_file(path, expected)

    if not path.exists():
        refuse("no such file: a workbook (.xlsx) to check")
    if not path.is_file():
        refuse("a workbook file (.xlsx), not a folder")
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError as error:
        refuse(f"a readable workbook (.xlsx): {error.strerror or error}")
    if head == OLE_MAGIC:
        refuse(
            "an .xlsx workbook; this is a password-protected or old-format (.xls) workbook, which "
            "cannot be inspected: save it as .xlsx without a password to open"
        )
    if not zipfile.is_zipfile(path):
        refuse("an Excel workbook (.xlsx); this file is not one")
