"""Ratio measures: a percentage worked out from two counts of the definition each month, its YTD
the ratio of the year's sums (never a mean of monthly percentages), its counts alone in the Data
table so that Refresh works it out again, and hidden with its counts in a published copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scorecard_xl.errors import InputError
from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.generate.sequence import build
from scorecard_xl.inputs.data_table import table_rows
from scorecard_xl.inputs.definition import Ratio
from scorecard_xl.inputs.definition_reader import load_definition
from scorecard_xl.inputs.options import Options
from scorecard_xl.inputs.periods import Month
from scorecard_xl.inputs.values import Missing
from scorecard_xl.model.scorecard import build_scorecard
from scorecard_xl.model.suppression import suppress
from tests.conftest import REPO
from tests.excel_payload import apply_actions, as_a_build_says, formula_cells, payload_from_file
from tests.test_model import card, make_dataset, make_definition, measure, months

# The definition syntax another engineer writes the NHS A&E definition against, exactly; the ratio
# comes before its counts, which are in another section.
DEFINITION = """\
[scorecard]
id = "ae"
version = "1"
title = "Urgent care"
organisation = "Test Trust"

[[sections]]
id = "ae"
title = "A&E"

[[sections]]
id = "activity"
title = "Activity"

[[measures]]
id = "AE4H"
section = "ae"
title = "A&E patients seen within 4 hours"
unit = "percent"
polarity = "high"
ytd = "ratio"            # the year-to-date is the ratio of the year's sums
target = 0.95
ratio = { numerator = "AEBREACH", denominator = "AEATT", complement = true }   # 1 - numerator / denominator

[[measures]]
id = "AEATT"
section = "activity"
title = "A&E attendances"
unit = "count"
polarity = "none"
ytd = "sum"

[[measures]]
id = "AEBREACH"
section = "activity"
title = "A&E patients waiting over 4 hours"
unit = "count"
polarity = "none"
ytd = "sum"
"""
ATTENDANCES = [1000, 500, 600, 800]  # April to July 2022
BREACHES = [50, 30, "n/a", 64]


def counts(first: str = "2022-04") -> list[tuple[str, str, str, object]]:
    return [*months("AEATT", first, ATTENDANCES), *months("AEBREACH", first, BREACHES)]


@pytest.fixture
def ae(tmp_path: Path) -> Path:
    path = tmp_path / "ae.toml"
    path.write_text(DEFINITION, encoding="utf-8")
    return path


def ratio_measures(**ratio: Any) -> list[dict[str, Any]]:
    """A ratio M1 of two counts N and D, with `ratio`'s fields over the defaults."""
    fields = {"unit": "percent", "ytd": "ratio", "ratio": {"numerator": "N", "denominator": "D"}}
    return [
        measure("M1", **{**fields, **ratio}),
        measure("N", polarity="none", ytd="sum"),
        measure("D", polarity="none", ytd="sum"),
    ]


def test_the_definition_syntax_loads_with_its_counts_as_what_it_is_derived_from(ae: Path) -> None:
    definition = load_definition(ae)
    ae4h = definition.measure("AE4H")
    assert ae4h.ratio == Ratio("AEBREACH", "AEATT", complement=True)
    assert ae4h.ytd == "ratio" and ae4h.derived_from == ("AEBREACH", "AEATT")


def test_each_months_value_and_the_ytd_of_the_years_sums(ae: Path) -> None:
    definition = load_definition(ae)
    scorecard = card(definition, counts(), "2022-07")
    row = next(r for r in scorecard.rows if r.id == "AE4H")
    assert row.months[-4:] == (1 - 50 / 1000, 1 - 30 / 500, Missing("n/a"), 1 - 64 / 800)
    # The year's sums over the months where both counts have numbers (June's breaches are n/a).
    assert row.ytd == 1 - (50 + 30 + 64) / (1000 + 500 + 800)
    monthly = [1 - 50 / 1000, 1 - 30 / 500, 1 - 64 / 800]
    assert row.ytd != pytest.approx(sum(monthly) / 3)  # never the mean of the monthly percentages
    assert row.headline == row.ytd and row.target == 0.95
    assert row.rag == "A"  # 93.7% against 95%: worse, but within 5% of the target
    may = next(r for r in card(definition, counts(), "2022-05").rows if r.id == "AE4H")
    assert may.ytd == 1 - 80 / 1500


def test_last_years_outturn_not_given_is_the_ratio_of_last_years_sums() -> None:
    """The NHS sample gives no outturn rows: its 4-hour columns for 2016-17 and 2017-18 are worked
    out from those years' counts in its data (read here from the CSV alone), as their YTDs were."""
    import csv

    template = REPO / "workbook_templates" / "nhs_ae.toml"
    data = REPO / "samples" / "nhs_ae" / "data.csv"
    inputs = load_inputs(template, [data])
    sums: dict[tuple[str, int], float] = {}
    with data.open(newline="") as handle:
        for record in csv.DictReader(handle):
            year, month = map(int, record["period"].split("-"))
            start = year if month >= 4 else year - 1
            key = (record["measure"], start)
            sums[key] = sums.get(key, 0.0) + float(record["value"])
    scorecard = build_scorecard(inputs.definition, inputs.dataset)
    row = next(r for r in scorecard.rows if r.id == "FOUR_HOURS")
    assert row.outturns == pytest.approx(
        [1 - sums["BREACH", start] / sums["ATT", start] for start in (2016, 2017)]
    )
    attendances = next(r for r in scorecard.rows if r.id == "ATT")
    assert attendances.outturns == (sums["ATT", 2016], sums["ATT", 2017])


