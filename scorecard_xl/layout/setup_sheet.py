"""The Setup sheet: what a refresh needs besides the Data table, carried in the workbook so it
refreshes from itself wherever it goes (another folder, an email, OneDrive, Excel on the web).

- The definition's text, one line per row, exactly as its file held it. It is visible (a hidden
  sheet is what `check` refuses, and an analyst may read or correct a target here); a line that
  starts with = + - @ or a tab, which a spreadsheet opening a CSV export would run as a formula,
  is stored with a backslash in front (and so is one that starts with a backslash), and read back
  without it.
- The column widths and row heights the layout set, per sheet, so a refresh changes only the ones
  its new values need and leaves any an analyst set by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from scorecard_xl.errors import InputError
from scorecard_xl.layout.page_furniture import print_setup, title_block
from scorecard_xl.layout.sheet import Block, SheetLayout
from scorecard_xl.model.scorecard import Scorecard
from scorecard_xl.workbook import fields
from scorecard_xl.workbook.fields import CELL_TEXT_LIMIT, definition_lines, escape_line, geometry_text

SETUP_SHEET = "Setup"
NOTE = (
    "What Refresh reads besides the Data table, so this workbook refreshes from itself wherever it "
    "is. The definition below is the one Refresh uses: a target or a wording can be corrected here; "
    "adding or removing sections or measures needs a new build (scorecard-xl build --from-workbook). "
    "A line starting with = + - @ is stored with a \\ in front so no spreadsheet runs it. On paper "
    "only this note prints: the lines are for Refresh."
)


def lay_out_setup(scorecard: Scorecard, sheet_names: Sequence[str]) -> SheetLayout:
    """The Setup sheet; its geometry block is filled in by `fill_geometry` once the other sheets,
    `sheet_names`, are laid out. The definition's lines print; the geometry sits to their right,
    outside the print area (it is for refresh, not for reading), wrapped in a wide column."""
    definition = scorecard.definition
    sheet = SheetLayout(SETUP_SHEET)
    top = title_block(sheet, scorecard, "Setup", 2)
    sheet.put(top, 1, NOTE, "muted_wrap")
    sheet.widths.update({0: 7.0, 1: 110.0, 2: 3.0, 3: 24.0, 4: 110.0})
    row = top + 2
    sheet.put(row, 0, "Line", "column_header_left")
    sheet.put(row, 1, definition.file_name or f"{definition.id}.toml", "column_header_left", "@")
    sheet.mark(fields.DEFINITION_TEXT.name, row, 1)
    lines = definition_lines(definition.text)
    for number, line in enumerate(lines, start=1):
        if len(line) >= CELL_TEXT_LIMIT:
            raise InputError.of(
                definition.source,
                f"line {number}",
                "",
                f"{len(line):,} characters",
                f"lines shorter than {CELL_TEXT_LIMIT:,} characters (Excel's limit for a cell)",
            )
        sheet.put(row + number, 0, number, "muted")
        sheet.put(row + number, 1, escape_line(line) or None, "text", "@")
    sheet.put(row, 3, "Sheet", "column_header_left")
    sheet.put(row, 4, "Widths and heights the layout set", "column_header_left")
    first = row + 1
    for offset, name in enumerate(sheet_names):
        sheet.put(first + offset, 3, name, "muted", "@")
    last = first + len(sheet_names) - 1
    sheet.blocks.append(Block("geometry", first, 4, last, 4))
    sheet.mark(fields.GEOMETRY.name, first, 4, last, 4)
    sheet.freeze = (row + 1, 0)
    sheet.print_setup = print_setup(scorecard)
    sheet.print_setup.print_area = (0, 0, top, 1)  # the title and the note (printing gave 28 pages)
    return sheet


def fill_geometry(setup: SheetLayout, sheets: Sequence[SheetLayout]) -> None:
    """Write each sheet's widths and heights into the Setup sheet's geometry block."""
    first, col, _, _ = setup.record[fields.GEOMETRY.name]
    for offset, sheet in enumerate(sheets):
        setup.put(first + offset, col, geometry_text(sheet.widths, sheet.heights), "muted_wrap", "@")
