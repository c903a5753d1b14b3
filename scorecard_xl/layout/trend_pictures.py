"""Sparklines turned into drawn pictures, one inside each trend cell, for programs other than Excel.

A picture cannot be refreshed by Excel, so only workbooks made for LibreOffice and the printed pack
get them; the workbook for Excel keeps its live sparklines.
"""

from __future__ import annotations

from scorecard_xl.layout.sheet import Picture, SheetLayout
from scorecard_xl.layout.styles import SPARKLINE_COLOUR, SPARKLINE_LAST
from scorecard_xl.layout.text_metrics import DEFAULT_COLUMN_CHARS, DEFAULT_ROW_POINTS, column_points

PADDING = (4, 3)  # pixels kept clear inside the cell, left and right, top and bottom: a target line
# at the foot of one row and one at the top of the next stay apart, the border between them
MAX_HEIGHT = 30  # pixels: a tall row (a wrapped title) gets a taller trend, up to this
# pixels: as wide as a trend in the grid's column (11 characters) gets, so that one in a wider cell
# (the key's example) is drawn as the Scorecard draws them
MAX_WIDTH = 74
POINTS_PER_PIXEL = 0.75


def cell_pixels(sheet: SheetLayout, row: int, col: int) -> tuple[int, int]:
    """A cell's size in pixels as Excel (and xlsxwriter, placing pictures) reckons it."""
    width = column_points(sheet.widths.get(col, DEFAULT_COLUMN_CHARS)) / POINTS_PER_PIXEL
    height = sheet.heights.get(row, DEFAULT_ROW_POINTS) / POINTS_PER_PIXEL
    return int(width), int(height)


def draw_trends(sheet: SheetLayout) -> None:
    """Replace `sheet`'s sparklines with pictures of the same trends, each inside its cell."""
    from scorecard_xl.drawing.trend import draw_trend  # only workbooks with pictures pay for drawing

    for spark in sheet.sparklines:
        if spark.series is None:
            continue
        cell_width, cell_height = cell_pixels(sheet, spark.row, spark.col)
        across, down = PADDING
        width = min(cell_width - 2 * across, MAX_WIDTH)
        height = min(cell_height - 2 * down, MAX_HEIGHT)
        if width < 8 or height < 6:
            continue  # no room to draw anything readable
        png = draw_trend(spark.series, width, height, spark.kind, SPARKLINE_COLOUR, SPARKLINE_LAST)
        sheet.pictures.append(
            Picture(spark.row, spark.col, png, width, height, (across, down), spark.description)
        )
    sheet.sparklines = []
