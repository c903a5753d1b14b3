"""The cells of a data workbook's sheet, read safely.

Before openpyxl parses anything, the package passes `zip_guard` (sizes in the zip directory, no
DTDs): a zip bomb or an entity bomb is refused in milliseconds instead of taking gigabytes. A
corrupt part inside a valid zip is a message, not a traceback. A formula cell without a saved
result is refused by name: openpyxl would read it as empty, and an empty value is a real answer
("no value") the data never gave.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree as ET

from scorecard_xl.errors import InputError, Problem
from scorecard_xl.inputs.zip_guard import open_package, read_safely

UNCALCULATED_LISTED = 10  # formula cells named one by one; the rest are counted
CELL_LIMIT = 10_000_000  # cells a data sheet's rows may spread over (a million tidy rows are 4-6 M)
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def sheet_rows(content: bytes, name: str) -> list[list[object]]:
    """Rows of the sheet named "data", or else the first sheet, as Python values (a percentage
    cell as "64%", a date as its month "2023-03"). Raises InputError naming `name`."""
    with open_package(content, name) as archive:
        return read_safely(name, lambda: _rows(archive, content, name))


def _rows(archive: zipfile.ZipFile, content: bytes, name: str) -> list[list[object]]:
    import openpyxl  # only XLSX data pays for the import

    with warnings.catch_warnings():
        # openpyxl warns about what it cannot keep (data validation, extensions) and about cells it
        # reads as errors; the first does not matter to data, the second shows up as a bad value.
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = book["data"] if "data" in book.sheetnames else book.worksheets[0]
            part = getattr(sheet, "_worksheet_path", None)
            if isinstance(part, str):
                _refuse_uncalculated(archive, part, name)
            return _bounded_rows(sheet, name)
        finally:
            book.close()


def _bounded_rows(sheet: Any, name: str) -> list[list[object]]:
    """The sheet's rows as values, at a cost of the cells present: the file's declared dimension
    (A1:XFD1048576 around one cell, a 140-byte edit) would have openpyxl pad every row to it, so it
    is ignored; a row missing between two is one shared empty row; and the cells read, padding to
    a row's last cell included, are counted against CELL_LIMIT."""
    sheet.reset_dimensions()
    rows: list[list[object]] = []
    empty: list[object] = []
    read = 0
    for row in sheet.iter_rows():
        read += len(row)
        if read > CELL_LIMIT:
            raise InputError.of(
                name,
                f"sheet '{sheet.title}'",
                "",
                None,
                f"a data sheet of at most {CELL_LIMIT:,} cells (its rows spread over more); one value a "
                "row in the first columns, as a tidy data file has them",
            )
        rows.append([_value(cell) for cell in row] if row else empty)
    return rows


def _value(cell: object) -> object:
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", "") or ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        # A cell shown as 64% holds 0.64: say so explicitly, whatever percent_input says.
        return f"{value * 100!r}%"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m")  # Excel turns a typed 2023-03 into a date
    return value


def _refuse_uncalculated(archive: zipfile.ZipFile, part: str, name: str) -> None:
    if not _has_formulas(archive, part):
        return
    found = list(_uncalculated(archive, part))
    if not found:
        return
    problems = [
        Problem(
            name,
            f"cell {reference}",
            "formula",
            f"={formula}",
            "a value: this formula has no saved result (the file was written by a program that does "
            "not calculate); open and save it in Excel, or paste the values",
        )
        for reference, formula in found[:UNCALCULATED_LISTED]
    ]
    if len(found) > UNCALCULATED_LISTED:
        more = len(found) - UNCALCULATED_LISTED
        problems.append(Problem(name, "", "", None, f"and {more:,} more formula cells without a result"))
    raise InputError(problems)


def _has_formulas(archive: zipfile.ZipFile, part: str) -> bool:
    """A fast scan of the sheet's XML for any formula element, before parsing it for them."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _uncalculated(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[str, str]]:
    """(cell reference, formula) of every formula cell with no cached value (no <v>)."""
    with archive.open(part) as stream:
        for _, element in ET.iterparse(stream, events=("end",)):
            if _local(element.tag) == "row":
                element.clear()  # rows are done with: keep memory flat on large sheets
                continue
            if _local(element.tag) != "c":
                continue
            children = {_local(child.tag): child for child in element}
            if "f" in children and not _cached(element.get("t", "n"), children.get("v")):
                yield element.get("r") or "?", (children["f"].text or "").strip()


def _cached(kind: str, value: ET.Element | None) -> bool:
    """Has a formula cell a saved result? An empty <v/> is one only for text (an empty text result);
    openpyxl and others write it for a number they never calculated."""
    if value is None:
        return False
    return bool(value.text) or kind in ("str", "s", "inlineStr")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
