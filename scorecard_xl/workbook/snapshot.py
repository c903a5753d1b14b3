"""A workbook's cell values and defined names, however they were read: from a file (its XML, as
openpyxl's read-only mode reads it: sheet_values), from the JSON Excel sends (xlwings Lite,
xlwings Server, Office.js), or through xlwings from desktop Excel (`refresh.snapshot_from_book`).
Refresh plans from this one view, so every runtime plans the same writes from the same workbook.

Values are what a reader sees: numbers, text, dates (as datetime), None for an empty cell.
Sheets are read lazily, one whole sheet at a time, because each read from desktop Excel is a
cross-process round trip.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorecard_xl.a1 import column_index
from scorecard_xl.errors import InputError

Rect = tuple[str, int, int, int, int]  # sheet, first_row, first_col, last_row, last_col (0-based)
_REF = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
_ADDRESS = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
# The form in which Excel's JavaScript client sends a date (xlwings' own pattern).
_ISO_DATETIME = re.compile(
    r"^(-?\d{4,})-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12]\d)T([01]\d|2[0-3]):[0-5]\d:[0-5]\d"
)


ROW_LIMIT = 1_048_576  # Excel's rows and columns: no cell of a real workbook lies beyond them
COLUMN_LIMIT = 16_384
SHEET_CELL_LIMIT = 7_000_000  # cells held for one sheet: a Data table of Excel's every row is 6.3 M
BOOK_CELL_LIMIT = 12_000_000  # cells held for one workbook, every sheet read together


class CellBudget:
    """The cells a workbook's reading may hold, per sheet and in all. What a file claims (its
    dimension, a row number) costs nothing; only the cells really present count, so a workbook that
    declares a million rows around one cell is read in kilobytes, and one that holds more cells
    than any scorecard is refused by name before memory runs out."""

    def __init__(self, book: str, sheet_limit: int | None = None, book_limit: int | None = None) -> None:
        self.book = book
        self.sheet_limit = sheet_limit or SHEET_CELL_LIMIT
        self.book_limit = book_limit or BOOK_CELL_LIMIT
        self.used = 0

    def take(self, sheet: str, cells: int, sheet_total: int) -> None:
        """Count `cells` more for `sheet` (which then holds `sheet_total`); InputError past a limit."""
        self.used += cells
        if sheet_total > self.sheet_limit:
            raise too_many_cells(self.book, f"sheet '{sheet}' holds more than {self.sheet_limit:,} cells")
        if self.used > self.book_limit:
            raise too_many_cells(self.book, f"its sheets hold more than {self.book_limit:,} cells together")


def too_many_cells(book: str, what: str) -> InputError:
    return InputError.of(
        book, "", "", None, f"a workbook of a size scorecard-xl writes: {what}; not read further"
    )


def beyond_excel(book: str, sheet: str, row: int, col: int) -> InputError:
    return InputError.of(
        book,
        f"sheet '{sheet}'",
        "cell",
        f"row {row + 1:,}, column {col + 1:,}",
        f"a cell within Excel's {ROW_LIMIT:,} rows and {COLUMN_LIMIT:,} columns",
    )


Row = list[object] | dict[int, object]  # a row's values from its first column, or by column if sparse


class SheetValues:
    """A sheet's cells as read: the rows that hold any, by 0-based index. A row is a list of values
    from `first_col` (a short row ends early), or, when its few cells lie far apart, a dictionary by
    column; rows and cells not held are empty. Memory follows the cells present, never the extent a
    file declares."""

    __slots__ = ("_order", "_rows", "first_col")

    def __init__(
        self, values: Sequence[Sequence[object]] = (), first_row: int = 0, first_col: int = 0
    ) -> None:
        """`values`: rows from `first_row` (dense, as Excel and xlwings send a used range)."""
        self._rows: dict[int, Row] = {first_row + i: list(row) for i, row in enumerate(values) if row}
        self.first_col = first_col
        self._order: list[int] | None = None

    @classmethod
    def of_rows(cls, rows: dict[int, Row]) -> SheetValues:
        """Rows by index (ascending), each from column 0: what a reader of the file's XML makes."""
        sheet = cls()
        sheet._rows = rows
        return sheet

    @property
    def last_row(self) -> int:
        """The last row holding a cell (-1 for an empty sheet)."""
        return self.present()[-1] if self._rows else -1

    def present(self) -> list[int]:
        """The indexes of the rows that hold cells, in order."""
        if self._order is None:
            self._order = sorted(self._rows)
        return self._order

    def row_indexes(self, first_row: int, last_row: int) -> list[int]:
        """The rows holding cells from `first_row` to `last_row`, in order."""
        order = self.present()
        return order[bisect.bisect_left(order, first_row) : bisect.bisect_right(order, last_row)]

    def cell(self, row: int, col: int) -> object:
        found = self._rows.get(row)
        if found is None:
            return None
        if isinstance(found, dict):
            return found.get(col)
        j = col - self.first_col
        return found[j] if 0 <= j < len(found) else None

    def row(self, row: int, first_col: int, last_col: int) -> list[object]:
        """One row's cells from `first_col` to `last_col`."""
        found = self._rows.get(row)
        start, width = first_col - self.first_col, last_col - first_col + 1
        if isinstance(found, list) and start >= 0 and start + width <= len(found):
            return found[start : start + width]  # (a Data table's row: one slice)
        if found is None:
            return [None] * width
        return [self.cell(row, col) for col in range(first_col, last_col + 1)]

    def rows(self, first_row: int, first_col: int, last_row: int, last_col: int) -> list[list[object]]:
        """The rectangle's cells, row by row (callers bound it: see the workbook record's shapes)."""
        return [self.row(row, first_col, last_col) for row in range(first_row, last_row + 1)]

    def dense(self) -> list[list[object]]:
        """Every row from the first to the last holding cells, from column 0, each as long as its
        last cell (for tests and small sheets)."""
        rows = []
        for index in range(self.last_row + 1):
            found = self._rows.get(index)
            width = 0
            if isinstance(found, dict):
                width = max(found) + 1
            elif found:
                width = self.first_col + len(found)
            rows.append(self.row(index, 0, width - 1) if width else [])
        return rows


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
    """ "B2:C9" -> (1, 1, 8, 2); None for an address outside Excel's grid."""
    match = _ADDRESS.match(address.strip())
    if not match or len(match[2]) > 7 or len(match[4] or "") > 7:
        return None
    first = (int(match[2]) - 1, column_index(match[1]))
    last = (int(match[4]) - 1, column_index(match[3])) if match[3] else first
    rows, cols = sorted((first[0], last[0])), sorted((first[1], last[1]))
    if rows[0] < 0 or rows[1] >= ROW_LIMIT or cols[1] >= COLUMN_LIMIT:
        return None
    return rows[0], cols[0], rows[1], cols[1]


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

    budget = CellBudget(book_name)

    def load(name: str) -> SheetValues:
        values = sheets[name].get("values") or []
        if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
            raise InputError.of(
                book_name, f"sheet '{name}'", "values", None, "rows of cell values, as xlwings sends them"
            )
        cells = sum(len(row) for row in values)  # counted before any is converted
        budget.take(name, cells, cells)
        if len(values) > ROW_LIMIT or any(len(row) > COLUMN_LIMIT for row in values):
            raise beyond_excel(book_name, name, len(values) - 1, max(len(row) for row in values) - 1)
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
    from scorecard_xl.inputs.zip_guard import open_package
    from scorecard_xl.workbook.sheet_values import FallBack, PackageValues

    archive = open_package(content, name)
    budget = CellBudget(name)
    try:
        package = PackageValues(archive, name)
    except FallBack:
        return _openpyxl_snapshot(content, name, folder, budget)
    names: dict[str, Rect] = {}
    for defined_name, text in package.defined_names.items():
        rect = parse_reference(text)
        if rect is not None:
            names[defined_name] = rect
    by_openpyxl: list[WorkbookSnapshot] = []

    def load(sheet: str) -> SheetValues:
        try:
            return package.sheet(sheet, budget)
        except FallBack:  # (a date, say): openpyxl reads this sheet
            if not by_openpyxl:
                by_openpyxl.append(_openpyxl_snapshot(content, name, folder, budget))
            return by_openpyxl[0].load_sheet(sheet)

    return WorkbookSnapshot(name, folder, names, load)


