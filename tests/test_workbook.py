"""The built workbook's structure, read back with openpyxl and from the raw XML parts."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.generate.sequence import render
from scorecard_xl.layout.sheet import Formula
from scorecard_xl.layout.styles import CONDITIONAL, RAG_COLOURS, STYLES
from tests.conftest import FIXED_TIME, SAMPLE, TEMPLATE

SHEETS = [
    "This month", "Cover", "Summary", "Scorecard", "Family Support (CFSS)", "Contacts and Referrals",
    "Assessments", "S47's", "CIN", "Child Protection", "Children in Care", "Placements", "Adoption",
    "Care Leavers", "Caseloads & Staffing", "Data", "Definitions", "Setup",
]  # fmt: skip


@pytest.fixture(scope="module")
def book(sample_book: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(sample_book)  # full mode: formats, rules, print settings


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")
        }


def sheet_part(path: Path, title: str) -> str:
    parts = xml_parts(path)
    index = next(i for i, t in enumerate(SHEETS, start=1) if t == title)
    return parts[f"xl/worksheets/sheet{index}.xml"]


def test_sheets_in_order(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == SHEETS
    assert book.active.title == "This month"  # the month's story opens the workbook


def test_same_inputs_give_the_same_bytes() -> None:
    inputs = load_inputs(TEMPLATE, [SAMPLE / "data.csv"])
    first = render(inputs, generated_at=FIXED_TIME)[1]
    second = render(load_inputs(TEMPLATE, [SAMPLE / "data.csv"]), generated_at=FIXED_TIME)[1]
    assert first == second


def test_document_properties_name_the_organisation_not_a_person(book: openpyxl.Workbook) -> None:
    props = book.properties
    assert props.creator == "Northamptonshire Children's Trust"
    assert props.title == "Performance Scorecard: Northamptonshire Children's Trust"
    assert props.created.replace(tzinfo=None) == FIXED_TIME.replace(tzinfo=None)
    custom = {p.name: p.value for p in book.custom_doc_props.props}
    assert custom["Protective marking"] == "OFFICIAL"
    assert custom["Scorecard definition"] == "nct-monthly 2022-23.1"


def test_the_cover_key_explains_every_token_in_its_own_capitals(book: openpyxl.Workbook) -> None:
    """Each missing-value token is explained once; a meaning keeps its capitals (DfE, not dfe)."""
    from scorecard_xl.inputs.values import MISSING_TOKENS

    cover = book["Cover"]
    lines = {str(row[0]): str(row[1]) for row in cover.iter_rows(values_only=True) if row[0] and row[1]}
    for token, meaning in MISSING_TOKENS.items():
        if token:
            assert lines[token].startswith(meaning[:1].upper() + meaning[1:]), (token, lines[token])
    assert "(DfE)" in lines["x"]


def test_scorecard_print_setup(book: openpyxl.Workbook) -> None:
    ws = book["Scorecard"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 8  # A3
    # One page wide at a scale worked out from the measured columns (text at 7 pt or more), pages
    # breaking between sections only (layout.pagination).
    assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
    assert 70 <= ws.page_setup.scale <= 100
    sections = {s.title for s in load_inputs(TEMPLATE, [SAMPLE / "data.csv"]).definition.sections}
    breaks = [brk.id for brk in ws.row_breaks.brk]
    assert breaks and all(ws.cell(row + 1, 1).value in sections for row in breaks), breaks
    assert ws.print_title_rows == "$2:$6"  # the subtitle (with the period) and the column headers
    assert "OFFICIAL" in ws.oddHeader.center.text and "OFFICIAL" in ws.oddFooter.center.text
    assert "&P of &N" in ws.oddFooter.right.text
    assert ws.freeze_panes == "C7"


def test_number_formats_follow_units(book: openpyxl.Workbook) -> None:
    ws = book["Scorecard"]
    formats = {}
    for row in ws.iter_rows(min_row=7):
        if row[0].value in ("CFSS01", "CFSS02", "CR06", "CFSS07", "AD02", "CFSS13"):
            formats[row[0].value] = row[2].number_format
    assert formats == {
        "CFSS01": "#,##0", "CFSS02": "0%", "CFSS07": "#,##0.0", "CFSS13": "0.0%", "CR06": "#,##0.0",
        "AD02": "#,##0.0",
    }  # fmt: skip


def test_rag_is_a_word_coloured_by_live_rules(book: openpyxl.Workbook, sample_book: Path) -> None:
    ws = book["Scorecard"]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=10) if r[0].value == "Ref")
    rag_col = next(c.column_letter for c in header if c.value == "RAG")
    words = {c.value for c in ws[rag_col][6:] if c.value}
    assert words <= {"Red", "Amber", "Green", "Not judged"} and {"Red", "Amber", "Green"} <= words
    rules = [
        (str(rng.sqref), rule.formula)
        for rng in ws.conditional_formatting
        for rule in rng.rules
        if rule.type == "cellIs"
    ]
    assert any(rag_col in sqref and formula == ['"Red"'] for sqref, formula in rules)
    # No static red/amber/green fill anywhere on the grid: colour comes only from the rules.
    fills = {c.fill.fgColor.rgb for row in ws.iter_rows(min_row=7) for c in row if c.fill.fill_type}
    assert not fills & {f"FF{fill[1:]}" for fill, _ in RAG_COLOURS.values()}


def test_a_sparkline_per_measure_on_the_scorecard(sample_book: Path) -> None:
    part = sheet_part(sample_book, "Scorecard")
    assert len(re.findall(r"<x14:sparkline>", part)) == 93
    assert "<xm:f>'Scorecard'!C8:H8</xm:f>" in part


def test_every_formula_carries_its_result(sample_book: Path) -> None:
    """Viewers that do not recalculate (mail previews, phones) show the cached value, never 0. Every
    formula the layout asks for is found, so the check cannot pass by finding none."""
    _, layout = lay_out(BuildRequest(load_inputs(TEMPLATE, [SAMPLE / "data.csv"]), generated_at=FIXED_TIME))
    asked = sum(isinstance(cell[2], Formula) for sheet in layout.sheets for cell in sheet.cells)
    asked += sum(isinstance(merge[4], Formula) for sheet in layout.sheets for merge in sheet.merges)
    found = 0
    for name, part in xml_parts(sample_book).items():
        for cell in re.findall(r"<c [^>]*>(?:(?!</c>).)*<f>(?:(?!</c>).)*</c>", part):
            assert "<v>" in cell, f"{name}: formula without a cached value: {cell[:120]}"
            found += 1
    assert found == asked and asked > 100, (found, asked)


def test_tables_and_links(book: openpyxl.Workbook) -> None:
    assert list(book["Data"].tables) == ["ScorecardData"]
    assert list(book["Definitions"].tables) == ["MeasureDefinitions"]
    links = [c.hyperlink.location for row in book["Cover"].iter_rows() for c in row if c.hyperlink]
    assert "'Scorecard'!A1" in links and "'Definitions'!A1" in links
    assert len(links) == len(SHEETS) - 1  # contents lists every other sheet


def test_text_contrast_meets_wcag_aa() -> None:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(a: str, b: str) -> float:
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    for name, props in {**STYLES, **CONDITIONAL}.items():
        text = props.get("font_color", "#000000")
        background = props.get("bg_color", "#FFFFFF")
        assert contrast(text, background) >= 4.5, f"{name}: {text} on {background}"


def test_the_formula_fast_path_writes_what_xlsxwriter_would() -> None:
    """FastWorksheet skips xlsxwriter's future-function rewriting for Excel 2007 functions only:
    every formula and rule of the sample comes out exactly as xlsxwriter's own code makes it."""
    import io

    import xlsxwriter
    from xlsxwriter.worksheet import Worksheet

    from scorecard_xl.write.xlsxwriter_fast import FastWorkbook

    _, layout = lay_out(BuildRequest(load_inputs(TEMPLATE, [SAMPLE / "data.csv"]), generated_at=FIXED_TIME))
    formulas = [c[2].formula for s in layout.sheets for c in s.cells if isinstance(c[2], Formula)]
    rules = [
        v
        for s in layout.sheets
        for r in s.conditional_formats
        for k, v in r.options.items()
        if k == "criteria"
    ]
    formulas += [f"={rule}" for rule in rules if isinstance(rule, str) and "(" in rule]
    formulas += ["=XLOOKUP(A1,B1:B3,C1:C3)", "=IF(A1,SORT(B1:B3),0)"]  # newer functions: the slow path
    books = FastWorkbook(io.BytesIO()), xlsxwriter.Workbook(io.BytesIO())
    fast, plain = books[0].add_worksheet("fast"), books[1].add_worksheet("plain")
    assert type(fast).__name__ == "FastWorksheet" and type(plain) is Worksheet
    for formula in formulas:
        for expand in (False, True):
            assert fast._prepare_formula(formula, expand) == plain._prepare_formula(formula, expand), formula
    assert len(formulas) > 100
    for book in books:
        book.close()


