"""A cell's value as a spreadsheet shows it: a link's text, a formula's cached result, a number in
the layout's number formats (General, or fixed-point such as #,##0.0 and 0.0%, perhaps with words
after it). What fitting measures and pagination looks for."""

from __future__ import annotations

import math
from collections.abc import Iterable

from scorecard_xl.layout.sheet import CellValue, Formula, Link


def displayed(value: CellValue, number_format: str | None) -> str:
    """A cell's value as a spreadsheet shows it (the number formats the layout uses)."""
    if isinstance(value, Link):
        return value.text
    if isinstance(value, Formula):
        value = value.cached
    if value is None or isinstance(value, str):
        return value or ""
    return format_number(float(value), number_format)


def format_number(value: float, number_format: str | None) -> str:
    """`value` shown by an Excel number format such as #,##0.0 or 0.0%, perhaps followed by quoted
    words (0.0%" YTD"); General otherwise."""
    if general_format(number_format):
        return f"{value:.10g}"
    assert number_format is not None
    number_format, _, words = number_format.partition('"')
    percent = number_format.endswith("%")
    decimals = len(number_format.split(".", 1)[1].rstrip("%")) if "." in number_format else 0
    grouping = "," if "," in number_format else ""
    shown = f"{value * 100 if percent else value:{grouping}.{decimals}f}"
    return shown + ("%" if percent else "") + words.rstrip('"')


def general_format(number_format: str | None) -> bool:
    """Whether numbers show in General format (any other is fixed-point: see format_number)."""
    return not number_format or number_format in ("General", "@")


def widest_candidates(values: list[float]) -> Iterable[float]:
    """The values among which the widest shown in one fixed-point format is. Digits are all one
    width and a format's other characters fixed, so a shown number is widest with the most digits
    (the largest magnitude, rounding being monotonic) and with a minus sign: the largest value, the
    smallest, and -0.0 (shown "-0.0") if the smallest is a zero. Infinities or NaN: every value."""
    if not math.isfinite(sum(values)):
        return values
    low, high = min(values), max(values)
    if low == 0 and any(math.copysign(1.0, value) < 0 for value in values if value == 0):
        return (low, high, -0.0)
    return (low, high)
