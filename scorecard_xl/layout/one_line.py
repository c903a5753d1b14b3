"""The width of a column of wrapped titles (the grid's Measure column) at which no title is a near
miss: one the layout gives a line more (text_metrics measures with a margin, as a spreadsheet lays
text out at device resolution) than the program may well draw, leaving a blank line beside the
figures (a one-line title in a row two lines tall). LibreOffice keeps a line whole up to about a
point short of its column (measured in its PDFs at 70-100%), where the layout wants 3% and 5
points more.

On screen, near the width the sheet asks for (within SEARCH either side), the width with the
fewest such titles is taken, the nearest of those: a column a few points wider or narrower costs
nothing, a row a line taller does (titles are many and their widths close together, so some may be
left). On paper (the printed pack, which LibreOffice draws and nobody edits) each near miss is
broken where the layout breaks it, so it prints on the lines its row is tall for. Run before
fitting, which then only widens (for the longest word).
"""

from __future__ import annotations

from scorecard_xl.layout.sheet import CellValue, SheetLayout, StyleKey
from scorecard_xl.layout.styles import FONT_SIZE, cell_format
from scorecard_xl.layout.text_metrics import (
    CELL_PADDING,
    DEFAULT_COLUMN_CHARS,
    EXCEL,
    SAFETY,
    Renderer,
    column_points,
    line_count,
    wrap,
)

SURE_WRAP = 0.5  # points: a line wider than its column less this is surely wrapped
Font = tuple[float, bool, bool]  # size, bold, italic
SEARCH = 0.12  # of the width asked for, either side
STEP = 0.25  # characters: Excel's widths are whole pixels, a quarter of a character near enough


def choose_one_line_widths(sheet: SheetLayout, renderer: Renderer = EXCEL, paper: bool = False) -> None:
    """For each of the sheet's `one_line_columns`: on screen, the width with the fewest near misses;
    on `paper`, the width asked for, its near misses broken where the layout breaks them (a width
    found for the fewest could narrow a column, adding lines and pages; see the module)."""
    for col in sheet.one_line_columns:
        texts = _wrapped_texts(sheet, col)
        asked = sheet.widths.get(col, DEFAULT_COLUMN_CHARS)
        if paper:
            _break_near_misses(sheet, col, column_points(asked, renderer))
            continue
        if not texts or not _near_misses(texts, column_points(asked, renderer)):
            continue
        steps = int(asked * SEARCH / STEP)
        widths = [asked + STEP * step for step in range(-steps, steps + 1)]
        sheet.widths[col] = min(
            widths,
            key=lambda chars: (_near_misses(texts, column_points(chars, renderer)), abs(chars - asked)),
        )


def _break_near_misses(sheet: SheetLayout, col: int, room: float) -> None:
    """Each near miss in the column as the lines the layout wraps it into, joined by line breaks."""
    for index, (row, at, value, key) in enumerate(sheet.cells):
        if at == col and _wraps(value, key) and _near_miss(str(value), _font(key), room):
            sheet.cells[index] = (row, at, "\n".join(wrap(str(value), room, *_font(key))), key)


def _wrapped_texts(sheet: SheetLayout, col: int) -> list[tuple[str, Font]]:
    """Each one-paragraph text wrapped in the column, with its font."""
    return [(str(value), _font(key)) for _, at, value, key in sheet.cells if at == col and _wraps(value, key)]


def _wraps(value: CellValue, key: StyleKey) -> bool:
    """A one-paragraph text its style wraps."""
    return (
        isinstance(value, str)
        and bool(value)
        and "\n" not in value
        and bool(cell_format(*key).get("text_wrap"))
    )


def _font(key: StyleKey) -> Font:
    props = cell_format(*key)
    return float(props.get("font_size", FONT_SIZE)), bool(props.get("bold")), bool(props.get("italic"))


def _near_misses(texts: list[tuple[str, Font]], room: float) -> int:
    """How many texts the layout gives a line more than a program may draw, `room` points wide."""
    return sum(_near_miss(text, font, room) for text, font in texts)


def _near_miss(text: str, font: Font, room: float) -> bool:
    """The layout wraps `text` into more lines than it would if the column were as wide as
    LibreOffice may take it to be (its width less SURE_WRAP, without the layout's margin): the
    last line the layout gives it may print blank."""
    loose = (room - SURE_WRAP) * SAFETY + CELL_PADDING  # (what line_count turns back into that room)
    return line_count(text, room, *font) > line_count(text, loose, *font)
