"""The plain way to fit a sheet's text, for tests to compare layout.fitting's fast paths with: every
cell measured in turn, every line wrapped by measuring it whole (as fitting and text_metrics.wrap
did before they were made fast). Slow on a large sheet, and obviously the rules of layout.fitting's
docstring; the fast code must give exactly the same widths, heights and styles."""

from __future__ import annotations

import dataclasses
import math
import re
from collections import defaultdict
from dataclasses import dataclass

from scorecard_xl.layout.displayed_text import displayed
from scorecard_xl.layout.fitting import MAX_COLUMN_CHARS, MAX_WORD_CHARS
from scorecard_xl.layout.sheet import SheetLayout
from scorecard_xl.layout.styles import CONDITIONAL, FONT_SIZE, WRAPPED, cell_format
from scorecard_xl.layout.text_metrics import (
    CELL_PADDING,
    DEFAULT_COLUMN_CHARS,
    DEFAULT_ROW_POINTS,
    SAFETY,
    Renderer,
    column_chars,
    column_points,
    row_points,
    text_width,
)


@dataclass(frozen=True)
class Text:
    index: int | None  # in sheet.cells; None for a merged range
    row: int
    col: int
    last_col: int
    text: str
    size: float
    bold: bool
    italic: bool
    wraps: bool
    align: str
    number: bool


def texts(sheet: SheetLayout) -> list[Text]:
    """Every cell and merged range showing text, as it shows it."""
    looks = []
    for rule in sheet.conditional_formats:
        look = CONDITIONAL.get(str(rule.options.get("format")), {})
        if look.get("bold") or look.get("italic"):
            looks += [(area, bool(look.get("bold")), bool(look.get("italic"))) for area in rule.ranges]
    found = []
    merges = [(None, r, c, c2, value, key) for r, c, _, c2, value, key in sheet.merges]
    cells = [(index, r, c, c, value, key) for index, (r, c, value, key) in enumerate(sheet.cells)]
    for index, row, col, last_col, value, key in cells + merges:
        shown = displayed(value, key[1])
        if not shown:
            continue
        props = cell_format(*key)
        bold, italic = bool(props.get("bold")), bool(props.get("italic"))
        for (r1, c1, r2, c2), look_bold, look_italic in looks:
            if r1 <= row <= r2 and c1 <= col <= c2:
                bold, italic = bold or look_bold, italic or look_italic
        number = isinstance(value, (int, float)) or (isinstance(getattr(value, "cached", None), (int, float)))
        align = props.get("align") or ("right" if number else "left")
        size, wraps = float(props.get("font_size", FONT_SIZE)), bool(props.get("text_wrap"))
        found.append(Text(index, row, col, last_col, shown, size, bold, italic, wraps, align, number))
    return found


def needed(text: str, size: float, bold: bool, italic: bool) -> float:
    return max(text_width(line, size, bold, italic) for line in text.split("\n")) * SAFETY + CELL_PADDING


def wrap(text: str, points: float, size: float, bold: bool = False, italic: bool = False) -> list[str]:
    """Greedy at spaces, each candidate line measured whole; a word too wide broken between characters."""
    room = max(points - CELL_PADDING, size) / SAFETY
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in re.split(r"(?<=[ ])", paragraph):
            if text_width((line + word).rstrip(), size, bold, italic) <= room:
                line += word
                continue
            if line:
                lines.append(line.rstrip())
            line = ""
            for char in word:
                if line and text_width(line + char, size, bold, italic) > room:
                    lines.append(line)
                    line = ""
                line += char
        lines.append(line.rstrip())
    return lines


def fit_sheet(sheet: SheetLayout, renderer: Renderer) -> None:
    """layout.fitting.fit_sheet, one cell at a time (bulk rows made cells like any other)."""
    sheet.cells, sheet.bulk = list(sheet.every_cell()), None
    all_texts = texts(sheet)
    occupied: dict[int, set[int]] = defaultdict(set)
    for text in all_texts:
        occupied[text.row].update(range(text.col, text.last_col + 1))
    for r, c1, _, c2, _, _ in sheet.merges:
        occupied[r].update(range(c1, c2 + 1))
    area = sheet.print_setup.print_area
    used = [c for _, c, _, _ in sheet.cells] + [c2 for _, _, _, c2, _, _ in sheet.merges]
    last_printed = area[3] if area else max(used, default=0)  # what is printed: paper cuts past it

    def width(col: int) -> float:
        return column_points(sheet.widths.get(col, DEFAULT_COLUMN_CHARS))

    def widen(col: int, points: float) -> None:
        chars = min(column_chars(points), MAX_COLUMN_CHARS)
        if chars > sheet.widths.get(col, DEFAULT_COLUMN_CHARS):
            sheet.widths[col] = chars

    left = []
    for position, text in enumerate(all_texts):
        font = (text.size, text.bold, text.italic)
        if text.col in sheet.hidden_columns:
            continue
        spare = sum(width(c) for c in range(text.col, text.last_col))
        if text.wraps:
            word = max((text_width(w, *font) for w in text.text.split()), default=0.0)
            widen(text.last_col, min(word * SAFETY + CELL_PADDING, column_points(MAX_WORD_CHARS)) - spare)
        elif text.last_col != text.col:
            widen(text.last_col, needed(text.text, *font) - spare)
        elif text.number:
            widen(text.col, needed(text.text + "0", *font))
        elif text.align != "left":
            widen(text.col, needed(text.text, *font))
        else:
            left.append(position)
    for position in left:
        text = all_texts[position]
        need = needed(text.text, text.size, text.bold, text.italic)
        room, col = width(text.col), text.col + 1
        last = last_printed
        for table in sheet.tables:  # text in an Excel Table stays inside it
            inside_rows = table.first_row <= text.row <= table.last_row
            if inside_rows and table.first_col <= text.col <= table.last_col:
                last = table.last_col
        while room < need and col not in occupied[text.row] and (last is None or col <= last):
            room += width(col) if col not in sheet.hidden_columns else 0.0
            col += 1
        if room >= need:
            continue
        required = need - (room - width(text.col))  # before the column widens
        widen(text.col, required)
        if required > column_points(MAX_COLUMN_CHARS) and text.index is not None:
            row, col, value, (style, number_format) = sheet.cells[text.index]
            if not style.endswith(WRAPPED):
                sheet.cells[text.index] = (row, col, value, (style + WRAPPED, number_format))
            all_texts[position] = dataclasses.replace(text, wraps=True)
    heights: dict[int, float] = {}
    for text in all_texts:
        if text.wraps:
            span = sum(
                column_points(sheet.widths.get(c, DEFAULT_COLUMN_CHARS), renderer)
                for c in range(text.col, text.last_col + 1)
            )
            lines = len(wrap(text.text, span, text.size, text.bold, text.italic))
        else:
            lines = text.text.count("\n") + 1
        height = row_points(lines, text.size, renderer)
        if lines > 1 or height > DEFAULT_ROW_POINTS:
            heights[text.row] = max(heights.get(text.row, 0.0), height)
    for row, height in heights.items():
        if height > sheet.heights.get(row, DEFAULT_ROW_POINTS):
            sheet.heights[row] = math.ceil(height)
