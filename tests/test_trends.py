"""Trends: Excel's sparklines leave a gap where a month has no value and show a quarterly measure at
its quarters only; the drawn trend (LibreOffice, PDF) does the same, stays inside its cell, shows the
target and marks the latest point.

The .xlsx is read back as Excel would (its sparkline XML, and the cells it points at through
openpyxl); the drawn PNG is decoded with Pillow, an independent decoder."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from board_cards import FIXED, GAPPY, QUARTERLY, stress_inputs
from PIL import Image

from scorecard_xl.drawing.series import TrendSeries
from scorecard_xl.drawing.trend import LATEST_DOT, OVERSAMPLE, draw_trend, trend_shape
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.layout import profile
from scorecard_xl.layout.sheet import WorkbookLayout
from scorecard_xl.layout.trend_pictures import cell_pixels
from scorecard_xl.write.xlsx import write_workbook

NAVY, ORANGE = (0x1F, 0x38, 0x64), (0xC5, 0x5A, 0x11)


@pytest.fixture(scope="module")
def stress_layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, WorkbookLayout]:
    inputs = stress_inputs(tmp_path_factory.mktemp("stress"))
    return {
        name: lay_out(BuildRequest(inputs, generated_at=FIXED, profile=chosen))[1]
        for name, chosen in (("excel", profile.EXCEL), ("libreoffice", profile.LIBREOFFICE))
    }


def _sheet_parts(content: bytes) -> dict[str, str]:
    """Sheet name -> its worksheet XML."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        book = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
        targets.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)})
        return {
            name.replace("&amp;", "&"): archive.read(
                "xl/" + targets[rid].lstrip("/").removeprefix("xl/")
            ).decode()
            for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', book)
        }


def test_sparklines_leave_gaps_and_show_quarters_only(stress_layouts: dict[str, WorkbookLayout]) -> None:
    content = write_workbook(stress_layouts["excel"])
    xml = _sheet_parts(content)["Scorecard"]
    groups = re.findall(r"<x14:sparklineGroup [^>]*>", xml)
    assert groups and all('displayEmptyCellsAs="gap"' in group for group in groups), groups
    sparklines = dict(
        (location, source)
        for source, location in re.findall(
            r"<xm:f>'Scorecard'!([A-Z]+\d+:[A-Z]+\d+)</xm:f><xm:sqref>([A-Z]+\d+)<", xml
        )
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)["Scorecard"]
    rows = [row for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in rows if row[0] == "Ref")
    months = [
        label for label in header if isinstance(label, str) and re.fullmatch(r"[A-Z][a-z]{2} \d\d", label)
    ]
    assert len(months) == 12

    def plotted(measure: str) -> dict[str, object]:
        """The cells a measure's sparkline points at, by month header: what Excel plots."""
        number = next(i for i, row in enumerate(rows, start=1) if row[0] == measure)
        location = next(loc for loc in sparklines if re.sub(r"[A-Z]+", "", loc) == str(number))
        first, last = sparklines[location].split(":")
        first_col = openpyxl.utils.column_index_from_string(re.sub(r"\d", "", first)) - 1
        last_col = openpyxl.utils.column_index_from_string(re.sub(r"\d", "", last)) - 1
        return dict(
            zip(header[first_col : last_col + 1], rows[number - 1][first_col : last_col + 1], strict=True)
        )

    quarterly = plotted(QUARTERLY)
    assert list(quarterly) == months
    assert [m for m, value in quarterly.items() if value is not None] == [
        "Jun 22",
        "Sep 22",
        "Dec 22",
        "Mar 23",
    ]
    gappy = plotted(GAPPY)
    assert gappy["Nov 22"] is None  # no record: a blank cell, drawn as a gap
    assert gappy["Jan 23"] == "n/a"  # a token: text, which Excel leaves out of the line
    assert sum(isinstance(value, (int, float)) for value in gappy.values()) == 10


def test_the_drawn_trend_skips_other_months_and_breaks_at_a_gap() -> None:
    quarterly = TrendSeries(
        values=(None, None, 4.0, None, None, 7.0, None, None, 5.0, None, None, 6.0),
        reported=(False, False, True) * 4,
        target=5.5,
    )
    shape = trend_shape(quarterly, 300, 60)
    assert [index for index, _ in shape.points] == [2, 5, 8, 11]  # exactly its quarters
    assert len(shape.lines) == 1 and len(shape.lines[0]) == 4  # joined from quarter to quarter
    assert shape.latest == 11 and shape.target_y is not None

    # Each quarter at its month's place: December where a monthly measure's December is.
    every_month = trend_shape(TrendSeries(tuple(float(m) for m in range(12)), (True,) * 12), 300, 60)
    assert dict(shape.points)[2][0] == dict(every_month.points)[2][0]

    monthly = TrendSeries(
        values=(3.0, 4.0, None, 5.0, 6.0, 4.0), reported=(True,) * 6, target=None
    )  # the third month has no value
    shape = trend_shape(monthly, 300, 60)
    assert [index for index, _ in shape.points] == [0, 1, 3, 4, 5]
    assert [len(run) for run in shape.lines] == [2, 3]  # the line stops at the gap


