"""The scorecard model: RAG, targets, YTD, quarterly measures, direction of travel, comparison with
last year and comparators, the period, and tallies, from small definitions and datasets built in
code."""

from __future__ import annotations

from typing import Any

import pytest

from scorecard_xl.errors import InputError
from scorecard_xl.inputs.data import Dataset, build_dataset
from scorecard_xl.inputs.definition import Definition
from scorecard_xl.inputs.definition_reader import parse_definition
from scorecard_xl.inputs.periods import Month, ReportingYear
from scorecard_xl.inputs.sources import RawRecord, SourceInfo
from scorecard_xl.inputs.values import Missing
from scorecard_xl.model.scorecard import MeasureRow, Scorecard, Tally, build_scorecard, tally

Record = tuple[str, str, str, object]  # measure, series, period, value


def make_definition(*measures: dict[str, Any], **scorecard: Any) -> Definition:
    raw = {
        "scorecard": {
            "id": "test",
            "version": "1",
            "title": "Test",
            "organisation": "Test Trust",
            **scorecard,
        },
        "comparators": [
            {"id": "sn", "label": "SN", "name": "Statistical neighbours"},
            {"id": "england", "label": "England", "name": "England average"},
        ],
        "sections": [{"id": "main", "title": "Main"}],
        "measures": [{"section": "main", "title": m["id"], **m} for m in measures],
    }
    return parse_definition(raw, source="test.toml")


def measure(measure_id: str = "M1", **fields: Any) -> dict[str, Any]:
    return {"id": measure_id, "unit": "count", "polarity": "high", **fields}


def make_dataset(definition: Definition, records: list[Record]) -> Dataset:
    raw = [
        RawRecord("data.csv", row, measure_id, series, period, value)
        for row, (measure_id, series, period, value) in enumerate(records, start=2)
    ]
    return build_dataset(definition, raw, [SourceInfo("csv", "data.csv", "0" * 64)])


def months(measure_id: str, first: str, values: list[object], series: str = "actual") -> list[Record]:
    """Consecutive monthly records starting at `first`; None skips a month (no record)."""
    start = Month.parse(first)
    return [
        (measure_id, series, start.shift(i).iso, value) for i, value in enumerate(values) if value is not None
    ]


def card(definition: Definition, records: list[Record], period: str | None = None) -> Scorecard:
    dataset = make_dataset(definition, records)
    return build_scorecard(definition, dataset, Month.parse(period) if period else None)


def row_of(
    fields: dict[str, Any],
    records: list[Record],
    period: str | None = None,
    **scorecard: Any,
) -> MeasureRow:
    """The row of measure M1 (defined by `fields`) for `period`."""
    result = card(make_definition(measure(**fields), **scorecard), records, period)
    [row] = [r for r in result.rows if r.id == "M1"]
    return row


# --- RAG ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("polarity", "tolerance", "value", "expected"),
    [
        ("high", "5%", 100, "G"),
        ("high", "5%", 130, "G"),
        ("high", "5%", 95, "A"),  # exactly 5% below
        ("high", "5%", 94, "R"),
        ("low", "5%", 100, "G"),
        ("low", "5%", 60, "G"),
        ("low", "5%", 105, "A"),
        ("low", "5%", 106, "R"),
        ("high", 3, 97, "A"),  # absolute: within 3
        ("high", 3, 96, "R"),
        ("low", 3, 103, "A"),
        ("low", 3, 104, "R"),
        ("high", 0, 99, "R"),  # no amber band
        ("low", 0, 101, "R"),
        ("high", "10%", 90, "A"),
        ("high", "10%", 89, "R"),
    ],
)
def test_rag_on_a_count(polarity, tolerance, value, expected) -> None:
    row = row_of(
        {"polarity": polarity, "target": 100, "tolerance": tolerance},
        [("M1", "actual", "2023-03", value)],
    )
    assert row.headline == value
    assert row.target == 100
    assert row.rag == expected


