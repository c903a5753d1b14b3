"""Validated data: tidy records checked against a definition and indexed for the model.

Every problem in every record is reported at once, each naming the file, the row, the field, the
bad value and what would be accepted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from scorecard_xl.errors import InputError, ProblemList
from scorecard_xl.inputs.completeness import completeness, latest_complete
from scorecard_xl.inputs.definition import Definition, Measure
from scorecard_xl.inputs.periods import MONTH_ABBR, Month, Period, ReportingYear, parse_period, period_format
from scorecard_xl.inputs.ratios import ratio_values, ratio_ytd
from scorecard_xl.inputs.sources import RawRecord, SourceInfo
from scorecard_xl.inputs.text_rules import text_problem
from scorecard_xl.inputs.values import Missing, Value, parse_value, text_of

MONTHLY_SERIES = ("actual", "ytd")
ID_HINT_LIMIT = 100  # longer unknown ids get no "did you mean": measure ids are at most 64 characters
YEARLY_SERIES = ("target", "outturn")


@dataclass
class MeasureData:
    """Everything the data says about one measure."""

    actual: dict[Period, Value] = field(default_factory=dict)  # months, or years for an annual scorecard
    ytd: dict[Month, Value] = field(default_factory=dict)
    yearly: dict[str, dict[ReportingYear, Value]] = field(default_factory=dict)  # by series
    # A cumulative measure's targets given per month (its year-to-date target is their sum so far).
    monthly_targets: dict[Month, Value] = field(default_factory=dict)
    notes: dict[str, dict[Period, str]] = field(default_factory=dict)  # benchmark text, by benchmark id


@dataclass
class Dataset:
    """All values for one definition, indexed by measure, series and period."""

    by_measure: dict[str, MeasureData]
    sources: tuple[SourceInfo, ...]

    def of(self, measure_id: str) -> MeasureData:
        return self.by_measure.get(measure_id) or MeasureData()

    def periods(self) -> list[Period]:
        """Every period with at least one actual value, oldest first (the periods to choose from)."""
        found = {  # an empty cell (a blank Missing) is no value
            p
            for d in self.by_measure.values()
            for p, v in d.actual.items()
            if type(v) is not Missing or v.token
        }
        return sorted(found)  # one kind of period per dataset

    def latest_period(self, definition: Definition) -> Period | None:
        """The latest period complete enough to show: what "Latest" shows (see completeness)."""
        return latest_complete(completeness(definition, self))


def build_dataset(
    definition: Definition, records: Iterable[RawRecord], sources: Iterable[SourceInfo]
) -> Dataset:
    """Validate raw records against `definition`; raise InputError listing every problem."""
    problems = ProblemList()
    benchmark_ids = tuple(b.id for b in definition.benchmarks)
    series_names = (
        MONTHLY_SERIES + YEARLY_SERIES + tuple(c.id for c in definition.comparators) + benchmark_ids
    )
    by_measure: dict[str, MeasureData] = {}
    first_seen: dict[tuple[str, str, object], RawRecord] = {}
    repeats: dict[tuple[str, str], list[tuple[RawRecord, RawRecord]]] = {}  # (source, earlier source)
    measures = {m.id: m for m in definition.measures}
    periods: dict[tuple[bool, str], Period] = {}  # every period text is parsed once, not per record
    hints: dict[str, str] = {}  # unknown id -> what to say: a million rows may repeat a few ids
    for record in records:
        measure_or_none = measures.get(record.measure)
        if measure_or_none is None:
            hint = hints.get(record.measure)
            if hint is None:
                hint = _unknown_measure(definition, record.measure, problems.full)
                if len(hints) < ProblemList.KEPT:
                    hints[record.measure] = hint
            problems.add(record.source, f"row {record.row}", "measure", record.measure or None, hint)
            continue
        measure = measure_or_none
        where = f"row {record.row} (measure {measure.id})"
        if record.series not in series_names:
            problems.add(record.source, where, "series", record.series, "one of " + ", ".join(series_names))
            continue
        by_period = record.series in MONTHLY_SERIES or record.series in benchmark_ids
        period = periods.get((by_period, record.period))
        if period is None:
            period = _period(record, by_period, definition, problems, where)
            if period is not None:
                periods[(by_period, record.period)] = period
        try:
            value = (
                Missing("")  # benchmark text (a band, a rank) is kept as written, below
                if record.series in benchmark_ids
                else parse_value(
                    record.value,
                    measure.unit,
                    record.percent_input(definition.percent_input),
                )
            )
        except ValueError as error:
            problems.add(record.source, where, "value", record.value, str(error))
            continue
        if period is None:
            continue
        key = (measure.id, record.series, period)
        if key in first_seen:
            repeats.setdefault((record.source, first_seen[key].source), []).append((record, first_seen[key]))
            continue
        first_seen[key] = record
        if not _allowed(record, measure, period, value, definition, problems, where):
            continue
        data = by_measure.setdefault(measure.id, MeasureData())
        if record.series in benchmark_ids:
            note = text_of(record.value)  # shown as written (a band, a rank): so it must be showable
            wrong = text_problem(note) if note else None
            if wrong:
                problems.add(record.source, where, "value", record.value, wrong)
                continue
            data.notes.setdefault(record.series, {})[period] = note
        elif record.series == "actual":
            data.actual[period] = value
        elif record.series == "ytd" and isinstance(period, Month):
            data.ytd[period] = value
        elif record.series == "target" and isinstance(period, Month):
            data.monthly_targets[period] = value
        elif isinstance(period, ReportingYear):  # targets, outturns and comparators are by year
            data.yearly.setdefault(record.series, {})[period] = value
    _report_repeats(repeats, problems)
    problems.raise_if_any()
    for measure in definition.measures:
        if measure.ratio is not None:
            _work_out_ratio(measure, by_measure, definition.year_start_month)
    return Dataset(by_measure, tuple(sources))


def _work_out_ratio(measure: Measure, by_measure: dict[str, MeasureData], year_start_month: int) -> None:
    """A ratio measure's actual and ytd series, from its counts (ratios.py)."""
    assert measure.ratio is not None
    numerators = by_measure.get(measure.ratio.numerator, MeasureData()).actual
    denominators = by_measure.get(measure.ratio.denominator, MeasureData()).actual
    actual = ratio_values(measure.ratio, numerators, denominators)
    if not actual:
        return
    data = by_measure.setdefault(measure.id, MeasureData())
    data.actual = actual
    data.ytd = ratio_ytd(measure, numerators, denominators, year_start_month)


