"""Excel's writes for a refresh: from what the refreshed workbook shows (contents.Refreshed) to the
blocks of values, number formats, table size and row and column sizes that `in_excel` makes
through xlwings, all worked out before the first write (RefreshPlan)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from scorecard_xl.generate.allocation import bulk_allocation
from scorecard_xl.layout.data_sheet import TABLE_NAME, TEXT_COLUMNS
from scorecard_xl.layout.sheet import Block, CellValue, Formula, Link, WorkbookLayout
from scorecard_xl.refresh.contents import Refreshed, RefreshRequest, refresh_contents
from scorecard_xl.workbook import fields
from scorecard_xl.workbook.reader import WorkbookRecord
from scorecard_xl.workbook.snapshot import WorkbookSnapshot

WriteValue = str | float | int | None


Axis = Literal["column", "row"]  # a size change's: column widths, or row heights


@dataclass(frozen=True)
class BlockWrite:
    """One 2-D write: a block's values from its top-left cell (0-based)."""

    sheet: str
    first_row: int
    first_col: int
    values: list[list[WriteValue]]

    @property
    def cells(self) -> int:
        return len(self.values) * len(self.values[0])


@dataclass(frozen=True)
class FormatWrite:
    """A number format for a rectangle, set before values are written into it."""

    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    number_format: str


@dataclass(frozen=True)
class TableResize:
    sheet: str
    table: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass(frozen=True)
class SizeChange:
    """Columns first..last (or rows) take `size`: the width or height the new values need."""

    sheet: str
    axis: Axis
    first: int
    last: int
    size: float


@dataclass(frozen=True)
class RefreshPlan(Refreshed):
    """A refresh in Excel: what the workbook will show, and every write that makes it so."""

    formats: list[FormatWrite]
    writes: list[BlockWrite]
    resize: TableResize
    sizes: list[SizeChange]

    @property
    def cells(self) -> int:
        return sum(w.cells for w in self.writes)


@bulk_allocation()  # (the layout's cells are walked again for every write)
def plan_refresh(snapshot: WorkbookSnapshot, request: RefreshRequest | None = None) -> RefreshPlan:
    """Everything a refresh of `snapshot` in Excel writes, worked out before anything is written.
    A protected workbook is refused: its locked cells cannot be written."""
    found = refresh_contents(snapshot, request)
    formats, writes, resize = table_writes(found.record, found.layout)
    return RefreshPlan(
        **{part.name: getattr(found, part.name) for part in dataclasses.fields(Refreshed)},
        formats=formats + worded_formats(found.layout),
        writes=block_writes(found.layout) + writes,
        resize=resize,
        sizes=size_changes(found.record, found.layout),
    )


def block_writes(layout: WorkbookLayout) -> list[BlockWrite]:
    writes = []
    for sheet in layout.sheets:
        if not sheet.blocks:
            continue
        cells = sheet.values_by_position()
        for block in sheet.blocks:
            writes.append(
                BlockWrite(
                    sheet.name,
                    block.first_row,
                    block.first_col,
                    _values(
                        cells, sheet.name, block.first_row, block.first_col, block.last_row, block.last_col
                    ),
                )
            )
    return writes


def _values(
    cells: dict[tuple[int, int], CellValue],
    sheet: str,
    first_row: int,
    first_col: int,
    last_row: int,
    last_col: int,
) -> list[list[WriteValue]]:
    return [
        [_plain(cells.get((row, col)), sheet, row, col) for col in range(first_col, last_col + 1)]
        for row in range(first_row, last_row + 1)
    ]


def table_writes(
    record: WorkbookRecord, layout: WorkbookLayout
) -> tuple[list[FormatWrite], list[BlockWrite], TableResize]:
    """The Data table written back whole: text columns kept text (Excel would read a period as a
    date), the rows, blanks over any rows it no longer has, and the table resized to fit."""
    sheet_name, header, first_col, _, last_col = record.names[fields.DATA_TABLE.name]
    sheet = next(s for s in layout.sheets if s.name == sheet_name)
    below = [(row, col, value) for row, col, value, _ in sheet.every_cell() if row > header]
    rows = max((row for row, _, _ in below), default=header) - header
    last = header + max(rows, record.table_span, 1)
    formats = [
        FormatWrite(sheet_name, header + 1, first_col + start, last, first_col + end, "@")
        for start, end in _runs(TEXT_COLUMNS)
    ]
    # The rows' values, and blanks (None) below them over rows the table no longer has.
    values: list[list[WriteValue]] = [[None] * (last_col - first_col + 1) for _ in range(last - header)]
    for row, col, value in below:
        if row <= last and first_col <= col <= last_col:
            values[row - header - 1][col - first_col] = _plain(value, sheet_name, row, col)
    resize = TableResize(sheet_name, TABLE_NAME, header, first_col, header + max(rows, 1), last_col)
    return formats, [BlockWrite(sheet_name, header + 1, first_col, values)], resize


