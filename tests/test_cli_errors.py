"""The real command line on bad inputs: exit code 2, a message naming the file, the row or
measure, the field, the bad value and what is accepted, no traceback, and nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from scorecard_xl.generate.loading import load_inputs
from tests.cli_process import run_cli
from tests.conftest import SAMPLE_DATA, TEMPLATE

SAMPLE_TOTALS = "18 red, 6 amber, 14 green, 55 not judged"
INPUTS = ("-t", "card.toml", "-d", "data.csv")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """`scorecard-xl ARGS` in the current folder."""
    return run_cli(*args)


@pytest.fixture
def work(in_tmp: Path) -> Path:
    """The current folder, holding card.toml and data.csv (copies of the sample)."""
    shutil.copy(TEMPLATE, in_tmp / "card.toml")
    shutil.copy(SAMPLE_DATA, in_tmp / "data.csv")
    return in_tmp


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def assert_refused(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"


# --- bad inputs ---------------------------------------------------------------------------------

# name: (file to edit, text in it, replacement, fragments the message must contain)
BAD_INPUTS = {
    "unknown measure": (
        "data.csv",
        "CFSS01,actual,2022-10,113",
        "CFS01,actual,2022-10,113",
        ["data.csv, row 2: measure: got 'CFS01'", "a measure id defined in card.toml", "CFSS01?"],
    ),
    "bad unit": (
        "card.toml",
        'unit = "count"',
        'unit = "number"',
        [
            "card.toml, measure CFSS01: unit: got 'number'",
            "one of count, percent, rate_per_10k, days, weeks, average",
        ],
    ),
    "text in a number": (
        "data.csv",
        "CFSS01,actual,2022-11,174",
        "CFSS01,actual,2022-11,abc",
        ["data.csv, row 3 (measure CFSS01): value: got 'abc'", "a number or one of 'n/a'"],
    ),
    "duplicate record": (
        "data.csv",
        "CFSS01,actual,2022-10,113\n",
        "CFSS01,actual,2022-10,113\nCFSS01,actual,2022-10,999\n",
        [
            "data.csv, row 3 (measure CFSS01): period: got '2022-10'",
            "one actual value per period",
            "also on row 2 of data.csv",
        ],
    ),
    "month 13": (
        "data.csv",
        "CFSS01,actual,2022-12,152",
        "CFSS01,actual,2023-13,152",
        ["data.csv, row 4 (measure CFSS01): period: got '2023-13'", "a month YYYY-MM"],
    ),
    "month in words": (
        "data.csv",
        "CFSS01,actual,2022-12,152",
        "CFSS01,actual,March 2023,152",
        ["data.csv, row 4 (measure CFSS01): period: got 'March 2023'", "a month YYYY-MM"],
    ),
    "bad reporting year": (
        "data.csv",
        "CFSS01,outturn,2021-22,1538",
        "CFSS01,outturn,2021,1538",
        ["(measure CFSS01): period: got '2021'", "a reporting year YYYY-YY such as 2022-23"],
    ),
    "bare percentage": (
        "data.csv",
        "CFSS02,actual,2022-10,64%",
        "CFSS02,actual,2022-10,64",
        ["(measure CFSS02): value: got '64'", "'64%'", "percent_input"],
    ),
}


@pytest.mark.parametrize("command", ["build", "validate"])
@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_is_refused_with_a_precise_message(work: Path, case: str, command: str) -> None:
    name, old, new, fragments = BAD_INPUTS[case]
    edit(work / name, old, new)
    before = files_in(work)
    output = ["-o", "out.xlsx"] if command == "build" else []
    result = run(command, *INPUTS, *output)
    assert_refused(result, f"scorecard-xl {command}: ", *fragments)
    assert files_in(work) == before  # no workbook, no temporary file


def test_every_data_problem_is_reported_at_once(work: Path) -> None:
    data = work / "data.csv"
    edit(data, "CFSS01,actual,2022-10,113", "CFS01,actual,2022-10,113")
    edit(data, "CFSS01,actual,2022-11,174", "CFSS01,actual,2022-11,abc")
    edit(data, "CFSS01,actual,2022-12,152", "CFSS01,actual,2023-13,152")
    result = run("build", *INPUTS, "-o", "out.xlsx")
    assert_refused(result, "row 2: measure", "row 3 (measure CFSS01): value", "row 4 (measure")
    assert len(result.stderr.strip().splitlines()) == 3
    assert not (work / "out.xlsx").exists()


def test_every_definition_problem_is_reported_at_once(work: Path) -> None:
    card = work / "card.toml"
    edit(card, 'unit = "count"', 'unit = "number"')
    edit(card, 'polarity = "none"', 'polarty = "none"')
    result = run("validate", *INPUTS)
    assert_refused(
        result,
        "card.toml, measure CFSS01: unit: got 'number'",
        "card.toml, measure CFSS01: polarty: got 'none'; an unknown field",
        "card.toml, measure CFSS01: polarity: missing",
    )


@pytest.mark.parametrize("period", ["2023-13", "March 2023", "2023-3"])
def test_bad_period_on_the_command_line(work: Path, period: str) -> None:
    result = run("build", *INPUTS, "-p", period, "-o", "out.xlsx")
    assert_refused(result, f"command line: --period: got '{period}'", "a month YYYY-MM such as 2023-03")
    assert not (work / "out.xlsx").exists()


def test_period_without_data(work: Path) -> None:
    result = run("build", *INPUTS, "-p", "2024-01", "-o", "out.xlsx")
    assert_refused(result, "data.csv", "period: got '2024-01'", "(2022-10 to 2023-03)")
    assert not (work / "out.xlsx").exists()


def test_missing_data_file(work: Path) -> None:
    result = run("build", "-t", "card.toml", "-d", "missing.csv", "-o", "out.xlsx")
    assert_refused(result, "missing.csv: no such data file")
    assert not (work / "out.xlsx").exists()


def test_missing_definition_file(work: Path) -> None:
    result = run("build", "-t", "missing.toml", "-d", "data.csv", "-o", "out.xlsx")
    assert_refused(result, "missing.toml: no such definition file")
    assert not (work / "out.xlsx").exists()


def test_unknown_bundled_template(work: Path) -> None:
    result = run("validate", "-t", "nct_weekly")
    assert_refused(result, "command line: --template: got 'nct_weekly'", "nct_monthly")


def test_definition_without_data_files(work: Path) -> None:
    result = run("validate", "-t", "card.toml")
    assert_refused(result, "command line: --data: missing", ".csv or .xlsx")


def test_output_folder_that_does_not_exist(work: Path) -> None:
    result = run("build", *INPUTS, "-o", "no/such/folder/out.xlsx")
    assert_refused(result, "the folder no/such/folder does not exist")


# --- the output file ----------------------------------------------------------------------------

OLD_BYTES = b"last month's workbook, with commentary typed into it"


def test_existing_output_is_refused_without_force(work: Path) -> None:
    (work / "out.xlsx").write_bytes(OLD_BYTES)
    before = files_in(work)
    result = run("build", *INPUTS, "-o", "out.xlsx")
    assert_refused(result, "out.xlsx: already exists", "--force")
    assert (work / "out.xlsx").read_bytes() == OLD_BYTES
    assert files_in(work) == before


def test_existing_output_is_untouched_when_the_build_fails(work: Path) -> None:
    (work / "out.xlsx").write_bytes(OLD_BYTES)
    edit(work / "data.csv", "CFSS01,actual,2022-11,174", "CFSS01,actual,2022-11,abc")
    before = files_in(work)
    result = run("build", *INPUTS, "-o", "out.xlsx", "--force")
    assert_refused(result, "value: got 'abc'")
    assert (work / "out.xlsx").read_bytes() == OLD_BYTES
    assert files_in(work) == before


def test_existing_output_is_replaced_with_force(work: Path) -> None:
    (work / "out.xlsx").write_bytes(OLD_BYTES)
    result = run("build", *INPUTS, "-o", "out.xlsx", "--force")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("wrote out.xlsx (")
    assert f"March 2023, {SAMPLE_TOTALS}" in result.stdout
    content = (work / "out.xlsx").read_bytes()
    assert content != OLD_BYTES
    assert content.startswith(b"PK")
    assert openpyxl.load_workbook(work / "out.xlsx").sheetnames
    assert files_in(work) == {"card.toml", "data.csv", "out.xlsx"}  # no temporary file left


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_output_file_has_ordinary_permissions(work: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    result = run("build", *INPUTS, "-o", "out.xlsx")
    assert result.returncode == 0, result.stderr
    # like any file a program creates: readable by whoever the user's umask allows
    assert (work / "out.xlsx").stat().st_mode & 0o777 == 0o666 & ~umask


# --- XLSX data ----------------------------------------------------------------------------------


def csv_to_xlsx(source: Path, target: Path) -> None:
    """The CSV as an analyst's workbook: numbers typed as numbers, percentages as percent-formatted
    numbers, one period typed as a date, and the data on a sheet named "data" after a notes sheet."""
    book = openpyxl.Workbook()
    book.active.title = "notes"
    book.active["A1"] = "Data for the board scorecard; see the data sheet."
    sheet = book.create_sheet("data")
    with source.open(encoding="utf-8", newline="") as stream:
        for measure, series, period, value in csv.reader(stream):
            sheet.append([measure, series, period, value])
            cells = sheet[sheet.max_row]
            if value.endswith("%"):
                cells[3].value = float(value[:-1]) / 100
                cells[3].number_format = "0%" if "." not in value else "0.0%"
            elif value.replace(",", "").isdigit():
                cells[3].value = int(value.replace(",", ""))
            elif value.replace(".", "", 1).isdigit():
                cells[3].value = float(value)
            if (measure, series, period) == ("CFSS01", "actual", "2023-03"):
                cells[2].value = dt.datetime(2023, 3, 1)
                cells[2].number_format = "mmm-yy"
    book.save(target)


def test_xlsx_data_builds_the_same_as_csv(work: Path) -> None:
    csv_to_xlsx(work / "data.csv", work / "data.xlsx")
    check = openpyxl.load_workbook(work / "data.xlsx")["data"]
    assert check["D14"].number_format == "0%" and check["D14"].value == pytest.approx(0.64)
    assert isinstance(check["C7"].value, dt.datetime)  # CFSS01 actual 2023-03

    result = run("build", "-t", "card.toml", "-d", "data.xlsx", "-o", "out.xlsx")
    assert result.returncode == 0, result.stderr
    assert f"March 2023, {SAMPLE_TOTALS}" in result.stdout
    assert (work / "out.xlsx").read_bytes().startswith(b"PK")

    from_csv = load_inputs(work / "card.toml", [work / "data.csv"]).dataset
    from_xlsx = load_inputs(work / "card.toml", [work / "data.xlsx"]).dataset
    assert from_xlsx.by_measure == from_csv.by_measure


def test_xlsx_data_errors_name_the_row(work: Path) -> None:
    edit(work / "data.csv", "CFSS01,actual,2022-11,174", "CFSS01,actual,2022-11,abc")
    csv_to_xlsx(work / "data.csv", work / "data.xlsx")
    result = run("build", "-t", "card.toml", "-d", "data.xlsx", "-o", "out.xlsx")
    assert_refused(result, "data.xlsx, row 3 (measure CFSS01): value: got 'abc'")
    assert not (work / "out.xlsx").exists()


def test_a_file_that_is_not_xlsx(work: Path) -> None:
    (work / "data.xlsx").write_text("measure,series,period,value\n", encoding="utf-8")
    result = run("validate", "-t", "card.toml", "-d", "data.xlsx")
    assert_refused(result, "data.xlsx: not a readable .xlsx file")


# --- validate -----------------------------------------------------------------------------------


def assert_validated(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("ok: ")
    for fragment in fragments:
        assert fragment in result.stdout, f"{fragment!r} not in:\n{result.stdout}"


def test_validate_the_bundled_sample_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("validate")
    assert_validated(
        result,
        "nct_monthly.toml",
        "93 measures in 11 sections",
        "2022-10 to 2023-03",
        f"2023-03: {SAMPLE_TOTALS}",
    )
    assert list(tmp_path.iterdir()) == []


def test_validate_explicit_files_and_period_writes_nothing(work: Path) -> None:
    result = run("validate", *INPUTS, "-p", "2022-12")
    assert_validated(result, "card.toml", "93 measures in 11 sections", "2022-12: ")
    assert f"2022-12: {SAMPLE_TOTALS}" not in result.stdout  # December is judged on December
    assert files_in(work) == {"card.toml", "data.csv"}


# --- newcomers' mistakes --------------------------------------------------------------------------


def test_every_missing_input_is_reported_at_once(work: Path) -> None:
    result = run("build", "-t", "my.toml", "-d", "data1.csv", "-d", "data2.csv")
    assert_refused(result, "my.toml: no such definition file", "data1.csv: no such data file")
    assert "data2.csv: no such data file" in result.stderr
    assert files_in(work) == {"card.toml", "data.csv"}


def test_the_same_file_twice_is_summarised_not_listed(work: Path) -> None:
    result = run("validate", *INPUTS, "-d", "data.csv")
    assert_refused(result, "data.csv, rows 2 to 1087: 1,086 values in all are given again", "given twice?")
    assert len(result.stderr.splitlines()) == 2, result.stderr  # the first repeat, then the count


def test_a_few_repeated_values_are_each_named(work: Path) -> None:
    extra = SAMPLE_DATA.read_text(encoding="utf-8").splitlines()[1:3]
    (work / "more.csv").write_text(
        "measure,series,period,value\n" + "\n".join(extra) + "\n", encoding="utf-8"
    )
    result = run("validate", *INPUTS, "-d", "more.csv")
    assert_refused(result, "more.csv, row 2 (measure CFSS01): period: got '2022-10'", "row 2 of data.csv")
    assert "more.csv, row 3 (measure CFSS01): period: got '2022-11'" in result.stderr
    assert len(result.stderr.splitlines()) == 2, result.stderr


def test_an_output_not_named_xlsx_is_refused_before_any_work(work: Path) -> None:
    result = run("build", *INPUTS, "-o", "report.xls")
    assert_refused(result, "report.xls: file name: got '.xls'; a file name ending .xlsx")
    assert files_in(work) == {"card.toml", "data.csv"}


def test_writing_the_addin_twice_is_not_an_error(work: Path) -> None:
    first = run("addin")
    assert first.returncode == 0, first.stderr
    again = run("addin")
    assert again.returncode == 0 and "commentary" not in again.stderr, again.stderr
    (work / "scorecard_xl.xlam").write_bytes(b"someone's own add-in")
    other = run("addin")
    assert_refused(other, "is another add-in, perhaps installed in Excel", "--force")
    assert (work / "scorecard_xl.xlam").read_bytes() == b"someone's own add-in"


def test_the_readme_benchmarking_commands_work_for_two_authorities(work: Path) -> None:
    extract = run("dfe-extract", "--la", "940", "--la", "941", "-o", "dfe_data")
    assert extract.returncode == 0, extract.stderr
    assert "next: scorecard-xl batch dfe_data/batch.toml" in extract.stdout
    batch = run("batch", "dfe_data/batch.toml", "--jobs", "1", "--quiet")
    assert batch.returncode == 0, batch.stderr
    built = sorted(p.name for p in (work / "dfe_data" / "workbooks").glob("*.xlsx"))
    assert built == ["940_north-northamptonshire.xlsx", "941_west-northamptonshire.xlsx"]


def test_a_reader_that_stops_reading_gets_no_traceback(work: Path) -> None:
    """`scorecard-xl build ... | head -1`: the reader closes the pipe before the report is printed.
    The workbook is written; the command says nothing more, shows no traceback and exits as a
    program a closed pipe stops does (141)."""
    book = work / "piped.xlsx"
    with subprocess.Popen(
        [sys.executable, "-m", "scorecard_xl.cli", "build", "-o", str(book)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=work,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # before anything is printed
        errors = process.stderr.read().decode("utf-8")
        assert process.wait(timeout=120) == 141
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors
    assert openpyxl.load_workbook(book, read_only=True).sheetnames[0] == "This month"
