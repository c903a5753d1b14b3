"""The printed board pack, rendered by the real LibreOffice and measured on the page: the sample and a
12-month scorecard with long names, a quarterly measure and gaps (board_cards.py).

The PDF is read with pdfplumber: its characters (LibreOffice leaves out whatever a cell clips, so
text found whole was not cut), its pictures (the drawn trends) and its rules (row borders). The
workbook LibreOffice printed from is read back with openpyxl, to know what each cell says."""

from __future__ import annotations

import collections
import io
import itertools
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pdfplumber
import pytest
from board_cards import FIXED, GAPPY, LONG_SECTIONS, QUARTERLY, write_stress
from story_cards import COMMENTARY, write_spc

from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.layout.displayed_text import format_number
from scorecard_xl.layout.pagination import MIN_TEXT_POINTS
from scorecard_xl.write.libreoffice import convert_to_pdf
from scorecard_xl.write.pdf import printed_layout
from scorecard_xl.write.xlsx import write_workbook
from tests.conftest import SAMPLE, TEMPLATE

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow(seconds=30)]

MARGIN = 30.0  # points: the header and footer live within this of the page's top and bottom (on A4
# LibreOffice starts the body 37 points down)
MOSTLY_BLANK = 0.8


@dataclass
class Printed:
    workbook: bytes  # what LibreOffice printed from
    pdf: Path
    pages: list[tuple[str, Any]]  # (sheet name, pdfplumber page), in order


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Printed]]:
    """The sample's pack, the 12-month stress card's and the SPC card's (with commentary), printed in
    one LibreOffice run."""
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice is missing: run the README's test command, which installs it")
    folder = tmp_path_factory.mktemp("packs")
    definition, data = write_stress(folder / "stress")
    spc_definition, spc_data = write_spc(folder / "spc")
    inputs = {
        "sample": load_inputs(TEMPLATE, [SAMPLE / "data.csv"]),
        "stress": load_inputs(definition, [data]),
        "spc": load_inputs(spc_definition, [spc_data]),
    }
    books = {}
    for name, loaded in inputs.items():
        _, layout = lay_out(
            BuildRequest(loaded, commentary=COMMENTARY if name == "spc" else None, generated_at=FIXED)
        )
        books[name] = write_workbook(printed_layout(layout))
        (folder / f"{name}.xlsx").write_bytes(books[name])
    pdfs = convert_to_pdf([folder / f"{name}.xlsx" for name in books], folder / "pdf")
    documents = [pdfplumber.open(pdf) for pdf in pdfs]
    yield {
        name: Printed(books[name], pdf, pages_by_sheet(document))
        for name, pdf, document in zip(books, pdfs, documents, strict=True)
    }
    for document in documents:
        document.close()


def pages_by_sheet(document: Any) -> list[tuple[str, Any]]:
    """(sheet name, page) for every page; the header's right-hand part names the sheet."""
    found = []
    for page in document.pages:
        header = [c for c in page.chars if c["top"] < MARGIN and c["x0"] > page.width * 0.7]
        found.append(("".join(c["text"] for c in header), page))
    return found


def body_chars(page: Any) -> list[dict[str, Any]]:
    return [c for c in page.chars if c["top"] > MARGIN and c["bottom"] < page.height - MARGIN]


def cell_texts(workbook: bytes) -> dict[str, list[str]]:
    """Sheet name -> the text of every cell in its print area, as displayed."""
    book = openpyxl.load_workbook(io.BytesIO(workbook), data_only=True)  # read only: never saved
    texts: dict[str, list[str]] = {}
    for sheet in book.worksheets:
        area = str(sheet.print_area or "").rsplit("!", 1)[-1].replace("$", "")
        bounds = openpyxl.utils.range_boundaries(area) if area else None
        found = []
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value in (None, ""):
                    continue
                if bounds and not (
                    bounds[0] <= cell.column <= bounds[2] and bounds[1] <= cell.row <= bounds[3]
                ):
                    continue
                value = cell.value
                shown = value if isinstance(value, str) else format_number(float(value), cell.number_format)
                found.append(str(shown))
        texts[sheet.title] = found
    return texts


