"""Make every sheet's text fit: columns wide enough for what they show, rows tall enough for wrapped
text, measured with Calibri's metrics (text_metrics).

One pass over a laid-out sheet, whatever put the cells there, so a new sheet or column is fitted
without code of its own. Sheets set the widths they want; fitting only widens:

- a number, or centred or right-aligned text, must fit its own column (a number too wide shows ####;
  numbers keep room for a digit more, so a refresh that brings a longer one does not show it);
- left-aligned text may run on into empty cells to its right, as Excel and LibreOffice draw it, but
  not past the print area; if that is not room enough, its column widens;
- wrapped text wraps; its column widens only to hold its longest word (up to MAX_WORD_CHARS);
- text too long for any column (MAX_COLUMN_CHARS) is wrapped instead (its style's "+wrap" variant);
- merged cells (group headers) must fit across their columns; the last one widens.

Then rows holding wrapped text get the height its lines need. Explicit heights are minimums.
Single-line rows stay automatic, so Excel still grows a row when an analyst types a long comment.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from scorecard_xl.layout.sheet import CellValue, Formula, Link, SheetLayout
from scorecard_xl.layout.text_metrics import (
    CELL_PADDING,
    DEFAULT_COLUMN_CHARS,
    DEFAULT_ROW_POINTS,
    EXCEL,
    SAFETY,
    Renderer,
    column_chars,
    column_points,
    longest_word_points,
    needed_points,
    row_points,
    wrap,
)
from scorecard_xl.styles import CONDITIONAL, FONT_SIZE, WRAPPED, cell_format

MAX_WORD_CHARS = 40.0  # a longer word (a hash, a path) is broken across lines instead
MAX_COLUMN_CHARS = 120.0  # no column grows past this, whatever it holds


@dataclass(frozen=True)
class _Text:
    index: int | None  # in sheet.cells; None for a merged range
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


def displayed(value: CellValue, number_format: str | None) -> str:
    """A cell's value as a spreadsheet shows it (the number formats the layout uses)."""
    if isinstance(value, Link):
        return value.text
    if isinstance(value, Formula):
        value = value.cached
    if value is None or isinstance(value, str):
        return value or ""
    return format_number(float(value), number_format)


def format_number(value: float, number_format: str | None) -> str:
    """`value` shown by an Excel number format such as #,##0.0 or 0.0% (General otherwise)."""
    if not number_format or number_format in ("General", "@"):
        return f"{value:.10g}"
    percent = number_format.endswith("%")
    decimals = len(number_format.split(".", 1)[1].rstrip("%")) if "." in number_format else 0
    grouping = "," if "," in number_format else ""
    shown = f"{value * 100 if percent else value:{grouping}.{decimals}f}"
    return shown + ("%" if percent else "")


def _conditional_looks(sheet: SheetLayout) -> list[tuple[tuple[int, int, int, int], bool, bool]]:
    """(range, bold, italic) of each conditional format that may restyle a cell's text."""
    looks: list[tuple[tuple[int, int, int, int], bool, bool]] = []
    for rule in sheet.conditional_formats:
        look = CONDITIONAL.get(str(rule.options.get("format")), {})
        bold, italic = bool(look.get("bold")), bool(look.get("italic"))
        if bold or italic:
            looks.extend((area, bold, italic) for area in rule.ranges)
    return looks


def _texts(sheet: SheetLayout) -> Iterator[_Text]:
    looks = _conditional_looks(sheet)
    props_cache: dict[tuple[str, str | None], dict[str, Any]] = {}

    def text(
        index: int | None, row: int, col: int, last_col: int, value: CellValue, key: tuple[str, str | None]
    ) -> _Text | None:
        shown = displayed(value, key[1])
        if not shown:
            return None
        props = props_cache.get(key)
        if props is None:
            props = props_cache[key] = cell_format(*key)
        bold, italic = bool(props.get("bold")), bool(props.get("italic"))
        for (r1, c1, r2, c2), cf_bold, cf_italic in looks:
            if r1 <= row <= r2 and c1 <= col <= c2:
                bold, italic = bold or cf_bold, italic or cf_italic
        number = isinstance(value, (int, float)) or (
            isinstance(value, Formula) and isinstance(value.cached, (int, float))
        )
        align = props.get("align") or ("right" if number else "left")
        return _Text(
            index,
            row,
            col,
            last_col,
            shown,
            float(props.get("font_size", FONT_SIZE)),
            bold,
            italic,
            bool(props.get("text_wrap")),
            align,
            number,
        )

    for index, (row, col, value, key) in enumerate(sheet.cells):
        found = text(index, row, col, col, value, key)
        if found:
            yield found
    for first_row, first_col, _, last_col, value, key in sheet.merges:
        found = text(None, first_row, first_col, last_col, value, key)
        if found:
            yield found


