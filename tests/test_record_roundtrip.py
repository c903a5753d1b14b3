"""The workbook record's property: any record written to cells (through each field's encoder, by the
real writer) and read back (by the one reader) comes out equal; and reading a record's cells,
however they are edited, raises nothing but InputError.

The record is laid out small here, every field at a place of its own on the sheet the field
declares: the reader finds each by its defined name, as it does in a built workbook.
"""

from __future__ import annotations

import dataclasses
import io
import string
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorecard_xl.errors import InputError
from scorecard_xl.inputs.data_table import COLUMNS
from scorecard_xl.inputs.options import Options
from scorecard_xl.inputs.text_rules import MARKING_LIMIT, ORGANISATION_LIMIT, text_problem
from scorecard_xl.layout import record as layout_record
from scorecard_xl.layout.sheet import SheetLayout, WorkbookLayout
from scorecard_xl.workbook import fields
from scorecard_xl.workbook.fields import Field
from scorecard_xl.workbook.reader import WorkbookRecord, read_record
from scorecard_xl.workbook.snapshot import snapshot_from_bytes
from scorecard_xl.write.xlsx import write_workbook
from tests.hostile_workbooks import edited, set_named

SHEETS = (fields.COVER, fields.SUMMARY, fields.SCORECARD, fields.DATA_SHEET, fields.SETUP)
PRINTABLE = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))


def plain_text(max_size: int) -> st.SearchStrategy[str]:
    """Text a person types into a cell: printable, no spaces around it (a reader strips them)."""
    return st.text(PRINTABLE, max_size=max_size).map(str.strip)


def header_text(limit: int) -> st.SearchStrategy[str]:
    return plain_text(limit).filter(lambda t: bool(t) and text_problem(t, limit, in_header=True) is None)


options_strategy = st.builds(
    Options,
    marking=st.none() | header_text(MARKING_LIMIT),
    organisation=st.none() | header_text(ORGANISATION_LIMIT),
    publish=st.none() | st.integers(1, 1_000_000),
    protect_password=st.sampled_from([None, ""]),
    viewer=st.sampled_from(["excel", "libreoffice"]),
)
file_name = (
    st.text(string.ascii_letters + string.digits + "_- ", min_size=1, max_size=20).map(str.strip).filter(bool)
)
data_name = st.lists(file_name, min_size=1, max_size=3).map(lambda parts: "/".join(parts) + ".csv")
period = st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2000, 2099), st.integers(1, 12))
measure_id = st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=8).filter(
    lambda m: not m.isdigit()
)
definition_line = st.text(PRINTABLE | st.just("\t"), max_size=60).map(str.rstrip)
table_value = st.none() | st.integers(-(10**9), 10**9) | st.sampled_from(["n/a", "c", "-", "[x]"])
size = st.integers(1, 25_500).map(lambda n: n / 100)


@st.composite
def records(draw: st.DrawFn) -> WorkbookRecord:
    options = draw(options_strategy)
    measures = draw(st.lists(measure_id, min_size=1, max_size=6, unique=True))
    lines = draw(st.lists(definition_line, max_size=12))
    while lines and not lines[-1].strip():
        lines.pop()
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(measures), st.sampled_from(["actual", "ytd", "target"]), period, table_value
            ),
            max_size=10,
        )
    )
    return WorkbookRecord(
        name="record.xlsx",
        folder=None,
        version=fields.RECORD_VERSION,
        options=options,
        definition_location=draw(plain_text(200)),
        data_files=tuple(draw(st.lists(data_name, max_size=4))),
        shown=draw(period),
        picked=draw(st.just("") | period),
        signature=draw(st.text("0123456789abcdef", min_size=16, max_size=16)),
        names={},
        measures=tuple(measures),
        showing=frozenset(draw(st.sets(st.sampled_from(measures)))),
        commentary={m: c for m in measures if (c := draw(plain_text(300)))},
        definition_file=draw(st.sampled_from(["card.toml", "definition.yaml", "board.yml"])),
        definition_text="\n".join(lines) + "\n",
        table_rows=tuple(
            (row_number, (m, s, p, v, f"{m} title", "Section"))
            for row_number, (m, s, p, v) in enumerate(rows, start=3)
        ),
        table_span=len(rows),
        geometry={
            sheet: (
                draw(st.dictionaries(st.integers(0, 30), size, max_size=4)),
                draw(st.dictionaries(st.integers(0, 60), size.filter(lambda h: h <= 409), max_size=4)),
            )
            for sheet in SHEETS
        },
        values_before=draw(st.none() | st.integers(0, 10**7)),
    )


