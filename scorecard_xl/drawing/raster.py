"""An anti-aliased RGBA canvas for lines, dots, bars and dashes, in pure Python.

Each shape is first reduced to coverage (how much of each pixel it covers, 0 to 1, from the
distance of the pixel's centre to the shape), then painted over the canvas once, so where a line's
segments meet the join is not painted twice. Only the pixels near a shape are visited, which keeps
a trend of a dozen points to a few thousand pixel visits.
"""

from __future__ import annotations

import itertools
import math

from scorecard_xl.drawing.png import encode_rgba

Point = tuple[float, float]
Colour = tuple[int, int, int]
Coverage = dict[int, float]  # pixel index (y * width + x) -> 0..1


def hex_colour(text: str) -> Colour:
    """'#1F3864' -> (31, 56, 100)."""
    value = text.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class Canvas:
    """A transparent picture `width` x `height` pixels; (0, 0) is the top-left pixel's corner."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self._pixels = bytearray(width * height * 4)

    def _cover(self, coverage: Coverage, x: int, y: int, amount: float) -> None:
        if amount > 0 and 0 <= x < self.width and 0 <= y < self.height:
            index = y * self.width + x
            if amount > coverage.get(index, 0.0):
                coverage[index] = min(amount, 1.0)

    def polyline_coverage(self, points: list[Point], thickness: float, coverage: Coverage) -> None:
        """Add a line through `points` (at least two), `thickness` pixels wide, round-ended."""
        radius = thickness / 2
        for (x1, y1), (x2, y2) in itertools.pairwise(points):
            self._segment(x1, y1, x2, y2, radius, coverage)

    def _segment(self, x1: float, y1: float, x2: float, y2: float, radius: float, coverage: Coverage) -> None:
        dx, dy = x2 - x1, y2 - y1
        length_squared = dx * dx + dy * dy
        reach = radius + 1.0
        for x in range(math.floor(min(x1, x2) - reach), math.ceil(max(x1, x2) + reach)):
            centre_x = x + 0.5
            # The segment's y over the columns within reach of this one, widened by the reach.
            lo_x, hi_x = max(centre_x - reach, min(x1, x2)), min(centre_x + reach, max(x1, x2))
            if lo_x > hi_x:
                lo_x = hi_x = x1 if abs(centre_x - x1) < abs(centre_x - x2) else x2
            ys = [self._y_at(x1, y1, x2, y2, lo_x), self._y_at(x1, y1, x2, y2, hi_x)]
            if not 0 <= x < self.width:
                continue
            for y in range(max(math.floor(min(ys) - reach), 0), min(math.ceil(max(ys) + reach), self.height)):
                centre_y = y + 0.5
                t = ((centre_x - x1) * dx + (centre_y - y1) * dy) / length_squared if length_squared else 0.0
                t = 0.0 if t < 0 else 1.0 if t > 1 else t
                amount = radius + 0.5 - math.hypot(centre_x - x1 - t * dx, centre_y - y1 - t * dy)
                if amount > 0:
                    index = y * self.width + x
                    if amount > coverage.get(index, 0.0):
                        coverage[index] = amount if amount < 1 else 1.0

    @staticmethod
    def _y_at(x1: float, y1: float, x2: float, y2: float, x: float) -> float:
        if x2 == x1:
            return y1 if abs(x - x1) < 1e-9 else min(y1, y2)
        return y1 + (y2 - y1) * (x - x1) / (x2 - x1)

    def disc_coverage(self, centre: Point, radius: float, coverage: Coverage) -> None:
        cx, cy = centre
        for y in range(math.floor(cy - radius - 1), math.ceil(cy + radius + 1)):
            for x in range(math.floor(cx - radius - 1), math.ceil(cx + radius + 1)):
                distance = math.hypot(x + 0.5 - cx, y + 0.5 - cy)
                self._cover(coverage, x, y, radius + 0.5 - distance)

    def rectangle_coverage(
        self, left: float, top: float, right: float, bottom: float, coverage: Coverage
    ) -> None:
        """A filled rectangle, its edges anti-aliased by how much of each edge pixel they cover."""
        for y in range(math.floor(top), math.ceil(bottom)):
            vertical = min(bottom, y + 1) - max(top, y)
            for x in range(math.floor(left), math.ceil(right)):
                horizontal = min(right, x + 1) - max(left, x)
                self._cover(coverage, x, y, vertical * horizontal)

    def dashed_line_coverage(
        self, y: float, left: float, right: float, thickness: float, dash: float, coverage: Coverage
    ) -> None:
        """A horizontal dashed line: dashes and gaps `dash` pixels long."""
        start = left
        while start < right:
            self.rectangle_coverage(
                start, y - thickness / 2, min(start + dash, right), y + thickness / 2, coverage
            )
            start += 2 * dash

    def paint(self, coverage: Coverage, colour: Colour) -> None:
        """Paint `colour` over the canvas where `coverage` says, as much as it says."""
        red, green, blue = colour
        pixels = self._pixels
        for index, alpha in coverage.items():
            at = index * 4
            if not pixels[at + 3]:  # most pixels: nothing below yet
                pixels[at : at + 4] = bytes((red, green, blue, round(alpha * 255)))
                continue
            below = pixels[at + 3] / 255
            out = alpha + below * (1 - alpha)
            if out <= 0:
                continue
            keep = below * (1 - alpha) / out
            pixels[at] = round(red * alpha / out + pixels[at] * keep)
            pixels[at + 1] = round(green * alpha / out + pixels[at + 1] * keep)
            pixels[at + 2] = round(blue * alpha / out + pixels[at + 2] * keep)
            pixels[at + 3] = round(out * 255)

    def png(self) -> bytes:
        return encode_rgba(self.width, self.height, self._pixels)
