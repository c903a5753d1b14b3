"""Every value a build accepts comes back unchanged through the workbook's Data table: written as
its rows (data_table.table_rows), read back as a refresh reads them (records_from_rows, then
build_dataset), for every unit, both percent_input settings and every way a value can be written
(numbers, text with a % sign or thousands separators, the missing-value tokens in any case, the
GSS shorthand such as [c]). And folding the data file in again changes nothing: a refresh that
finds the file it was built from reports no revised values.

A fill rate of 100.5% once built, and then could not be refreshed from the workbook: its table held
1.005, which the percent check (meant for 64 written as a fraction) refused."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scorecard_xl.generate.loading import Inputs
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.generate.sequence import build
from scorecard_xl.inputs.data import Dataset, build_dataset
from scorecard_xl.inputs.data_table import merge_records, records_from_rows, table_rows
from scorecard_xl.inputs.definition import Definition
from scorecard_xl.inputs.definition_reader import parse_definition
from scorecard_xl.inputs.sources import RawRecord, SourceInfo
from scorecard_xl.inputs.units import UNITS
from scorecard_xl.inputs.values import MISSING_TOKENS, NUMBER_LIMIT, SHORTHAND_TOKENS, parse_value
from scorecard_xl.refresh.without_excel import refresh_file
from scorecard_xl.workbook.reader import read_record
from scorecard_xl.workbook.snapshot import snapshot_from_file
from scorecard_xl.write.xlsx import write_workbook

SOURCE = SourceInfo("csv", "data.csv", "0" * 64)
WHEN = dt.datetime(2023, 4, 12, 9, 30, tzinfo=dt.timezone.utc)
# Where each series' values go: the months of the actual and ytd series, a year for the others.
SLOTS = [
    *(("actual", f"2022-{month:02d}") for month in range(4, 13)),
    ("ytd", "2022-12"),
    ("target", "2022-23"),
    ("outturn", "2021-22"),
    ("sn", "2022-23"),
]


@functools.cache
def definition_for(unit: str, percent_input: str) -> Definition:
    """One measure of `unit` taking every series: a YTD and a target from the data, a comparator."""
    return parse_definition(
        {
            "scorecard": {
                "id": "roundtrip",
                "version": "1",
                "title": "Round trip",
                "organisation": "Test",
                "percent_input": percent_input,
            },
            "comparators": [{"id": "sn", "label": "SN"}],
            "sections": [{"id": "s", "title": "S"}],
            "measures": [
                {
                    "id": "M1",
                    "section": "s",
                    "title": "M1",
                    "unit": unit,
                    "polarity": "high",
                    "ytd": "provided",
                    "target": "data",
                }
            ],
        },
        "roundtrip.toml",
    )


def any_case(text: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
        lambda upper: "".join(c.upper() if u else c for c, u in zip(text, upper, strict=True))
    )


LIMIT = 2 * NUMBER_LIMIT  # past the limit too: refused values are left out
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-LIMIT, max_value=LIMIT)
whole = st.integers(min_value=-int(LIMIT), max_value=int(LIMIT))
small = st.floats(allow_nan=False, min_value=-1000, max_value=1000)
# Every way a data file writes a value: as a number, or as text of every shape a build reads.
VALUES: st.SearchStrategy[object] = st.one_of(
    whole,
    finite,
    small,
    st.sampled_from([0, 1, -1, 0.5, 1.005, 1.009, 64, 100.5, -0.0, 1e-7, 0.30000000000000004]),
    st.sampled_from(["0.30000000000000004", "12345678.123456789", "33.333333333333336%"]),
    whole.map(str),
    small.map(repr),
    finite.map(lambda x: f"{x:g}"),
    whole.map(lambda n: f"{n:,}"),
    small.map(lambda x: f"{x:,}"),
    small.map(lambda x: f"{x}%"),
    small.map(lambda x: f" {x:,.3f} %"),
    whole.map(lambda n: f"{n}%"),
    st.sampled_from(["100.5%", "100.9%", "250%", "-12%", "0%", "64%", "1.009%", "6,400%"]),
    st.sampled_from(list(MISSING_TOKENS)).flatmap(any_case),
    st.sampled_from(list(SHORTHAND_TOKENS)).flatmap(any_case),
    st.none(),
)


def accepted(raw: object, unit: str, percent_input: str) -> bool:
    try:
        parse_value(raw, UNITS[unit], percent_input)
    except ValueError:
        return False
    return True


def data_file(unit: str, percent_input: str, values: list[object]) -> tuple[Definition, list[RawRecord]]:
    """The definition for `unit` and `percent_input`, and a data file's records of those `values`
    a build accepts, one per slot (the example is skipped when it accepts none)."""
    kept = [v for v in values if accepted(v, unit, percent_input)]
    assume(kept)
    records = [
        RawRecord("data.csv", row, "M1", series, period, value)
        for row, ((series, period), value) in enumerate(zip(SLOTS, kept, strict=False), start=2)
    ]
    return definition_for(unit, percent_input), records


def read_back(definition: Definition, dataset: Dataset) -> tuple[Dataset, list[RawRecord]]:
    """The dataset a refresh reads from the Data table `dataset` was written to, and its records.
    The cells are what Excel keeps: a number, text, or nothing."""
    rows = table_rows(definition, dataset)
    records = records_from_rows(enumerate(rows, start=5), "board.xlsx, Data table")
    return build_dataset(definition, records, [SOURCE]), records


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    unit=st.sampled_from(list(UNITS)),
    percent_input=st.sampled_from(["fraction", "points"]),
    values=st.lists(VALUES, min_size=1, max_size=len(SLOTS)),
)
def test_every_value_a_build_accepts_comes_back_unchanged_through_the_data_table(
    unit: str, percent_input: str, values: list[object]
) -> None:
    definition, records = data_file(unit, percent_input, values)
    dataset = build_dataset(definition, records, [SOURCE])

    back, table = read_back(definition, dataset)

    assert back.by_measure == dataset.by_measure
    merged = merge_records(definition, table, records)  # the data file found again on refresh
    assert (merged.added, merged.revised, merged.unchanged) == (0, 0, len(records))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    unit=st.sampled_from(list(UNITS)),
    percent_input=st.sampled_from(["fraction", "points"]),
    values=st.lists(VALUES, min_size=1, max_size=len(SLOTS)),
)
def test_and_through_a_real_workbook_file(unit: str, percent_input: str, values: list[object]) -> None:
    """The same, through the bytes the writer makes and the reader a refresh uses: numbers are
    written with 16 significant digits, so a value is read as Excel holds it (15; pandas writes
    17, such as 0.30000000000000004) and comes back unchanged."""
    definition, records = data_file(unit, percent_input, values)
    records.append(RawRecord("data.csv", 99, "M1", "actual", "2023-03", 1))  # a month to build
    dataset = build_dataset(definition, records, [SOURCE])
    _, layout = lay_out(BuildRequest(Inputs(definition, dataset, None, ()), generated_at=WHEN))
    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "board.xlsx"
        book.write_bytes(write_workbook(layout))
        record = read_record(snapshot_from_file(book))
    table = records_from_rows(record.table_rows, "board.xlsx, Data table")

    assert build_dataset(definition, table, [SOURCE]).by_measure == dataset.by_measure
    merged = merge_records(definition, table, records)
    assert (merged.added, merged.revised) == (0, 0)


@pytest.mark.parametrize("percent_input", ["fraction", "points"])
def test_a_percentage_over_100_is_refreshed_from_the_workbook_alone_and_unchanged_with_its_file(
    tmp_path: Path, percent_input: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The analyst's fill rates, through a real workbook file: refreshed away from the CSV, and
    with the CSV beside it, nothing new and nothing revised."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1681291800")
    definition = tmp_path / "fill.toml"
    definition.write_text(
        "\n".join(
            [
                '[scorecard]\nid = "fill"\nversion = "1"\ntitle = "Fill"\norganisation = "Test"',
                f'percent_input = "{percent_input}"',
                '[[sections]]\nid = "s"\ntitle = "S"',
                '[[measures]]\nid = "FILL"\nsection = "s"\ntitle = "Fill rate"\nunit = "percent"',
                'polarity = "high"\nytd = "mean"\ntarget = "95%"',
            ]
        ),
        encoding="utf-8",
    )
    data = tmp_path / "data.csv"
    data.write_text(
        "measure,series,period,value\nFILL,actual,2023-01,100.5%\nFILL,actual,2023-02,100.9%\n"
        "FILL,actual,2023-03,99.2%\n",
        encoding="utf-8",
    )
    book = tmp_path / "board.xlsx"
    fresh = build(book, definition, [data])
    alone = tmp_path / "moved"
    alone.mkdir()
    (alone / "board.xlsx").write_bytes(book.read_bytes())

    away = refresh_file(alone / "board.xlsx")
    beside = refresh_file(book)

    for result in (away, beside):
        assert result.plan is not None
        assert [r.months[-3:] for r in result.scorecard.rows] == [r.months[-3:] for r in fresh.scorecard.rows]
    assert [r.ytd for r in away.scorecard.rows] == [r.ytd for r in fresh.scorecard.rows]
    assert beside.plan is not None and (beside.plan.news.added, beside.plan.news.revised) == (0, 0)


@pytest.mark.parametrize(
    ("raw", "reading"),
    [
        (1.009, ["'1.009%' if 1.009 per cent is meant", "'100.9%' if it is a fraction"]),
        (64, ["'64%' if 64 per cent", "'6400%'"]),
    ],
)
def test_the_hint_for_a_bare_percentage_out_of_range_offers_both_readings(
    raw: object, reading: list[str]
) -> None:
    with pytest.raises(ValueError) as caught:
        parse_value(raw, UNITS["percent"], "fraction")
    for words in reading:
        assert words in str(caught.value)


@pytest.mark.parametrize("raw", ['=HYPERLINK("http://x","y")', "abc,def", "1,2a", "see note, p4"])
def test_text_with_a_comma_is_called_text_where_a_number_belongs(raw: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_value(raw, UNITS["count"])
    assert "text where a number belongs" in str(caught.value)
    assert "commas" not in str(caught.value)


def test_a_decimal_comma_is_still_called_one() -> None:
    with pytest.raises(ValueError) as caught:
        parse_value("18,7", UNITS["rate_per_10k"])
    assert "commas may only separate thousands" in str(caught.value)
