"""How much room text takes, measured with Calibri's metrics (Carlito's widths, committed as a table).

Excel and LibreOffice lay a cell's text out with the advance widths of its font; Carlito, which
LibreOffice draws for Calibri, has Calibri's widths glyph for glyph. So the width of a string at a
size is the sum of its characters' widths, and wrapping can be worked out the way a spreadsheet
does it. No font file is needed at run time.

Units: points (1/72 inch) for text, Excel's "characters" for column widths (the width of a digit of
the workbook's default font, Calibri 11, which is 7 pixels at 96 dpi).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from scorecard_xl.layout import carlito_widths

DIGIT_PX = 7  # a Calibri 11 digit at 96 dpi: Excel's unit of column width
COLUMN_PADDING_PX = 5  # Excel adds this to every column (xlsxwriter's _size_col does the same)
POINTS_PER_PX = 0.75  # 96 dpi
DEFAULT_COLUMN_CHARS = 8.43
DEFAULT_ROW_POINTS = 15.0  # a row of Calibri 11, the default font
# A glyph Carlito lacks (arrows such as ▲, CJK) is drawn from a fallback font; assume a full em.
FALLBACK_EM = 1.0


@dataclass(frozen=True)
class Renderer:
    """What differs between programs that draw the same cells: how wide a column is, and the line
    spacing of wrapped text."""

    name: str
    line_em: float  # distance between wrapped lines, in ems of the font size
    row_margin: float  # points above and below a cell's text
    points_per_pixel: float  # a column's width in Excel's pixels, as this program draws it


# Excel fits 11 pt Calibri at 15 pt a line (1.36 em) and sizes columns in whole 96 dpi pixels, a
# digit being 7 of them. LibreOffice spaces wrapped lines at the font's ascent plus descent (1.0 em
# for Carlito), keeps a margin round them, and makes a column's character the digit's true width,
# 111 twips (5.55 pt against Excel's 5.25): its columns are 5.7% wider (both measured in its PDFs).
EXCEL = Renderer("Excel", line_em=1.36, row_margin=0.5, points_per_pixel=0.75)
LIBREOFFICE = Renderer("LibreOffice", line_em=1.05, row_margin=2.0, points_per_pixel=111 / 20 / DIGIT_PX)
CELL_PADDING = 5.0  # points: the gap a spreadsheet keeps between a cell's text and its edges
SAFETY = 1.03  # text is laid out at device resolution; keep a little room for rounding


def _table(runs: dict[int, str]) -> dict[str, int]:
    """Character -> width, from runs of widths of consecutive code points (built in C: it is part
    of every command's first build)."""
    widths: dict[str, int] = {}
    for start, text in runs.items():
        found = text.split()
        widths.update(zip(map(chr, range(start, start + len(found))), map(int, found), strict=True))
    return widths


@functools.cache
def _char_widths(bold: bool, italic: bool) -> dict[str, int]:
    """Each character's width in font units, so a line is summed by map() without ord() calls."""
    if bold and italic:
        return _table(carlito_widths.BOLD_ITALIC)
    if bold:
        return _table(carlito_widths.BOLD)
    if italic:
        return _table(carlito_widths.ITALIC)
    return _table(carlito_widths.REGULAR)


def _text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Width in points of one line of `text` at `size` points."""
    fallback = FALLBACK_EM * carlito_widths.UNITS_PER_EM
    units = sum(map(_char_widths(bold, italic).get, text, itertools.repeat(fallback)))
    return units * size / carlito_widths.UNITS_PER_EM


# Cached: titles recur on every sheet. (wrap() measures its one-off partial lines uncached.)
text_width = functools.lru_cache(maxsize=65536)(_text_width)


@functools.cache
def tabular_digits(bold: bool, italic: bool) -> bool:
    """Whether the digits 0-9 are all one width (Calibri's are), so that of two numbers shown in
    one fixed-point format the one with more digits is never the narrower."""
    return len({_char_widths(bold, italic).get(digit) for digit in "0123456789"}) == 1


def column_points(chars: float, renderer: Renderer | None = None) -> float:
    """The width in points of a column `chars` wide, as `renderer` (default Excel, the narrower)
    draws it."""
    if chars < 1:
        pixels = int(chars * (DIGIT_PX + COLUMN_PADDING_PX) + 0.5)
    else:
        pixels = int(chars * DIGIT_PX + 0.5) + COLUMN_PADDING_PX
    return pixels * (renderer or EXCEL).points_per_pixel


def column_chars(points: float) -> float:
    """The narrowest column width (in characters, to 1/4) that is at least `points` wide."""
    pixels = points / POINTS_PER_PX
    chars = max((pixels - COLUMN_PADDING_PX) / DIGIT_PX, 0.0)
    chars = -(-chars * 4 // 1) / 4  # round up to a quarter character
    while column_points(chars) < points:
        chars += 0.25
    return chars


def needed_points(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Room a cell needs to show the widest line of `text` whole: text, padding and a margin."""
    widest = max((text_width(line, size, bold, italic) for line in text.split("\n")), default=0.0)
    return widest * SAFETY + CELL_PADDING


_BREAK = re.compile(r"(?<=[ ])")  # break after spaces, as Excel does; other break points only help


def wrap(text: str, points: float, size: float, bold: bool = False, italic: bool = False) -> list[str]:
    """`text` wrapped into a cell `points` wide, greedily at spaces, a word too long for a line
    broken between characters (as Excel and LibreOffice do)."""
    room = max(points - CELL_PADDING, size) / SAFETY
    widths, fallback = _char_widths(bold, italic), FALLBACK_EM * carlito_widths.UNITS_PER_EM
    per_em = carlito_widths.UNITS_PER_EM
    # Widths are whole font units, so a line's is exactly the sum of its parts'; a part fits when
    # units * size / per_em <= room, the arithmetic of _text_width. Inline: this is every build's
    # first measuring of the definitions' text.
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, line_units = "", 0.0  # the line so far, trailing spaces included
        for word in _BREAK.split(paragraph):
            kept = word.rstrip()  # a line is measured without its trailing spaces
            kept_units = sum(map(widths.get, kept, itertools.repeat(fallback)))
            word_units = kept_units
            if len(kept) < len(word):
                word_units += sum(map(widths.get, word[len(kept) :], itertools.repeat(fallback)))
            if not kept:  # spaces only: the line as it is
                shown = sum(map(widths.get, line.rstrip(), itertools.repeat(fallback)))
            else:
                shown = line_units + kept_units
            if shown * size / per_em <= room:
                line, line_units = line + word, line_units + word_units
                continue
            if line:
                lines.append(line.rstrip())
            line, line_units = "", 0.0
            for char in word:  # a word wider than a line: break it between characters
                char_units = widths.get(char, fallback)
                if line and not (line_units + char_units) * size / per_em <= room:
                    lines.append(line)
                    line, line_units = "", 0.0
                line, line_units = line + char, line_units + char_units
        lines.append(line.rstrip())
    return lines


@functools.lru_cache(maxsize=16384)  # the same definitions are wrapped again by every build of a batch
def line_count(text: str, points: float, size: float, bold: bool = False, italic: bool = False) -> int:
    """len(wrap(...)), without making the lines: a text that fits on one line is one; a paragraph
    of words that each fit a line is counted from its words' widths (measured once per text), which
    the search for a column's width asks of the same titles at dozens of widths."""
    room = max(points - CELL_PADDING, size) / SAFETY
    if "\n" not in text:
        if _text_width(text.rstrip(), size, bold, italic) <= room:
            return 1
        counted = _greedy_line_count(_part_units(text, bold, italic), room, size)
        if counted is not None:
            return counted
    return len(wrap(text, points, size, bold, italic))


@functools.lru_cache(maxsize=16384)
def _part_units(text: str, bold: bool, italic: bool) -> tuple[tuple[float, float], ...] | None:
    """Each part wrap() breaks a paragraph into (a word and the spaces after it): its width without
    and with those spaces, in font units; None if a part is spaces only (wrap's own case)."""
    widths, fallback = _char_widths(bold, italic), FALLBACK_EM * carlito_widths.UNITS_PER_EM
    parts = []
    for word in _BREAK.split(text):
        kept = word.rstrip()
        if not kept:
            return None
        kept_units = sum(map(widths.get, kept, itertools.repeat(fallback)))
        parts.append(
            (kept_units, kept_units + sum(map(widths.get, word[len(kept) :], itertools.repeat(fallback))))
        )
    return tuple(parts)


def _greedy_line_count(parts: tuple[tuple[float, float], ...] | None, room: float, size: float) -> int | None:
    """How many lines wrap() makes of a paragraph of `parts`, with wrap's arithmetic; None when a
    word is too wide for a line (wrap breaks it between characters)."""
    if parts is None:
        return None
    per_em = carlito_widths.UNITS_PER_EM
    lines, line_units, started = 0, 0.0, False
    for kept_units, word_units in parts:
        if (line_units + kept_units) * size / per_em <= room:
            line_units, started = line_units + word_units, True
            continue
        if started:
            lines += 1
        if word_units * size / per_em > room:
            return None
        line_units, started = word_units, True
    return lines + 1


def row_points(lines: int, size: float, renderer: Renderer) -> float:
    """Height of a row showing `lines` lines of text at `size` points."""
    return lines * size * renderer.line_em + 2 * renderer.row_margin


def longest_word_points(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    return max((text_width(word, size, bold, italic) for word in text.split()), default=0.0)
