"""Loading scorecard definitions: a valid one in full, and invalid ones reporting every problem at
once, each problem naming the file, the measure or section, the field, the bad value and what is
accepted."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scorecard_xl.errors import InputError, Problem
from scorecard_xl.inputs.definition import Definition, Target, Tolerance
from scorecard_xl.inputs.definition_reader import load_definition
from scorecard_xl.inputs.units import UNITS
from tests.conftest import TEMPLATE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


BASE: dict[str, Any] = {
    "scorecard": {
        "id": "test-card",
        "version": "2024.1",
        "title": "Test Scorecard",
        "organisation": "Test Trust",
    },
    "comparators": [
        {"id": "sn", "label": "SN", "name": "Statistical neighbours", "method": "mean"},
        {"id": "england", "label": "England", "name": "England average"},
    ],
    "sections": [
        {"id": "referrals", "title": "Referrals"},
        {"id": "care", "title": "Children in Care"},
    ],
    "measures": [
        {
            "id": "CIC01",
            "section": "care",
            "title": "Children in care",
            "unit": "rate_per_10k",
            "polarity": "low",
            "ytd": "latest",
            "target": "sn",
        },
        {
            "id": "REF01",
            "section": "referrals",
            "title": "Referrals",
            "unit": "count",
            "polarity": "none",
            "ytd": "sum",
        },
        {
            "id": "REF02",
            "section": "referrals",
            "title": "Re-referrals within 12 months",
            "unit": "percent",
            "decimals": 0,
            "polarity": "low",
            "ytd": "provided",
            "target": "22%",
            "tolerance": "2pp",
            "definition": "Referrals   within 12 months\n of a previous one.",
        },
        {
            "id": "REF03",
            "section": "referrals",
            "title": "Assessments in 45 days",
            "unit": "percent",
            "polarity": "high",
            "frequency": "quarterly",
            "ytd": "mean",
            "target": "data",
        },
        {
            "id": "REF04",
            "section": "referrals",
            "title": "Average days to assessment",
            "unit": "days",
            "polarity": "low",
            "target": 35,
            "tolerance": 3,
        },
    ],
}


# --- writing definitions ------------------------------------------------------------------------


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string for everything used here
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def to_toml(raw: dict[str, Any]) -> str:
    """A definition dict as TOML: top-level tables and arrays of tables of plain values."""
    lines: list[str] = []
    for key, section in raw.items():
        tables = section if isinstance(section, list) else [section]
        header = f"[[{key}]]" if isinstance(section, list) else f"[{key}]"
        for table in tables:
            lines.append(header)
            lines.extend(f"{field} = {_toml_value(value)}" for field, value in table.items())
            lines.append("")
    return "\n".join(lines)


def base() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def measure(raw: dict[str, Any], measure_id: str) -> dict[str, Any]:
    return next(m for m in raw["measures"] if m["id"] == measure_id)


@pytest.fixture
def write_definition(tmp_path: Path) -> Callable[..., Path]:
    def write(raw: dict[str, Any], name: str = "card.toml") -> Path:
        path = tmp_path / name
        if name.endswith(".toml"):
            path.write_text(to_toml(raw), encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def problems_of(write_definition: Callable[..., Path]) -> Callable[[dict[str, Any]], list[Problem]]:
    """Load a definition that must be invalid; return its problems."""

    def load(raw: dict[str, Any]) -> list[Problem]:
        path = write_definition(raw)
        with pytest.raises(InputError) as caught:
            load_definition(path)
        return list(caught.value.problems)

    return load


def only(problems: list[Problem], where: str, field: str) -> Problem:
    """The one problem at `where` about `field` (fails if there are none or several)."""
    found = [p for p in problems if p.where == where and p.field == field]
    assert len(found) == 1, f"expected one problem at {where!r} {field!r}, got {problems}"
    return found[0]


# --- a valid definition -------------------------------------------------------------------------


def test_valid_definition_loads(write_definition) -> None:
    path = write_definition(base())
    definition = load_definition(path)

    assert definition.id == "test-card"
    assert definition.version == "2024.1"
    assert definition.title == "Test Scorecard"
    assert definition.organisation == "Test Trust"
    assert definition.source == "card.toml"
    assert definition.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [c.id for c in definition.comparators] == ["sn", "england"]
    assert definition.comparator("sn").description == "Statistical neighbours (mean)"
    assert definition.comparator("england").description == "England average"
    assert definition.comparator("wales") is None
    assert [s.id for s in definition.sections] == ["referrals", "care"]
    # grouped by section in section order, file order within a section
    assert [m.id for m in definition.measures] == ["REF01", "REF02", "REF03", "REF04", "CIC01"]
    assert [m.id for m in definition.measures_in("care")] == ["CIC01"]
    assert definition.has_measure("REF02") and not definition.has_measure("REF99")


def test_scorecard_defaults(write_definition) -> None:
    definition = load_definition(write_definition(base()))
    assert definition.marking == "OFFICIAL"
    assert definition.year_start_month == 4
    assert definition.periods_shown == 6
    assert definition.headline == "ytd"
    assert definition.outturn_years == 2
    assert definition.percent_input == "fraction"
    assert definition.default_tolerance == Tolerance("relative", 0.05)
    assert definition.sparkline == "line"
    assert definition.paper == "A4"


def test_measure_fields(write_definition) -> None:
    definition = load_definition(write_definition(base()))
    ref01, ref02, ref03, ref04, cic01 = (
        definition.measure(i) for i in ("REF01", "REF02", "REF03", "REF04", "CIC01")
    )

    assert ref01.unit is UNITS["count"]
    assert ref01.decimals == 0
    assert ref01.frequency == "monthly"
    assert ref01.reporting_months == ()
    assert ref01.target == Target("none")
    assert not ref01.target.judged
    assert ref01.tolerance == Tolerance("relative", 0.05)  # the default tolerance

    assert ref02.unit is UNITS["percent"]
    assert ref02.decimals == 0
    assert ref02.target.kind == "fixed"
    assert ref02.target.value == pytest.approx(0.22)
    assert ref02.tolerance.kind == "absolute"
    assert ref02.tolerance.amount == pytest.approx(0.02)
    assert ref02.tolerance.describe(ref02.unit) == "within 2 percentage points of target"
    assert ref02.definition == "Referrals within 12 months of a previous one."

    assert ref03.decimals == 1  # percent default
    assert ref03.target == Target("data")
    assert ref03.ytd == "mean"

    assert ref04.unit is UNITS["days"]
    assert ref04.ytd == "none"  # default
    assert ref04.target == Target("fixed", value=35.0)
    assert ref04.tolerance == Tolerance("absolute", 3.0)
    assert ref04.tolerance.describe(ref04.unit) == "within 3 of target"

    assert cic01.decimals == 1  # rate default
    assert cic01.target == Target("comparator", comparator="sn")


@pytest.mark.parametrize(
    ("tolerance", "expected"),
    [
        ("10%", Tolerance("relative", 0.1)),
        ("2.5%", Tolerance("relative", 0.025)),
        (0, Tolerance("none", 0.0)),
        ("0", Tolerance("none", 0.0)),
        (4, Tolerance("absolute", 4.0)),
        ("1.5", Tolerance("absolute", 1.5)),
    ],
)
def test_tolerances_on_a_days_measure(write_definition, tolerance, expected) -> None:
    raw = base()
    measure(raw, "REF04")["tolerance"] = tolerance
    definition = load_definition(write_definition(raw))
    assert definition.measure("REF04").tolerance == expected


def test_tolerance_bands() -> None:
    assert Tolerance("relative", 0.05).band(90.0) == pytest.approx(4.5)
    assert Tolerance("relative", 0.05).band(-20.0) == pytest.approx(1.0)
    assert Tolerance("absolute", 3.0).band(90.0) == 3.0
    assert Tolerance("none", 0.0).band(90.0) == 0.0


def test_numeric_version_is_text(write_definition) -> None:
    raw = base()
    raw["scorecard"]["version"] = 2
    assert load_definition(write_definition(raw)).version == "2"


def test_points_reads_a_bare_target_as_points(write_definition) -> None:
    raw = base()
    raw["scorecard"]["percent_input"] = "points"
    measure(raw, "REF02")["target"] = 22
    definition = load_definition(write_definition(raw))
    assert definition.measure("REF02").target.value == pytest.approx(0.22)


# --- reporting months ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year_start_month", "frequency", "months"),
    [
        (4, "quarterly", (6, 9, 12, 3)),
        (1, "quarterly", (3, 6, 9, 12)),
        (4, "termly", (12, 4, 7)),
        (4, "annual", (3,)),
        (1, "annual", (12,)),
        (9, "annual", (8,)),
        (4, "monthly", ()),
    ],
)
def test_default_reporting_months(write_definition, year_start_month, frequency, months) -> None:
    raw = base()
    raw["scorecard"]["year_start_month"] = year_start_month
    measure(raw, "REF03")["frequency"] = frequency
    definition = load_definition(write_definition(raw))
    assert definition.measure("REF03").reporting_months == months
    assert definition.year_start_month == year_start_month


def test_given_reporting_months_are_kept(write_definition) -> None:
    raw = base()
    measure(raw, "REF03")["reporting_months"] = [5, 8, 11, 2]
    ref03 = load_definition(write_definition(raw)).measure("REF03")
    assert ref03.reporting_months == (5, 8, 11, 2)
    assert ref03.reports_in(8) and not ref03.reports_in(6)


# --- YAML ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["card.yaml", "card.yml"])
def test_yaml_loads_the_same_as_toml(write_definition, name) -> None:
    from_toml = load_definition(write_definition(base(), "card.toml"))
    yaml_path = write_definition(base(), name)
    from_yaml = load_definition(yaml_path)
    assert from_yaml.source == name
    assert from_yaml.sha256 == hashlib.sha256(yaml_path.read_bytes()).hexdigest()
    same = dataclasses.replace(from_yaml, source=from_toml.source, sha256=from_toml.sha256)
    assert same == from_toml


def test_yaml_problems_are_reported_the_same_way(write_definition) -> None:
    raw = base()
    measure(raw, "REF01")["unit"] = "number"
    with pytest.raises(InputError) as caught:
        load_definition(write_definition(raw, "card.yaml"))
    [problem] = caught.value.problems
    assert (problem.source, problem.where, problem.field, problem.value) == (
        "card.yaml",
        "measure REF01",
        "unit",
        "number",
    )


# --- the bundled template -----------------------------------------------------------------------


def test_bundled_template_loads() -> None:
    definition = load_definition(TEMPLATE)
    assert definition.id == "nct-monthly"
    assert len(definition.measures) == 93
    assert len(definition.sections) == 11
    assert len({m.id for m in definition.measures}) == 93
    assert [c.id for c in definition.comparators] == ["sn", "england"]
    assert definition.year_start_month == 4
    assert definition.paper == "A4"  # the board reads A4
    # every section has measures, in the file's order within it
    raw = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    for section in definition.sections:
        in_file = [m["id"] for m in raw["measures"] if m["section"] == section.id]
        assert [m.id for m in definition.measures_in(section.id)] == in_file
        assert in_file


# --- invalid definitions: every problem at once -------------------------------------------------


def broken() -> dict[str, Any]:
    """BASE with one of each mistake the brief names."""
    raw = base()
    raw["scorecard"]["year_start_month"] = 13
    raw["measures"] += [
        {"id": "T01", "section": "referrals", "title": "t", "unit": "count", "polarty": "high"},
        {"id": "T02", "section": "referrals", "title": "t", "unit": "percentage", "polarity": "high"},
        {"id": "REF01", "section": "referrals", "title": "t", "unit": "count", "polarity": "high"},
        {"id": "T03", "section": "finance", "title": "t", "unit": "count", "polarity": "high"},
        {
            "id": "T04",
            "section": "referrals",
            "title": "t",
            "unit": "count",
            "polarity": "none",
            "target": 100,
        },
        {
            "id": "T05",
            "section": "referrals",
            "title": "t",
            "unit": "count",
            "polarity": "high",
            "target": 100,
            "tolerance": "2pp",
        },
        {
            "id": "T06",
            "section": "referrals",
            "title": "t",
            "unit": "percent",
            "polarity": "high",
            "target": "90%",
            "tolerance": "5",
        },
        {
            "id": "T07",
            "section": "referrals",
            "title": "t",
            "unit": "count",
            "polarity": "high",
            "reporting_months": [6, 12],
        },
    ]
    return raw


def test_every_problem_is_reported_at_once(problems_of) -> None:
    problems = problems_of(broken())
    # (Reporting each problem only once is checked by test_bad_year_start_month_is_reported_once.)
    assert {(p.where, p.field) for p in problems} == {
        ("[scorecard]", "year_start_month"),
        ("measure T01", "polarty"),  # the typo
        ("measure T01", "polarity"),  # ... so polarity is missing
        ("measure T02", "unit"),
        ("measure REF01", "id"),
        ("measure T03", "section"),
        ("measure T04", "polarity"),
        ("measure T05", "tolerance"),
        ("measure T06", "tolerance"),
        ("measure T07", "reporting_months"),
    }
    assert {p.source for p in problems} == {"card.toml"}


def test_error_message_lists_every_problem_on_its_own_line(write_definition) -> None:
    with pytest.raises(InputError) as caught:
        load_definition(write_definition(broken()))
    lines = str(caught.value).splitlines()
    assert len(lines) == len(caught.value.problems)
    assert all(line.startswith("card.toml, ") for line in lines)
    assert (
        "card.toml, measure T02: unit: got 'percentage'; "
        "one of count, percent, rate_per_10k, days, weeks, average"
    ) in lines


def test_unknown_field(problems_of) -> None:
    problem = only(problems_of(broken()), "measure T01", "polarty")
    assert problem.value == "high"
    assert "unknown field" in problem.expected
    assert "polarity" in problem.expected  # the accepted fields are listed


def test_unknown_field_in_the_scorecard_table(problems_of) -> None:
    raw = base()
    raw["scorecard"]["titel"] = "Oops"
    [problem] = problems_of(raw)
    assert (problem.where, problem.field, problem.value) == ("[scorecard]", "titel", "Oops")
    assert "title" in problem.expected


def test_unknown_top_level_table(problems_of) -> None:
    raw = base()
    raw["measure"] = raw.pop("measures")
    problems = problems_of(raw)
    assert only(problems, "", "measure").expected.startswith("an unknown field")
    assert "[[measures]]" in only(problems, "", "measures").expected


def test_missing_polarity_after_a_typo(problems_of) -> None:
    problem = only(problems_of(broken()), "measure T01", "polarity")
    assert problem.value is None
    assert "high, low, none" in problem.expected


def test_bad_unit(problems_of) -> None:
    problem = only(problems_of(broken()), "measure T02", "unit")
    assert problem.value == "percentage"
    assert "count, percent, rate_per_10k, days, weeks, average" in problem.expected


def test_duplicate_measure_id(problems_of) -> None:
    problem = only(problems_of(broken()), "measure REF01", "id")
    assert problem.value == "REF01"
    assert "not used by another measure" in problem.expected


def test_unknown_section(problems_of) -> None:
    problem = only(problems_of(broken()), "measure T03", "section")
    assert problem.value == "finance"
    assert "referrals" in problem.expected and "care" in problem.expected


def test_target_needs_a_polarity(problems_of) -> None:
    problem = only(problems_of(broken()), "measure T04", "polarity")
    assert problem.value == "none"
    assert "high or low" in problem.expected
    assert 'target = "none"' in problem.expected


def test_pp_tolerance_on_a_count(problems_of) -> None:
    problem = only(problems_of(broken()), "measure T05", "tolerance")
    assert problem.value == "2pp"
    assert "percent measures" in problem.expected


@pytest.mark.parametrize("tolerance", ["5", 5])
def test_bare_tolerance_on_a_percent_is_ambiguous(problems_of, tolerance) -> None:
    raw = base()
    measure(raw, "REF02")["tolerance"] = tolerance
    [problem] = problems_of(raw)
    assert (problem.where, problem.field, problem.value) == ("measure REF02", "tolerance", tolerance)
    assert '"5pp"' in problem.expected and '"5%"' in problem.expected


@pytest.mark.parametrize("tolerance", ["five", "-5%", "5 percent", True])
def test_unreadable_tolerance(problems_of, tolerance) -> None:
    raw = base()
    measure(raw, "REF04")["tolerance"] = tolerance
    [problem] = problems_of(raw)
    assert (problem.where, problem.field, problem.value) == ("measure REF04", "tolerance", tolerance)
    assert '"5%"' in problem.expected


def test_reporting_months_on_a_monthly_measure(problems_of) -> None:
    problem = only(problems_of(broken()), "measure T07", "reporting_months")
    assert problem.value == [6, 12]
    assert "quarterly" in problem.expected


@pytest.mark.parametrize("months", [[0, 6], [13], []])
def test_reporting_months_out_of_range(problems_of, months) -> None:
    raw = base()
    measure(raw, "REF03")["reporting_months"] = months
    [problem] = problems_of(raw)
    assert (problem.where, problem.field, problem.value) == ("measure REF03", "reporting_months", months)
    assert "1 to 12" in problem.expected


@pytest.mark.parametrize("value", [0, 13, "April", 4.5])
def test_bad_year_start_month_is_reported_once(problems_of, value) -> None:
    raw = base()
    raw["scorecard"]["year_start_month"] = value
    problems = problems_of(raw)
    problem = only(problems, "[scorecard]", "year_start_month")
    assert problem.value == value
    assert problem.expected == "a whole number from 1 to 12"
    assert len(problems) == 1


def test_bad_percent_input_is_reported_once(problems_of) -> None:
    raw = base()
    raw["scorecard"]["percent_input"] = "percent"
    problems = problems_of(raw)
    problem = only(problems, "[scorecard]", "percent_input")
    assert problem.value == "percent"
    assert "fraction, points" in problem.expected
    assert len(problems) == 1


@pytest.mark.parametrize(
    ("field", "value", "expected_text"),
    [
        ("headline", "year", "ytd, latest"),
        ("sparkline", "bar", "line, column"),
        ("paper", "A5", "A4, A3"),
        ("months_shown", 0, "1 to 24"),
        ("outturn_years", 9, "0 to 5"),
        ("id", "Test Card", "lower-case"),
        ("default_tolerance", "2pp%", '"5%"'),
    ],
)
def test_bad_scorecard_fields(problems_of, field, value, expected_text) -> None:
    raw = base()
    raw["scorecard"][field] = value
    [problem] = problems_of(raw)
    assert (problem.where, problem.field, problem.value) == ("[scorecard]", field, value)
    assert expected_text in problem.expected


def test_missing_required_scorecard_fields(problems_of) -> None:
    raw = base()
    del raw["scorecard"]["title"], raw["scorecard"]["version"]
    problems = problems_of(raw)
    assert only(problems, "[scorecard]", "title").value is None
    assert only(problems, "[scorecard]", "version").value is None
    assert len(problems) == 2


@pytest.mark.parametrize(
    ("target", "expected_text"),
    [
        ("wales", '"sn", "england"'),  # not a comparator
        ("tbc", '"data"'),  # a token is not a target
        (90, "'90%'"),  # a bare 90 under fraction: write 90%
    ],
)
def test_bad_target(problems_of, target, expected_text) -> None:
    raw = base()
    measure(raw, "REF02")["target"] = target
    [problem] = problems_of(raw)
    assert (problem.where, problem.field, problem.value) == ("measure REF02", "target", target)
    assert expected_text in problem.expected


def test_comparator_id_clashing_with_a_series(problems_of) -> None:
    raw = base()
    raw["comparators"][1]["id"] = "target"
    [problem] = problems_of(raw)
    assert (problem.field, problem.value) == ("id", "target")
    assert "actual, ytd, target, outturn" in problem.expected


def test_section_without_measures(problems_of) -> None:
    raw = base()
    raw["sections"].append({"id": "finance", "title": "Finance"})
    [problem] = problems_of(raw)
    assert problem.where == "section finance"
    assert "at least one measure" in problem.expected


def test_a_problem_in_a_section_names_the_section(problems_of) -> None:
    raw = base()
    raw["sections"][1]["titel"] = raw["sections"][1].pop("title")  # a typo in the field name
    problems = problems_of(raw)
    assert {p.where for p in problems} == {"section care"}
    assert {p.field for p in problems} == {"titel", "title"}


def test_problem_text_names_file_where_field_value_and_expectation(problems_of) -> None:
    problem = only(problems_of(broken()), "measure T02", "unit")
    assert str(problem) == (
        "card.toml, measure T02: unit: got 'percentage'; "
        "one of count, percent, rate_per_10k, days, weeks, average"
    )


# --- files --------------------------------------------------------------------------------------


def test_missing_definition_file(tmp_path) -> None:
    with pytest.raises(InputError) as caught:
        load_definition(tmp_path / "nope.toml")
    [problem] = caught.value.problems
    assert problem.source.endswith("nope.toml")
    assert problem.expected == "no such definition file"


def test_invalid_toml(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[scorecard]\nid = "x\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_definition(path)
    [problem] = caught.value.problems
    assert problem.source == "bad.toml"
    assert problem.expected.startswith("not valid TOML")


def test_invalid_yaml(tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("scorecard: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_definition(path)
    assert caught.value.problems[0].expected.startswith("not valid YAML")


def test_unknown_file_type(tmp_path) -> None:
    path = tmp_path / "card.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_definition(path)
    [problem] = caught.value.problems
    assert (problem.field, problem.value) == ("file type", ".json")


def test_definition_is_frozen(write_definition) -> None:
    definition: Definition = load_definition(write_definition(base()))
    with pytest.raises(dataclasses.FrozenInstanceError):
        definition.title = "changed"  # type: ignore[misc]


def test_a_release_and_notes_on_the_data_are_read(write_definition) -> None:
    raw = base()
    raw["release"] = {"source": "Our case system", "email": "team@example.gov.uk", "next_release": "May"}
    raw["notes"] = [
        {"measures": ["CIC01"], "text": "Corrected by hand."},
        {"text": "All figures are provisional."},
    ]
    definition = load_definition(write_definition(raw))
    assert definition.release.source == "Our case system" and definition.release.contact == ""
    assert definition.release.whom_to_ask == "team@example.gov.uk"
    assert [(n.measures, n.text) for n in definition.notes] == [
        (("CIC01",), "Corrected by hand."),
        ((), "All figures are provisional."),
    ]


def test_a_bad_release_or_note_is_named(problems_of) -> None:
    raw = base()
    raw["release"] = {"email": "not an address", "editor": "Jo"}
    raw["notes"] = [{"measures": ["NOPE"], "text": "=HYPERLINK(1)"}, {"measures": ["CIC01"]}]
    problems = problems_of(raw)
    assert "email address" in only(problems, "[release]", "email").expected
    assert "unknown field" in only(problems, "[release]", "editor").expected
    assert "measure ids" in only(problems, "note 1", "measures").expected
    assert only(problems, "note 1", "text").value == "=HYPERLINK(1)"  # (it would run as a formula)
    assert "required" in only(problems, "note 2", "text").expected
