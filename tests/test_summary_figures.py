"""The Summary's list of measures holds its figures as numbers in their measures' formats (it held
them as text, "67.5%", which a reader cannot sort or sum: issue 20), in the workbook and the
published copy alike; a refresh, whose list may put a measure of another unit in a row, sets
those formats again, as a fresh build of the month would have them."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.generate.sequence import build
from scorecard_xl.inputs.options import Options
from scorecard_xl.inputs.periods import Month
from scorecard_xl.refresh.contents import RefreshRequest
from scorecard_xl.refresh.in_excel import plan_payload
from tests.conftest import SAMPLE_DATA
from tests.excel_payload import payload_from_file, sent


def listed(path: Path) -> list[tuple[object, ...]]:
    """The Summary's list (from its Ref header): each row's cells as (value, number format)."""
    book = openpyxl.load_workbook(path)  # read only: never saved
    rows = list(book["Summary"].iter_rows())
    header = next(i for i, row in enumerate(rows) if row[0].value == "Ref")
    return [tuple((c.value, c.number_format) for c in row) for row in rows[header + 1 :] if row[0].value]


@pytest.mark.parametrize("publish", [None, 5])
def test_the_summarys_figures_are_numbers_in_their_formats(tmp_path: Path, publish: int | None) -> None:
    path = tmp_path / "board.xlsx"
    build(path, None, [SAMPLE_DATA], options=Options.make(publish=publish))
    rows = {row[0][0]: row for row in listed(path)}
    assert rows["CR10"][3] == (pytest.approx(0.675), "0.0%") and rows["CR10"][4] == (0.85, "0.0%")
    assert rows["S4702"][3] == (pytest.approx(201.2), "#,##0.0")
    assert rows["WF02"][3] == (36, "#,##0")
    assert not [row for row in rows.values() if isinstance(row[3][0], str) and row[3][0][:1].isdigit()]


def test_a_refresh_sets_the_lists_formats_as_a_build_of_the_month_has_them(tmp_path: Path) -> None:
    """February's list, refreshed to March, gets every figure's format March's build gives it (the
    rows hold other measures), in a few runs down each column."""
    february = tmp_path / "february.xlsx"
    build(february, None, [SAMPLE_DATA], period="2023-02")
    plan = plan_payload(sent(payload_from_file(february)), RefreshRequest(period="2023-03"))
    written = {
        (row, col): write.number_format
        for write in plan.formats
        if write.sheet == "Summary"
        for row in range(write.first_row, write.last_row + 1)
        for col in range(write.first_col, write.last_col + 1)
    }
    _, march = lay_out(BuildRequest(load_inputs(None, [SAMPLE_DATA]), Month(2023, 3)))
    summary = next(sheet for sheet in march.sheets if sheet.name == "Summary")
    [block] = [b for b in summary.blocks if b.formats]
    expected = {
        (row, col): key[1] or "General"
        for row, col, _, key in summary.cells
        if block.first_row <= row <= block.last_row and col in block.formats
    }
    assert block.formats == (3, 4) and written == expected
    assert "0.0%" in written.values() and "#,##0" in written.values()
    assert sum(write.sheet == "Summary" for write in plan.formats) < len(expected) / 2  # runs
