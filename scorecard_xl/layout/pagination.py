"""Printed pages: each sheet's paper, print scale and page breaks, worked out from its measured
columns and rows (after layout.fitting), so that printing needs no guesswork from Excel or
LibreOffice:

- Text never prints smaller than MIN_TEXT_POINTS. A sheet prints one page wide, scaled down only as
  far as keeps its smallest text at that size. If some sheet does not fit so on the definition's
  paper, the whole workbook goes on the larger paper (A4 -> A3; mixed paper prints badly); a sheet
  too wide even there (or in the board pack, which keeps its paper) is split across pages at its
  column groups, as evenly as can be, the columns naming each row (Ref, Measure) repeated on every
  page, and each band of rows printed across its parts before the next (so the comparators of a row
  are on the page after its figures, not a dozen pages on).
- Rows break only between the sheet's blocks (`SheetLayout.keep_together`: a section's header with
  its measures, the Summary's tables). A block that does not fit the rest of a page starts the next
  one if this page is at least FULL_ENOUGH full; otherwise, and when a block is longer than a page,
  it breaks between its rows, never leaving fewer than ORPHAN_ROWS of it on either page.
- A sheet is scaled down when that prints it on fewer pages (a last page of a few rows saved, or
  sections packed a page tighter), by at most MAX_SHRINK and never below the minimum text size. A
  sheet that asks for one page (`PrintSetup.one_page`: the first page of the pack) is scaled down
  as far as the minimum text size allows to print on one.

Widths are LibreOffice's, the wider of the two (text_metrics), so the page fits in Excel too;
heights are those the layout gives each row (the default row height where it gives none).
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass

from scorecard_xl.layout.displayed_text import displayed
from scorecard_xl.layout.sheet import BulkRows, SheetLayout, StyleKey
from scorecard_xl.layout.styles import FONT_SIZE, cell_format
from scorecard_xl.layout.text_metrics import (
    DEFAULT_COLUMN_CHARS,
    DEFAULT_ROW_POINTS,
    LIBREOFFICE,
    column_points,
)

MIN_TEXT_POINTS = 7.0
# LibreOffice draws a chart's text this much smaller than its size (measured in the PDF: 8 pt
# printed at 100% comes out 6.94 pt), so a sheet of charts is scaled with that in mind.
CHART_TEXT_DRAWN = 0.867
PAPERS = {"A4": (841.89, 595.28), "A3": (1190.55, 841.89)}  # points, landscape
LARGER = {"A4": "A3"}
POINTS_PER_INCH = 72
HEIGHT_SAFETY = 0.97  # LibreOffice places its header inside the top margin slightly differently
FULL_ENOUGH = 0.5
ORPHAN_ROWS = 3
MAX_SHRINK = 0.15


@dataclass(frozen=True)
class Pages:
    """How a sheet prints."""

    paper: str
    scale: int  # per cent
    row_breaks: tuple[int, ...]  # rows that start a new page
    column_breaks: tuple[int, ...]  # columns that start a new page (a sheet too wide for its paper)

    @property
    def count(self) -> int:
        return (len(self.row_breaks) + 1) * (len(self.column_breaks) + 1)

    def page_of(self, row: int) -> int:
        """The page (0-based, within the sheet) on which `row` prints first. A sheet in parts
        prints across them before going down (PrintSetup.across)."""
        return bisect.bisect_right(self.row_breaks, row) * (len(self.column_breaks) + 1)


def pack_paper(sheets: Sequence[SheetLayout], preferred: str, grow: bool = True) -> str:
    """The one paper every sheet prints on: the preferred one, or (`grow`) the larger paper if some
    sheet would print below MIN_TEXT_POINTS one page wide on it (a pack on mixed paper prints
    badly). The board pack does not grow: a board reads the paper it asked for, and a sheet too wide
    for it prints in parts (see paginate)."""
    paper = preferred
    while (
        grow
        and paper in LARGER
        and any(_one_page_wide_scale(sheet, paper) < _lowest_scale(sheet) for sheet in sheets)
    ):
        paper = LARGER[paper]
    return paper


def paginate(sheet: SheetLayout, paper: str) -> Pages:
    """Work out how `sheet` prints on `paper` (see the module) and set its print setup to print so."""
    setup = sheet.print_setup
    first_row, _, last_row, _ = _area(sheet)
    widths = _printed_widths(sheet)
    lowest = _lowest_scale(sheet)
    left, right, top, bottom = setup.margins
    page_width, page_height = PAPERS[paper]
    room_width = page_width - (left + right) * POINTS_PER_INCH
    scale = _one_page_wide_scale(sheet, paper)
    column_breaks: tuple[int, ...] = ()
    if scale < lowest:  # too wide even so: split across pages at column groups, as evenly as can be
        column_breaks, widest = _split_columns(sheet, widths, room_width / lowest)
        scale = min(1.0, room_width / widest)
    percent = math.floor(scale * 100 + 1e-9)
    room_height = (page_height - (top + bottom) * POINTS_PER_INCH) * HEIGHT_SAFETY
    heights = {r: sheet.heights.get(r, DEFAULT_ROW_POINTS) for r in range(first_row, last_row + 1)}
    one_page = min(percent, math.floor(room_height / sum(heights.values()) * 100 + 1e-9))
    if setup.one_page and not column_breaks and one_page >= lowest * 100:
        setup.paper, setup.scale, setup.fit_width = paper, one_page, False
        setup.row_breaks, setup.column_breaks = (), ()
        return Pages(paper, one_page, (), ())
    row_breaks = _break_rows(sheet, heights, first_row, last_row, room_height / (percent / 100))
    shrunk = _shrink_for_fewer_pages(
        sheet, heights, (first_row, last_row), room_height, percent, row_breaks, lowest
    )
    if shrunk:
        percent, row_breaks = shrunk
    row_breaks = _repeat_a_split_tables_header(
        sheet, heights, (first_row, last_row), row_breaks, percent, room_height
    )
    setup.paper, setup.scale, setup.fit_width = paper, percent, False
    setup.row_breaks, setup.column_breaks = row_breaks, column_breaks
    setup.across = bool(column_breaks)
    return Pages(paper, percent, row_breaks, column_breaks)


def _repeat_a_split_tables_header(
    sheet: SheetLayout,
    heights: dict[int, float],
    rows: tuple[int, int],
    row_breaks: tuple[int, ...],
    percent: int,
    room_height: float,
) -> tuple[int, ...]:
    """When every page break falls inside one of the sheet's `headed_tables`, its header row is the
    one repeated at the top of each page (a page of rows without their column names is hard to
    read), and the rows are broken again for that height, if they still break inside it."""
    setup = sheet.print_setup
    for header, last in sheet.headed_tables:
        if not row_breaks or not all(header < row <= last for row in row_breaks):
            continue
        before = setup.repeat_rows
        setup.repeat_rows = (header, header)
        again = _break_rows(sheet, heights, *rows, room_height / (percent / 100), table_header=True)
        if again and all(header < row <= last for row in again):
            return again
        setup.repeat_rows = before
    return row_breaks


def _printed_widths(sheet: SheetLayout) -> dict[int, float]:
    """Points of each printed column, as LibreOffice (the wider) draws it."""
    _, first_col, _, last_col = _area(sheet)
    return {
        c: column_points(sheet.widths.get(c, DEFAULT_COLUMN_CHARS), LIBREOFFICE)
        for c in range(first_col, last_col + 1)
        if c not in sheet.hidden_columns
    }


def _one_page_wide_scale(sheet: SheetLayout, paper: str) -> float:
    left, right, _, _ = sheet.print_setup.margins
    room_width = PAPERS[paper][0] - (left + right) * POINTS_PER_INCH
    return min(1.0, room_width / sum(_printed_widths(sheet).values()))


def _lowest_scale(sheet: SheetLayout) -> float:
    """The smallest scale that keeps the sheet's smallest text at MIN_TEXT_POINTS."""
    first_row, first_col, last_row, last_col = _area(sheet)
    return MIN_TEXT_POINTS / _smallest_text(sheet, first_row, last_row, first_col, last_col)


