"""The workbook's record of itself: what refresh needs, kept in the workbook so Refresh needs no
other configuration.

Everything is visible on the Cover (no hidden sheets, no names holding data): the definition and
data locations, the period shown and the period picker, and a signature of the layout. Defined
names point at those cells and at every block refresh rewrites, so a refresh can find them and can
tell when rows or columns have been inserted (the names move) or the definition has changed (the
signature differs).
"""

from __future__ import annotations

import hashlib

from scorecard_xl.layout.sheet import Block, DefinedName, SheetLayout

PREFIX = "scxl_"
PERIOD_TEXT = "scxl_period_text"  # "March 2023 (year 2022-23)", shown under every sheet's title
OPTIONS = "scxl_options"  # build options a refresh repeats, as command-line flags
DEFINITION = "scxl_definition"  # definition file or bundled template name
DATA = "scxl_data"  # data file(s), "; "-separated, relative to the workbook's folder
SHOWN = "scxl_shown"  # the period shown, YYYY-MM
PICKER = "scxl_period"  # the period to show next, chosen from a drop-down
PERIODS = "scxl_periods"  # the months the data holds: the drop-down's list
SIGNATURE = "scxl_layout"  # the layout signature
PERIOD_LIST_ROWS = 48  # the drop-down offers the latest four years of months


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


def signature(definition_id: str, sheets: list[SheetLayout], measure_ids: list[str]) -> str:
    """A short hash of everything that fixes where values live: sheets, blocks, measures in order."""
    parts = [definition_id, *measure_ids]
    for index, sheet in enumerate(sheets):
        parts.append(f"{index}:{sheet.name}")
        parts.extend(f"{b.name}:{b.first_row},{b.first_col},{b.last_row},{b.last_col}" for b in sheet.blocks)
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]
