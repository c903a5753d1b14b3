"""The Summary sheet: counts per section, and the measures needing attention with links to them.

Two kinds of summary, by what the scorecard judges: RAG against targets (red, amber, green, and the
measures off target), or, for a benchmarking scorecard without targets, quartile bands (A to D,
and the measures in the lower two quartiles).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from scorecard_xl.a1 import a1, quote_sheet
from scorecard_xl.inputs.values import Value, format_for_text
from scorecard_xl.layout.context import BuildContext
from scorecard_xl.layout.grid import NOT_JUDGED, rag_text, target_format, target_text
from scorecard_xl.layout.page_furniture import print_setup, title_block
from scorecard_xl.layout.rules import positive_count_rule, quartile_rules, rag_rules, verdict_rules
from scorecard_xl.layout.sheet import Block, Formula, Link, PageRef, SheetLayout, TableSpec
from scorecard_xl.layout.spc_matrix import spc_matrix
from scorecard_xl.layout.styles import number_format
from scorecard_xl.model.assess import AMBER, RED
from scorecard_xl.model.scorecard import MeasureRow, Scorecard, tally
from scorecard_xl.workbook import fields

SUMMARY_SHEET = "Summary"
BANDS = ("A", "B", "C", "D")
ON_THE_SCORECARD = " on the Scorecard"  # a link's words after the measure's Ref


@dataclass(frozen=True)
class Count:
    """A column of the Summary's counts: its header and how a section's rows are counted."""

    header: str
    of: Callable[[list[MeasureRow]], int]
    look: str | None = None  # a RAG word or band letter: counts above zero take its colour


Figure = tuple[Value | None, str]  # a measure's figure and the number format its cell shows it in


@dataclass(frozen=True)
class Column:
    """A column of the Summary's list of measures: its header and each row's text, or its figure
    (a number stored as a number, in the measure's format)."""

    header: str
    text: Callable[[MeasureRow], str]
    style: str
    rules: str | None = None  # "rag", "verdict" or "quartile"
    figure: Callable[[MeasureRow], Figure] | None = None


@dataclass(frozen=True)
class Plan:
    """What this scorecard's summary counts and lists."""

    counts: tuple[Count, ...]
    note: str
    list_title: str
    listed: Callable[[Scorecard], list[MeasureRow]]  # in order, most in need first
    room: int  # rows kept for the list whatever its length, so refresh can rewrite it in place
    counted: Callable[[MeasureRow], bool]  # the measures `room` is kept for (judged, or banded)
    all_title: str  # the published copy's list: every counted measure, most in need first
    columns: tuple[Column, ...]
    empty: str


@dataclass(frozen=True)
class PrintedRows:
    """Where the printed pack shows each section and measure (sheet, row), for page numbers."""

    sheet: str
    sections: dict[str, int]  # section id -> its header row
    measures: dict[str, int]  # measure id -> its row


def lay_out_summary(
    scorecard: Scorecard,
    context: BuildContext,
    section_sheets: dict[str, str],
    scorecard_sheet: str,
    printed: PrintedRows | None = None,
    accessible: bool = False,
) -> SheetLayout:
    """The Summary; `printed` makes the board pack's, with page numbers where the workbook has links;
    `accessible` the published copy's, each list a named Excel Table with no blank cells."""
    plan = summary_plan(scorecard)
    sheet = SheetLayout(SUMMARY_SHEET, tab_color="#1F3864")
    row = title_block(sheet, scorecard, "Summary", len(plan.columns) + 1, printed is not None)
    sheet.put(2, 2, plan.note, "muted")
    counts_top = row
    row = _counts(sheet, scorecard, plan, section_sheets, row, printed, accessible)
    sheet.keep_together.append((counts_top, row))
    if scorecard.definition.spc is not None:
        matrix_top = row + 2
        row = spc_matrix(sheet, scorecard, matrix_top, accessible)
        sheet.keep_together.append((matrix_top, row))
    last = _attention(sheet, scorecard, plan, scorecard_sheet, row + 2, printed, accessible)
    sheet.keep_together.append((row + 2, last))
    ref_width = max(9.0, max(len(m.id) for m in scorecard.definition.measures) * 1.1 + 1)
    sheet.widths.update({0: ref_width, 1: 58.0, 2: 24.0, 3: 10.0, 4: 10.0, 5: 10.0, 6: 11.0, 7: 11.0})
    sheet.widths.update({8: 13.0, 9: 13.0})
    # A second page repeats the subtitle, which says whose and which month it is (as every sheet).
    sheet.print_setup = print_setup(scorecard, repeat_rows=(1, 1))
    return sheet


def summary_plan(scorecard: Scorecard) -> Plan:
    definition = scorecard.definition
    titles = {s.id: s.title for s in definition.sections}
    moves = (
        Count("Improving", lambda rows: tally(rows).improving),
        Count("Worsening", lambda rows: tally(rows).worsening),
    )
    note = "Improving / worsening: latest value against the previous period."

    def common(line: MeasureRow) -> tuple[str, str, str, str]:
        m = line.measure
        return m.id, m.title, titles[m.section], format_for_text(line.headline, m.unit, m.decimals)

    start = (
        Column("Ref", lambda r: common(r)[0], "table_text"),
        Column("Measure", lambda r: common(r)[1], "table_wrap"),
        Column("Section", lambda r: common(r)[2], "table_text"),
        Column("Value", lambda r: common(r)[3], "table_value", figure=lambda r: (r.headline, _format(r))),
    )
    directions = (
        Column(
            "vs last year" if definition.yearly else "vs last period",
            lambda r: r.vs_previous.text if r.vs_previous else "",
            "table_status",
            "verdict",
        ),
    ) + (
        ()
        if definition.yearly
        else (
            Column(
                "vs last year",
                lambda r: r.vs_last_year.text if r.vs_last_year else "",
                "table_status",
                "verdict",
            ),
        )
    )
    band = next((i for i, b in enumerate(definition.benchmarks) if b.kind == "quartile"), None)
    judged = [r for r in scorecard.rows if r.measure.target.judged]
    if judged or band is None:
        return Plan(
            counts=(
                Count("Measures", lambda rows: len(rows)),
                Count("Red", lambda rows: tally(rows).red, "Red"),
                Count("Amber", lambda rows: tally(rows).amber, "Amber"),
                Count("Green", lambda rows: tally(rows).green, "Green"),
                Count("No target", lambda rows: tally(rows).not_judged),
                *moves,
            ),
            note=note,
            list_title="Measures off target",
            listed=lambda card: (
                [r for r in card.rows if r.rag == RED] + [r for r in card.rows if r.rag == AMBER]
            ),
            room=max(len(judged), 1),
            counted=lambda r: r.measure.target.judged,
            all_title="Measures with a target, off target first (red, then amber)",
            columns=(
                *start,
                Column("Target", target_text, "table_value", figure=lambda r: (r.target, target_format(r))),
                Column("RAG", lambda r: rag_text(r) or "", "table_status", "rag"),
                *directions,
            ),
            empty="None: every judged measure is on target." if judged else "No measure has a target here.",
        )
    benchmark = definition.benchmarks[band]
    others = [(i, b) for i, b in enumerate(definition.benchmarks) if i != band]

    def band_of(line: MeasureRow) -> str:
        return line.benchmarks[band] or ""

    first_comparator = definition.comparators[0] if definition.comparators else None
    comparator_column = (
        (
            Column(
                first_comparator.label,
                lambda r: format_for_text(r.comparators[0], r.measure.unit, r.measure.decimals),
                "table_value",
                figure=lambda r: (r.comparators[0], _format(r)),
            ),
        )
        if first_comparator
        else ()
    )
    return Plan(
        counts=(
            Count("Measures", lambda rows: len(rows)),
            *(Count(f"Band {letter}", _counting(band_of, letter), letter) for letter in BANDS),
            Count("No band", lambda rows: sum(band_of(r) not in BANDS for r in rows)),
            *moves,
        ),
        note=f"{benchmark.label}: A is the best quarter of all authorities, D the worst. " + note,
        list_title="Measures in the lower two quartiles (D, then C)",
        listed=lambda card: (
            [r for r in card.rows if band_of(r) == "D"] + [r for r in card.rows if band_of(r) == "C"]
        ),
        room=max(sum(r.measure.polarity != "none" for r in scorecard.rows), 1),
        counted=lambda r: r.measure.polarity != "none",
        all_title="Measures by quartile band, the lower two quartiles first (D, then C)",
        columns=(
            *start,
            *comparator_column,
            Column(benchmark.label, band_of, "table_status", "quartile"),
            *(Column(b.label, _benchmark_text(i), "table_status") for i, b in others),
            *directions,
        ),
        empty="None: no measure is in the lower two quartiles.",
    )


def _format(line: MeasureRow) -> str:
    return number_format(line.measure.unit, line.measure.decimals)


def _counting(band_of: Callable[[MeasureRow], str], letter: str) -> Callable[[list[MeasureRow]], int]:
    return lambda rows: sum(band_of(r) == letter for r in rows)


def _benchmark_text(index: int) -> Callable[[MeasureRow], str]:
    return lambda line: line.benchmarks[index] or ""


def _counts(
    sheet: SheetLayout,
    scorecard: Scorecard,
    plan: Plan,
    section_sheets: dict[str, str],
    row: int,
    printed: PrintedRows | None,
    accessible: bool = False,
) -> int:
    sheet.put(row, 0, "By section", "heading")
    header = row + 1
    sheet.put(header, 0, "", "column_header_left")
    sheet.put(header, 1, "Section", "column_header_left")
    for offset, count in enumerate(plan.counts):
        sheet.put(header, 2 + offset, count.header, "column_header")
    page_col = 2 + len(plan.counts)
    if printed:
        sheet.put(header, page_col, "Page", "column_header")
    row = first = header + 1
    for section in scorecard.definition.sections:
        rows = list(scorecard.rows_in(section))
        sheet.put(row, 0, None, "text")
        if printed:  # paper has no links: the page the section starts on
            sheet.put(row, 1, section.title, "text")
            target = PageRef(row, page_col, printed.sheet, printed.sections[section.id])
            sheet.put_page_ref(row, page_col, target, "count")
        else:
            sheet.put(row, 1, Link(section_sheets[section.id], "A1", section.title), "link")
        for offset, count in enumerate(plan.counts):
            sheet.put(row, 2 + offset, count.of(rows), "count")
        row += 1
    sheet.put(row, 1, "All sections", "total_label")
    for offset, count in enumerate(plan.counts):
        sheet.put(row, 2 + offset, count.of(list(scorecard.rows)), "total_value")
    # Counts above zero take their colour; the column header names it, so colour is not alone.
    for offset, count in enumerate(plan.counts):
        if count.look:
            positive_count_rule(sheet, first, row, 2 + offset, count.look)
    sheet.blocks.append(Block("counts", first, 2, row, 2 + len(plan.counts) - 1))
    # The count headers down to the "All sections" row: send reads the totals by header.
    sheet.mark(fields.TOTALS.name, header, 2, row, 2 + len(plan.counts) - 1)
    if accessible:  # from Section: the column left of it holds nothing in these rows
        headers = ("Section", *(count.header for count in plan.counts))
        sheet.tables.append(
            TableSpec(
                "Counts_by_section",
                header,
                1,
                row,
                1 + len(plan.counts),
                headers,
                "Counts by section",
                "For each section and for all sections: how many measures, and how many are "
                + ", ".join(count.header.lower() for count in plan.counts[1:])
                + ".",
            )
        )
    return row


def _attention(
    sheet: SheetLayout,
    scorecard: Scorecard,
    plan: Plan,
    scorecard_sheet: str,
    row: int,
    printed: PrintedRows | None,
    accessible: bool = False,
) -> int:
    """The measures needing attention, keeping `plan.room` rows so refresh can rewrite the list in
    place whatever its length (on paper and in the published copy, only the rows listed). Returns
    the last row."""
    # The published copy lists every counted measure, most in need first: a table of the same rows
    # whatever the period (refresh rewrites it in place), with no blank rows in it.
    title = plan.all_title if accessible else plan.list_title
    sheet.put(row, 0, title, "heading")
    header = row + 1
    for col, column in enumerate(plan.columns):
        sheet.put(header, col, column.header, "column_header_left" if col < 3 else "column_header")
    link_col = len(plan.columns)
    link_header = "Page" if printed else "Go to"
    sheet.put(header, link_col, link_header, "column_header")
    listed = plan.listed(scorecard)
    if accessible:
        seen = {line.id for line in listed}
        listed += [line for line in scorecard.rows if plan.counted(line) and line.id not in seen]
    first = header + 1
    room = max(len(listed), 1) if printed else plan.room
    for index in range(room):
        at = first + index
        line = listed[index] if index < len(listed) else None
        # The published copy's blanks: a measure's missing figure or direction is not available; the
        # cells of an empty list's one row, not applicable.
        blank = None if not accessible else "[x]" if line else "[z]"
        for col, column in enumerate(plan.columns):
            if line and column.figure:  # a number, in its measure's format (the block's are rewritten)
                value, number_format_ = column.figure(line)
                if isinstance(value, float):
                    sheet.put(at, col, value, column.style, number_format_)
                    continue
            text = (
                column.text(line) if line else (plan.empty if index == 0 and col == 1 and not listed else "")
            )
            if accessible and text == NOT_JUDGED:
                text = "[x]"  # a target, but nothing to judge: not available
            sheet.put(at, col, text or blank, column.style, "@")  # (a missing figure's token, or none)
        if printed:
            if line:
                page = PageRef(at, link_col, printed.sheet, printed.measures[line.id])
                sheet.put_page_ref(at, link_col, page, "table_status")
            continue
        # The link follows the Ref in its row, so it stays right after a refresh reorders the list.
        ref, where = a1(at, 0), quote_sheet(scorecard_sheet)
        target = f'"#{where}!B"&MATCH({ref},{where}!$A:$A,0)'
        # Link text that says where it goes, as screen readers read links alone ("Go to row" did not).
        shown = f'{ref}&"{ON_THE_SCORECARD}"'
        if accessible:
            words = f"{line.id}{ON_THE_SCORECARD}" if line else "[z]"
            formula = f'=IF(ISNA(MATCH({ref},{where}!$A:$A,0)),"[z]",HYPERLINK({target},{shown}))'
        else:
            words = f"{line.id}{ON_THE_SCORECARD}" if line else ""
            formula = f'=IF({ref}="","",HYPERLINK({target},{shown}))'
        sheet.put(at, link_col, Formula(formula, words), "table_link")
    last = first + room - 1
    if accessible:
        headers = (*(column.header for column in plan.columns), link_header)
        sheet.tables.append(
            TableSpec(
                re.sub(r"\W+", "_", title.split(",")[0]).strip("_"),
                header,
                0,
                last,
                link_col,
                headers,
                title,
                f"{title}: each measure's figure, target or band, direction, and a link to its row on "
                "the Scorecard sheet.",
            )
        )
    for col, column in enumerate(plan.columns):
        if column.rules == "rag":
            rag_rules(sheet, first, last, [(col, col)])
        elif column.rules == "verdict":
            verdict_rules(sheet, first, last, [(col, col)])
        elif column.rules == "quartile":
            quartile_rules(sheet, first, last, [(col, col)])
    # After a refresh a row may hold a measure of another unit: the list's formats are set again.
    sheet.headed_tables.append((header, last))  # (a page it runs on to repeats its header)
    figures = tuple(col for col, column in enumerate(plan.columns) if column.figure)
    sheet.blocks.append(Block("attention", first, 0, last, len(plan.columns) - 1, formats=figures))
    return last
