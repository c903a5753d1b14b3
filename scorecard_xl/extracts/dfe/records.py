"""One local authority's tidy records from the DfE files, behind the same interface as the
other sources (`read_dfe`)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from scorecard_xl.errors import InputError, Problem
from scorecard_xl.extracts.dfe.lait import SN_METHODS, benchmark, polarity_of
from scorecard_xl.extracts.dfe.measures import UNITS, DfeMeasure
from scorecard_xl.extracts.dfe.neighbours import SN_MODEL_FILE, StatNeighbours, la_hint, load_sn_model
from scorecard_xl.extracts.dfe.tables import Cell, DfeTable, derived_rate, existing_file, load_dfe_table
from scorecard_xl.inputs.definition_reader import POLARITIES
from scorecard_xl.inputs.periods import ReportingYear
from scorecard_xl.inputs.sources import RawRecord, SourceInfo

LA_VALUE_AS = ("actual", "actual_month", "outturn")


def reporting_year(time_period: int, period_end_month: int = 3, year_start_month: int = 4) -> ReportingYear:
    """The reporting year containing the end of a DfE period: 2025 (to 31 March) -> 2024-25."""
    start = time_period if period_end_month >= year_start_month else time_period - 1
    return ReportingYear(start, year_start_month)


def read_dfe(
    folder: str | Path,
    la_code: str,
    measures: Sequence[DfeMeasure],
    *,
    sn_model: str | Path = SN_MODEL_FILE,
    sn_method: str = "mean",
    year_start_month: int = 4,
    la_value_as: str = "actual",
    comparators: Sequence[str] = ("sn", "region", "england"),
    benchmarks: bool = True,
    rank_style: str = "text",
    tables: dict[tuple[str, str, tuple[tuple[str, str], ...]], DfeTable] | None = None,
) -> tuple[list[RawRecord], SourceInfo]:
    """Tidy records for LA `la_code` (an old_la_code such as "940") and each measure.

    Pass the same `tables` dict to calls for many LAs and each file is read once.

    Per measure and per year in which the LA has a row:

    - the LA's value, by `la_value_as`: series `actual` with the reporting year as period
      ("2024-25"), series `actual` with the month the DfE period ends ("2025-03", for a scorecard
      that holds annual measures as actuals in their reporting month), or series `outturn` with
      the reporting year (for a monthly scorecard that shows the published year as outturn);
    - the comparators named in `comparators`, each with the reporting year as period: `sn` (mean
      or median of the statistical neighbours, `sn_method`), `region` and `england`;
    - when `benchmarks` and the measure has a polarity, for the latest year only (as LAIT): series
      `band`, text "A" to "D" (A = the best quarter), and series `rank`. With `rank_style="text"`
      (the default) the rank is one text value "125 of 153" (1 = best; "of" counts the LAs with a
      number that year), because a reader needs both numbers and a benchmark column of the
      definition (`[[benchmarks]]`, kind "quartile" for the band, "text" for the rank) shows text
      as written. With `rank_style="number"` it is the whole number 125 in `rank` and 153 in a
      third series `rank_of`, for sorting or charting. Where the LA's own value is a symbol, the
      band and rank are that symbol. Their period is the same as the LA value's: the reporting
      year for `la_value_as="actual"` (an annual scorecard), else the month the DfE period ends,
      since a monthly scorecard's benchmark columns are keyed by month.

    Values: numbers as published; a percent measure's value is written as text with a % sign
    ("22.6%"), which `scorecard_xl.inputs.values.parse_value` reads as 0.226 whatever the definition's
    percent_input; symbols as lower-case text. Means are rounded to 10 decimal places only to
    drop float noise (20.840000000000003).

    SourceInfo: kind "dfe", the folder as location, and the SHA-256 of the sorted list of
    (file name, SHA-256 of its bytes) for every file read, the SN model included.

    Raise InputError when the LA is not in the SN model or has no row in any measure's file, for
    an unknown option, and for any problem reading a file.
    """
    folder = Path(folder)
    _check_options(la_code, measures, sn_method, year_start_month, la_value_as, comparators, rank_style)
    sn_path = Path(sn_model) if Path(sn_model).is_absolute() else folder / sn_model
    model = load_sn_model(existing_file(sn_path))
    model.of(la_code)  # an LA outside the model is an error before any file is read
    cache = tables if tables is not None else {}

    def table(file: str, column: str, filters: tuple[tuple[str, str], ...]) -> DfeTable:
        key = (file, column, filters)
        if key not in cache:
            cache[key] = load_dfe_table(existing_file(folder / file), column, filters)
        return cache[key]

    records: list[RawRecord] = []
    files: dict[str, str] = {model.source: model.sha256}
    problems: list[Problem] = []
    for spec in measures:
        data = table(spec.file, spec.column, spec.filters)
        if spec.rate is not None:
            data = derived_rate(
                data,
                table(spec.rate.file, spec.rate.column, spec.rate.filters),
                spec.rate.per,
                spec.rate.year_offset,
            )
        files.update(dict(data.files))
        years = data.la_years(la_code)
        if not years:
            problems.append(
                Problem(
                    data.source, f"measure {spec.measure}", "old_la_code", la_code, la_hint(la_code, model)
                )
            )
            continue
        records.extend(
            _measure_records(
                data,
                spec,
                la_code,
                model,
                years,
                sn_method,
                year_start_month,
                la_value_as,
                comparators,
                benchmarks,
                rank_style,
            )
        )
    if problems:
        raise InputError(problems)
    digest = hashlib.sha256(
        "".join(f"{name}\t{sha}\n" for name, sha in sorted(files.items())).encode("utf-8")
    ).hexdigest()
    return records, SourceInfo("dfe", str(folder), digest)


def _measure_records(
    data: DfeTable,
    spec: DfeMeasure,
    la_code: str,
    model: StatNeighbours,
    years: list[int],
    sn_method: str,
    year_start_month: int,
    la_value_as: str,
    comparators: Sequence[str],
    benchmarks: bool,
    rank_style: str,
) -> list[RawRecord]:
    records: list[RawRecord] = []
    source = data.source
    latest = data.latest_year()
    for year in years:
        result = benchmark(data, la_code, model, spec.polarity, year, sn_method)
        row = data.la(la_code, year)
        line = row.line if row else 0
        label = reporting_year(year, spec.period_end_month, year_start_month).label

        def add(series: str, period: str, value: object, line: int = line) -> None:
            records.append(RawRecord(source, line, spec.measure, series, period, value))

        end_month = f"{year:04d}-{spec.period_end_month:02d}"
        if la_value_as == "actual_month":
            add("actual", end_month, _out(result.value, spec.unit))
        else:
            add(la_value_as, label, _out(result.value, spec.unit))
        for comparator in comparators:
            figure = {"sn": result.sn, "region": result.region, "england": result.england}[comparator]
            add(comparator, label, _out(figure, spec.unit))
        if benchmarks and year == latest and polarity_of(spec.polarity) != "none":
            period = label if la_value_as == "actual" else end_month
            series = ("band", "rank") if rank_style == "text" else ("band", "rank", "rank_of")
            if not isinstance(result.value, float):
                for name in series:
                    add(name, period, result.value)
            elif rank_style == "text":
                add("band", period, result.band)
                add("rank", period, f"{result.rank} of {result.rank_of}")
            else:
                add("band", period, result.band)
                add("rank", period, result.rank)
                add("rank_of", period, result.rank_of)
    return records


def _out(value: Cell, unit: str) -> object:
    """A value for a RawRecord: percent points as "22.6%", other numbers as floats, symbols as text."""
    if not isinstance(value, float):
        return value
    value = round(value, 10)  # means carry float noise (23.409999999999997); no published figure does
    if unit == "percent":
        return f"{value!r}%"
    return value


def _check_options(
    la_code: str,
    measures: Sequence[DfeMeasure],
    sn_method: str,
    year_start_month: int,
    la_value_as: str,
    comparators: Sequence[str],
    rank_style: str,
) -> None:
    problems: list[Problem] = []
    where = "read_dfe"
    if not la_code.strip().isdigit():
        problems.append(Problem(where, "", "la_code", la_code, "a three-digit old_la_code such as 940"))
    if sn_method not in SN_METHODS:
        problems.append(Problem(where, "", "sn_method", sn_method, " or ".join(SN_METHODS)))
    if la_value_as not in LA_VALUE_AS:
        problems.append(Problem(where, "", "la_value_as", la_value_as, ", ".join(LA_VALUE_AS)))
    if rank_style not in ("text", "number"):
        problems.append(Problem(where, "", "rank_style", rank_style, '"text" or "number"'))
    if not 1 <= year_start_month <= 12:
        problems.append(Problem(where, "", "year_start_month", year_start_month, "a month number 1 to 12"))
    for comparator in comparators:
        if comparator not in ("sn", "region", "england"):
            problems.append(Problem(where, "", "comparators", comparator, "sn, region, england"))
    seen: set[str] = set()
    for spec in measures:
        at = f"measure {spec.measure}"
        if spec.measure in seen:
            problems.append(Problem(where, at, "measure", spec.measure, "each measure once"))
        seen.add(spec.measure)
        if spec.polarity.strip().lower() not in (*POLARITIES, "-"):
            problems.append(Problem(where, at, "polarity", spec.polarity, "high, low or none"))
        if spec.unit not in UNITS:
            problems.append(Problem(where, at, "unit", spec.unit, ", ".join(UNITS)))
        if not 1 <= spec.period_end_month <= 12:
            problems.append(Problem(where, at, "period_end_month", spec.period_end_month, "a month 1 to 12"))
    if not measures:
        problems.append(Problem(where, "", "measures", None, "at least one DfeMeasure"))
    if problems:
        raise InputError(problems)
