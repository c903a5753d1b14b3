"""The scorecard model: a definition and its data, for one period, with every figure and judgement
worked out. Pure: no Excel, no files, no clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from scorecard_xl.errors import InputError
from scorecard_xl.inputs.completeness import completeness, completeness_warnings, latest_complete
from scorecard_xl.inputs.data import Dataset, MeasureData, dataset_problem
from scorecard_xl.inputs.definition import Definition, Measure, Section
from scorecard_xl.inputs.periods import Month, Period, ReportingYear
from scorecard_xl.inputs.values import Missing, Value
from scorecard_xl.model.assess import Direction, Rag, direction, position, rag
from scorecard_xl.model.measure_spc import MeasureSpc, measure_spc
from scorecard_xl.model.ytd_target import PERIOD, TO_DATE, YEAR, JudgedTarget, judged_target, target_scope

LOOKBACK_MONTHS = 12  # a non-monthly measure's latest value may be this old


@dataclass(frozen=True)
class MeasureRow:
    """One measure's line of the scorecard."""

    measure: Measure
    months: tuple[Value | None, ...]  # one per window period; None = nothing reported then
    ytd: Value | None
    ytd_provided: bool  # True when the data gave the YTD, False when worked out by the rule
    headline: Value | None  # the figure judged against target and comparators
    target: Value | None  # what the headline is judged against: the year's, or its share (ytd_target)
    rag: Rag | None  # None when not judged
    vs_previous: Direction | None
    vs_last_year: Direction | None
    comparators: tuple[Value | None, ...]  # one per definition comparator
    positions: tuple[str | None, ...]  # headline against each comparator
    outturns: tuple[Value | None, ...]  # one per model outturn year, oldest first
    benchmarks: tuple[str | None, ...] = ()  # one per definition benchmark (a band, a rank)
    spc: MeasureSpc | None = None  # its SPC chart over every period to the one shown, if it shows one
    judged_target: JudgedTarget | None = None  # the target's scope and how it was worked out
    headline_kind: str = "latest"  # the judged figure is the "ytd" or the "latest" period's value

    @property
    def id(self) -> str:
        return self.measure.id

    @property
    def target_scope(self) -> str:
        """What the target shown is for: the year, the year to date, or the latest period."""
        return self.judged_target.scope if self.judged_target else YEAR


@dataclass(frozen=True)
class Scorecard:
    """The scorecard for one period: every measure's row, worked out from the data."""

    definition: Definition
    period: Period
    year: ReportingYear
    window: tuple[Period, ...]
    outturn_years: tuple[ReportingYear, ...]
    rows: tuple[MeasureRow, ...]
    available: tuple[Period, ...]  # every period the data holds, for the period picker
    # What a reader should be told about the period shown: most measures lack it, or Latest passed
    # over a later period that most lack (completeness); said once by a build or a refresh.
    warnings: tuple[str, ...] = ()

    def rows_in(self, section: Section) -> tuple[MeasureRow, ...]:
        return tuple(r for r in self.rows if r.measure.section == section.id)


@dataclass(frozen=True)
class Tally:
    """Counts of judgements across some rows (a section, or the whole scorecard)."""

    measures: int
    red: int
    amber: int
    green: int
    not_judged: int
    improving: int
    worsening: int


def tally(rows: Iterable[MeasureRow]) -> Tally:
    rags: Counter[str | None] = Counter()
    moves: Counter[str | None] = Counter()
    count = 0
    for row in rows:
        count += 1
        rags[row.rag] += 1
        moves[row.vs_previous.verdict if row.vs_previous else None] += 1
    return Tally(count, rags["R"], rags["A"], rags["G"], rags[None], moves["better"], moves["worse"])