def _area(sheet: SheetLayout) -> tuple[int, int, int, int]:
    if sheet.print_setup.print_area:
        return sheet.print_setup.print_area
    rows = max(map(operator.itemgetter(0), sheet.cells), default=0)  # in C: called per sheet several times
    cols = max(map(operator.itemgetter(1), sheet.cells), default=0)
    if sheet.bulk:  # below every other cell
        rows, cols = max(rows, sheet.bulk.last_row), max(cols, sheet.bulk.last_col)
    return 0, 0, rows, cols


def _smallest_text(sheet: SheetLayout, first_row: int, last_row: int, first_col: int, last_col: int) -> float:
    shown: set[StyleKey] = set()  # styles of cells showing text in the area
    for row, col, value, key in sheet.cells:
        if (
            key not in shown  # a style once found needs no more cells (a sheet has a few dozen)
            and value is not None
            and first_row <= row <= last_row
            and first_col <= col <= last_col
            and displayed(value, key[1])
        ):
            shown.add(key)
    if sheet.bulk:
        shown.update(_bulk_styles_shown(sheet.bulk, first_row, last_row, first_col, last_col))
    sizes = [float(cell_format(*key).get("font_size", FONT_SIZE)) for key in shown]
    sizes += [
        chart.font_points * CHART_TEXT_DRAWN for chart in sheet.charts if first_row <= chart.row <= last_row
    ]
    return min(sizes, default=FONT_SIZE)


