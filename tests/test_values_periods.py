"""Reading data values (parse_value), showing them (round_for_display, format_for_text), and the
month / reporting-year arithmetic every figure hangs off."""

from __future__ import annotations

import math

import pytest

from scorecard_xl.inputs.periods import Month, ReportingYear
from scorecard_xl.inputs.units import UNITS
from scorecard_xl.inputs.values import BLANK, Missing, format_for_text, parse_value, round_for_display

COUNT = UNITS["count"]
PERCENT = UNITS["percent"]
RATE = UNITS["rate_per_10k"]
DAYS = UNITS["days"]
WEEKS = UNITS["weeks"]
AVERAGE = UNITS["average"]


def refused(raw: object, unit=COUNT, percent_input: str = "fraction") -> str:
    """The message parse_value gives when it refuses `raw` (fails the test if it accepts it)."""
    with pytest.raises(ValueError) as caught:
        value = parse_value(raw, unit, percent_input)
        pytest.fail(f"{raw!r} was accepted as {value!r}")
    return str(caught.value)


# --- parse_value: percentages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("64%", 0.64), (" 64 % ", 0.64), ("64.5%", 0.645), ("0%", 0.0), ("100%", 1.0), ("7%", 0.07)],
)
@pytest.mark.parametrize("percent_input", ["fraction", "points"])
def test_percent_sign_is_always_per_cent(raw: str, expected: float, percent_input: str) -> None:
    assert parse_value(raw, PERCENT, percent_input) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("raw", "expected"), [(0.64, 0.64), ("0.64", 0.64), (1, 1.0), ("-0.5", -0.5)])
def test_bare_number_is_a_fraction_under_fraction(raw: object, expected: float) -> None:
    assert parse_value(raw, PERCENT, "fraction") == pytest.approx(expected)


@pytest.mark.parametrize("raw", [64, "64", 64.0, "1.5", -2])
def test_bare_number_outside_minus_one_to_one_is_refused_under_fraction(raw: object) -> None:
    message = refused(raw, PERCENT, "fraction")
    assert "fraction" in message
    assert "%" in message  # tells the user to write it with a % sign
    assert "points" in message  # ... or how to switch the definition to points


def test_refused_bare_percent_message_shows_the_value_with_a_percent_sign() -> None:
    assert "'64%'" in refused("64", PERCENT, "fraction")


@pytest.mark.parametrize(("raw", "expected"), [(64, 0.64), ("64", 0.64), ("0.5", 0.005), (150, 1.5)])
def test_bare_number_is_points_under_points(raw: object, expected: float) -> None:
    assert parse_value(raw, PERCENT, "points") == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("unit", [COUNT, RATE, DAYS, WEEKS, AVERAGE])
def test_percent_sign_is_refused_for_other_units(unit) -> None:
    message = refused("12%", unit)
    assert "no % sign" in message
    assert unit.label in message


# --- parse_value: numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("1639", COUNT, 1639.0),
        ("1,639", COUNT, 1639.0),
        ("1,234,567", COUNT, 1234567.0),
        (" 42 ", COUNT, 42.0),
        (1639, COUNT, 1639.0),
        (12.0, COUNT, 12.0),
        ("12.0", COUNT, 12.0),
        ("0", COUNT, 0.0),
        ("18.7", RATE, 18.7),
        ("1,018.7", RATE, 1018.7),
        ("-3.25", AVERAGE, -3.25),
        ("12.5", DAYS, 12.5),
        ("2.5", WEEKS, 2.5),
    ],
)
def test_numbers(raw: object, unit, expected: float) -> None:
    value = parse_value(raw, unit)
    assert isinstance(value, float)
    assert value == expected


@pytest.mark.parametrize("raw", ["12.5", 12.5, "0.1", "1,639.5"])
def test_counts_must_be_whole(raw: object) -> None:
    assert "whole number" in refused(raw, COUNT)


@pytest.mark.parametrize("raw", ["18,7", "1,,2", "12,34", "1,2345"])
def test_misplaced_thousands_separator_is_refused_not_guessed(raw: str) -> None:
    # "18,7" is a decimal comma (18.7) to many people: reading it as 187 silently would be wrong.
    refused(raw, RATE)


@pytest.mark.parametrize(
    ("raw", "unit"),
    [
        ("abc", COUNT),
        ("12abc", COUNT),
        ("1.2.3", RATE),
        ("--5", COUNT),
        ("five", COUNT),
        ("1_000", COUNT),
        ("0x10", COUNT),
        ("%", PERCENT),
        ("abc%", PERCENT),
    ],
)
def test_text_is_refused_with_the_accepted_tokens(raw: str, unit) -> None:
    message = refused(raw, unit)
    assert "a number" in message
    assert "'n/a'" in message and "'tbc'" in message and "empty cell" in message


