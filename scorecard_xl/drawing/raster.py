"""An anti-aliased RGBA canvas for lines, dots, bars and dashes, in pure Python.

Each shape is first reduced to coverage (how much of each pixel it covers, 0 to 1: the area of the
pixel inside the shape, or the distance of its centre from a dot's edge), then painted over the
canvas once, so where a line's segments meet the join is not painted twice. Only the pixels a shape
touches are visited, which keeps a trend of a dozen points to a few thousand pixel visits.
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

    def trace_coverage(self, points: list[Point], thickness: float, coverage: Coverage) -> None:
        """Add a line `thickness` pixels wide through `points`, which run left to right (a trend):
        each pixel column is covered by the span the line crosses there, widened by the line's
        thickness measured vertically. Its ends are square: a trend puts a dot on every point."""
        half = thickness / 2
        width, height = self.width, self.height
        for (x1, y1), (x2, y2) in itertools.pairwise(points):
            if x2 <= x1:
                raise ValueError("a trend's points run left to right")
            slope = (y2 - y1) / (x2 - x1)
            spread = half * math.sqrt(1 + slope * slope)
            for x in range(max(math.floor(x1), 0), min(math.ceil(x2), width)):
                left, right = max(x, x1), min(x + 1, x2)  # the part of this column the segment crosses
                y_left, y_right = y1 + slope * (left - x1), y1 + slope * (right - x1)
                top, bottom = min(y_left, y_right) - spread, max(y_left, y_right) + spread
                share = right - left
                for y in range(max(math.floor(top), 0), min(math.ceil(bottom), height)):
                    amount = (min(y + 1, bottom) - max(y, top)) * share
                    index = y * width + x
                    if amount > coverage.get(index, 0.0):
                        coverage[index] = amount

    def disc_coverage(self, centre: Point, radius: float, coverage: Coverage) -> None:
        cx, cy = centre
        width, height = self.width, self.height
        for y in range(max(math.floor(cy - radius - 1), 0), min(math.ceil(cy + radius + 1), height)):
            for x in range(max(math.floor(cx - radius - 1), 0), min(math.ceil(cx + radius + 1), width)):
                amount = radius + 0.5 - math.hypot(x + 0.5 - cx, y + 0.5 - cy)
                if amount > 0:
                    index = y * width + x
                    if amount > coverage.get(index, 0.0):
                        coverage[index] = amount if amount < 1 else 1.0

    def rectangle_coverage(
        self, left: float, top: float, right: float, bottom: float, coverage: Coverage
    ) -> None:
        """A filled rectangle, its edges anti-aliased by how much of each edge pixel they cover."""
        width = self.width
        columns = range(max(math.floor(left), 0), min(math.ceil(right), width))
        for y in range(max(math.floor(top), 0), min(math.ceil(bottom), self.height)):
            vertical = min(bottom, y + 1) - max(top, y)
            for x in columns:
                amount = vertical * (min(right, x + 1) - max(left, x))
                index = y * width + x
                if amount > coverage.get(index, 0.0):
                    coverage[index] = amount

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
            below = pixels[at + 3]
            if not below:  # most pixels: nothing painted there yet
                pixels[at] = red
                pixels[at + 1] = green
                pixels[at + 2] = blue
                pixels[at + 3] = int(alpha * 255 + 0.5)
                continue
            under = below / 255 * (1 - alpha)
            out = alpha + under
            pixels[at] = int((red * alpha + pixels[at] * under) / out + 0.5)
            pixels[at + 1] = int((green * alpha + pixels[at + 1] * under) / out + 0.5)
            pixels[at + 2] = int((blue * alpha + pixels[at + 2] * under) / out + 0.5)
            pixels[at + 3] = int(out * 255 + 0.5)

    def png(self) -> bytes:
        return encode_rgba(self.width, self.height, self._pixels)