def _bulk_styles_shown(
    bulk: BulkRows, first_row: int, last_row: int, first_col: int, last_col: int
) -> set[StyleKey]:
    """The styles of the bulk rows' cells showing text in the area (each column's style, if any
    of its cells there shows something, and any cell's own)."""
    rows = bulk.rows[max(first_row - bulk.first_row, 0) : max(last_row - bulk.first_row + 1, 0)]
    shown = {
        key
        for col, key in enumerate(bulk.keys, bulk.first_col)
        if first_col <= col <= last_col and any(row[col - bulk.first_col] not in (None, "") for row in rows)
    }
    for (row, col), key in bulk.restyled.items():
        value = bulk.rows[row - bulk.first_row][col - bulk.first_col]
        if first_row <= row <= last_row and first_col <= col <= last_col and value not in (None, ""):
            shown.add(key)
    return shown


def _split_columns(
    sheet: SheetLayout, widths: dict[int, float], room: float
) -> tuple[tuple[int, ...], float]:
    """Column breaks at the sheet's column groups for pages no wider than `room` (the repeated
    columns included): as few pages as can be, as evenly filled as can be. Returns the breaks and
    the widest page."""
    repeated = sheet.print_setup.repeat_columns
    fixed = sum(widths.get(c, 0.0) for c in range(repeated[0], repeated[1] + 1)) if repeated else 0.0
    start = repeated[1] + 1 if repeated else min(widths)
    edges = sorted({c for c in sheet.column_groups if c > start} | {start, max(widths) + 1})
    groups = []  # (first column, width) of each group; a group wider than a page, column by column
    for first, end in itertools.pairwise(edges):
        width = sum(widths.get(c, 0.0) for c in range(first, end))
        if fixed + width <= room:
            groups.append((first, width))
        else:
            groups.extend((c, widths[c]) for c in range(first, end) if c in widths)

    def pages(limit: float) -> list[int]:
        """Greedy: the first column of every page after the first, pages no wider than `limit`."""
        breaks, used = [], fixed
        for first, width in groups:
            if used + width > limit and used > fixed:
                breaks.append(first)
                used = fixed
            used += width
        return breaks

    fewest = len(pages(room))
    low, high = max(fixed + width for _, width in groups), room
    for _ in range(30):  # the narrowest limit giving as few pages: the most even split
        middle = (low + high) / 2
        low, high = (low, middle) if len(pages(middle)) <= fewest else (middle, high)
    breaks = pages(high)
    bounds = [start, *breaks, max(widths) + 1]
    widest = max(fixed + sum(widths.get(c, 0.0) for c in range(a, b)) for a, b in itertools.pairwise(bounds))
    return tuple(breaks), widest


