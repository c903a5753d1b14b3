"""The Data table a workbook carries: every record of its data, tidy, so the workbook can be
refreshed from itself (moved, renamed, emailed, opened from OneDrive) with no files at all.

The first four columns are the tidy CSV's (measure, series, period, value), so rows copied from a
data file can be pasted under the table as they are; Title and Section follow for the reader and
are filled in by the next refresh. Written from a validated `Dataset` (after any suppression, so a
published copy never holds a suppressed number) and read back as `RawRecord`s that go through the
same validation as a file's. Numbers in the rows the table was written with are Excel's own: a
percentage is a fraction of any size (0.64 shows as 64%, 1.005 as 100.5%), whatever the
definition's `percent_input` says about text files. Rows added under it since (copied from a data
file) are read as that file's rows are: a bare 64 for a percentage is refused under "fraction"
and 64% under "points", never 6,400% taken silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from scorecard_xl.inputs.data import MONTHLY_SERIES, YEARLY_SERIES, Dataset
from scorecard_xl.inputs.definition import Definition
from scorecard_xl.inputs.sources import PASTED, TABLE, RawRecord
from scorecard_xl.inputs.units import Unit
from scorecard_xl.inputs.values import PERCENT_PASTED, Missing, Value, parse_value

COLUMNS = ("Measure", "Series", "Period", "Value", "Title", "Section")
MEASURE, SERIES, PERIOD, VALUE, TITLE, SECTION = range(len(COLUMNS))
TABLE_SOURCE = "Data table"

TableValue = float | str | None
TableRow = tuple[str, str, str, TableValue, str, str]


def table_rows(definition: Definition, dataset: Dataset) -> list[TableRow]:
    """Every value in `dataset` as a table row, by measure (definition order), series, period."""
    sections = {s.id: s.title for s in definition.sections}
    series_order = [
        *MONTHLY_SERIES,
        *YEARLY_SERIES,
        *(c.id for c in definition.comparators),
        *(b.id for b in definition.benchmarks),
    ]
    rows: list[TableRow] = []
    for measure in definition.measures:
        data = dataset.by_measure.get(measure.id)
        if data is None:
            continue
        head = (measure.id, measure.title, sections[measure.section])
        by_series: dict[str, list[tuple[str, TableValue]]] = {}
        if measure.ratio is None:  # a ratio's are worked out from its counts, which are here
            by_series["actual"] = [(p.iso, _cell(v)) for p, v in sorted(data.actual.items())]
            by_series["ytd"] = [(p.iso, _cell(v)) for p, v in sorted(data.ytd.items())]
        for series, values in data.yearly.items():
            by_series[series] = [(p.iso, _cell(v)) for p, v in sorted(values.items())]
        if data.monthly_targets:  # after the year's, if any
            monthly = [(p.iso, _cell(v)) for p, v in sorted(data.monthly_targets.items())]
            by_series.setdefault("target", []).extend(monthly)
        for series, notes in data.notes.items():
            by_series[series] = [(p.iso, text or None) for p, text in sorted(notes.items())]
        for series in series_order:
            for period, value in by_series.get(series, []):
                rows.append((head[0], series, period, value, head[1], head[2]))
    return rows


def _cell(value: float | Missing) -> TableValue:
    if isinstance(value, Missing):
        return value.token or None
    return value


def fingerprint(rows: Iterable[TableRow]) -> str:
    """A short hash of the data itself (not of the file it came from), so a workbook refreshed from
    its own table and one built from a file holding the same values say the same thing."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row[:4]).encode("utf-8"))
    return digest.hexdigest()[:12]


def records_from_rows(
    rows: Iterable[tuple[int, Sequence[object]]], source: str = TABLE_SOURCE, pasted_from: int | None = None
) -> list[RawRecord]:
    """The table's rows (below its header) as records; each comes with its 1-based sheet row, so
    messages point at the row the analyst sees (in `source`: "board.xlsx, Data table"). Entirely
    blank rows are skipped. Rows from sheet row `pasted_from` on were added since the table was
    written, and their bare percentages are read by the definition's `percent_input`."""
    records = []
    header = [c.lower() for c in COLUMNS[: VALUE + 1]]
    for number, row in rows:
        cells = [*row[: VALUE + 1], *([None] * (VALUE + 1 - len(row)))]
        measure = _text(cells[MEASURE])  # "" only for an empty or blank cell
        if not measure and all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        if measure.lower() == header[MEASURE] and [_text(c).lower() for c in cells] == header:
            continue  # a data file's header row, pasted along with its rows
        records.append(
            RawRecord(
                source,
                number,
                measure,
                _text(cells[SERIES]).lower() or "actual",
                _period_text(cells[PERIOD]),
                _value(cells[VALUE]),
                origin=TABLE if pasted_from is None or number < pasted_from else PASTED,
            )
        )
    return records


