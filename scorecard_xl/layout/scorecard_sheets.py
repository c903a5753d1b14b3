"""The Scorecard sheet (every section) and one sheet per section (with positions against
comparators). Commentary is typed on the Scorecard and shown on the section sheets.

The printed board pack has one Scorecard of every section with their positions instead: sections
share pages where they fit (layout.pagination), where a sheet per section would give each its own."""

from __future__ import annotations

import re

from scorecard_xl.a1 import a1, quote_sheet
from scorecard_xl.inputs.definition import Section
from scorecard_xl.layout.context import BuildContext
from scorecard_xl.layout.grid import GridColumns, GridPlacement, lay_out_grid
from scorecard_xl.layout.page_furniture import print_setup, title_block
from scorecard_xl.layout.sheet import SheetLayout, TableSpec
from scorecard_xl.model.scorecard import Scorecard
from scorecard_xl.workbook import fields

SCORECARD_SHEET = "Scorecard"


def lay_out_scorecard(
    scorecard: Scorecard, context: BuildContext, accessible: bool = False
) -> tuple[SheetLayout, GridPlacement]:
    """The Scorecard sheet; `accessible` lays it out as the published copy's table (see grid)."""
    definition = scorecard.definition
    sheet = SheetLayout(SCORECARD_SHEET, tab_color="#1F3864")
    table = None
    if accessible:
        table = _table("All_measures", definition.title, f"Every measure of the {definition.title}")
    placement = _grid_sheet(
        sheet,
        scorecard,
        context,
        definition.sections,
        definition.title,
        dict(context.commentary),
        None,
        with_positions=False,
        table=table,
    )
    # Where readers find the measures and the analyst's commentary (layout.record).
    top, last, columns = placement.header_row, placement.last_row, placement.columns
    sheet.mark(fields.GRID.name, top, columns.ref, last, columns.last_value_col)
    sheet.mark(fields.REFS.name, top, columns.ref, last, columns.measure)
    last_value = columns.ytd if columns.ytd is not None else columns.months[-1]
    sheet.mark(fields.VALUES.name, top, columns.months[0], last, last_value)
    sheet.mark(fields.COMMENTARY.name, top, columns.commentary, last, columns.commentary)
    return sheet, placement


def _table(name: str, title: str, what: str) -> TableSpec:
    """A grid table's name and alternative text (where it is placed, the grid works out)."""
    description = (
        f"{what}, one row each: its months, year to date, target and RAG, direction against the last "
        "period and last year, comparators and previous years. [x] means not available, [z] not "
        "applicable, [c] suppressed; the key on the Cover sheet explains every word."
    )
    return TableSpec(name, 0, 0, 0, 0, (), title[:255], description[:255])


def lay_out_section(
    scorecard: Scorecard,
    context: BuildContext,
    section: Section,
    name: str,
    scorecard_grid: GridPlacement,
    accessible: bool = False,
) -> tuple[SheetLayout, GridPlacement]:
    sheet = SheetLayout(name)
    table = None
    if accessible:
        table_name = "Section_" + re.sub(r"\W", "_", section.id)
        table = _table(table_name, section.title, f"The measures of {section.title}")
    where, col = quote_sheet(SCORECARD_SHEET), scorecard_grid.columns.commentary
    links = {
        measure_id: f"{where}!{a1(row, col, absolute=True)}"
        for measure_id, row in scorecard_grid.measure_rows.items()
    }
    placement = _grid_sheet(
        sheet,
        scorecard,
        context,
        (section,),
        section.title,
        dict(context.commentary),
        links,
        with_positions=True,
        table=table,
    )
    return sheet, placement


def lay_out_printed_scorecard(
    scorecard: Scorecard, context: BuildContext
) -> tuple[SheetLayout, GridPlacement]:
    """The board pack's Scorecard: every section, with positions against comparators; commentary as
    typed (its column left out of the print when nothing is typed)."""
    definition = scorecard.definition
    sheet = SheetLayout(SCORECARD_SHEET)
    placement = _grid_sheet(
        sheet,
        scorecard,
        context,
        definition.sections,
        definition.title,
        dict(context.commentary),
        None,
        with_positions=True,
        printed=True,
    )
    if not any(context.commentary.get(m.id) for m in definition.measures):
        sheet.print_setup.print_area = (0, 0, placement.last_row, placement.columns.last_value_col)
    return sheet, placement


def _grid_sheet(
    sheet: SheetLayout,
    scorecard: Scorecard,
    context: BuildContext,
    sections: tuple[Section, ...],
    title: str,
    commentary: dict[str, str],
    links: dict[str, str] | None,
    with_positions: bool,
    printed: bool = False,
    table: TableSpec | None = None,
) -> GridPlacement:
    columns = GridColumns.plan(scorecard, with_positions)
    top = title_block(sheet, scorecard, title, columns.commentary + 1, printed)
    if scorecard.definition.headline == "ytd":
        note = "RAG, direction against last year and comparators judge the YTD figure (bold), or the "
        note += "latest month where there is no YTD. Key on the Cover sheet."
    else:
        note = "RAG, directions and comparators judge the latest month. Key on the Cover sheet."
    if printed:
        note = note.replace("Cover sheet", "Cover")
    sheet.put(2, 2, note, "muted")
    placement = lay_out_grid(sheet, scorecard, sections, top, commentary, links, with_positions, table)
    if table is None:  # the published copy opens with the cursor in A1, nothing frozen
        sheet.freeze = (placement.first_row, placement.columns.measure + 1)
    sheet.print_setup = print_setup(scorecard, repeat_rows=(1, placement.header_row))
    sheet.print_setup.repeat_columns = (placement.columns.ref, placement.columns.measure)
    sheet.print_setup.print_area = (0, 0, placement.last_row, placement.columns.commentary)
    return placement
