"""Does a workbook that says it is published show a count it should have suppressed? The finding
`unsuppressed-count` for `check`.

A published copy (`build --publish N`) never holds a count from 1 to N: suppression runs on the
data before anything is laid out. A count there means the copy was edited, or refreshed with its
suppression lowered, so whatever the Cover says about how it was made, check reads the workbook's
record (workbook.reader) and looks at what it shows: every count of the Data table and of the
Scorecard's months and YTD. The threshold is the highest the Cover gives anywhere (Built with, the
Publication note), so editing one of them does not lower it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from scorecard_xl.a1 import a1
from scorecard_xl.data_table import MEASURE, SERIES, VALUE
from scorecard_xl.errors import InputError
from scorecard_xl.suppression import SERIES as SUPPRESSED_SERIES
from scorecard_xl.values import text_of
from scorecard_xl.workbook import fields
from scorecard_xl.workbook.reader import RecordReader, read_definition_text

Hit = tuple[str, str, str, float]  # sheet, cell, measure id, value


def unsuppressed_counts(path: Path) -> tuple[int, list[Hit]] | None:
    """The threshold a published workbook states and every count it shows at or under it; None
    for a workbook that is not a published scorecard-xl workbook (or whose record cannot be read:
    refresh and `check --accessibility` say why)."""
    from scorecard_xl.definition_reader import definition_from_text
    from scorecard_xl.snapshot import snapshot_from_file

    try:
        reader = RecordReader(snapshot_from_file(path))
        stated = [_threshold(reader)]
        if reader.has(fields.PUBLICATION):
            stated.append(reader.value(fields.PUBLICATION))
        threshold = max((n for n in stated if n is not None), default=None)
        if threshold is None:
            return None
        file_name, text = read_definition_text(reader)
        definition = definition_from_text(text, file_name, f"{reader.name}, Setup sheet")
    except InputError:
        return None
    counts = {m.id.upper() for m in definition.measures if m.unit.name == "count"}
    return threshold, [*_in_table(reader, counts, threshold), *_on_scorecard(reader, counts, threshold)]


def _threshold(reader: RecordReader) -> int | None:
    try:
        return reader.value(fields.OPTIONS).suppress_threshold
    except InputError:
        return None  # (an edited Built with: the Publication note still says)


def _small(value: object, threshold: int) -> bool:
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return number is not None and 0 < abs(number) <= threshold


def _in_table(reader: RecordReader, counts: set[str], threshold: int) -> Iterator[Hit]:
    sheet, header, first_col, _, last_col = reader.rect(fields.DATA_TABLE)
    values = reader.snapshot.sheet(sheet)
    for index in values.row_indexes(header + 1, values.last_row):
        row = values.row(index, first_col, last_col)
        measure = text_of(row[MEASURE]).upper()
        series = text_of(row[SERIES]).lower() or "actual"
        if measure in counts and series in SUPPRESSED_SERIES and _small(row[VALUE], threshold):
            yield sheet, a1(index, first_col + VALUE), measure, float(row[VALUE])  # type: ignore[arg-type]


def _on_scorecard(reader: RecordReader, counts: set[str], threshold: int) -> Iterator[Hit]:
    if not reader.has(fields.VALUES):
        return
    sheet, first, first_col, _, _ = reader.rect(fields.VALUES)
    refs = [text_of(row[0]).upper() for row in reader.rows(fields.REFS)]
    for offset, row in enumerate(reader.rows(fields.VALUES)):
        if 0 < offset < len(refs) and refs[offset] in counts:
            for col, value in enumerate(row):
                if _small(value, threshold):
                    yield sheet, a1(first + offset, first_col + col), refs[offset], float(value)  # type: ignore[arg-type]
