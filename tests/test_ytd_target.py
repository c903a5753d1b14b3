"""A cumulative measure (ytd = "sum") with a target for the year is judged on its YTD against a
year-to-date target: pro rata by default, by the definition's target_profile, or from targets by
month in the data; what it is is said beside the figure (8 YTD), in the key and on the Definitions
sheet, alike in the workbook for Excel, the published copy and the printed pack.

In May, a falls measure had 14 so far against an annual target of 50 and showed Green, while on
course to miss."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from scorecard_xl.errors import InputError
from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.generate.sequence import build
from scorecard_xl.inputs.data import build_dataset
from scorecard_xl.inputs.data_table import records_from_rows, table_rows
from scorecard_xl.inputs.options import Options
from scorecard_xl.inputs.periods import Month
from scorecard_xl.inputs.sources import SourceInfo
from scorecard_xl.model.ytd_target import MONTHLY, PERIOD, PRO_RATA, PROFILE, TO_DATE, YEAR
from tests.test_model import card, make_dataset, make_definition, measure, months, row_of

FALLS = {"id": "M1", "polarity": "low", "ytd": "sum", "target": 50}
APRIL_MAY = months("M1", "2022-04", [6, 8])  # 14 so far in May


def test_falls_in_may_are_judged_against_two_twelfths_of_the_years_target() -> None:
    row = row_of(FALLS, APRIL_MAY, "2022-05")
    assert row.ytd == 14 and row.headline == 14
    assert row.target == pytest.approx(50 * 2 / 12)  # shown as 8: 14 is far worse
    assert row.rag == "R"
    assert (row.target_scope, row.judged_target and row.judged_target.basis) == (TO_DATE, PRO_RATA)


def test_on_course_is_green_and_the_year_end_target_is_exactly_the_years() -> None:
    assert row_of(FALLS, months("M1", "2022-04", [4, 4]), "2022-05").rag == "G"
    year = row_of(FALLS, months("M1", "2022-04", [4] * 12), "2023-03")
    assert year.target == 50 and year.rag == "G"


def test_a_quarterly_measure_shares_its_target_by_quarters_elapsed() -> None:
    fields = {"id": "M1", "polarity": "high", "ytd": "sum", "target": 100, "frequency": "quarterly"}
    records = [("M1", "actual", "2022-06", 30), ("M1", "actual", "2022-09", 30)]
    row = row_of(fields, records, "2022-09")
    assert row.target == 50 and row.ytd == 60 and row.rag == "G"
    definition = make_definition(measure(**fields), measure("M2", polarity="none"))
    november = card(definition, [*records, *months("M2", "2022-04", [1] * 8)], "2022-11")
    assert november.rows[0].target == 50  # no quarter ends in November: still two of four


def test_a_termly_measure_shares_its_target_by_terms_elapsed() -> None:
    fields = {"id": "M1", "polarity": "high", "ytd": "sum", "target": 90, "frequency": "termly"}
    records = [("M1", "actual", "2022-04", 10), ("M1", "actual", "2022-07", 20)]
    assert row_of(fields, records, "2022-07").target == 60  # April and July of April, July, December


def test_a_profile_shares_the_target_by_its_weights() -> None:
    profile = [2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]  # a busy spring: 4 of 14 parts by May
    row = row_of({**FALLS, "target_profile": profile}, APRIL_MAY, "2022-05")
    assert row.target == pytest.approx(50 * 4 / 14)
    assert row.judged_target is not None and row.judged_target.basis == PROFILE


def test_targets_by_month_in_the_data_are_added_up_and_win_over_the_year() -> None:
    fields = {**FALLS, "target": "data"}
    targets = [
        ("M1", "target", "2022-04", 3),
        ("M1", "target", "2022-05", 4),
        ("M1", "target", "2022-23", 50),
    ]
    row = row_of(fields, [*APRIL_MAY, *targets], "2022-05")
    assert row.target == 7 and row.rag == "R"
    assert row.judged_target is not None and row.judged_target.basis == MONTHLY
    june = row_of(fields, [*APRIL_MAY, ("M1", "actual", "2022-06", 1), *targets], "2022-06")
    assert june.target is None and june.rag is None  # June's target is missing: not judged
    tbc = [*targets, ("M1", "target", "2022-06", "tbc")]
    assert row_of(fields, [*APRIL_MAY, ("M1", "actual", "2022-06", 1), *tbc], "2022-06").target.token == "tbc"


def test_a_years_target_from_the_data_is_pro_rata_too() -> None:
    row = row_of({**FALLS, "target": "data"}, [*APRIL_MAY, ("M1", "target", "2022-23", 60)], "2022-05")
    assert row.target == 10


def test_other_measures_keep_the_years_target() -> None:
    for fields in ({**FALLS, "ytd": "mean"}, {**FALLS, "ytd": "latest"}, {**FALLS, "ytd": "provided"}):
        row = row_of(fields, [*APRIL_MAY, ("M1", "ytd", "2022-05", 7)], "2022-05")
        assert row.target == 50 and row.target_scope == YEAR


def test_without_a_ytd_a_cumulative_measure_is_not_judged_on_one_month() -> None:
    row = row_of(FALLS, months("M1", "2022-04", [None, 8]), "2022-05")  # April missing: no YTD
    assert row.ytd is None and row.headline == 8
    assert row.rag is None


def test_judged_on_the_latest_month_a_cumulative_measure_gets_the_months_share() -> None:
    row = row_of(FALLS, APRIL_MAY, "2022-05", headline="latest")
    assert row.headline == 8 and row.target == pytest.approx(50 / 12) and row.rag == "R"
    assert row.target_scope == PERIOD


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({**FALLS, "target_profile": [1] * 11}, "a list of 12 weights"),
        ({**FALLS, "target_profile": [1, -1] * 6}, "none negative"),
        ({**FALLS, "target_profile": [0] * 12}, "not all 0"),
        ({**FALLS, "target_profile": ["8%"] * 12}, "a list of 12 weights"),
        ({**FALLS, "frequency": "quarterly", "target_profile": [1] * 12}, "a list of 4 weights"),
        ({**FALLS, "ytd": "mean", "target_profile": [1] * 12}, 'ytd = "sum"'),
        ({**FALLS, "target": "none", "polarity": "none", "target_profile": [1] * 12}, "a target that is"),
    ],
)
def test_a_wrong_profile_is_refused_naming_the_measure_and_field(
    fields: dict[str, Any], expected: str
) -> None:
    with pytest.raises(InputError) as caught:
        make_definition(measure(**fields))
    [problem] = caught.value.problems
    assert (problem.where, problem.field) == ("measure M1", "target_profile")
    assert expected in problem.expected


@pytest.mark.parametrize(
    ("fields", "period", "expected"),
    [
        (
            {**FALLS, "ytd": "mean", "target": "data"},
            "2022-05",
            "targets by month are for cumulative measures",
        ),
        ({**FALLS, "target": "data", "frequency": "quarterly"}, "2022-05", "a month M1 reports in"),
        ({**FALLS, "target": "data"}, "2022-5", "or a month YYYY-MM"),
    ],
)
def test_a_target_by_month_is_refused_where_it_cannot_apply(
    fields: dict[str, Any], period: str, expected: str
) -> None:
    with pytest.raises(InputError) as caught:
        make_dataset(make_definition(measure(**fields)), [("M1", "target", period, 4)])
    [problem] = caught.value.problems
    assert (problem.field, problem.value) == ("period", period)
    assert expected in problem.expected


def test_targets_by_month_come_back_through_the_data_table() -> None:
    definition = make_definition(measure(**{**FALLS, "target": "data"}))
    dataset = make_dataset(
        definition, [*APRIL_MAY, ("M1", "target", "2022-04", 3), ("M1", "target", "2022-23", 50)]
    )
    back = records_from_rows(enumerate(table_rows(definition, dataset), start=5))
    assert build_dataset(definition, back, [SourceInfo("workbook", "t", "")]).by_measure == dataset.by_measure
    assert card(definition, [*APRIL_MAY], "2022-05").rows[0].target is None  # no target given at all


# --- the workbook -------------------------------------------------------------------------------

DEFINITION = """\
[scorecard]
id = "falls"
version = "1"
title = "Safety"
organisation = "Test Trust"

