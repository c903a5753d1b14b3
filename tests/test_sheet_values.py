"""Reading a workbook's values straight from its XML (sheet_values) gives exactly what openpyxl's
read-only, data-only mode gives, sheet by sheet: on the sample, on the sample saved again by
LibreOffice, and on workbooks holding every kind of cell. What it cannot read so (a date) is left
to openpyxl, and a refresh of a scorecard-xl workbook never needs openpyxl at all."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.styles.numbers import is_date_format as openpyxl_is_date_format

from scorecard_xl.workbook.sheet_values import FallBack, PackageValues, is_date_format
from scorecard_xl.workbook.snapshot import snapshot_from_bytes


def package_of(content: bytes) -> PackageValues:
    return PackageValues(zipfile.ZipFile(io.BytesIO(content)))


def openpyxl_values(content: bytes) -> tuple[dict[str, list[list[object]]], dict[str, str]]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Sparkline Group extension", UserWarning)
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheets = {
            name: [list(row) for row in book[name].iter_rows(min_row=1, min_col=1, values_only=True)]
            for name in book.sheetnames
        }
    return sheets, {name: defined.attr_text for name, defined in book.defined_names.items()}


def assert_read_alike(content: bytes) -> int:
    """Every sheet and name read as openpyxl reads them (every cell's value, with its type; openpyxl
    pads rows to the sheet's declared dimension with None, which this reader does not hold);
    returns the non-empty cells compared."""
    expected, names = openpyxl_values(content)
    package = package_of(content)
    assert package.defined_names == names
    assert list(package.sheet_parts) == list(expected)
    cells = 0
    for name, rows in expected.items():
        ours = package.sheet(name)
        assert typed_cells(ours.dense()) == typed_cells(rows), name
        for r, row in enumerate(rows):  # and cell by cell, as a reader asks for them
            assert typed([ours.row(r, 0, len(row) - 1)]) == typed([row]), (name, r)
        cells += sum(value is not None for row in rows for value in row)
    return cells


def typed_cells(rows: list[list[object]]) -> dict[tuple[int, int], tuple[str, object]]:
    """The cells that hold a value, by (row, column), with their types."""
    return {
        (r, c): (type(value).__name__, value)
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if value is not None
    }


def typed(rows: list[list[object]]) -> list[list[tuple[str, object]]]:
    """Values with their types: 417 and 417.0 are equal, but openpyxl gives one and not the other."""
    return [[(type(value).__name__, value) for value in row] for row in rows]


def test_the_sample_reads_as_openpyxl_reads_it(sample_book: Path) -> None:
    assert assert_read_alike(sample_book.read_bytes()) > 10_000


@pytest.mark.libreoffice
def test_the_sample_saved_by_libreoffice_reads_alike(sample_book: Path, tmp_path: Path) -> None:
    # Another program's XML: its own attributes (t="n", row heights), its own shared strings.
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(tmp_path),
                str(sample_book),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    content = (tmp_path / sample_book.name).read_bytes()
    assert assert_read_alike(content) > 10_000


def every_kind_of_cell(constant_memory: bool = False) -> bytes:
    """Numbers written every way, text of every sort, booleans, formulas' cached results (numbers,
    text, errors), blanks with formats, rows left out and a column far to the right."""
    folder = tempfile.TemporaryDirectory()
    target = Path(folder.name) / "kinds.xlsx"
    book = xlsxwriter.Workbook(target, {"constant_memory": constant_memory})
    sheet = book.add_worksheet("Kinds")
    bold, percent = book.add_format({"bold": True}), book.add_format({"num_format": "0.0%"})
    days = book.add_format({"num_format": '0.0 "days"'})  # letters in quotes: not a date
    red = book.add_format({"num_format": "[Red]#,##0"})  # a colour in brackets: not a date
    rows: list[list[object]] = [
        ["int", 417, -3, 0, 10**15],
        ["float", 0.64, 71.0, -2.5e-20, 1.5e300],
        ["text", "Referrals & <assessments>", " padded ", "line\nbreak", "tab\there"],
        ["escapes", "_x000D_ literal", "carriage\rreturn", "x005F_ kept?", "ünïcödé ✓"],
        ["bool", True, False],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            sheet.write(r, c, value, bold if c == 0 else None)
    sheet.write_number(5, 1, 0.5, percent)
    sheet.write_number(5, 2, 12.25, days)
    sheet.write_number(5, 3, -1234, red)
    sheet.write_formula(6, 1, "=B1*2", None, 834)
    sheet.write_formula(6, 2, '="a"&"b"', None, "ab")
    sheet.write_formula(6, 3, "=1/0", None, "#DIV/0!")
    sheet.write_formula(6, 4, "=NA()", None, "#N/A")
    sheet.write_formula(6, 5, "=TRUE()", None, True)
    sheet.write_blank(7, 1, None, bold)  # a formatted empty cell
    sheet.write(11, 2, "after a gap of rows")
    sheet.write(12, 27, "column AB")
    sheet.set_row(20, 30)  # a row with a height and no cells, below every cell
    if not constant_memory:
        sheet.write_rich_string(13, 1, "plain ", bold, "bold", " plain again")
    book.add_worksheet("Empty")
    other = book.add_worksheet("Other's sheet")
    other.write_column(0, 0, ["a", "b", "a", "c"])
    book.define_name("Everything", "=Kinds!$A$1:$AB$13")
    book.define_name("Other", "='Other''s sheet'!$A$1:$A$4")
    book.define_name("Kinds!Local", "=Kinds!$A$1")  # a sheet's own name: not the workbook's
    book.close()
    with folder:
        return target.read_bytes()


def test_every_kind_of_cell_reads_as_openpyxl_reads_it() -> None:
    assert assert_read_alike(every_kind_of_cell()) >= 35


def test_inline_strings_read_as_openpyxl_reads_them() -> None:
    content = every_kind_of_cell(constant_memory=True)  # xlsxwriter then writes text inline
    assert b't="inlineStr"' in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert assert_read_alike(content) >= 30


def with_date() -> bytes:
    target = io.BytesIO()
    book = xlsxwriter.Workbook(target, {"in_memory": True})
    plain, dated = book.add_worksheet("Plain"), book.add_worksheet("Dated")
    plain.write_row(0, 0, ["period", 3])
    dated.write_row(0, 0, ["period", "value"])
    dated.write_datetime(1, 0, dt.datetime(2023, 4, 1), book.add_format({"num_format": "mmm-yy"}))
    dated.write_number(1, 1, 12)
    book.close()
    return target.getvalue()


def test_a_sheet_with_a_date_is_left_to_openpyxl_and_reads_the_same() -> None:
    # Excel turns an analyst's typed 2023-04 into a date: openpyxl reads it as one, and so must we.
    content = with_date()
    package = package_of(content)
    assert package.sheet("Plain").dense() == [["period", 3]]
    with pytest.raises(FallBack):
        package.sheet("Dated")
    snapshot = snapshot_from_bytes(content, "dated.xlsx")
    dated = [["period", "value"], [dt.datetime(2023, 4, 1), 12]]
    assert typed(snapshot.sheet("Dated").dense()) == typed(dated)
    assert typed(snapshot.sheet("Plain").dense()) == typed([["period", 3]])


def test_date_formats_are_told_as_openpyxl_tells_them() -> None:
    codes = [
        "General", "0.0%", "#,##0", '0.0 "days"', "[Red]0.0", "[$-809]dd mmmm yyyy", "mmm-yy",
        "yyyy-mm-dd", "h:mm", "[h]:mm:ss", '"Month"', "\\d0", "_d0", "0;[Red]-0", "@", "[mm]:ss",
    ]  # fmt: skip
    assert [is_date_format(code) for code in codes] == [openpyxl_is_date_format(code) for code in codes]


def rewritten(content: bytes, part: str, change: tuple[bytes, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            out.writestr(info, data.replace(*change) if info.filename == part else data)
    return target.getvalue()


@pytest.mark.parametrize(
    "change",
    [
        (b'<c r="B1"', b"<c"),  # a cell without its reference
        (b't="s"', b't="d"'),  # an ISO date cell
    ],
)
def test_what_this_reader_cannot_read_is_left_to_openpyxl(change: tuple[bytes, bytes]) -> None:
    content = rewritten(every_kind_of_cell(), "xl/worksheets/sheet1.xml", change)
    package = package_of(content)
    with pytest.raises(FallBack):
        package.sheet("Kinds")
    assert package.sheet("Other's sheet").dense() == [["a"], ["b"], ["a"], ["c"]]


def test_refreshing_a_scorecard_xl_workbook_needs_no_openpyxl(sample_book: Path, tmp_path: Path) -> None:
    # openpyxl took most of a refresh's reading (and 0.3 s to import); a workbook scorecard-xl wrote
    # is read without it. A fresh process, so nothing else has imported it.
    code = (
        "import sys\n"
        "from scorecard_xl.refresh.without_excel import refresh_file\n"
        f"result = refresh_file({str(sample_book)!r}, output={str(tmp_path / 'new.xlsx')!r})\n"
        "print(result.plan.data_summary)\n"
        "print('openpyxl' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    summary, imported = done.stdout.strip().splitlines()
    assert summary.startswith("1,086 values in the Data table")
    assert imported == "False"