@pytest.mark.parametrize(
    ("polarity", "tolerance", "value", "expected"),
    [
        ("high", "2pp", "90%", "G"),
        ("high", "2pp", "88%", "A"),
        ("high", "2pp", "87.9%", "R"),
        ("low", "2pp", "92%", "A"),
        ("low", "2pp", "92.1%", "R"),
        ("high", "5%", "85.5%", "A"),  # 5% of 90% is 4.5 points
        ("high", "5%", "85.4%", "R"),
        # judged as displayed (one decimal): 89.96% shows as 90.0%, which meets 90%
        ("high", 0, "89.96%", "G"),
        ("high", 0, "89.95%", "G"),
        ("high", 0, "89.94%", "R"),  # shows 89.9%
        ("high", "5%", "89.94%", "A"),
        ("low", 0, "90.04%", "G"),  # shows 90.0%
        ("low", 0, "90.05%", "R"),  # shows 90.1%
    ],
)
def test_rag_on_a_percent_at_display_precision(polarity, tolerance, value, expected) -> None:
    row = row_of(
        {"unit": "percent", "polarity": polarity, "target": "90%", "tolerance": tolerance},
        [("M1", "actual", "2023-03", value)],
    )
    assert row.target == pytest.approx(0.9)
    assert row.rag == expected


def test_rag_at_display_precision_with_no_decimals() -> None:
    fields = {"unit": "percent", "decimals": 0, "polarity": "high", "target": "90%", "tolerance": 0}
    assert row_of(fields, [("M1", "actual", "2023-03", "89.5%")]).rag == "G"  # shows 90%
    assert row_of(fields, [("M1", "actual", "2023-03", "89.4%")]).rag == "R"  # shows 89%


def test_rag_at_display_precision_for_days() -> None:
    fields = {"unit": "days", "polarity": "low", "target": 35, "tolerance": 0}
    assert row_of(fields, [("M1", "actual", "2023-03", "35.4")]).rag == "G"  # shows 35
    assert row_of(fields, [("M1", "actual", "2023-03", "35.5")]).rag == "R"  # shows 36


def test_no_target_is_not_judged() -> None:
    row = row_of({"polarity": "high"}, [("M1", "actual", "2023-03", 5)])
    assert row.target is None
    assert row.rag is None


def test_a_token_value_is_not_judged() -> None:
    row = row_of({"target": 100}, [("M1", "actual", "2023-03", "c")])
    assert row.headline == Missing("c")
    assert row.rag is None


# --- targets ------------------------------------------------------------------------------------


DATA_TARGET = {"unit": "percent", "polarity": "high", "target": "data"}


def test_data_target_per_year() -> None:
    records = [
        ("M1", "actual", "2023-03", "92%"),
        ("M1", "actual", "2023-04", "92%"),
        ("M1", "target", "2022-23", "90%"),
        ("M1", "target", "2023-24", "95%"),
    ]
    march = row_of(DATA_TARGET, records, "2023-03")
    april = row_of(DATA_TARGET, records, "2023-04")
    assert march.target == pytest.approx(0.90)
    assert march.rag == "G"
    assert april.target == pytest.approx(0.95)
    assert april.rag == "A"


def test_data_target_applies_only_to_its_year() -> None:
    records = [("M1", "actual", "2023-04", "80%"), ("M1", "target", "2022-23", "90%")]
    row = row_of(DATA_TARGET, records)
    assert row.target is None
    assert row.rag is None


@pytest.mark.parametrize("token", ["tbc", "TBC", "tb", "n/a"])
def test_data_target_token_is_kept_and_not_judged(token: str) -> None:
    records = [("M1", "actual", "2023-03", "50%"), ("M1", "target", "2022-23", token)]
    row = row_of(DATA_TARGET, records)
    assert row.target == Missing(token.lower())
    assert row.rag is None


def test_no_target_shows_a_target_token_as_written() -> None:
    records = [("M1", "actual", "2023-03", 5), ("M1", "target", "2022-23", "N/A")]
    row = row_of({"polarity": "none"}, records)
    assert row.target == Missing("n/a")
    assert row.rag is None