@pytest.mark.parametrize(
    "raw", [math.nan, math.inf, -math.inf, "nan", "NaN", "inf", "-inf", "Infinity", "1e999"]
)
def test_nan_and_infinity_are_refused(raw: object) -> None:
    refused(raw, AVERAGE)


@pytest.mark.parametrize("raw", ["nan%", "inf%", "1e999%"])
def test_nan_and_infinity_are_refused_with_a_percent_sign(raw: str) -> None:
    refused(raw, PERCENT)


@pytest.mark.parametrize("raw", [True, False])
def test_booleans_are_refused(raw: bool) -> None:
    refused(raw, COUNT)


# --- parse_value: missing-value tokens ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "token"),
    [
        ("n/a", "n/a"),
        ("N/A", "n/a"),
        ("N/a", "n/a"),
        ("tbc", "tbc"),
        ("TBC", "tbc"),
        ("tb", "tb"),
        ("Tb", "tb"),
        ("-", "-"),
        ("c", "c"),
        ("C", "c"),
        ("x", "x"),
        ("X", "x"),
        ("z", "z"),
        ("u", "u"),
        ("low", "low"),
        ("LOW", "low"),
        (" n/a ", "n/a"),
        # the GSS shorthand (ONS and DfE tables, a published workbook's own Data table)
        ("[c]", "c"),
        ("[X]", "x"),
        ("[z]", "z"),
        ("[u]", "u"),
        ("[low]", "low"),
        ("", ""),
        ("   ", ""),
    ],
)
@pytest.mark.parametrize("unit", [COUNT, PERCENT, RATE])
def test_missing_value_tokens_are_never_zero(raw: str, token: str, unit) -> None:
    value = parse_value(raw, unit)
    assert value == Missing(token)
    assert not isinstance(value, float)
    assert value != 0


def test_none_is_blank() -> None:
    assert parse_value(None, COUNT) is BLANK
    assert parse_value("", COUNT) == BLANK == Missing("")


def test_missing_shows_its_token_and_meaning() -> None:
    assert str(Missing("c")) == "c"
    assert "suppressed" in Missing("c").meaning
    assert "to be confirmed" in Missing("tbc").meaning


# --- round_for_display and format_for_text ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "shown"),
    [
        (2.5, COUNT, 0, 3.0),
        (3.5, COUNT, 0, 4.0),  # not banker's rounding
        (-2.5, COUNT, 0, -3.0),  # away from zero
        (2.4999, COUNT, 0, 2.0),
        (1.005, AVERAGE, 2, 1.01),  # as written, not as the float 1.00499999...
        (0.125, AVERAGE, 2, 0.13),
        (18.75, RATE, 1, 18.8),
        (-18.75, RATE, 1, -18.8),
        (0.645, PERCENT, 0, 0.65),  # 64.5% -> 65%
        (0.8995, PERCENT, 1, 0.9),  # 89.95% -> 90.0%
        (0.8996, PERCENT, 1, 0.9),
        (0.8994, PERCENT, 1, 0.899),
        (0.2865, PERCENT, 1, 0.287),
        (-0.0005, PERCENT, 1, -0.001),
    ],
)
def test_round_for_display_is_half_away_from_zero(value, unit, decimals, shown) -> None:
    assert round_for_display(value, unit, decimals) == pytest.approx(shown, abs=1e-12)


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "text"),
    [
        (1639.0, COUNT, 0, "1,639"),
        (1234567.0, COUNT, 0, "1,234,567"),
        (0.0, COUNT, 0, "0"),
        (18.75, RATE, 1, "18.8"),
        (2.5, DAYS, 0, "3"),
        (0.64, PERCENT, 0, "64%"),
        (0.645, PERCENT, 0, "65%"),
        (0.8995, PERCENT, 1, "90.0%"),
        (0.072, PERCENT, 1, "7.2%"),
        (12.3456, AVERAGE, 2, "12.35"),
        (-3.25, AVERAGE, 1, "-3.3"),
    ],
)
def test_format_for_text(value, unit, decimals, text) -> None:
    assert format_for_text(value, unit, decimals) == text


def test_format_for_text_shows_tokens_as_written_and_nothing_for_none() -> None:
    assert format_for_text(Missing("n/a"), PERCENT, 1) == "n/a"
    assert format_for_text(Missing("c"), COUNT, 0) == "c"
    assert format_for_text(BLANK, COUNT, 0) == ""
    assert format_for_text(None, COUNT, 0) == ""


# --- Month --------------------------------------------------------------------------------------


def test_month_parse() -> None:
    assert Month.parse("2023-03") == Month(2023, 3)
    assert Month.parse(" 2022-10 ") == Month(2022, 10)
    assert Month.parse("2022-12") == Month(2022, 12)