REPEATS_LISTED = 5  # more values given twice than this between two sources are summarised


def _report_repeats(
    repeats: dict[tuple[str, str], list[tuple[RawRecord, RawRecord]]], problems: ProblemList
) -> None:
    """One problem per value given twice; but a file given twice (or two overlapping extracts)
    repeats every row, so past a handful one line says how many and shows the first."""
    for (source, earlier_source), pairs in repeats.items():
        shown = pairs if len(pairs) <= REPEATS_LISTED else pairs[:1]
        for record, earlier in shown:
            problems.add(
                record.source,
                f"row {record.row} (measure {record.measure})",
                "period",
                record.period,
                f"one {record.series} value per period; {record.measure} {record.series} "
                f"{record.period} is also on row {earlier.row} of {earlier.source}",
            )
        if len(pairs) > REPEATS_LISTED:
            last = pairs[-1][0]
            again = "the same file given twice?" if source == earlier_source else "the same data given twice?"
            problems.add(
                source,
                f"rows {pairs[0][0].row} to {last.row}",
                "",
                None,
                f"{len(pairs):,} values in all are given again, already given in {earlier_source} "
                f"(the first is above); one value per measure, series and period: {again}",
            )


def _unknown_measure(definition: Definition, measure_id: str, brief: bool = False) -> str:
    if not measure_id:
        return "a measure id from the definition"
    if brief or len(measure_id) > ID_HINT_LIMIT:  # not shown, or no id is like it: skip difflib
        return f"a measure id defined in {definition.source}"
    ids = {m.id.upper(): m.id for m in definition.measures}
    import difflib  # only for a message: every build would pay for the import

    close = difflib.get_close_matches(measure_id.upper(), list(ids), n=1)
    hint = f" (did you mean {ids[close[0]]}?)" if close else ""
    return f"a measure id defined in {definition.source}{hint}"


