"""Does a workbook that says it is published show a count it should have suppressed? The finding
`unsuppressed-count` for `check`.

A published copy (`build --publish N`) never holds a count from 1 to N: suppression runs on the
data before anything is laid out. A count there means the copy was edited, or refreshed with its
suppression lowered, so whatever the Cover says about how it was made, check reads the workbook's
record (workbook.reader) and looks at what it shows: every count of the Data table and of the
Scorecard's months and YTD. The threshold is the highest the Cover gives anywhere (Built with, the
Publication note), so editing one of them does not lower it. A published copy made as a release
(no Setup sheet, no Built with: layout.release) says which measures are counts on its Definitions
sheet, and is judged at the default threshold if its note was edited.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from scorecard_xl.a1 import a1
from scorecard_xl.errors import InputError
from scorecard_xl.inputs.data_table import MEASURE, SERIES, VALUE
from scorecard_xl.inputs.units import UNITS
from scorecard_xl.inputs.values import text_of
from scorecard_xl.model.suppression import DEFAULT_THRESHOLD
from scorecard_xl.model.suppression import SERIES as SUPPRESSED_SERIES
from scorecard_xl.workbook import fields
from scorecard_xl.workbook.reader import RecordReader, read_definition_text

Hit = tuple[str, str, str, float]  # sheet, cell, measure id, value


def unsuppressed_counts(path: Path) -> tuple[int, list[Hit]] | None:
    """The threshold a published workbook states and every count it shows at or under it; None
    for a workbook that is not a published scorecard-xl workbook (or whose record cannot be read:
    refresh and `check --accessibility` say why)."""
    from scorecard_xl.workbook.snapshot import snapshot_from_file

    try:
        reader = RecordReader(snapshot_from_file(path))
        threshold = _threshold(reader)
        if threshold is None:
            return None
        counts = _counts(reader)
    except InputError:
        return None
    return threshold, [*_in_table(reader, counts, threshold), *_on_scorecard(reader, counts, threshold)]


def _threshold(reader: RecordReader) -> int | None:
    """The highest threshold the Cover states (Built with, the Publication note); for a published
    copy whose note was edited, the default: a release is judged whatever its Cover says."""
    stated = []
    if reader.has(fields.OPTIONS):
        with contextlib.suppress(InputError):  # (an edited Built with: the Publication note still says)
            stated.append(reader.value(fields.OPTIONS).publish)
    if reader.has(fields.PUBLICATION):
        try:
            noted: int | None = reader.value(fields.PUBLICATION)
        except InputError:
            noted = None
        if noted is None or noted < 1:  # edited: "counts from 1 to 0" is no threshold either
            noted = DEFAULT_THRESHOLD if reader.release else None
        stated.append(noted)
    return max((n for n in stated if n is not None), default=None)


def _counts(reader: RecordReader) -> set[str]:
    """The ids of the measures that are counts: from the definition on the Setup sheet, or, in a
    published copy (which carries none), from the Definitions table's Unit column."""
    if reader.has(fields.DEFINITION_TEXT):
        from scorecard_xl.inputs.definition_reader import definition_from_text

        file_name, text = read_definition_text(reader)
        definition = definition_from_text(text, file_name, f"{reader.name}, Setup sheet")
        return {m.id.upper() for m in definition.measures if m.unit.name == "count"}
    sheet, header, first_col, _, last_col = reader.rect(fields.DEFINITIONS)
    values = reader.snapshot.sheet(sheet)
    columns = [text_of(v) for v in values.row(header, first_col, last_col)]
    if "Ref" not in columns or "Unit" not in columns:
        raise InputError.of(
            reader.name, f"sheet '{sheet}'", "Definitions table", ", ".join(columns), "Ref, Unit"
        )
    ref, unit = columns.index("Ref"), columns.index("Unit")
    rows = (
        values.row(index, first_col, last_col) for index in values.row_indexes(header + 1, values.last_row)
    )
    return {text_of(row[ref]).upper() for row in rows if text_of(row[unit]) == UNITS["count"].label}


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