def written(record: WorkbookRecord) -> bytes:
    """The record in cells, through each field's encoder, written by the real writer."""
    sheets = {name: SheetLayout(name) for name in SHEETS}

    def put(
        field: Field[object], row: int, col: int, value: object, last: tuple[int, int] | None = None
    ) -> None:
        sheet = sheets[field.sheet]
        sheet.put(row, col, field.encode(value), "text", "@")
        sheet.mark(field.name, row, col, *(last or (row, col)))

    options = record.options
    put(fields.TITLE, 0, 0, "Title")
    put(fields.ORGANISATION, 1, 0, options.organisation or "Organisation")
    put(fields.PERIOD_TEXT, 2, 0, "March 2023 (year 2022-23)")
    put(fields.MARKING, 3, 0, options.marking or "OFFICIAL")
    put(fields.OPTIONS, 5, 1, options)
    if options.publish is not None:
        put(fields.PUBLICATION, 6, 1, options.publish)
    put(fields.DEFINITION, 7, 1, record.definition_location)
    put(fields.DATA, 8, 1, record.data_files)
    put(
        fields.DATA_STATUS,
        9,
        1,
        fields.status_text(record.values_before, "abc", "now") if record.values_before is not None else "",
    )
    put(fields.SHOWN, 10, 1, record.shown)
    put(fields.PICKER, 11, 1, record.picked)
    put(fields.SIGNATURE, 12, 1, record.signature)
    put(fields.RECORD, 13, 1, record.version)
    # The Scorecard: a header row, then each measure's row (Ref, Measure), values and commentary.
    card = sheets[fields.SCORECARD]
    last = len(record.measures)
    for offset, measure in enumerate(record.measures, start=1):
        card.put(offset, 0, measure, "text", "@")
        card.put(offset, 1, f"{measure} title", "text", "@")
        card.put(offset, 2, 1.5 if measure in record.showing else "n/a", "text")
        card.put(offset, 5, record.commentary.get(measure) or None, "text", "@")
    for col, heading in enumerate(("Ref", "Measure", "Mar 23", "", "", "Commentary")):
        card.put(0, col, heading or None, "text")
    card.mark(fields.GRID.name, 0, 0, last, 4)
    card.mark(fields.REFS.name, 0, 0, last, 1)
    card.mark(fields.VALUES.name, 0, 2, last, 2)
    card.mark(fields.COMMENTARY.name, 0, 5, last, 5)
    # The Data table: its header, then its rows at the sheet rows they came from.
    data = sheets[fields.DATA_SHEET]
    for col, heading in enumerate(COLUMNS):
        data.put(1, col, heading, "text", "@")
    data.mark(fields.DATA_TABLE.name, 1, 0, 1, len(COLUMNS) - 1)
    for row_number, cells in record.table_rows:
        for col, value in enumerate(cells):
            data.put(row_number - 1, col, value, "text", "@" if isinstance(value, str) else None)
    # The Setup sheet: the definition's file name, its lines below; the geometry beside them.
    setup = sheets[fields.SETUP]
    setup.put(0, 1, record.definition_file, "text", "@")
    setup.mark(fields.DEFINITION_TEXT.name, 0, 1)
    for number, line in enumerate(fields.definition_lines(record.definition_text), start=1):
        setup.put(number, 1, fields.escape_line(line) or None, "text", "@")
    for offset, (name, (widths, heights)) in enumerate(record.geometry.items()):
        setup.put(offset, 3, name, "text", "@")
        setup.put(offset, 4, fields.geometry_text(widths, heights), "text", "@")
    setup.mark(fields.GEOMETRY.name, 0, 4, len(record.geometry) - 1, 4)
    layout = WorkbookLayout(
        sheets=list(sheets.values()),
        properties={},
        custom_properties={},
        defined_names=layout_record.record_names(list(sheets.values())),
        active_sheet=fields.COVER,
        signature=record.signature,
    )
    return write_workbook(layout)


def assert_reads_back(record: WorkbookRecord) -> None:
    read = read_record(snapshot_from_bytes(written(record), record.name))
    assert dataclasses.replace(read, names={}) == record


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_any_record_written_reads_back_equal(record: WorkbookRecord) -> None:
    assert_reads_back(record)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records(),
    st.sampled_from([f for f in fields.FIELDS if f.shape == fields.CELL]),
    st.none() | st.text(max_size=40) | st.integers() | st.floats() | st.booleans(),
)
def test_a_record_cell_edited_any_way_reads_or_is_refused_by_name(
    record: WorkbookRecord, field: Field[object], value: object
) -> None:
    book = written(record)
    if f'name="{field.name}"' not in zipfile.ZipFile(io.BytesIO(book)).read("xl/workbook.xml").decode():
        return  # (a field this record does not have: the publication note of an unpublished one)
    changed = edited(book, set_named(field.name, value))
    try:
        read_record(snapshot_from_bytes(changed, record.name))
    except InputError as error:
        assert "record.xlsx" in str(error)


def test_the_roundtrip_catches_an_encoder_that_loses_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    # What the property guards: "Built with" written without the marking reads back without it.
    encode = fields.OPTIONS.encode

    def forgetful(options: Options) -> fields.CellText:
        return encode(dataclasses.replace(options, marking=None))

    record = WorkbookRecord(
        "record.xlsx", None, fields.RECORD_VERSION, Options(marking="OFFICIAL-SENSITIVE"), "", (),
        "2023-03", "", "0" * 16, {}, ("M1",), definition_file="card.toml", definition_text="x = 1\n",
        geometry={s: ({}, {}) for s in SHEETS},
    )  # fmt: skip
    assert_reads_back(record)
    monkeypatch.setattr(fields, "OPTIONS", dataclasses.replace(fields.OPTIONS, encode=forgetful))
    with pytest.raises(AssertionError):
        assert_reads_back(record)