def hyphen_parts(word: str) -> list[str]:
    """A word in the parts LibreOffice may put on two lines: "up-to-date" as "up-", "to-", "date"."""
    return re.split(r"(?<=-)(?=.)", word)


@pytest.mark.parametrize("name", ["sample", "stress", "spc"])
def test_every_cell_is_printed_whole(printed: dict[str, Printed], name: str) -> None:
    """LibreOffice leaves out what a cell clips, so every word of every cell found is nothing cut;
    counted, so one cell's words cannot stand in for another's."""
    pages = printed[name].pages
    for sheet, texts in cell_texts(printed[name].workbook).items():
        words = collections.Counter(
            part
            for page_sheet, page in pages
            if page_sheet == sheet
            for word in page.extract_words(x_tolerance=1.5)
            for part in hyphen_parts(word["text"])
        )
        assert words, f"{name}: no page prints {sheet}"
        wanted = collections.Counter(
            part for text in texts for word in text.split() for part in hyphen_parts(word)
        )
        missing = wanted - words
        assert not missing, f"{name}: {sheet}: not printed whole: {dict(missing)}"


@pytest.mark.parametrize("name", ["sample", "stress", "spc"])
def test_no_text_is_smaller_than_seven_points(printed: dict[str, Printed], name: str) -> None:
    for _, page in printed[name].pages:
        smallest = min(c["size"] for c in page.chars)
        assert smallest >= MIN_TEXT_POINTS - 0.05, f"{name} page {page.page_number}: {smallest:.1f} pt"


@pytest.mark.parametrize("name", ["sample", "stress", "spc"])
def test_no_page_is_mostly_blank_but_the_last_of_its_sheet(printed: dict[str, Printed], name: str) -> None:
    pages = printed[name].pages
    for index, (sheet, page) in enumerate(pages):
        last_of_sheet = index + 1 == len(pages) or pages[index + 1][0] != sheet
        if last_of_sheet:
            continue
        tops = [c["top"] for c in body_chars(page)] + [i["top"] for i in page.images]
        bottoms = [c["bottom"] for c in body_chars(page)] + [i["bottom"] for i in page.images]
        used = (max(bottoms) - min(tops)) / (page.height - 2 * MARGIN)
        assert used >= 1 - MOSTLY_BLANK, f"{name} page {page.page_number} ({sheet}) is {1 - used:.0%} blank"


def test_short_sections_share_pages(printed: dict[str, Printed]) -> None:
    """The sample's 11 sections print on a few pages, not one each; none is split, as each fits on
    a page."""
    pages = [page for sheet, page in printed["sample"].pages if sheet == "Scorecard"]
    assert 2 <= len(pages) <= 4
    book = openpyxl.load_workbook(io.BytesIO(printed["sample"].workbook), read_only=True, data_only=True)
    rows = [row[:2] for row in book["Scorecard"].iter_rows(values_only=True)]
    sections = [s.title for s in load_inputs(TEMPLATE, [SAMPLE / "data.csv"]).definition.sections]
    words_by_page = [{w["text"] for w in page.extract_words()} for page in pages]
    for section in sections:
        start = rows.index((section, None))
        refs = []
        for ref, title in rows[start + 1 :]:
            if title is None:
                break
            refs.append(ref)
        on = {i for i, words in enumerate(words_by_page) for ref in refs if ref in words}
        assert len(on) == 1, f"{section} is split across pages {on}"


def _rules(page: Any, x0: float, x1: float) -> list[float]:
    """The y of every horizontal rule (a row's border) running across x0..x1."""
    return sorted(
        line["top"]
        for line in page.lines
        if abs(line["top"] - line["bottom"]) < 0.5 and line["x0"] <= x0 + 0.5 and line["x1"] >= x1 - 0.5
    )


