"""Refresh with the real xlwings library (its remote engine: the Book interface xlwings Lite,
xlwings Server and Office.js share): build a workbook, send it as Excel would, refresh, apply the
returned actions as Excel would, and compare with a fresh build.

A workbook refreshes from itself: the definition on its Setup sheet and the rows of its Data
table, with new rows pasted into the table or read from a file. So the tests move workbooks away
from their data files before refreshing them.
"""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw

from scorecard_xl.errors import InputError
from scorecard_xl.generate.sequence import build
from scorecard_xl.inputs.options import Options
from scorecard_xl.refresh.contents import RefreshRequest
from scorecard_xl.refresh.in_excel import RefreshOutcome, refresh_payload, run, width_in_points
from scorecard_xl.refresh.without_excel import build_from_workbook, refresh_file
from scorecard_xl.workbook import fields
from scorecard_xl.workbook.reader import read_record
from scorecard_xl.workbook.snapshot import snapshot_from_file, snapshot_from_payload
from tests.conftest import FIXED_TIME, SAMPLE
from tests.excel_payload import (
    apply_actions,
    as_a_build_says,
    differences,
    formula_cells,
    payload_from_file,
    sent,
    value_at,
)

EPOCH = str(int(FIXED_TIME.timestamp()))
COMMENT = "Re-referrals rose after the MASH restructure; deep dive in April."
HEADER = ["measure", "series", "period", "value"]


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("SCORECARD_XL_BASE_DIR", raising=False)
    for name in ("built", "moved", "fresh"):
        (tmp_path / name).mkdir()
    return tmp_path