def _openpyxl_snapshot(
    content: bytes, name: str, folder: Path | None, budget: CellBudget
) -> WorkbookSnapshot:
    """The workbook read by openpyxl (read-only, data-only), for what sheet_values leaves to it, with
    the same bounds: its declared dimension is dropped (openpyxl would pad every row to it), empty
    rows are not held, and the cells held count against `budget`."""
    import io

    import openpyxl  # only for what sheet_values leaves to it

    from scorecard_xl.inputs.zip_guard import read_safely

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
            worksheet = book[sheet]
            worksheet.reset_dimensions()  # each row then ends at its last cell; missing rows are ()
            rows: dict[int, Row] = {}
            held = 0
            for index, row in enumerate(worksheet.iter_rows(values_only=True)):
                if not any(value is not None for value in row):
                    continue
                if index >= ROW_LIMIT or len(row) > COLUMN_LIMIT:
                    raise beyond_excel(name, sheet, index, len(row) - 1)
                held += len(row)
                budget.take(sheet, len(row), held)
                rows[index] = list(row)
            return SheetValues.of_rows(rows)

    def load(sheet: str) -> SheetValues:
        if sheet not in book.sheetnames:
            raise KeyError(sheet)  # (WorkbookSnapshot.sheet says which)
        return read_safely(name, lambda: read(sheet))

    return WorkbookSnapshot(name, folder, names, load)
