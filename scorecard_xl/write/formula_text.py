"""Cells whose text a CSV export would run as a formula, found in a layout before it is written.

The definition, the build options and the data's text are refused when they start so (with a
message naming the field); what remains, such as commentary typed into an earlier workbook or a
data file's name shown on the Cover, is reported as a warning by the same rule `check` applies
(text_rules.formula_starter), so that build and check never disagree about a workbook.
"""

from __future__ import annotations

from collections.abc import Iterator

from scorecard_xl.a1 import a1, quote_sheet
from scorecard_xl.inputs.text_rules import formula_starter
from scorecard_xl.layout.sheet import CellValue, Formula, Link, SheetLayout, WorkbookLayout

LISTED = 10  # cells named one by one; the rest are counted


def formula_text_warnings(layout: WorkbookLayout) -> tuple[str, ...]:
    """One line per cell whose text starts a formula in a CSV export (at most LISTED, then a count)."""
    found = [
        f"{quote_sheet(sheet.name)}!{a1(row, col)}: text starts with {text[0]!r} "
        f"({text[:40]!r}): a CSV export would run it as a formula, and check flags it"
        for sheet in layout.sheets
        for row, col, text in _formula_texts(sheet)
    ]
    if len(found) > LISTED:
        return (*found[:LISTED], f"and {len(found) - LISTED} more such cells")
    return tuple(found)


def _formula_texts(sheet: SheetLayout) -> Iterator[tuple[int, int, str]]:
    """(row, col, text) of each cell whose text starts a formula, in the order of every_cell, then
    the merged ranges'."""
    for row, col, value, _ in sheet.cells:
        if (text := _text(value)) and formula_starter(text):
            yield row, col, text
    bulk = sheet.bulk
    # A long table's rows repeat a few thousand texts hundreds of thousands of times: each distinct
    # value is judged once, and the rows are looked at only when one of them starts a formula.
    if bulk and any((text := _text(value)) and formula_starter(text) for value in set().union(*bulk.rows)):
        for row, col, value, _ in bulk.cells():
            if (text := _text(value)) and formula_starter(text):
                yield row, col, text
    for row, col, _, _, value, _ in sheet.merges:
        if (text := _text(value)) and formula_starter(text):
            yield row, col, text


def _text(value: CellValue) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Link):
        return value.text
    if isinstance(value, Formula) and isinstance(value.cached, str):
        return value.cached
    return None
