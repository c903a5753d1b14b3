"""Refresh with a definition that is not the sample: an annual benchmarking scorecard written in
YAML, whose lines start with "-" (YAML's lists) and whose definition text has lines starting with
= and @, as a workbook carries them on its Setup sheet and reads them back."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import xlwings as xw

from scorecard_xl.checks.check import check_workbook
from scorecard_xl.generate.sequence import build
from scorecard_xl.refresh.contents import RefreshRequest
from scorecard_xl.refresh.in_excel import run
from tests.conftest import FIXED_TIME
from tests.excel_payload import (
    apply_actions,
    as_a_build_says,
    formula_cells,
    payload_from_file,
    sent,
    value_at,
)

DEFINITION = """\
# An annual benchmarking scorecard, in YAML.
scorecard:
  id: bench
  version: "1"
  title: Benchmark
  organisation: Somewhere
  period: year
  years_shown: 3
comparators:
- id: sn
  label: SN
  name: Statistical neighbours
  method: mean
- id: england
  label: England
benchmarks:
- id: band
  label: Quartile
  name: Quartile, A best
  kind: quartile
- id: rank
  label: Rank
  name: Rank of 153, 1 best
sections:
- id: cin
  title: Children in need
measures:
- id: RR
  section: cin
  title: Re-referrals within 12 months
  unit: percent
  polarity: low
  definition: |
    Re-referrals within 12 months of a previous referral, as a share of all referrals.
    = the DfE's CIN census table C1;
    @ England figures from the same table;
    +/- rounding to one decimal place.
- id: CIN
  section: cin
  title: Children in need per 10,000
  unit: rate_per_10k
  decimals: 1
  polarity: none
"""
ROWS = [
    ("RR", "actual", "2021-22", "22.4%"), ("RR", "actual", "2022-23", "21.0%"),
    ("RR", "actual", "2023-24", "24.5%"), ("RR", "sn", "2023-24", "22.9%"),
    ("RR", "england", "2023-24", "22.4%"), ("RR", "band", "2023-24", "C"), ("RR", "rank", "2023-24", "88"),
    ("CIN", "actual", "2021-22", "301.2"), ("CIN", "actual", "2022-23", "322.0"),
    ("CIN", "actual", "2023-24", "318.5"),
]  # fmt: skip
NEW_YEAR = [
    ("RR", "actual", "2024-25", "19.8%"), ("RR", "sn", "2024-25", "22.1%"),
    ("RR", "england", "2024-25", "22.6%"), ("RR", "band", "2024-25", "B"), ("RR", "rank", "2024-25", "41"),
    ("CIN", "actual", "2024-25", "330.1"),
]  # fmt: skip


def write_inputs(folder: Path, rows: list[tuple[str, ...]]) -> tuple[Path, Path]:
    folder.mkdir(exist_ok=True)
    definition = folder / "bench.yaml"
    definition.write_text(DEFINITION, encoding="utf-8")
    data = folder / "data.csv"
    with data.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([("measure", "series", "period", "value"), *rows])
    return definition, data


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(FIXED_TIME.timestamp())))
    return tmp_path


def test_a_yaml_annual_scorecard_refreshes_from_itself_to_a_fresh_build(env: Path) -> None:
    definition, data = write_inputs(env / "built", ROWS)
    build(env / "built" / "bench.xlsx", definition, [data])
    (env / "moved").mkdir()
    shutil.copy(env / "built" / "bench.xlsx", env / "moved" / "bench.xlsx")
    payload = payload_from_file(env / "moved" / "bench.xlsx")

    setup = [row[1] for row in next(s for s in payload["sheets"] if s["name"] == "Setup")["values"][6:]]
    assert "\\- id: sn" in setup and "\\  = the DfE's CIN census table C1;" not in setup  # indented: fine
    assert "\\- id: RR" in setup and not any(str(line).startswith(("=", "+", "-", "@")) for line in setup)

    data_rows = next(s for s in payload["sheets"] if s["name"] == "Data")["values"]
    data_rows.extend([*row, "", ""] for row in NEW_YEAR)
    book = xw.Book(json=sent(payload))
    told: list[str] = []
    outcome = run(book, request=RefreshRequest(generated_at=FIXED_TIME), say=lambda t, m: told.append(m))
    assert outcome is not None, told
    result = as_a_build_says(apply_actions(payload, book.json()["actions"]))

    fresh_definition, fresh_data = write_inputs(env / "fresh", ROWS + NEW_YEAR)
    build(env / "fresh" / "bench.xlsx", fresh_definition, [fresh_data])
    want = payload_from_file(env / "fresh" / "bench.xlsx")
    skip = formula_cells(env / "fresh" / "bench.xlsx")
    wrong = [
        (sheet["name"], r, c)
        for sheet in want["sheets"]
        for r, row in enumerate(sheet["values"])
        for c, value in enumerate(row)
        if (r, c) not in skip.get(sheet["name"], set())
        and (value_at(result, sheet["name"], r, c) or "") != (value or "")
    ]
    assert not wrong
    assert value_at(result, "Cover", 2, 0) == "Year 2024-25"


def test_the_carried_yaml_reads_back_exactly_and_check_finds_nothing(env: Path) -> None:
    from scorecard_xl.refresh.contents import recorded_definition
    from scorecard_xl.workbook.reader import read_record
    from scorecard_xl.workbook.snapshot import snapshot_from_file

    definition, data = write_inputs(env, ROWS)
    book = env / "bench.xlsx"
    build(book, definition, [data])
    record = read_record(snapshot_from_file(book))
    assert record.definition_text == DEFINITION and record.definition_file == "bench.yaml"
    carried = recorded_definition(record)
    assert carried.measures[0].definition.startswith("Re-referrals within 12 months")
    assert [f.code for f in check_workbook(book)] == []  # no line a CSV export would run
