"""No text is cut: every cell of every sheet fits its column (or the empty cells it runs on into),
and wrapped text fits its row, in Excel's geometry.

Checked independently of the code under test: the workbook is read back with openpyxl (widths,
heights, fonts, alignment, merged cells, conditional formats) and text is measured with Pillow from
the installed Carlito font (Calibri's metrics), not with scorecard-xl's committed width table. The
same table is also checked against the font here. LibreOffice's view is checked on the printed
pages (test_board_pack.py)."""

from __future__ import annotations

import functools
import io
import subprocess
from pathlib import Path

import openpyxl
import pytest
from board_cards import FIXED, LONG_SECTIONS, LONG_TITLE, stress_inputs
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet
from PIL import ImageFont

from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.sequence import render
from scorecard_xl.layout.displayed_text import format_number
from scorecard_xl.layout.text_metrics import text_width
from tests.conftest import FIXED_TIME, SAMPLE, TEMPLATE

PX_PER_PT = 96 / 72
PADDING_PX = 6  # Excel keeps about 3 pixels each side of a cell's text
LINE_PX = 15 / 11 * PX_PER_PT  # Excel's line of Calibri: 15 pt for 11 pt text


@functools.cache
def font(bold: bool, italic: bool) -> ImageFont.FreeTypeFont:
    style = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic"}.get(
        (bold, italic), "Bold Italic"
    )
    path = subprocess.run(
        ["fc-match", "-f", "%{file}", f"Carlito:style={style}"], capture_output=True, text=True, check=True
    ).stdout
    if "Carlito" not in path:
        pytest.fail("the Carlito font is missing: run the README's test command, which installs it")
    return ImageFont.truetype(path, 1000)  # measured large, scaled down: no hinting or rounding


@functools.cache
def _em(char: str, bold: bool, italic: bool) -> float:
    """A character's advance in ems; one Carlito lacks (an arrow) taken as a full em, as Calibri's
    fallback fonts draw it no wider."""
    face = font(bold, italic)
    has_glyph = char == " " or face.getmask(char).getbbox() is not None
    return face.getlength(char) / 1000 if has_glyph else 1.0


def measured_px(text: str, size: float, bold: bool, italic: bool) -> float:
    """Width in 96 dpi pixels."""
    return sum(_em(char, bold, italic) for char in text) * size * PX_PER_PT


@pytest.mark.parametrize(
    ("text", "bold", "italic"),
    [
        ("Adults' Front Door & Safeguarding", False, False),
        ("Finance: Budget/Spend [£k] vs. Plan? *provisional*", True, False),
        ("1,234,567.8%", False, False),
        ("n/a c x z u low tbc", False, True),
    ],
)
def test_the_width_table_is_carlito(text: str, bold: bool, italic: bool) -> None:
    """The committed table holds the font's advance widths; kerning only ever makes text narrower."""
    face = font(bold, italic)
    advances = sum(face.getlength(char) for char in text) / 1000 * 11
    assert text_width(text, 11, bold, italic) == pytest.approx(advances, rel=1e-4)  # Pillow rounds to 1/64 px
    assert text_width(text, 11, bold, italic) >= face.getlength(text) / 1000 * 11 * (1 - 1e-4)


def _column_px(sheet: Worksheet, col: int) -> float:
    """A column's width in pixels as Excel draws it (the file's width includes Excel's padding)."""
    dimension = sheet.column_dimensions.get(get_column_letter(col))
    width = dimension.width if dimension is not None and dimension.customWidth else 8.43 + 5 / 7
    return int(width * 7 + 0.5)


def _shown(cell: object) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.removeprefix("=") if value.startswith("=") else value
    return format_number(float(value), getattr(cell, "number_format", None))


def _bold_areas(sheet: Worksheet) -> list[tuple[int, int, int, int]]:
    """Cells a conditional format may make bold (RAG words)."""
    areas = []
    for ranges in sheet.conditional_formatting:
        if any(
            rule.dxf is not None and rule.dxf.font is not None and rule.dxf.font.b for rule in ranges.rules
        ):
            for bounds in str(ranges.sqref).split():
                min_col, min_row, max_col, max_row = range_boundaries(bounds)
                areas.append((min_row, min_col, max_row, max_col))  # type: ignore[arg-type]
    return areas


