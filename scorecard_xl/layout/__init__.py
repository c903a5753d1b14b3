"""Model -> workbook layout: every sheet's cells, styles, rules and print settings. Pure."""

from __future__ import annotations

import functools

from scorecard_xl.layout import record
from scorecard_xl.layout.about_sheet import ABOUT_SHEET, lay_out_about
from scorecard_xl.layout.accessible import describe_tables, fill_table_blanks
from scorecard_xl.layout.context import BuildContext
from scorecard_xl.layout.cover_sheet import lay_out_cover
from scorecard_xl.layout.data_notes import HEADING as NOTES_HEADING
from scorecard_xl.layout.data_sheet import DATA_SHEET, lay_out_data
from scorecard_xl.layout.definitions_sheet import DEFINITIONS_SHEET, lay_out_definitions
from scorecard_xl.layout.fitting import fit_sheet
from scorecard_xl.layout.one_line import choose_one_line_widths
from scorecard_xl.layout.page_furniture import CONTENTS_SHEET, name_the_pack, sheet_name
from scorecard_xl.layout.page_numbers import number_pages
from scorecard_xl.layout.pagination import Pages, pack_paper, paginate
from scorecard_xl.layout.profile import BOARD_PACK, EXCEL, Profile
from scorecard_xl.layout.release import (
    CONTENTS,
    NOTES,
    lay_out_release_contents,
    lay_out_release_cover,
    lay_out_release_notes,
    link_to_contents,
    state_tables,
)
from scorecard_xl.layout.scorecard_sheets import (
    SCORECARD_SHEET,
    lay_out_printed_scorecard,
    lay_out_scorecard,
    lay_out_section,
)
from scorecard_xl.layout.setup_sheet import SETUP_SHEET, fill_geometry, lay_out_setup
from scorecard_xl.layout.sheet import DefinedName, SheetLayout, WorkbookLayout
from scorecard_xl.layout.spc_sheets import (
    SPC_DATA_SHEET,
    SPC_SHEET,
    charted,
    lay_out_spc_charts,
    lay_out_spc_data,
)
from scorecard_xl.layout.story_sheet import lay_out_story, story_sheet_name
from scorecard_xl.layout.summary_sheet import SUMMARY_SHEET, PrintedRows, lay_out_summary
from scorecard_xl.model.scorecard import Scorecard
from scorecard_xl.workbook import fields

__all__ = ["BuildContext", "Profile", "lay_out_board_pack", "lay_out_workbook"]

LANGUAGE = "en-GB"  # the document's language, for screen readers (core properties, dc:language)
SUMMARY_HOLDS = "Red, amber and green counts by section, and every measure off target"
DEFINITIONS_HOLD = "How each measure is counted and judged"
NOTES_HOLD = "What a reader of the figures should know: corrections made to the source"
SPC_HOLDS = "Each measure's SPC chart (Making Data Count): special causes and assurance at a glance"
STORY_HOLDS = (
    "The {unit}'s story: RAG counts, what changed since the previous {unit}, and the exceptions "
    "with their commentary"
)


def section_sheet_names(scorecard: Scorecard, also_taken: tuple[str, ...] = ()) -> dict[str, str]:
    """Section id -> its sheet's name: the title, made valid and unique (among the workbook's other
    sheets, and `also_taken`)."""
    story = story_sheet_name(scorecard.definition)
    taken = {
        n.lower()
        for n in (
            *also_taken,
            story,
            CONTENTS_SHEET,
            SUMMARY_SHEET,
            SCORECARD_SHEET,
            DATA_SHEET,
            DEFINITIONS_SHEET,
            SETUP_SHEET,
        )
    }
    return {s.id: sheet_name(s.sheet or s.title, taken) for s in scorecard.definition.sections}