def sample_rows() -> list[list[str]]:
    with (SAMPLE / "data.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))[1:]


def after(row: list[str], month: str) -> bool:
    """A month's own figures (actual and YTD) later than `month`: what a later month brings."""
    return row[1] in ("actual", "ytd") and row[2] > month


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def built(folder: Path, rows: list[list[str]] | None = None, name: str = "board.xlsx", **kwargs: Any) -> Path:
    """A workbook built in `folder` from `rows` (default: all the sample's), saved there as data.csv."""
    data = write_csv(folder / "data.csv", rows if rows is not None else sample_rows())
    path = folder / name
    build(path, None, [data], **kwargs)
    return path


def moved(path: Path, folder: Path) -> Path:
    """The workbook alone in another folder, as an email attachment or a OneDrive file is."""
    target = folder / path.name
    shutil.copy(path, target)
    return target


def act(
    payload: dict[str, Any],
    action: str = "refresh",
    request: RefreshRequest | None = None,
    confirm: Callable[[str], bool] | None = None,
) -> tuple[list[dict[str, Any]], list[str], RefreshOutcome | None]:
    """One button press on the workbook Excel sent: the actions, what the analyst was told, the outcome."""
    book = xw.Book(json=sent(payload))
    told: list[str] = []
    outcome = run(
        book, action, request or RefreshRequest(generated_at=FIXED_TIME), confirm, lambda t, m: told.append(m)
    )
    return book.json()["actions"], told, outcome


def refreshed(payload: dict[str, Any], request: RefreshRequest | None = None) -> dict[str, Any]:
    """Refreshed, with the Cover's data status as a build words it (see as_a_build_says)."""
    actions, told, outcome = act(payload, request=request)
    assert outcome is not None, told
    return as_a_build_says(apply_actions(payload, actions))


def value_rows(payload: dict[str, Any], sheet: str) -> list[list[Any]]:
    rows: list[list[Any]] = next(s for s in payload["sheets"] if s["name"] == sheet)["values"]
    return rows


def period_text_shown(payload: dict[str, Any]) -> object:
    """The Cover's period, as every sheet's subtitle shows it."""
    return value_at(payload, *named_cell(payload, fields.PERIOD_TEXT.name))


def named_cell(payload: dict[str, Any], name: str) -> tuple[str, int, int]:
    from scorecard_xl.workbook.snapshot import snapshot_from_payload

    sheet, row, col, _, _ = snapshot_from_payload(sent(payload)).names[name]
    return sheet, row, col


def set_named(payload: dict[str, Any], name: str, value: Any) -> None:
    sheet, row, col = named_cell(payload, name)
    value_rows(payload, sheet)[row][col] = value


def paste_under_table(payload: dict[str, Any], rows: list[list[Any]]) -> None:
    """Rows pasted under the Data table, as an analyst copies them from a data file."""
    sheet_rows = value_rows(payload, "Data")
    width = len(sheet_rows[0])
    for row in rows:
        sheet_rows.append([*row, *([""] * (width - len(row)))])


def test_a_moved_workbook_with_march_pasted_into_its_table_refreshes_to_a_fresh_build(folders: Path) -> None:
    """Built for December from the data then, moved away from its data file, March's rows pasted
    under its Data table: Refresh gives what a fresh build of March gives, cell for cell."""
    rows = sample_rows()
    december = built(folders / "built", [r for r in rows if not after(r, "2022-12")])
    payload = payload_from_file(moved(december, folders / "moved"))
    assert value_at(payload, "Cover", *named_cell(payload, fields.SHOWN.name)[1:]) == "2022-12"
    pasted = [r for r in rows if after(r, "2022-12")]
    paste_under_table(payload, pasted)

    actions, told, outcome = act(payload)
    assert outcome is not None, told
    assert f"1,086 values in the Data table (+{len(pasted)} since the last refresh)" in told[0]
    assert "not found (the Data table was used as it is): data.csv" in told[0]  # not in this folder
    assert 0 < len([a for a in actions if a["func"] == "setValues"]) <= 24  # blocks, never a cell at a time
    result = apply_actions(payload, actions)
    status = value_at(result, *named_cell(result, fields.DATA_STATUS.name))
    assert status.endswith(f", refreshed 12 April 2023 09:30 UTC: +{len(pasted)} values"), status
    result = as_a_build_says(result)

    march = built(folders / "fresh")
    want = payload_from_file(march)
    assert not differences(result, want, formula_cells(march))
    assert period_text_shown(result) == "March 2023 (year 2022-23)"
    # The widths the new values need are set (Office.js takes points); the others stay as built.
    expected = widths(march)
    for (sheet, axis, col), points in result["_sizes"].items():
        if axis == "column":
            # within a pixel: the file stores widths rounded to whole pixels
            assert abs(points - width_in_points(expected[sheet][col])) <= 0.75, (sheet, col)
    before = widths(december)
    stale = [
        (sheet, col)
        for sheet, cols in expected.items()
        for col, width in cols.items()
        if abs(before[sheet].get(col, 0) - width) > 0.15 and (sheet, "column", col) not in result["_sizes"]
    ]
    assert not stale, "columns left at December's widths"
    assert any(axis == "column" for _, axis, _ in result["_sizes"])


def widths(path: Path) -> dict[str, dict[int, float]]:
    """Column widths as the file sets them, in Excel's character units (openpyxl reads them)."""
    book = openpyxl.load_workbook(path)
    found: dict[str, dict[int, float]] = {}
    for ws in book.worksheets:
        found[ws.title] = {}
        for dim in ws.column_dimensions.values():
            if dim.customWidth and dim.width:
                for col in range(dim.min - 1, dim.max):
                    found[ws.title][col] = round(dim.width - 0.7109375, 2)  # xlsxwriter adds the padding
    return found


def test_a_moved_workbook_takes_new_rows_from_the_file_its_cover_names(
    folders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Cover names data.csv; where Excel cannot say the workbook's folder (the web, OneDrive),
    SCORECARD_XL_BASE_DIR says where to look (xlwings Lite: its imported files, in /data)."""
    rows = sample_rows()
    december = built(folders / "built", [r for r in rows if not after(r, "2022-12")])
    payload = payload_from_file(moved(december, folders / "moved"))
    write_csv(folders / "moved" / "data.csv", [r for r in rows if after(r, "2022-12")])  # only the new months
    monkeypatch.setenv("SCORECARD_XL_BASE_DIR", str(folders / "moved"))
    actions, told, outcome = act(payload)
    assert outcome is not None and "read data.csv" in told[0], told
    march = built(folders / "fresh")
    result = as_a_build_says(apply_actions(payload, actions))
    assert not differences(result, payload_from_file(march), formula_cells(march))


def test_a_file_the_analyst_supplies_is_folded_in_and_a_cut_short_one_loses_nothing(folders: Path) -> None:
    rows = sample_rows()
    december = built(folders / "built", [r for r in rows if not after(r, "2022-12")])
    payload = payload_from_file(moved(december, folders / "moved"))
    march_rows = write_csv(folders / "moved" / "march.csv", [r for r in rows if after(r, "2022-12")])
    result = refreshed(payload, RefreshRequest(files=(march_rows,), generated_at=FIXED_TIME))
    march = built(folders / "fresh")
    assert not differences(result, payload_from_file(march), formula_cells(march))

    # Half a file again: the table keeps what it has, so nothing the workbook shows is lost.
    half = write_csv(folders / "moved" / "half.csv", rows[: len(rows) // 2])
    again = refreshed(result, RefreshRequest(files=(half,), generated_at=FIXED_TIME))
    assert not differences(again, result, {})


def test_rows_pasted_as_dates_and_with_their_header_are_read_as_a_data_file_says(folders: Path) -> None:
    """Excel turns a pasted 2023-01 into a date (the 1st of January) outside a text column, and 64%
    into 0.64; an analyst copying a whole data file brings its header row along."""
    rows = sample_rows()
    december = built(folders / "built", [r for r in rows if not after(r, "2022-12")])
    payload = payload_from_file(moved(december, folders / "moved"))

    def as_excel_pastes(row: list[str]) -> list[Any]:
        measure, series, period, value = row
        if value.endswith("%"):
            return [measure, series, period, float(Decimal(value[:-1]) / 100)]  # as Excel parses it
        return [measure, series, f"{period}-01T00:00:00.000Z" if series == "actual" else period, value]

    paste_under_table(payload, [HEADER, *[as_excel_pastes(r) for r in rows if after(r, "2022-12")]])
    result = refreshed(payload)
    march = built(folders / "fresh")
    assert not differences(result, payload_from_file(march), formula_cells(march))
    periods = {row[2] for row in value_rows(result, "Data")[5:]}
    assert "2023-03" in periods and not any("T00" in str(p) for p in periods)  # written back as text


def test_a_second_refresh_changes_nothing(folders: Path) -> None:
    once = refreshed(payload_from_file(built(folders / "built", period="2023-02")))
    twice = refreshed(once)
    assert not differences(twice, once, {})
    actions, _, _ = act(once)
    assert not [a for a in actions if a["func"] in ("setColumnWidth", "setRowHeight")]


def test_the_picked_month_holds_over_two_refreshes_and_on_the_command_line(folders: Path) -> None:
    from scorecard_xl.cli import main
    from scorecard_xl.workbook.reader import read_record
    from scorecard_xl.workbook.snapshot import snapshot_from_file

    path = built(folders / "built")
    payload = payload_from_file(path)
    set_named(payload, fields.PICKER.name, "2023-01")
    once = refreshed(payload)
    twice = refreshed(once)
    for result in (once, twice):
        assert period_text_shown(result) == "January 2023 (year 2022-23)"
        assert value_at(result, "Cover", *named_cell(result, fields.PICKER.name)[1:]) == "2023-01"

    assert main(["refresh", str(path), "--period", "2023-01"]) == 0
    assert main(["refresh", str(path)]) == 0  # the month picked holds
    record = read_record(snapshot_from_file(path))
    assert (record.shown, record.picked) == ("2023-01", "2023-01")


def test_latest_follows_new_data(folders: Path) -> None:
    payload = payload_from_file(built(folders / "built"))
    assert value_at(payload, "Cover", *named_cell(payload, fields.PICKER.name)[1:]) == fields.LATEST
    set_named(payload, fields.PICKER.name, "latest")  # typed, in any case
    assert period_text_shown(refreshed(payload)) == "March 2023 (year 2022-23)"


def test_refresh_never_writes_the_period_picker_or_the_commentary(folders: Path) -> None:
    payload = payload_from_file(built(folders / "built", period="2023-02"))
    sheet, picker_row, picker_col = named_cell(payload, fields.PICKER.name)
    set_named(payload, fields.PICKER.name, "2023-03")
    _, _, commentary_col = named_cell(payload, fields.COMMENTARY.name)
    cr09 = next(i for i, row in enumerate(value_rows(payload, "Scorecard")) if row[0] == "CR09")
    value_rows(payload, "Scorecard")[cr09][commentary_col] = COMMENT
    actions, _, outcome = act(payload)
    assert outcome is not None
    for action in actions:
        if action["func"] != "setValues":
            continue
        rows = range(action["start_row"], action["start_row"] + len(action["values"]))
        cols = range(action["start_column"], action["start_column"] + len(action["values"][0]))
        name = payload["sheets"][action["sheet_position"]]["name"]
        assert not (name == sheet and picker_row in rows and picker_col in cols), "wrote the picker"
        assert not (name == "Scorecard" and commentary_col in cols), "wrote the commentary column"
    result = apply_actions(payload, actions)
    assert value_rows(result, "Scorecard")[cr09][commentary_col] == COMMENT
    assert value_at(result, sheet, picker_row, picker_col) == "2023-03"
    from scorecard_xl.workbook.reader import read_record
    from scorecard_xl.workbook.snapshot import snapshot_from_payload

    assert read_record(snapshot_from_payload(sent(result))).commentary == {"CR09": COMMENT}


STORY = "This month"


def story_rows(payload: dict[str, Any]) -> list[list[Any]]:
    """The first sheet's rows as Excel shows them: the month's story."""
    assert payload["sheets"][0]["name"] == STORY
    return value_rows(payload, STORY)


def test_the_story_is_brought_up_to_date_with_the_commentary_typed_since(folders: Path) -> None:
    """Built for December, moved away from its data: January to March pasted under the Data table and
    commentary typed on the Scorecard against a measure that will be red and worsening in March.
    Refresh rewrites the story's two blocks and it is a fresh March build's, commentary and all."""
    rows = sample_rows()
    december = moved(
        built(folders / "built", [r for r in rows if not after(r, "2022-12")]), folders / "moved"
    )
    payload = payload_from_file(december)
    assert story_rows(payload)[0][0] == "Performance Scorecard: December 2022"
    paste_under_table(payload, [r for r in rows if after(r, "2022-12")])
    _, _, commentary_col = named_cell(payload, fields.COMMENTARY.name)
    cr10 = next(i for i, row in enumerate(value_rows(payload, "Scorecard")) if row[0] == "CR10")
    value_rows(payload, "Scorecard")[cr10][commentary_col] = COMMENT

    actions, told, outcome = act(payload)
    assert outcome is not None, told
    story_writes = [a for a in actions if a["func"] == "setValues" and a["sheet_position"] == 0]
    assert len(story_writes) == 2  # the title, and the body: one block each
    result = as_a_build_says(apply_actions(payload, actions))
    march = built(folders / "fresh", commentary={"CR10": COMMENT})
    assert not differences(result, payload_from_file(march), formula_cells(march))
    shown = story_rows(result)
    assert shown[0][0] == "Performance Scorecard: March 2023"
    assert any(str(row[0]).startswith("18 red, 6 amber and 14 green") for row in shown)
    assert any(row[0] == "What changed since February 2023" for row in shown)
    flagged = next(
        row for row in shown if row[1] and str(row[1]).endswith("(CR10)") and row[0] == "Red and worsening"
    )
    assert flagged[3] == COMMENT


def test_the_spc_story_is_brought_up_to_date(folders: Path) -> None:
    """The SPC card built for February, moved, March's rows pasted: new special causes, movements
    and icon counts are a fresh March build's."""
    from tests.story_cards import COMMENTARY, write_spc

    definition, data = write_spc(folders / "built")
    with data.open(encoding="utf-8", newline="") as f:
        every = list(csv.reader(f))[1:]
    write_csv(data, [r for r in every if r[2] < "2023-03"])
    february = folders / "built" / "trust.xlsx"
    build(february, definition, [data], commentary=COMMENTARY)
    payload = payload_from_file(moved(february, folders / "moved"))
    assert story_rows(payload)[0][0] == "Integrated Performance Report: February 2023"
    paste_under_table(payload, [r for r in every if r[2] == "2023-03"])
    result = refreshed(payload)

    fresh_definition, fresh_data = write_spc(folders / "fresh")
    march = folders / "fresh" / "trust.xlsx"
    build(march, fresh_definition, [fresh_data], commentary=COMMENTARY)
    assert not differences(result, payload_from_file(march), formula_cells(march))
    shown = story_rows(result)
    concern = next(row for row in shown if row[0] == "Concern ▼ (unusually low)")
    assert concern[1].endswith("(ED01)")  # a new special cause
    assert any(str(row[2]).startswith("▲ 9,650 → 11,900") for row in shown)


def test_check_data_checks_and_writes_nothing(folders: Path) -> None:
    payload = payload_from_file(built(folders / "built", period="2023-02"))
    actions, told, outcome = act(payload, "check")
    assert outcome is not None and actions == []
    assert "The data is ready; nothing was changed" in told[0] and "February 2023" in told[0]


def test_change_period_asks_for_a_month_first(folders: Path) -> None:
    payload = payload_from_file(built(folders / "built"))
    actions, told, outcome = act(payload, "period")
    assert outcome is None and actions == [] and "Pick a month" in told[0]
    set_named(payload, fields.PICKER.name, "2022-11")
    actions, told, outcome = act(payload, "period")
    assert outcome is not None
    assert period_text_shown(apply_actions(payload, actions)) == "November 2022 (year 2022-23)"


def no_writes_and_a_message(payload: dict[str, Any]) -> str:
    result = refresh_payload(sent(payload))
    assert [a["func"] for a in result["actions"]] == ["alert"], result["actions"][:3]
    message: str = result["actions"][0]["args"][0]
    assert message.startswith("Nothing was changed.")
    return message


def test_a_broken_row_in_the_table_changes_nothing_and_names_the_row(folders: Path) -> None:
    payload = payload_from_file(built(folders / "built"))
    paste_under_table(payload, [["CR06", "actual", "2023-04", "lots"]])
    message = no_writes_and_a_message(payload)
    assert "Data table, row 1092 (measure CR06): value: got 'lots'" in message


def test_a_garbage_data_file_gives_a_short_message(folders: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = payload_from_file(moved(built(folders / "built"), folders / "moved"))
    (folders / "moved" / "data.csv").write_bytes(bytes(range(256)) * 40)
    monkeypatch.setenv("SCORECARD_XL_BASE_DIR", str(folders / "moved"))
    message = no_writes_and_a_message(payload)
    assert "data.csv" in message and len(message) < 700
    assert str(folders) not in message  # no server paths


def test_a_missing_data_file_is_named_as_the_cover_names_it(folders: Path) -> None:
    payload = payload_from_file(moved(built(folders / "built"), folders / "moved"))
    _, told, outcome = act(payload)
    assert outcome is not None
    assert "not found (the Data table was used as it is): data.csv" in told[0]
    assert str(folders) not in told[0]


def test_a_period_without_data_changes_nothing(folders: Path) -> None:
    payload = payload_from_file(built(folders / "built"))
    set_named(payload, fields.PICKER.name, "2024-01")
    assert "2024-01" in no_writes_and_a_message(payload)


def test_a_measure_removed_from_the_definition_is_reported_once_as_a_changed_definition(
    folders: Path,
) -> None:
    payload = payload_from_file(built(folders / "built"))
    setup = value_rows(payload, "Setup")
    first = next(i for i, row in enumerate(setup) if len(row) > 1 and row[1] == 'id = "CFSS02"')
    end = next(i for i in range(first + 1, len(setup)) if setup[i][1] == "[[measures]]")
    for row in setup[first - 1 : end]:  # the [[measures]] table of CFSS02
        row[1] = ""
    message = no_writes_and_a_message(payload)
    assert "removed CFSS02" in message and "definition changed" in message
    assert message.count("\n") < 4  # one problem, not a row error per value


def test_a_changed_layout_signature_says_rebuild(folders: Path) -> None:
    payload = payload_from_file(built(folders / "built"))
    set_named(payload, fields.SIGNATURE.name, "0000000000000000")
    assert "scorecard-xl build --from-workbook" in no_writes_and_a_message(payload)


def test_an_inserted_row_changes_nothing(folders: Path) -> None:
    payload = payload_from_file(built(folders / "built"))
    grid = next(n for n in payload["names"] if n["name"] == "scxl_3_grid")  # the Scorecard, fourth sheet
    grid["address"] = "$A$7:$T$111"  # Excel moves a name down when a row is inserted above it
    assert "rows, columns or sheets were added" in no_writes_and_a_message(payload)


@pytest.mark.parametrize(
    "name", [fields.PICKER.name, fields.DATA.name, fields.DATA_TABLE.name, fields.DEFINITION_TEXT.name]
)
def test_a_deleted_record_name_is_named_in_the_message(folders: Path, name: str) -> None:
    payload = payload_from_file(built(folders / "built"))
    payload["names"] = [n for n in payload["names"] if n["name"] != name]
    message = no_writes_and_a_message(payload)
    assert name in message and "Name Manager" in message


def test_a_payload_from_another_xlwings_version_gets_a_message(folders: Path) -> None:
    payload = payload_from_file(built(folders / "built"))
    payload["version"] = "0.1.0"
    message = no_writes_and_a_message(payload)
    assert "xlwings version" in message


def test_a_refresh_that_would_show_less_asks_first(folders: Path) -> None:
    """Rows deleted from the table by mistake: the workbook would lose March and some measures."""
    payload = payload_from_file(built(folders / "built"))
    data = value_rows(payload, "Data")
    kept = [row for row in data[5:] if not (row[2] == "2023-03" or row[0].startswith("CR"))]
    data[5:] = kept + [[""] * len(data[0]) for _ in range(len(data) - 5 - len(kept))]

    message = no_writes_and_a_message(payload)
    assert "would go back from March 2023 to February 2023" in message and "CR01" in message

    asked: list[str] = []
    actions, _, outcome = act(payload, confirm=lambda question: asked.append(question) or False)
    assert (asked and outcome is None and actions == []) or all(a["func"] == "alert" for a in actions)
    actions, _, outcome = act(payload, confirm=lambda question: True)
    assert outcome is not None
    assert period_text_shown(apply_actions(payload, actions)) == "February 2023 (year 2022-23)"


def test_a_correction_pasted_under_the_table_takes_its_rows_place_and_leaves_no_copy(folders: Path) -> None:
    """A row pasted under the Data table for a measure, series and period the table has replaces
    that row's value; the table, written back whole, is a row shorter than the sheet was, so the
    pasted row's place is blanked."""
    payload = payload_from_file(built(folders / "built"))
    records = [row for row in value_rows(payload, "Data")[5:] if any(v not in (None, "") for v in row)]
    target = next(r for r in records if r[1] == "actual" and isinstance(r[3], (int, float)) and r[3] > 1)
    paste_under_table(payload, [[target[0], target[1], target[2], target[3] + 1]])

    actions, told, outcome = act(payload)
    assert outcome is not None and "0 new and 1 revised" in told[0], told
    table = value_rows(apply_actions(payload, actions), "Data")[5:]
    filled = [row for row in table if any(v not in (None, "") for v in row)]
    assert len(filled) == len(records) and table[: len(records)] == filled
    assert all(v in (None, "") for row in table[len(records) :] for v in row), "the pasted row was left"
    assert next(row for row in filled if row[:3] == target[:3])[3] == target[3] + 1


def test_the_command_line_refuses_to_shrink_without_allow_shrink(folders: Path) -> None:
    from scorecard_xl.cli import main
    from scorecard_xl.workbook.reader import read_record
    from scorecard_xl.workbook.snapshot import snapshot_from_file

    path = moved(built(folders / "built"), folders / "moved")  # away from data.csv
    # The analyst deleted March's rows from the Data table in Excel and saved. (openpyxl stands in
    # for Excel here, on a copy used only as input: it drops sparklines, which a refresh rewrites.)
    edited = openpyxl.load_workbook(path)
    data = edited["Data"]
    for row in range(data.max_row, 5, -1):
        if data.cell(row, 3).value == "2023-03":
            data.delete_rows(row)
    edited.save(path)
    before = path.read_bytes()
    assert main(["refresh", str(path)]) == 2
    assert path.read_bytes() == before
    assert main(["refresh", str(path), "--allow-shrink"]) == 0
    assert read_record(snapshot_from_file(path)).shown == "2023-02"


def test_the_backup_of_a_command_line_refresh_is_written_whole_or_not_at_all(
    folders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed while the backup is written, the earlier backup stays whole (never 0 bytes)."""
    import os

    from scorecard_xl.cli import main

    path = built(folders / "built", period="2023-02", commentary={"CR09": COMMENT})
    backup = folders / "built" / "board.previous.xlsx"
    backup.write_bytes(b"an earlier good backup")
    before = path.read_bytes()
    real_replace = os.replace

    def killed(source: str, target: str) -> None:
        if str(target).endswith(".previous.xlsx"):
            raise KeyboardInterrupt  # the moment a kill would strike
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", killed)
    assert main(["refresh", str(path)]) == 130
    assert backup.read_bytes() == b"an earlier good backup"
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []  # no leftovers

    monkeypatch.setattr(os, "replace", real_replace)
    assert main(["refresh", str(path)]) == 0
    assert backup.read_bytes() == before


def test_command_line_refresh_carries_commentary_and_equals_a_fresh_build(folders: Path) -> None:
    from scorecard_xl.cli import main
    from scorecard_xl.workbook.reader import read_record
    from scorecard_xl.workbook.snapshot import snapshot_from_file

    rows = sample_rows()
    path = moved(
        built(folders / "built", [r for r in rows if not after(r, "2022-12")], commentary={"CR09": COMMENT}),
        folders / "moved",
    )
    march_rows = write_csv(folders / "moved" / "march.csv", [r for r in rows if after(r, "2022-12")])
    assert main(["refresh", str(path), "--data", str(march_rows)]) == 0
    record = read_record(snapshot_from_file(path))
    assert record.shown == "2023-03" and record.commentary == {"CR09": COMMENT}
    march = built(folders / "fresh", commentary={"CR09": COMMENT})
    assert not differences(payload_from_file(path), payload_from_file(march), formula_cells(march))


def test_build_from_workbook_carries_commentary_and_data_to_a_new_file(folders: Path) -> None:
    from scorecard_xl.cli import main
    from scorecard_xl.workbook.reader import read_record
    from scorecard_xl.workbook.snapshot import snapshot_from_file

    old = moved(
        built(folders / "built", period="2023-02", commentary={"CP06": "Audit under way."}), folders / "moved"
    )
    new = folders / "moved" / "sub" / "march.xlsx"
    new.parent.mkdir()
    assert main(["build", "--from-workbook", str(old), "-o", str(new)]) == 0
    record = read_record(snapshot_from_file(new))
    assert record.commentary == {"CP06": "Audit under way."}
    assert record.data_files == ("data.csv",)  # as the old workbook recorded it
    assert record.shown == "2023-03"


def test_the_bundled_sample_refreshes_from_itself_and_records_no_installation_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.chdir(tmp_path)
    build(tmp_path / "scorecard.xlsx")
    (tmp_path / "away").mkdir()
    payload = payload_from_file(moved(tmp_path / "scorecard.xlsx", tmp_path / "away"))
    said = value_at(payload, "Cover", *named_cell(payload, fields.DATA.name)[1:])
    assert str(said).startswith("(none: Refresh works from the Data table")  # not a blank row
    assert "site-packages" not in str(payload["sheets"][0]["values"])
    _, told, outcome = act(payload)
    assert outcome is not None, told
    # An analyst who types a file after the remark refreshes from it too.
    (tmp_path / "away" / "revised.csv").write_text(
        "measure,series,period,value\nCR01,actual,2023-03,4000\n", encoding="utf-8"
    )
    set_named(payload, fields.DATA.name, f"{said}; revised.csv")
    monkeypatch.setenv("SCORECARD_XL_BASE_DIR", str(tmp_path / "away"))  # Excel sent no folder
    _, told, outcome = act(payload)
    assert outcome is not None and outcome.plan.news.revised == 1, told


def test_a_refresh_repeats_the_options_the_workbook_was_built_with(folders: Path) -> None:
    """A per-authority workbook keeps its authority's name."""
    path = built(folders / "built", period="2023-02", options=Options(organisation="Board copy"))
    payload = payload_from_file(path)
    set_named(payload, fields.PICKER.name, "2023-03")
    result = refreshed(payload)
    assert value_at(result, *named_cell(result, fields.ORGANISATION.name)) == "Board copy"
    assert str(value_at(result, *named_cell(result, fields.PERIOD_TEXT.name))).startswith("March 2023")


def test_a_published_copy_is_a_release_never_refreshed(folders: Path) -> None:
    """It carries none of the analyst's tools (no picker, no layout signature, no definition), so
    Excel's Refresh, the command line and --from-workbook each say how the next one is made, and
    write nothing."""
    path = built(folders / "built", period="2023-02", options=Options(publish=5))
    message = no_writes_and_a_message(payload_from_file(path))
    assert "is a published copy" in message and "build --from-workbook ANALYST.xlsx --publish" in message
    with pytest.raises(InputError, match="is a published copy"):
        refresh_file(path, output=folders / "next.xlsx")
    with pytest.raises(InputError, match="is a published copy"):
        build_from_workbook(path, folders / "again.xlsx")
    assert not (folders / "next.xlsx").exists() and not (folders / "again.xlsx").exists()
    analysts = built(folders / "built", period="2023-02", name="analyst.xlsx")
    build_from_workbook(analysts, folders / "release.xlsx", options=Options(publish=5))  # the way
    assert (folders / "release.xlsx").exists()


def test_a_protected_copy_is_not_refreshed(folders: Path) -> None:
    path = built(folders / "built", period="2023-02", options=Options(protect_password="pw"))
    assert "refresh the unprotected workbook" in no_writes_and_a_message(payload_from_file(path))


def test_a_workbook_with_drawn_trends_is_refreshed_by_rebuilding_not_in_excel(folders: Path) -> None:
    """Pictures cannot be redrawn by cell writes: Excel would show new values beside old trends."""
    path = built(folders / "built", period="2023-02", options=Options(viewer="libreoffice"))
    message = no_writes_and_a_message(payload_from_file(path))
    assert "built for LibreOffice" in message and "scorecard-xl refresh" in message
    march = folders / "march.xlsx"
    refresh_file(path, period="2023-03", output=march)
    with zipfile.ZipFile(march) as package:
        assert any(n.startswith("xl/media/") for n in package.namelist())  # trends drawn again
    assert read_record(snapshot_from_file(march)).picked == "2023-03"


def test_the_addin_is_the_xlwings_template_with_a_scorecard_ribbon(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET
    import zipfile

    from scorecard_xl.refresh.addin import template_path, write_addin

    path = write_addin(tmp_path / "scorecard_xl.xlam")
    with zipfile.ZipFile(path) as addin, zipfile.ZipFile(template_path()) as template:
        assert sorted(addin.namelist()) == sorted(template.namelist())
        for name in template.namelist():
            if name != "customUI/customUI.xml":
                assert addin.read(name) == template.read(name), name  # the VBA is untouched
        ribbon = ET.fromstring(addin.read("customUI/customUI.xml"))
        vba = template.read("xl/vbaProject.bin")
    ns = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}
    tab = ribbon.find(".//ui:tab", ns)
    assert tab is not None and tab.get("label") == "Scorecard"
    buttons = ribbon.findall(".//ui:button", ns)
    # Every button runs the template's RunMain, a refresh: no button may promise to change nothing.
    assert [b.get("label") for b in buttons] == ["Refresh", "Change period"]
    for button in buttons:
        module, macro = (button.get("onAction") or "").split(".")
        assert module.encode() in vba and macro.encode() in vba  # the macro exists in the template


def test_the_addin_must_be_named_for_the_module_it_imports(tmp_path: Path) -> None:
    from scorecard_xl.cli import main

    assert main(["addin", "-o", str(tmp_path / "scorecard.xlam")]) == 2
    assert not (tmp_path / "scorecard.xlam").exists()


def test_desktop_excel_reads_the_same_workbook_through_ranges(folders: Path) -> None:
    """Desktop Excel is read through xlwings' Range interface (one used range per sheet), Lite and
    Server from the JSON Excel sent: both must plan the same refresh."""
    from scorecard_xl.refresh.excel_writes import plan_refresh
    from scorecard_xl.refresh.in_excel import snapshot_through_ranges
    from scorecard_xl.workbook.snapshot import snapshot_from_payload

    payload = payload_from_file(built(folders / "built", period="2023-02"))
    set_named(payload, fields.PICKER.name, "2023-03")
    request = RefreshRequest(generated_at=FIXED_TIME)
    through_ranges = plan_refresh(snapshot_through_ranges(xw.Book(json=sent(payload))), request)
    from_json = plan_refresh(snapshot_from_payload(sent(payload)), request)
    assert through_ranges.writes == from_json.writes and through_ranges.sizes == from_json.sizes
    assert through_ranges.record.commentary == from_json.record.commentary
    assert through_ranges.scorecard.period.iso == "2023-03"


def test_a_batch_picks_latest_only_for_its_latest_jobs(folders: Path) -> None:
    """A batch's "latest" workbook follows new data when refreshed; one built for a named month
    keeps showing it."""
    from scorecard_xl.batch.run import run_batch
    from scorecard_xl.workbook.reader import read_record
    from scorecard_xl.workbook.snapshot import snapshot_from_file

    write_csv(folders / "built" / "data.csv", sample_rows())
    batch = folders / "built" / "batch.toml"
    batch.write_text(
        '[defaults]\noutput_folder = "out"\ndata = ["data.csv"]\n\n'
        '[[jobs]]\nperiod = "2023-01"\noutput = "january.xlsx"\n\n'
        '[[jobs]]\nperiod = "latest"\noutput = "latest.xlsx"\n',
        encoding="utf-8",
    )
    report = run_batch(batch, jobs=1)
    assert report.ok
    picked = {
        path.stem: read_record(snapshot_from_file(path)).picked
        for path in sorted((folders / "built" / "out").glob("*.xlsx"))
    }
    assert picked == {"january": "2023-01", "latest": ""}  # "" is Latest


def test_values_written_another_way_are_not_counted_as_revised(folders: Path) -> None:
    """Refreshing from the file a workbook was built from reports nothing new: 417.0 is 417, and a
    percentage the table holds as a fraction is the same value as the file's points or per cent."""

    def written_another_way(value: str) -> str:
        per_cent = value.endswith("%")
        try:
            number = float(value.removesuffix("%"))
        except ValueError:
            return value  # a missing-value token or a band: as written
        return f"{number:.3f}%" if per_cent else f"{number:.3f}"  # 417.000, 64.000%

    rows = [[m, s, p, written_another_way(v)] for m, s, p, v in sample_rows()]
    assert sum(row[3] != original[3] for row, original in zip(rows, sample_rows(), strict=True)) > 800
    path = built(folders / "built", rows)
    result = refresh_file(path)
    assert (result.plan.news.added, result.plan.news.revised) == (0, 0)
    rows[0][3] = str(float(rows[0][3]) + 1)  # one value really revised
    write_csv(folders / "built" / "data.csv", rows)
    assert refresh_file(path).plan.news.revised == 1


def test_a_refresh_that_goes_well_raises_no_alert_in_xlwings_server(folders: Path) -> None:
    """xlwings Server, Office.js and VBA RunServerPython: a dialog on every refresh only gets in
    the way, so success is said by the workbook (the Cover's data status: when, and what the
    refresh brought); an alert comes only when the analyst is needed, or asked (Check data)."""
    rows = sample_rows()
    payload = payload_from_file(built(folders / "built", [r for r in rows if not after(r, "2022-12")]))
    paste_under_table(payload, [r for r in rows if after(r, "2022-12")])
    result = refresh_payload(sent(payload))
    assert "alert" not in {a["func"] for a in result["actions"]}
    applied = apply_actions(payload, result["actions"])
    status = value_at(applied, *named_cell(applied, fields.DATA_STATUS.name))
    assert re.fullmatch(r"1,086 values in the Data table \(sha256 \w+\), refreshed .+: \+356 values", status)
    assert read_record(snapshot_from_payload(sent(applied))).values_before == 1086  # read back as ever
    again = apply_actions(applied, refresh_payload(sent(applied))["actions"])
    assert value_at(again, *named_cell(again, fields.DATA_STATUS.name)).endswith(": no new values")
    checked = refresh_payload(sent(applied), action="check")["actions"]
    assert [a["func"] for a in checked] == ["alert"] and "The data is ready" in checked[0]["args"][0]
    paste_under_table(applied, [["CR06", "actual", "2023-04", "lots"]])
    assert no_writes_and_a_message(applied)  # a problem: one alert, nothing written


def test_the_addin_install_steps_name_the_config_its_vba_reads(tmp_path: Path) -> None:
    """The template's VBA reads PROJECT_NAME.conf (PROJECT_NAME = "myaddin": its own config sheet
    is _myaddin.conf), not xlwings' own xlwings.conf, so that is where the interpreter must go.
    (The VBA itself is compressed in vbaProject.bin; its GetConfigFilePath was read with olevba.)"""
    from scorecard_xl.refresh.addin import INSTALL_STEPS, template_path

    with zipfile.ZipFile(template_path()) as template:
        assert 'name="_myaddin.conf"' in template.read("xl/workbook.xml").decode("utf-8")
    assert "%USERPROFILE%\\.myaddin\\myaddin.conf" in INSTALL_STEPS
    assert "Data/myaddin.conf" in INSTALL_STEPS and "xlwings.conf is not read" in INSTALL_STEPS
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "%USERPROFILE%\\.myaddin\\myaddin.conf" in readme and ".xlwings\\xlwings.conf" not in readme


def data_table_value(payload: dict[str, Any], measure: str, period: str) -> Any:
    [value] = [r[3] for r in value_rows(payload, "Data") if r[:3] == [measure, "actual", period]]
    return value


@pytest.mark.parametrize(
    ("percent_input", "pasted", "read_as", "warned"),
    [
        ("fraction", 0.64, 0.64, False),  # as Excel holds a pasted 64%
        ("fraction", 1.005, 1.005, True),  # Excel's 100.5%: over 100%, said once
        ("fraction", "1.005", 1.005, True),
        ("fraction", "64%", 0.64, False),  # with its % sign, always 64%
        ("points", 99, 0.99, False),  # copied from a data file that writes 99 for 99%
        ("points", "99", 0.99, False),
    ],
)
def test_a_percentage_pasted_under_the_table_is_read_as_its_data_file_reads_it(
    folders: Path, percent_input: str, pasted: object, read_as: float, warned: bool
) -> None:
    """The table's own rows are Excel's fractions of any size (a build's 100.5% comes back as 1.005);
    a row pasted under it since is read as the data file it was copied from is: 99 is 99% under
    percent_input = "points", not 9,900%."""
    definition = (SAMPLE.parents[1] / "workbook_templates" / "nct_monthly.toml").read_text(encoding="utf-8")
    card = folders / "built" / "card.toml"
    card.write_text(
        definition.replace('percent_input = "fraction"', f'percent_input = "{percent_input}"'),
        encoding="utf-8",
    )
    rows = [r for r in sample_rows() if not after(r, "2022-12")]
    data = write_csv(folders / "built" / "data.csv", rows)
    build(folders / "built" / "board.xlsx", card, [data])
    payload = payload_from_file(moved(folders / "built" / "board.xlsx", folders / "moved"))
    paste_under_table(payload, [["CIC12", "actual", "2023-01", pasted]])
    actions, told, outcome = act(payload)
    assert outcome is not None, told
    assert data_table_value(apply_actions(payload, actions), "CIC12", "2023-01") == pytest.approx(read_as)
    assert ("read as over 100%" in " ".join(told)) is warned, told


@pytest.mark.parametrize("pasted", [64, "64", -250])
def test_a_bare_percentage_in_points_pasted_into_a_fraction_workbook_is_refused(
    folders: Path, pasted: object
) -> None:
    """Under percent_input = "fraction" a pasted 64 would be 6,400%: refused, naming its row and
    how to write 64%, and nothing changes (before, it was taken and showed Green)."""
    payload = payload_from_file(moved(built(folders / "built"), folders / "moved"))
    paste_under_table(payload, [["CIC12", "actual", "2023-01", pasted]])
    row = len(value_rows(payload, "Data"))
    message = no_writes_and_a_message(payload)
    assert f"row {row} (measure CIC12)" in message and "value" in message, message
    assert f"'{float(pasted):g}%' if {float(pasted):g} per cent is meant" in message, message
