"""Make every sheet's text fit: columns wide enough for what they show, rows tall enough for wrapped
text, measured with Calibri's metrics (text_metrics).

One pass over a laid-out sheet, whatever put the cells there, so a new sheet or column is fitted
without code of its own. Sheets set the widths they want; fitting only widens:

- a number, or centred or right-aligned text, must fit its own column (a number too wide shows ####;
  numbers keep room for a digit more, so a refresh that brings a longer one does not show it);
- left-aligned text may run on into empty cells to its right, as Excel and LibreOffice draw it, but
  not past the last printed column (the print area's, else the last used one: paper cuts it off
  there) nor out of its Excel Table; if that is not room enough, its column widens;
- wrapped text wraps; its column widens only to hold its longest word (up to MAX_WORD_CHARS);
- text too long for any column (MAX_COLUMN_CHARS) is wrapped instead (its style's "+wrap" variant);
- merged cells (group headers) must fit across their columns; the last one widens.

Then rows holding wrapped text get the height its lines need. Explicit heights are minimums.
Single-line rows stay automatic, so Excel still grows a row when an analyst types a long comment.

A large scorecard's sheets hold hundreds of thousands of cells, so the fit works per column and per
distinct text rather than per cell: widening is a maximum, so a column takes the widest need of its
own cells at once; numbers are fitted by their column's widest, found from its largest and smallest
value (digits are all one width, so a number's width grows with its digits); each distinct text is
measured once; and left-aligned text that fits its own column is never looked at again (columns
only widen). The widths and heights are exactly those of measuring every cell in turn
(tests/test_fit_fast_paths.py compares them with that plain algorithm).
"""

from __future__ import annotations

import math
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import NamedTuple

from scorecard_xl.layout.displayed_text import displayed, format_number, general_format, widest_candidates
from scorecard_xl.layout.sheet import (
    BulkRows,
    Cell,
    CellValue,
    Formula,
    SheetLayout,
    StyleKey,
    style_key,
)
from scorecard_xl.layout.styles import CONDITIONAL, FONT_SIZE, WRAPPED, cell_format
from scorecard_xl.layout.text_metrics import (
    CELL_PADDING,
    DEFAULT_COLUMN_CHARS,
    DEFAULT_ROW_POINTS,
    EXCEL,
    SAFETY,
    Renderer,
    column_chars,
    column_points,
    line_count,
    longest_word_points,
    needed_points,
    row_points,
    tabular_digits,
)

_BULK_TYPES = frozenset({str, float, int, type(None)})  # what BulkRows' fast path knows how to fit
MAX_WORD_CHARS = 40.0  # a longer word (a hash, a path) is broken across lines instead
MAX_COLUMN_CHARS = 120.0  # no column grows past this, whatever it holds
WHOLE_DIGITS = 10**9  # whole numbers below this show all their digits in General format (.10g)


class _Text(NamedTuple):
    """A text whose fit or height waits for other columns' widths (most cells never need one)."""

    cell: int | None  # its position in SheetLayout.every_cell's order; None for a merged range
    row: int
    col: int
    last_col: int  # the last column of a merged range, else col
    text: str
    size: float
    bold: bool
    italic: bool
    wraps: bool
    align: str  # "left", "center" or "right", as the cell shows it
    number: bool

    @property
    def font(self) -> Font:
        return self.size, self.bold, self.italic


Font = tuple[float, bool, bool]  # size, bold, italic
_Style = tuple[float, bool, bool, bool, str | None, bool, dict[str, float]]  # see _SheetFit.style


def fit_sheet(sheet: SheetLayout, renderer: Renderer = EXCEL) -> None:
    """Widen `sheet`'s columns and heighten its rows so that no text is cut (see the module).

    Widths are fitted for Excel, whose columns are the narrowest; heights for `renderer`, the
    program the workbook is made for."""
    fit = _SheetFit(sheet, renderer)
    fit.measure_cells()
    fit.widen_columns()
    runs_on = fit.fit_merges()
    fit.run_on(runs_on)
    fit.fit_heights()


