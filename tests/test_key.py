"""The Cover's key draws every judgement, word and symbol as the pages draw them (the same glyphs,
the same colour), and no two things that mean different things look alike (issue 20)."""

from __future__ import annotations

import re

import pytest

from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.inputs.values import MISSING_TOKENS
from scorecard_xl.layout.sheet import SheetLayout, WorkbookLayout
from scorecard_xl.layout.styles import BETTER_TEXT, CONDITIONAL, WORSE_TEXT, cell_format
from tests.conftest import SAMPLE_DATA, TEMPLATE

GRID_SHEETS = ("Scorecard", "Summary")
JUDGEMENT = re.compile(r"^(?:[▲▼►] \w+|better|worse|same|higher|lower)$")
DASHES = {"-", "–", "—"}


@pytest.fixture(scope="module", params=["sample", "nhs"])
def layout(request: pytest.FixtureRequest) -> WorkbookLayout:
    sample = request.param == "sample"
    return lay_out(
        BuildRequest(load_inputs(TEMPLATE, [SAMPLE_DATA]) if sample else load_inputs("nhs_ae", None))
    )[1]


def sheet(layout: WorkbookLayout, name: str) -> SheetLayout:
    return next(s for s in layout.sheets if s.name == name)


def key_lines(layout: WorkbookLayout) -> dict[str, str]:
    """The key's terms (the Cover's first column from the heading Key on) and each one's colour."""
    cover = sorted(sheet(layout, "Cover").cells, key=lambda cell: (cell[0], cell[1]))
    start = next(row for row, col, value, _ in cover if col == 0 and value == "Key")
    return {
        str(value): cell_format(*key).get("font_color", "#000000").upper()
        for row, col, value, key in cover
        if row > start and col == 0 and isinstance(value, str)
    }


def drawn_colour(text: str) -> str:
    """The colour the pages' conditional formats give a judgement (layout.rules.verdict_rules)."""
    for word in ("better", "worse"):
        if word in text:
            return str(CONDITIONAL[word]["font_color"]).upper()
    return "#000000"


def test_every_judgement_on_the_pages_is_in_the_key_in_its_colour(layout: WorkbookLayout) -> None:
    key = key_lines(layout)
    shown = {
        str(value)
        for name in GRID_SHEETS
        for _, _, value, _ in sheet(layout, name).cells
        if isinstance(value, str) and JUDGEMENT.match(value)
    }
    assert {"▲ better", "▼ worse"} & shown
    for text in shown:
        words = text.split()[-1]
        found = [colour for term, colour in key.items() if text in term or words in term.split()]
        assert drawn_colour(text) in found, f"{text!r} is drawn {drawn_colour(text)}; the key has {found}"
    assert key["▲ better  ▼ better"] == BETTER_TEXT and key["▲ worse  ▼ worse"] == WORSE_TEXT


def test_no_status_is_a_dash_that_looks_like_a_missing_value(layout: WorkbookLayout) -> None:
    """A RAG that cannot be judged and an SPC chart with too few points say so in words: a dash
    would look like the data's "-" (not reported), which the key explains as something else."""
    key = key_lines(layout)
    assert "-" in MISSING_TOKENS and not DASHES & (set(key) - {"-"})
    statuses = {
        value
        for _, _, value, (style, _) in sheet(layout, "Scorecard").cells
        if style == "status" and isinstance(value, str)
    }
    assert not DASHES & statuses, statuses
    assert "Not judged" in key
    for text in statuses - {text for text in statuses if JUDGEMENT.match(text)}:  # (tested above)
        # RAG words and SPC icons ("Concern ▼" under "Concern ▲ ▼")
        assert any(text == term or text.split()[0] == term.split()[0] for term in key), text


def test_the_samples_show_both_statuses_in_words() -> None:
    """The sample has measures with a target but nothing to judge (CIC07 in March); an SPC chart
    with fewer than 13 points shows "Too few"."""
    from scorecard_xl.layout.grid import NOT_JUDGED
    from scorecard_xl.layout.spc_icons import TOO_FEW

    scorecard = sheet(lay_out(BuildRequest(load_inputs(TEMPLATE, [SAMPLE_DATA])))[1], "Scorecard")
    row = next(r for r, c, value, _ in scorecard.cells if value == "CIC07")
    assert NOT_JUDGED in {value for r, _, value, _ in scorecard.cells if r == row}
    assert TOO_FEW == "Too few" and NOT_JUDGED == "Not judged"
