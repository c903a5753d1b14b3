"""Which month "Latest" shows: the latest month complete enough (at least half of the monthly
measures that reported in the last complete month before it have a value), the same for a build,
a refresh, the Cover's Latest and a batch's "latest"; and a month most measures lack is said once,
naming them. Also: a DataFrame read without dtype=str, keep_default_na=False says how many NaN it
read as blanks.

Three April rows once made a 93-measure scorecard show April: "0 red, 0 amber, 0 green, 93 not
judged", with no warning."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

import scorecard_xl as sx
from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.sequence import build
from scorecard_xl.inputs.completeness import completeness, latest_complete
from scorecard_xl.inputs.periods import Month
from scorecard_xl.refresh.without_excel import refresh_file
from tests.cli_process import run_cli
from tests.conftest import SAMPLE_DATA, TEMPLATE
from tests.test_model import make_dataset, make_definition, measure, months

HEADER = ["measure", "series", "period", "value"]
APRIL = [
    ["CFSS01", "actual", "2023-04", "120"],
    ["CR06", "actual", "2023-04", "31.5"],
    ["WF07", "actual", "2023-04", "20"],
]


def sample_rows() -> list[list[str]]:
    with SAMPLE_DATA.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))[1:]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def monthly_ids() -> list[str]:
    definition = load_inputs(TEMPLATE, [SAMPLE_DATA]).definition
    return [m.id for m in definition.measures if not m.reporting_months]


def test_three_april_rows_leave_latest_at_march_and_say_which_measures_april_lacks(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "data.csv", [*sample_rows(), *APRIL])
    result = build(tmp_path / "board.xlsx", TEMPLATE, [data])

    assert result.scorecard.period == Month(2023, 3)
    assert Month(2023, 4) in result.scorecard.available  # still on the Cover's drop-down
    [said] = [w for w in result.warnings if "April 2023" in w]
    lacking = [m for m in monthly_ids() if m not in ("CFSS01", "CR06", "WF07")]
    assert said.startswith("Latest shows March 2023, not April 2023: April 2023 has no value for ")
    assert f"no value for {len(lacking)} of the" in said
    assert ", ".join(lacking) in said and "CR06," not in said
    assert "pick it on the Cover, or with --period" in said


def test_a_month_asked_for_that_most_measures_lack_is_built_and_says_so_once(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "data.csv", [*sample_rows(), *APRIL])
    result = build(tmp_path / "board.xlsx", TEMPLATE, [data], period="2023-04")

    assert result.scorecard.period == Month(2023, 4)
    [said] = result.warnings
    assert said.startswith("April 2023 has no value for ") and "that reported in March 2023: CFSS02," in said


def test_the_command_line_says_it_on_stderr_once(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "data.csv", [*sample_rows(), *APRIL])
    done = run_cli("build", "-t", str(TEMPLATE), "-d", str(data), "-o", str(tmp_path / "b.xlsx"))
    assert done.returncode == 0, done.stderr
    assert "March 2023" in done.stdout
    lines = [line for line in done.stderr.splitlines() if "April 2023 has no value" in line]
    assert len(lines) == 1 and lines[0].startswith("scorecard-xl: warning: ")
    checked = run_cli("validate", "-t", str(TEMPLATE), "-d", str(data))  # says what a build would
    assert checked.returncode == 0 and "2023-03: " in checked.stdout
    assert [line for line in checked.stderr.splitlines() if "April 2023 has no value" in line]


def test_a_complete_month_is_latest_without_a_word(tmp_path: Path) -> None:
    april = [[m, "actual", "2023-04", "1"] for m in monthly_ids()[: len(monthly_ids()) // 2 + 1]]
    data = write_csv(tmp_path / "data.csv", [*sample_rows(), *april])
    result = build(tmp_path / "board.xlsx", TEMPLATE, [data])
    assert result.scorecard.period == Month(2023, 4)
    assert result.warnings == ()


def test_two_partial_months_in_a_row_are_both_partial() -> None:
    """May is judged against March (the last complete month), not against a partial April."""
    ids = [f"M{i}" for i in range(1, 11)]
    definition = make_definition(*(measure(i, polarity="none") for i in ids))
    records = [r for i in ids for r in months(i, "2023-01", [1, 2, 3])]
    records += [("M1", "actual", "2023-04", 4), ("M1", "actual", "2023-05", 5)]
    records += [("M2", "actual", "2023-05", 5)]
    judged = completeness(definition, make_dataset(definition, records))
    assert [(p.period.iso, p.complete) for p in judged] == [
        ("2023-01", True),
        ("2023-02", True),
        ("2023-03", True),
        ("2023-04", False),
        ("2023-05", False),
    ]
    assert judged[-1].reference == Month(2023, 3) and len(judged[-1].missing) == 8
    assert latest_complete(judged) == Month(2023, 3)


def test_half_is_enough_and_quarterly_measures_are_not_counted() -> None:
    definition = make_definition(
        *(measure(f"M{i}", polarity="none") for i in range(1, 5)),
        measure("Q1", polarity="none", frequency="quarterly"),
    )
    records = [r for i in range(1, 5) for r in months(f"M{i}", "2023-01", [1, 2])]
    records += [("M1", "actual", "2023-03", 3), ("M2", "actual", "2023-03", "n/a")]
    records += [("Q1", "actual", "2023-03", 9)]
    # Two of the four monthly measures (a token is a value: the source said "not available").
    assert latest_complete(completeness(definition, make_dataset(definition, records))) == Month(2023, 3)
    records.remove(("M2", "actual", "2023-03", "n/a"))
    assert latest_complete(completeness(definition, make_dataset(definition, records))) == Month(2023, 2)


def test_refresh_keeps_latest_at_march_and_its_report_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1681291800")
    built = build(tmp_path / "board.xlsx", TEMPLATE, [write_csv(tmp_path / "data.csv", sample_rows())])
    april = write_csv(tmp_path / "april.csv", APRIL)
    result = refresh_file(built.path, files=[april])
    assert result.plan is not None and result.plan.news.added == 3
    assert result.scorecard.period == Month(2023, 3)
    assert [w for w in result.warnings if w.startswith("Latest shows March 2023, not April 2023")]
    assert result.plan.warnings == result.warnings


def test_a_batch_builds_the_latest_complete_month_for_latest(tmp_path: Path) -> None:
    write_csv(tmp_path / "data.csv", [*sample_rows(), *APRIL])
    shutil.copy(TEMPLATE, tmp_path / "card.toml")
    (tmp_path / "batch.toml").write_text(
        '[defaults]\ntemplate = "card.toml"\ndata = ["data.csv"]\noutput_folder = "out"\n'
        'output = "{period}.xlsx"\n\n[for_each]\nperiod = "latest"\n',
        encoding="utf-8",
    )
    sx.run_batch(tmp_path / "batch.toml", jobs=1)
    assert sorted(p.name for p in (tmp_path / "out").glob("*.xlsx")) == ["2023-03.xlsx"]


def test_a_dataframe_read_with_pandas_defaults_says_how_many_nan_it_read_as_blanks(tmp_path: Path) -> None:
    careless = pd.read_csv(SAMPLE_DATA)  # n/a, N/A become NaN
    result = build(tmp_path / "board.xlsx", TEMPLATE, careless)
    assert result.warnings == (
        "188 values of the DataFrame were NaN, read as empty cells: read the CSV with dtype=str, "
        "keep_default_na=False to keep tokens such as n/a",
    )
    careful = pd.read_csv(SAMPLE_DATA, dtype=str, keep_default_na=False)
    assert build(tmp_path / "careful.xlsx", TEMPLATE, careful).warnings == ()
    assert sx.scorecard_frame(TEMPLATE, careless).attrs["warnings"] == list(result.warnings)


def test_refresh_in_excel_stays_on_march_and_tells_the_analyst(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Cover says Latest; April's three rows pasted under the Data table: the alert says why."""
    from tests.excel_payload import payload_from_file
    from tests.test_refresh import act, paste_under_table

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1681291800")
    built = build(tmp_path / "board.xlsx", TEMPLATE, [write_csv(tmp_path / "data.csv", sample_rows())])
    (tmp_path / "data.csv").unlink()  # refreshed from its own table
    payload = payload_from_file(built.path)
    paste_under_table(payload, APRIL)

    _, told, outcome = act(payload)

    assert outcome is not None and outcome.plan.scorecard.period == Month(2023, 3), told
    assert "\nNote: Latest shows March 2023, not April 2023: April 2023 has no value for 86 of" in told[0]