@pytest.mark.parametrize("options", ["none", "published and protected"])
def test_the_fast_writer_writes_the_bytes_xlsxwriter_would(
    options: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """xlsxwriter_fast.FastWorksheet writes common cells and classic formulas itself: the whole file is the
    same, byte for byte, as xlsxwriter's own code writes it (here with those overrides removed)."""
    from xlsxwriter.worksheet import Worksheet

    from scorecard_xl.inputs.options import Options
    from scorecard_xl.write import xlsx as writer
    from scorecard_xl.write import xlsxwriter_fast

    chosen = Options(publish=5, protect_password="pw") if options != "none" else Options()
    inputs = load_inputs(TEMPLATE, [SAMPLE / "data.csv"])
    _, fast = render(inputs, generated_at=FIXED_TIME, options=chosen)
    monkeypatch.setattr(xlsxwriter_fast.FastWorksheet, "_write_cell", Worksheet._write_cell)
    monkeypatch.setattr(xlsxwriter_fast.FastWorksheet, "_write_rows", Worksheet._write_rows)
    monkeypatch.setattr(xlsxwriter_fast.FastWorksheet, "add_sparkline", Worksheet.add_sparkline)
    monkeypatch.setattr(xlsxwriter_fast.FastWorksheet, "add_table", Worksheet.add_table)
    monkeypatch.setattr(xlsxwriter_fast.FastWorksheet, "_prepare_formula", Worksheet._prepare_formula)
    monkeypatch.setattr(writer, "_write_cells", _write_cells_one_by_one)
    _, plain = render(inputs, generated_at=FIXED_TIME, options=chosen)
    assert fast == plain


def test_the_fast_table_refuses_overlaps_as_xlsxwriter_does() -> None:
    """xlsxwriter_fast.FastWorksheet.add_table checks overlaps on rectangles, not cell by cell: a table over a
    merged range, or over another table, is still refused, also when they meet in its last row."""
    import io

    from xlsxwriter.exceptions import OverlappingRange

    from scorecard_xl.write.xlsxwriter_fast import FastWorkbook

    book = FastWorkbook(io.BytesIO())
    sheet = book.add_worksheet("t")
    sheet.merge_range(50, 2, 50, 3, "merged")
    with pytest.raises(OverlappingRange, match="merge"):
        sheet.add_table(10, 0, 50, 4, {"columns": [{"header": f"c{n}"} for n in range(5)]})
    assert sheet.add_table(10, 0, 49, 4, {"columns": [{"header": f"c{n}"} for n in range(5)]}) == 0
    assert sheet.tables[-1]["range"] == "A11:E50" == sheet.tables[-1]["autofilter"]
    with pytest.raises(OverlappingRange, match="table"):
        sheet.add_table(49, 4, 60, 6)
    book.close()


@pytest.mark.parametrize(
    "order",
    [
        "in order",
        "out of order",
        "bulk rows",
        "bulk rows, out of order above",
        "bulk rows, a cell below them",
        "bulk rows, a text too long to stream",
    ],
)
def test_cells_from_the_layout_are_written_as_xlsxwriter_would(
    order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sheets laid out in order are written straight from the layout, merged with what went through
    xlsxwriter (links, formulas, merges, tables): the cells that overwrite others, in either
    direction, and a sheet that turns out of order part way, give xlsxwriter's own bytes. So do
    bulk rows (streamed, or cells like any other when they cannot be)."""
    from xlsxwriter.worksheet import Worksheet

    from scorecard_xl.layout.sheet import BulkRows, Link, SheetLayout, TableSpec, WorkbookLayout, style_key
    from scorecard_xl.write import xlsx as writer
    from scorecard_xl.write import xlsxwriter_fast

    sheet = SheetLayout("Edges")
    sheet.put(0, 0, "Title", "title")
    sheet.put(1, 1, Formula("=1+1", 2.0), "value", "0")  # overwritten by the plain cell below
    sheet.put(1, 0, "", "text")  # an empty text: a blank, not a shared string
    sheet.put(1, 1, "wins over the formula", "text")
    sheet.put(1, 2, 3.5, "value", "0.0")
    sheet.put(2, 0, None, "text")
    sheet.put(2, 3, -0.0, "value", None)
    sheet.put(2, 4, 7, "value", None)
    sheet.put(3, 0, "loses to the link", "text")
    sheet.put(3, 0, Link("Edges", "A1", "the link"), "link")  # a later cell through xlsxwriter
    for row in range(4, 40):  # a table under them, and a run of plain rows
        for col in range(3):
            sheet.put(row, col, f"r{row}c{col}" if col != 2 else float(row), "text")
    sheet.tables.append(TableSpec("Edges", 4, 0, 39, 2, ("A", "B", "C")))
    sheet.merge(41, 0, 41, 2, "merged", "group_header")
    sheet.put(41, 1, "under the merge", "text")
    if "out of order" in order:
        sheet.put(2, 1, "back up a row", "text")
        sheet.put(50, 0, "after the turn", "text")
    if "bulk" in order:  # 40 rows over three blocks of 16, text shared with the cells above
        values = ["r5c0", "", None, "bulk text", 0, -0.0, 2.5, 12345678, "=A1"]
        rows = [tuple(values[(row + col) % len(values)] for col in range(4)) for row in range(40)]
        keys = (style_key("text", "@"), style_key("value"), style_key("count"), style_key("text"))
        sheet.bulk = BulkRows(60, 1, keys, rows, {(70, 2): style_key("text+wrap")})
        sheet.tables.append(TableSpec("Bulk", 59, 1, 99, 4, ("A", "B", "C", "D")))
        if "below" in order:
            sheet.put(120, 0, "below the bulk rows", "text")
        if "too long" in order:
            rows[3] = ("x" * 20_000, *rows[3][1:])
    # (a fixed creation time: the two files are written a moment apart, maybe in different seconds)
    layout = WorkbookLayout([sheet], {"created": FIXED_TIME}, {}, [], "Edges", "")
    fast = writer.write_workbook(layout)
    monkeypatch.setattr(xlsxwriter_fast.FastWorksheet, "_write_cell", Worksheet._write_cell)
    monkeypatch.setattr(xlsxwriter_fast.FastWorksheet, "_write_rows", Worksheet._write_rows)
    monkeypatch.setattr(xlsxwriter_fast.FastWorksheet, "add_table", Worksheet.add_table)
    monkeypatch.setattr(writer, "_write_cells", _write_cells_one_by_one)
    assert fast == writer.write_workbook(layout)


def _write_cells_one_by_one(ws: Any, sheet: Any, formats: Any) -> None:
    """Every cell through xlsxwriter's own write methods (what writer._write_cells stores directly)."""
    from scorecard_xl.write import xlsx as writer

    for row, col, value, style in sheet.every_cell():
        writer._write_one(ws, sheet, row, col, value, formats.cell(style))


def test_the_fast_path_is_in_use_and_said_when_it_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """The byte-identity tests above compare the faster paths with xlsxwriter's own: worthless if
    the faster paths were quietly off (an xlsxwriter whose internals were renamed). They are in use
    on the sample's every sheet, on the xlsxwriter series they were proved on; when they cannot
    be, a build says so."""
    import importlib.metadata
    import io

    from scorecard_xl.generate.request import BuildRequest, lay_out
    from scorecard_xl.write import xlsx as writer
    from scorecard_xl.write import xlsxwriter_fast

    version = importlib.metadata.version("xlsxwriter")
    assert any(version.startswith(f"{series}.") for series in xlsxwriter_fast.PROVED_ON), version
    assert xlsxwriter_fast.slower_path_note() is None
    _, layout = lay_out(BuildRequest(load_inputs(TEMPLATE, [SAMPLE / "data.csv"]), generated_at=FIXED_TIME))
    book = xlsxwriter_fast.FastWorkbook(io.BytesIO(), writer.WORKBOOK_OPTIONS)
    formats = writer._Formats(book)
    sheets = []
    for sheet in layout.sheets:
        ws = book.add_worksheet(sheet.name)
        writer._write_sheet(ws, sheet, formats)
        sheets.append((sheet, ws))
    book.close()
    for sheet, ws in sheets:
        assert ws.fast_rows > 0, sheet.name  # every sheet's rows went through the faster path
    monkeypatch.setattr(xlsxwriter_fast, "CELL_TUPLES", None)  # what a renamed internal does
    note = xlsxwriter_fast.slower_path_note()
    assert note is not None and "slower paths" in note


def test_the_sample_is_what_the_golden_summary_says(sample_book: Path) -> None:
    """Every sheet's values, formats, rules, merges, tables and names as stored in
    tests/golden/sample.json: a change to what the sample shows is made on purpose (update it with
    `python -m tests.golden_summary --update` and say why), never by accident."""
    import json

    from tests.golden_summary import GOLDEN, summary

    stored = json.loads(GOLDEN.read_text(encoding="utf-8"))
    found = summary(sample_book)
    changed = [
        f"{sheet}: {key}"
        for sheet in sorted(set(stored["sheets"]) | set(found["sheets"]))
        for key in sorted(set(stored["sheets"].get(sheet, {})) | set(found["sheets"].get(sheet, {})))
        if stored["sheets"].get(sheet, {}).get(key) != found["sheets"].get(sheet, {}).get(key)
    ]
    assert not changed, "changed since tests/golden/sample.json: " + "; ".join(changed)
    assert (found["names"], found["name_count"]) == (stored["names"], stored["name_count"])
