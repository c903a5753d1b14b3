"""The first sheet, "This month" (or "This year"): the month's story (scorecard_xl.model.story) on one
page, what a board member reads first. Two sentences; counts by RAG and by direction (and by SPC
icon); what changed since the previous period, lists side by side; the exceptions with their
commentary.

Every list has a fixed number of rows (a longer one ends "and N more"; a shorter one is padded), so
the sheet's cells are two blocks of one size whatever the month: a refresh rewrites them, and the
layout's signature never changes with the data. Commentary is as typed on the Scorecard when the
sheet was laid out: a refresh brings newer commentary here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scorecard_xl.inputs.definition import Definition
from scorecard_xl.inputs.values import Value, format_for_text
from scorecard_xl.layout.context import BuildContext
from scorecard_xl.layout.grid import NO_COMMENTARY
from scorecard_xl.layout.page_furniture import CONTENTS_SHEET, print_setup
from scorecard_xl.layout.rules import look_of, positive_count_rule, text_rules, verdict_rules
from scorecard_xl.layout.sheet import Block, CellValue, Link, PageRef, SheetLayout, TableSpec
from scorecard_xl.layout.spc_icons import VARIATION_WORDS
from scorecard_xl.layout.summary_sheet import SUMMARY_SHEET, summary_plan
from scorecard_xl.model.assess import AMBER, GREEN, RAG_WORDS, RED
from scorecard_xl.model.scorecard import MeasureRow, Scorecard
from scorecard_xl.model.story import (
    BANDS,
    CONCERN,
    FAIL,
    RAG_SCALE,
    WORST_AND_WORSENING,
    Flagged,
    Movement,
    Story,
    tell,
    variation,
)
from scorecard_xl.model.ytd_target import PERIOD, TO_DATE, YEAR

LIST_ROOM = 6  # rows for each list of what changed
EXCEPTION_ROOM = 10  # rows for the exceptions
COMMENTARY_SHOWN = 300  # characters of an exception's commentary shown; all of it is on the Scorecard
WIDTHS = {0: 26.0, 1: 60.0, 2: 26.0, 3: 60.0}  # what | measure, twice; the exceptions use all four
LAST_COL = 3
BODY_TOP = 4  # the body's first row (the title, organisation and ways on are above it)
SPACER_POINTS = 8.0  # the blank row between parts
NOT_APPLICABLE = "[z]"  # the published copy's padding: no blank cell in a table
TEXT = "@"  # text stays text when a refresh writes it ("85.1%" is not a number typed in)

# A special cause as the grid's icon words say it (layout.spc_icons), and in plain words after it.
ICON_WORDS = {
    variation: f"{VARIATION_WORDS[variation]} (unusually {variation.split()[-1]}"
    + ("; no better direction)" if variation.startswith("neither") else ")")
    for variation in VARIATION_WORDS
    if variation != "common cause"
}
ICON_LOOKS = {"Improving": "spc_improvement", "Concern": "spc_concern", "Special": "spc_neither"}
VARIATION_LINES = (  # (icon group, words, the look of a count above zero)
    ("improvement", "Special cause improvement", "spc_improvement"),
    ("concern", "Special cause concern", "spc_concern"),
    ("neither", "Special cause, for a measure with no better direction", "spc_neither"),
    ("common cause", "Common cause: no significant change", None),
    ("no icon", "No icon: too few points for process limits", None),
)
ASSURANCE_LINES = (
    ("pass", "Consistently passing the target", "spc_improvement"),
    ("hit and miss", "Hit and miss: the target lies between the process limits", None),
    ("fail", "Consistently failing the target", "spc_concern"),
    ("no icon", "No assurance icon: no target, or too few points", None),
)


@dataclass(frozen=True)
class Grading:
    """How the page words a scale's grades (story.Scale): RAG, or a benchmark's quartile bands."""

    name: str  # "RAG" or "band"
    words: Mapping[str, str]  # grade -> how a change names it ("Red", "B")
    short: Mapping[str, str]  # grade -> in the lead ("red", "in band A"), in the lead's order
    lines: Sequence[tuple[str, str, str | None]]  # (grade, what it means, the look of a count); "" ungraded
    graded: str  # "judged" or "banded"
    worst: str  # "red" or "in band D"


RAG_GRADING = Grading(
    "RAG",
    dict(RAG_WORDS.items()),
    {RED: "red", AMBER: "amber", GREEN: "green"},
    (
        (RED, "Red: worse than target beyond the amber band", "Red"),
        (AMBER, "Amber: worse than target, within the amber band", "Amber"),
        (GREEN, "Green: on target or better", "Green"),
        ("", "Not judged: no target, or no figure to judge", None),
    ),
    "judged",
    "red",
)
BAND_GRADING = Grading(
    "band",
    {band: band for band in BANDS},
    {band: f"in {'band ' if band == BANDS[0] else ''}{band}" for band in BANDS},
    (
        ("A", "Band A: the best quarter of all authorities", "A"),
        ("B", "Band B: the second quarter", "B"),
        ("C", "Band C: the third quarter", "C"),
        ("D", "Band D: the worst quarter of all authorities", "D"),
        ("", "No band: no better direction, or no value", None),
    ),
    "banded",
    "in band D",
)


def story_sheet_name(definition: Definition) -> str:
    return "This year" if definition.yearly else "This month"


@dataclass(frozen=True)
class Listing:
    """One list of the page, in two columns: what (a count or a change), then what it is about."""

    headers: tuple[str, str]
    lines: Sequence[tuple[CellValue, str]]
    table: str  # the published copy's table name and its description
    description: str
    empty: tuple[str, str] | None = None  # the line when there is none
    more: str = ""  # where to find the rest of a list too long for its room
    looks: Sequence[str | None] = ()  # per line: the look of its count above zero


def lay_out_story(
    scorecard: Scorecard, context: BuildContext, printed: bool = False, accessible: bool = False
) -> SheetLayout:
    """The story's sheet; `printed` makes page 1 of the board pack (page numbers where the workbook
    has links), `accessible` the published copy's (every list an Excel Table, no blank cells)."""
    story = tell(scorecard, context.previous, context.commentary)
    sheet = SheetLayout(story_sheet_name(scorecard.definition), tab_color="#1F3864")
    _title(sheet, scorecard, printed)
    page = _Page(sheet, story, accessible, printed)
    page.lead()
    page.glance()
    page.changes()
    page.exceptions(printed)
    sheet.blocks.append(Block("story", BODY_TOP, 0, page.row - 1, LAST_COL))
    sheet.widths.update(WIDTHS)
    sheet.print_setup = print_setup(scorecard)
    sheet.print_setup.print_area = (0, 0, page.row - 1, LAST_COL)
    sheet.print_setup.one_page = True
    return sheet


