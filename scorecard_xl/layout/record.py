"""The workbook's record of itself: one set of defined names, written by the layout, that every
reader of a built workbook uses (refresh, `build --from-workbook`, send, check), so no reader
knows a cell position of its own.

Everything is visible (no hidden sheets, no names holding data): the Cover shows the refresh
settings, the period shown and the period picker; the Setup sheet carries the definition's text
and the column widths and row heights the layout set; the Data table carries the data. Defined
names point at those cells and at every block refresh rewrites, so a refresh can find them and can
tell when rows or columns have been inserted (the names move) or the definition has changed (the
signature differs).
"""

from __future__ import annotations

import hashlib

from scorecard_xl.layout.sheet import Block, DefinedName, SheetLayout

PREFIX = "scxl_"
# On the Cover
TITLE = "scxl_title"
ORGANISATION = "scxl_organisation"
MARKING = "scxl_marking"
PERIOD_TEXT = "scxl_period_text"  # "March 2023 (year 2022-23)", shown under every sheet's title
OPTIONS = "scxl_options"  # build options a refresh repeats, in words
DEFINITION = "scxl_definition"  # where the definition came from (a file, or a bundled template)
DATA = "scxl_data"  # data files a refresh reads new rows from, "; "-separated, relative to the workbook
DATA_STATUS = "scxl_data_status"  # "1,086 values in the Data table (sha256 ...), when"
SHOWN = "scxl_shown"  # the period shown, YYYY-MM
PICKER = "scxl_period"  # the period to show: "Latest" or a period; the analyst's, never rewritten
PERIODS = "scxl_periods"  # the picker's choices
SIGNATURE = "scxl_layout"  # the layout signature
# On the Scorecard and Summary
GRID = "scxl_grid"  # the Scorecard's grid: header row, then a row per measure or section title
REFS = "scxl_refs"  # the grid's Ref and Measure columns (a section's row has no title), header included
VALUES = "scxl_values"  # the grid's months and YTD columns, header row included
COMMENTARY = "scxl_commentary"  # the Commentary column beside the grid, header row included
TOTALS = "scxl_totals"  # the Summary's "All sections" row: measures, red, amber, green, not judged
# On the Data and Setup sheets
DATA_TABLE = "scxl_data_table"  # the Data table's header row; its rows run to the end of the sheet
DEFINITION_TEXT = "scxl_definition_text"  # the definition's file name; its lines follow below
GEOMETRY = "scxl_geometry"  # per sheet: the column widths and row heights the layout set

LATEST = "Latest"  # the picker's choice for "the latest period in the data"
PERIOD_LIST_ROWS = 49  # the drop-down offers Latest and the latest four years of months

# A block's defined name is derived from its sheet's position and name (see block_name); these
# blocks also carry a fixed record name that readers look up.
REQUIRED = (OPTIONS, DATA, SHOWN, PICKER, SIGNATURE, GRID, REFS, COMMENTARY, DATA_TABLE, DEFINITION_TEXT)


def block_name(sheet_index: int, block: Block) -> str:
    """The defined name of a block: its sheet's position and the block's name."""
    return f"{PREFIX}{sheet_index}_{block.name}"


def block_names(sheets: list[SheetLayout]) -> list[DefinedName]:
    return [
        DefinedName(block_name(index, block), sheet.name, block.first_row, block.first_col, block.last_row,
                    block.last_col)
        for index, sheet in enumerate(sheets)
        for block in sheet.blocks
    ]  # fmt: skip


def record_names(sheets: list[SheetLayout]) -> list[DefinedName]:
    """The fixed names of every sheet's record cells and ranges."""
    return [
        DefinedName(name, sheet.name, *rect)
        for sheet in sheets
        for name, rect in sorted(sheet.record.items())
    ]


def signature(definition_id: str, sheets: list[SheetLayout], measure_ids: list[str]) -> str:
    """A short hash of everything that fixes where values live: sheets, blocks, measures in order."""
    parts = [definition_id, *measure_ids]
    for index, sheet in enumerate(sheets):
        parts.append(f"{index}:{sheet.name}")
        parts.extend(f"{b.name}:{b.first_row},{b.first_col},{b.last_row},{b.last_col}" for b in sheet.blocks)
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]
