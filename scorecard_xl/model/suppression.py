"""Small-number suppression for workbooks that leave the organisation (the publication profile).

Applied to the data before the model, so a suppressed number is nowhere in the file: not in any
sheet, not behind a sparkline (its cell holds the symbol), not in a YTD, direction or RAG worked out
from it. Following the DfE's convention, counts from 1 to the threshold become `c`; 0 stays 0.

Secondary suppression then hides what would let a reader work a hidden count back out by arithmetic
on the published figures (disclosure.py): a month from a year-to-date sum or mean and the other
months, a part from its total and the other parts, a year-to-date from a total's, and any chain of
these. While some hidden count is determined, one more published cell of the equations that
determine it is hidden, preferring one that breaks the determination on its own, then a year
figure (a YTD or outturn) over a month, a part over its total, and the smallest non-zero value.
The same holds for counts the data itself gives as `c`. Finally a rate or percentage worked out from
a hidden count (`derived_from`, which a ratio measure's counts are always part of) is hidden too,
and a ratio's year to date with it if the count is hidden in any month of the year so far.

Only the organisation's own figures (actual, YTD, outturn) are suppressed: targets and comparators
(neighbour means, England) are not counts about individual children here.
"""

from __future__ import annotations

import copy
from typing import Any, cast

from scorecard_xl.inputs.data import Dataset, MeasureData
from scorecard_xl.inputs.definition import Definition, Measure
from scorecard_xl.inputs.periods import ReportingYear
from scorecard_xl.inputs.values import Missing, Value
from scorecard_xl.model.disclosure import Cell, Equation, Ties, equations

SUPPRESSED = Missing("c")
SERIES = ("actual", "ytd", "outturn")  # the organisation's own figures
DEFAULT_THRESHOLD = 5
TRIED = 6  # candidates tried, cheapest first, for one that alone protects a revealed cell


def suppress(definition: Definition, dataset: Dataset, threshold: int = DEFAULT_THRESHOLD) -> Dataset:
    """A copy of `dataset` with small counts and what would reveal them replaced by `c`."""
    by_measure = {mid: copy.deepcopy(data) for mid, data in dataset.by_measure.items()}
    counts = [m for m in definition.measures if m.unit.name == "count"]
    for measure in counts:
        for series in SERIES:
            figures = _series(by_measure.get(measure.id), series)
            for period, value in figures.items():
                if _small(value, threshold):
                    figures[period] = SUPPRESSED
    for group in _groups(counts):
        _protect(definition, group, by_measure)
    for measure in definition.measures:
        if measure.derived_from:
            _follow_sources(measure, by_measure)
        if measure.ratio is not None:
            _follow_the_year(definition, measure, by_measure)
    return Dataset(by_measure, dataset.sources)


def _small(value: Value | None, threshold: int) -> bool:
    return isinstance(value, float) and 0 < abs(value) <= threshold


def _groups(counts: list[Measure]) -> list[list[Measure]]:
    """Counts tied by totals (a total with its parts, and totals sharing parts) kept together; every
    other count alone."""
    by_id = {m.id: m for m in counts}
    parent = {m.id: m.id for m in counts}

    def root(mid: str) -> str:
        while parent[mid] != mid:
            mid = parent[mid]
        return mid

    for measure in counts:
        for part in measure.total_of:
            if part in parent:
                parent[root(part)] = root(measure.id)
    groups: dict[str, list[Measure]] = {}
    for mid in by_id:
        groups.setdefault(root(mid), []).append(by_id[mid])
    return list(groups.values())


def _protect(definition: Definition, group: list[Measure], by_measure: dict[str, MeasureData]) -> None:
    """Hide published cells of `group` until no hidden cell can be worked out."""
    found = equations(definition, group, by_measure)
    ties = Ties(found)
    cells = set(ties.cells)
    while True:
        unknown = {cell for cell in cells if not isinstance(_value(by_measure, cell), float)}
        hidden = {cell for cell in unknown if _value(by_measure, cell) == SUPPRESSED}
        revealed = sorted(ties.determined(unknown) & hidden, key=_order) if hidden else []
        if not revealed:
            return
        target = revealed[0]
        candidates = _candidates(found, target, unknown) or sorted(cells - unknown, key=_order)
        candidates.sort(key=lambda cell: _cost(cell, group, by_measure))
        # The cheapest of the first few that alone stops the target being worked out, else the
        # cheapest (the loop then hides another): each try is an elimination over the group.
        tries = candidates[:TRIED]
        helpful = (c for c in tries if target not in ties.determined(unknown | {c}))
        _set(by_measure, next(helpful, candidates[0]), SUPPRESSED)


def _candidates(found: list[Equation], target: Cell, unknown: set[Cell]) -> list[Cell]:
    """The published cells of the equations that hold `target`."""
    near = {cell for eq in found if target in eq for cell in eq if cell not in unknown}
    return sorted(near, key=_order)


def _cost(
    cell: Cell, group: list[Measure], by_measure: dict[str, MeasureData]
) -> tuple[int, bool, float, str]:
    """Cheapest to hide first: a year figure, then a part's month, then a total's; non-zero, small."""
    measure_id, series, _ = cell
    is_total = any(m.id == measure_id and m.total_of for m in group)
    tier = 0 if series != "actual" else (2 if is_total else 1)
    value = _value(by_measure, cell)
    number = abs(value) if isinstance(value, float) else 0.0
    return (tier, number == 0, number, str(_order(cell)))


def _order(cell: Cell) -> tuple[str, str, str]:
    return (cell[0], cell[1], str(cell[2]))


def _value(by_measure: dict[str, MeasureData], cell: Cell) -> Value | None:
    measure_id, series, period = cell
    return _series(by_measure.get(measure_id), series).get(period)


def _set(by_measure: dict[str, MeasureData], cell: Cell, value: Value) -> None:
    measure_id, series, period = cell
    _series(by_measure.setdefault(measure_id, MeasureData()), series)[period] = value


def _series(data: MeasureData | None, series: str) -> dict[Any, Value]:
    """One of a measure's own series, keyed by its periods (months or years)."""
    if data is None:
        return {}
    if series == "actual":
        return cast("dict[Any, Value]", data.actual)
    if series == "ytd":
        return cast("dict[Any, Value]", data.ytd)
    return cast("dict[Any, Value]", data.yearly.setdefault("outturn", {}))


def _follow_the_year(definition: Definition, ratio: Measure, by_measure: dict[str, MeasureData]) -> None:
    """A ratio's YTD is the year's sums' ratio, so a count hidden in any month of the year so far
    hides it (with the other months published, it would give the hidden count away)."""
    data = by_measure.get(ratio.id)
    if data is None:
        return
    counts = [by_measure.get(c) for c in ratio.derived_from]
    for month in list(data.ytd):
        so_far = ReportingYear.of(month, definition.year_start_month).months_to(month)
        if any(count and count.actual.get(m) == SUPPRESSED for count in counts for m in so_far):
            data.ytd[month] = SUPPRESSED


def _follow_sources(derived: Measure, by_measure: dict[str, MeasureData]) -> None:
    data = by_measure.get(derived.id)
    if data is None:
        return
    for series in SERIES:
        figures = _series(data, series)
        for period in list(figures):
            if any(
                _series(by_measure.get(s), series).get(period) == SUPPRESSED for s in derived.derived_from
            ):
                figures[period] = SUPPRESSED