def test_the_ytd_restarts_with_the_reporting_year(ae: Path) -> None:
    definition = load_definition(ae)
    records = [*months("AEATT", "2022-02", [100, 100, 100]), *months("AEBREACH", "2022-02", [10, 20, 40])]
    row = next(r for r in card(definition, records, "2022-04").rows if r.id == "AE4H")
    assert row.ytd == 1 - 40 / 100  # April only: the year 2022-23 starts then


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (5, 0, Missing("z")),  # no attendances: not applicable
        (0, 0, Missing("z")),
        ("c", 100, Missing("c")),  # a suppressed count: the ratio is suppressed
        (5, "tbc", Missing("tbc")),
        ("n/a", "tbc", Missing("n/a")),  # the numerator's token first
        ("", 100, Missing("")),  # a blank count: a blank
        (5, None, None),  # no record for the denominator: no value
    ],
)
def test_a_month_without_two_numbers(numerator: object, denominator: object, expected: object) -> None:
    definition = make_definition(*ratio_measures())
    records = [
        ("N", "actual", "2023-03", numerator),
        ("N", "actual", "2023-02", 1),
        ("D", "actual", "2023-02", 2),
    ]
    if denominator is not None:
        records.append(("D", "actual", "2023-03", denominator))
    row = card(definition, records, "2023-03").rows[0]
    assert row.months[-1] == expected


def test_a_ratio_takes_no_actual_or_ytd_rows_of_its_own_but_takes_targets(ae: Path) -> None:
    definition = load_definition(ae)
    with pytest.raises(InputError) as caught:
        make_dataset(
            definition, [*counts(), ("AE4H", "actual", "2022-04", "95%"), ("AE4H", "ytd", "2022-04", "95%")]
        )
    assert [(p.where, p.field, p.value) for p in caught.value.problems] == [
        ("row 10 (measure AE4H)", "series", "actual"),
        ("row 11 (measure AE4H)", "series", "ytd"),
    ]
    assert (
        "AE4H is worked out from AEBREACH and AEATT (1 − AEBREACH ÷ AEATT)"
        in caught.value.problems[0].expected
    )
    outturn = make_dataset(definition, [*counts(), ("AE4H", "outturn", "2021-22", "91%")])
    assert outturn.of("AE4H").yearly["outturn"]


@pytest.mark.parametrize(
    ("fields", "where", "expected"),
    [
        ({"ytd": "sum"}, "ytd", '"ratio" for a ratio measure'),
        ({"ratio": None, "ytd": "ratio"}, "ytd", 'ytd = "ratio" needs ratio ='),
        ({"unit": "count"}, "unit", "percent or average for a ratio measure"),
        ({"unit": "rate_per_10k"}, "unit", "percent or average"),
        (
            {"unit": "average", "ratio": {"numerator": "N", "denominator": "D", "complement": True}},
            "ratio",
            "complement = true only",
        ),
        ({"ratio": {"numerator": "N"}}, "ratio", "a table such as"),
        ({"ratio": {"numerator": "N", "denominator": "D", "scale": 100}}, "ratio", "a table such as"),
        ({"ratio": {"numerator": "N", "denominator": "D", "complement": "yes"}}, "ratio", "a table such as"),
        ({"ratio": "N / D"}, "ratio", "a table such as"),
        (
            {"ratio": {"numerator": "X", "denominator": "D"}},
            "ratio.numerator",
            "another measure in this definition",
        ),
        ({"ratio": {"numerator": "M1", "denominator": "D"}}, "ratio.numerator", "another measure"),
        (
            {"ratio": {"numerator": "N", "denominator": "N"}},
            "ratio.denominator",
            "a count other than the numerator",
        ),
    ],
)
def test_a_wrong_ratio_is_refused_naming_the_measure_and_field(
    fields: dict[str, Any], where: str, expected: str
) -> None:
    with pytest.raises(InputError) as caught:
        make_definition(*ratio_measures(**fields))
    found = [(p.where, p.field, p.expected) for p in caught.value.problems]
    assert any(w == "measure M1" and f == where and expected in e for w, f, e in found), found


def test_its_counts_must_be_counts_reporting_when_it_does() -> None:
    quarterly = [measure("M2", unit="percent", polarity="none")]
    with pytest.raises(InputError) as caught:
        make_definition(
            measure("M1", unit="percent", ytd="ratio", ratio={"numerator": "M2", "denominator": "Q"}),
            *quarterly,
            measure("Q", polarity="none", frequency="quarterly"),
        )
    assert [(p.field, p.value, p.expected.split(":")[0]) for p in caught.value.problems] == [
        ("ratio.numerator", "M2", "a count measure"),
        ("ratio.denominator", "Q", "a count reporting when M1 does (monthly)"),
    ]


