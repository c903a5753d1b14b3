"""What a reader can work out from published figures by arithmetic.

A scorecard's counts are tied together: a year-to-date figure is the sum (or the mean, or the
latest) of the year's months, an outturn is the same over a whole year, and a total is the sum of
its parts, month by month, year to date and by outturn. Each tie is a linear equation over cells
(measure, series, period). Given which cells are published, a hidden cell can be worked out exactly
when the equations determine it: when its unit vector lies in the row space of the equations'
coefficients on the unpublished cells. That is decided here by exact Gaussian elimination over
whole numbers (the published values themselves do not matter, only which cells are published).

Used by secondary suppression (suppression.py), which hides more cells until no hidden count is
determined. Pure: no Excel, no files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from scorecard_xl.inputs.data import MeasureData
from scorecard_xl.inputs.definition import Definition, Measure
from scorecard_xl.inputs.periods import Month, Period, ReportingYear

Cell = tuple[str, str, Period]  # (measure id, series, period); series: actual, ytd or outturn
Equation = Mapping[Cell, int]  # coefficients; the cells' values times these sum to 0


def equations(
    definition: Definition, group: Sequence[Measure], data: Mapping[str, MeasureData]
) -> list[Equation]:
    """Every tie among the cells of `group` (a total and its parts, or one measure) that a reader
    could use, over the months and years the data mentions."""
    found: list[Equation] = []
    months = sorted({m for measure in group for m in _months(data.get(measure.id))})
    years = sorted(
        {ReportingYear.of(m, definition.year_start_month) for m in months}
        | {y for measure in group for y in _outturn_years(data.get(measure.id))}
    )
    for measure in group:
        if definition.yearly or measure.ytd not in ("sum", "mean", "latest"):
            continue
        for month in months:
            year = ReportingYear.of(month, definition.year_start_month)
            found.extend(_year_rule(measure, (measure.id, "ytd", month), _reporting(measure, year, month)))
        for year in years:
            found.extend(_year_rule(measure, (measure.id, "outturn", year), _reporting(measure, year, None)))
    for total in group:
        if not total.total_of:
            continue
        periods: list[tuple[str, Period]] = [("actual", p) for p in _periods(total, group, data)]
        if not definition.yearly:
            periods += [("ytd", m) for m in months] + [("outturn", y) for y in years]
        for series, period in periods:
            equation = {(total.id, series, period): 1}
            equation.update({(part, series, period): -1 for part in total.total_of})
            found.append(equation)
    return found


class Ties:
    """A group's equations over numbered cells: elimination hashes small integers, not cells."""

    def __init__(self, found: Sequence[Equation]) -> None:
        self.cells = sorted(cells_of(found), key=_order)
        number = {cell: i for i, cell in enumerate(self.cells)}
        self.rows = [{number[cell]: c for cell, c in eq.items() if c} for eq in found]
        self.number = number

    def determined(self, unknown: set[Cell]) -> set[Cell]:
        """The `unknown` cells whose values follow from the equations, every other cell known.

        Fraction-free elimination to the reduced row echelon form: rows of whole numbers, each
        divided by the greatest common divisor of its entries, so the arithmetic stays exact and
        small. A cell is determined when a reduced row holds it alone."""
        wanted = {self.number[cell] for cell in unknown if cell in self.number}
        pivots: dict[int, dict[int, int]] = {}  # pivot -> its row; no other row holds the pivot
        for equation in self.rows:
            row = {cell: c for cell, c in equation.items() if cell in wanted}
            for pivot, reduced in pivots.items():
                if pivot in row:
                    row = _eliminate(row, reduced, pivot)
            if not row:
                continue
            pivot = min(row)
            for other_pivot, other in list(pivots.items()):
                if pivot in other:
                    pivots[other_pivot] = _eliminate(other, row, pivot)
            pivots[pivot] = row
        return {self.cells[pivot] for pivot, row in pivots.items() if len(row) == 1}


def cells_of(found: Iterable[Equation]) -> set[Cell]:
    return {cell for equation in found for cell in equation}


def _eliminate(row: dict[int, int], by: dict[int, int], pivot: int) -> dict[int, int]:
    """`row` with `pivot` removed by a multiple of `by`, scaled to whole numbers in lowest terms."""
    a, b = by[pivot], row[pivot]
    combined = {cell: value * a for cell, value in row.items()}
    for cell, value in by.items():
        combined[cell] = combined.get(cell, 0) - value * b
    result = {cell: value for cell, value in combined.items() if value}
    divisor = math.gcd(*result.values()) if result else 1
    return {cell: value // divisor for cell, value in result.items()} if divisor > 1 else result


def _order(cell: Cell) -> tuple[str, str, str]:
    return (cell[0], cell[1], str(cell[2]))


def _year_rule(measure: Measure, aggregate: Cell, months: list[Month]) -> list[Equation]:
    """The equation tying a year-to-date or outturn cell to the months it is made of."""
    if not months:
        return []
    if measure.ytd == "latest":
        return [{aggregate: 1, (measure.id, "actual", months[-1]): -1}]
    scale = len(months) if measure.ytd == "mean" else 1  # mean x months = their sum
    equation: dict[Cell, int] = {aggregate: scale}
    for month in months:
        equation[(measure.id, "actual", month)] = -1
    return [equation]


def _reporting(measure: Measure, year: ReportingYear, upto: Month | None) -> list[Month]:
    months = year.months_to(upto or year.last_month)
    return [m for m in months if measure.reports_in(m.month)]


def _months(data: MeasureData | None) -> set[Month]:
    if data is None:
        return set()
    return {p for p in data.actual if isinstance(p, Month)} | set(data.ytd)


def _outturn_years(data: MeasureData | None) -> set[ReportingYear]:
    return set(data.yearly.get("outturn", {})) if data is not None else set()


def _periods(total: Measure, group: Sequence[Measure], data: Mapping[str, MeasureData]) -> list[Period]:
    ids = {total.id, *total.total_of}
    found = {p for m in group if m.id in ids for p in (data[m.id].actual if m.id in data else {})}
    return sorted(found)
