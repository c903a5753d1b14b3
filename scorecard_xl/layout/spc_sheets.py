"""The SPC sheets (Making Data Count): a native Excel line chart per measure over the workbook's own
cells, and those cells as a table.

- "SPC data": for each measure with an SPC chart, its last `chart_periods` points, one row each:
  the period, the value, the mean, the process limits, the target, and the value again in the
  column of its special-cause colour (Improving, Concern, Special) when it has one. A fixed number
  of rows per measure (a chart with fewer points starts with empty rows), so a refresh rewrites
  them in place and the charts, which read these ranges, follow in every runtime.
- "SPC": the charts, two to a row, each with its measure, title and icons in words above it. The
  value is a grey line; the mean a solid line; the process limits dashed; the target red and
  dotted; special causes coloured through data (one series per colour, not per-point formats, so
  refresh recolours them), each colour with its own marker shape, so greyscale still tells them.

Excel (and LibreOffice) draw a blank cell of a line chart as a gap: a period without a value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scorecard_xl.layout.chart_axis import ValueAxis, value_axis
from scorecard_xl.layout.page_furniture import print_setup, title_block
from scorecard_xl.layout.sheet import Block, CellValue, ChartSeries, ChartSpec, SheetLayout
from scorecard_xl.layout.spc_icons import assurance_word, variation_word
from scorecard_xl.layout.styles import number_format
from scorecard_xl.model.measure_spc import MeasureSpc
from scorecard_xl.model.scorecard import MeasureRow, Scorecard
from scorecard_xl.spc import COLOURS

SPC_SHEET = "SPC"
SPC_DATA_SHEET = "SPC data"
TEXT = "@"
COLUMNS = (
    "Measure",
    "Period",
    "Value",
    "Mean",
    "Upper limit",
    "Lower limit",
    "Target",
    "Improving",
    "Concern",
    "Special",
)
MEASURE, PERIOD, VALUE, MEAN, UPPER, LOWER, TARGET, IMPROVING, CONCERN, SPECIAL = range(len(COLUMNS))
SPECIAL_COLUMNS = {"blue": IMPROVING, "orange": CONCERN, "purple": SPECIAL}
# Two charts side by side on a landscape A4 page at 100% (its 1,045 printable pixels at 0.4"
# margins), so their 8 pt labels never print smaller.
CHART_WIDTH, CHART_HEIGHT = 480, 280  # pixels
CHART_ROWS = 15  # rows of 20 pixels (15 points) a chart spans, with its caption row
CHART_COLUMNS = 9  # columns of 54 pixels (7 characters) a chart spans
COLUMN_CHARS = 7.0
TARGET_RED = "#C00000"
MEAN_NAVY = "#1F3864"


def charted(scorecard: Scorecard) -> list[MeasureRow]:
    """The measures with an SPC chart, in the scorecard's order."""
    return [line for line in scorecard.rows if line.spc is not None]


def lay_out_spc_data(scorecard: Scorecard) -> tuple[SheetLayout, int]:
    """The chart data sheet: `chart_periods` rows per charted measure, under one header; and that
    header's row."""
    sheet = SheetLayout(SPC_DATA_SHEET)
    top = title_block(sheet, scorecard, "SPC data", len(COLUMNS))
    sheet.put(
        2, 2, "What the SPC sheet's charts draw: each measure's latest periods with the SPC lines.", "muted"
    )
    put_spc_data(sheet, scorecard, top, 0)
    sheet.freeze = (top + 1, 0)
    sheet.print_setup = print_setup(scorecard, repeat_rows=(top, top))
    sheet.print_setup.print_area = (0, 0, top, len(COLUMNS) - 1)  # for Refresh and analysts, not paper
    return sheet, top