def _title(sheet: SheetLayout, scorecard: Scorecard, printed: bool) -> None:
    """The scorecard's title and month (a block, as the month changes), the organisation and the
    protective marking (in cells of their own, as on the Cover: `check` knows the organisation by
    them), and the ways on: links in the workbook, page numbers on paper."""
    definition = scorecard.definition
    sheet.put(0, 0, f"{definition.title}: {scorecard.period.long_label}", "title", TEXT)
    sheet.heights[0] = 24
    sheet.blocks.append(Block("story_title", 0, 0, 0, 0))
    sheet.put(0, LAST_COL, definition.marking, "marking")
    sheet.put(1, 0, definition.organisation, "heading")
    listed = summary_plan(scorecard).list_title  # "Measures off target", or a benchmark's quartiles
    if printed:
        contents = PageRef(2, 0, CONTENTS_SHEET, 0, "Contents and key: page {page}")
        sheet.put_page_ref(2, 0, contents, "muted")
        sheet.put_page_ref(2, 2, PageRef(2, 2, SUMMARY_SHEET, 0, f"{listed}: page {{page}}"), "muted")
    else:
        sheet.put(2, 0, Link(CONTENTS_SHEET, "A1", "◄ Contents and key"), "link")
        sheet.put(2, 2, Link(SUMMARY_SHEET, "A1", f"{listed}: Summary ►"), "link")