class _SheetFit:
    """One sheet's fit: what its columns need, and the texts that wait for the final widths."""

    def __init__(self, sheet: SheetLayout, renderer: Renderer) -> None:
        self.sheet, self.renderer = sheet, renderer
        self.styles: dict[StyleKey, _Style] = {}
        self.needs: dict[Font, dict[str, float]] = {}  # per font: text -> needed_points
        self.looks = _looks_by_column(sheet)
        self.column_need: dict[int, float] = {}  # points the column's own cells need
        self.numbers: dict[tuple[int, str, float, bool, bool], list[float]] = defaultdict(list)
        # numbers in General format, per column, font and whether whole: their distinct values
        self.general: dict[tuple[int, float, bool, bool, bool], set[float]] = defaultdict(set)
        self.heights: dict[int, float] = {}  # row -> points its text needs
        self.waiting: list[_Text] = []  # in sheet order: cells first, then merged ranges
        self.start_widths: dict[int, float] = {}
        # a bulk cell waiting -> the later bulk cells of its text that cannot run on either (their
        # right-hand neighbour shows something): whatever fits or wraps the first does the same to
        # them, so they wait as one (a 4,000-measure Data table has 184,000 titles, 4,000 distinct)
        self.alike: dict[int, list[int]] = {}

    def style(self, key: StyleKey) -> _Style:
        """(size, bold, italic, wraps, align or None, tall, measured) of a cell style: tall if one
        line of it is higher than a default row, measured the needs known for its font."""
        found = self.styles.get(key)
        if found is None:
            props = cell_format(*key)
            size = float(props.get("font_size", FONT_SIZE))
            bold, italic = bool(props.get("bold")), bool(props.get("italic"))
            found = self.styles[key] = (
                size,
                bold,
                italic,
                bool(props.get("text_wrap")),
                props.get("align"),
                row_points(1, size, self.renderer) > DEFAULT_ROW_POINTS,
                self.measured((size, bold, italic)),
            )
        return found

    def measured(self, font: Font) -> dict[str, float]:
        """Text -> needed_points in `font`, for the texts measured so far."""
        known = self.needs.get(font)
        if known is None:
            known = self.needs[font] = {}
        return known

    def need(self, text: str, font: Font) -> float:
        """needed_points, once per distinct text and font."""
        known = self.measured(font)
        found = known.get(text)
        if found is None:
            found = known[text] = needed_points(text, *font)
        return found

    def start_width(self, col: int) -> float:
        found = self.start_widths.get(col)
        if found is None:
            found = self.start_widths[col] = self.width(col)
        return found

    def width(self, col: int) -> float:
        return column_points(self.sheet.widths.get(col, DEFAULT_COLUMN_CHARS))

    def widen(self, col: int, points: float) -> None:
        chars = min(column_chars(points), MAX_COLUMN_CHARS)
        if chars > self.sheet.widths.get(col, DEFAULT_COLUMN_CHARS):
            self.sheet.widths[col] = chars

    def needs_column(self, col: int, points: float) -> None:
        if points > self.column_need.get(col, -math.inf):
            self.column_need[col] = points

    def needs_height(self, row: int, text: str, size: float) -> None:
        """A single-line (unwrapped) text's height: explicit line breaks, or a large font."""
        lines = text.count("\n") + 1
        height = row_points(lines, size, self.renderer)
        if (lines > 1 or height > DEFAULT_ROW_POINTS) and height > self.heights.get(row, 0.0):
            self.heights[row] = height

    def measure_cells(self) -> None:
        """Every cell once: single-column needs gathered per column, numbers per column and
        format, heights of unwrapped text noted; texts that depend on other widths kept waiting.
        Positions (a _Text's `cell`) are in the order of SheetLayout.every_cell."""
        self.measure(enumerate(self.sheet.cells))
        if self.sheet.bulk:
            self.measure_bulk(self.sheet.bulk)

    def measure(self, cells: Iterable[tuple[int, Cell]]) -> None:
        """Cells one by one, each with its position (see measure_cells)."""
        hidden, looks, numbers, waiting = self.sheet.hidden_columns, self.looks, self.numbers, self.waiting
        general = self.general
        styles, starts = self.styles, self.start_widths
        for index, (row, col, value, key) in cells:
            if value is None:
                continue
            size, bold, italic, wraps, align, tall, known = styles.get(key) or self.style(key)
            if col in looks:
                restyled = _restyled(looks[col], row, bold, italic)
                if restyled != (bold, italic):
                    bold, italic = restyled
                    known = self.measured((size, bold, italic))
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                text: str = value  # type: ignore[assignment]  # (a cast() would be a call per cell)
                if align is None and not wraps and col not in hidden:  # left-aligned, the commonest
                    need = known.get(text)
                    if need is None:
                        need = known[text] = needed_points(text, size, bold, italic)
                    start = starts.get(col)
                    if start is None:
                        start = starts[col] = self.width(col)
                    if need > start:  # may run on into empty cells, or widen its column: run_on
                        waiting.append(
                            _Text(index, row, col, col, text, size, bold, italic, False, "left", False)
                        )
                    elif tall or "\n" in text:
                        self.needs_height(row, text, size)
                else:
                    self.text(index, row, col, text, (size, bold, italic), wraps, align, False, tall)
                continue
            if kind is float or kind is int:
                number_format = key[1]
                if value and not wraps and col not in hidden and general_format(number_format):
                    # fitted by the widest of its column's distinct values (widen_columns); zeros
                    # below, as -0.0 shows "-0" but equals 0.0 in a set
                    general[(col, size, bold, italic, kind is int)].add(value)  # type: ignore[arg-type]
                    if tall:
                        self.needs_height(row, "", size)
                elif (
                    wraps
                    or col in hidden
                    or general_format(number_format)
                    or not tabular_digits(bold, italic)
                ):
                    shown = format_number(float(value), number_format)  # type: ignore[arg-type]
                    self.text(index, row, col, shown, (size, bold, italic), wraps, align, True, tall)
                else:  # fitted by its column's widest (widen_columns); one line high
                    numbers[(col, number_format, size, bold, italic)].append(value)  # type: ignore[index, arg-type]
                    if tall:
                        self.needs_height(row, "", size)
                continue
            shown = displayed(value, key[1])
            if shown:
                number = isinstance(value, (int, float)) or (
                    isinstance(value, Formula) and isinstance(value.cached, (int, float))
                )
                self.text(index, row, col, shown, (size, bold, italic), wraps, align, number, tall)

    def measure_bulk(self, bulk: BulkRows) -> None:
        """The bulk rows a column at a time, with what measuring their cells one by one would
        give: a text is measured once however many cells hold it, and only the cells of a text too
        wide for its column are looked at one by one. A column whose cells may differ in look
        (a conditional format, a cell's own style, wrapping, a tall font, a hidden column, a number
        format, values other than text and numbers) goes cell by cell."""
        first = len(self.sheet.cells)  # the bulk's first position
        width, waited = len(bulk.keys), len(self.waiting)
        restyled_cols = {col for _, col in bulk.restyled}
        for offset, values in enumerate(zip(*bulk.rows, strict=True)):
            col, key = bulk.first_col + offset, bulk.keys[offset]
            size, bold, italic, wraps, align, tall, _ = self.style(key)
            distinct = set(values)
            if (
                col in self.looks
                or col in restyled_cols
                or col in self.sheet.hidden_columns
                or wraps
                or tall
                or not general_format(key[1])
                or any(type(value) not in _BULK_TYPES for value in distinct)
            ):
                self.measure(
                    (first + row * width + offset, bulk.cell(row * width + offset))
                    for row in range(len(values))
                )
                continue
            font = (size, bold, italic)
            wide: set[str] = set()  # texts that may run on (see text()): each of their cells waits
            lines: set[str] = set()  # texts of more than one line: their rows' heights
            for value in distinct:
                if value is None or value == "":
                    continue
                if type(value) is not str:
                    if value:  # fitted by the widest of the column's distinct values (widen_columns)
                        self.general[(col, size, bold, italic, type(value) is int)].add(value)
                    continue
                text: str = value
                if (align or "left") == "left":
                    if self.need(text, font) > self.start_width(col):
                        wide.add(text)
                        continue
                else:
                    self.needs_column(col, self.need(text, font))
                if "\n" in text:
                    lines.add(text)
            if wide or lines:  # one pass over the column, however many such texts
                boxed = self._boxed_in(bulk, col)
                heads: dict[str, int] = {}  # text -> the first of its cells that cannot run on
                for row, held in enumerate(values):
                    if held in wide:
                        position = first + row * width + offset
                        if boxed(bulk.rows[row]):
                            head = heads.get(held)
                            if head is not None:
                                self.alike[head].append(position)
                                continue
                            heads[held] = position
                            self.alike[position] = []
                        self.waiting.append(
                            _Text(position, bulk.first_row + row, col, col, held,
                                  size, bold, italic, False, "left", False)
                        )  # fmt: skip
                    elif held in lines:
                        self.needs_height(bulk.first_row + row, held, size)
            if 0 in distinct:  # zeros show as their text ("-0" for -0.0, equal to 0.0 in a set)
                for shown in {format_number(float(v), None) for v in values if type(v) is not str and v == 0}:
                    self.needs_column(col, self.need(shown + "0", font))
        self.waiting[waited:] = sorted(self.waiting[waited:], key=_position)  # in sheet order

    def _boxed_in(self, bulk: BulkRows, col: int) -> Callable[[tuple[CellValue, ...]], bool]:
        """Whether text in `col` of a bulk row cannot run on into the next column: that column is
        past the last text there may run on into (see run_on_limit; the same for every bulk row
        when each table holds all of them or none), or its cell in the row shows something."""
        tables = self.sheet.tables
        if all(t.last_row < bulk.first_row or t.first_row > bulk.last_row for t in tables) or all(
            t.first_row <= bulk.first_row and bulk.last_row <= t.last_row for t in tables
        ):
            last = run_on_limit(self.sheet, bulk.first_row, col, last_printed_column(self.sheet))
            if col + 1 > last:
                return lambda values: True
        if col >= bulk.last_col:
            return lambda values: False
        right = col + 1 - bulk.first_col
        return lambda values: _shows(values[right], bulk.key(bulk.first_row, col + 1))

    def bulk_row(self, position: int) -> int:
        """The sheet row of a bulk cell at `position` (in the order of every_cell)."""
        bulk = self.sheet.bulk
        assert bulk is not None
        return bulk.first_row + (position - len(self.sheet.cells)) // len(bulk.keys)

    def text(
        self,
        index: int,
        row: int,
        col: int,
        text: str,
        font: Font,
        wraps: bool,
        align: str | None,
        number: bool,
        tall: bool,
    ) -> None:
        """One cell's text (not empty)."""
        size, bold, italic = font
        align = align or ("right" if number else "left")
        if col in self.sheet.hidden_columns:
            if wraps:
                self.waiting.append(
                    _Text(index, row, col, col, text, size, bold, italic, wraps, align, number)
                )
            elif tall or "\n" in text:
                self.needs_height(row, text, size)
            return
        if wraps:
            word = longest_word_points(text, size, bold, italic)
            self.needs_column(col, min(word * SAFETY + CELL_PADDING, column_points(MAX_WORD_CHARS)))
            self.waiting.append(_Text(index, row, col, col, text, size, bold, italic, wraps, align, number))
            return
        if number:  # with room for one digit more: a refreshed value may be longer
            self.needs_column(col, self.need(text + "0", font))
        elif align != "left":
            self.needs_column(col, self.need(text, font))
        elif self.need(text, font) > self.start_width(col):  # may run on, or widen its column
            self.waiting.append(_Text(index, row, col, col, text, size, bold, italic, wraps, align, number))
            return
        if tall or "\n" in text:
            self.needs_height(row, text, size)

    def widen_columns(self) -> None:
        """Widen each column once, to the widest need of its own cells and numbers."""
        for (col, number_format, size, bold, italic), values in self.numbers.items():
            widest = max(
                self.need(format_number(float(value), number_format) + "0", (size, bold, italic))
                for value in widest_candidates(values)
            )
            self.needs_column(col, widest)
        for (col, size, bold, italic, whole), distinct in self.general.items():
            font = (size, bold, italic)
            candidates: Iterable[float] = distinct
            if (
                whole
                and tabular_digits(bold, italic)
                and -WHOLE_DIGITS < min(distinct) <= max(distinct) < WHOLE_DIGITS
            ):
                # whole numbers show every digit (under 10 digits): the widest is the longest
                candidates = (min(distinct), max(distinct))
            shown = (format_number(float(value), None) + "0" for value in candidates)
            self.needs_column(col, max(self.need(text, font) for text in shown))
        for col, points in self.column_need.items():
            self.widen(col, points)

    def fit_merges(self) -> list[_Text]:
        """Merged ranges, in order (each may lean on widths the previous ones set). Returns the
        texts that may run on into empty cells, in sheet order."""
        hidden = self.sheet.hidden_columns
        runs_on = [text for text in self.waiting if not text.wraps and text.col not in hidden]
        for first_row, first_col, _, last_col, value, key in self.sheet.merges:
            shown = displayed(value, key[1])
            if not shown:
                continue
            size, bold, italic, wraps, align, _, _ = self.style(key)
            if first_col in self.looks:
                bold, italic = _restyled(self.looks[first_col], first_row, bold, italic)
            number = isinstance(value, (int, float)) or (
                isinstance(value, Formula) and isinstance(value.cached, (int, float))
            )
            text = _Text(
                None, first_row, first_col, last_col, shown, size, bold, italic, wraps,
                align or ("right" if number else "left"), number,
            )  # fmt: skip
            self.waiting.append(text)
            if first_col in self.sheet.hidden_columns:
                continue
            spare = sum(self.width(c) for c in range(first_col, last_col))
            if wraps:
                word = longest_word_points(shown, size, bold, italic)
                self.widen(last_col, min(word * SAFETY + CELL_PADDING, column_points(MAX_WORD_CHARS)) - spare)
            elif last_col != first_col:
                self.widen(last_col, needed_points(shown, size, bold, italic) - spare)
            elif number:
                self.widen(first_col, needed_points(shown + "0", size, bold, italic))
            elif text.align != "left":
                self.widen(first_col, needed_points(shown, size, bold, italic))
            else:
                runs_on.append(text)
        return runs_on

    def run_on(self, texts: list[_Text]) -> None:
        """Left-aligned text last, once the columns it may run on into have their widths."""
        if not texts:
            return
        sheet, width = self.sheet, self.width
        # Only a text that does not fit its column now may need the cells beside it (columns widen).
        short = {text.row for text in texts if self.need(text.text, text.font) > width(text.col)}
        occupied = _occupied(sheet, short)
        last_printed = last_printed_column(sheet)
        wrapped: set[int] = set()  # cells (positions as in every_cell) given their wrapped style
        for text in texts:
            need = self.need(text.text, text.font)
            room, col = width(text.col), text.col + 1
            taken = occupied[text.row]
            last = run_on_limit(sheet, text.row, text.col, last_printed)
            while room < need and col not in taken and col <= last:
                room += width(col) if col not in sheet.hidden_columns else 0.0
                col += 1
            if room >= need:
                continue
            # What the column itself must hold (the rest runs on), measured before it widens: a
            # text is wrapped when no column could hold it, not when its column just widened.
            required = need - (room - width(text.col))
            self.widen(text.col, required)
            if required > column_points(MAX_COLUMN_CHARS) and text.cell is not None:
                for cell in (text.cell, *self.alike.get(text.cell, ())):
                    _wrap_cell(sheet, cell)
                wrapped.add(text.cell)
        if wrapped:
            self.waiting = [
                text._replace(wraps=True) if text.cell in wrapped else text for text in self.waiting
            ]

    def fit_heights(self) -> None:
        """Rows get the height of their tallest text (wrapped at the final widths)."""
        sheet, renderer = self.sheet, self.renderer
        for text in self.waiting:
            rows = [text.row]
            if text.cell in self.alike:  # its text's other cells, which wait with it
                rows += map(self.bulk_row, self.alike[text.cell])
            if not text.wraps:
                for row in rows:
                    self.needs_height(row, text.text, text.size)
                continue
            span = sum(
                column_points(sheet.widths.get(c, DEFAULT_COLUMN_CHARS), renderer)
                for c in range(text.col, text.last_col + 1)
            )
            lines = line_count(text.text, span, text.size, text.bold, text.italic)
            height = row_points(lines, text.size, renderer)
            for row in rows:
                if (lines > 1 or height > DEFAULT_ROW_POINTS) and height > self.heights.get(row, 0.0):
                    self.heights[row] = height
        for row, height in self.heights.items():
            if height > sheet.heights.get(row, DEFAULT_ROW_POINTS):
                sheet.heights[row] = math.ceil(height)  # whole points