def test_target_records_are_refused_for_a_fixed_target() -> None:
    definition = make_definition(measure(target=100))
    with pytest.raises(InputError) as caught:
        make_dataset(definition, [("M1", "target", "2022-23", 90)])
    [problem] = caught.value.problems
    assert (problem.where, problem.field, problem.value) == ("row 2 (measure M1)", "series", "target")
    assert 'target = "data"' in problem.expected


@pytest.mark.parametrize(
    ("polarity", "value", "expected"),
    [
        ("high", 60, "G"),
        ("high", 50, "G"),
        ("high", 48, "A"),  # within 5% of 50
        ("high", 47, "R"),
        ("low", 40, "G"),
        ("low", 52, "A"),
        ("low", 53, "R"),
    ],
)
def test_target_relative_to_a_comparator(polarity, value, expected) -> None:
    records = [("M1", "actual", "2023-03", value), ("M1", "sn", "2022-23", 50)]
    row = row_of({"unit": "average", "polarity": polarity, "target": "sn"}, records)
    assert row.target == 50
    assert row.comparators == (50, None)
    assert row.rag == expected


def test_comparator_carries_forward_until_a_newer_one() -> None:
    records = [
        ("M1", "actual", "2023-03", 45),
        ("M1", "sn", "2020-21", 40),
        ("M1", "sn", "2021-22", 50),
        ("M1", "sn", "2023-24", 99),  # a later year: not used for 2022-23
        ("M1", "england", "2021-22", "x"),
    ]
    row = row_of({"unit": "average", "target": "sn"}, records)
    assert row.comparators == (50, Missing("x"))
    assert row.target == 50
    assert row.rag == "R"


def test_comparator_target_without_comparator_data_is_not_judged() -> None:
    row = row_of({"target": "england"}, [("M1", "actual", "2023-03", 5)])
    assert row.target is None
    assert row.rag is None


# --- YTD ----------------------------------------------------------------------------------------

# April 2022 to June 2022, with March 2022 (last year) that must never be counted
SPRING = months("M1", "2022-03", [1000, 10, 20, 30])


@pytest.mark.parametrize(
    ("rule", "ytd"), [("sum", 60.0), ("mean", 20.0), ("latest", 30.0), ("provided", None), ("none", None)]
)
def test_ytd_rules(rule: str, ytd: float | None) -> None:
    row = row_of({"ytd": rule, "unit": "average"}, SPRING, "2022-06")
    assert row.ytd == ytd
    assert row.ytd_provided is False


@pytest.mark.parametrize("rule", ["sum", "mean", "latest", "provided"])
def test_provided_ytd_wins_over_the_rule(rule: str) -> None:
    records = [*SPRING, ("M1", "ytd", "2022-06", 55)]
    row = row_of({"ytd": rule}, records, "2022-06")
    assert row.ytd == 55
    assert row.ytd_provided is True
    assert row.headline == 55


def test_ytd_records_are_refused_when_ytd_is_none() -> None:
    with pytest.raises(InputError) as caught:
        make_dataset(make_definition(measure(ytd="none")), [("M1", "ytd", "2022-06", 5)])
    [problem] = caught.value.problems
    assert (problem.field, problem.value) == ("series", "ytd")


@pytest.mark.parametrize("rule", ["sum", "mean"])
def test_a_gap_leaves_sum_and_mean_blank(rule: str) -> None:
    records = months("M1", "2022-04", [10, None, 30])  # no May
    row = row_of({"ytd": rule}, records, "2022-06")
    assert row.ytd is None
    assert row.headline == 30  # falls back to the latest month


@pytest.mark.parametrize("rule", ["sum", "mean"])
def test_a_token_month_leaves_sum_and_mean_blank(rule: str) -> None:
    records = months("M1", "2022-04", [10, "c", 30])
    assert row_of({"ytd": rule}, records, "2022-06").ytd is None