class _Page:
    """The body, laid out row by row from BODY_TOP."""

    def __init__(self, sheet: SheetLayout, story: Story, accessible: bool, printed: bool = False) -> None:
        self.sheet, self.story, self.accessible = sheet, story, accessible
        self.printed = printed  # paper is never refreshed: a list takes the rows it fills, no more
        self.grading = RAG_GRADING if story.scale == RAG_SCALE else BAND_GRADING
        before = story.previous_grades or {}
        self.graded_before = sum(before.get(grade, 0) for grade in self.grading.short)  # 0: none to compare
        self.unit = "year" if story.scorecard.definition.yearly else "month"
        self.before = story.previous.period.long_label if story.previous else None
        self.since = f"since {self.before}" if self.before else f"since the previous {self.unit}"
        self.row = BODY_TOP

    def lead(self) -> None:
        """Two sentences: how many are red, amber and green; what changed, and the exceptions."""
        story, grading, counts = self.story, self.grading, self.story.counts
        graded = sum(story.grades[grade] for grade in grading.short)
        if graded:
            first = f"{_listed(grading, story.grades, ' and ')} of the {_count(graded, 'measure')}"
            first += f" {grading.graded}"
            if story.previous_grades is not None and self.graded_before:
                first += f" ({self.before}: {_listed(grading, story.previous_grades, ', ')})"
        else:
            first = f"{_count(counts.measures, 'measure')}, none judged against a target"
        if story.previous is None:
            second = f"No earlier {self.unit} in the data to compare with"
        elif not self.graded_before:  # no grade to have changed: the directions
            second = f"Since {self.before}: {counts.improving} better, {counts.worsening} worse"
        else:
            worse = sum(change.worse for change in story.changes)
            better = len(story.changes) - worse
            second = (
                f"Since {self.before}: {worse} moved to a worse {grading.name} and {better} to a better one"
            )
            if story.shows_spc:
                second += f"; {_count(len(story.new_special_causes), 'new special cause')}"
        flagged = len(story.exceptions)
        said = sum(1 for exception in story.exceptions if exception.commentary)
        second += f". {_count(flagged, 'exception')} below" + (
            f", {said} with commentary." if flagged else "."
        )
        self.put(0, first + ".", "lead")
        self.row += 1
        self.put(0, second, "text")
        self.row += 1

    def glance(self) -> None:
        """Counts by grade beside counts by direction; by variation icon beside assurance icon."""
        story, counts = self.story, self.story.counts
        self.heading("At a glance")
        graded = _counts(  # (the period before's are in the lead)
            ("Measures", "RAG against target" if self.grading is RAG_GRADING else "Quartile band"),
            [(story.grades[grade], words, look) for grade, words, look in self.grading.lines],
            f"Story_{self.grading.name}",
            f"How many measures are in each {self.grading.name}.",
        )
        compared = counts.improving + counts.worsening + story.same
        direction = _counts(
            ("Measures", "Direction of travel"),
            [
                (counts.improving, "Better: the latest value against the one before", None),
                (counts.worsening, "Worse: the latest value against the one before", None),
                (story.same, "The same, as displayed", None),
                (
                    counts.measures - compared,
                    "Not compared: no direction of improvement, or no earlier value",
                    None,
                ),
            ],
            "Story_direction",
            "How many measures moved in a better or a worse direction.",
        )
        first = self.side_by_side(graded, direction, len(graded.lines))
        verdict_rules(self.sheet, first, self.row - 1, [(3, 3)])
        if story.shows_spc:
            icons = _counts(
                ("Measures", "Variation (SPC)"),
                [(story.variation[key], words, look) for key, words, look in VARIATION_LINES],
                "Story_variation",
                "How many measures show each variation icon.",
            )
            assurance = _counts(
                ("Measures", "Assurance (SPC)"),
                [(story.assurance[key], words, look) for key, words, look in ASSURANCE_LINES],
                "Story_assurance",
                "How many measures show each assurance icon.",
            )
            self.side_by_side(icons, assurance, len(VARIATION_LINES), spaced=True)

    def changes(self) -> None:
        """Measures whose RAG (or band) changed, worse beside better; new special causes beside the
        largest movements against their limits."""
        story, grading = self.story, self.grading
        self.heading(f"What changed {self.since}")
        nothing = ("Not compared", f"No earlier {self.unit} in the data.")
        if story.previous and not self.graded_before:
            nothing = ("Not compared", f"Nothing {grading.graded} in {self.before} to compare with.")

        def changed(worse: bool) -> Listing:
            word = "worse" if worse else "better"
            none = ("None", f"No measure moved to a {word} {grading.name}.")
            return Listing(
                (f"{word.capitalize()} {grading.name}", "Measure"),
                [
                    (f"{grading.words[change.before]} → {grading.words[change.after]}", _measure(change.row))
                    for change in story.changes
                    if change.worse == worse
                ],
                f"Story_{word}_{grading.name}",
                f"The measures whose {grading.name} moved to a {word} one {self.since}, the furthest first.",
                empty=none if self.graded_before else nothing,
                more="the rest are on the Scorecard",
            )

        first = self.side_by_side(changed(True), changed(False), LIST_ROOM)
        looks = {f"→ {grading.words[grade]}": look_of(look) for grade, _, look in grading.lines if look}
        text_rules(self.sheet, first, self.row - 1, [(0, 0), (2, 2)], "ends with", looks)
        if not story.shows_spc:
            return
        special = Listing(
            ("New special cause", "Measure"),
            [(ICON_WORDS.get(variation(row) or "", ""), _measure(row)) for row in story.new_special_causes],
            "Story_new_special_causes",
            f"The measures showing a special cause {self.since} that did not before, concerns first.",
            empty=("None", "No new special cause.") if story.previous else nothing,
            more="the rest are on the Scorecard",
        )
        movements = Listing(
            ("Largest movement", "Measure"),
            [(_movement(movement), _measure(movement.row)) for movement in story.movements],
            "Story_largest_movements",
            "The largest movements of the latest point from the one before, as a share of the width "
            "between the measure's own process limits.",
            empty=("None", "No measure with process limits moved."),
        )
        first = self.side_by_side(special, movements, LIST_ROOM, spaced=True)
        text_rules(self.sheet, first, self.row - 1, [(0, 0)], "begins with", ICON_LOOKS)

    def exceptions(self, printed: bool) -> None:
        """Red and worsening, or a concern or fail icon: why, the figures and the commentary."""
        why = f"{self.grading.worst} and worsening" + (
            ", or a concern or fail icon" if self.story.shows_spc else ""
        )
        self.heading(f"Exceptions: {why}")
        # (paper and the published copy are never refreshed)
        refreshed = not (printed or self.accessible)
        where = (
            "as typed on the Scorecard (Refresh brings it here)"
            if refreshed
            else "typed against each measure"
        )
        self.put(0, f"With the commentary {where}; its first {COMMENTARY_SHOWN} characters.", "muted")
        self.row += 1
        headers = ("Why", "Measure", "Figures", "Commentary")
        for col, header in enumerate(headers):
            self.put(col, header, "column_header_left")
        top = self.row
        self.row += 1
        lines = [_exception(flagged, self.grading) for flagged in self.story.exceptions]
        flagged = min(len(lines), EXCEPTION_ROOM)  # rows telling an exception, its reasons in red
        if len(lines) > EXCEPTION_ROOM:
            flagged -= 1
            more = f"and {len(lines) - flagged} more"
            lines[flagged:] = [(more, "the rest are on the Summary and the Scorecard", "", "")]
        elif not lines:
            lines = [("None", f"No measure is {why}.", "", "")]
        for index in range(len(lines) if self.printed else EXCEPTION_ROOM):
            line = lines[index] if index < len(lines) else ("", "", "", "")
            for col, text in enumerate(line):
                self.put(col, text or self.pad(), "why" if col == 0 and index < flagged else "table_wrap")
            self.row += 1
        area = (top, 0, self.row - 1, LAST_COL)
        self.table(area, headers, "Story_exceptions", f"The measures {why}, with their commentary.")
        self.sheet.keep_together.append((top - 2, self.row - 1))  # from the heading

    # -- pieces ------------------------------------------------------------------------------------

    def side_by_side(self, left: Listing, right: Listing, room: int, spaced: bool = False) -> int:
        """Two lists of `room` rows each under a header row, left in columns A:B, right in C:D, kept
        on one page (with the heading above, unless `spaced`). Returns the first row under the
        headers."""
        if spaced:
            self.spacer()
        top = self.row
        if self.printed:
            room = max(len(_fitted(left, room)), len(_fitted(right, room)), 1)
        for col, listing in ((0, left), (2, right)):
            self.put(col, listing.headers[0], "column_header_left")
            self.put(col + 1, listing.headers[1], "column_header_left")
            lines = _fitted(listing, room)
            for offset in range(room):  # every row: a refresh rewrites the padding too
                row = top + 1 + offset
                what, about = lines[offset] if offset < len(lines) else (None, "")
                if isinstance(what, int):  # (level with the first line of the words beside it)
                    self.sheet.put(row, col, what, "table_number_centred")
                else:
                    self.sheet.put(row, col, what or self.pad(), "table_wrap", TEXT)
                self.sheet.put(row, col + 1, about or self.pad(), "table_wrap", TEXT)
                look = listing.looks[offset] if offset < len(listing.looks) else None
                if look:
                    positive_count_rule(self.sheet, row, row, col, look)
            self.table((top, col, top + room, col + 1), listing.headers, listing.table, listing.description)
        self.row = top + 1 + room
        self.sheet.keep_together.append((top - (0 if spaced else 1), self.row - 1))
        return top + 1

    def heading(self, text: str) -> None:
        self.spacer()
        self.put(0, text, "heading")
        self.sheet.heights[self.row] = 20
        self.row += 1

    def spacer(self) -> None:
        self.sheet.heights[self.row] = SPACER_POINTS
        self.row += 1

    def put(self, col: int, text: str | None, style: str) -> None:
        self.sheet.put(self.row, col, text or None, style, TEXT)

    def pad(self) -> str | None:
        """What a row a list does not fill holds: nothing, or [z] in a table of the published copy."""
        return NOT_APPLICABLE if self.accessible else None

    def table(self, area: tuple[int, int, int, int], headers: Sequence[str], name: str, what: str) -> None:
        """The published copy's Excel Table over a list: `area` runs from its header row's first
        cell to its last row's last cell."""
        if self.accessible:
            title = f"This {self.unit}: {name.removeprefix('Story_').replace('_', ' ')}"
            self.sheet.tables.append(TableSpec(name, *area, tuple(headers), title, what))


