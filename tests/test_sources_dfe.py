"""The DfE source on the bundled published files (samples/dfe_csc), checked by hand.

The hand checks work each figure out again here from the raw CSV with nothing but the csv module,
and the expected numbers are also written out as literals so a reader can check them with a
spreadsheet.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from scorecard_xl.errors import InputError
from scorecard_xl.extracts.dfe import (
    STANDARD_MEASURES,
    DfeMeasure,
    benchmark,
    derived_rate,
    load_dfe_table,
    load_sn_model,
    neighbour_value,
    quantile_type7,
    quartile_band,
    quartiles,
    rank_min,
    read_dfe,
    reporting_year,
)
from scorecard_xl.inputs.data import build_dataset
from scorecard_xl.inputs.definition_reader import load_definition
from scorecard_xl.inputs.sources import RawRecord
from tests.conftest import REPO

BUNDLED = REPO / "samples" / "dfe_csc"  # unchanged copies of the DfE files (see its SOURCE.md)
SYMBOLS = ("c", "x", "z", "u", "low")
C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
STABILITY = "la_cla_placement_stability.csv"
SAME_CARER = "Living with the same carer for at least 2 years"


@pytest.fixture(scope="module")
def folder() -> Path:
    assert (BUNDLED / C1).is_file(), f"the bundled DfE files are missing from {BUNDLED}"
    return BUNDLED


def raw_rows(path: Path) -> list[dict[str, str]]:
    """The file as dictionaries, with nothing of the library (the BOM stripped by utf-8-sig)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def by_series(records: list[RawRecord]) -> dict[tuple[str, str, str], object]:
    return {(r.measure, r.series, r.period): r.value for r in records}


# -- symbols stay symbols -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "column", "filters", "la", "year", "symbol"),
    [
        # csww line 25: Sunderland (394), 2025, agency_rate_fte = low
        ("csww_indicators_2017_to_2025.csv", "agency_rate_fte", {}, "394", 2025, "low"),
        # c1 line 243: Herefordshire (884), 2024, rereferral_percent = u
        (C1, "rereferral_percent", {}, "884", 2024, "u"),
        # b1 line 629: Hackney (204), 2022, At31_episodes = x
        ("b1_children_in_need_2013_to_2025.csv", "At31_episodes", {}, "204", 2022, "x"),
        # d5 line 70: North Northamptonshire (940), 2025, 2_years_or_more_percent = c
        ("d5_cpps_at31march_by_duration_2013_to_2025.csv", "2_years_or_more_percent", {}, "940", 2025, "c"),
        # cla (starts with a byte-order mark) line 405: City of London (201), 2025 = c; line 384 Scilly z
        (
            "cla_number_and_rate_per_10k_children.csv",
            "rate_per_10000",
            {"population_type": "Children looked after on 31 March each year"},
            "201",
            2025,
            "c",
        ),
        (
            "cla_number_and_rate_per_10k_children.csv",
            "rate_per_10000",
            {"population_type": "Children looked after on 31 March each year"},
            "420",
            2025,
            "z",
        ),
    ],
)
def test_real_symbols_are_kept(
    folder: Path, file: str, column: str, filters: dict[str, str], la: str, year: int, symbol: str
) -> None:
    # The cell really holds the symbol (read without the library) ...
    raw = [
        r
        for r in raw_rows(folder / file)
        if r["old_la_code"] == la
        and r["time_period"] == str(year)
        and all(r[k] == v for k, v in filters.items())
    ]
    assert [r[column] for r in raw] == [symbol]
    # ... and stays that symbol, never 0.
    row = load_dfe_table(folder / file, column, filters).la(la, year)
    assert row is not None and row.value == symbol


