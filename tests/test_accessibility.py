"""The published copy (`build --publish`) follows the Analysis Function's "Releasing statistics in
spreadsheets", and `check --accessibility` says so, or names each rule a workbook breaks, where,
and how to fix it.

The checker is tried on a workbook made here with plain xlsxwriter to break every rule once, and on
the published sample and the 12-month stress card through the real command line. The published
workbook is also read back with openpyxl, independently of the checker."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from board_cards import QUARTERLY, write_stress

from scorecard_xl.checks.accessibility import A11Y_CHECKS, check_accessibility
from scorecard_xl.drawing.png import encode_rgba
from tests.cli_process import run_cli
from tests.conftest import SAMPLE, TEMPLATE


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample and the stress card, built with --publish through the command line."""
    folder = tmp_path_factory.mktemp("published")
    definition, data = write_stress(folder / "stress")
    books = {"sample": folder / "sample.xlsx", "stress": folder / "stress.xlsx"}
    for name, args in (
        ("sample", ["-t", str(TEMPLATE), "-d", str(SAMPLE / "data.csv")]),
        ("stress", ["-t", str(definition), "-d", str(data)]),
    ):
        done = run_cli("build", *args, "--publish", "-o", str(books[name]))
        assert done.returncode == 0, done.stderr
    return books


@pytest.mark.parametrize("name", ["sample", "stress"])
def test_the_published_copy_passes_check_accessibility(published: dict[str, Path], name: str) -> None:
    done = run_cli("check", str(published[name]), "--accessibility")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok: follows every accessibility rule" in done.stdout


def test_the_published_copy_read_back(published: dict[str, Path]) -> None:
    """What the rules ask, read with openpyxl: the title in A1, named tables with alternative text
    and one header row, no merged cells, no blank cell in a table, the shorthand explained."""
    content = published["stress"].read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)  # read only: never saved
    assert book["Cover"]["A1"].value == "Board Scorecard"
    assert book.properties.title and book.properties.language == "en-GB"
    tables = {name: (sheet, sheet.tables[name]) for sheet in book.worksheets for name in sheet.tables}
    assert {"All_measures", "Counts_by_section", "Contents", "Key", "MeasureDefinitions"} <= set(tables)
    for sheet in book.worksheets:
        assert not sheet.merged_cells.ranges, sheet.title
        assert sheet.sheet_view.zoomScale in (None, 100) and sheet.freeze_panes is None, sheet.title
    for name, (sheet, table) in tables.items():
        assert table.headerRowCount in (None, 1), name
        rows = list(sheet[table.ref])
        assert all(cell.value not in (None, "") for row in rows[1:] for cell in row), f"blank cell in {name}"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        tables_xml = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/tables/")]
    assert tables_xml and all('altText="' in xml and 'altTextSummary="' in xml for xml in tables_xml)
    # The shorthand: a quarterly measure's other months are [z], not blank; every symbol explained.
    scorecard = book["Scorecard"]
    header = [c.value for c in next(r for r in scorecard.iter_rows() if r[0].value == "Ref")]
    quarterly = next(r for r in scorecard.iter_rows(values_only=True) if r[0] == QUARTERLY)
    assert quarterly[header.index("Jul 22")] == "[z]"  # not a reporting month: not applicable
    assert quarterly[header.index("Jun 22")] == "[c]"  # a quarter's count of 4: suppressed
    assert "Section" in header and "Trend" not in header  # section as a column; no sparklines
    key = {row[0]: row[1] for row in book["Notes"].iter_rows(values_only=True) if row[0]}
    assert all(key.get(symbol) for symbol in ("[c]", "[x]", "[z]", "[u]", "[low]"))