def _opaque_columns(png: bytes, colour: tuple[int, int, int]) -> set[int]:
    """x of every pixel column where `colour` is drawn (mostly opaque, close in RGB)."""
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    pixels = image.load()
    assert pixels is not None
    found = set()
    for y in range(image.height):
        for x in range(image.width):
            r, g, b, a = pixels[x, y]  # type: ignore[misc]
            if a > 200 and abs(r - colour[0]) + abs(g - colour[1]) + abs(b - colour[2]) < 60:
                found.add(x)
    return found


def test_the_drawn_picture_has_the_gap_and_the_latest_point() -> None:
    width, height = 90, 20
    monthly = TrendSeries(values=(3.0, 4.0, None, 5.0, 6.0, 4.0), reported=(True,) * 6)
    png = draw_trend(monthly, width, height)
    shape = trend_shape(monthly, width * OVERSAMPLE, height * OVERSAMPLE, scale=OVERSAMPLE)
    x = {index: centre[0] for index, centre in shape.points}
    navy, orange = _opaque_columns(png, NAVY), _opaque_columns(png, ORANGE)
    gap = range(int(x[1]) + 3 * OVERSAMPLE, int(x[3]) - 3 * OVERSAMPLE)  # between the dots either side
    assert len(gap) > 5 and not navy & set(gap), "the blank month must be a gap"
    joined = range(int(x[3]) + 3 * OVERSAMPLE, int(x[4]) - 3 * OVERSAMPLE)
    assert set(joined) <= navy, "consecutive months are joined"
    assert orange and min(orange) > x[4], "the latest point is marked, at the right"
    radius = LATEST_DOT * OVERSAMPLE  # every dot is whole inside the picture
    for _, (cx, cy) in shape.points:
        assert radius <= cx <= width * OVERSAMPLE - radius and radius <= cy <= height * OVERSAMPLE - radius

    quarterly = TrendSeries(
        values=(None, 4.0, None, None, 7.0, None), reported=(False, True, False, False, True, False)
    )
    png = draw_trend(quarterly, width, height)
    shape = trend_shape(quarterly, width * OVERSAMPLE, height * OVERSAMPLE, scale=OVERSAMPLE)
    x = {index: centre[0] for index, centre in shape.points}
    navy = _opaque_columns(png, NAVY)
    assert set(range(int(x[1]), int(x[4]) - 3 * OVERSAMPLE)) <= navy, "quarters are joined across months"
    assert not navy & set(range(int(x[4]) + 4 * OVERSAMPLE, width * OVERSAMPLE)), "nothing after the last"


def test_drawn_trends_replace_sparklines_inside_their_cells(
    stress_layouts: dict[str, WorkbookLayout],
) -> None:
    layout = stress_layouts["libreoffice"]
    scorecard = next(sheet for sheet in layout.sheets if sheet.name == "Scorecard")
    assert not scorecard.sparklines
    assert len(scorecard.pictures) == 20  # one per measure
    for picture in scorecard.pictures:
        cell_width, cell_height = cell_pixels(scorecard, picture.row, picture.col)
        assert picture.offset[0] + picture.width <= cell_width
        # A margin above and below, so target lines of neighbouring rows never meet at their border.
        assert picture.offset[1] >= 3 and picture.offset[1] + picture.height <= cell_height - 3
        assert picture.description.startswith("Trend of ")
    quarterly = next(p for p in scorecard.pictures if QUARTERLY in p.description)
    assert quarterly.description.count("Jun 22") == 1 and "Jul 22" not in quarterly.description
    gappy = next(p for p in scorecard.pictures if f"{GAPPY}:" in p.description)
    assert "Nov 22 no value" in gappy.description and "Jan 23 n/a" in gappy.description
    # The workbook for Excel keeps its live sparklines.
    excel = next(sheet for sheet in stress_layouts["excel"].sheets if sheet.name == "Scorecard")
    assert len(excel.sparklines) == 20 and not excel.pictures


def test_pictures_are_anchored_in_their_cells_in_the_file(
    stress_layouts: dict[str, WorkbookLayout], tmp_path: Path
) -> None:
    content = write_workbook(stress_layouts["libreoffice"])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        drawings = [
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/drawings/drawing")
        ]
    drawings = [xml for xml in drawings if "<xdr:pic>" in xml]  # (not the Cover's Refresh button)
    anchors = re.findall(
        r"<xdr:from><xdr:col>(\d+)</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>"
        r".*?<xdr:to><xdr:col>(\d+)</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>",
        "".join(drawings),
    )
    assert len(anchors) >= 20
    assert all(
        first_col == last_col and first_row == last_row
        for first_col, first_row, last_col, last_row in anchors
    )
    assert 'descr="Trend of AFD01' in "".join(drawings)  # alternative text