def run_on_limit(sheet: SheetLayout, row: int, col: int, last_printed: int) -> int:
    """The last column text at (row, col) may run on into: its table's last column (text running
    out of an Excel Table looks cut off from it), else the last printed column (past it, paper
    cuts the text off: see last_printed_column)."""
    for table in sheet.tables:
        if table.first_row <= row <= table.last_row and table.first_col <= col <= table.last_col:
            return table.last_col
    return last_printed


def last_printed_column(sheet: SheetLayout) -> int:
    """The print area's last column, else the sheet's last used one: Excel and LibreOffice print the
    used range of a sheet that names no print area."""
    area = sheet.print_setup.print_area
    if area:
        return area[3]
    used = [max(map(operator.itemgetter(1), sheet.cells), default=0)]  # (in C: every cell)
    used += (last_col for _, _, _, last_col, _, _ in sheet.merges)
    if sheet.bulk is not None:
        used.append(sheet.bulk.last_col)
    return max(used)


def _looks_by_column(sheet: SheetLayout) -> dict[int, list[tuple[int, int, bool, bool]]]:
    """Column -> (first row, last row, bold, italic) of each conditional format over it that may
    restyle a cell's text."""
    looks: dict[int, list[tuple[int, int, bool, bool]]] = defaultdict(list)
    for rule in sheet.conditional_formats:
        look = CONDITIONAL.get(str(rule.options.get("format")), {})
        bold, italic = bool(look.get("bold")), bool(look.get("italic"))
        if bold or italic:
            for first_row, first_col, last_row, last_col in rule.ranges:
                for col in range(first_col, last_col + 1):
                    looks[col].append((first_row, last_row, bold, italic))
    return dict(looks)