@pytest.mark.parametrize("name", ["sample", "stress"])
def test_every_trend_is_drawn_inside_its_cell(printed: dict[str, Printed], name: str) -> None:
    """Each trend picture lies between its row's borders, right of the YTD figure, and touches no
    text: the PDF's own boxes, as LibreOffice placed them."""
    trends = 0
    for sheet, page in printed[name].pages:
        if sheet != "Scorecard":
            continue
        ytd_header = next(w for w in page.extract_words() if w["text"] == "YTD")
        for picture in page.images:
            trends += 1
            rules = _rules(page, picture["x0"], picture["x1"])
            above = [y for y in rules if y <= picture["top"] + 0.5]
            below = [y for y in rules if y >= picture["bottom"] - 0.5]
            inside = [y for y in rules if picture["top"] + 0.5 < y < picture["bottom"] - 0.5]
            where = f"{name} page {page.page_number}, picture at y {picture['top']:.0f}"
            assert above and below and not inside, f"{where}: crosses a row border {inside}"
            assert picture["x0"] > ytd_header["x1"] - 2, f"{where}: runs into the YTD column"
            touching = [
                c["text"]
                for c in page.chars
                if c["x1"] > picture["x0"] and c["x0"] < picture["x1"]
                and c["bottom"] > picture["top"] and c["top"] < picture["bottom"]
            ]  # fmt: skip
            assert not touching, f"{where}: overlaps text {''.join(touching)!r}"
    assert trends == {"sample": 93, "stress": 20}[name]


def test_the_quarterly_and_gappy_trends_are_drawn(printed: dict[str, Printed]) -> None:
    """The pictures LibreOffice printed are the layout's trends, the quarterly measure's at its
    quarters and the gappy one's with its gap (their alternative text says so)."""
    with zipfile.ZipFile(io.BytesIO(printed["stress"].workbook)) as archive:
        drawing = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/drawings/drawing")
        )
    assert f'descr="Trend of {QUARTERLY}: Jun 22 4, Sep 22' in drawing
    assert f"Trend of {GAPPY}:" in drawing and "Nov 22 no value" in drawing


def test_paper_is_one_size_and_the_cover_shows_no_paths(printed: dict[str, Printed]) -> None:
    for name in printed:
        pages = printed[name].pages
        assert len({(round(page.width), round(page.height)) for _, page in pages}) == 1, name
        cover = " ".join(page.extract_text() or "" for sheet, page in pages if sheet == "Cover")
        assert "site-packages" not in cover and "samples/" not in cover and "../" not in cover
        assert "Contents" in cover and re.search(r"Summary .*: page \d", cover)


def test_nothing_prints_as_a_link(printed: dict[str, Printed]) -> None:
    """Paper has no links: the pack names pages instead, and links to sheets the PDF leaves out
    (the section sheets, the Data table, Go to row) are not there to print."""
    for name in printed:
        for _, page in printed[name].pages:
            assert not page.hyperlinks, f"{name} page {page.page_number}"
            assert "Go to row" not in (page.extract_text() or "")
    sample = printed["sample"].pages
    summary = next(page for sheet, page in sample if sheet == "Summary").extract_text()
    assert "Page" in summary  # the Summary's page column


def test_long_section_names_print_whole(printed: dict[str, Printed]) -> None:
    text = " ".join(page.extract_text() or "" for _, page in printed["stress"].pages)
    for _, title in LONG_SECTIONS:
        assert text.count(title) >= 3, title  # Cover contents, Summary, Scorecard


@pytest.mark.parametrize("name", ["sample", "stress", "spc"])
def test_the_pack_opens_on_the_months_story_and_ends_with_where_it_came_from(
    printed: dict[str, Printed], name: str
) -> None:
    """Page 1 is the story, whole on one page; the provenance is on the last page, not the Cover."""
    pages = printed[name].pages
    assert pages[0][0] == "This month" and [sheet for sheet, _ in pages].count("This month") == 1
    story = pages[0][1].extract_text() or ""
    assert (
        "At a glance" in story and "What changed since" in story and "Exceptions: red and worsening" in story
    )
    assert pages[-1][0] == "About this pack"
    about = pages[-1][1].extract_text() or ""
    assert "Definition" in about and re.search(r"sha256 [0-9a-f]{12}", about)
    cover = " ".join(page.extract_text() or "" for sheet, page in pages if sheet == "Cover")
    assert not re.search(r"sha256 [0-9a-f]{12}", cover)


