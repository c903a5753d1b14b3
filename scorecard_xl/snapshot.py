"""A workbook's cell values and defined names, however they were read: from a file (its XML, as
openpyxl's read-only mode reads it: sheet_values), from the JSON Excel sends (xlwings Lite,
xlwings Server, Office.js), or through xlwings from desktop Excel (`refresh.snapshot_from_book`).
Refresh plans from this one view, so every runtime plans the same writes from the same workbook.

Values are what a reader sees: numbers, text, dates (as datetime), None for an empty cell.
Sheets are read lazily, one whole sheet at a time, because each read from desktop Excel is a
cross-process round trip.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorecard_xl.errors import InputError
from scorecard_xl.layout.sheet import column_index

Rect = tuple[str, int, int, int, int]  # sheet, first_row, first_col, last_row, last_col (0-based)
_REF = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$")
_ADDRESS = re.compile(r"^\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$")
# The form in which Excel's JavaScript client sends a date (xlwings' own pattern).
_ISO_DATETIME = re.compile(
    r"^(-?\d{4,})-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12]\d)T([01]\d|2[0-3]):[0-5]\d:[0-5]\d"
)


@dataclass(frozen=True)
class SheetValues:
    """A sheet's used range: `values[i][j]` is the cell (first_row + i, first_col + j)."""

    values: Sequence[Sequence[object]]
    first_row: int = 0
    first_col: int = 0

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.values) - 1

    def cell(self, row: int, col: int) -> object:
        i, j = row - self.first_row, col - self.first_col
        if 0 <= i < len(self.values) and 0 <= j < len(self.values[i]):
            return self.values[i][j]
        return None

    def rows(self, first_row: int, first_col: int, last_row: int, last_col: int) -> list[list[object]]:
        found = []
        start, width = first_col - self.first_col, last_col - first_col + 1
        for row in range(first_row, last_row + 1):
            i = row - self.first_row
            if 0 <= i < len(self.values) and start >= 0 and start + width <= len(self.values[i]):
                found.append(list(self.values[i][start : start + width]))  # (a Data table's row)
            else:
                found.append([self.cell(row, col) for col in range(first_col, last_col + 1)])
        return found


@dataclass
class WorkbookSnapshot:
    name: str  # the workbook's file name, for messages
    folder: Path | None  # where relative locations start; None when unknown (Excel on the web)
    names: Mapping[str, Rect]
    load_sheet: Callable[[str], SheetValues]
    _sheets: dict[str, SheetValues] = field(default_factory=dict)

    def sheet(self, name: str) -> SheetValues:
        if name not in self._sheets:
            try:
                self._sheets[name] = self.load_sheet(name)
            except KeyError:
                raise InputError.of(
                    self.name,
                    f"sheet '{name}'",
                    "",
                    None,
                    "the sheet the workbook's defined names point at; was it renamed or deleted? Undo "
                    "that, or rebuild with 'scorecard-xl build --from-workbook'",
                ) from None
        return self._sheets[name]


def parse_reference(reference: str) -> Rect | None:
    """ "'Cover'!$C$9:$C$12" -> ("Cover", 8, 2, 11, 2); None for anything that is not a range."""
    match = _REF.match(reference.strip())
    if not match:
        return None
    sheet = (match[1] or "").replace("''", "'") or match[2]
    rect = _address(f"{match[3]}{match[4]}" + (f":{match[5]}{match[6]}" if match[5] else ""))
    return None if rect is None else (sheet, *rect)


def _address(address: str) -> tuple[int, int, int, int] | None:
    match = _ADDRESS.match(address.strip())
    if not match:
        return None
    first = (int(match[2]) - 1, column_index(match[1]))
    last = (int(match[4]) - 1, column_index(match[3])) if match[3] else first
    return first[0], first[1], last[0], last[1]


def snapshot_from_payload(payload: Mapping[str, Any], folder: Path | None = None) -> WorkbookSnapshot:
    """The workbook as Excel's JavaScript client sends it (xlwings Lite, Server, Office.js): every
    sheet's values anchored at A1, "" for an empty cell, dates as ISO text; the defined names."""
    try:
        sheets = {sheet["name"]: sheet for sheet in payload["sheets"]}
        book_name = str(payload["book"]["name"])
        names: dict[str, Rect] = {}
        order = list(sheets)
        for entry in payload.get("names", []):
            rect = _payload_name(entry, order)
            if rect is not None:
                names[str(entry["name"]).rsplit("!", 1)[-1]] = rect
    except (KeyError, TypeError, IndexError) as error:
        raise InputError.of(
            "the workbook Excel sent", "", "", None, f"the form xlwings sends (missing {error})"
        ) from None

    def load(name: str) -> SheetValues:
        values = sheets[name].get("values") or []
        return SheetValues([[_payload_value(v) for v in row] for row in values])

    return WorkbookSnapshot(book_name, folder, names, load)


