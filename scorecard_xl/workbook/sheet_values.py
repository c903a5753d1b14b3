"""A workbook's cell values read straight from its XML parts, as openpyxl reads them in read-only,
data-only mode, several times faster and without importing openpyxl.

Refresh without Excel reads four sheets of a workbook, and at scale nearly all the time went on
openpyxl turning each cell of the Data table into a dictionary. Here each sheet's XML is parsed with
xml.etree and its cells taken as openpyxl would give them: numbers (an int when written without a
point or an exponent), text (shared, inline or a formula's), booleans, error codes as their text.

Unlike openpyxl, the sheet's declared dimension is not trusted: a file may claim A1:XFD1048576
around one cell, and openpyxl would pad every row to 16,384 columns. Only the cells present are
held (snapshot.SheetValues), counted against the workbook's CellBudget; a cell beyond Excel's grid
is refused. What this reader does not do, it leaves to openpyxl (read as sparingly, see
snapshot._openpyxl_snapshot): a number in a date or time format (openpyxl makes it a datetime), a
cell without a reference, a cell type it does not know, a part with a DTD, or XML it cannot parse.
`FallBack` says so.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree as ET

from scorecard_xl.errors import InputError
from scorecard_xl.workbook.ooxml import Package
from scorecard_xl.workbook.snapshot import (
    BOOK_CELL_LIMIT,
    COLUMN_LIMIT,
    ROW_LIMIT,
    CellBudget,
    Row,
    SheetValues,
    beyond_excel,
    too_many_cells,
)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_ROW, _CELL, _VALUE, _INLINE = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}is"
_TEXT, _RUN, _ITEM = f"{_MAIN}t", f"{_MAIN}r", f"{_MAIN}si"
_REFERENCE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_LETTERS = re.compile(r"^[A-Z]{1,3}$")
_COLUMNS = {chr(65 + i): i + 1 for i in range(26)}
NAME_LIMIT = 10_000  # a scorecard-xl workbook has a few hundred
_PRINT_NAMES = ("_xlnm.Print_Titles", "_xlnm.Print_Area", "_xlnm._FilterDatabase")  # openpyxl's sheets'
# Built-in number formats that are not dates or times (ECMA-376 18.8.30). Any other format a number
# carries may be one, and openpyxl reads the number as a date: such a sheet is left to it.
_PLAIN_BUILTINS = frozenset(range(0, 14)) | frozenset(range(37, 45)) | {48, 49}
# openpyxl's test for a date format (styles/numbers.py): quoted text and [bracketed] parts other
# than elapsed hours, minutes and seconds are ignored; any d, m, h, y or s left makes it a date.
_LITERALS = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")


class NotANumber(Exception):
    """A cell stored as a number whose text is not one: a hand-edited file, never Excel's."""

    def __init__(self, reference: str) -> None:
        super().__init__(reference)
        self.reference = reference


class FallBack(Exception):
    """This reader cannot give what openpyxl would: read it with openpyxl instead."""


def is_date_format(code: str) -> bool:
    return _DATE_LETTER.search(_LITERALS.sub("", code.split(";")[0])) is not None