def worded_formats(layout: WorkbookLayout) -> list[FormatWrite]:
    """The number formats a refresh sets: those with words in the blocks it writes (8 YTD beside a
    year-to-date target: ytd_target), set again each time, so a workbook built before its
    measure's target was shared over the year says so too; and every cell's of a block whose
    formats change with the data (the Summary's list, where a row may hold a measure of another
    unit), in runs down each column. A few dozen writes: other formats never change."""
    writes = []
    for sheet in layout.sheets:
        if not sheet.blocks:
            continue
        formats = {(row, col): number_format for row, col, _, (_, number_format) in sheet.every_cell()}
        for block in sheet.blocks:
            writes += _format_runs(sheet.name, block, formats)
        for (row, col), number_format in formats.items():
            worded = bool(number_format) and '"' in str(number_format)
            if worded and any(_inside(b, row, col) and col not in b.formats for b in sheet.blocks):
                writes.append(FormatWrite(sheet.name, row, col, row, col, str(number_format)))
    return writes


def _format_runs(sheet: str, block: Block, formats: dict[tuple[int, int], str | None]) -> list[FormatWrite]:
    """The number formats of the block's `formats` columns (General where a cell has none): a write
    per run of rows alike, across the columns where they share one format (a measure's value and
    target mostly do), else down each."""
    writes = []
    columns = sorted(block.formats)

    def row_formats(row: int) -> tuple[str, ...]:
        return tuple(formats.get((row, col)) or GENERAL for col in columns)

    start = block.first_row
    for row in range(block.first_row, block.last_row + 1):
        here = row_formats(row)
        if row < block.last_row and row_formats(row + 1) == here:
            continue
        if len(set(here)) == 1 and columns == list(range(columns[0], columns[-1] + 1)):
            writes.append(FormatWrite(sheet, start, columns[0], row, columns[-1], here[0]))
        else:
            down = zip(columns, here, strict=True)
            writes += [FormatWrite(sheet, start, col, row, col, fmt) for col, fmt in down]
        start = row + 1
    return writes


GENERAL = "General"


def _inside(block: Block, row: int, col: int) -> bool:
    return block.first_row <= row <= block.last_row and block.first_col <= col <= block.last_col


def _runs(columns: Sequence[int]) -> list[tuple[int, int]]:
    """[0, 1, 2, 4, 5] -> [(0, 2), (4, 5)]"""
    runs: list[tuple[int, int]] = []
    for col in sorted(columns):
        if runs and runs[-1][1] == col - 1:
            runs[-1] = (runs[-1][0], col)
        else:
            runs.append((col, col))
    return runs


def size_changes(record: WorkbookRecord, layout: WorkbookLayout) -> list[SizeChange]:
    """Widths and heights the new layout sets differently from the build (as the Setup sheet
    recorded it); every one of them where the record is missing or was edited."""
    changes = []
    for sheet in layout.sheets:
        if sheet.name not in record.geometry:
            continue  # the Setup sheet: a refresh changes nothing there but the record itself
        old = record.geometry[sheet.name]
        old_widths, old_heights = old if old is not None else ({}, {})
        axes: tuple[tuple[Axis, dict[int, float], dict[int, float]], ...] = (
            ("column", sheet.widths, old_widths),
            ("row", sheet.heights, old_heights),
        )
        for axis, new, previous in axes:
            changed = sorted(
                k for k, size in new.items() if old is None or not _same_size(previous.get(k), size)
            )
            for first, last in _runs(changed):
                # Consecutive columns of one new size are one write.
                start = first
                for index in range(first, last + 1):
                    if index == last or new[index + 1] != new[start]:
                        changes.append(SizeChange(sheet.name, axis, start, index, new[start]))
                        start = index + 1
    return changes


def _same_size(recorded: float | None, size: float) -> bool:
    return recorded is not None and round(recorded, 2) == round(size, 2)  # as the Setup sheet writes it


def _plain(value: CellValue, sheet: str, row: int, col: int) -> WriteValue:
    if isinstance(value, (Link, Formula)):  # a refresh writes values only; blocks never hold these
        raise TypeError(f"block on {sheet} holds a {type(value).__name__} at row {row + 1}, column {col + 1}")
    return None if value == "" else value