def test_the_data_table_holds_the_counts_only(ae: Path) -> None:
    definition = load_definition(ae)
    rows = table_rows(definition, make_dataset(definition, counts()))
    assert {row[0] for row in rows} == {"AEATT", "AEBREACH"}


def test_a_published_copy_hides_the_ratio_of_a_suppressed_count_and_the_ytd_after_it(ae: Path) -> None:
    definition = load_definition(ae)
    records = [*months("AEATT", "2022-04", [1000, 500, 600]), *months("AEBREACH", "2022-04", [50, 3, 40])]
    published = suppress(definition, make_dataset(definition, records), 5)
    ae4h = published.of("AE4H")
    assert ae4h.actual[Month(2022, 4)] == 1 - 50 / 1000  # April's counts are both published
    assert ae4h.actual[Month(2022, 5)] == Missing("c")  # 3 breaches of 500 would show as 99.4%
    assert ae4h.ytd[Month(2022, 4)] == 1 - 50 / 1000
    assert ae4h.ytd[Month(2022, 5)] == Missing("c") and ae4h.ytd[Month(2022, 6)] == Missing("c")


def test_a_built_published_copy_shows_the_shorthand(ae: Path, tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    rows = [
        ("AEATT", "2022-04", 1000),
        ("AEBREACH", "2022-04", 3),
        ("AEATT", "2022-05", 0),
        ("AEBREACH", "2022-05", 0),
    ]
    data.write_text(
        "measure,period,value\n" + "".join(f"{m},{p},{v}\n" for m, p, v in rows), encoding="utf-8"
    )
    result = build(tmp_path / "published.xlsx", ae, [data], options=Options.make(publish=5))
    row = next(r for r in result.scorecard.rows if r.id == "AE4H")
    assert row.months[-2:] == (Missing("[c]"), Missing("[z]"))


def test_refresh_after_count_rows_are_pasted_works_the_ratio_out_as_a_fresh_build(
    ae: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built for May; June and July's counts pasted under the Data table of the workbook, away from
    its data file: the ratio's months and YTD are worked out again, as a fresh build of July has
    them, cell for cell."""
    from tests.excel_payload import differences
    from tests.test_refresh import act, paste_under_table

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1681291800")
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    header = "measure,series,period,value\n"
    all_rows = [f"{m},{s},{p},{v}\n" for m, s, p, v in counts()]
    may_rows = [r for r in all_rows if "2022-06" not in r and "2022-07" not in r]
    (tmp_path / "built").mkdir()
    (tmp_path / "fresh").mkdir()
    (tmp_path / "built" / "data.csv").write_text(header + "".join(may_rows), encoding="utf-8")
    (tmp_path / "fresh" / "data.csv").write_text(header + "".join(all_rows), encoding="utf-8")
    may = build(tmp_path / "built" / "board.xlsx", ae, [tmp_path / "built" / "data.csv"])
    assert may.scorecard.period == Month(2022, 5)
    (tmp_path / "built" / "data.csv").unlink()  # the workbook alone: it refreshes from its table
    payload = payload_from_file(may.path)
    paste_under_table(payload, [r.strip().split(",") for r in all_rows if r not in may_rows])

    actions, told, outcome = act(payload)

    assert outcome is not None, told
    fresh = build(tmp_path / "fresh" / "board.xlsx", ae, [tmp_path / "fresh" / "data.csv"])
    refreshed = next(r for r in outcome.plan.scorecard.rows if r.id == "AE4H")
    built = next(r for r in fresh.scorecard.rows if r.id == "AE4H")
    assert refreshed.months == built.months and refreshed.months[-1] == 1 - 64 / 800
    assert refreshed.ytd == built.ytd == 1 - (50 + 30 + 64) / (1000 + 500 + 800)
    result = as_a_build_says(apply_actions(payload, actions))
    assert not differences(result, payload_from_file(fresh.path), formula_cells(fresh.path))


def test_the_definitions_sheet_and_key_say_how_it_is_worked_out(ae: Path) -> None:
    scorecard, layout = lay_out(BuildRequest(load_inputs(ae, _data(ae))))
    words = [v for sheet in layout.sheets for _, _, v, _ in sheet.every_cell() if isinstance(v, str)]
    assert (
        "1 − AEBREACH ÷ AEATT each month; the year to date from the year's sums (months where both "
        "counts have numbers)" in words
    )
    assert any(w.startswith("A percentage (or average) worked out from two counts") for w in words)
    assert scorecard.period == Month(2022, 7)


def _data(definition: Path) -> Path:
    path = definition.with_name("data.csv")
    path.write_text(
        "measure,series,period,value\n" + "".join(f"{m},{s},{p},{v}\n" for m, s, p, v in counts()),
        encoding="utf-8",
    )
    return path
