"""The defined names of a built workbook: the record's fields (declared in workbook.fields, each
marked by the sheet that holds it) and a name for every block refresh rewrites; and the layout's
signature. Every reader of a built workbook finds its cells by these names (workbook.reader), so no
reader knows a cell position of its own.

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
from scorecard_xl.workbook.fields import PREFIX

# A block's defined name is derived from its sheet's position and name (see block_name); the
# record's fixed names (workbook.fields) are marked by each sheet's layout.


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