[[sections]]
id = "safety"
title = "Safety"

[[measures]]
id = "FALLS"
section = "safety"
title = "Falls with harm"
unit = "count"
polarity = "low"
ytd = "sum"
target = 50

[[measures]]
id = "FILL"
section = "safety"
title = "Shifts filled"
unit = "percent"
polarity = "high"
ytd = "mean"
target = "95%"
"""
DATA = (
    "measure,series,period,value\nFALLS,actual,2022-04,6\nFALLS,actual,2022-05,8\n"
    "FILL,actual,2022-04,96%\nFILL,actual,2022-05,94%\n"
)


@pytest.fixture
def falls_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1681291800")
    (tmp_path / "falls.toml").write_text(DEFINITION, encoding="utf-8")
    (tmp_path / "data.csv").write_text(DATA, encoding="utf-8")
    return tmp_path / "falls.toml", tmp_path / "data.csv"


def cells(path: Path, sheet: str) -> list[list[Any]]:
    """A sheet's cells as an independent reader (openpyxl, read-only) sees them: value and format."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [[(c.value, c.number_format) for c in row] for row in book[sheet].iter_rows()]
    finally:
        book.close()


def row_with(rows: list[list[Any]], text: str) -> list[Any]:
    return next(r for r in rows if any(v == text for v, _ in r))