def test_latest_ytd_ignores_a_gap() -> None:
    records = months("M1", "2022-04", [10, None, 30])
    assert row_of({"ytd": "latest"}, records, "2022-06").ytd == 30


def test_latest_ytd_is_blank_when_the_period_has_no_value() -> None:
    records = [*months("M1", "2022-04", [10, 20]), ("M2", "actual", "2022-06", 1)]
    definition = make_definition(measure(ytd="latest"), measure("M2"))
    [row] = [r for r in card(definition, records, "2022-06").rows if r.id == "M1"]
    assert row.ytd is None


def test_ytd_restarts_with_the_year() -> None:
    records = months("M1", "2022-01", [5] * 6)  # Jan to Jun 2022
    row = row_of({"ytd": "sum"}, records, "2022-06")
    assert row.ytd == 15  # April, May, June only


def test_ytd_in_a_january_year() -> None:
    records = months("M1", "2022-11", [5, 6, 7, 8, 9])  # Nov 2022 to Mar 2023
    row = row_of({"ytd": "sum"}, records, "2023-03", year_start_month=1)
    assert row.ytd == 24  # Jan + Feb + Mar 2023


def test_full_year_sum() -> None:
    records = months("M1", "2022-04", list(range(1, 13)))
    row = row_of({"ytd": "sum"}, records, "2023-03")
    assert row.ytd == 78


def test_headline_latest_ignores_the_ytd() -> None:
    row = row_of({"ytd": "sum"}, SPRING, "2022-06", headline="latest")
    assert row.ytd == 60
    assert row.headline == 30


# --- quarterly measures -------------------------------------------------------------------------


def quarterly_card(period: str) -> MeasureRow:
    definition = make_definition(
        measure("Q1", frequency="quarterly", ytd="sum", polarity="high"),
        measure("M1", polarity="none"),
    )
    records = [
        ("Q1", "actual", "2022-06", 10),
        ("Q1", "actual", "2022-09", 12),
        ("Q1", "actual", "2022-12", 9),
        *months("M1", "2022-04", [1] * 11),  # April 2022 to February 2023
    ]
    result = card(definition, records, period)
    [row] = [r for r in result.rows if r.id == "Q1"]
    return row


def test_quarterly_values_show_only_in_their_months() -> None:
    row = quarterly_card("2023-02")  # window Sep 22 to Feb 23
    assert row.months == (12, None, None, 9, None, None)


def test_quarterly_compares_with_the_previous_quarter() -> None:
    row = quarterly_card("2023-02")
    assert row.headline == 31  # YTD: Jun + Sep + Dec
    assert row.ytd == 31
    assert row.vs_previous is not None
    assert (row.vs_previous.arrow, row.vs_previous.verdict) == ("down", "worse")  # 9 vs 12


def test_quarterly_ytd_needs_only_its_reporting_months() -> None:
    assert quarterly_card("2022-12").ytd == 31
    assert quarterly_card("2022-09").ytd == 22


def test_quarterly_data_outside_its_months_is_refused() -> None:
    definition = make_definition(measure("Q1", frequency="quarterly"))
    with pytest.raises(InputError) as caught:
        make_dataset(definition, [("Q1", "actual", "2022-07", 5)])
    [problem] = caught.value.problems
    assert (problem.where, problem.field, problem.value) == ("row 2 (measure Q1)", "period", "2022-07")
    assert "quarterly (Jun, Sep, Dec, Mar)" in problem.expected