def _payload_name(entry: Mapping[str, Any], sheet_order: Sequence[str]) -> Rect | None:
    refers_to = entry.get("refers_to")
    if isinstance(refers_to, str):
        rect = parse_reference(refers_to)
        if rect is not None:
            return rect
    index, address = entry.get("sheet_index"), entry.get("address")
    if index is None or not isinstance(address, str) or not 0 <= index < len(sheet_order):
        return None  # a name whose range was deleted (#REF!), or a constant
    cells = _address(address)
    return None if cells is None else (sheet_order[index], *cells)


def _payload_value(value: object) -> object:
    if value == "":
        return None
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            return dt.datetime.fromisoformat(value.rstrip("Z").split(".")[0])
        except ValueError:
            return value
    return value


def snapshot_from_file(path: str | Path) -> WorkbookSnapshot:
    """Read a workbook file (values as last calculated; never written): see snapshot_from_bytes."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise InputError.of(str(path), "", "", None, "no such workbook") from None
    except OSError as error:
        raise InputError.of(str(path), "", "", None, f"cannot read: {error.strerror}") from None
    return snapshot_from_bytes(content, path.name, path.resolve().parent)


def snapshot_from_bytes(content: bytes, name: str, folder: Path | None = None) -> WorkbookSnapshot:
    """A workbook's bytes, read as openpyxl reads them (read-only, values as last calculated): the
    names at once, each sheet when first read (a refresh reads four of a sample's seventeen). Read
    straight from the XML (sheet_values) where that gives what openpyxl would, else with openpyxl.
    A package that is not safe to read (zip_guard), or is corrupt, is an InputError naming `name`.
    The bytes are in memory, so nothing is left open."""
    from scorecard_xl.sheet_values import FallBack, PackageValues
    from scorecard_xl.zip_guard import open_package

    archive = open_package(content, name)
    try:
        package = PackageValues(archive)
    except FallBack:
        return _openpyxl_snapshot(content, name, folder)
    names: dict[str, Rect] = {}
    for defined_name, text in package.defined_names.items():
        rect = parse_reference(text)
        if rect is not None:
            names[defined_name] = rect
    by_openpyxl: list[WorkbookSnapshot] = []

    def load(sheet: str) -> SheetValues:
        try:
            return SheetValues(package.sheet(sheet))
        except FallBack:  # (a date, say): openpyxl reads this sheet
            if not by_openpyxl:
                by_openpyxl.append(_openpyxl_snapshot(content, name, folder))
            return by_openpyxl[0].load_sheet(sheet)

    return WorkbookSnapshot(name, folder, names, load)


def _openpyxl_snapshot(content: bytes, name: str, folder: Path | None) -> WorkbookSnapshot:
    import io

    import openpyxl  # only for what sheet_values leaves to it

    from scorecard_xl.zip_guard import read_safely

    def open_book() -> Any:
        with warnings.catch_warnings():
            # openpyxl cannot read sparklines and says so; reading is all we do, so they are safe.
            warnings.filterwarnings("ignore", "Sparkline Group extension", UserWarning)
            return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)

    book = read_safely(name, open_book)
    names: dict[str, Rect] = {}
    for defined_name, defined in book.defined_names.items():
        rect = parse_reference(defined.attr_text or "")
        if rect is not None:
            names[defined_name] = rect

    def read(sheet: str) -> SheetValues:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Sparkline Group extension", UserWarning)
            rows = book[sheet].iter_rows(min_row=1, min_col=1, values_only=True)
            return SheetValues([list(row) for row in rows])

    def load(sheet: str) -> SheetValues:
        if sheet not in book.sheetnames:
            raise KeyError(sheet)  # (WorkbookSnapshot.sheet says which)
        return read_safely(name, lambda: read(sheet))

    return WorkbookSnapshot(name, folder, names, load)