def _counts(
    headers: tuple[str, str], lines: Sequence[tuple[int, str, str | None]], table: str, description: str
) -> Listing:
    """A list of counts: (count, what is counted, the look of a count above zero) each."""
    shown = [(count, words) for count, words, _ in lines]
    return Listing(headers, shown, table, description, looks=[look for *_, look in lines])


def _fitted(listing: Listing, room: int) -> list[tuple[CellValue, str]]:
    """The lines a list of `room` rows shows: all of them, or the first and "and N more"; a list
    with no lines says so in its first row."""
    lines = list(listing.lines)
    if not lines:
        return [listing.empty] if listing.empty else []
    if len(lines) > room:
        lines[room - 1 :] = [(f"and {len(lines) - room + 1} more", listing.more)]
    return lines


def _listed(grading: Grading, counts: Mapping[str, int], last: str) -> str:
    """ "18 red, 6 amber and 14 green" (`last` joins the last two)."""
    said = [f"{counts[grade]} {words}" for grade, words in grading.short.items()]
    return ", ".join(said[:-1]) + last + said[-1]


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def _measure(row: MeasureRow) -> str:
    return f"{row.measure.title} ({row.id})"


def _value(row: MeasureRow, value: Value | None) -> str:
    return format_for_text(value, row.measure.unit, row.measure.decimals)