def lay_out_workbook(scorecard: Scorecard, context: BuildContext, profile: Profile = EXCEL) -> WorkbookLayout:
    """Every sheet of the workbook, laid out for `profile` (default: the workbook for Excel); the
    board pack profile lays out the printed pack instead (see lay_out_board_pack), the accessible
    one the published copy (lay_out_release)."""
    if profile.board_pack:
        return lay_out_board_pack(scorecard, context, profile)
    if profile.accessible:
        return lay_out_release(scorecard, context, profile)
    definition = scorecard.definition
    names = section_sheet_names(scorecard)
    scorecard_sheet, grid = lay_out_scorecard(scorecard, context)
    sections: list[SheetLayout] = [
        lay_out_section(scorecard, context, section, names[section.id], grid)[0]
        for section in definition.sections
    ]
    summary = lay_out_summary(scorecard, context, names, SCORECARD_SHEET)
    data = lay_out_data(scorecard, context)
    definitions = lay_out_definitions(scorecard, context)
    story = lay_out_story(scorecard, context)
    # SPC charts read their own cells (the published copy shows the icons only: a chart's figures
    # as a table would need blank cells for its gaps, which a table for screen readers may not hold).
    spc = _spc_sheets(scorecard) if charted(scorecard) else []
    contents = [
        (story.name, _story_holds(scorecard)),
        (SUMMARY_SHEET, SUMMARY_HOLDS),
        (SCORECARD_SHEET, "Every measure: months, YTD, trend, target and RAG, direction, comparators"),
        *_section_contents(scorecard, names),
        *[(SPC_SHEET, SPC_HOLDS)][: len(spc) // 2],
        (DATA_SHEET, "Every value of the data, as a table to filter or pivot; Refresh works from it"),
        *[(SPC_DATA_SHEET, "The SPC charts' figures: each measure's latest periods with its lines")][
            : len(spc) // 2
        ],
        (DEFINITIONS_SHEET, DEFINITIONS_HOLD),
        (SETUP_SHEET, "What Refresh reads besides the data: the definition, and the layout's widths"),
    ]
    cover = lay_out_cover(scorecard, context, contents)
    sheets = [story, cover, summary, scorecard_sheet, *sections, *spc[:1], data, *spc[1:], definitions]
    for sheet in sheets:
        describe_tables(sheet)
    # The Setup sheet records the others' fitted widths and heights, then is fitted itself (its own
    # are not recorded: a refresh never changes what it shows but that record).
    setup = lay_out_setup(scorecard, [s.name for s in sheets])
    _fit_and_paginate(sheets, scorecard, profile)
    fill_geometry(setup, sheets)
    fit_sheet(setup, profile.renderer)
    paginate(setup, cover.print_setup.paper)
    sheets.append(setup)
    layout_signature = record.signature(definition.id, sheets, [m.id for m in definition.measures])
    row, col = cover.marked(fields.SIGNATURE.name)
    cover.put(row, col, layout_signature, "muted", "@")
    defined = record.block_names(sheets) + record.record_names(sheets)
    layout = _workbook(scorecard, context, sheets, defined, layout_signature, story.name)
    layout.board_pack = functools.partial(lay_out_board_pack, scorecard, context)
    return layout


def lay_out_release(scorecard: Scorecard, context: BuildContext, profile: Profile) -> WorkbookLayout:
    """The published copy, a release (layout.release): the Cover first, then its Contents and Notes
    (the key and the notes on the data), the story, the Summary, the Scorecard and a sheet per
    section as tables for screen readers, the Data table and the Definitions; every table with no
    blank cell (the GSS shorthand instead), every sheet saying how many tables it holds. None of the
    analyst's tools: no Setup sheet, period picker, layout signature or refresh record, so it is
    never refreshed (the next is made from the analyst's workbook)."""
    definition = scorecard.definition
    names = section_sheet_names(scorecard, (CONTENTS, NOTES))
    scorecard_sheet, grid = lay_out_scorecard(scorecard, context, accessible=True)
    sections = [
        lay_out_section(scorecard, context, section, names[section.id], grid, accessible=True)[0]
        for section in definition.sections
    ]
    summary = lay_out_summary(scorecard, context, names, SCORECARD_SHEET, accessible=True)
    data = lay_out_data(scorecard, context, accessible=True)
    definitions = lay_out_definitions(scorecard, context, published=True)
    story = lay_out_story(scorecard, context, accessible=True)
    contents = [
        (story.name, _story_holds(scorecard)),
        (SUMMARY_SHEET, "Counts by section, and every measure with a target, off target first"),
        (SCORECARD_SHEET, "Every measure: months, YTD, target and RAG, direction, comparators"),
        *_section_contents(scorecard, names),
        (DATA_SHEET, "Every value of the data, as a table to filter or pivot"),
        (DEFINITIONS_SHEET, DEFINITIONS_HOLD),
        (NOTES, "What every word, colour and symbol means, and notes on the data"),
    ]
    cover = lay_out_release_cover(scorecard, context)
    sheets = [
        cover,
        lay_out_release_contents(scorecard, contents),
        lay_out_release_notes(scorecard),
        story,
        summary,
        scorecard_sheet,
        *sections,
        data,
        definitions,
    ]
    link_to_contents(sheets)
    for sheet in sheets:
        describe_tables(sheet)
        fill_table_blanks(sheet)
        state_tables(sheet)
    _fit_and_paginate(sheets, scorecard, profile)
    layout = _workbook(scorecard, context, sheets, record.record_names(sheets), "", cover.name)
    layout.board_pack = functools.partial(lay_out_board_pack, scorecard, context)
    return layout


def _section_contents(scorecard: Scorecard, names: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (names[s.id], f"{s.title}: the section on its own page, with positions against comparators")
        for s in scorecard.definition.sections
    ]


def lay_out_board_pack(
    scorecard: Scorecard, context: BuildContext, profile: Profile = BOARD_PACK
) -> WorkbookLayout:
    """The printed board pack: the month's story first, the Cover (what the pack is, its contents
    with page numbers, the key), the Summary, one Scorecard of every section with positions against
    comparators (sections sharing pages where they fit), the Definitions, and last where the pack
    came from. No refresh record, links or Data table: it is for paper and PDF readers."""
    definition = scorecard.definition
    scorecard_sheet, grid = lay_out_printed_scorecard(scorecard, context)
    section_rows = {
        section.id: min(grid.measure_rows[line.id] for line in scorecard.rows_in(section)) - 1
        for section in definition.sections
        if scorecard.rows_in(section)
    }
    rows = PrintedRows(SCORECARD_SHEET, section_rows, dict(grid.measure_rows))
    summary = lay_out_summary(scorecard, context, {}, SCORECARD_SHEET, rows)
    definitions = lay_out_definitions(scorecard, context, printed=True)
    spc = [lay_out_spc_charts(scorecard)] if charted(scorecard) else []  # (its figures beside it)
    story = lay_out_story(scorecard, context, printed=True)
    about = lay_out_about(scorecard, context)
    contents = [
        (story.name, _story_holds(scorecard)),
        (SUMMARY_SHEET, SUMMARY_HOLDS),
        (
            SCORECARD_SHEET,
            "Every measure by section: months, YTD, trend, target and RAG, direction, comparators",
        ),
        *[(section.title, "") for section in definition.sections if section.id in section_rows],
        *[(SPC_SHEET, SPC_HOLDS)][: len(spc)],
        (DEFINITIONS_SHEET, DEFINITIONS_HOLD),
        (ABOUT_SHEET, "When and from which definition and data it was made, with their SHA-256"),
        *[(NOTES_HEADING, NOTES_HOLD)][: len(definition.notes)],
    ]
    places = {name: (name, 0) for name in (story.name, SUMMARY_SHEET, SCORECARD_SHEET, ABOUT_SHEET)}
    places.update(
        {s.title: (SCORECARD_SHEET, section_rows[s.id]) for s in definition.sections if s.id in section_rows}
    )
    places[DEFINITIONS_SHEET] = (DEFINITIONS_SHEET, 0)
    for row, col, value, _ in about.cells:
        if col == 0 and value == NOTES_HEADING:  # (under where the pack came from)
            places[NOTES_HEADING] = (ABOUT_SHEET, row)
    if spc:
        places[SPC_SHEET] = (SPC_SHEET, 0)
    cover = lay_out_cover(scorecard, context, contents, places)
    sheets = [story, cover, summary, scorecard_sheet, *spc, definitions, about]
    name_the_pack(sheets, scorecard)
    pages = _fit_and_paginate(sheets, scorecard, profile)
    number_pages(sheets, pages)
    return _workbook(scorecard, context, sheets, [], "", story.name)


def _story_holds(scorecard: Scorecard) -> str:
    return STORY_HOLDS.format(unit="year" if scorecard.definition.yearly else "month")


def _spc_sheets(scorecard: Scorecard) -> list[SheetLayout]:
    """The SPC charts and the SPC data sheet they draw from."""
    data, header = lay_out_spc_data(scorecard)
    return [lay_out_spc_charts(scorecard, header), data]


def _fit_and_paginate(sheets: list[SheetLayout], scorecard: Scorecard, profile: Profile) -> list[Pages]:
    """Fit every sheet's text, then work out its pages, all on one paper; trends drawn where the
    profile asks."""
    for sheet in sheets:
        choose_one_line_widths(sheet, profile.renderer, paper=profile.board_pack)
        fit_sheet(sheet, profile.renderer)
    paper = pack_paper(sheets, scorecard.definition.paper, grow=not profile.board_pack)
    pages = [paginate(sheet, paper) for sheet in sheets]
    if profile.drawn_trends:
        from scorecard_xl.layout.trend_pictures import draw_trends  # (LibreOffice's workbooks only)

        for sheet in sheets:
            draw_trends(sheet)
    return pages


def _workbook(
    scorecard: Scorecard,
    context: BuildContext,
    sheets: list[SheetLayout],
    defined: list[DefinedName],
    layout_signature: str,
    active_sheet: str,
) -> WorkbookLayout:
    definition = scorecard.definition
    return WorkbookLayout(
        sheets=sheets,
        properties={
            "title": f"{definition.title}: {definition.organisation}",
            "subject": definition.title,
            "author": definition.organisation,  # the organisation, never a person's name
            "company": definition.organisation,
            "category": definition.marking,
            "keywords": f"scorecard, {definition.marking}",
            "comments": f"Generated by {context.generator}. Period, sources and key: see the Cover sheet.",
            "created": context.generated_at.replace(tzinfo=None),
            "language": LANGUAGE,
        },
        custom_properties={
            "Protective marking": definition.marking,
            "Scorecard definition": f"{definition.id} {definition.version}",
            "Generator": context.generator,
        },
        defined_names=defined,
        active_sheet=active_sheet,  # the first sheet: the story
        signature=layout_signature,
    )
