"""LAIT's benchmark method: R's type 7 quartiles, quartile bands A to D by polarity, ranks with
ties sharing the better rank, the neighbours' mean (or median), and the region an LA is shown with."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scorecard_xl.errors import InputError
from scorecard_xl.extracts.dfe.neighbours import StatNeighbours
from scorecard_xl.extracts.dfe.tables import Cell, DfeRow, DfeTable
from scorecard_xl.inputs.definition_reader import POLARITIES

LONDON = "E12000007"
INNER_OUTER_LONDON = ("E13000001", "E13000002")
SN_METHODS = ("mean", "median")


def quantile_type7(values: Sequence[float], p: float) -> float:
    """R's default sample quantile (type 7) of `values` at probability `p`, 0 <= p <= 1."""
    if not values:
        raise ValueError("no values")
    if not 0 <= p <= 1:
        raise ValueError("p must be between 0 and 1")
    x = sorted(values)
    index = 1 + (len(x) - 1) * p
    lo = math.floor(index)
    hi = math.ceil(index)
    q = x[lo - 1]
    if index > lo and x[hi - 1] != q:
        h = index - lo
        q = (1 - h) * q + h * x[hi - 1]
    return q


def quartiles(values: Sequence[float]) -> tuple[float, float, float, float, float]:
    """The 0%, 25%, 50%, 75% and 100% type 7 quantiles (R's `quantile(x)`)."""
    q0, q1, q2, q3, q4 = (quantile_type7(values, p) for p in (0, 0.25, 0.5, 0.75, 1))
    return q0, q1, q2, q3, q4


def quartile_band(value: float, bounds: Sequence[float], polarity: str) -> str | None:
    """LAIT's quartile band A (best) to D for `value`; None when polarity is none.

    `bounds` are the five quartiles. Intervals are closed above ((Q25, Q50] and so on; the first
    is [Q0, Q25]); A is the lowest quarter for polarity low and the highest for high. A value
    outside [Q0, Q100] (not one of the values the bounds came from) raises ValueError, where LAIT
    shows "Error".
    """
    polarity = polarity_of(polarity)
    if polarity == "none":
        return None
    q0, q1, q2, q3, q4 = bounds
    if not q0 <= value <= q4:
        raise ValueError(f"{value!r} is outside the quartiles {q0!r}..{q4!r}")
    quarter = 0 if value <= q1 else 1 if value <= q2 else 2 if value <= q3 else 3
    return "ABCD"[quarter] if polarity == "low" else "DCBA"[quarter]


def rank_min(value: float, values: Sequence[float], polarity: str) -> int | None:
    """Rank of `value` among `values` (which include it), 1 = best; ties take the best rank.

    R's `rank(ties.method = "min")` of the values (low) or of their negatives (high). None when
    polarity is none.
    """
    polarity = polarity_of(polarity)
    if polarity == "none":
        return None
    better = sum(1 for v in values if (v < value if polarity == "low" else v > value))
    return better + 1


def neighbour_value(values: Iterable[Cell], method: str = "mean") -> float | None:
    """The mean (LAIT) or median of the neighbours' numbers; symbols and blanks are left out."""
    numbers = [v for v in values if isinstance(v, float)]
    if not numbers:
        return None
    if method == "mean":
        return math.fsum(numbers) / len(numbers)
    if method == "median":
        return quantile_type7(numbers, 0.5)
    raise ValueError(f"sn method must be one of {', '.join(SN_METHODS)}, not {method!r}")


@dataclass(frozen=True)
class Benchmark:
    """An LA's value for one year beside its comparators; band and rank for the latest year only."""

    year: int
    value: Cell  # the LA's own value (None: no row for the LA this year)
    sn: Cell  # neighbours' mean or median; "x" when no neighbour has a number
    sn_count: int  # neighbours with a number
    region: Cell
    region_code: str
    england: Cell
    band: str | None = None  # A-D; None for polarity none, other years, or no number
    rank: int | None = None  # 1 = best
    rank_of: int | None = None  # LAs ranked (those with a number)
    quartiles: tuple[float, float, float, float, float] | None = None


def benchmark(
    table: DfeTable,
    la_code: str,
    sn_model: StatNeighbours,
    polarity: str,
    year: int | None = None,
    sn_method: str = "mean",
) -> Benchmark:
    """LA `la_code`'s value in `year` (default: the table's latest) with SN, region and England,
    and, for the latest year, its LAIT quartile band and rank."""
    polarity = polarity_of(polarity)
    latest = table.latest_year()
    year = latest if year is None else year
    if year is None:
        raise InputError.of(table.source, "", table.column, None, "at least one LA with a number")
    row = table.la(la_code, year)
    value = row.value if row else None
    neighbours = [table.la(code, year) for code in sn_model.of(la_code)]
    neighbour_values = [n.value for n in neighbours if n is not None]
    sn = neighbour_value(neighbour_values, sn_method)
    region_code = _region_code(table, la_code, row)
    band = rank = rank_of = None
    bounds = None
    if year == latest and polarity != "none":
        numbers = [r.value for r in table.la_rows(year) if isinstance(r.value, float)]
        bounds = quartiles(numbers)
        if isinstance(value, float):
            band = quartile_band(value, bounds, polarity)
            rank = rank_min(value, numbers, polarity)
            rank_of = len(numbers)
    return Benchmark(
        year=year,
        value=value,
        sn="x" if sn is None else sn,
        sn_count=sum(1 for v in neighbour_values if isinstance(v, float)),
        region=table.regional(region_code, year) if region_code else None,
        region_code=region_code,
        england=table.national(year),
        band=band,
        rank=rank,
        rank_of=rank_of,
        quartiles=bounds,
    )


def _region_code(table: DfeTable, la_code: str, row: DfeRow | None) -> str:
    """The LA's region; London's Inner/Outer row unless it has no number in any year (LAIT)."""
    code = row.region_code if row else ""
    if not code:
        for year in reversed(table.la_years(la_code)):
            found = table.la(la_code, year)
            if found and found.region_code:
                code = found.region_code
                break
    if code in INNER_OUTER_LONDON and not any(
        isinstance(table.regional(code, y), float) for y in table.years()
    ):
        return LONDON
    return code


# -- measure specs and the reader -----------------------------------------------------------------


def polarity_of(polarity: str) -> str:
    text = polarity.strip().lower()
    if text in ("-", ""):
        return "none"
    if text not in POLARITIES:
        raise ValueError(f"polarity must be high, low or none, not {polarity!r}")
    return text
