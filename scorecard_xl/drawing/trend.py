"""A measure's trend as a small picture: what a sparkline shows, drawn so that any program shows it
the same (LibreOffice draws Excel's sparklines wrongly: GUIDE 8).

The shape is worked out first (`trend_shape`: where each point, line, bar and the target go) and
then painted (`draw_trend`), so tests can check the geometry as well as the pixels.

- A period the measure does not report in (a quarterly measure's other months) is skipped: the line
  goes from one quarter to the next.
- A period it reports in but has no number for (blank, n/a, c, ...) is a gap: the line stops.
- Every value gets a dot, so a value between two gaps still shows; the latest is larger and orange.
- A target, where there is one, is a dashed grey line, inside the picture's range.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorecard_xl.drawing.raster import Canvas, Coverage, Point, hex_colour
from scorecard_xl.drawing.series import TrendSeries

OVERSAMPLE = 3  # pixels drawn per pixel shown: 288 dpi, sharp when printed and zoomed
LINE = 1.25  # widths and radii in shown pixels (96 dpi)
DOT = 1.5
LATEST_DOT = 2.3
TARGET_LINE = 0.9
TARGET_DASH = 2.5
BAR_SHARE = 0.62  # of a period's slot


@dataclass(frozen=True)
class TrendShape:
    """Where a trend's parts go, in pixels of a `width` x `height` picture, (0, 0) top-left."""

    width: float
    height: float
    points: tuple[tuple[int, Point], ...]  # (period index, centre) of every value
    lines: tuple[tuple[Point, ...], ...]  # runs of points joined by a line; a gap ends a run
    bars: tuple[tuple[int, float, float, float, float], ...]  # (period index, left, top, right, bottom)
    latest: int | None  # the period index of the latest value
    target_y: float | None


def trend_shape(
    series: TrendSeries, width: float, height: float, kind: str = "line", scale: float = 1.0
) -> TrendShape:
    """The geometry of `series` drawn as a line (or, with kind "column", bars), in a picture drawn
    `scale` times larger than shown (the margins that keep dots whole scale with it)."""
    shown = [
        (index, value)
        for index, (value, reported) in enumerate(zip(series.values, series.reported, strict=True))
        if reported and value is not None
    ]
    if not shown:
        return TrendShape(width, height, (), (), (), None, None)
    numbers = [value for _, value in shown] + ([series.target] if series.target is not None else [])
    low, high = min(numbers), max(numbers)
    if kind == "column" and low >= 0:
        low = 0.0  # bars of counts and rates stand on zero, so their heights compare truly
    if high == low:
        low, high = low - 1.0, high + 1.0
    margin_x = (LATEST_DOT + LINE / 2 + 0.5) * scale
    margin_y = (LATEST_DOT + 0.5) * scale
    count = len(series.values)
    slot = (width - 2 * margin_x) / max(count - 1, 1)

    def x_of(index: int) -> float:
        return width / 2 if count == 1 else margin_x + index * slot

    def y_of(value: float) -> float:
        return margin_y + (high - value) / (high - low) * (height - 2 * margin_y)

    target_y = y_of(series.target) if series.target is not None else None
    latest = shown[-1][0]
    if kind == "column":
        bar_slot = width / count
        bars = tuple(
            (index, (index + 0.5 - BAR_SHARE / 2) * bar_slot, min(y_of(value), height - margin_y - 1),
             (index + 0.5 + BAR_SHARE / 2) * bar_slot, height - margin_y)
            for index, value in shown
        )  # fmt: skip
        return TrendShape(width, height, (), (), bars, latest, target_y)
    points = tuple((index, (x_of(index), y_of(value))) for index, value in shown)
    runs: list[list[Point]] = [[]]
    position = dict(points)
    for index, (value, reported) in enumerate(zip(series.values, series.reported, strict=True)):
        if not reported:
            continue  # not a reporting period: the line passes over it
        if value is None:
            runs.append([])  # a reporting period with no number: a gap
        else:
            runs[-1].append(position[index])
    lines = tuple(tuple(run) for run in runs if len(run) > 1)
    return TrendShape(width, height, points, lines, (), latest, target_y)


def draw_trend(
    series: TrendSeries,
    width: int,
    height: int,
    kind: str = "line",
    colour: str = "#1F3864",
    latest_colour: str = "#C55A11",
    target_colour: str = "#767676",
) -> bytes:
    """A transparent PNG of the trend, `width` x `height` pixels shown (drawn OVERSAMPLE times
    larger; place it scaled down by that)."""
    scale = OVERSAMPLE
    shape = trend_shape(series, width * scale, height * scale, kind, scale)
    canvas = Canvas(width * scale, height * scale)
    if shape.target_y is not None:
        target: Coverage = {}
        canvas.dashed_line_coverage(
            shape.target_y, 0, width * scale, TARGET_LINE * scale, TARGET_DASH * scale, target
        )
        canvas.paint(target, hex_colour(target_colour))
    series_coverage: Coverage = {}
    latest_coverage: Coverage = {}
    for index, left, top, right, bottom in shape.bars:
        chosen = latest_coverage if index == shape.latest else series_coverage
        canvas.rectangle_coverage(left, top, right, bottom, chosen)
    for run in shape.lines:
        canvas.trace_coverage(list(run), LINE * scale, series_coverage)
    for index, centre in shape.points:
        if index != shape.latest:
            canvas.disc_coverage(centre, DOT * scale, series_coverage)
    canvas.paint(series_coverage, hex_colour(colour))
    for index, centre in shape.points:
        if index == shape.latest:
            canvas.disc_coverage(centre, LATEST_DOT * scale, latest_coverage)
    canvas.paint(latest_coverage, hex_colour(latest_colour))
    return canvas.png()
