"""A chart's value axis fitted to its figures, as an SPC chart is read: the process and its limits
filling the chart, not pressed into its top fifth above a zero that Excel and LibreOffice would
otherwise start every positive series from."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

# Room above and below the figures, as a share of their spread: a little for the markers, and a
# little for a next month somewhat outside them (a refresh in Excel cannot move the axis).
MARGIN = 0.12
GRIDLINES = 5  # about this many steps from the minimum to the maximum
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


class ValueAxis(NamedTuple):
    """A value axis from `minimum` to `maximum`, a gridline every `step`."""

    minimum: float
    maximum: float
    step: float


def value_axis(figures: Iterable[float | None], *, ceiling: float | None = None) -> ValueAxis | None:
    """A value axis that holds every figure with a margin, from and to round steps (the gridlines);
    never below 0 when no figure is, never above `ceiling` (1.0: 100%) when no figure is. None
    (the program's own axis) when there are no figures or all are equal."""
    known = [float(f) for f in figures if f is not None and math.isfinite(f)]
    if not known:
        return None
    low, high = min(known), max(known)
    if high == low:
        return None
    margin = (high - low) * MARGIN
    step = _nice_step((high - low + 2 * margin) / GRIDLINES)
    bottom = math.floor((low - margin) / step) * step
    top = math.ceil((high + margin) / step) * step
    if low >= 0 > bottom:
        bottom = 0.0
    if ceiling is not None and high <= ceiling < top:
        top = ceiling
    return ValueAxis(_tidy(bottom), _tidy(top), _tidy(step))


def _nice_step(rough: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at least `rough`."""
    power = 10.0 ** math.floor(math.log10(rough))
    return next(n * power for n in NICE_STEPS if n * power >= rough * (1 - 1e-9))


def _tidy(number: float) -> float:
    """Float noise from the step's arithmetic taken off (0.30000000000000004 -> 0.3)."""
    return round(number, 10) + 0.0  # (+ 0.0: never -0.0)
