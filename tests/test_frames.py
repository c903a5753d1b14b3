"""Notebook use: tidy DataFrames in, the scorecard and a built workbook out as DataFrames, checked
against the CSV path and against the workbook's own cells (read with openpyxl, independently)."""

from __future__ import annotations

import io
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import scorecard_xl as sx
from scorecard_xl.errors import InputError
from tests.conftest import FIXED_TIME, SAMPLE, TEMPLATE

DATA = SAMPLE / "data.csv"


def sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def text(value: object) -> object:
    """A text cell or frame entry, with every kind of blank (None, "", pandas' NaN) as None."""
    return None if value is None or value == "" or (isinstance(value, float) and math.isnan(value)) else value


def test_a_frame_builds_the_same_workbook_as_its_csv() -> None:
    frame = pd.read_csv(DATA, dtype=str, keep_default_na=False)  # as the file reads: n/a stays text
    _, from_csv = sx.render(sx.load_inputs(TEMPLATE, [DATA]), generated_at=FIXED_TIME)
    _, from_frame = sx.render(sx.load_inputs(TEMPLATE, frame), generated_at=FIXED_TIME)
    csv_book, frame_book = sheets(from_csv), sheets(from_frame)
    assert list(csv_book) == list(frame_book)
    differing = []
    for name, rows in csv_book.items():
        assert len(rows) == len(frame_book[name]), name
        for number, (left, right) in enumerate(zip(rows, frame_book[name], strict=True), start=1):
            if left != right:
                differing.append((name, number, left, right))
    # The workbook describes the data itself (its values and their hash), not where it came from.
    assert differing == []


def test_a_frame_with_numbers_and_gaps_reads_as_the_file_would(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "measure": ["CFSS01", "CFSS01", "CFSS02", "CFSS02"],
            "period": pd.to_datetime(["2023-02-01", "2023-03-01", "2023-02-01", "2023-03-01"]),
            "value": [124.0, 139.0, 0.72, float("nan")],  # NaN is an empty cell, never 0
        }
    )
    result = sx.scorecard_frame(TEMPLATE, frame).set_index("measure")
    assert result.loc["CFSS01", "value"] == 139.0 and result.loc["CFSS01", "period"] == "2023-03"
    assert math.isnan(result.loc["CFSS02", "value"])
    assert text(result.loc["CFSS02", "value_symbol"]) is None


def test_bad_rows_in_a_frame_are_named_by_its_index_labels(tmp_path: Path) -> None:
    frame = pd.read_csv(DATA, dtype=str, keep_default_na=False)
    frame.loc[3, "value"] = "abc"
    frame.loc[4, "measure"] = "CFSS1"
    bad_file = tmp_path / "bad.csv"
    frame.to_csv(bad_file, index=False)
    frame.index = frame.index + 1000  # labels, not positions, name the rows
    with pytest.raises(InputError) as raised:
        sx.load_inputs(TEMPLATE, frame)
    text = str(raised.value)
    assert "DataFrame, row 1003 (measure CFSS01): value: got 'abc'" in text
    assert "DataFrame, row 1004: measure: got 'CFSS1'" in text and "did you mean" in text
    # The same problems in the file give the same messages, with its name and line numbers
    # (the header is line 1, so position 3 is line 5).
    with pytest.raises(InputError) as from_file:
        sx.load_inputs(TEMPLATE, bad_file)
    as_frame = str(from_file.value).replace("bad.csv, row 5 ", "DataFrame, row 1003 ")
    assert as_frame.replace("bad.csv, row 6:", "DataFrame, row 1004:") == text


def test_a_frame_without_the_tidy_columns_says_which_are_missing() -> None:
    with pytest.raises(InputError, match=r"DataFrame: columns: got 'measure,when,value'; columns measure, "):
        sx.load_inputs(TEMPLATE, pd.DataFrame({"measure": ["CFSS01"], "when": ["2023-03"], "value": [1]}))


def test_the_scorecard_frame_matches_the_workbooks_cells(sample_book: Path) -> None:
    frame = sx.scorecard_frame(TEMPLATE, [DATA], period="2023-03").set_index("measure")
    book = openpyxl.load_workbook(sample_book, read_only=True)
    rows = [tuple(r) for r in book["Scorecard"].iter_rows(values_only=True)]
    book.close()
    header = next(r for r in rows if r and r[0] == "Ref")
    at = {name: header.index(name) for name in ("Mar 23", "YTD", "Target", "RAG", "SN", "England", "21/22")}
    columns = {"Mar 23": "value", "YTD": "ytd", "Target": "target", "SN": "sn", "England": "england"}
    columns["21/22"] = "outturn_2021_22"
    checked = 0
    for row in rows:
        if not row or row[0] not in frame.index:
            continue
        expected = frame.loc[row[0]]
        for heading, column in columns.items():
            cell = row[at[heading]]
            if isinstance(cell, (int, float)):
                assert expected[column] == pytest.approx(cell), (row[0], heading)
            else:
                assert math.isnan(expected[column]), (row[0], heading, cell)
                assert text(expected[f"{column}_symbol"]) == text(cell), (row[0], heading)
        assert text(row[at["RAG"]]) == text(expected["rag"]), row[0]
        checked += 1
    assert checked == 93 == len(frame)
    assert frame["rag"].value_counts().to_dict() == {"Red": 18, "Green": 14, "Not judged": 13, "Amber": 6}


def test_read_workbook_gives_back_every_figure_with_the_record(sample_book: Path) -> None:
    """The Data table is the data (what refresh works from): every row of the data file, and where
    the data gives a YTD, the scorecard shows that YTD."""
    frame = sx.read_workbook(sample_book)
    assert {"measure", "title", "series", "period", "value", "symbol"} <= set(frame.columns)
    assert frame.attrs["period"] == "2023-03" and frame.attrs["definition"] == "nct_monthly"
    lines = DATA.read_text(encoding="utf-8").splitlines()
    assert len(frame) == len(lines) - 1
    scorecard = sx.scorecard_frame(TEMPLATE, [DATA]).set_index("measure")
    ytd = frame[frame["series"] == "ytd"].set_index("measure")
    assert len(ytd) == sum(",ytd," in line for line in lines) == 85
    for measure, row in ytd.iterrows():
        expected = scorecard.loc[measure]
        if math.isnan(expected["ytd"]):
            assert math.isnan(row["value"]) and text(row["symbol"]) == text(expected["ytd_symbol"])
        else:
            assert row["value"] == pytest.approx(expected["ytd"])


def test_building_from_files_never_imports_pandas(tmp_path: Path) -> None:
    code = (
        "import sys, scorecard_xl as sx\n"
        f"sx.build({str(tmp_path / 'b.xlsx')!r}, {str(TEMPLATE)!r}, {str(DATA)!r})\n"
        "print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
