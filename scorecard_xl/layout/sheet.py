"""The plan of one worksheet: cells, styles, rules and print settings, as plain data.

The layout is the single source of truth for where every value lives: the writer turns it into
xlsxwriter calls, and refresh reads the same plan to know which blocks to write. 0-based (row, col)
throughout; A1 strings are made only at the edges.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from scorecard_xl.drawing.series import TrendSeries
from scorecard_xl.layout.chart_axis import ValueAxis

StyleKey = tuple[str, str | None]  # (style name in styles.STYLES, number format or None)
_STYLE_KEYS: dict[StyleKey, StyleKey] = {}


def style_key(style: str, number_format: str | None = None) -> StyleKey:
    """The one tuple for a style, shared by every cell that has it: a large scorecard has hundreds
    of thousands of cells but a few dozen styles."""
    key = (style, number_format)
    return _STYLE_KEYS.setdefault(key, key)


@dataclass(frozen=True)
class Link:
    """A hyperlink inside the workbook: `target` is a sheet name, `cell` an A1 reference there; or,
    with `email`, a mailto: link to that address (a published copy's contact)."""

    target: str
    cell: str
    text: str
    email: str = ""

    @classmethod
    def mail(cls, address: str) -> Link:
        """A link that writes an email to `address`, saying the address."""
        return cls("", "", address, address)


@dataclass(frozen=True)
class Formula:
    """A formula with the result Python already knows, so viewers that never recalculate (mail
    previews, phones, PDF converters) show the right value instead of 0."""

    formula: str
    cached: str | float


CellValue = str | float | int | None | Link | Formula
Cell = tuple[int, int, CellValue, StyleKey]


@dataclass(frozen=True)
class ConditionalFormat:
    """One rule over one or more rectangles (relative references follow the first's top-left)."""

    ranges: tuple[tuple[int, int, int, int], ...]  # (first_row, first_col, last_row, last_col)
    options: dict[str, Any]  # xlsxwriter options; "format" names a styles.CONDITIONAL entry


@dataclass(frozen=True)
class Sparkline:
    """A trend in one cell: a sparkline of a row of another sheet's cells."""

    row: int
    col: int
    source_sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    kind: str  # "line" or "column"
    series: TrendSeries | None = None  # what it shows, for drawing it where sparklines cannot show
    description: str = ""  # the trend in words: a drawn trend's alternative text


@dataclass(frozen=True)
class Picture:
    """A PNG in one cell, shown `width` x `height` pixels (96 dpi) whatever its own size (drawn
    larger, it stays sharp in print), `offset` pixels from the cell's top-left corner."""

    row: int
    col: int
    png: bytes
    width: int
    height: int
    offset: tuple[int, int]
    description: str  # alternative text


@dataclass(frozen=True)
class ChartSeries:
    """One series of a line chart: its cells, and how it is drawn (a line, markers, or both)."""

    name: str
    values: tuple[int, int, int, int]  # first_row, first_col, last_row, last_col on the chart's data sheet
    line: str | None  # the line's colour; None draws markers only
    dash: str | None  # xlsxwriter's dash_type ("dash", "round_dot"), None for a solid line
    marker: str | None  # xlsxwriter's marker type ("circle", "square"), None for none
    colour: str  # the markers' colour
    width: float  # the line's width in points
    legend: bool = True  # named in the legend (a second limit line need not be)


@dataclass(frozen=True)
class ChartSpec:
    """A native Excel line chart at (row, col), `width` x `height` pixels, over cells of
    `data_sheet`, so a refresh that writes those cells redraws it in every program."""

    row: int
    col: int
    width: int
    height: int
    title: str
    data_sheet: str
    categories: tuple[int, int, int, int]  # the x axis's labels
    series: tuple[ChartSeries, ...]
    number_format: str  # the y axis's
    description: str  # alternative text
    font_points: float = 9.0  # its axes' and legend's text (pagination keeps it at 7 pt or more)
    value_axis: ValueAxis | None = None  # the y axis's bounds and step; None: the program's own


@dataclass(frozen=True)
class Button:
    """A text box on the sheet that links to a cell it covers: clicking it selects that cell, which
    is how xlwings Lite runs a script from the sheet (layout.cover_button)."""

    name: str  # the shape's name as the writer gives it; the script's button reference names it
    row: int
    col: int
    text: str
    target: str  # the covered cell, A1 (the link selects it)
    width: int  # pixels
    height: int
    tip: str  # shown on hover, and the shape's alternative text


@dataclass(frozen=True)
class PageRef:
    """A cell of the printed pack naming the page on which a row of a sheet prints: `text` with
    "{page}" in it, filled in once every sheet is paginated (layout.page_numbers)."""

    row: int
    col: int
    sheet: str
    target_row: int
    text: str = "{page}"


PAGE_PLACEHOLDER = "999"  # what a page number is fitted as, before it is known


@dataclass(frozen=True)
class Block:
    """A rectangle of cells that refresh rewrites as one 2-D write; in its `formats` columns, their
    number formats too (a row of a list may hold a measure of another unit after a refresh)."""

    name: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    formats: tuple[int, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """An Excel Table (ListObject) over a rectangle whose first row is the header."""

    name: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    columns: tuple[str, ...]
    title: str = ""  # alternative text: what the table is (screen readers announce it)
    description: str = ""  # alternative text: what it holds, in a sentence


@dataclass(frozen=True)
class Validation:
    """A drop-down list on one cell, its choices read from a range (so refresh can change them)."""

    row: int
    col: int
    source: str  # an absolute range reference such as 'Cover'!$E$7:$E$54
    title: str
    message: str


@dataclass
class PrintSetup:
    """How a sheet prints: paper, orientation, scale, page breaks, repeated rows, header and footer."""

    landscape: bool = True
    paper: str = "A4"
    fit_width: bool = True  # one page wide, scaled by the program printing; unless `scale` is set
    scale: int | None = None  # per cent (layout.pagination works it out)
    row_breaks: tuple[int, ...] = ()  # rows starting a new page
    column_breaks: tuple[int, ...] = ()  # columns starting a new page (a sheet too wide to print at 7 pt)
    repeat_rows: tuple[int, int] | None = None
    repeat_columns: tuple[int, int] | None = None  # printed on every page of a sheet split across pages
    across: bool = False  # a sheet split across pages prints each band of rows across, then down
    header: str = ""
    footer: str = ""
    print_area: tuple[int, int, int, int] | None = None
    margins: tuple[float, float, float, float] = (0.4, 0.4, 0.6, 0.6)  # left, right, top, bottom
    center_horizontally: bool = True
    one_page: bool = False  # scaled to print on one page, if its text stays readable (layout.pagination)


@dataclass
class BulkRows:
    """Rows of cells below every other cell of their sheet, one style per column: a long table's
    rows (the Data table holds every record: a million cells at 4,000 measures) kept as rows of
    values, not a (row, col, value, style) tuple per cell, which the layout would otherwise hold,
    fit and write one by one. They mean exactly the cells `cells()` gives."""

    first_row: int
    first_col: int
    keys: tuple[StyleKey, ...]  # each column's style
    rows: list[tuple[CellValue, ...]]  # each as wide as `keys`
    restyled: dict[tuple[int, int], StyleKey] = field(default_factory=dict)  # (row, col): its own style

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1

    @property
    def last_col(self) -> int:
        return self.first_col + len(self.keys) - 1

    @property
    def cell_count(self) -> int:  # (not __len__: a BulkRows is true whenever a sheet has one)
        return len(self.rows) * len(self.keys)

    def key(self, row: int, col: int) -> StyleKey:
        """The style of the cell at (row, col) of the sheet."""
        return self.restyled.get((row, col)) or self.keys[col - self.first_col]

    def cell(self, offset: int) -> Cell:
        """The cell `offset` places after the first (row by row, left to right)."""
        row, col = divmod(offset, len(self.keys))
        value = self.rows[row][col]
        row, col = row + self.first_row, col + self.first_col
        return row, col, value, self.key(row, col)

    def cells(self) -> Iterator[Cell]:
        """Every cell, row by row, as `SheetLayout.cells` would hold it."""
        cols = range(self.first_col, self.first_col + len(self.keys))
        for row, values in enumerate(self.rows, start=self.first_row):
            if self.restyled:
                yield from ((row, c, v, self.key(row, c)) for c, v in zip(cols, values, strict=True))
            else:
                yield from zip(itertools.repeat(row), cols, values, self.keys)


@dataclass
class SheetLayout:
    """One sheet as laid out: its cells and everything else the writer writes, in rows and columns."""

    name: str
    cells: list[Cell] = field(default_factory=list)
    bulk: BulkRows | None = None  # rows below every cell in `cells` (see BulkRows)
    merges: list[tuple[int, int, int, int, CellValue, StyleKey]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    hidden_columns: set[int] = field(default_factory=set)
    column_formats: dict[int, str] = field(default_factory=dict)  # number format of a whole column
    heights: dict[int, float] = field(default_factory=dict)
    outline: dict[int, int] = field(default_factory=dict)  # row -> outline level
    conditional_formats: list[ConditionalFormat] = field(default_factory=list)
    sparklines: list[Sparkline] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    tables: list[TableSpec] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    # record name -> (first_row, first_col, last_row, last_col): the cells readers look up (layout.record)
    record: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    freeze: tuple[int, int] | None = None
    print_setup: PrintSetup = field(default_factory=PrintSetup)
    keep_together: list[tuple[int, int]] = field(default_factory=list)  # row ranges printed unbroken
    page_refs: list[PageRef] = field(default_factory=list)
    column_groups: tuple[int, ...] = ()  # first columns of groups: where a too-wide sheet may split
    one_line_columns: tuple[int, ...] = ()  # widened rather than leave a second line of a word (fitting)
    # (header row, last row) of long tables whose header a page they run on to repeats (pagination)
    headed_tables: list[tuple[int, int]] = field(default_factory=list)
    tab_color: str | None = None
    show_gridlines: bool = False
    hidden: bool = False  # only in intermediate files (the PDF profile): a shared workbook hides nothing
    protected: bool = False  # locked cells cannot be edited; commentary and the period picker stay open
    zoom: int = 100

    def put(self, row: int, col: int, value: CellValue, style: str, number_format: str | None = None) -> None:
        self.cells.append((row, col, value, style_key(style, number_format)))

    def every_cell(self) -> Iterator[Cell]:
        """`cells`, then the bulk rows' cells: every cell of the sheet. A position in this order is
        a cell's position in `cells`, or len(cells) + its place in the bulk rows (see `cell_at`)."""
        return itertools.chain(self.cells, self.bulk.cells()) if self.bulk else iter(self.cells)

    def values_by_position(self) -> dict[tuple[int, int], CellValue]:
        """Every cell's value by its (row, col)."""
        return {(row, col): value for row, col, value, _ in self.every_cell()}

    def cell_at(self, position: int) -> Cell:
        """The cell at `position` in the order of `every_cell`."""
        if position < len(self.cells) or self.bulk is None:
            return self.cells[position]
        return self.bulk.cell(position - len(self.cells))

    def restyle(self, position: int, key: StyleKey) -> None:
        """Give the cell at `position` (in the order of `every_cell`) the style `key`."""
        row, col, value, _ = self.cell_at(position)
        if position < len(self.cells) or self.bulk is None:
            self.cells[position] = (row, col, value, key)
        else:
            self.bulk.restyled[(row, col)] = key

    def put_page_ref(self, row: int, col: int, ref: PageRef, style: str) -> None:
        """A cell that will show the page `ref` names (fitted meanwhile with a 3-digit page)."""
        self.put(row, col, ref.text.format(page=PAGE_PLACEHOLDER), style, "@")
        self.page_refs.append(ref)

    def mark(
        self, name: str, row: int, col: int, last_row: int | None = None, last_col: int | None = None
    ) -> None:
        """Record where `name` lives, a cell or a rectangle, for the workbook's defined names."""
        self.record[name] = (
            row,
            col,
            row if last_row is None else last_row,
            col if last_col is None else last_col,
        )

    def marked(self, name: str) -> tuple[int, int]:
        """The top-left cell of a recorded name."""
        row, col, _, _ = self.record[name]
        return row, col

    def merge(
        self,
        first_row: int,
        first_col: int,
        last_row: int,
        last_col: int,
        value: CellValue,
        style: str,
    ) -> None:
        self.merges.append((first_row, first_col, last_row, last_col, value, (style, None)))


@dataclass(frozen=True)
class DefinedName:
    """A workbook name for a rectangle of cells (readers find values by it)."""

    name: str
    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass
class WorkbookLayout:
    """A whole workbook as laid out: its sheets, properties and names, ready to write."""

    sheets: list[SheetLayout]
    properties: dict[str, Any]  # xlsxwriter document properties
    custom_properties: dict[str, str]
    defined_names: list[DefinedName]
    active_sheet: str
    signature: str  # of where values live (see layout.record); refresh compares it
    # The printed board pack of the same scorecard, laid out when a PDF is asked for (layout.pack).
    board_pack: Callable[[], WorkbookLayout] | None = field(default=None, repr=False, compare=False)