# --- direction of travel ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("polarity", "before", "now", "arrow", "verdict", "text"),
    [
        ("high", 10, 12, "up", "better", "▲ better"),
        ("high", 12, 10, "down", "worse", "▼ worse"),
        ("low", 10, 12, "up", "worse", "▲ worse"),
        ("low", 12, 10, "down", "better", "▼ better"),
        ("none", 10, 12, "up", None, "▲ up"),
        ("none", 12, 10, "down", None, "▼ down"),
        ("high", 10, 10, "flat", "same", "► same"),
        ("none", 10, 10, "flat", None, "► same"),
        ("high", 10.0, 10.04, "flat", "same", "► same"),  # equal as shown (one decimal)
    ],
)
def test_direction_of_travel(polarity, before, now, arrow, verdict, text) -> None:
    records = [("M1", "actual", "2023-02", before), ("M1", "actual", "2023-03", now)]
    row = row_of({"unit": "average", "polarity": polarity}, records)
    assert row.vs_previous is not None
    assert (row.vs_previous.arrow, row.vs_previous.verdict) == (arrow, verdict)
    assert row.vs_previous.text == text


def test_no_direction_without_the_previous_month() -> None:
    records = [("M1", "actual", "2023-01", 5), ("M1", "actual", "2023-03", 6)]
    assert row_of({}, records).vs_previous is None


def test_no_direction_against_a_token() -> None:
    records = [("M1", "actual", "2023-02", "n/a"), ("M1", "actual", "2023-03", 6)]
    assert row_of({}, records).vs_previous is None


# --- vs last year -------------------------------------------------------------------------------


def test_vs_last_year_uses_the_same_month_a_year_earlier() -> None:
    records = [
        ("M1", "actual", "2022-03", 100),
        ("M1", "actual", "2023-03", 90),
        ("M1", "outturn", "2021-22", 50),  # not used: the month a year ago is there
    ]
    row = row_of({"polarity": "low", "ytd": "latest"}, records)
    assert (row.vs_last_year.arrow, row.vs_last_year.verdict) == ("down", "better")


def test_vs_last_year_compares_ytd_with_ytd() -> None:
    # June's month fell (20 -> 10) but the year so far rose (30 -> 50): like for like is the YTD
    records = months("M1", "2021-04", [5, 5, 20]) + months("M1", "2022-04", [20, 20, 10])
    row = row_of({"ytd": "sum"}, records, "2022-06")
    assert row.headline == 50
    assert (row.vs_last_year.arrow, row.vs_last_year.verdict) == ("up", "better")


def test_vs_last_year_falls_back_to_last_years_outturn() -> None:
    records = [("M1", "actual", "2022-10", 90), ("M1", "outturn", "2021-22", 100)]
    row = row_of({"polarity": "high", "ytd": "latest"}, records)
    assert (row.vs_last_year.arrow, row.vs_last_year.verdict) == ("down", "worse")


def test_vs_last_year_uses_last_year_not_an_older_outturn() -> None:
    records = [("M1", "actual", "2022-10", 90), ("M1", "outturn", "2020-21", 100)]
    assert row_of({"ytd": "latest"}, records).vs_last_year is None


def test_part_year_sum_is_not_compared_with_a_full_year_outturn() -> None:
    records = [*months("M1", "2022-04", [10, 20, 30]), ("M1", "outturn", "2021-22", 500)]
    row = row_of({"ytd": "sum"}, records, "2022-06")
    assert row.headline == 60
    assert row.vs_last_year is None


def test_provided_part_year_sum_is_not_compared_with_a_full_year_outturn() -> None:
    records = [
        ("M1", "actual", "2022-06", 30),
        ("M1", "ytd", "2022-06", 60),
        ("M1", "outturn", "2021-22", 500),
    ]
    assert row_of({"ytd": "sum"}, records, "2022-06").vs_last_year is None


def test_full_year_sum_is_compared_with_last_years_outturn_at_year_end() -> None:
    records = [*months("M1", "2022-04", [50] * 12), ("M1", "outturn", "2021-22", 500)]
    row = row_of({"ytd": "sum", "polarity": "high"}, records, "2023-03")
    assert row.headline == 600
    assert (row.vs_last_year.arrow, row.vs_last_year.verdict) == ("up", "better")