def build_scorecard(definition: Definition, dataset: Dataset, period: Period | None = None) -> Scorecard:
    """Work out the scorecard for `period` (default: Latest, the latest month, or year, complete
    enough to show: see completeness)."""
    available = tuple(dataset.periods())
    judged = completeness(definition, dataset)
    picked = period is not None
    if period is None:
        period = latest_complete(judged)
        if period is None:
            raise dataset_problem(_sources(dataset), "no actual values: the data needs one month")
    elif period not in available:
        choices = f"{available[0].iso} to {available[-1].iso}" if available else "none"
        raise InputError.of(
            _sources(dataset),
            "",
            "period",
            period.iso,
            f"a {'year' if definition.yearly else 'month'} the data has values for ({choices})",
        )
    year = (
        period if isinstance(period, ReportingYear) else ReportingYear.of(period, definition.year_start_month)
    )
    window = tuple(period.shift(-i) for i in reversed(range(definition.periods_shown)))
    outturn_years = tuple(year.previous(n) for n in reversed(range(1, definition.outturn_years + 1)))
    rows = tuple(
        _row(definition, m, dataset.of(m.id), period, year, window, outturn_years)
        for m in definition.measures
    )
    warnings = tuple(completeness_warnings(judged, period, picked))
    return Scorecard(definition, period, year, window, outturn_years, rows, available, warnings)


def _sources(dataset: Dataset) -> str:
    return ", ".join(s.location for s in dataset.sources) or "data"


def _row(
    definition: Definition,
    measure: Measure,
    data: MeasureData,
    period: Period,
    year: ReportingYear,
    window: tuple[Period, ...],
    outturn_years: tuple[ReportingYear, ...],
) -> MeasureRow:
    ytd, provided = year_to_date(measure, data, period, definition.year_start_month)
    headline, kind = _headline_and_kind(definition, measure, data, period)
    comparators = tuple(_latest_yearly(data, c.id, year) for c in definition.comparators)
    year_target = _target(definition, measure, data, year, comparators)
    target = _judged_target(definition, measure, data, period, year, year_target)
    # A target for the year to date judges only a YTD (never one month standing in for it).
    judged = target.scope != TO_DATE or kind == "ytd"
    return MeasureRow(
        measure=measure,
        months=tuple(data.actual.get(p) if reports_in(measure, p) else None for p in window),
        ytd=ytd,
        ytd_provided=provided,
        headline=headline,
        target=target.value,
        rag=rag(measure, headline, target.value) if judged else None,
        vs_previous=_vs_previous(measure, data, period),
        vs_last_year=_vs_last_year(definition, measure, data, period, year, headline),
        comparators=comparators,
        positions=tuple(position(measure, headline, c) for c in comparators),
        outturns=tuple(_outturn(definition, measure, data, y) for y in outturn_years),
        benchmarks=tuple(data.notes.get(b.id, {}).get(period) for b in definition.benchmarks),
        spc=measure_spc(measure, data, period, _spc_target(measure, data, period, year, target, year_target)),
        judged_target=target,
        headline_kind=kind,
    )


def _outturn(
    definition: Definition, measure: Measure, data: MeasureData, year: ReportingYear
) -> Value | None:
    """A year's outturn: as given in the data; else, where the data holds that year's months, its
    YTD at the year's end worked out from them as this year's is (the year's sum, mean, latest or
    ratio of sums; none where a month is missing), so a definition with outturn columns does not
    show them empty beside the very months they sum."""
    given = data.yearly.get("outturn", {})
    if year in given or definition.yearly:
        return given.get(year)
    return year_to_date(measure, data, year.last_month, definition.year_start_month)[0]


def _judged_target(
    definition: Definition,
    measure: Measure,
    data: MeasureData,
    period: Period,
    year: ReportingYear,
    year_target: Value | None,
) -> JudgedTarget:
    """The year's target, or for a cumulative measure its share to date or for its latest period."""
    scope = target_scope(definition, measure)
    if scope == YEAR or not isinstance(period, Month):
        return JudgedTarget(year_target)
    found = latest_report(measure, data, period) if scope == PERIOD else None
    upto = found[0] if found and isinstance(found[0], Month) else period
    return judged_target(measure, data.monthly_targets, year_target, scope, year, upto)


def _spc_target(
    measure: Measure,
    data: MeasureData,
    period: Period,
    year: ReportingYear,
    target: JudgedTarget,
    year_target: Value | None,
) -> Value | None:
    """The target an SPC chart's points are assured against: one period's, like each point (for a
    cumulative measure, its share of the year's target for the period shown)."""
    if target.scope == YEAR or not isinstance(period, Month):
        return target.value
    return judged_target(measure, data.monthly_targets, year_target, PERIOD, year, period).value


