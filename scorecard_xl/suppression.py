"""Small-number suppression for workbooks that leave the organisation (the publication profile).

Applied to the data before the model, so a suppressed number is nowhere in the file: not in any
sheet, not behind a sparkline (its cell holds the symbol), not in a YTD, direction or RAG worked out
from it. Following the DfE's convention, counts from 1 to the threshold become `c`; 0 stays 0.
Secondary suppression then hides what would let a reader work a suppressed count back out:

- a rate or percentage worked out from a suppressed count (`derived_from` in the definition);
- a year-to-date total when a month of that year is suppressed (the YTD less the other months
  would give it), for measures whose YTD is a sum;
- a total and its parts (`total_of`): where exactly one figure of the group is suppressed, the
  smallest other non-zero part (or else the total) is suppressed too, until none stands alone.

Only the organisation's own figures (actual, YTD, outturn) are suppressed: targets and comparators
(neighbour means, England) are not counts about individual children here.
"""

from __future__ import annotations

import copy
from typing import Any, cast

from scorecard_xl.data import Dataset, MeasureData
from scorecard_xl.definition import Definition, Measure
from scorecard_xl.periods import ReportingYear
from scorecard_xl.values import Missing, Value

SUPPRESSED = Missing("c")
SERIES = ("actual", "ytd", "outturn")  # the organisation's own figures
DEFAULT_THRESHOLD = 5


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
    for measure in definition.measures:
        _protect_ytd(measure, by_measure.get(measure.id), definition.year_start_month)
    for measure in definition.measures:
        if measure.total_of:
            _protect_totals(measure, by_measure)
    for measure in definition.measures:
        if measure.derived_from:
            _follow_sources(measure, by_measure)
    return Dataset(by_measure, dataset.sources)


def _small(value: Value | None, threshold: int) -> bool:
    return isinstance(value, float) and 0 < abs(value) <= threshold


def _protect_ytd(measure: Measure, data: MeasureData | None, year_start_month: int) -> None:
    if data is None or measure.ytd != "sum":
        return
    for period in list(data.ytd):
        months = ReportingYear.of(period, year_start_month).months_to(period)
        if any(data.actual.get(m) == SUPPRESSED for m in months):
            data.ytd[period] = SUPPRESSED


def _protect_totals(total: Measure, by_measure: dict[str, MeasureData]) -> None:
    group = [total.id, *total.total_of]
    for series in SERIES:
        periods = {p for mid in group for p in _series(by_measure.get(mid), series)}
        for period in periods:
            while True:
                cells = [(mid, _series(by_measure.get(mid), series).get(period)) for mid in group]
                hidden = [mid for mid, value in cells if value == SUPPRESSED]
                if len(hidden) != 1:
                    break
                shown = [(value, mid) for mid, value in cells[1:] if isinstance(value, float) and value != 0]
                victim = min(shown)[1] if shown else total.id
                if victim == hidden[0] or _series(by_measure.get(victim), series).get(period) is None:
                    break
                _series(by_measure.setdefault(victim, MeasureData()), series)[period] = SUPPRESSED


def _series(data: MeasureData | None, series: str) -> dict[Any, Value]:
    """One of a measure's own series, keyed by its periods (months or years)."""
    if data is None:
        return {}
    if series == "actual":
        return cast("dict[Any, Value]", data.actual)
    if series == "ytd":
        return cast("dict[Any, Value]", data.ytd)
    return cast("dict[Any, Value]", data.yearly.setdefault("outturn", {}))


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
