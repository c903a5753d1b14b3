"""Refresh with the real xlwings library (remote engine): build February, send the workbook as
Excel would, refresh, apply the returned actions, and compare with a fresh build of March."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw

from scorecard_xl.layout.scorecard_sheets import SCORECARD_SHEET
from scorecard_xl.pipeline import build
from scorecard_xl.refresh import refresh, refresh_payload
from tests.conftest import FIXED_TIME, SAMPLE
from tests.excel_payload import apply_actions, formula_cells, payload_from_file, value_at

EPOCH = str(int(FIXED_TIME.timestamp()))
COMMENT = "Re-referrals rose after the MASH restructure; deep dive in April."


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("SCORECARD_XL_BASE_DIR", str(tmp_path))  # Excel on the web has no folder
    shutil.copy(SAMPLE / "data.csv", tmp_path / "data.csv")
    return tmp_path


def built(folder: Path, name: str, period: str, commentary: dict[str, str] | None = None) -> Path:
    path = folder / name
    build(path, None, [folder / "data.csv"], period, commentary=commentary)
    return path


def run(payload: dict[str, Any], period: str | None = None) -> list[dict[str, Any]]:
    book = xw.Book(json=payload)
    refresh(book, period, generated_at=FIXED_TIME)
    actions: list[dict[str, Any]] = book.json()["actions"]
    return actions


def differences(
    got: dict[str, Any], want: dict[str, Any], skip: dict[str, set[tuple[int, int]]]
) -> list[str]:
    found = []
    for sheet_got, sheet_want in zip(got["sheets"], want["sheets"], strict=True):
        name = sheet_want["name"]
        rows = max(len(sheet_got["values"]), len(sheet_want["values"]))
        cols = max(max(len(r) for r in sheet_got["values"]), max(len(r) for r in sheet_want["values"]))
        for r in range(rows):
            for c in range(cols):
                if (r, c) in skip.get(name, set()):
                    continue
                a, b = value_at(got, name, r, c), value_at(want, name, r, c)
                if (a or "") != (b or ""):
                    found.append(f"{name} r{r + 1} c{c + 1}: refreshed {a!r}, fresh build {b!r}")
    return found


def test_refresh_rolls_february_forward_to_a_fresh_build_of_march(folder: Path) -> None:
    february = payload_from_file(built(folder, "february.xlsx", "2023-02"))
    actions = run(february)
    writes = [a for a in actions if a["func"] == "setValues"]
    assert 0 < len(writes) <= 20  # a handful of 2-D blocks, never one per cell
    refreshed = apply_actions(february, actions)

    march_file = built(folder, "march.xlsx", "2023-03")
    march = payload_from_file(march_file)
    # Formula cells (subtitles, section commentary, links) are Excel's to recalculate.
    assert not differences(refreshed, march, formula_cells(march_file))
    assert value_at(refreshed, "Cover", 2, 1) == "March 2023 (year 2022-23)"


def test_a_second_refresh_changes_nothing(folder: Path) -> None:
    once = payload_from_file(built(folder, "book.xlsx", "2023-02"))
    once = apply_actions(once, run(once))
    twice = apply_actions(once, run(once))
    assert not differences(twice, once, {})


def test_commentary_typed_in_excel_survives_refresh_and_rebuild(folder: Path) -> None:
    path = built(folder, "book.xlsx", "2023-02")
    payload = payload_from_file(path)
    header = next(i for i, row in enumerate(value_rows(payload, SCORECARD_SHEET)) if row[0] == "Ref")
    rows = value_rows(payload, SCORECARD_SHEET)
    commentary_col = rows[header].index("Commentary")
    cr09 = next(i for i, row in enumerate(rows) if row[0] == "CR09")
    rows[cr09][commentary_col] = COMMENT  # the analyst types
    actions = run(payload)
    assert all(
        not (a["sheet_position"] == 2 and a["start_column"] + len(a["values"][0]) > commentary_col)
        for a in actions
        if a["func"] == "setValues"
    ), "refresh must never write the commentary column"
    refreshed = apply_actions(payload, actions)
    assert value_rows(refreshed, SCORECARD_SHEET)[cr09][commentary_col] == COMMENT
    # Read back from the refreshed book, the commentary is keyed by measure for the next build too.
    book = xw.Book(json=refreshed)
    from scorecard_xl.refresh import read_record

    assert read_record(book).commentary == {"CR09": COMMENT}


def test_the_picked_period_is_shown(folder: Path) -> None:
    payload = payload_from_file(built(folder, "book.xlsx", "2023-03"))
    picker = cover_cell(payload, "Period to show")
    value_rows(payload, "Cover")[picker[0]][picker[1]] = "2022-12"
    refreshed = apply_actions(payload, run(payload))
    assert value_at(refreshed, "Cover", 2, 1) == "December 2022 (year 2022-23)"
    assert value_at(refreshed, "Cover", *cover_cell(refreshed, "Period shown")) == "2022-12"


def no_writes_and_a_message(payload: dict[str, Any]) -> str:
    result = refresh_payload(payload)
    assert [a["func"] for a in result["actions"]] == ["alert"]
    message: str = result["actions"][0]["args"][0]
    assert message.startswith("Nothing was changed.")
    return message


def test_a_missing_data_file_changes_nothing(folder: Path) -> None:
    payload = payload_from_file(built(folder, "book.xlsx", "2023-02"))
    (folder / "data.csv").rename(folder / "moved.csv")
    assert "no such data file" in no_writes_and_a_message(payload)


def test_a_broken_data_file_changes_nothing(folder: Path) -> None:
    payload = payload_from_file(built(folder, "book.xlsx", "2023-02"))
    with (folder / "data.csv").open("a", encoding="utf-8") as data:
        data.write("CR06,actual,2023-04,lots\n")
    message = no_writes_and_a_message(payload)
    assert "row 1088" in message and "'lots'" in message


def test_a_period_without_data_changes_nothing(folder: Path) -> None:
    payload = payload_from_file(built(folder, "book.xlsx", "2023-02"))
    picker = cover_cell(payload, "Period to show")
    value_rows(payload, "Cover")[picker[0]][picker[1]] = "2024-01"
    assert "2024-01" in no_writes_and_a_message(payload)


def test_a_changed_definition_changes_nothing_and_says_rebuild(folder: Path) -> None:
    payload = payload_from_file(built(folder, "book.xlsx", "2023-02"))
    signature = cover_cell(payload, "Layout")
    value_rows(payload, "Cover")[signature[0]][signature[1]] = "0000000000000000"
    assert "scorecard-xl build --from-workbook" in no_writes_and_a_message(payload)


def test_an_inserted_row_changes_nothing(folder: Path) -> None:
    payload = payload_from_file(built(folder, "book.xlsx", "2023-02"))
    grid = next(n for n in payload["names"] if n["name"] == "scxl_2_grid")
    grid["address"] = "$A$7:$T$111"  # Excel moves a name down when a row is inserted above it
    assert "rows, columns or sheets were added" in no_writes_and_a_message(payload)


def value_rows(payload: dict[str, Any], sheet: str) -> list[list[Any]]:
    rows: list[list[Any]] = next(s for s in payload["sheets"] if s["name"] == sheet)["values"]
    return rows


def cover_cell(payload: dict[str, Any], label: str) -> tuple[int, int]:
    for r, row in enumerate(value_rows(payload, "Cover")):
        if len(row) > 2 and row[1] == label:
            return r, 2
    raise AssertionError(f"no {label!r} row on the Cover")


def test_command_line_refresh_carries_commentary_and_keeps_the_old_file(folder: Path) -> None:
    from scorecard_xl.cli import main
    from scorecard_xl.reopen import read_workbook_file

    path = built(folder, "board.xlsx", "2023-02", commentary={"CR09": COMMENT})
    before = path.read_bytes()
    assert main(["refresh", str(path)]) == 0
    record = read_workbook_file(path)
    assert record.shown == "2023-03" and record.commentary == {"CR09": COMMENT}
    assert (folder / "board.previous.xlsx").read_bytes() == before
    march = payload_from_file(built(folder, "march.xlsx", "2023-03", commentary={"CR09": COMMENT}))
    assert not differences(payload_from_file(path), march, formula_cells(folder / "march.xlsx"))


def test_build_from_workbook_carries_commentary_to_a_new_file(folder: Path) -> None:
    from scorecard_xl.cli import main
    from scorecard_xl.reopen import read_workbook_file

    old = built(folder, "february.xlsx", "2023-02", commentary={"CP06": "Audit of repeat plans under way."})
    new = folder / "sub" / "march.xlsx"
    new.parent.mkdir()
    assert main(["build", "--from-workbook", str(old), "-o", str(new)]) == 0
    record = read_workbook_file(new)
    assert record.commentary == {"CP06": "Audit of repeat plans under way."}
    assert record.data == ("../data.csv",)  # still found from the new workbook's folder
    assert record.shown == "2023-03"


def test_the_addin_is_the_xlwings_template_with_a_scorecard_ribbon(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET
    import zipfile

    from scorecard_xl.addin import template_path, write_addin

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
    assert [b.get("label") for b in buttons] == ["Refresh", "Change period", "Check data"]
    for button in buttons:
        module, macro = (button.get("onAction") or "").split(".")
        assert module.encode() in vba and macro.encode() in vba  # the macro exists in the template


def test_the_addin_must_be_named_for_the_module_it_imports(tmp_path: Path) -> None:
    from scorecard_xl.cli import main

    assert main(["addin", "-o", str(tmp_path / "scorecard.xlam")]) == 2
    assert not (tmp_path / "scorecard.xlam").exists()


def test_a_refresh_repeats_the_options_the_workbook_was_built_with(folder: Path) -> None:
    """A published copy stays published, and a per-authority workbook keeps its authority's name."""
    from scorecard_xl.pipeline import Options

    path = folder / "published.xlsx"
    build(
        path,
        None,
        [folder / "data.csv"],
        "2023-02",
        options=Options(organisation="Board copy", suppress_threshold=5),
    )
    payload = payload_from_file(path)
    refreshed = apply_actions(payload, run(payload))
    rows = value_rows(refreshed, SCORECARD_SHEET)
    cfss12 = next(r for r in rows if r[0] == "CFSS12")
    assert "c" in cfss12 and 3 not in cfss12 and 4 not in cfss12  # March's small counts suppressed too
    assert value_at(refreshed, "Cover", 1, 1) == "Board copy"


def test_a_protected_copy_is_not_refreshed(folder: Path) -> None:
    from scorecard_xl.pipeline import Options

    path = folder / "protected.xlsx"
    build(path, None, [folder / "data.csv"], "2023-02", options=Options(protect_password="pw"))
    assert "refresh the unprotected workbook" in no_writes_and_a_message(payload_from_file(path))
