"""How the board pack prints, worked out from its layout (no LibreOffice: test_board_pack prints
it): on the paper the definition names, every text at 7 pt or more, a sheet too wide printed in
parts, each band of rows across its parts before the next."""

from __future__ import annotations

from pathlib import Path

import pytest
from board_cards import stress_inputs

from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.layout.pagination import Pages, _lowest_scale
from scorecard_xl.layout.sheet import WorkbookLayout
from scorecard_xl.write.pdf import printed_layout
from tests.conftest import SAMPLE_DATA, TEMPLATE


def pack_of(inputs: object) -> WorkbookLayout:
    _, layout = lay_out(BuildRequest(inputs))  # type: ignore[arg-type]
    return printed_layout(layout)


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, WorkbookLayout]:
    return {
        "sample": pack_of(load_inputs(TEMPLATE, [SAMPLE_DATA])),
        "nhs": pack_of(load_inputs("nhs_ae", None)),
        "stress": pack_of(stress_inputs(Path(tmp_path_factory.mktemp("stress")))),
    }


def test_a_sheet_in_parts_prints_across_then_down() -> None:
    """Rows 0-39 print on pages 0 (left part) and 1 (right part); rows 40- on pages 2 and 3."""
    pages = Pages("A4", 80, (40,), (14,))
    assert pages.count == 4
    assert [pages.page_of(row) for row in (0, 39, 40, 99)] == [0, 0, 2, 2]
    assert Pages("A4", 80, (40, 80), ()).page_of(80) == 2


@pytest.mark.parametrize("name", ["sample", "nhs", "stress"])
def test_the_pack_keeps_to_the_definitions_paper_with_text_at_seven_points(
    packs: dict[str, WorkbookLayout], name: str
) -> None:
    """Every sheet on A4 (the paper all three definitions name), printed at a scale that keeps its
    smallest text at 7 pt or more."""
    for sheet in packs[name].sheets:
        setup = sheet.print_setup
        assert setup.paper == "A4", (name, sheet.name)
        # (_lowest_scale: the scale at which the sheet's smallest text prints at MIN_TEXT_POINTS)
        assert setup.scale is not None, (name, sheet.name)
        assert setup.scale / 100 >= _lowest_scale(sheet) - 1e-9, (name, sheet.name, setup.scale)


def test_a_sheet_too_wide_prints_in_parts_at_its_column_groups(packs: dict[str, WorkbookLayout]) -> None:
    """The 12-month card's Scorecard: split where the YTD group starts, Ref and Measure repeated,
    printed across; the sample's fits A4 one page wide."""
    scorecard = next(s for s in packs["stress"].sheets if s.name == "Scorecard")
    setup = scorecard.print_setup
    assert setup.column_breaks and setup.column_breaks[0] in scorecard.column_groups
    assert setup.repeat_columns == (0, 1) and setup.across
    sample = next(s for s in packs["sample"].sheets if s.name == "Scorecard")
    assert sample.print_setup.column_breaks == () and not sample.print_setup.across


def test_no_title_is_given_a_line_the_printer_would_leave_blank(packs: dict[str, WorkbookLayout]) -> None:
    """A title (or definition) the layout gives n lines is one LibreOffice draws on n too (its last
    line wider than its column less a point), or one broken where the layout breaks it: CIC09 and
    WF01 were a point or two too long for one line by the layout's margin, and printed on one line
    in rows two lines tall; CL04 and CIC07 on two and three lines in rows a line taller."""
    from scorecard_xl.layout.one_line import _near_miss
    from scorecard_xl.layout.text_metrics import LIBREOFFICE, column_points

    broken = []
    for name in ("sample", "nhs"):
        for sheet in packs[name].sheets:
            assert sheet.name not in ("Scorecard", "Definitions") or sheet.one_line_columns, sheet.name
            for col in sheet.one_line_columns:
                room = column_points(sheet.widths[col], LIBREOFFICE)
                for row, at, text, _ in sheet.cells:
                    if at != col or not isinstance(text, str) or row <= 4:  # (titles and headers)
                        continue
                    if "\n" in text:
                        broken.append(text)
                    else:
                        assert not _near_miss(text, (10.0, False, False), room), (name, sheet.name, text)
    assert "Workers with caseloads above the target in Assessment\nTeams" in broken


def test_the_packs_key_draws_a_trend_as_the_scorecard_draws_them(packs: dict[str, WorkbookLayout]) -> None:
    """Every colour and glyph the pages use is in the key as drawn: the trend too (its latest point
    orange, its target dashed), the size of the Scorecard's."""
    sheets = {sheet.name: sheet for sheet in packs["sample"].sheets}
    [example] = sheets["Cover"].pictures
    widths = {picture.width for picture in sheets["Scorecard"].pictures}
    assert widths == {example.width} and example.description.startswith("An example trend")