@pytest.mark.parametrize("publish", [False, True])
def test_the_workbook_shows_the_ytd_target_marked_and_the_key_and_definitions_say_so(
    falls_files: tuple[Path, Path], tmp_path: Path, publish: bool
) -> None:
    definition, data = falls_files
    options = Options.make(publish=5) if publish else None
    result = build(tmp_path / "board.xlsx", definition, [data], options=options)
    scorecard = cells(result.path, "Scorecard")
    header = row_with(scorecard, "Target")
    target_col = next(i for i, (v, _) in enumerate(header) if v == "Target")
    rag_col = next(i for i, (v, _) in enumerate(header) if v == "RAG")
    falls, fill = row_with(scorecard, "FALLS"), row_with(scorecard, "FILL")

    assert falls[target_col] == (pytest.approx(50 * 2 / 12), '#,##0" YTD"')
    assert falls[rag_col][0] == "Red"
    assert fill[target_col] == (0.95, "0.0%")  # a mean's target is the year's, unmarked

    keyed = cells(result.path, "Notes" if publish else "Cover")  # (the published copy's key: Notes)
    key = [v for row in keyed for v, _ in row if isinstance(v, str)]
    assert "YTD" in key
    assert any(v.startswith("Beside a Target: a year-to-date target.") and "pro rata" in v for v in key)
    definitions = row_with(cells(result.path, "Definitions"), "FALLS")
    assert (
        "50 for the year; judged year to date against the year's target pro rata (× months elapsed / 12)"
        in [v for v, _ in definitions]
    )
    summary = row_with(cells(result.path, "Summary"), "FALLS")  # off target: listed, its target as shown
    assert (pytest.approx(50 * 2 / 12), '#,##0" YTD"') in summary  # a number, in the Scorecard's format


def test_the_printed_pack_marks_the_same_target(falls_files: tuple[Path, Path]) -> None:
    scorecard, layout = lay_out(BuildRequest(load_inputs(*falls_files)))
    assert scorecard.period == Month(2022, 5) and layout.board_pack is not None
    sheet = next(s for s in layout.board_pack().sheets if s.name == "Scorecard")
    formats = {key[1] for _, _, value, key in sheet.every_cell() if value == pytest.approx(50 * 2 / 12)}
    assert formats == {'#,##0" YTD"'}


def test_a_refresh_in_excel_sets_the_words_beside_a_ytd_target(
    falls_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """Refresh writes values, and a workbook built before its measure's target was shared over the
    year has a plain Target format: the words are set again, on the Scorecard and the section."""
    from scorecard_xl.refresh.in_excel import plan_payload
    from tests.excel_payload import payload_from_file, sent

    definition, data = falls_files
    result = build(tmp_path / "board.xlsx", definition, [data])
    plan = plan_payload(sent(payload_from_file(result.path)))
    worded = sorted((f.sheet, f.number_format) for f in plan.formats if '"' in f.number_format)
    # (and the Summary's list, whose every figure's format a refresh sets: its rows may change measure)
    assert worded == [("Safety", '#,##0" YTD"'), ("Scorecard", '#,##0" YTD"'), ("Summary", '#,##0" YTD"')]


@pytest.mark.parametrize(
    ("fields", "records", "headline", "expected"),
    [
        (FALLS, APRIL_MAY, "ytd", "14 YTD (target to date 8)"),  # 2/12 of 50, judged on the YTD
        (FALLS, APRIL_MAY, "latest", "8 (target for the period 4)"),  # May alone against 1/12
        ({"id": "M1", "polarity": "low", "ytd": "latest", "target": 5}, APRIL_MAY, "ytd", "8 YTD (target 5)"),
        ({"id": "M1", "polarity": "low", "ytd": "none", "target": 5}, APRIL_MAY, "ytd", "8 (target 5)"),
    ],
)
def test_the_storys_exception_says_which_figure_and_target_were_judged(
    fields: dict[str, Any], records: list[Any], headline: str, expected: str
) -> None:
    """The month's story lists "14 YTD (target to date 8)" where a board would otherwise read 14
    against 8 as one month against the year's target."""
    from scorecard_xl.layout.story_sheet import RAG_GRADING, _exception
    from scorecard_xl.model.story import WORST_AND_WORSENING, Flagged

    row = row_of(fields, records, "2022-05", headline=headline)
    assert _exception(Flagged(row, (WORST_AND_WORSENING,), ""), RAG_GRADING)[2] == expected
