"""The workbook as Excel sends it to xlwings' remote engine, built from a generated .xlsx file, and
the applying of the actions that come back: how the tests see what Excel would, without Excel.

Excel sends each sheet's used range as a 2-D list (formula cells as their current values, empty
cells as ""), the defined names, and the xlwings version; xlwings returns actions with 0-based
rows and columns. openpyxl reads the file here only as an independent reader.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import openpyxl
import xlwings as xw

from scorecard_xl.layout.sheet import column_letters
from scorecard_xl.reopen import parse_reference


def payload_from_file(path: Path) -> dict[str, Any]:
    values_book = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in values_book.worksheets:
        rows = [["" if c.value is None else c.value for c in row] for row in ws.iter_rows()]
        sheets.append({"name": ws.title, "values": rows or [[""]], "pictures": [], "tables": []})
    index = {ws.title: i for i, ws in enumerate(values_book.worksheets)}
    names = []
    for name, defined in values_book.defined_names.items():
        rect = parse_reference(defined.attr_text)
        if rect is None:
            continue
        sheet, r1, c1, r2, c2 = rect
        address = f"${column_letters(c1)}${r1 + 1}" + (
            f":${column_letters(c2)}${r2 + 1}" if (r1, c1) != (r2, c2) else ""
        )
        names.append(
            {
                "name": name,
                "sheet_index": index[sheet],
                "address": address,
                "book_scope": True,
                "scope_sheet_index": None,
                "scope_sheet_name": None,
                "refers_to": "=" + defined.attr_text,
            }
        )
    return {
        "client": "Microsoft Office",
        "version": xw.__version__,
        "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": names,
        "sheets": sheets,
    }


def formula_cells(path: Path) -> dict[str, set[tuple[int, int]]]:
    """(row, col) of every formula, per sheet: Excel recalculates these itself after a refresh."""
    book = openpyxl.load_workbook(path)
    return {
        ws.title: {(c.row - 1, c.column - 1) for row in ws.iter_rows() for c in row if c.data_type == "f"}
        for ws in book.worksheets
    }


def apply_actions(payload: dict[str, Any], actions: list[dict[str, Any]]) -> dict[str, Any]:
    """What Excel does with setValues actions (the only kind refresh sends besides an alert)."""
    result = copy.deepcopy(payload)
    for action in actions:
        if action["func"] == "alert":
            continue
        assert action["func"] == "setValues", action
        rows = result["sheets"][action["sheet_position"]]["values"]
        for i, line in enumerate(action["values"]):
            for j, value in enumerate(line):
                r, c = action["start_row"] + i, action["start_column"] + j
                while len(rows) <= r:
                    rows.append([""] * len(rows[0]))
                while len(rows[r]) <= c:
                    rows[r].append("")
                rows[r][c] = value
    return result


def value_at(payload: dict[str, Any], sheet: str, row: int, col: int) -> Any:
    rows = next(s for s in payload["sheets"] if s["name"] == sheet)["values"]
    return rows[row][col] if row < len(rows) and col < len(rows[row]) else ""