def test_symbols_are_case_insensitive_and_the_bom_is_handled(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    header = "time_period,geographic_level,region_code,region_name,old_la_code,la_name,category,pct\n"
    rows = [
        "2025,National,,,,,All,22.6\n",
        "2025,Local authority,E1,North,101,A,All,C\n",
        "2025,Local authority,E1,North,102,B,All,LOW\n",
        "2025,Local authority,E1,North,103,C,All, 12.5 \n",
        "2025,Local authority,E1,North,104,D,All,\n",
    ]
    path.write_bytes(("\ufeff" + header + "".join(rows)).encode("utf-8"))
    table = load_dfe_table(path, "pct")
    assert [(r.area, r.value) for r in table.rows] == [
        ("National", 22.6),
        ("101", "c"),
        ("102", "low"),
        ("103", 12.5),
        ("104", None),
    ]


def test_bad_cells_and_missing_columns_are_reported(tmp_path: Path, folder: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "time_period,geographic_level,region_code,old_la_code,la_name,pct\n"
        "2025,Local authority,E1,101,A,n/a\n"
        "20x5,Local authority,E1,102,B,1\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as error:
        load_dfe_table(path, "pct")
    assert [str(p) for p in error.value.problems] == [
        "bad.csv, line 2: pct: got 'n/a'; a number or one of the DfE symbols c, x, z, u, low",
        "bad.csv, line 3: time_period: got '20x5'; a year such as 2025 or 202425",
    ]
    with pytest.raises(InputError) as error:
        load_dfe_table(folder / C1, "rereferal_percent")
    assert (
        "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv, line 1: value column: got "
        in str(error.value)
    )
    assert "rereferral_percent" in str(error.value)


def test_a_category_left_unfiltered_is_an_error_naming_the_column(folder: Path) -> None:
    with pytest.raises(InputError) as error:
        load_dfe_table(folder / "cla_number_and_rate_per_10k_children.csv", "rate_per_10000")
    first = str(error.value.problems[0])
    assert "one row per area and year" in first
    assert "filter on population_type ('Children ceasing to be looked after each year' / " in first
    with pytest.raises(InputError) as error:
        load_dfe_table(folder / STABILITY, "children_percent", {"placement_stability": "Same carer"})
    assert str(error.value.problems[-1]).startswith(
        "la_cla_placement_stability.csv: filter placement_stability: got 'Same carer'; a value found in "
        "the column: 'Living with the same carer for at least 2 years'; 'Total children'; "
    )


# -- the LAIT calculations ------------------------------------------------------------------------


def test_quantile_type7_matches_r() -> None:
    # R: quantile(c(1, 2, 3, 4)) -> 1.00 1.75 2.50 3.25 4.00; quantile(1:10, 0.1) -> 1.9
    assert quartiles([4.0, 2.0, 1.0, 3.0]) == (1.0, 1.75, 2.5, 3.25, 4.0)
    assert quantile_type7([float(i) for i in range(1, 11)], 0.1) == pytest.approx(1.9)
    assert quantile_type7([5.0], 0.75) == 5.0
    with pytest.raises(ValueError):
        quantile_type7([], 0.5)


def test_quartile_band_boundaries_follow_lait() -> None:
    bounds = (0.0, 25.0, 50.0, 75.0, 100.0)  # LAIT's own test bands (tests/testthat/test-fn_analysis.R)
    assert [quartile_band(v, bounds, "low") for v in (0, 10, 25, 30, 50, 60, 75, 80, 100)] == list(
        "AAABBCCDD"
    )
    assert [quartile_band(v, bounds, "high") for v in (0, 10, 25, 30, 50, 60, 75, 80, 100)] == list(
        "DDDCCBBAA"
    )
    assert quartile_band(30, bounds, "none") is None
    assert quartile_band(30, bounds, "-") is None
    with pytest.raises(ValueError):
        quartile_band(110, bounds, "high")


def test_rank_ties_take_the_best_rank() -> None:
    values = [10.0, 20.0, 20.0, 30.0, 40.0]  # LAIT's test: High -> 5, 3, 3, 2, 1
    assert [rank_min(v, values, "high") for v in values] == [5, 3, 3, 2, 1]
    assert [rank_min(v, values, "low") for v in values] == [1, 2, 2, 4, 5]
    assert rank_min(20.0, values, "none") is None


def test_neighbour_value_leaves_symbols_out() -> None:
    assert neighbour_value([10.0, "c", None, 20.0, "low", 40.0]) == pytest.approx(70 / 3)
    assert neighbour_value([10.0, "c", 20.0, 40.0], "median") == 20.0
    assert neighbour_value(["c", "x", None]) is None


def test_reporting_year_labels() -> None:
    assert reporting_year(2025).label == "2024-25"  # the year to 31 March 2025
    assert reporting_year(2025, period_end_month=9).label == "2025-26"  # a 30 September 2025 census
    assert reporting_year(2025, year_start_month=1).label == "2025"


# -- hand-checked figures for two LAs -------------------------------------------------------------


@dataclass(frozen=True)
class HandCheck:
    value: float
    neighbours: list[str]
    sn: float
    sn_count: int
    q: tuple[float, float, float]
    band: str
    rank: int
    of: int


def independent(path: Path, column: str, la: str, year: str, polarity: str, **filters: str) -> HandCheck:
    """Everything worked out from the CSV with plain code: value, SN mean, quartiles, band, rank."""
    rows = [
        r
        for r in raw_rows(path)
        if r["time_period"] == year
        and r["geographic_level"] == "Local authority"
        and all(r[k] == v for k, v in filters.items())
    ]
    values = {r["old_la_code"]: r[column] for r in rows}
    numbers = sorted(float(v) for v in values.values() if v not in SYMBOLS)
    sn_row = next(r for r in raw_rows(path.parent / "sn_model_2025_wide.csv") if r["old_la_code"] == la)
    neighbours = [values[sn_row[f"SN_{i}"]] for i in range(1, 11)]
    known = [float(v) for v in neighbours if v not in SYMBOLS]

    def quantile(p: float) -> float:  # R type 7 by its definition: x[j] + g (x[j+1] - x[j])
        h = (len(numbers) - 1) * p
        j = int(h)
        upper = numbers[min(j + 1, len(numbers) - 1)]
        return numbers[j] + (h - j) * (upper - numbers[j])

    q25, q50, q75 = quantile(0.25), quantile(0.5), quantile(0.75)
    value = float(values[la])
    quarter = 1 if value <= q25 else 2 if value <= q50 else 3 if value <= q75 else 4
    band = {1: "A", 2: "B", 3: "C", 4: "D"}[quarter] if polarity == "low" else "DCBA"[quarter - 1]
    better = [v for v in numbers if (v < value if polarity == "low" else v > value)]
    return HandCheck(
        value,
        neighbours,
        sum(known) / len(known),
        len(known),
        (q25, q50, q75),
        band,
        len(better) + 1,
        len(numbers),
    )


def test_hand_check_north_northamptonshire_rereferrals(folder: Path) -> None:
    # North Northamptonshire (940), re-referrals within 12 months (%), c1 rereferral_percent, 2025
    # (year to 31 March 2025 = 2024-25), polarity low:
    #   value 23.9
    #   neighbours 866 23, 941 23.9, 935 20.1, 925 22.9, 933 22.1, 883 16, 891 23.1, 813 14,
    #              887 24.8, 384 18.5 -> mean 208.4 / 10 = 20.84
    #   153 LAs with a number; type 7 quartiles Q25 16.9, Q50 20.0, Q75 23.0
    #   23.9 > Q75 -> band D (worst quarter, low is better)
    #   124 LAs lower -> rank 125 of 153 (941 and one other tie with it at 23.9)
    expected = independent(folder / C1, "rereferral_percent", "940", "2025", "low")
    assert expected.value == 23.9
    assert expected.sn == pytest.approx(20.84)
    assert expected.sn_count == 10
    assert expected.q == pytest.approx((16.9, 20.0, 23.0))
    assert (expected.band, expected.rank, expected.of) == ("D", 125, 153)

    table = load_dfe_table(folder / C1, "rereferral_percent")
    result = benchmark(table, "940", load_sn_model(folder / "sn_model_2025_wide.csv"), "low")
    assert result.year == 2025 and result.value == 23.9
    assert result.sn == pytest.approx(20.84) and result.sn_count == 10
    assert result.band == "D" and (result.rank, result.rank_of) == (125, 153)
    assert result.quartiles is not None and result.quartiles[1:4] == pytest.approx((16.9, 20.0, 23.0))
    assert result.region == 24.7 and result.region_code == "E12000004"  # East Midlands row, 2025
    assert result.england == 22.6  # National row, 2025

    records, _ = read_dfe(folder, "940", [STANDARD_MEASURES["rereferrals_pct"].renamed("CR09")])
    found = by_series(records)
    assert found[("CR09", "actual", "2024-25")] == "23.9%"
    assert found[("CR09", "sn", "2024-25")] == "20.84%"
    assert found[("CR09", "region", "2024-25")] == "24.7%"
    assert found[("CR09", "england", "2024-25")] == "22.6%"
    assert found[("CR09", "band", "2024-25")] == "D"
    assert found[("CR09", "rank", "2024-25")] == "125 of 153"


def test_hand_check_camden_same_carer_with_a_suppressed_neighbour(folder: Path) -> None:
    # Camden (202), children looked after 2.5+ years living with the same carer for 2+ years (%),
    # la_cla_placement_stability children_percent, 2025, polarity high:
    #   value 56
    #   neighbours 206 66, 213 84, 205 69, 210 74, 208 54, 207 c (suppressed: left out), 209 64,
    #              309 74, 204 71, 302 63 -> mean 619 / 9 = 68.777...
    #   150 LAs with a number (c and z rows left out); quartiles Q25 63, Q50 68, Q75 72
    #   56 <= Q25 -> band D (worst quarter, high is better)
    #   142 LAs higher -> rank 143 of 150 (two others tie at 56)
    #   region: Inner London row (68); England 69
    expected = independent(
        folder / STABILITY, "children_percent", "202", "2025", "high", placement_stability=SAME_CARER
    )
    assert expected.value == 56.0
    assert expected.neighbours[5] == "c"
    assert expected.sn == pytest.approx(619 / 9) and expected.sn_count == 9
    assert expected.q == (63.0, 68.0, 72.0)
    assert (expected.band, expected.rank, expected.of) == ("D", 143, 150)

    spec = STANDARD_MEASURES["cla_same_carer_2_years_pct"].renamed("PL02")
    records, _ = read_dfe(folder, "202", [spec], rank_style="number")
    found = by_series(records)
    assert found[("PL02", "actual", "2024-25")] == "56.0%"
    assert found[("PL02", "sn", "2024-25")] == f"{round(619 / 9, 10)!r}%"
    assert found[("PL02", "region", "2024-25")] == "68.0%"  # Inner London, not London
    assert found[("PL02", "england", "2024-25")] == "69.0%"
    assert found[("PL02", "band", "2024-25")] == "D"
    assert (found[("PL02", "rank", "2024-25")], found[("PL02", "rank_of", "2024-25")]) == (143, 150)


def test_values_exactly_on_a_quartile_fall_in_the_band_below(folder: Path) -> None:
    # Real boundary cases, as LAIT's closed-above intervals put them:
    # Swindon (866) re-referrals 23.0 = Q75 23.0, low -> C (not D);
    # Barnet (302) same carer 63 = Q25 63, high -> D (not C).
    model = load_sn_model(folder / "sn_model_2025_wide.csv")
    swindon = independent(folder / C1, "rereferral_percent", "866", "2025", "low")
    assert swindon.value == swindon.q[2] == 23.0 and swindon.band == "C"
    assert benchmark(load_dfe_table(folder / C1, "rereferral_percent"), "866", model, "low").band == "C"
    barnet = independent(
        folder / STABILITY, "children_percent", "302", "2025", "high", placement_stability=SAME_CARER
    )
    assert barnet.value == barnet.q[0] == 63.0 and barnet.band == "D"
    table = load_dfe_table(
        folder / STABILITY, "children_percent", STANDARD_MEASURES["cla_same_carer_2_years_pct"].filters
    )
    assert benchmark(table, "302", model, "high").band == "D"


# -- local authorities that changed ---------------------------------------------------------------


def test_northamptonshire_split(folder: Path) -> None:
    table = load_dfe_table(folder / C1, "rereferral_percent")
    assert table.la_years("928") == list(range(2013, 2022))  # Northamptonshire to March 2021
    assert table.la_years("940") == [2022, 2023, 2024, 2025]  # North Northamptonshire from then
    records, _ = read_dfe(folder, "940", [STANDARD_MEASURES["rereferrals_pct"]])
    assert sorted({r.period for r in records if r.series == "actual"}) == [
        "2021-22",
        "2022-23",
        "2023-24",
        "2024-25",
    ]
    with pytest.raises(InputError) as error:
        read_dfe(folder, "928", [STANDARD_MEASURES["rereferrals_pct"]])
    assert "North Northamptonshire (940) and West Northamptonshire (941)" in str(error.value)
    # The children looked after file still has 928 rows in 2025, with x and z: left out of the ranks.
    cla = load_dfe_table(
        folder / "cla_number_and_rate_per_10k_children.csv",
        "rate_per_10000",
        STANDARD_MEASURES["cla_rate_per_10k"].filters,
    )
    row = cla.la("928", 2025)
    assert row is not None and row.value == "z"
    numbers = [r for r in cla.la_rows(2025) if isinstance(r.value, float)]
    assert len(numbers) == 151  # 155 LA rows less 928, 909 (z), Scilly (z) and City of London (c)


def test_workforce_joint_row_and_september_year(folder: Path) -> None:
    spec = STANDARD_MEASURES["sw_turnover_pct"]
    north, _ = read_dfe(folder, "940", [spec])
    west, _ = read_dfe(folder, "941", [spec])
    # csww publishes "940 / 941" as one row: each member gets it; 30 September 2025 is in 2025-26.
    assert by_series(north)[("sw_turnover_pct", "actual", "2025-26")] == "10.4%"
    assert by_series(west)[("sw_turnover_pct", "actual", "2025-26")] == "10.4%"
    assert (
        by_series(north)[("sw_turnover_pct", "rank", "2025-26")]
        == by_series(west)[("sw_turnover_pct", "rank", "2025-26")]
    )
    table = load_dfe_table(folder / "csww_indicators_2017_to_2025.csv", "turnover_rate_fte")
    assert sum(1 for r in table.la_rows(2025) if r.la_codes == ("940", "941")) == 1  # counted once


def test_children_in_need_rate_is_computed_from_the_ons_population(folder: Path) -> None:
    # Not published: At31_episodes 2025 per 10,000 of the ONS mid-2024 0-17 estimate, the base
    # the DfE uses for the published CLA rate (its population_estimate for 940 in 2025 is 83113).
    b1 = {
        r["old_la_code"]: r
        for r in raw_rows(folder / "b1_children_in_need_2013_to_2025.csv")
        if r["time_period"] == "2025"
    }
    ons = {
        r["old_la_code"]: r
        for r in raw_rows(folder / "ons_mid-year_population_estimates_2012_to_2024.csv")
        if r["time_period"] == "2024"
    }
    assert ons["940"]["population_estimate"] == "83113"
    expected = int(b1["940"]["At31_episodes"]) / 83113 * 10_000
    records, _ = read_dfe(folder, "940", [STANDARD_MEASURES["cin_rate_per_10k"]])
    found = by_series(records)
    assert found[("cin_rate_per_10k", "actual", "2024-25")] == pytest.approx(expected, abs=1e-9)
    assert ("cin_rate_per_10k", "band", "2024-25") not in found  # polarity none (LAIT: "-")
    # A symbol in the count carries through the division: Hackney 2022 At31_episodes is x.
    rate = derived_rate(
        load_dfe_table(folder / "b1_children_in_need_2013_to_2025.csv", "At31_episodes"),
        load_dfe_table(folder / "ons_mid-year_population_estimates_2012_to_2024.csv", "population_estimate"),
    )
    hackney = rate.la("204", 2022)
    assert hackney is not None and hackney.value == "x"


def test_suppressed_own_value_shows_its_symbol_in_band_and_rank(folder: Path) -> None:
    records, _ = read_dfe(folder, "940", [STANDARD_MEASURES["cpp_2_years_plus_pct"]])
    found = by_series(records)
    for series in ("actual", "band", "rank"):
        assert found[("cpp_2_years_plus_pct", series, "2024-25")] == "c"
    assert found[("cpp_2_years_plus_pct", "sn", "2024-25")] != "c"


def test_every_standard_measure_reads_and_the_source_is_hashed(folder: Path) -> None:
    records, info = read_dfe(folder, "940", list(STANDARD_MEASURES.values()), sn_method="median")
    assert {r.measure for r in records} == set(STANDARD_MEASURES)
    assert info.kind == "dfe" and len(info.sha256) == 64
    again, info_again = read_dfe(folder, "940", list(STANDARD_MEASURES.values()), sn_method="median")
    assert again == records and info_again == info
    _, other = read_dfe(folder, "940", [STANDARD_MEASURES["rereferrals_pct"]])
    assert other.sha256 != info.sha256  # fewer files read


def test_options_are_checked(folder: Path) -> None:
    spec = DfeMeasure("X", C1, "rereferral_percent", polarity="better", unit="pct", period_end_month=13)
    with pytest.raises(InputError) as error:
        read_dfe(folder, "94O", [spec, spec], sn_method="mode", la_value_as="value", comparators=["lait"])
    text = str(error.value)
    for fragment in (
        "la_code: got '94O'",
        "sn_method: got 'mode'",
        "la_value_as: got 'value'",
        "comparators: got 'lait'",
        "polarity: got 'better'",
        "unit: got 'pct'",
        "period_end_month: got 13",
        "each measure once",
    ):
        assert fragment in text


def test_records_validate_against_a_monthly_definition(folder: Path, tmp_path: Path) -> None:
    definition_path = tmp_path / "board.toml"
    definition_path.write_text(
        """
[scorecard]
id = "board"
version = "1"
title = "Scorecard"
organisation = "North Northamptonshire"

[[comparators]]
id = "sn"
label = "SN"
method = "mean"

[[comparators]]
id = "england"
label = "England"

[[sections]]
id = "front"
title = "Front door"

[[measures]]
id = "CR09"
section = "front"
title = "Re-referrals within 12 months"
unit = "percent"
polarity = "low"
frequency = "monthly"
ytd = "provided"
target = "sn"

[[measures]]
id = "CIN02"
section = "front"
title = "Children in need rate per 10,000"
unit = "rate_per_10k"
polarity = "none"
frequency = "annual"
ytd = "none"
target = "none"
""",
        encoding="utf-8",
    )
    specs = [
        STANDARD_MEASURES["rereferrals_pct"].renamed("CR09"),
        STANDARD_MEASURES["cin_rate_per_10k"].renamed("CIN02"),
    ]
    records, info = read_dfe(
        folder, "940", specs[:1], la_value_as="outturn", comparators=("sn", "england"), benchmarks=False
    )
    annual, annual_info = read_dfe(
        folder, "940", specs[1:], la_value_as="actual_month", comparators=("sn",), benchmarks=False
    )
    dataset = build_dataset(load_definition(definition_path), records + annual, [info, annual_info])
    outturns = dataset.of("CR09").yearly["outturn"]
    assert {str(y.label): v for y, v in outturns.items()}["2024-25"] == pytest.approx(0.239)
    assert {str(y.label): v for y, v in dataset.of("CR09").yearly["sn"].items()}["2024-25"] == pytest.approx(
        0.2084
    )
    assert len(dataset.of("CIN02").actual) == 4  # March 2022 to March 2025