def reports_in(measure: Measure, period: Period) -> bool:
    """Whether a measure reports in this period (every year does, in an annual scorecard)."""
    return measure.reports_in(period.month) if isinstance(period, Month) else True


def latest_report(measure: Measure, data: MeasureData, period: Period) -> tuple[Period, Value] | None:
    """The most recent reported value at or before `period` (quarterly measures look back)."""
    for back in range(LOOKBACK_MONTHS if measure.reporting_months else 1):
        earlier = period.shift(-back)
        if reports_in(measure, earlier) and earlier in data.actual:
            return earlier, data.actual[earlier]
    return None


def year_to_date(
    measure: Measure, data: MeasureData, period: Period, year_start_month: int
) -> tuple[Value | None, bool]:
    """The YTD at `period` and whether the data provided it (a provided YTD always wins)."""
    if not isinstance(period, Month):
        return None, False  # an annual scorecard's columns are whole years
    if period in data.ytd:  # given, or a ratio's worked out from its counts (ratios.py)
        return data.ytd[period], measure.ratio is None
    if measure.ytd in ("none", "provided", "ratio"):
        return None, False
    months = [
        m for m in ReportingYear.of(period, year_start_month).months_to(period) if measure.reports_in(m.month)
    ]
    if measure.ytd == "latest":
        found = latest_report(measure, data, period)
        return (found[1], False) if found and found[0] in months else (None, False)
    values = [data.actual.get(m) for m in months]
    numbers = [v for v in values if isinstance(v, float)]
    if not months or len(numbers) != len(months):
        return None, False  # a gap would understate the year: leave it blank
    total = sum(numbers)
    return (total if measure.ytd == "sum" else total / len(numbers)), False


def _headline_and_kind(
    definition: Definition, measure: Measure, data: MeasureData, period: Period
) -> tuple[Value | None, str]:
    """The judged figure and whether it is the "ytd" or the "latest" month's value."""
    if definition.headline == "ytd":
        ytd, _ = year_to_date(measure, data, period, definition.year_start_month)
        if ytd is not None and not (isinstance(ytd, Missing) and not ytd.token):
            return ytd, "ytd"
    found = latest_report(measure, data, period)
    return (found[1] if found else None), "latest"


def _latest_yearly(data: MeasureData, series: str, year: ReportingYear) -> Value | None:
    """A comparator applies to the year it names and later years, until a newer one is given."""
    by_year = data.yearly.get(series, {})
    candidates = [y for y in by_year if y <= year]
    return by_year[max(candidates)] if candidates else None


def _target(
    definition: Definition,
    measure: Measure,
    data: MeasureData,
    year: ReportingYear,
    comparators: tuple[Value | None, ...],
) -> Value | None:
    target = measure.target
    if target.kind == "fixed":
        return target.value
    if target.kind == "data":
        return data.yearly.get("target", {}).get(year)
    if target.kind == "comparator":
        ids = [c.id for c in definition.comparators]
        return comparators[ids.index(target.comparator)] if target.comparator in ids else None
    written = data.yearly.get("target", {}).get(year)
    return written if isinstance(written, Missing) else None  # "n/a" as the source wrote it


def _vs_previous(measure: Measure, data: MeasureData, period: Period) -> Direction | None:
    found = latest_report(measure, data, period)
    if found is None:
        return None
    earlier = latest_report(measure, data, found[0].shift(-1))
    return direction(measure, found[1], earlier[1]) if earlier else None


def _vs_last_year(
    definition: Definition,
    measure: Measure,
    data: MeasureData,
    period: Period,
    year: ReportingYear,
    headline: Value | None,
) -> Direction | None:
    """Like for like: the same kind of figure a year earlier, else last year's outturn where that is
    comparable (a year's total only at year end; never one month's flow against a year's)."""
    if not isinstance(period, Month):
        return None  # annual: "vs last period" already is last year
    _, kind = _headline_and_kind(definition, measure, data, period)
    a_year_ago, kind_then = _headline_and_kind(definition, measure, data, period.shift(-12))
    if isinstance(a_year_ago, float) and kind_then == kind:
        return direction(measure, headline, a_year_ago)
    is_flow = measure.ytd == "sum"
    if is_flow and not (kind == "ytd" and period == year.last_month):
        return None
    return direction(measure, headline, data.yearly.get("outturn", {}).get(year.previous()))
