"""Reading a generated workbook's record of itself: where its definition and data live, which
period it shows and which one the analyst picked, its layout signature, its defined names and the
commentary typed on the Scorecard sheet.

Two readers fill the same `WorkbookRecord`: `read_workbook_file` (openpyxl, read-only: the command
line's refresh and `build --from-workbook`) and the xlwings reader in `refresh.py` (Excel).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scorecard_xl.errors import InputError, Problem
from scorecard_xl.layout import record
from scorecard_xl.layout.scorecard_sheets import SCORECARD_SHEET
from scorecard_xl.values import text_of as text_of  # refresh.py reads it from here too

Rect = tuple[str, int, int, int, int]  # sheet, first_row, first_col, last_row, last_col (0-based)
_REF = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$")


@dataclass(frozen=True)
class WorkbookRecord:
    name: str  # the workbook's file name, for messages
    folder: Path | None  # where relative locations start; None when unknown (Excel on the web)
    definition: str
    data: tuple[str, ...]
    options: str  # build options as flags, from the Cover's "Built with"
    shown: str  # YYYY-MM
    picked: str  # YYYY-MM, or "" when the picker is empty
    signature: str
    names: Mapping[str, Rect] = field(default_factory=dict)
    commentary: Mapping[str, str] = field(default_factory=dict)  # measure id -> text

    def resolve(self, location: str) -> Path:
        path = Path(location)
        if path.is_absolute() or self.folder is None:
            return path
        return self.folder / path


def parse_reference(reference: str) -> Rect | None:
    """ "'Cover'!$C$9:$C$12" -> ("Cover", 8, 2, 11, 2); None for anything that is not a range."""
    match = _REF.match(reference.strip())
    if not match:
        return None
    sheet = (match[1] or "").replace("''", "'") or match[2]
    first = (int(match[4]) - 1, _column(match[3]))
    last = (int(match[6]) - 1, _column(match[5])) if match[5] else first
    return sheet, first[0], first[1], last[0], last[1]


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def missing_record(name: str) -> InputError:
    return InputError(
        [
            Problem(
                name,
                "",
                "",
                None,
                "is not a workbook made by scorecard-xl (its Cover has no refresh settings); build one with "
                "'scorecard-xl build'",
            )
        ]
    )


def commentary_from_rows(rows: list[list[object]]) -> dict[str, str]:
    """Ref -> commentary from the Scorecard grid block's rows (the header row first, then measures and
    section titles; Ref is the first column and Commentary the last)."""
    found = {}
    for row in rows[1:]:
        ref, text = text_of(row[0]), text_of(row[-1])
        if ref and text:
            found[ref] = text
    return found


def read_workbook_file(path: Path) -> WorkbookRecord:
    """Read a generated workbook's record and commentary with openpyxl (read-only, never saved)."""
    with warnings.catch_warnings():
        # openpyxl cannot read sparklines and says so; reading is all we do, so they are safe.
        warnings.filterwarnings("ignore", "Sparkline Group extension", UserWarning)
        return _read_workbook_file(path)


def _read_workbook_file(path: Path) -> WorkbookRecord:
    import openpyxl  # the command line pays for the import only when it reads a workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError([Problem(str(path), "", "", None, "no such workbook")]) from None
    except (InvalidFileException, OSError, KeyError, ValueError) as error:
        raise InputError(
            [Problem(str(path), "", "", None, f"not a readable .xlsx workbook ({error})")]
        ) from None
    except Exception as error:  # zipfile.BadZipFile and friends
        raise InputError(
            [Problem(str(path), "", "", None, f"not a readable .xlsx workbook ({error})")]
        ) from None
    try:
        names: dict[str, Rect] = {}
        for name, defined in book.defined_names.items():
            rect = parse_reference(defined.attr_text or "")
            if name.startswith(record.PREFIX) and rect:
                names[name] = rect
        if record.DEFINITION not in names:
            raise missing_record(path.name)
        sheets: dict[str, list[tuple[object, ...]]] = {}

        def rows_of(sheet: str) -> list[tuple[object, ...]]:
            if sheet not in sheets:
                sheets[sheet] = [tuple(r) for r in book[sheet].iter_rows(values_only=True)]
            return sheets[sheet]

        def cell(name: str) -> str:
            sheet, row, col, _, _ = names[name]
            rows = rows_of(sheet)
            return text_of(rows[row][col]) if row < len(rows) and col < len(rows[row]) else ""

        commentary: dict[str, str] = {}
        grid = next(
            (rect for key, rect in names.items() if rect[0] == SCORECARD_SHEET and key.endswith("_grid")),
            None,
        )
        if grid:
            _, first, first_col, last, last_col = grid
            rows = rows_of(SCORECARD_SHEET)[first : last + 1]
            commentary = commentary_from_rows(
                [[r[first_col], r[last_col + 1] if last_col + 1 < len(r) else None] for r in rows]
            )
        return WorkbookRecord(
            name=path.name,
            folder=path.resolve().parent,
            options=cell(record.OPTIONS) if record.OPTIONS in names else "",
            definition=cell(record.DEFINITION),
            data=tuple(p.strip() for p in cell(record.DATA).split(";") if p.strip()),
            shown=cell(record.SHOWN),
            picked=cell(record.PICKER),
            signature=cell(record.SIGNATURE),
            names=names,
            commentary=commentary,
        )
    finally:
        book.close()