# --- previous years' outturns -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ytd", "last_year", "expected"),
    [
        ("sum", [10] * 12, 120),  # the year's months summed, as its YTD at year end would be
        ("mean", [10] * 11 + [22], 11),
        ("latest", [10] * 11 + [7], 7),
        ("sum", [10] * 11 + [None], None),  # a month missing: none rather than an understatement
        ("sum", [10] * 10 + ["n/a", 10], None),  # a token month: none
        ("none", [10] * 12, None),  # no YTD rule, no outturn to work out
    ],
)
def test_an_outturn_not_given_is_worked_out_from_that_years_months(ytd, last_year, expected) -> None:
    records = months("M1", "2021-04", last_year) + months("M1", "2022-04", [5, 5, 5])
    row = row_of({"ytd": ytd}, records, "2022-06", outturn_years=2)
    assert row.outturns == (None, expected)  # 2020-21 has no months; 2021-22 is worked out


def test_an_outturn_given_wins_over_the_months() -> None:
    records = [*months("M1", "2021-04", [10] * 12), ("M1", "outturn", "2021-22", 125)]
    records += [("M1", "actual", "2022-04", 5)]
    assert row_of({"ytd": "sum"}, records, "2022-04", outturn_years=1).outturns == (125,)


def test_a_single_month_is_not_compared_with_a_full_year_outturn() -> None:
    # At year end with a gap the sum YTD is blank and the headline falls back to March alone;
    # March's 50 against last year's total of 500 is not like for like.
    values: list[object] = [50] * 12
    values[5] = None  # no September
    records = [*months("M1", "2022-04", values), ("M1", "outturn", "2021-22", 500)]
    row = row_of({"ytd": "sum"}, records, "2023-03")
    assert row.ytd is None
    assert row.headline == 50
    assert row.vs_last_year is None


def test_a_single_month_is_not_compared_with_last_years_ytd() -> None:
    # Last year's April to June is complete (YTD 30); this year May is missing, so this year's
    # headline falls back to June alone (10): 10 against 30 is not like for like.
    records = months("M1", "2021-04", [10, 10, 10]) + months("M1", "2022-04", [10, None, 10])
    row = row_of({"ytd": "sum"}, records, "2022-06")
    assert row.headline == 10
    assert row.vs_last_year is None


def test_mean_ytd_is_compared_with_last_years_outturn_during_the_year() -> None:
    records = [*months("M1", "2022-04", [10, 20, 30]), ("M1", "outturn", "2021-22", 25)]
    row = row_of({"ytd": "mean", "unit": "average", "polarity": "low"}, records, "2022-06")
    assert (row.vs_last_year.arrow, row.vs_last_year.verdict) == ("down", "better")


# --- comparator positions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("polarity", "positions"),
    [
        ("high", ("better", "worse")),
        ("low", ("worse", "better")),
        ("none", ("higher", "lower")),
    ],
)
def test_comparator_positions(polarity: str, positions: tuple[str, str]) -> None:
    records = [
        ("M1", "actual", "2023-03", 60),
        ("M1", "sn", "2022-23", 50),
        ("M1", "england", "2022-23", 70),
    ]
    row = row_of({"polarity": polarity, "unit": "average"}, records)
    assert row.comparators == (50, 70)
    assert row.positions == positions


def test_comparator_positions_same_as_shown_and_tokens() -> None:
    records = [
        ("M1", "actual", "2023-03", "50.04"),
        ("M1", "sn", "2022-23", 50),
        ("M1", "england", "2022-23", "c"),
    ]
    row = row_of({"unit": "average"}, records)
    assert row.positions == ("same", None)


def test_comparator_positions_use_the_headline() -> None:
    records = [*months("M1", "2022-04", [10, 20, 30]), ("M1", "sn", "2022-23", 40)]
    row = row_of({"ytd": "sum", "unit": "average"}, records, "2022-06")  # YTD 60
    assert row.positions == ("better", None)


# --- the period ---------------------------------------------------------------------------------


SIX_MONTHS = months("M1", "2022-10", [1, 2, 3, 4, 5, 6])


