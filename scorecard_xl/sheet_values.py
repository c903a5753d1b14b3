"""A workbook's cell values read straight from its XML parts, as openpyxl reads them in read-only,
data-only mode, several times faster and without importing openpyxl.

Refresh without Excel reads four sheets of a workbook, and at scale nearly all the time went on
openpyxl turning each cell of the Data table into a dictionary. Here each sheet's XML is parsed with
xml.etree and its cells taken as openpyxl would give them: numbers (an int when written without a
point or an exponent), text (shared, inline or a formula's), booleans, error codes as their text,
None for an empty cell; rows from the first to the sheet's dimension (its recorded extent), each
padded to the dimension's width. What this reader does not do, it leaves to openpyxl, whole: a
number in a date or time format (openpyxl makes it a datetime), a cell without a reference, a cell
type it does not know, a part with a DTD, or XML it cannot parse. `FallBack` says so.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree as ET

from scorecard_xl.ooxml import Package

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_ROW, _CELL, _VALUE, _INLINE = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}is"
_TEXT, _RUN, _ITEM = f"{_MAIN}t", f"{_MAIN}r", f"{_MAIN}si"
_DIMENSION = f"{_MAIN}dimension"
_REFERENCE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_LETTERS = re.compile(r"^[A-Z]{1,3}$")
_COLUMNS = {chr(65 + i): i + 1 for i in range(26)}
_PRINT_NAMES = ("_xlnm.Print_Titles", "_xlnm.Print_Area", "_xlnm._FilterDatabase")  # openpyxl's sheets'
# Built-in number formats that are not dates or times (ECMA-376 18.8.30). Any other format a number
# carries may be one, and openpyxl reads the number as a date: such a sheet is left to it.
_PLAIN_BUILTINS = frozenset(range(0, 14)) | frozenset(range(37, 45)) | {48, 49}
# openpyxl's test for a date format (styles/numbers.py): quoted text and [bracketed] parts other
# than elapsed hours, minutes and seconds are ignored; any d, m, h, y or s left makes it a date.
_LITERALS = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")


class FallBack(Exception):
    """This reader cannot give what openpyxl would: read it with openpyxl instead."""


def is_date_format(code: str) -> bool:
    return _DATE_LETTER.search(_LITERALS.sub("", code.split(";")[0])) is not None


class PackageValues:
    """The sheets and workbook-wide defined names of an .xlsx package (judged safe to read first:
    zip_guard.open_package). Its parts and relationships are read through ooxml.Package."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
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
                name = node.get("name") or ""
                if node.get("localSheetId") is None and name not in _PRINT_NAMES:
                    self.defined_names[name] = node.text or ""
        except (KeyError, ValueError, ET.ParseError, zipfile.BadZipFile, OSError, RuntimeError) as error:
            raise FallBack(str(error)) from None

    def sheet(self, name: str) -> list[list[object]]:
        """The sheet's rows, as openpyxl's iter_rows(min_row=1, min_col=1, values_only=True) gives
        them. KeyError for a sheet the workbook does not have."""
        part = self.sheet_parts[name]
        try:
            return list(self._rows(part))
        except (KeyError, ValueError, IndexError, ET.ParseError, zipfile.BadZipFile, OSError) as error:
            raise FallBack(f"{part}: {error}") from None

    def _rows(self, part: str) -> Iterator[list[object]]:
        # openpyxl's ReadOnlyWorksheet._cells_by_row and _get_row, step for step
        strings, maybe_dates, columns = self._shared_strings(), self._date_styles(), dict(_COLUMNS)
        max_row = max_col = None
        counter, row_number = 1, 0
        for _, element in ET.iterparse(io.BytesIO(self._read(part)), events=("end",)):
            tag = element.tag
            if tag == _DIMENSION:
                max_row, max_col = _extent(element.get("ref") or "")
                continue
            if tag != _ROW:
                continue
            found = element.get("r")
            row_number = int(found) if found is not None else row_number + 1
            if max_row is not None and row_number > max_row:
                break
            while counter < row_number:  # rows the XML leaves out
                counter += 1
                yield [None] * max_col if max_col else []
            if counter <= row_number:  # (a row number given twice: the first one counts)
                cells = _cells(element, strings, maybe_dates, columns)
                counter += 1
                width = max_col or (next(reversed(cells)) if cells else 0)
                values: list[object] = [None] * width
                for column, value in cells.items():
                    if column <= width:
                        values[column - 1] = value
                yield values
            element.clear()
        if max_row is not None and max_row < row_number:
            while counter <= max_row:
                counter += 1
                yield [None] * (max_col or 0)

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            part = self._strings_part
            strings: list[str] = []
            if part is not None:
                for _, element in ET.iterparse(io.BytesIO(self._read(part)), events=("end",)):
                    if element.tag == _ITEM:
                        strings.append(_text(element).replace("x005F_", ""))  # as openpyxl does
                        element.clear()
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


def _extent(reference: str) -> tuple[int | None, int | None]:
    """The last row and column (1-based) of a sheet's dimension, as openpyxl takes them."""
    last = reference.split(":")[-1]
    match = _REFERENCE.match(last)
    if not match:
        raise FallBack(f"dimension {reference!r}")
    return int(match[2]), _column_number(match[1])


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
                value = float(text) if "." in text or "E" in text or "e" in text else int(text)
            elif kind == "s":
                value = strings[int(text)]
            elif kind == "str" or kind == "e":
                value = text
            elif kind == "b":
                value = bool(int(text))
            else:
                raise FallBack(f"cell type {kind!r}")
        found[column] = value
    return found


def _text(item: ET.Element) -> str:
    """A string item's text as openpyxl's Text.content gives it: its own text, then its runs'."""
    parts = []
    for child in item:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _RUN:
            parts.extend(t.text or "" for t in child.iter(_TEXT))
    return "".join(parts)