def test_the_spc_story_tells_icons_changes_and_commentary_on_paper(printed: dict[str, Printed]) -> None:
    story = printed["spc"].pages[0][1].extract_text() or ""
    for words in ("Variation (SPC)", "Assurance (SPC)", "New special cause", "Largest movement"):
        assert words in story
    assert "Concern ▼ (unusually low)" in story and "11,900" in story
    assert "Four-hour performance has fallen for six months" in story  # ED01's commentary


@pytest.mark.parametrize("name", ["sample", "stress", "spc"])
def test_every_page_the_pack_names_is_the_page_it_prints_on(printed: dict[str, Printed], name: str) -> None:
    """The Cover's contents and the story's ways on name pages; with the story first and the
    provenance last, each is still the page where its sheet starts (the header names the sheet)."""
    pages = [sheet for sheet, _ in printed[name].pages]
    book = openpyxl.load_workbook(io.BytesIO(printed[name].workbook), read_only=True, data_only=True)
    named = [
        (row[0], int(match[1]))
        for row in book["Cover"].iter_rows(values_only=True)
        if isinstance(row[1], str) and (match := re.search(r"page (\d+)$", row[1]))
    ]
    story = [str(v) for row in book["This month"].iter_rows(max_row=3, values_only=True) for v in row if v]
    named += [(target, int(re.search(r"page (\d+)$", text)[1])) for text, target in zip(
        [t for t in story if "page" in t], ("Cover", "Summary"), strict=True
    )]  # fmt: skip
    sheets = {"This month", "Cover", "Summary", "Scorecard", "Definitions", "About this pack"}
    starts = {sheet: pages.index(sheet) + 1 for sheet in sheets}
    checked = [(target, page) for target, page in named if target in sheets]
    assert {target for target, _ in checked} == sheets, named
    for target, page in checked:
        assert page == starts[target], f"{name}: {target} on page {page}, printed from page {starts[target]}"


@pytest.mark.parametrize("name", ["sample", "stress", "spc"])
def test_every_page_is_the_definitions_paper(printed: dict[str, Printed], name: str) -> None:
    """The pack keeps to the paper the definition names (A4 for all three), never enlarging it: a
    sheet too wide prints in parts."""
    assert {(round(page.width), round(page.height)) for _, page in printed[name].pages} == {(842, 595)}


@pytest.mark.parametrize("name", ["sample", "stress"])
def test_a_sections_definitions_print_together(printed: dict[str, Printed], name: str) -> None:
    """A section's definitions print under its heading, breaking only between sections, as the
    Scorecard does: a short section is never split, and a long one that is (it starts on a page
    less than half full, or is longer than a page) leaves at least three measures on each page."""
    book = openpyxl.load_workbook(io.BytesIO(printed[name].workbook), read_only=True, data_only=True)
    rows = [row[:2] for row in book["Definitions"].iter_rows(min_row=6, values_only=True)]
    sections: dict[str, list[str]] = {}
    heading = ""
    for ref, title in rows:
        if ref and title is None:
            heading = str(ref)  # a section's heading row
        elif ref:
            sections.setdefault(heading, []).append(str(ref))
    assert len(sections) >= 4, sections
    pages = [
        {word["text"] for word in page.extract_words()}
        for sheet, page in printed[name].pages
        if sheet == "Definitions"
    ]
    for heading, refs in sections.items():
        on = collections.Counter(index for index, words in enumerate(pages) for ref in refs if ref in words)
        assert sum(on.values()) == len(refs), f"{name}: {heading}: {refs} not all printed"
        if len(on) > 1:
            assert min(on.values()) >= 3, f"{name}: {heading} split {dict(on)}"
        assert len(on) == 1 or len(refs) >= 6, f"{name}: {heading} split across pages {dict(on)}"


