"""The Summary sheet: RAG and direction counts per section, and the measures off target."""

from __future__ import annotations

from scorecard_xl.assess import AMBER, RED
from scorecard_xl.layout.common import print_setup, title_block
from scorecard_xl.layout.context import BuildContext
from scorecard_xl.layout.grid import rag_text
from scorecard_xl.layout.rules import positive_count_rule, rag_rules, verdict_rules
from scorecard_xl.layout.sheet import (
    Block,
    Formula,
    Link,
    SheetLayout,
    a1,
    quote_sheet,
)
from scorecard_xl.model import MeasureRow, Scorecard, tally
from scorecard_xl.values import format_for_text

SUMMARY_SHEET = "Summary"
COUNT_HEADERS = ("Measures", "Red", "Amber", "Green", "No target", "Improving", "Worsening")


def lay_out_summary(
    scorecard: Scorecard,
    context: BuildContext,
    section_sheets: dict[str, str],
    scorecard_sheet: str,
) -> SheetLayout:
    sheet = SheetLayout(SUMMARY_SHEET, tab_color="#1F3864")
    width = 8
    row = title_block(sheet, scorecard, "Summary", width)
    sheet.put(2, 2, "Improving / worsening: latest value against the previous period.", "muted")
    row = _counts(sheet, scorecard, section_sheets, row)
    _off_target(sheet, scorecard, scorecard_sheet, row + 2)
    sheet.widths.update({0: 9.0, 1: 58.0, 2: 12.0, 3: 10.0, 4: 10.0, 5: 10.0, 6: 11.0, 7: 11.0, 8: 15.0})
    sheet.print_setup = print_setup(scorecard)
    return sheet


def _counts(sheet: SheetLayout, scorecard: Scorecard, section_sheets: dict[str, str], row: int) -> int:
    sheet.put(row, 0, "By section", "heading")
    header = row + 1
    sheet.put(header, 0, "", "column_header_left")
    sheet.put(header, 1, "Section", "column_header_left")
    for offset, text in enumerate(COUNT_HEADERS):
        sheet.put(header, 2 + offset, text, "column_header")
    row = header + 1
    first = row
    for section in scorecard.definition.sections:
        counts = tally(scorecard.rows_in(section))
        sheet.put(row, 0, None, "text")
        sheet.put(row, 1, Link(section_sheets[section.id], "A1", section.title), "link")
        values = (
            counts.measures,
            counts.red,
            counts.amber,
            counts.green,
            counts.not_judged,
            counts.improving,
            counts.worsening,
        )
        for offset, value in enumerate(values):
            sheet.put(row, 2 + offset, value, "count")
        row += 1
    total = tally(scorecard.rows)
    sheet.put(row, 1, "All sections", "total_label")
    totals = (
        total.measures,
        total.red,
        total.amber,
        total.green,
        total.not_judged,
        total.improving,
        total.worsening,
    )
    for offset, value in enumerate(totals):
        sheet.put(row, 2 + offset, value, "total_value")
    # Counts above zero take their RAG colour; the column header says which, so colour is not alone.
    for offset, word in ((1, "Red"), (2, "Amber"), (3, "Green")):
        positive_count_rule(sheet, first, row, 2 + offset, word)
    sheet.blocks.append(Block("counts", first, 2, row, 2 + len(COUNT_HEADERS) - 1))
    return row


def _off_target(sheet: SheetLayout, scorecard: Scorecard, scorecard_sheet: str, row: int) -> None:
    """Red then amber measures; the list keeps one row per judged measure so refresh can rewrite it
    in place whatever the count."""
    sheet.put(row, 0, "Measures off target", "heading")
    header = row + 1
    headers = (
        "Ref",
        "Measure",
        "Section",
        "Value",
        "Target",
        "RAG",
        "vs last period",
        "vs last year",
        "",
    )
    for col, text in enumerate(headers):
        sheet.put(header, col, text, "column_header_left" if col in (0, 1, 2) else "column_header")
    judged = [r for r in scorecard.rows if r.measure.target.judged]
    off = off_target_rows(scorecard)
    titles = {s.id: s.title for s in scorecard.definition.sections}
    first = header + 1
    rows = max(len(judged), 1)
    for index in range(rows):
        at = first + index
        cells = _off_target_cells(off[index], titles) if index < len(off) else ("",) * 8
        if index == 0 and not off:
            none = "None: every judged measure is on target." if judged else "No measure has a target here."
            cells = ("", none, *cells[2:])
        for col, value in enumerate(cells):
            # Text, not numbers: after a refresh a row may hold a measure of another unit.
            sheet.put(at, col, value or None, _OFF_TARGET_STYLES[col], "@")
        # The link follows the Ref in its row, so it stays right after a refresh reorders the list.
        ref = a1(at, 0)
        where = quote_sheet(scorecard_sheet)
        formula = f'=IF({ref}="","",HYPERLINK("#{where}!B"&MATCH({ref},{where}!$A:$A,0),"{_GO}"))'
        sheet.put(at, 8, Formula(formula, _GO if index < len(off) else ""), "table_link")
    last = first + rows - 1
    rag_rules(sheet, first, last, [(5, 5)])
    verdict_rules(sheet, first, last, [(6, 7)])
    sheet.blocks.append(Block("off_target", first, 0, last, 7))


_GO = "Go to row ►"
_OFF_TARGET_STYLES = (
    "table_text",
    "table_wrap",
    "table_text",
    "table_value",
    "table_value",
    "table_status",
    "table_status",
    "table_status",
)


def off_target_rows(scorecard: Scorecard) -> list[MeasureRow]:
    """Red measures, then amber, each in scorecard order."""
    return [r for r in scorecard.rows if r.rag == RED] + [r for r in scorecard.rows if r.rag == AMBER]


def _off_target_cells(line: MeasureRow, titles: dict[str, str]) -> tuple[str, ...]:
    measure = line.measure
    return (
        measure.id,
        measure.title,
        titles[measure.section],
        format_for_text(line.headline, measure.unit, measure.decimals),
        format_for_text(line.target, measure.unit, measure.decimals),
        rag_text(line) or "",
        line.vs_previous.text if line.vs_previous else "",
        line.vs_last_year.text if line.vs_last_year else "",
    )