def _restyled(
    looks: list[tuple[int, int, bool, bool]], row: int, bold: bool, italic: bool
) -> tuple[bool, bool]:
    for first_row, last_row, look_bold, look_italic in looks:
        if first_row <= row <= last_row:
            bold, italic = bold or look_bold, italic or look_italic
    return bold, italic


def _occupied(sheet: SheetLayout, rows: set[int]) -> dict[int, set[int]]:
    """Columns of `rows` that show something (text stops running on there), merged ranges included."""
    occupied: dict[int, set[int]] = defaultdict(set)
    for row, col, value, key in sheet.cells:
        if row in rows and value is not None and value != "":
            kind = type(value)
            if kind is str or kind is float or kind is int or displayed(value, key[1]):
                occupied[row].add(col)
    bulk = sheet.bulk
    for row in rows:
        if bulk and bulk.first_row <= row <= bulk.last_row:
            values = bulk.rows[row - bulk.first_row]
            occupied[row].update(
                col for col, value in enumerate(values, bulk.first_col) if _shows(value, bulk.key(row, col))
            )
    for first_row, first_col, _, last_col, _, _ in sheet.merges:
        occupied[first_row].update(range(first_col, last_col + 1))
    return occupied


def _wrap_cell(sheet: SheetLayout, index: int) -> None:
    """Give a cell too long for any column its style's wrapped variant."""
    style, number_format = sheet.cell_at(index)[3]
    if not style.endswith(WRAPPED):
        sheet.restyle(index, style_key(style + WRAPPED, number_format))


def _shows(value: CellValue, key: StyleKey) -> bool:
    """Whether a cell shows something (text running on stops there)."""
    return (
        value is not None and value != "" and (type(value) in _BULK_TYPES or bool(displayed(value, key[1])))
    )


def _position(text: _Text) -> int:
    return text.cell or 0
