"""Cells whose text a CSV export would run as a formula, found in a layout before it is written.

The definition, the build options and the data's text are refused when they start so (with a
message naming the field); what remains, such as commentary typed into an earlier workbook or a
data file's name shown on the Cover, is reported as a warning by the same rule `check` applies
(text_rules.formula_starter), so that build and check never disagree about a workbook.
"""

from __future__ import annotations

from scorecard_xl.layout.sheet import CellValue, Formula, Link, WorkbookLayout, a1, quote_sheet
from scorecard_xl.text_rules import formula_starter

LISTED = 10  # cells named one by one; the rest are counted


def formula_text_warnings(layout: WorkbookLayout) -> tuple[str, ...]:
    """One line per cell whose text starts a formula in a CSV export (at most LISTED, then a count)."""
    found = []
    for sheet in layout.sheets:
        cells = [(row, col, value) for row, col, value, _ in sheet.every_cell()]
        cells += [(row, col, value) for row, col, _, _, value, _ in sheet.merges]
        for row, col, value in cells:
            text = _text(value)
            if text and formula_starter(text):
                found.append(
                    f"{quote_sheet(sheet.name)}!{a1(row, col)}: text starts with {text[0]!r} "
                    f"({text[:40]!r}): a CSV export would run it as a formula, and check flags it"
                )
    if len(found) > LISTED:
        return (*found[:LISTED], f"and {len(found) - LISTED} more such cells")
    return tuple(found)


def _text(value: CellValue) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Link):
        return value.text
    if isinstance(value, Formula) and isinstance(value.cached, str):
        return value.cached
    return None
