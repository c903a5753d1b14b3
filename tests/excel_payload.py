"""The workbook as Excel sends it to xlwings (Lite, Server, Office.js), built from a generated
.xlsx file, and Excel's side of applying the actions that come back: how the tests see what Excel
would, without Excel.

Excel sends each sheet's used range from A1 as a 2-D list (formula cells as their current values,
empty cells as "", dates as ISO text ending in Z), its tables, the defined names and the xlwings
version; xlwings returns actions with 0-based rows and columns. Applying them models what Excel
does that matters here: text written into a cell that is not formatted as text is read as Excel
reads typing, so "2023-04" becomes a date (the 1st of April) unless the cell is formatted "@".
openpyxl reads the file here only as an independent reader.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import openpyxl
import xlwings as xw
from openpyxl.utils import get_column_letter

from scorecard_xl.a1 import column_letters
from scorecard_xl.workbook.snapshot import parse_reference

TEXT = "@"
_LOOKS_LIKE_A_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def payload_from_file(path: Path, name: str | None = None) -> dict[str, Any]:
    """`name` is the file name Excel reports (a workbook opened from OneDrive has no folder)."""
    values_book = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    text_cells: dict[str, set[tuple[int, int]]] = {}
    text_columns: dict[str, set[int]] = {}
    for ws in values_book.worksheets:
        rows = [[_sent(c.value) for c in row] for row in ws.iter_rows(min_row=1, min_col=1)]
        tables = [_table(ws, table.name, table.ref) for table in ws.tables.values()]
        sheets.append({"name": ws.title, "values": rows or [[""]], "pictures": [], "tables": tables})
        text_cells[ws.title] = {
            (c.row - 1, c.column - 1) for row in ws.iter_rows() for c in row if c.number_format == TEXT
        }
        text_columns[ws.title] = {
            openpyxl.utils.column_index_from_string(letter) - 1
            for letter, dim in ws.column_dimensions.items()
            if dim.number_format == TEXT
        }
    index = {ws.title: i for i, ws in enumerate(values_book.worksheets)}
    names = []
    for defined_name, defined in values_book.defined_names.items():
        rect = parse_reference(defined.attr_text)
        if rect is None:
            continue
        sheet, r1, c1, r2, c2 = rect
        names.append(
            {
                "name": defined_name,
                "sheet_index": index[sheet],
                "address": _address(r1, c1, r2, c2),
                "book_scope": True,
                "scope_sheet_index": None,
                "scope_sheet_name": None,
            }
        )
    return {
        "client": "Microsoft Office",
        "version": xw.__version__,
        "book": {"name": name or path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": names,
        "sheets": sheets,
        # Not part of what Excel sends: what the tests' Excel model needs to know about formats.
        "_text_cells": text_cells,
        "_text_columns": text_columns,
        "_sizes": {},
    }


def _sent(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds") + "Z"
    return value


def _address(r1: int, c1: int, r2: int, c2: int) -> str:
    first = f"${column_letters(c1)}${r1 + 1}"
    return first if (r1, c1) == (r2, c2) else f"{first}:${column_letters(c2)}${r2 + 1}"


def _table(ws: Any, name: str, ref: str) -> dict[str, Any]:
    _, r1, c1, r2, c2 = parse_reference(f"'{ws.title}'!{ref}") or ("", 0, 0, 0, 0)
    return {
        "name": name,
        "range_address": _address(r1, c1, r2, c2),
        "header_row_range_address": _address(r1, c1, r1, c2),
        "data_body_range_address": _address(r1 + 1, c1, r2, c2),
        "total_row_range_address": None,
        "show_headers": True,
        "show_totals": False,
        "table_style": "TableStyleLight9",
        "show_autofilter": True,
    }


def formula_cells(path: Path) -> dict[str, set[tuple[int, int]]]:
    """(row, col) of every formula, per sheet: Excel recalculates these itself after a refresh."""
    book = openpyxl.load_workbook(path)
    return {
        ws.title: {(c.row - 1, c.column - 1) for row in ws.iter_rows() for c in row if c.data_type == "f"}
        for ws in book.worksheets
    }


def apply_actions(payload: dict[str, Any], actions: list[dict[str, Any]]) -> dict[str, Any]:
    """What Excel does with the actions a refresh sends."""
    result = copy.deepcopy(payload)
    for action in actions:
        func = action["func"]
        if func == "alert":
            continue
        sheet = result["sheets"][action["sheet_position"]]
        name = sheet["name"]
        if func == "setValues":
            _set_values(result, sheet, action)
        elif func == "setNumberFormat":
            if action["args"][0] == TEXT:
                result["_text_cells"][name] |= set(_cells_of(action))
        elif func == "resizeTable":
            table_index, address = action["args"]
            _, r1, c1, r2, c2 = parse_reference(f"'{name}'!{address}") or ("", 0, 0, 0, 0)
            sheet["tables"][table_index].update(
                _table_at(sheet["tables"][table_index]["name"], r1, c1, r2, c2)
            )
        elif func in ("setColumnWidth", "setRowHeight"):
            axis = "column" if func == "setColumnWidth" else "row"
            for row, col in _cells_of(action):
                result["_sizes"][(name, axis, col if axis == "column" else row)] = action["args"][0]
        else:
            raise AssertionError(f"a refresh sent an action Excel is not modelled for: {action}")
    return result


def _table_at(name: str, r1: int, c1: int, r2: int, c2: int) -> dict[str, Any]:
    return {
        "name": name,
        "range_address": _address(r1, c1, r2, c2),
        "header_row_range_address": _address(r1, c1, r1, c2),
        "data_body_range_address": _address(r1 + 1, c1, r2, c2),
    }


def _cells_of(action: dict[str, Any]) -> list[tuple[int, int]]:
    rows, cols = action["row_count"], action["column_count"]
    return [(action["start_row"] + i, action["start_column"] + j) for i in range(rows) for j in range(cols)]


def _set_values(result: dict[str, Any], sheet: dict[str, Any], action: dict[str, Any]) -> None:
    rows = sheet["values"]
    name = sheet["name"]
    text_cells, text_columns = result["_text_cells"][name], result["_text_columns"][name]
    for i, line in enumerate(action["values"]):
        for j, value in enumerate(line):
            r, c = action["start_row"] + i, action["start_column"] + j
            while len(rows) <= r:
                rows.append([""] * len(rows[0]))
            for row in rows:
                while len(row) <= c:
                    row.append("")
            if isinstance(value, str) and (r, c) not in text_cells and c not in text_columns:
                month = _LOOKS_LIKE_A_MONTH.match(value)
                if month:  # Excel reads it as typing: a date, the 1st of the month
                    value = f"{month[1]}-{month[2]}-01T00:00:00.000Z"
            rows[r][c] = "" if value is None else value


def value_at(payload: dict[str, Any], sheet: str, row: int, col: int) -> Any:
    rows = next(s for s in payload["sheets"] if s["name"] == sheet)["values"]
    return rows[row][col] if row < len(rows) and col < len(rows[row]) else ""


def sent(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as Excel sends it (without the tests' model of formats)."""
    return {k: v for k, v in payload.items() if not k.startswith("_")}


