"""layout.fitting works per column and per distinct text, not per cell (numbers by their column's
widest, each text measured once, text that fits its column never looked at again), and wraps lines
by adding up their words' widths: the widths, heights and styles must be exactly those of the plain
algorithm (tests/plain_fit.py), which measures every cell and every candidate line in turn.

Every sheet of real builds is fitted both ways (each profile, each renderer), then a sheet made to
hold what the builds rarely do (negative numbers, -0.0, numbers that round up a digit, General
format, infinities, hidden columns, merged ranges, text running on, text too long for any column)."""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from pathlib import Path

import plain_fit
import pytest
from board_cards import stress_inputs

from scorecard_xl import layout as layout_package
from scorecard_xl.generate.loading import Inputs, load_inputs
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.inputs.options import Options
from scorecard_xl.layout.fitting import fit_sheet
from scorecard_xl.layout.sheet import (
    BulkRows,
    ConditionalFormat,
    Formula,
    Link,
    PrintSetup,
    SheetLayout,
    style_key,
)
from scorecard_xl.layout.styles import WRAPPED
from scorecard_xl.layout.text_metrics import EXCEL, LIBREOFFICE, Renderer, line_count, wrap
from tests.conftest import FIXED_TIME, SAMPLE_DATA, TEMPLATE


def fitted_both_ways(sheet: SheetLayout, renderer: Renderer) -> tuple[SheetLayout, SheetLayout]:
    plain = copy.deepcopy(sheet)
    plain_fit.fit_sheet(plain, renderer)
    fit_sheet(sheet, renderer)
    return sheet, plain


def fitted_four_ways(sheet: SheetLayout) -> Iterator[tuple[SheetLayout, tuple[int, int, int, int] | None]]:
    """`sheet` fitted for Excel and LibreOffice, with and without a print area, each time both
    ways and checked alike; yields each fast fit and its print area."""
    for renderer in (EXCEL, LIBREOFFICE):
        for area in (None, (0, 0, 50, 3)):
            made = copy.deepcopy(sheet)
            made.print_setup = PrintSetup(print_area=area)
            fast, plain = fitted_both_ways(made, renderer)
            assert geometry(fast) == geometry(plain)
            yield fast, area