def _period(
    record: RawRecord, by_period: bool, definition: Definition, problems: ProblemList, where: str
) -> Month | ReportingYear | None:
    """The record's period: a month (or an annual scorecard's year) for actual, ytd and benchmark
    series (`by_period`), else a reporting year."""
    try:
        if by_period:
            return parse_period(record.period, definition.yearly, definition.year_start_month)
        return ReportingYear.parse(record.period, definition.year_start_month)
    except ValueError:
        pass
    if record.series == "target" and not definition.yearly:
        try:  # a cumulative measure's target for one month (_allowed says which measures take one)
            return Month.parse(record.period)
        except ValueError:
            pass
    if by_period:
        written = period_format(definition.yearly, definition.year_start_month)
        expected = f"{written} for the {record.series} series"
    elif definition.year_start_month == 1:
        expected = f"a year YYYY such as 2023 for the {record.series} series"
    else:
        expected = f"a reporting year YYYY-YY such as 2022-23 for the {record.series} series"
    if record.series == "target" and not definition.yearly:
        expected += " (or a month YYYY-MM: a cumulative measure's target for that month)"
    problems.add(record.source, where, "period", record.period or None, expected)
    return None


def _allowed(
    record: RawRecord,
    measure: Measure,
    period: object,
    value: Value,
    definition: Definition,
    problems: ProblemList,
    where: str,
) -> bool:
    """Check that the definition expects this kind of record for this measure."""
    by_month = record.series in MONTHLY_SERIES or record.series == "target"  # (a target may be by month)
    if by_month and isinstance(period, Month) and not measure.reports_in(period.month):
        months = ", ".join(MONTH_ABBR[m - 1] for m in measure.reporting_months)
        problems.add(
            record.source,
            where,
            "period",
            record.period,
            f"a month {measure.id} reports in: it is {measure.frequency} ({months})",
        )
        return False
    if record.series == "target" and isinstance(period, Month):
        return _monthly_target_allowed(record, measure, period, definition, problems, where)
    if record.series == "target" and measure.target.kind == "none" and isinstance(value, Missing):
        return True  # "n/a" in the target column of a for-information measure: shown as written
    if record.series == "target" and measure.target.kind != "data":
        problems.add(
            record.source,
            where,
            "series",
            "target",
            f"no target records: {measure.id} has target = "
            f'{_describe_target_kind(measure)} in {definition.source} (set target = "data" '
            "to take targets from the data)",
        )
        return False
    if record.series in MONTHLY_SERIES and measure.ratio is not None:
        problems.add(
            record.source,
            where,
            "series",
            record.series,
            f"no {record.series} records: {measure.id} is worked out from {measure.ratio.numerator} and "
            f"{measure.ratio.denominator} ({measure.ratio.describe()}) in {definition.source}; give "
            "their counts instead (target, outturn and comparator records are fine)",
        )
        return False
    if record.series == "ytd" and measure.ytd == "none":
        problems.add(
            record.source,
            where,
            "series",
            "ytd",
            f'no YTD records: {measure.id} has ytd = "none" in {definition.source}',
        )
        return False
    return True


def _monthly_target_allowed(
    record: RawRecord,
    measure: Measure,
    month: Month,
    definition: Definition,
    problems: ProblemList,
    where: str,
) -> bool:
    """A target for one month: only a cumulative measure's (ytd = "sum") whose target is "data"
    (its year-to-date target is their sum: ytd_target)."""
    if measure.ytd != "sum" or measure.target.kind != "data":
        problems.add(
            record.source,
            where,
            "period",
            record.period,
            f"a reporting year such as {ReportingYear.of(month, definition.year_start_month).label}: "
            f'targets by month are for cumulative measures (ytd = "sum", target = "data"); '
            f'{measure.id} has ytd = "{measure.ytd}" and target = {_describe_target_kind(measure)} '
            f"in {definition.source}",
        )
        return False
    return True


def _describe_target_kind(measure: Measure) -> str:
    target = measure.target
    if target.kind == "fixed":
        return repr(target.value)
    return f'"{target.comparator or target.kind}"'


def dataset_problem(source: str, message: str) -> InputError:
    """An error about the data as a whole (for example: no month to build)."""
    return InputError.of(source, "", "", None, message)