WHEN = r"\d{1,2} \w+ \d{4} \d\d:\d\d \w+"  # 12 April 2023 09:30 UTC
BROUGHT = r"(?:[+-][\d,]+ values(?:, [\d,]+ revised)?|[\d,]+ revised|no new values)"
REFRESH_NOTE = re.compile(rf"refreshed ({WHEN}): {BROUGHT}$")


def as_a_build_says(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload refreshed in Excel, its Cover's data status worded as a fresh build words it: a
    refresh adds when it ran and what it brought ("..., refreshed 12 April 2023 09:30 UTC: +356
    values"), which no build says. Fails if the note is missing: the workbook must say it."""
    from scorecard_xl.workbook import fields
    from scorecard_xl.workbook.snapshot import snapshot_from_payload

    result = copy.deepcopy(payload)
    sheet_name, row, col, _, _ = snapshot_from_payload(sent(result)).names[fields.DATA_STATUS.name]
    sheet = next(s for s in result["sheets"] if s["name"] == sheet_name)
    status = str(sheet["values"][row][col])
    assert REFRESH_NOTE.search(status), f"the Cover does not say it was refreshed: {status!r}"
    sheet["values"][row][col] = REFRESH_NOTE.sub(r"\1", status)
    return result


__all__ = [
    "apply_actions",
    "as_a_build_says",
    "formula_cells",
    "get_column_letter",
    "payload_from_file",
    "sent",
    "value_at",
]


def differences(
    got: dict[str, Any], want: dict[str, Any], skip: dict[str, set[tuple[int, int]]]
) -> list[str]:
    """Each cell whose value differs between two payloads (a refreshed workbook, a fresh build),
    but the cells in `skip` (formulas: Excel recalculates them)."""
    found = []
    for sheet_got, sheet_want in zip(got["sheets"], want["sheets"], strict=True):
        name = sheet_want["name"]
        rows = max(len(sheet_got["values"]), len(sheet_want["values"]))
        cols = max(max(len(r) for r in sheet_got["values"]), max(len(r) for r in sheet_want["values"]))
        for r in range(rows):
            for c in range(cols):
                if (r, c) in skip.get(name, set()):
                    continue
                a, b = value_at(got, name, r, c), value_at(want, name, r, c)
                if isinstance(a, float) and isinstance(b, float) and math.isclose(a, b, rel_tol=1e-14):
                    continue  # (a file holds 16 significant digits, as xlsxwriter writes; Excel, the double)
                if (a or "") != (b or ""):
                    found.append(f"{name} r{r + 1} c{c + 1}: refreshed {a!r}, fresh build {b!r}")
    return found