def geometry(sheet: SheetLayout) -> tuple[object, ...]:
    return sorted(sheet.widths.items()), sorted(sheet.heights.items()), list(sheet.every_cell())


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every sheet a layout fits is fitted the plain way too and must come out the same; yields the
    names of the sheets compared."""
    names: list[str] = []

    def both(sheet: SheetLayout, renderer: Renderer = EXCEL) -> None:
        fast, plain = fitted_both_ways(sheet, renderer)
        assert geometry(fast) == geometry(plain), sheet.name
        names.append(sheet.name)

    monkeypatch.setattr(layout_package, "fit_sheet", both)
    yield names


@pytest.mark.parametrize("viewer", ["excel", "libreoffice"])
def test_the_sample_fits_as_every_cell_measured_in_turn(compared: list[str], viewer: str) -> None:
    inputs = load_inputs(TEMPLATE, [SAMPLE_DATA])
    _, layout = lay_out(BuildRequest(inputs, generated_at=FIXED_TIME, options=Options(viewer=viewer)))
    assert layout.board_pack is not None
    layout.board_pack()  # the printed pack: its own sheets, fitted for LibreOffice
    # the pack's six: the story, the Cover, the Summary, the Scorecard, the Definitions, About this pack
    assert len(compared) == len(layout.sheets) + 6 and "Data" in compared


def test_a_long_card_fits_as_every_cell_measured_in_turn(compared: list[str], tmp_path: Path) -> None:
    """12 months, long titles and section names, gaps, a quarterly measure, 70 measures."""
    inputs: Inputs = stress_inputs(tmp_path, workforce=64)
    _, layout = lay_out(BuildRequest(inputs, generated_at=FIXED_TIME))
    assert len(compared) == len(layout.sheets)


def test_a_made_sheet_fits_as_every_cell_measured_in_turn() -> None:
    sheet = SheetLayout("Edges")
    numbers = [1234.5, -0.0, -0.04, 9.96, -9.96, 0.0, 999999.5, -12345.0, 3, 0]
    for row, value in enumerate(numbers, start=1):
        sheet.put(row, 0, value, "value", "#,##0.0")  # -0.04 shows "-0.0"; 9.96 "10.0"
        sheet.put(row, 1, value, "value", "0%")
        sheet.put(row, 2, value / 7, "value", None)  # General: every value shown its own way
        sheet.put(row, 3, Formula("=A1", value), "value_strong", "#,##0")
    for row, value in enumerate([0.0, -0.0, 1.0, 0.5]):  # widest: a zero with a sign, "-0.000000000"
        sheet.put(row, 8, value, "value", "0.000000000")
    for row, value in enumerate([5.0, -250000.0, 99999.0]):  # widest "-250,000.00"
        sheet.put(row, 9, value, "value", "#,##0.00")
    for row, value in enumerate([7, -123456789, 12345678, 0, 3]):  # General, whole: widest "-123456789"
        sheet.put(row, 10, value, "value", None)
        sheet.put(row, 11, value * -(10**9), "value_strong", "General")  # -1.2e+16: not every digit
        sheet.put(row, 12, value * 1.5 if row else value, "value", None)  # whole and not, in one column
    sheet.put(21, 4, float("inf"), "value", "#,##0")
    sheet.put(22, 4, 12345678.0, "value", "#,##0")
    sheet.put(23, 5, 12.5, "measure", "0.0")  # a wrapped number
    sheet.put(24, 6, -7.25, "value", "0.0")  # a hidden column
    sheet.put(24, 7, "a long text in a hidden column\nwith a second line", "text")
    sheet.hidden_columns.update({6, 7})
    sheet.put(30, 0, "Left text running on into the empty cells to its right, far enough", "text")
    sheet.put(31, 0, "Left text stopped by a neighbour, so its column widens for it", "text")
    sheet.put(31, 1, "x", "text")
    sheet.put(32, 2, "Two lines\nof text, the second one long enough to need room", "text")
    sheet.put(33, 0, "word " * 80, "text")  # too long for any column: wrapped instead
    sheet.put(34, 0, "A title in a large font that runs on", "title")
    sheet.put(35, 1, "Green", "status")  # made bold by a conditional format
    sheet.put(36, 1, Link("Cover", "A1", "◄ Contents and key, a link stopped by a neighbour"), "link")
    sheet.put(36, 2, Formula('=""', ""), "text")  # shows nothing: the link runs on over it
    sheet.put(36, 3, 7.0, "count")
    sheet.put(37, 3, "Centred text wider than its column", "count")
    sheet.put(38, 0, "Wrapped text with averyveryveryveryveryveryveryveryveryveryverylongword in it", "wrap")
    sheet.put(38, 2, "", "text")
    sheet.put(39, 0, None, "value")
    sheet.merge(40, 0, 40, 2, "A merged header wider than its three columns together", "group_header")
    sheet.merge(41, 3, 42, 3, "A merged cell one column wide, left", "text")
    sheet.merge(43, 0, 43, 1, "Merged and wrapped text over two columns, long enough to wrap", "wrap")
    sheet.merge(44, 4, 44, 5, 1234567.0, "value")
    sheet.conditional_formats.append(ConditionalFormat(((35, 1, 35, 1),), {"format": "rag_Green"}))
    sheet.conditional_formats.append(ConditionalFormat(((1, 0, 10, 0),), {"format": "token"}))
    sheet.widths.update({0: 6.0, 1: 5.0, 3: 4.0})
    for fast, _ in fitted_four_ways(sheet):
        assert fast.widths != sheet.widths and fast.heights
        # The long text may not run on past the last column printed (the print area's, or the last
        # used one): it is wrapped instead.
        wrapped = [(row, col) for row, col, _, key in fast.cells if key[0].endswith(WRAPPED)]
        assert wrapped == [(33, 0)]


def test_bulk_rows_fit_as_every_cell_measured_in_turn() -> None:
    """Bulk rows (a long table's rows, held as rows) are fitted a column at a time; the widths,
    heights and styles are those of their cells measured one by one, whatever the columns hold."""
    sheet = SheetLayout("Bulk")
    sheet.put(0, 0, "A title above the table", "title")
    sheet.put(1, 1, "Header", "column_header_left")
    long_text = "word " * 80  # too long for any column: wrapped instead
    texts = [
        "M1",
        "Left text running on into the empty cells to its right",
        long_text,
        "",
        None,
        "Two lines\nof text",
        "Left text stopped by a neighbour, so its column widens",
        "M1",
    ]
    numbers = [0.0, -0.0, 3, 1234.5, None, -12345678, 0, 2.5]
    rows = []
    for index, (text, number) in enumerate(zip(texts, numbers, strict=True)):
        neighbour = "x" if index == 6 else None
        rows.append((text, neighbour, number, text or "[c]", number, text, number, text, number))
    # The same texts again, now boxed in by a neighbour or not: the cells of a text that cannot run
    # on wait as one, the others each on its own.
    rows += [(row[0], "y" if n % 2 else None, *row[2:]) for n, row in enumerate(rows)]
    rows += [(long_text, "z", *row[2:]) for row in rows[:3]]
    keys = (
        style_key("text"),  # left text: runs on, or widens, or is wrapped
        style_key("text"),
        style_key("value"),  # General numbers
        style_key("count"),  # centred: text must fit its column
        style_key("value", "#,##0.0"),  # a number format: cell by cell
        style_key("wrap"),  # wrapped: cell by cell
        style_key("value"),  # hidden: cell by cell
        style_key("status"),  # restyled by a conditional format: cell by cell
        style_key("title"),  # a tall font: cell by cell
    )
    sheet.bulk = BulkRows(2, 0, keys, rows)
    sheet.hidden_columns.add(6)
    sheet.conditional_formats.append(ConditionalFormat(((2, 7, 20, 7),), {"format": "rag_Green"}))
    sheet.widths.update({0: 6.0, 1: 5.0, 3: 4.0})
    for fast, _ in fitted_four_ways(sheet):
        assert fast.bulk is not None and fast.widths != sheet.widths and fast.heights
        # the long text (its neighbours show), wrapped wherever it is
        assert sorted(fast.bulk.restyled) == [(4, 0), (12, 0), (18, 0), (19, 0), (20, 0)]


def test_lines_wrap_as_when_measured_whole() -> None:
    """text_metrics.wrap adds words' widths (whole font units, so exactly); line_count skips wrapping
    text that fits on one line."""
    chance = random.Random(10)
    letters = "abcdefghij WWW iiil    \t\u00a0.,-0123456789▲→漢\n"
    wrapped_more_than_once = 0
    for _ in range(3000):
        text = "".join(chance.choice(letters) for _ in range(chance.randint(0, 120)))
        points, size = chance.uniform(5, 300), chance.choice([8, 10, 11, 16])
        bold, italic = chance.random() < 0.3, chance.random() < 0.3
        lines = plain_fit.wrap(text, points, size, bold, italic)
        assert wrap(text, points, size, bold, italic) == lines, (text, points)
        assert line_count(text, points, size, bold, italic) == len(lines)
        wrapped_more_than_once += len(lines) > 2
    assert wrapped_more_than_once > 1000


def test_titles_are_counted_from_their_words_as_wrap_would() -> None:
    """line_count counts a paragraph of words from their widths (the one-line width search asks it
    of every title at dozens of widths): the same count as wrapping, and the counted path is the
    one taken for titles, not the fallback."""
    from scorecard_xl.layout.text_metrics import CELL_PADDING, SAFETY, _greedy_line_count, _part_units

    chance = random.Random(21)
    words = [
        "Children",
        "in",
        "care",
        "with",
        "3+",
        "placements",
        "(%)",
        "WWWWWWWW",
        "i",
        "—",
        "per",
        "10,000",
    ]
    counted = 0
    for _ in range(3000):
        text = " ".join(chance.choice(words) for _ in range(chance.randint(1, 16)))
        text += " " * chance.choice([0, 0, 1])
        points, size = chance.uniform(20, 260), chance.choice([8, 10, 11])
        bold, italic = chance.random() < 0.3, chance.random() < 0.3
        line_count.cache_clear()
        assert line_count(text, points, size, bold, italic) == len(
            plain_fit.wrap(text, points, size, bold, italic)
        )
        room = max(points - CELL_PADDING, size) / SAFETY
        counted += _greedy_line_count(_part_units(text, bold, italic), room, size) not in (None, 1)
    assert counted > 750  # (the rest fit on one line, or hold a word too wide for a line)
