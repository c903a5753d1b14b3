"""Annual scorecards (period = "year"): columns are reporting years, with benchmark text columns
such as a quartile band and a rank."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from scorecard_xl.errors import InputError
from scorecard_xl.inputs.data import build_dataset
from scorecard_xl.inputs.definition_reader import parse_definition
from scorecard_xl.inputs.periods import ReportingYear
from scorecard_xl.inputs.sources import RawRecord
from scorecard_xl.layout import BuildContext, lay_out_workbook
from scorecard_xl.model.scorecard import build_scorecard
from scorecard_xl.write.xlsx import write_workbook
from tests.conftest import FIXED_TIME


def definition_dict(**scorecard: Any) -> dict[str, Any]:
    return {
        "scorecard": {
            "id": "bench",
            "version": "1",
            "title": "Benchmark",
            "organisation": "Somewhere",
            "period": "year",
            "years_shown": 3,
            **scorecard,
        },
        "comparators": [
            {"id": "sn", "label": "SN", "name": "Statistical neighbours", "method": "mean"},
            {"id": "england", "label": "England"},
        ],
        "benchmarks": [
            {"id": "band", "label": "Quartile", "name": "Quartile, A best", "kind": "quartile"},
            {"id": "rank", "label": "Rank", "name": "Rank of 153, 1 best"},
        ],
        "sections": [{"id": "cin", "title": "Children in need"}],
        "measures": [
            {
                "id": "RR",
                "section": "cin",
                "title": "Re-referrals within 12 months",
                "unit": "percent",
                "polarity": "low",
            }
        ],
    }


RECORDS = [
    ("actual", "2022-23", "21.0%"), ("actual", "2023-24", "24.5%"), ("actual", "2024-25", "19.8%"),
    ("sn", "2024-25", "22.1%"), ("england", "2024-25", "22.6%"),
    ("band", "2024-25", "B"), ("rank", "2024-25", "41 of 153"), ("band", "2023-24", "C"),
]  # fmt: skip


def scorecard_for(raw: dict[str, Any], records: list[tuple[str, str, str]] = RECORDS) -> Any:
    definition = parse_definition(raw, "bench.toml")
    data = [
        RawRecord("bench.csv", i + 2, "RR", series, period, value)
        for i, (series, period, value) in enumerate(records)
    ]
    return definition, build_dataset(definition, data, [])


def test_an_annual_scorecard_compares_years_and_shows_benchmarks() -> None:
    definition, dataset = scorecard_for(definition_dict())
    scorecard = build_scorecard(definition, dataset)
    assert scorecard.period == ReportingYear(2024, 4)
    assert [p.label for p in scorecard.window] == ["2022-23", "2023-24", "2024-25"]
    [row] = scorecard.rows
    assert row.ytd is None and row.headline == pytest.approx(0.198)
    assert row.vs_previous is not None and row.vs_previous.text == "▼ better"  # lower is better
    assert row.vs_last_year is None  # the previous period is last year
    assert row.positions == ("better", "better")
    assert row.benchmarks == ("B", "41 of 153")


def test_the_annual_workbook_has_year_columns_and_coloured_bands() -> None:
    definition, dataset = scorecard_for(definition_dict())
    scorecard = build_scorecard(definition, dataset)
    context = BuildContext(FIXED_TIME, "test", "bench.toml", (), ("bench.csv",))
    content = write_workbook(lay_out_workbook(scorecard, context))
    ws = openpyxl.load_workbook(io.BytesIO(content))["Scorecard"]
    header = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == "Ref")
    assert header[:7] == ("Ref", "Measure", "2022-23", "2023-24", "2024-25", "Trend", "vs last year")
    assert "Quartile" in header and "Rank" in header
    assert not {"YTD", "Target", "RAG"} & set(header)  # no YTD in an annual scorecard, no targets here
    line = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == "RR")
    assert line[header.index("Quartile")] == "B" and line[header.index("Rank")] == "41 of 153"
    band_col = "ABCDEFGHIJKLMNOP"[header.index("Quartile")]
    rules = [(str(r.sqref), rule.formula) for r in ws.conditional_formatting for rule in r.rules]
    assert any(band_col in sqref and formula == ['"D"'] for sqref, formula in rules)


def test_an_annual_scorecard_tells_its_year_against_the_year_before() -> None:
    from scorecard_xl.model.story import previous_scorecard

    definition, dataset = scorecard_for(definition_dict())
    scorecard = build_scorecard(definition, dataset)
    previous = previous_scorecard(definition, dataset, scorecard)
    assert previous is not None and previous.period == ReportingYear(2023, 4)
    context = BuildContext(FIXED_TIME, "test", "bench.toml", (), ("bench.csv",), previous=previous)
    story = lay_out_workbook(scorecard, context).sheets[0]
    texts = [value for _, _, value, _ in story.cells if isinstance(value, str)]
    assert story.name == "This year" and "Benchmark: 2024-25" in texts
    # Graded by its quartile band, as its Summary is: C last year, B this year.
    lead = "0 in band A, 1 in B, 0 in C and 0 in D of the 1 measure banded"
    assert f"{lead} (2023-24: 0 in band A, 0 in B, 1 in C, 0 in D)." in texts
    assert "Since 2023-24: 0 moved to a worse band and 1 to a better one. 0 exceptions below." in texts
    assert "What changed since 2023-24" in texts and "C → B" in texts and "Quartile band" in texts


def test_bands_given_for_the_latest_year_only_are_not_compared_with_nothing() -> None:
    """The DfE extract gives bands for the latest year alone: the story says so rather than that no
    measure moved, and compares directions instead."""
    from scorecard_xl.model.story import previous_scorecard

    records = [r for r in RECORDS if not (r[0] == "band" and r[1] == "2023-24")]
    definition, dataset = scorecard_for(definition_dict(), records)
    scorecard = build_scorecard(definition, dataset)
    context = BuildContext(
        FIXED_TIME, "test", "bench.toml", (), (), previous=previous_scorecard(definition, dataset, scorecard)
    )
    texts = [v for _, _, v, _ in lay_out_workbook(scorecard, context).sheets[0].cells if isinstance(v, str)]
    assert "0 in band A, 1 in B, 0 in C and 0 in D of the 1 measure banded." in texts
    assert "Since 2023-24: 1 better, 0 worse. 0 exceptions below." in texts
    assert texts.count("Nothing banded in 2023-24 to compare with.") == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"months_shown": 6}, "months_shown"),
        ({"headline": "ytd"}, "headline"),
        ({"outturn_years": 2}, "outturn_years"),
    ],
)
def test_monthly_settings_are_refused_for_an_annual_scorecard(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_definition(definition_dict(**change), "bench.toml")
    assert [p.field for p in caught.value.problems] == [field]


def test_a_ytd_rule_is_refused_for_an_annual_scorecard() -> None:
    raw = definition_dict()
    raw["measures"][0]["ytd"] = "sum"
    with pytest.raises(InputError) as caught:
        parse_definition(raw, "bench.toml")
    assert [(p.where, p.field) for p in caught.value.problems] == [("measure RR", "ytd")]


def test_annual_data_must_name_years() -> None:
    with pytest.raises(InputError) as caught:
        scorecard_for(definition_dict(), [("actual", "2024-03", "20%")])
    [problem] = caught.value.problems
    assert problem.field == "period" and "2024-25" in problem.expected