def pasted_percentages_over_100(definition: Definition, records: Iterable[RawRecord]) -> str | None:
    """One warning naming the rows pasted under the table whose bare number for a percentage was
    read as over 100% (Excel's 1.005 for 100.5%): right when the cell showed 100.5%, not when 1.005
    per cent was meant. None when there are none (or the definition reads bare numbers as points)."""
    if definition.percent_input != "fraction":
        return None
    over = []
    for record in records:
        if record.origin != PASTED or not definition.has_measure(record.measure):
            continue
        unit = definition.measure(record.measure).unit
        if unit.name != "percent" or (isinstance(record.value, str) and record.value.strip().endswith("%")):
            continue  # (with its % sign a percentage says what it means)
        try:
            value = parse_value(record.value, unit, PERCENT_PASTED)
        except ValueError:
            continue  # build_dataset refuses it, naming the row
        if isinstance(value, float) and abs(value) > 1:
            reading = f"{value:g} as {value * 100:,.10g}%"
            over.append(f"row {record.row} ({record.measure} {record.period}: {reading})")
    if not over:
        return None
    shown = ", ".join(over[:5]) + (f" and {len(over) - 5:,} more" if len(over) > 5 else "")
    return (
        f"{len(over):,} percentages pasted under the Data table were read as over 100%, as Excel holds "
        f"a pasted 100.5% (1.005): {shown}. If a number was meant as per cent, paste it with its % sign."
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id such as 101 that Excel stored as a number
    return str(value).strip()


def _period_text(value: object) -> str:
    """A period as the data writes it. Excel turns a typed or pasted 2023-04 into a date (the 1st
    of the month); a reporting year such as 2022-23 stays text."""
    if isinstance(value, (dt.datetime, dt.date)):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a calendar year typed as 2023
    return _text(value)


def _value(value: object) -> object:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()  # refused by validation with the value shown
    return value


def record_key(record: RawRecord) -> tuple[str, str, str]:
    return (record.measure.upper(), record.series.lower() or "actual", record.period.strip())


@dataclass(frozen=True)
class Merged:
    """The table's records with new ones folded in: later rows replace earlier ones with the same
    measure, series and period (a correction pasted at the bottom, or a file's newer figure)."""

    records: list[RawRecord]
    added: int  # values the table did not have
    revised: int  # values that replaced a different one
    unchanged: int  # values given again, the same as the table's


def merge_records(definition: Definition, base: Sequence[RawRecord], *newer: Sequence[RawRecord]) -> Merged:
    """Fold each sequence of records into `base` in turn; within one sequence a later row for the same
    key also replaces an earlier one, so rows pasted under the table can correct those above. A
    value given again counts as unchanged when `definition`'s build reads it the same (_same_reading)."""
    same = _same_reading(definition)
    merged: dict[tuple[str, str, str], RawRecord] = {}
    added = revised = unchanged = 0
    for number, batch in enumerate((base, *newer)):
        for record in batch:
            key = record_key(record)
            earlier = merged.get(key)
            merged[key] = record
            if number == 0 and earlier is None:
                continue  # the table as found
            if earlier is None:
                added += 1
            elif same(earlier, record):
                unchanged += 1
            else:
                revised += 1
    return Merged(list(merged.values()), added, revised, unchanged)


def _same_reading(definition: Definition) -> Callable[[RawRecord, RawRecord], bool]:
    """Whether two records of one measure, series and period give the same value as a build of
    `definition` reads them. 417 and 417.0, or a percentage as the Data table holds it (0.64)
    and as a file writes it (64%, or 64 read as points), are one value written two ways; a value
    a build does not read as a number (a band, a rank, a bad value) is compared as written."""
    benchmark_ids = {b.id for b in definition.benchmarks}

    def reading(record: RawRecord, unit: Unit) -> Value:
        return parse_value(record.value, unit, record.percent_input(definition.percent_input))

    def same(earlier: RawRecord, later: RawRecord) -> bool:
        if later.series not in benchmark_ids and definition.has_measure(later.measure):
            unit = definition.measure(later.measure).unit
            try:
                return reading(earlier, unit) == reading(later, unit)
            except ValueError:
                pass  # build_dataset reports it
        return _same_value(earlier.value, later.value)

    return same


def _same_value(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return _text(a) == _text(b)
