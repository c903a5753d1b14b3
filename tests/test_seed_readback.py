"""Every value of the seed scorecard is in the built workbook, in its measure's row and column, as
a reader sees it (through the cell's number format).

The seed is parsed here independently of samples/nct_2022_23/convert_seed.py: the paste is split
on tabs, the recorded corrections (corrections.csv) are applied, and each figure is looked up on
the Scorecard sheet by the measure's Ref and the column's header, using openpyxl as the reader.
"""

from __future__ import annotations

import csv
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from scorecard_xl.inputs.tomlfile import tomllib  # the stdlib's, or tomli on Python 3.10
from tests.conftest import SAMPLE, TEMPLATE

SEED_COLUMNS = ("section", "measure", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "YTD", "SN",
                "England", "Target", "20/21", "21/22")  # fmt: skip
SHEET_HEADERS = {"Oct": "Oct 22", "Nov": "Nov 22", "Dec": "Dec 22", "Jan": "Jan 23", "Feb": "Feb 23",
                 "Mar": "Mar 23", "YTD": "YTD", "SN": "SN", "England": "England", "Target": "Target",
                 "20/21": "20/21", "21/22": "21/22"}  # fmt: skip


def seed_rows() -> list[list[str]]:
    """Measure rows of the raw paste, cells as pasted: every line after the title and the group
    header line, except the repeated "Measure" header lines and blank lines."""
    lines = [line for line in (SAMPLE / "seed.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    title, group_header, *rest = lines
    assert "Performance Scorecard" in title and "Last 6 Months Activity" in group_header
    return [line.split("\t") for line in rest if not line.startswith("Measure\t")]


def measure_ids() -> list[tuple[str, str]]:
    definition = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    return [(m["id"], m["title"]) for m in definition["measures"]]


def corrected_seed() -> dict[str, dict[str, str]]:
    """measure id -> {seed column: value} after the recorded corrections."""
    with (SAMPLE / "corrections.csv").open(encoding="utf-8") as handle:
        corrections = list(csv.DictReader(handle))
    ids = measure_ids()
    rows = seed_rows()
    assert len(rows) == len(ids) == 93
    table: dict[str, dict[str, str]] = {}
    for (measure_id, title), cells in zip(ids, rows, strict=True):
        for fix in (c for c in corrections if c["measure"] == measure_id and c["field"] == "row"):
            action, _, column = fix["sample_value"].partition(":")
            position = SEED_COLUMNS.index(column)
            if action == "insert-blank":
                cells = [*cells[:position], "", *cells[position:]]
            else:
                assert action == "delete" and cells[position].strip() == fix["seed_value"], fix
                cells = cells[:position] + cells[position + 1 :]
        assert cells[1].strip() == title, f"{measure_id}: seed row is {cells[1]!r}"
        assert not any(c.strip() for c in cells[len(SEED_COLUMNS) :]), f"{measure_id}: stray cells"
        values = {col: cells[i].strip() for i, col in enumerate(SEED_COLUMNS) if i >= 2 and i < len(cells)}
        for fix in (c for c in corrections if c["measure"] == measure_id and c["field"] != "row"):
            assert values[fix["field"]] == fix["seed_value"], fix
            values[fix["field"]] = fix["sample_value"]
        table[measure_id] = values
    return table


def displayed(value: object, number_format: str) -> str:
    """The text Excel shows for `value` in a cell with one of the formats the generator uses."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    match = re.fullmatch(r"(#,##)?0(?:\.(0+))?(%?)", number_format)
    assert match, f"unexpected number format {number_format!r}"
    decimals = len(match[2] or "")
    number = Decimal(repr(float(value))) * (100 if match[3] else 1)
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}" if match[1] else f"{rounded:.{decimals}f}"
    return text + match[3]


def as_number(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").rstrip("%")
    return Decimal(cleaned) if re.fullmatch(r"-?\d+(\.\d+)?", cleaned) else None


@pytest.fixture(scope="module")
def scorecard_cells(sample_book: Path) -> dict[tuple[str, str], str]:
    """(measure id, column header) -> displayed text, from the Scorecard sheet."""
    book = openpyxl.load_workbook(sample_book, read_only=True, data_only=True)
    rows = list(book["Scorecard"].iter_rows())
    header_row = next(i for i, row in enumerate(rows) if row[0].value == "Ref")
    headers = {cell.column: cell.value for cell in rows[header_row] if cell.value}
    cells = {}
    for row in rows[header_row + 1 :]:
        ref = row[0].value
        if not ref or ref not in dict(measure_ids()):
            continue
        for cell in row:
            if cell.column in headers:
                cells[(ref, headers[cell.column])] = displayed(cell.value, cell.number_format)
    book.close()
    return cells


def test_every_seed_value_is_shown_in_its_row_and_column(scorecard_cells: dict[tuple[str, str], str]) -> None:
    checked = 0
    mismatches = []
    for measure_id, values in corrected_seed().items():
        for column, seed_text in values.items():
            if not seed_text:
                continue  # a blank seed cell is not a value
            shown = scorecard_cells.get((measure_id, SHEET_HEADERS[column]))
            expected_number, shown_number = as_number(seed_text), as_number(shown or "")
            if expected_number is not None:
                ok = (
                    shown_number is not None
                    and shown_number == expected_number
                    and (seed_text.endswith("%") == (shown or "").endswith("%"))
                )
            else:
                ok = (shown or "").lower() == seed_text.lower()  # tokens, shown in lower case
            checked += 1
            if not ok:
                mismatches.append(f"{measure_id} {column}: seed {seed_text!r}, workbook {shown!r}")
    assert not mismatches, "\n".join(mismatches)
    assert checked == 1086  # every record of the sample data


def test_months_blank_in_the_seed_are_blank_in_the_workbook(
    scorecard_cells: dict[tuple[str, str], str],
) -> None:
    for measure_id, values in corrected_seed().items():
        for column in ("Oct", "Nov", "Dec", "Jan", "Feb", "Mar"):
            if not values.get(column):
                assert scorecard_cells[(measure_id, SHEET_HEADERS[column])] == "", (measure_id, column)


def test_data_sheet_read_by_pandas_holds_the_sample_values(sample_book: Path) -> None:
    """An independent reader (pandas) finds the tidy Data table with every row of the data file:
    the workbook carries its whole data, so it can be refreshed from itself."""
    frame = pd.read_excel(
        sample_book,
        sheet_name="Data",
        header=4,
        dtype={"Period": str, "Value": object},
        keep_default_na=False,
    )
    assert list(frame.columns) == ["Measure", "Series", "Period", "Value", "Title", "Section"]
    source = pd.read_csv(SAMPLE / "data.csv", dtype=str, keep_default_na=False)
    assert len(frame) == len(source) == 1086
    merged = source.merge(
        frame, left_on=["measure", "series", "period"], right_on=["Measure", "Series", "Period"]
    )
    assert len(merged) == len(source)
    missing = merged.value.str.lower().isin(["n/a", "tbc", "tb", "-", ""])
    numbers = merged[~missing]
    expected = numbers.value.str.rstrip("%").str.replace(",", "").astype(float)
    scale = numbers.value.str.endswith("%").map({True: 100.0, False: 1.0})
    assert (abs(numbers.Value.astype(float) * scale - expected) < 1e-9).all()
    tokens = merged[missing & (merged.value != "")]
    assert len(tokens) > 50
    assert (tokens.Value == tokens.value.str.lower()).all()  # a token is kept as text, never 0