def test_suppressed_figures_show_their_shorthand(published: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(published["sample"], read_only=True, data_only=True)
    texts = [str(c) for row in book["Scorecard"].iter_rows(values_only=True) for c in row if c is not None]
    assert "[c]" in texts and "c" not in texts and "n/a" not in texts


def _broken_workbook(path: Path) -> None:
    """A workbook breaking every rule once: plain xlsxwriter, no title, no language."""
    book = xlsxwriter.Workbook(path)
    loose = book.add_worksheet("Loose")  # A1 empty, merged cells, figures outside a table
    loose.merge_range("B1:C1", "Figures")
    for row in range(2, 6):
        loose.write_row(row, 1, [row, row * 2, row * 3])
    loose.set_zoom(85)
    sheet = book.add_worksheet("Table")
    sheet.write("A1", "A table with problems")
    sheet.add_table("A3:C7", {"data": [[1, "n/a", 3], [4, None, 6], [None, None, None], [7, "[c]", 9]]})
    sheet.conditional_format("A4:A7", {"type": "data_bar"})
    sheet.set_header("&LSecret note&RPage &P of &N")
    sheet.set_row(9, None, None, {"hidden": True})
    sheet.write("A10", "hidden")
    pixels = bytes([31, 56, 100, 255]) * 16
    sheet.insert_image(
        "E3", "chart.png", {"image_data": io.BytesIO(encode_rgba(4, 4, pixels)), "description": ""}
    )
    sheet.add_sparkline("F4", {"range": "Table!A4:C4"})
    sheet.write_url("A12", "internal:Loose!A1", string="click here")
    sheet.freeze_panes(3, 0)
    sheet.activate()
    book.close()


def test_each_broken_rule_is_reported_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    _broken_workbook(path)
    findings = check_accessibility(path)
    by_code: dict[str, list[str]] = {}
    for finding in findings:
        by_code.setdefault(finding.code, []).append(finding.where)
    assert set(by_code) == set(A11Y_CHECKS), sorted(set(A11Y_CHECKS) - set(by_code))
    assert by_code["a11y-sheet-title"] == ["Sheet 'Loose'!A1"]
    assert by_code["a11y-merged-cells"] == ["Sheet 'Loose'"]
    assert by_code["a11y-no-table"] == ["Sheet 'Loose'!B3"]
    assert by_code["a11y-table-name"] == ["Sheet 'Table' table 'Table1' (A3:C7)"]
    assert by_code["a11y-shorthand"] == ["Sheet 'Table'!B4"]
    assert by_code["a11y-shorthand-unexplained"] == ["Sheet 'Table'!B7"]
    assert (
        "Sheet 'Table'!B5" in by_code["a11y-blank-cell"]
        and "Sheet 'Table'!A6:C6" in by_code["a11y-blank-cell"]
    )
    assert by_code["a11y-header-footer"] == ["Sheet 'Table' oddHeader"]
    assert by_code["a11y-image-alt-text"] == ["Sheet 'Table'!E3"]
    assert by_code["a11y-link-text"] == ["Sheet 'Table'!A12"]
    assert by_code["a11y-zoom"] == ["Sheet 'Loose'"]
    assert {"Sheet 'Table'", "xl/workbook.xml"} <= set(by_code["a11y-cursor"])
    for finding in findings:  # every finding says how to fix it
        assert ":" in finding.message or " " in finding.message


def test_the_check_on_the_command_line_exits_1_and_names_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    _broken_workbook(path)
    done = run_cli("check", str(path), "--accessibility")
    assert done.returncode == 1
    assert "[error: a11y-merged-cells]" in done.stdout and "not accessible as it is" in done.stdout
    missing = run_cli("check", str(tmp_path / "none.xlsx"), "--accessibility")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_every_workbook_has_its_title_in_a1_and_a_language(tmp_path: Path) -> None:
    """Rules better for every workbook apply to the one for Excel too."""
    path = tmp_path / "board.xlsx"
    assert run_cli("build", "-o", str(path)).returncode == 0
    codes = {finding.code for finding in check_accessibility(path)}
    assert not {"a11y-title", "a11y-language", "a11y-sheet-title", "a11y-table-alt-text"} & codes, codes


def test_the_check_says_first_that_the_analysts_workbook_is_not_a_published_copy(
    tmp_path: Path, published: dict[str, Path]
) -> None:
    """The workbook for the analyst and the board breaks some rules on purpose: the check says so
    before its findings, and follows the rules that cost the board nothing (links that say where
    they go, no blank cell in the Definitions table)."""
    path = tmp_path / "board.xlsx"
    assert run_cli("build", "-o", str(path)).returncode == 0
    done = run_cli("check", str(path), "--accessibility")
    first = done.stdout.splitlines()[0]
    assert "not a published copy" in first and "build --publish" in first, first
    codes = {finding.code for finding in check_accessibility(path)}
    assert not {"a11y-link-text", "a11y-blank-cell", "a11y-shorthand-unexplained"} & codes, codes
    assert "not a published copy" not in run_cli("check", str(published["sample"]), "--accessibility").stdout
