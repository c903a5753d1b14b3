"""The width of a column of wrapped titles (the grid's Measure column) at which no title is a near
miss: one the layout gives two lines (text_metrics measures with a margin, as a spreadsheet lays
text out at device resolution) but the program may well draw on one, leaving a blank second line
beside one-line figures. LibreOffice keeps text on one line up to about a point short of its
column (measured in its PDFs at 70-100%), where the layout wants 3% and 5 points more.

Near the width the sheet asks for (within SEARCH either side), the width with the fewest such
titles is taken, the nearest of those: a column a few points wider or narrower costs nothing, a row
a line taller does. Titles are many and their widths close together, so some near misses may be
left; on paper (the printed pack, which LibreOffice draws and nobody edits) each of those is broken
where the layout breaks it, so it prints on the two lines its row is tall for. Run before fitting,
which then only widens (for the longest word).
"""

from __future__ import annotations

from scorecard_xl.layout.sheet import CellValue, SheetLayout, StyleKey
from scorecard_xl.layout.text_metrics import (
    DEFAULT_COLUMN_CHARS,
    EXCEL,
    Renderer,
    column_points,
    needed_points,
    text_width,
    wrap,
)
from scorecard_xl.styles import FONT_SIZE, cell_format

SURE_WRAP = 0.5  # points: text wider than its column less this is surely drawn on two lines
SEARCH = 0.12  # of the width asked for, either side
STEP = 0.25  # characters: Excel's widths are whole pixels, a quarter of a character near enough


def choose_one_line_widths(sheet: SheetLayout, renderer: Renderer = EXCEL, paper: bool = False) -> None:
    """Set the width of each of the sheet's `one_line_columns`, and on `paper` break the near misses
    left (see the module)."""
    for col in sheet.one_line_columns:
        texts = _wrapped_texts(sheet, col)
        asked = sheet.widths.get(col, DEFAULT_COLUMN_CHARS)
        if not texts or not _near_misses(texts, column_points(asked, renderer)):
            continue
        steps = int(asked * SEARCH / STEP)
        widths = [asked + STEP * step for step in range(-steps, steps + 1)]
        sheet.widths[col] = min(
            widths,
            key=lambda chars: (_near_misses(texts, column_points(chars, renderer)), abs(chars - asked)),
        )
        if paper:
            _break_near_misses(sheet, col, column_points(sheet.widths[col], renderer))


def _break_near_misses(sheet: SheetLayout, col: int, room: float) -> None:
    """Each near miss in the column as the lines the layout wraps it into, joined by line breaks."""
    for index, (row, at, value, key) in enumerate(sheet.cells):
        measured = _measured(value, key) if at == col else None
        if measured and _near_misses([measured], room):
            sheet.cells[index] = (row, at, "\n".join(wrap(str(value), room, *_font(key))), key)


def _wrapped_texts(sheet: SheetLayout, col: int) -> list[tuple[float, float]]:
    """(width, needed points) of each one-paragraph text wrapped in the column."""
    return [
        measured for _, at, value, key in sheet.cells if at == col and (measured := _measured(value, key))
    ]


def _measured(value: CellValue, key: StyleKey) -> tuple[float, float] | None:
    """(width, needed points) of a one-paragraph text its style wraps; None for any other cell."""
    if not isinstance(value, str) or not value or "\n" in value or not cell_format(*key).get("text_wrap"):
        return None
    font = _font(key)
    return text_width(value, *font), needed_points(value, *font)


def _font(key: StyleKey) -> tuple[float, bool, bool]:
    props = cell_format(*key)
    return float(props.get("font_size", FONT_SIZE)), bool(props.get("bold")), bool(props.get("italic"))


def _near_misses(texts: list[tuple[float, float]], room: float) -> int:
    """How many texts the layout gives a second line a program may leave blank, `room` points wide."""
    return sum(1 for width, needed in texts if needed > room and width + SURE_WRAP <= room)