def test_a_scorecard_too_wide_for_its_paper_prints_in_facing_parts(printed: dict[str, Printed]) -> None:
    """The 12-month card's Scorecard is too wide for A4 at 7 pt: it prints in two parts, the
    months, then (on the next page) the YTD, trend, judgements and comparators of the same rows,
    Ref and Measure on both."""
    pages = [page for sheet, page in printed["stress"].pages if sheet == "Scorecard"]
    assert len(pages) == 2
    first, second = (page.extract_text() or "" for page in pages)
    assert "Apr 22" in first and "Mar 23" in first and "Target" not in first
    assert "Target" in second and "England" in second and "Apr 22" not in second
    for text in (first, second):
        assert "Ref" in text and "Measure" in text and "WF14" in text and "Contacts to the adults" in text


@pytest.mark.parametrize("name", ["sample", "stress", "spc"])
def test_the_footer_names_the_pack_not_a_workbook_file(printed: dict[str, Printed], name: str) -> None:
    """The workbook LibreOffice prints from is a temporary file: every footer names the pack, its
    title and period, instead."""
    for _, page in printed[name].pages:
        footer = "".join(c["text"] for c in page.chars if c["bottom"] > page.height - MARGIN)
        assert ".xlsx" not in footer and "March 2023" in footer and "Page" in footer, footer


def test_the_notes_on_the_data_are_in_the_pack_where_the_contents_say(printed: dict[str, Printed]) -> None:
    """The sample's corrections to its source (its definition's [[notes]]) are told to the board:
    on the last page, which the Cover's contents name, and each measure's definition points there."""
    pages = printed["sample"].pages
    last = pages[-1][1].extract_text() or ""
    assert "Notes on the data" in last and "Note 1" in last and "CR07, CR08, CIC03: The source" in last
    cover = " ".join(page.extract_text() or "" for sheet, page in pages if sheet == "Cover")
    said = re.search(r"Notes on the data .*?: page (\d+)", cover)
    assert said and int(said[1]) == len(pages), cover
    definitions = " ".join(page.extract_text() or "" for sheet, page in pages if sheet == "Definitions")
    assert definitions.count("See data note") >= 3


def test_a_table_running_on_to_a_page_repeats_its_header_there(printed: dict[str, Printed]) -> None:
    """The sample's Summary lists 24 measures off target, over two pages: the second starts with the
    list's column headers, not with rows a reader cannot name."""
    pages = [page for sheet, page in printed["sample"].pages if sheet == "Summary"]
    assert len(pages) == 2
    top = pages[1].extract_text().splitlines()[1]  # (under the page header)
    assert top.split()[:2] == ["Ref", "Measure"] and "vs last period" in top, top


@pytest.mark.parametrize("name", ["sample", "stress"])
def test_no_row_prints_a_blank_line_beside_its_title(printed: dict[str, Printed], name: str) -> None:
    """A row the layout made two lines tall prints two lines of its title: none is a one-line title
    beside a blank line (CIC09 and WF01 were)."""
    checked = 0
    for sheet, page in printed[name].pages:
        if sheet != "Scorecard":
            continue
        words = page.extract_words()
        measure = next(w for w in words if w["text"] == "Measure")
        right = min(w["x0"] for w in words if w["top"] == measure["top"] and w["x0"] > measure["x1"])
        rules = _rules(page, measure["x0"], right)
        bands = [  # rows under the header row
            (a, b) for a, b in itertools.pairwise(rules) if b - a > 4 and a > measure["bottom"]
        ]
        if not bands:
            continue  # (the second part of a Scorecard in parts: no Measure rules of its own)
        single = min(b - a for a, b in bands)
        for top, bottom in bands:
            lines = {  # (by each character's middle: its top may rise above the row's border)
                round(c["top"])
                for c in page.chars
                if measure["x0"] - 1 <= c["x0"] < right and top < (c["top"] + c["bottom"]) / 2 < bottom
            }
            starts = {  # the Ref column: a section's row and its first measure share a band (no rule)
                round(c["top"]) for c in page.chars if c["x1"] < measure["x0"] and top < c["top"] < bottom
            }
            if bottom - top > 1.6 * single and lines and len(starts) == 1:
                checked += 1
                assert len(lines) >= 2, (
                    f"{name} page {page.page_number}: a tall row with one line at {top:.0f}"
                )
    assert checked >= {"sample": 10, "stress": 1}[name]  # the two-line titles found and looked at