def put_spc_data(sheet: SheetLayout, scorecard: Scorecard, top: int, left: int) -> None:
    """The chart data on `sheet`, its header at (`top`, `left`)."""
    for col, header in enumerate(COLUMNS):
        sheet.put(top, left + col, header, "column_header_left" if col < VALUE else "column_header")
    window = _window(scorecard)
    row = top + 1
    for line in charted(scorecard):
        assert line.spc is not None
        fmt = number_format(line.measure.unit, line.measure.decimals)
        for offset, values in enumerate(_data_rows(line, line.spc, window)):
            for col, value in enumerate(values):
                style = "table_text" if col < VALUE else "table_value"
                sheet.put(row + offset, left + col, value, style, TEXT if col < VALUE else fmt)
        sheet.blocks.append(Block(data_block(line.id), row, left, row + window - 1, left + len(COLUMNS) - 1))
        row += window
    sheet.widths.update({left + MEASURE: 10.0, left + PERIOD: 9.0})
    sheet.widths.update({left + col: 11.0 for col in range(VALUE, len(COLUMNS))})


def data_block(measure_id: str) -> str:
    """The name of a measure's block of chart figures on the SPC data sheet."""
    return f"spc_{measure_id}"


def _window(scorecard: Scorecard) -> int:
    settings = scorecard.definition.spc
    return settings.chart_periods if settings is not None else 0


def _data_rows(line: MeasureRow, spc: MeasureSpc, window: int) -> list[list[CellValue]]:
    """`window` rows, the latest points last; empty rows first when the chart has fewer."""
    chart = spc.chart
    target = chart.target
    rows: list[list[CellValue]] = []
    shown = list(zip(spc.periods, chart.points, strict=True))[-window:]
    for _ in range(window - len(shown)):
        rows.append([line.id, None, *([None] * (len(COLUMNS) - VALUE))])
    for period, point in shown:
        values: list[CellValue] = [None] * len(COLUMNS)
        values[MEASURE], values[PERIOD] = line.id, period.label
        values[VALUE], values[MEAN] = point.value, point.mean
        values[UPPER], values[LOWER] = point.upper, point.lower
        values[TARGET] = target
        column = SPECIAL_COLUMNS.get(point.colour)
        if column is not None and point.value is not None:
            values[column] = point.value
        rows.append(values)
    return rows


def lay_out_spc_charts(scorecard: Scorecard, data_top: int | None = None) -> SheetLayout:
    """The charts, two to a row, over the SPC data sheet's rows (whose header is at `data_top`);
    without one (the printed pack, which prints every sheet), over the same figures on this sheet,
    right of what prints."""
    sheet = SheetLayout(SPC_SHEET)
    printed = data_top is None  # (paper has no links)
    top = title_block(sheet, scorecard, "SPC", 2 * CHART_COLUMNS, printed)
    where = "the figures on the SPC data sheet" if data_top is not None else "the figures in the workbook"
    sheet.put(
        2,
        3,
        "Each measure charted over its latest periods (statistical process control, Making Data Count): "
        f"key on the Cover; {where}.",
        "muted",
    )
    window = _window(scorecard)
    data_sheet, data_left = SPC_DATA_SHEET, 0
    if data_top is None:
        data_sheet, data_top, data_left = SPC_SHEET, top, 2 * CHART_COLUMNS + 3
        put_spc_data(sheet, scorecard, data_top, data_left)
    for index, line in enumerate(charted(scorecard)):
        band, side = divmod(index, 2)
        row, col = top + band * CHART_ROWS, side * (CHART_COLUMNS + 1)
        first = data_top + 1 + index * window
        sheet.put(row, col, _caption(line), "label")
        sheet.blocks.append(Block(f"spc_caption_{line.id}", row, col, row, col))
        sheet.charts.append(_chart(line, row + 1, col, (data_sheet, first, first + window - 1, data_left)))
        sheet.keep_together.append((row, row + CHART_ROWS - 1))
    rows = (len(charted(scorecard)) + 1) // 2 * CHART_ROWS
    for row in range(top, top + rows):
        sheet.heights[row] = 15.0
    sheet.widths.update({col: COLUMN_CHARS for col in range(2 * CHART_COLUMNS + 1)})  # (before the figures')
    sheet.print_setup = print_setup(scorecard)
    sheet.print_setup.print_area = (0, 0, max(top + rows - 1, top), 2 * CHART_COLUMNS)
    return sheet