def cut_cells(workbook: bytes) -> list[str]:
    """Every cell whose text Excel would cut, with why."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))  # read only: nothing is ever saved
    cached = openpyxl.load_workbook(io.BytesIO(workbook), data_only=True)  # formulas' cached text
    problems = []
    for sheet in book.worksheets:
        values = cached[sheet.title]
        merged = {(r.min_row, r.min_col): r for r in sheet.merged_cells.ranges}
        inside_merge = {
            (row, col) for r in sheet.merged_cells.ranges for row in range(r.min_row, r.max_row + 1)
            for col in range(r.min_col, r.max_col + 1)
        }  # fmt: skip
        print_area = str(sheet.print_area or "").rsplit("!", 1)[-1].replace("$", "")
        # Past the last printed column text is cut on paper: the print area's, else the used range's
        # (what Excel and LibreOffice print when a sheet names none).
        last_col = range_boundaries(print_area)[2] if print_area else sheet.max_column
        bold_areas = _bold_areas(sheet)
        tables = [range_boundaries(table.ref) for table in sheet.tables.values()]
        filled = {(c.row, c.column) for row in values.iter_rows() for c in row if c.value not in (None, "")}
        for row in values.iter_rows():
            for cell in row:
                text = _shown(cell)
                if not text or (
                    (cell.row, cell.column) in inside_merge and (cell.row, cell.column) not in merged
                ):
                    continue
                styled = sheet.cell(cell.row, cell.column)
                size = float(styled.font.sz or 11)
                bold = bool(styled.font.b) or any(
                    r1 <= cell.row <= r2 and c1 <= cell.column <= c2 for r1, c1, r2, c2 in bold_areas
                )
                italic = bool(styled.font.i)
                span = merged.get((cell.row, cell.column))
                last = span.max_col if span else cell.column
                room = sum(_column_px(sheet, c) for c in range(cell.column, last + 1))
                where = f"{sheet.title}!{cell.coordinate} {text[:40]!r}"
                if styled.alignment.wrap_text:
                    lines = _wrapped_lines(text, room - PADDING_PX, size, bold, italic)
                    dimension = sheet.row_dimensions.get(cell.row)
                    height_pt = dimension.height if dimension is not None and dimension.height else 15.0
                    if lines * size * LINE_PX > height_pt * PX_PER_PT + 1:
                        problems.append(f"{where}: {lines} lines need more than {height_pt} pt")
                    continue
                need = max(measured_px(line, size, bold, italic) for line in text.split("\n")) + PADDING_PX
                left = (
                    styled.alignment.horizontal or ("left" if isinstance(cell.value, str) else "right")
                ) in (
                    "left",
                    "general",
                )
                col = last + 1
                # Text in an Excel Table may run on only inside it: past its edge it looks cut off.
                edge = next(
                    (c2 for c1, r1, c2, r2 in tables if r1 <= cell.row <= r2 and c1 <= cell.column <= c2),
                    last_col,
                )
                while (
                    left and need > room and (cell.row, col) not in filled and (edge is None or col <= edge)
                ):
                    room += _column_px(sheet, col)
                    col += 1
                if need > room:
                    problems.append(f"{where}: needs {need:.0f} px, has {room:.0f}")
    return problems


def _wrapped_lines(text: str, room: float, size: float, bold: bool, italic: bool) -> int:
    lines = 0
    for paragraph in text.split("\n"):
        line = ""
        lines += 1
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if measured_px(candidate, size, bold, italic) <= room or not line:
                line = candidate
                while measured_px(line, size, bold, italic) > room and len(line) > 1:  # a word too long
                    cut = len(line)
                    while cut > 1 and measured_px(line[:cut], size, bold, italic) > room:
                        cut -= 1
                    lines += 1
                    line = line[cut:]
            else:
                lines += 1
                line = word
    return lines


def test_no_text_is_cut_in_the_sample() -> None:
    _, content = render(load_inputs(TEMPLATE, [SAMPLE / "data.csv"]), generated_at=FIXED_TIME)
    assert cut_cells(content) == []


def test_no_text_is_cut_in_the_published_copy_nor_runs_out_of_its_tables() -> None:
    """The published Summary's links say where they go ("CR10 on the Scorecard"): once they ran on
    past the table's last column."""
    from scorecard_xl.inputs.options import Options

    inputs = load_inputs(TEMPLATE, [SAMPLE / "data.csv"])
    _, content = render(inputs, generated_at=FIXED_TIME, options=Options(publish=5))
    assert cut_cells(content) == []


def test_no_text_is_cut_with_long_names_and_twelve_months(tmp_path: Path) -> None:
    """The issue's examples: long section names on the Summary and in the Cover's contents, long
    measure titles on the Data sheet."""
    inputs = stress_inputs(tmp_path)
    _, content = render(inputs, generated_at=FIXED)
    assert cut_cells(content) == []
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    texts = {
        str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c
    }
    assert LONG_SECTIONS[1][1] in texts and LONG_TITLE in texts  # the long texts are there to be cut


def test_a_text_its_column_was_widened_for_is_not_wrapped() -> None:
    """Text no column could hold is wrapped; the first cell of a text whose column had just been
    widened to hold it once was too (one row of the sample's longest title on the Data sheet, whose
    column holds it, and none of the eleven rows below with the same title)."""
    _, content = render(load_inputs(TEMPLATE, [SAMPLE / "data.csv"]), generated_at=FIXED_TIME)
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Data"]
    rows = list(sheet.iter_rows())
    header = next(n for n, row in enumerate(rows) if row[0].value == "Measure" and row[4].value == "Title")
    titles = [row[4] for row in rows[header + 1 :] if row[4].value]
    longest = max(len(str(cell.value)) for cell in titles)
    assert len(titles) > 1000 and longest > 100
    assert [cell.coordinate for cell in titles if cell.alignment.wrap_text] == []
    assert cut_cells(content) == []  # and each fits its column


def test_the_check_finds_a_cut_cell() -> None:
    """The check above can fail: a column made too narrow for its text is reported."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("S")
    sheet.set_column(0, 1, 10)
    sheet.write(0, 0, "Adults' Front Door & Safeguarding")  # runs on into B1, which is empty: fine
    sheet.write(1, 0, "Adults' Front Door & Safeguarding")
    sheet.write(1, 1, "next")  # B2 holds text: A2 is cut
    sheet.set_column(2, 2, 12)
    sheet.write(2, 2, 1234567.5, book.add_format({"num_format": "#,##0.0"}))  # fits in 12
    book.close()
    found = cut_cells(buffer.getvalue())
    assert len(found) == 1 and found[0].startswith("S!A2 ")