def _break_rows(
    sheet: SheetLayout,
    heights: dict[int, float],
    first_row: int,
    last_row: int,
    capacity: float,
    table_header: bool = False,
) -> tuple[int, ...]:
    """Rows starting a new page, for pages holding `capacity` points of rows. Rows are placed in
    printing order, grouped: a keep-together block, or one row (runs of single rows in one loop:
    a Data table has thousands, and a sheet is paginated at several scales). The repeated rows are
    the sheet's headers, kept with its first row; or (`table_header`) a table's header further down."""
    repeated = sheet.print_setup.repeat_rows
    repeat_height = sum(heights.get(r, 0.0) for r in range(repeated[0], repeated[1] + 1)) if repeated else 0.0
    pager = _Pager(heights, capacity, repeat_height)
    # headers stay with a first row
    keep_with_first = (repeated[1] + 1) if repeated and not table_header else first_row
    blocks = {first: last for first, last in sheet.keep_together}
    starts = sorted(blocks)
    row = first_row
    while row <= last_row:
        if row not in blocks:  # single rows, up to the next block's first row
            found = bisect.bisect_right(starts, row)
            stop = min(starts[found], last_row + 1) if found < len(starts) else last_row + 1
            pager.single_rows(row, stop, keep_with_first)
            row = stop
            continue
        last = min(blocks[row], last_row)
        rows = list(range(row, last + 1))
        height = sum(heights[r] for r in rows)
        if pager.fits(height) or row <= keep_with_first:
            pager.place(height)
        elif len(rows) == 1 or (height <= pager.fresh_room and pager.fullness >= FULL_ENOUGH):
            pager.new_page(row)
            pager.place(height)
        else:
            pager.split(rows)
        row = last + 1
    return tuple(pager.breaks)


class _Pager:
    """Rows placed page by page: how full the current page is, and where pages were broken."""

    def __init__(self, heights: dict[int, float], capacity: float, repeat_height: float) -> None:
        self.heights, self.capacity, self.repeat_height = heights, capacity, repeat_height
        self.breaks: list[int] = []
        self.used = 0.0
        self.top = 0.0  # what the page holds before its own rows: the repeated rows, after page one

    @property
    def fresh_room(self) -> float:
        return self.capacity - self.repeat_height

    @property
    def fullness(self) -> float:
        return (self.used - self.top) / max(self.capacity - self.top, 1.0)

    def fits(self, height: float) -> bool:
        return self.used + height <= self.capacity

    def place(self, height: float) -> None:
        self.used += height

    def new_page(self, row: int) -> None:
        self.breaks.append(row)
        self.used = self.top = self.repeat_height

    def single_rows(self, start: int, stop: int, keep_with_first: int) -> None:
        """Place rows start..stop-1, each its own unit: on this page if it fits (or must stay with
        the first row), else on a new page."""
        heights, capacity, used = self.heights, self.capacity, self.used
        for row in range(start, stop):
            height = heights[row]
            if used + height <= capacity or row <= keep_with_first:
                used += height
            else:
                self.breaks.append(row)
                used = self.top = self.repeat_height
                used += height
        self.used = used

    def split(self, rows: Sequence[int]) -> None:
        """Place a block's rows across pages, never leaving fewer than ORPHAN_ROWS of it on a page
        (its first part holding its header row as well)."""
        index = 0
        while True:
            take, total = 0, 0.0
            while index + take < len(rows) and self.fits(total + self.heights[rows[index + take]]):
                total += self.heights[rows[index + take]]
                take += 1
            left = len(rows) - index - take
            if left == 0:
                self.place(total)
                return
            if left < ORPHAN_ROWS:  # too few would be left for the next page: take fewer here
                take = max(len(rows) - index - ORPHAN_ROWS, 0)
            if take < ORPHAN_ROWS + (1 if index == 0 else 0) and self.used > self.top:
                self.new_page(rows[index])  # too few for this page: start the block on the next
                continue
            take = max(take, 1)  # a page with nothing else on it takes what it can
            index += take
            self.new_page(rows[index])


def _shrink_for_fewer_pages(
    sheet: SheetLayout,
    heights: dict[int, float],
    rows: tuple[int, int],
    room_height: float,
    percent: int,
    row_breaks: tuple[int, ...],
    lowest: float,
) -> tuple[int, tuple[int, ...]] | None:
    """The largest smaller scale, down by at most MAX_SHRINK and never below `lowest`, that prints
    the sheet on fewer pages (a last page of a few rows saved, or sections packed one page tighter)."""
    if not row_breaks:
        return None
    floor = max(math.ceil(lowest * 100), math.ceil(percent * (1 - MAX_SHRINK)))
    for smaller in range(percent - 1, floor - 1, -1):
        breaks = _break_rows(sheet, heights, *rows, room_height / (smaller / 100))
        if len(breaks) < len(row_breaks):
            return smaller, breaks
    return None
