"""The month's story (scorecard_xl.model.story) and its first sheet (layout.story_sheet): what changed since
the previous month, the exceptions with their commentary, and a page of one size whatever the month,
so that a refresh rewrites it in place."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import pytest

from scorecard_xl.generate.loading import Inputs, load_inputs
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.generate.sequence import build
from scorecard_xl.inputs.periods import Month
from scorecard_xl.layout.pagination import paginate
from scorecard_xl.layout.sheet import CellValue, SheetLayout
from scorecard_xl.layout.story_sheet import COMMENTARY_SHOWN, EXCEPTION_ROOM, LIST_ROOM
from scorecard_xl.model.scorecard import MeasureRow, build_scorecard
from scorecard_xl.model.story import Story, previous_scorecard, tell
from scorecard_xl.write.pdf import printed_layout
from tests.conftest import FIXED_TIME, SAMPLE, TEMPLATE
from tests.story_cards import COMMENTARY, MONTHS, write_spc


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    """The SPC card: 24 months, March 2023 with a little of everything."""
    definition, data = write_spc(tmp_path_factory.mktemp("trust"))
    return load_inputs(definition, [data])


@pytest.fixture(scope="module")
def sample() -> Inputs:
    return load_inputs(TEMPLATE, [SAMPLE / "data.csv"])


def story_of(inputs: Inputs, period: str | None = None, commentary: dict[str, str] | None = None) -> Story:
    card = build_scorecard(inputs.definition, inputs.dataset, Month.parse(period) if period else None)
    return tell(card, previous_scorecard(inputs.definition, inputs.dataset, card), commentary or {})


def ids(rows: Iterable[MeasureRow]) -> list[str]:
    return [row.id for row in rows]


def test_the_story_tells_what_changed_and_the_exceptions_with_their_commentary(trust: Inputs) -> None:
    story = story_of(trust, commentary=COMMENTARY)
    assert story.previous is not None and story.previous.period == Month(2023, 2)
    # RAG changes: worse first (to red before to amber), then better; both months judged.
    changes = [(c.row.id, c.before, c.after, c.worse) for c in story.changes]
    assert changes == [
        ("RTT01", "A", "R", True),
        ("FAL01", "G", "R", True),
        ("VTE01", "G", "A", True),
        ("CAN01", "R", "G", False),
        ("DIS01", "R", "G", False),
    ]
    # Special cause this month and not last: concerns first, then no better direction, improvement.
    assert ids(story.new_special_causes) == ["ED01", "FAL01", "ATT01", "CAN01"]
    # The largest moves against each measure's own limits, at most five.
    assert [m.row.id for m in story.movements] == ["ATT01", "FAL01", "CAN01", "VTE01", "RTT01"]
    shares = [m.share for m in story.movements]
    assert shares == sorted(shares, reverse=True) and shares[0] > 1  # a move wider than its limits
    attendances = story.movements[0]
    assert (attendances.previous, attendances.latest, attendances.up) == (9650.0, 11900.0, True)
    # Exceptions: the most reasons first, each with what was typed against it.
    assert [(f.row.id, f.reasons) for f in story.exceptions] == [
        ("ED01", ("worst and worsening", "concern", "fail")),
        ("FAL01", ("worst and worsening", "concern")),
        ("RTT01", ("worst and worsening",)),
    ]
    assert story.exceptions[0].commentary == COMMENTARY["ED01"] and story.exceptions[2].commentary == ""
    # Counts by icon, over the measures showing SPC (DIS01 has eight points: no limits yet).
    assert dict(story.variation) == {
        "improvement": 1, "concern": 2, "neither": 1, "common cause": 3, "no icon": 1,
    }  # fmt: skip
    assert dict(story.assurance) == {"pass": 1, "hit and miss": 4, "fail": 1, "no icon": 2}
    assert dict(story.grades) == {"G": 3, "A": 1, "R": 3, "": 1}


def test_the_first_month_of_the_data_has_nothing_to_compare_with(trust: Inputs) -> None:
    story = story_of(trust, MONTHS[0])
    assert story.previous is None and story.previous_grades is None
    assert not story.changes and not story.new_special_causes and not story.movements


def test_a_scorecard_without_spc_tells_rag_and_direction_only(sample: Inputs) -> None:
    story = story_of(sample)
    assert not story.shows_spc and not story.new_special_causes and not story.movements
    assert sum(story.variation.values()) == 0
    assert {f.reasons for f in story.exceptions} == {("worst and worsening",)}
    assert len(story.exceptions) == 10 and story.grades["R"] == 18


def cells(sheet: SheetLayout) -> dict[tuple[int, int], CellValue]:
    return {(row, col): value for row, col, value, _ in sheet.cells}


def story_sheet(
    inputs: Inputs, period: str | None = None, commentary: dict[str, str] | None = None
) -> SheetLayout:
    month = Month.parse(period) if period else None
    _, layout = lay_out(BuildRequest(inputs, month, commentary, generated_at=FIXED_TIME))
    return layout.sheets[0]


def texts(sheet: SheetLayout) -> list[str]:
    return [str(value) for value in cells(sheet).values() if value is not None]


@pytest.mark.parametrize("card", ["sample", "trust"])
def test_the_page_is_one_size_whatever_the_month(card: str, request: pytest.FixtureRequest) -> None:
    """Lists are padded or cut to their room, so the blocks and the signature never change: a
    refresh to any month rewrites the same cells."""
    inputs: Inputs = request.getfixturevalue(card)
    months = [p.iso for p in inputs.dataset.periods()][-6:]
    shapes, signatures = set(), set()
    for month in months:
        _, layout = lay_out(BuildRequest(inputs, Month.parse(month), generated_at=FIXED_TIME))
        story = layout.sheets[0]
        shapes.add(tuple(story.blocks))
        signatures.add(layout.signature)
    assert len(shapes) == 1 and len(signatures) == 1


def test_a_long_list_ends_with_and_n_more_and_long_commentary_is_cut_at_a_word(sample: Inputs) -> None:
    """December 2022: eleven exceptions in ten rows, seven worse RAGs in six."""
    long = "The service redesign " + "continues with the partners " * 20 + "into April."
    sheet = story_sheet(sample, "2022-12", commentary={"CR10": long, "CIN03": "Audit booked."})
    shown = texts(sheet)
    assert shown.count("and 2 more") == 2
    cut = next(text for text in shown if text.startswith("The service redesign"))
    assert cut.endswith(" … (the rest is on the Scorecard)") and len(cut) <= COMMENTARY_SHOWN + 40
    assert "Audit booked." in shown and "No commentary" in shown
    flagged = {row for (row, col), value in cells(sheet).items() if col == 0 and value == "Red and worsening"}
    assert len(flagged) == EXCEPTION_ROOM - 1
    worse = [value for (_, col), value in cells(sheet).items() if col == 0 and str(value).endswith("→ Red")]
    worse += [
        value for (_, col), value in cells(sheet).items() if col == 0 and str(value).endswith("→ Amber")
    ]
    assert len(worse) == LIST_ROOM - 1  # the left-hand list: worse RAGs


def test_a_change_takes_the_look_of_the_grade_it_moved_to(sample: Inputs) -> None:
    """Live rules on the change's text ("Green → Amber" ends "→ Amber"), so a refresh re-colours it;
    the word is there, so colour is never alone."""
    rules = story_sheet(sample).conditional_formats
    ends = {
        (r.options["value"], r.options["format"]) for r in rules if r.options.get("criteria") == "ends with"
    }
    assert ends == {("→ Red", "rag_Red"), ("→ Amber", "rag_Amber"), ("→ Green", "rag_Green")}


def test_the_first_month_says_there_is_nothing_to_compare_with(trust: Inputs) -> None:
    shown = texts(story_sheet(trust, MONTHS[0]))
    assert any(text.startswith("No earlier month in the data to compare with") for text in shown)
    assert shown.count("Not compared") == 3  # worse, better, new special causes


@pytest.mark.parametrize("card", ["sample", "trust"])
def test_the_story_prints_on_one_page_as_large_as_can_be(card: str, request: pytest.FixtureRequest) -> None:
    """One page of the workbook's paper, in the workbook and in the pack; the sample's fits one A4
    page too (the SPC card's, with six lists, needs the A3 these workbooks print on)."""
    inputs: Inputs = request.getfixturevalue(card)
    _, layout = lay_out(BuildRequest(inputs, generated_at=FIXED_TIME))
    for sheet in (layout.sheets[0], printed_layout(layout).sheets[0]):
        setup = sheet.print_setup
        assert setup.row_breaks == () and setup.column_breaks == () and setup.scale >= 70, setup
    if card == "sample":
        pages = paginate(copy.deepcopy(layout.sheets[0]), "A4")
        assert pages.count == 1 and pages.scale >= 70


def test_the_workbook_opens_on_the_story_and_the_pack_ends_with_where_it_came_from(sample: Inputs) -> None:
    _, layout = lay_out(BuildRequest(sample, generated_at=FIXED_TIME))
    assert layout.sheets[0].name == layout.active_sheet == "This month"
    pack = printed_layout(layout)
    assert [s.name for s in pack.sheets] == [
        "This month", "Cover", "Summary", "Scorecard", "Definitions", "About this pack",
    ]  # fmt: skip
    cover = " ".join(texts(pack.sheets[1]))
    assert "sha256 " not in cover and "Generated" not in cover  # provenance is at the back now
    about = " ".join(texts(pack.sheets[-1]))
    assert f"sha256 {sample.definition.sha256[:12]}" in about and "data.csv (sha256 " in about


def test_the_story_sheet_is_written_with_its_counts_and_words(tmp_path: Path) -> None:
    """Read back from the file: the counts are numbers, the words text, the lists at their room."""
    definition, data = write_spc(tmp_path)
    built = build(tmp_path / "trust.xlsx", definition, [data], commentary=COMMENTARY)
    sheet = openpyxl.load_workbook(built.path)["This month"]
    assert sheet["A1"].value == "Integrated Performance Report: March 2023"
    assert sheet["A2"].value == "Somewhere NHS Foundation Trust"
    values = [row for row in sheet.iter_rows(values_only=True)]
    red = next(row for row in values if row[1] == "Red: worse than target beyond the amber band")
    assert red[0] == 3
    assert any(row[3] == COMMENTARY["ED01"] for row in values)