def _movement(movement: Movement) -> str:
    arrow = "▲" if movement.up else "▼"
    before, after = _value(movement.row, movement.previous), _value(movement.row, movement.latest)
    return f"{arrow} {before} → {after}: {movement.share:.0%} of the width between its limits"


TARGET_WORDS = {YEAR: "target", TO_DATE: "target to date", PERIOD: "target for the period"}


def _exception(flagged: Flagged, grading: Grading) -> tuple[str, str, str, str]:
    """Why, the measure, its figure against its target, and the commentary."""
    row = flagged.row
    words = {
        WORST_AND_WORSENING: f"{grading.worst[:1].upper()}{grading.worst[1:]} and worsening",
        CONCERN: ICON_WORDS.get(variation(row) or "", "Special cause concern"),
        FAIL: "Consistently failing the target",
    }
    figure = _value(row, row.headline) or "No figure"
    if figure != "No figure" and row.headline_kind == "ytd":
        figure += " YTD"  # (as the Scorecard's bold figure: what RAG judged)
    if isinstance(row.target, float):
        figure += f" ({TARGET_WORDS[row.target_scope]} {_value(row, row.target)})"
    why = "; ".join(words[reason] for reason in flagged.reasons)
    return why, _measure(row), figure, _commentary(flagged.commentary)


def _commentary(text: str) -> str:
    """The commentary on one line, cut at a word after COMMENTARY_SHOWN characters."""
    text = " ".join(text.split())
    if not text:
        return NO_COMMENTARY
    if len(text) <= COMMENTARY_SHOWN:
        return text
    return text[:COMMENTARY_SHOWN].rsplit(" ", 1)[0] + " … (the rest is on the Scorecard)"