def test_default_period_is_the_latest_month() -> None:
    records = [*SIX_MONTHS, ("M1", "actual", "2023-04", "")]  # a blank is not data
    result = card(make_definition(measure()), records)
    assert result.period == Month(2023, 3)
    assert result.year == ReportingYear(2022, 4)
    assert result.window == tuple(
        Month.parse(m) for m in ("2022-10", "2022-11", "2022-12", "2023-01", "2023-02", "2023-03")
    )
    assert result.outturn_years == (ReportingYear(2020, 4), ReportingYear(2021, 4))
    assert result.available[0] == Month(2022, 10)
    assert result.available[-1] == Month(2023, 3)
    assert result.rows[0].months == (1, 2, 3, 4, 5, 6)


def test_a_chosen_period_sets_the_window() -> None:
    result = card(make_definition(measure(), months_shown=3), SIX_MONTHS, "2022-12")
    assert result.period == Month(2022, 12)
    assert result.window == (Month(2022, 10), Month(2022, 11), Month(2022, 12))
    assert result.rows[0].months == (1, 2, 3)


def test_window_before_the_data_is_empty_not_an_error() -> None:
    result = card(make_definition(measure()), SIX_MONTHS, "2022-10")
    assert result.rows[0].months == (None, None, None, None, None, 1)


@pytest.mark.parametrize("period", ["2024-01", "2022-09"])
def test_a_period_without_data_names_the_available_range(period: str) -> None:
    with pytest.raises(InputError) as caught:
        card(make_definition(measure()), SIX_MONTHS, period)
    [problem] = caught.value.problems
    assert problem.source == "data.csv"
    assert (problem.field, problem.value) == ("period", period)
    assert "2022-10 to 2023-03" in problem.expected


def test_no_data_at_all() -> None:
    with pytest.raises(InputError) as caught:
        card(make_definition(measure()), [("M1", "outturn", "2021-22", 5)])
    assert "no actual values" in caught.value.problems[0].expected


def test_outturns_oldest_first() -> None:
    records = [
        *SIX_MONTHS,
        ("M1", "outturn", "2019-20", 7),
        ("M1", "outturn", "2020-21", 8),
        ("M1", "outturn", "2021-22", "n/a"),
    ]
    row = row_of({}, records)
    assert row.outturns == (8, Missing("n/a"))


# --- tally --------------------------------------------------------------------------------------


def test_tally_counts_judgements_and_directions() -> None:
    definition = make_definition(
        measure("G1", target=10),  # 11 -> 12: green, better
        measure("G2", target=10, polarity="low"),  # 9 -> 8: green, better
        measure("A1", target=10, tolerance="10%"),  # 8 -> 9: amber, better
        measure("R1", target=10, tolerance=0),  # 10 -> 9: red, worse
        measure("N1", polarity="none"),  # 1 -> 2: not judged, up (no verdict)
        measure("N2", target="data"),  # target tbc: not judged, same
    )
    records = [
        ("G1", "actual", "2023-02", 11),
        ("G1", "actual", "2023-03", 12),
        ("G2", "actual", "2023-02", 9),
        ("G2", "actual", "2023-03", 8),
        ("A1", "actual", "2023-02", 8),
        ("A1", "actual", "2023-03", 9),
        ("R1", "actual", "2023-02", 10),
        ("R1", "actual", "2023-03", 9),
        ("N1", "actual", "2023-02", 1),
        ("N1", "actual", "2023-03", 2),
        ("N2", "actual", "2023-02", 5),
        ("N2", "actual", "2023-03", 5),
        ("N2", "target", "2022-23", "tbc"),
    ]
    result = card(definition, records)
    assert [r.rag for r in result.rows] == ["G", "G", "A", "R", None, None]
    assert tally(result.rows) == Tally(
        measures=6, red=1, amber=1, green=2, not_judged=2, improving=3, worsening=1
    )
    assert tally(result.rows_in(definition.sections[0])) == tally(result.rows)
    assert tally([]) == Tally(0, 0, 0, 0, 0, 0, 0)