def fit_sheet(sheet: SheetLayout, renderer: Renderer = EXCEL) -> None:
    """Widen `sheet`'s columns and heighten its rows so that no text is cut (see the module).

    Widths are fitted for Excel, whose columns are the narrowest; heights for `renderer`, the
    program the workbook is made for."""
    texts = list(_texts(sheet))
    occupied: dict[int, set[int]] = defaultdict(set)
    for text in texts:
        occupied[text.row].update(range(text.col, text.last_col + 1))
    merged_cells = {(r, c) for r, c1, _, c2, _, _ in sheet.merges for c in range(c1, c2 + 1)}
    for r, c in merged_cells:
        occupied[r].add(c)
    area = sheet.print_setup.print_area
    last_printed = area[3] if area else None

    def width(col: int) -> float:
        return column_points(sheet.widths.get(col, DEFAULT_COLUMN_CHARS))

    def widen(col: int, points: float) -> None:
        chars = min(column_chars(points), MAX_COLUMN_CHARS)
        if chars > sheet.widths.get(col, DEFAULT_COLUMN_CHARS):
            sheet.widths[col] = chars

    runs_on: set[int] = set()  # positions in `texts`: a set, as a list's `in` made the fit quadratic
    for position, text in enumerate(texts):
        if text.col in sheet.hidden_columns:
            continue
        if text.wraps:
            word = longest_word_points(text.text, text.size, text.bold, text.italic)
            spare = sum(width(c) for c in range(text.col, text.last_col))
            widen(text.last_col, min(word * SAFETY + CELL_PADDING, column_points(MAX_WORD_CHARS)) - spare)
        elif text.last_col != text.col:
            spare = sum(width(c) for c in range(text.col, text.last_col))
            widen(text.last_col, needed_points(text.text, text.size, text.bold, text.italic) - spare)
        elif text.number:  # with room for one digit more: a refreshed value may be longer
            widen(text.col, needed_points(text.text + "0", text.size, text.bold, text.italic))
        elif text.align != "left":
            widen(text.col, needed_points(text.text, text.size, text.bold, text.italic))
        else:
            runs_on.add(position)
    # Left-aligned text last, once the columns it may run on into have their widths.
    for position in sorted(runs_on):
        text = texts[position]
        need = needed_points(text.text, text.size, text.bold, text.italic)
        room, col = width(text.col), text.col + 1
        while room < need and col not in occupied[text.row] and (last_printed is None or col <= last_printed):
            room += width(col) if col not in sheet.hidden_columns else 0.0
            col += 1
        if room >= need:
            continue
        widen(text.col, need - (room - width(text.col)))
        if need - (room - width(text.col)) > column_points(MAX_COLUMN_CHARS) and text.index is not None:
            texts[position] = _wrapped(sheet, text)
    _fit_heights(
        sheet,
        texts,
        lambda col: column_points(sheet.widths.get(col, DEFAULT_COLUMN_CHARS), renderer),
        renderer,
    )


def _wrapped(sheet: SheetLayout, text: _Text) -> _Text:
    """Give a cell too long for any column its style's wrapped variant."""
    assert text.index is not None
    row, col, value, (style, number_format) = sheet.cells[text.index]
    if not style.endswith(WRAPPED):
        sheet.cells[text.index] = (row, col, value, (style + WRAPPED, number_format))
    return dataclasses.replace(text, wraps=True)


def _fit_heights(
    sheet: SheetLayout, texts: list[_Text], width: Callable[[int], float], renderer: Renderer
) -> None:
    needed: dict[int, float] = {}
    for text in texts:
        if not text.wraps:
            lines = text.text.count("\n") + 1
        else:
            span = sum(width(c) for c in range(text.col, text.last_col + 1))
            lines = len(wrap(text.text, span, text.size, text.bold, text.italic))
        height = row_points(lines, text.size, renderer)
        if lines > 1 or height > DEFAULT_ROW_POINTS:
            needed[text.row] = max(needed.get(text.row, 0.0), height)
    for row, height in needed.items():
        if height > sheet.heights.get(row, DEFAULT_ROW_POINTS):
            sheet.heights[row] = math.ceil(height)  # whole points