def _caption(line: MeasureRow) -> str:
    """The measure and its icons in words, above its chart (what the chart's colours say)."""
    icons = [word for word in (variation_word(line.spc), assurance_word(line.spc)) if word]
    return f"{line.id} {line.measure.title}: " + (", ".join(icons) if icons else "no SPC yet")


def _chart(line: MeasureRow, row: int, col: int, data: tuple[str, int, int, int]) -> ChartSpec:
    """`data`: the sheet, first and last rows and first column of the measure's figures."""
    data_sheet, first, last, left = data
    window = last - first + 1

    def cells(column: int) -> tuple[int, int, int, int]:
        return (first, left + column, last, left + column)

    grey, blue, orange, purple = (COLOURS[c] for c in ("grey", "blue", "orange", "purple"))
    # A measure judged against no target names none in its legend. (The series stays, as every
    # other does, for a refresh that brings a target: its line is then drawn, and the Cover's key
    # says what a red dotted line is.)
    has_target = line.spc is not None and line.spc.chart.target is not None
    series: Sequence[ChartSeries] = (
        ChartSeries("Value", cells(VALUE), grey, None, "circle", grey, 1.5),
        ChartSeries("Mean", cells(MEAN), MEAN_NAVY, None, None, MEAN_NAVY, 1.25),
        ChartSeries("Process limits", cells(UPPER), grey, "dash", None, grey, 1.0),
        ChartSeries("Lower limit", cells(LOWER), grey, "dash", None, grey, 1.0, legend=False),
        ChartSeries(
            "Target", cells(TARGET), TARGET_RED, "round_dot", None, TARGET_RED, 1.5, legend=has_target
        ),
        ChartSeries("Improving", cells(IMPROVING), None, None, "triangle", blue, 0),
        ChartSeries("Concern", cells(CONCERN), None, None, "square", orange, 0),
        ChartSeries("Special", cells(SPECIAL), None, None, "diamond", purple, 0),
    )
    measure = line.measure
    return ChartSpec(
        row=row,
        col=col,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        title=f"{measure.id} {measure.title}",
        data_sheet=data_sheet,
        categories=cells(PERIOD),
        series=tuple(series),
        number_format=number_format(measure.unit, measure.decimals),
        description=f"SPC chart of {measure.id} {measure.title}: {_caption(line)}.",
        value_axis=_value_axis(line, window),
    )


def _value_axis(line: MeasureRow, window: int) -> ValueAxis | None:
    """The axis that holds what the chart draws (its window's values, mean, limits and target),
    a percentage's never past 100%."""
    return value_axis(chart_figures(line, window), ceiling=axis_ceiling(line))


def chart_figures(line: MeasureRow, window: int) -> list[float | None]:
    """What a measure's chart draws over its latest `window` periods: values, means, limits, target."""
    assert line.spc is not None
    chart = line.spc.chart
    points = chart.points[-window:]
    return [f for p in points for f in (p.value, p.mean, p.upper, p.lower)] + [chart.target]


def axis_ceiling(line: MeasureRow) -> float | None:
    return 1.0 if line.measure.unit.name == "percent" else None


def outgrown_axes(scorecard: Scorecard, drawn: Callable[[str], list[object] | None]) -> list[str]:
    """The charted measures whose new figures would fall outside the axis their chart was written
    with, fitted to the figures `drawn(measure_id)` gives from the SPC data sheet as it was (None:
    no such block). A refresh in Excel rewrites the figures but cannot move a chart's axis."""
    outgrown = []
    window = _window(scorecard)
    for line in charted(scorecard):
        before = drawn(line.id)
        if before is None:
            continue
        numbers = [f for f in before if isinstance(f, (int, float)) and not isinstance(f, bool)]
        axis = value_axis(numbers, ceiling=axis_ceiling(line))
        if axis is None:
            continue  # (the program's own axis, which follows the figures)
        now = [f for f in chart_figures(line, window) if f is not None]
        if any(f < axis.minimum or f > axis.maximum for f in now):
            outgrown.append(line.id)
    return outgrown
