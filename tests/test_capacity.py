"""What we write, we can read back: a build whose workbook would not fit Excel's grid, or would be
refused by scorecard-xl's own reader, is refused with one message and no file. The limits are
lowered here so the sample meets them (the real ones take a million rows to reach)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard_xl.errors import InputError
from scorecard_xl.generate.sequence import build
from scorecard_xl.inputs import zip_guard
from scorecard_xl.write import capacity
from tests.conftest import SAMPLE_DATA, TEMPLATE


def test_a_data_table_past_excels_last_row_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(capacity, "ROW_LIMIT", 1_000)  # the sample's table runs to row 1,091
    with pytest.raises(InputError) as error:
        build(tmp_path / "board.xlsx", TEMPLATE, [SAMPLE_DATA])
    message = str(error.value)
    assert "the data, sheet 'Data': at most 995 rows below the table's header" in message
    assert "it would need 1,086" in message and "split the data" in message
    assert not list(tmp_path.iterdir()), "nothing written"


def test_a_cell_past_excels_grid_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capacity, "COLUMN_LIMIT", 10)  # the Scorecard is wider
    with pytest.raises(InputError, match="a sheet within Excel's"):
        build(tmp_path / "board.xlsx", TEMPLATE, [SAMPLE_DATA])
    assert not list(tmp_path.iterdir())


def test_a_workbook_our_reader_would_refuse_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zip_guard, "PART_LIMIT", 200 * 1024)  # the Data sheet's part is about 280 KB
    with pytest.raises(InputError) as error:
        build(tmp_path / "board.xlsx", TEMPLATE, [SAMPLE_DATA])
    message = str(error.value)
    assert "a workbook scorecard-xl can read back to refresh or check" in message
    # the Data sheet, the 16th (after This month, the Cover, the Summary, the Scorecard, 11 sections)
    assert "xl/worksheets/sheet16.xml inflates to" in message and "split the data" in message
    assert not list(tmp_path.iterdir())


def test_within_the_limits_the_sample_is_written(tmp_path: Path) -> None:
    assert build(tmp_path / "board.xlsx", TEMPLATE, [SAMPLE_DATA]).size > 100_000