class PackageValues:
    """The sheets and workbook-wide defined names of an .xlsx package (judged safe to read first:
    zip_guard.open_package). Its parts and relationships are read through ooxml.Package."""

    def __init__(self, archive: zipfile.ZipFile, name: str = "workbook") -> None:
        self.name = name  # the workbook's file name, for messages
        self._package = Package(archive, _fall_back)
        try:
            workbook = self._package.workbook_part()
            if workbook is None:
                raise FallBack("no workbook part")
            book = self._xml(workbook)
            if book.tag != f"{_MAIN}workbook":  # Strict Open XML, say: its own namespaces
                raise FallBack(f"{workbook}: a {book.tag} root")
            related = [rel for rel in self._package.rels(workbook) if not rel.external]
            targets = {rel.id: rel.target for rel in related}
            self._strings_part = next((r.target for r in related if r.type.endswith("/sharedStrings")), None)
            self._styles_part = next((r.target for r in related if r.type.endswith("/styles")), None)
            self._strings: list[str] | None = None
            self._maybe_dates: frozenset[int] | None = None
            self.sheet_parts: dict[str, str] = {}
            self.defined_names: dict[str, str] = {}
            for node in book.iter(f"{_MAIN}sheet"):
                self.sheet_parts[node.get("name") or ""] = targets[node.get(f"{_RELATIONSHIPS}id") or ""]
            for node in book.iter(f"{_MAIN}definedName"):
                defined = node.get("name") or ""
                if node.get("localSheetId") is None and defined not in _PRINT_NAMES:
                    self.defined_names[defined] = node.text or ""
            if len(self.defined_names) > NAME_LIMIT:
                raise InputError.of(
                    name, "", "defined names", f"{len(self.defined_names):,}", f"at most {NAME_LIMIT:,}"
                )
        except (KeyError, ValueError, ET.ParseError, zipfile.BadZipFile, OSError, RuntimeError) as error:
            raise FallBack(str(error)) from None

    def sheet(self, name: str, budget: CellBudget | None = None) -> SheetValues:
        """The sheet's cells, each as openpyxl's read-only, data-only mode gives it; the rows a file
        leaves out and its declared dimension cost nothing (see CellBudget). KeyError for a sheet
        the workbook does not have; InputError for a cell beyond Excel's grid or past the budget."""
        part = self.sheet_parts[name]
        try:
            return SheetValues.of_rows(self._rows(part, name, budget or CellBudget(name)))
        except NotANumber as bad:  # (openpyxl fails on it too, without saying where)
            raise InputError.of(
                self.name,
                f"sheet '{name}', cell {bad.reference}",
                "value",
                None,
                "a number: the cell is stored as one, but what it holds is not (NaN, INF or text)",
            ) from None
        except (KeyError, ValueError, IndexError, ET.ParseError, zipfile.BadZipFile, OSError) as error:
            raise FallBack(f"{part}: {error}") from None

    def _rows(self, part: str, sheet: str, budget: CellBudget) -> dict[int, Row]:
        # openpyxl's ReadOnlyWorksheet._cells_by_row, without its padding: a row number given twice
        # counts once (the first), a row without a number follows the one before
        strings, maybe_dates, columns = self._shared_strings(), self._date_styles(), dict(_COLUMNS)
        rows: dict[int, Row] = {}
        held, row_number = 0, 0
        for _, element in ET.iterparse(io.BytesIO(self._read(part)), events=("end",)):
            if element.tag != _ROW:
                continue
            found = element.get("r")
            number = int(found) if found is not None else row_number + 1
            if number <= row_number:
                element.clear()
                continue
            row_number = number
            cells = _cells(element, strings, maybe_dates, columns)
            element.clear()
            if not cells:
                continue
            last = max(cells)
            if number > ROW_LIMIT or last > COLUMN_LIMIT:
                raise beyond_excel(self.name, sheet, number - 1, last - 1)
            row = _held_row(cells, last)
            held += len(row)
            budget.take(sheet, len(row), held)
            rows[number - 1] = row
        return rows

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            part = self._strings_part
            strings: list[str] = []
            if part is not None:
                for _, element in ET.iterparse(io.BytesIO(self._read(part)), events=("end",)):
                    if element.tag == _ITEM:
                        strings.append(_text(element).replace("x005F_", ""))  # as openpyxl does
                        element.clear()
                        if len(strings) > BOOK_CELL_LIMIT:  # more than every cell could use
                            raise too_many_cells(self.name, f"more than {BOOK_CELL_LIMIT:,} shared strings")
            self._strings = strings
        return self._strings

    def _date_styles(self) -> frozenset[int]:
        """Cell styles whose number format may be a date or time (see _PLAIN_BUILTINS)."""
        if self._maybe_dates is None:
            part = self._styles_part
            found: set[int] = set()
            if part is not None:
                styles = self._xml(part)
                custom = {
                    int(node.get("numFmtId") or -1): node.get("formatCode") or ""
                    for node in styles.iter(f"{_MAIN}numFmt")
                }
                cell_formats = next(styles.iter(f"{_MAIN}cellXfs"), None)
                for index, node in enumerate(cell_formats if cell_formats is not None else ()):
                    number_format = int(node.get("numFmtId") or 0)
                    if number_format in custom:
                        maybe_date = is_date_format(custom[number_format])
                    else:
                        maybe_date = number_format not in _PLAIN_BUILTINS
                    if maybe_date:
                        found.add(index)
            self._maybe_dates = frozenset(found)
        return self._maybe_dates

    def _read(self, part: str) -> bytes:
        content = self._package.read(part)  # (a part too large or unreadable: _fall_back)
        if content is None:
            raise FallBack(f"{part}: missing")
        self._package.safe_xml(part, content)  # (a DTD: _fall_back)
        return content

    def _xml(self, part: str) -> ET.Element:
        return ET.fromstring(self._read(part))


def _fall_back(part: str, message: str) -> None:
    raise FallBack(f"{part}: {message}")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _cells(
    row: ET.Element, strings: list[str], maybe_dates: frozenset[int], columns: dict[str, int]
) -> dict[int, object]:
    """A row's values by column number (1-based), as openpyxl's parse_cell gives them. `columns`:
    column numbers by letters, filled in as met."""
    found: dict[int, object] = {}
    for cell in row:
        if cell.tag != _CELL:
            raise FallBack(f"a {cell.tag} in a row")
        letters = (cell.get("r") or "").rstrip("0123456789")
        column = columns.get(letters)
        if column is None:
            if not _LETTERS.match(letters):
                raise FallBack(f"cell reference {cell.get('r')!r}")
            column = columns[letters] = _column_number(letters)
        kind = cell.get("t") or "n"
        value: object
        if kind == "inlineStr":
            inline = cell.find(_INLINE)
            value = None if inline is None else _text(inline)
        else:
            text = cell.findtext(_VALUE) or None
            if text is None:
                value = None
            elif kind == "n":
                if maybe_dates and int(cell.get("s") or 0) in maybe_dates:
                    raise FallBack("a number in a date format")
                try:
                    value = float(text) if "." in text or "E" in text or "e" in text else int(text)
                except ValueError:
                    raise NotANumber(cell.get("r") or "?") from None
            elif kind == "s":
                value = strings[int(text)]
            elif kind == "str" or kind == "e":
                value = text
            elif kind == "b":
                value = bool(int(text))
            else:
                raise FallBack(f"cell type {kind!r}")
        if value is not None:
            found[column] = value
    return found


def _held_row(cells: dict[int, object], last: int) -> Row:
    """A row's values as held: a list from column A when they lie close together (the common case,
    read back by slicing), else by column, so a lone cell far to the right costs one entry."""
    if last <= 2 * len(cells) + 16:
        row: list[object] = [None] * last
        for column, value in cells.items():
            row[column - 1] = value
        return row
    return {column - 1: value for column, value in cells.items()}


def _text(item: ET.Element) -> str:
    """A string item's text as openpyxl's Text.content gives it: its own text, then its runs'."""
    parts = []
    for child in item:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _RUN:
            parts.extend(t.text or "" for t in child.iter(_TEXT))
    return "".join(parts)