@pytest.mark.parametrize(
    "text", ["2023-13", "2023-00", "2023-3", "23-03", "March 2023", "2023/03", "2023-03-01", ""]
)
def test_month_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse(text)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (Month(2023, 3), 0, Month(2023, 3)),
        (Month(2023, 3), 1, Month(2023, 4)),
        (Month(2023, 3), -1, Month(2023, 2)),
        (Month(2023, 1), -1, Month(2022, 12)),
        (Month(2022, 12), 1, Month(2023, 1)),
        (Month(2023, 3), -12, Month(2022, 3)),
        (Month(2023, 3), -5, Month(2022, 10)),
        (Month(2023, 3), 25, Month(2025, 4)),
        (Month(2023, 3), -27, Month(2020, 12)),
    ],
)
def test_month_shift(start: Month, months: int, expected: Month) -> None:
    assert start.shift(months) == expected


def test_month_labels_and_order() -> None:
    month = Month(2022, 10)
    assert month.iso == "2022-10"
    assert month.label == "Oct 22"
    assert month.long_label == "October 2022"
    assert Month(2005, 1).label == "Jan 05"
    assert Month(2023, 3).iso == "2023-03"
    assert Month(2022, 12) < Month(2023, 1) < Month(2023, 2)


# --- ReportingYear ------------------------------------------------------------------------------


def test_reporting_year_parse_april() -> None:
    year = ReportingYear.parse("2022-23", 4)
    assert year == ReportingYear(2022, 4)
    assert ReportingYear.parse(" 1999-00 ", 4) == ReportingYear(1999, 4)


@pytest.mark.parametrize("text", ["2022-24", "2022-22", "2022", "22-23", "2022/23", "2022-2023", ""])
def test_reporting_year_parse_refuses_for_april(text: str) -> None:
    with pytest.raises(ValueError):
        ReportingYear.parse(text, 4)


def test_reporting_year_parse_january() -> None:
    assert ReportingYear.parse("2022", 1) == ReportingYear(2022, 1)
    with pytest.raises(ValueError, match="YYYY"):
        ReportingYear.parse("2022-23", 1)


@pytest.mark.parametrize(
    ("month", "start_month", "expected_start"),
    [
        (Month(2023, 3), 4, 2022),
        (Month(2023, 4), 4, 2023),
        (Month(2022, 4), 4, 2022),
        (Month(2022, 12), 4, 2022),
        (Month(2023, 1), 4, 2022),
        (Month(2023, 1), 1, 2023),
        (Month(2023, 12), 1, 2023),
        (Month(2023, 8), 9, 2022),  # an academic year starting in September
        (Month(2023, 9), 9, 2023),
    ],
)
def test_reporting_year_of(month: Month, start_month: int, expected_start: int) -> None:
    assert ReportingYear.of(month, start_month) == ReportingYear(expected_start, start_month)


def test_reporting_year_labels_april() -> None:
    year = ReportingYear(2022, 4)
    assert year.label == "2022-23"
    assert year.short_label == "22/23"
    assert ReportingYear(1999, 4).label == "1999-00"
    assert ReportingYear(1999, 4).short_label == "99/00"
    assert year.first_month == Month(2022, 4)
    assert year.last_month == Month(2023, 3)
    assert year.previous() == ReportingYear(2021, 4)
    assert year.previous(2).label == "2020-21"


def test_reporting_year_labels_january() -> None:
    year = ReportingYear(2022, 1)
    assert year.label == "2022"
    assert year.short_label == "2022"
    assert year.first_month == Month(2022, 1)
    assert year.last_month == Month(2022, 12)
    assert year.previous().label == "2021"


def test_reporting_year_label_round_trips_through_parse() -> None:
    for year in (ReportingYear(2022, 4), ReportingYear(2022, 1), ReportingYear(2019, 9)):
        assert ReportingYear.parse(year.label, year.start_month) == year


def test_months_to_april_year() -> None:
    year = ReportingYear(2022, 4)
    assert year.months_to(Month(2022, 4)) == (Month(2022, 4),)
    assert year.months_to(Month(2022, 6)) == (Month(2022, 4), Month(2022, 5), Month(2022, 6))
    to_march = year.months_to(Month(2023, 3))
    assert len(to_march) == 12
    assert to_march[0] == Month(2022, 4)
    assert to_march[-1] == Month(2023, 3)
    assert Month(2023, 1) in to_march
    assert year.months_to(Month(2022, 3)) == ()  # before the year starts


def test_months_to_january_year() -> None:
    year = ReportingYear(2023, 1)
    assert year.months_to(Month(2023, 1)) == (Month(2023, 1),)
    assert year.months_to(Month(2023, 3)) == (Month(2023, 1), Month(2023, 2), Month(2023, 3))
    assert len(year.months_to(Month(2023, 12))) == 12
    assert year.months_to(Month(2022, 12)) == ()
