"""The Definitions sheet: how each measure is counted and judged, in words."""

from __future__ import annotations

from scorecard_xl.inputs.definition import Measure
from scorecard_xl.inputs.periods import MONTH_ABBR
from scorecard_xl.inputs.values import format_for_text
from scorecard_xl.layout.context import BuildContext
from scorecard_xl.layout.data_notes import notes_of, put_notes
from scorecard_xl.layout.page_furniture import print_setup, title_block
from scorecard_xl.layout.sheet import Block, SheetLayout, TableSpec
from scorecard_xl.model.scorecard import MeasureRow, Scorecard
from scorecard_xl.model.ytd_target import MONTHLY, basis_words
from scorecard_xl.workbook import fields

DEFINITIONS_SHEET = "Definitions"
COLUMNS = (
    "Ref",
    "Section",
    "Measure",
    "Unit",
    "Better when",
    "Reported",
    "YTD",
    "Target",
    "Amber band",
    "Definition",
)
WIDTHS = (8.0, 20.0, 42.0, 12.0, 10.0, 14.0, 18.0, 22.0, 20.0, 60.0)
# On paper: no Section column (a heading row instead), and narrower columns that wrap, so the sheet
# prints one page wide on A4 with its text at 8 pt or more.
PRINTED_COLUMNS = COLUMNS[:1] + COLUMNS[2:]
PRINTED_WIDTHS = (7.0, 34.0, 10.0, 10.0, 12.0, 16.0, 18.0, 13.0, 48.0)
YTD_WORDS = {
    "sum": "sum of the year's months",
    "latest": "latest month",
    "mean": "mean of the year's months",
    "provided": "as provided",
    "none": "none",
}


def ytd_words(measure: Measure) -> str:
    """The YTD rule in words; for a ratio measure, how it and its YTD are worked out (ratios.py)."""
    if measure.ratio is None:
        return YTD_WORDS[measure.ytd]
    return (
        f"{measure.ratio.describe()} each month; the year to date from the year's sums (months "
        "where both counts have numbers)"
    )


POLARITY_WORDS = {"high": "higher", "low": "lower", "none": "no direction"}


def target_words(scorecard: Scorecard, line: MeasureRow) -> str:
    """The measure's target in words, and for a cumulative measure how the figure it is judged
    against is worked out from it (ytd_target)."""
    measure, target = line.measure, measure_target_words(scorecard, line.measure)
    how = basis_words(measure, line.judged_target) if line.judged_target else ""
    if how and measure.target.kind == "fixed":
        target += " for the year"
    elif line.judged_target and line.judged_target.basis == MONTHLY:
        target = "set each month (data)"
    return f"{target}; {how}" if how else target


def measure_target_words(scorecard: Scorecard, measure: Measure) -> str:
    target = measure.target
    if target.kind == "fixed":
        return format_for_text(target.value, measure.unit, measure.decimals)
    if target.kind == "data":
        return "set each year (data)"
    if target.kind == "comparator":
        comparator = scorecard.definition.comparator(target.comparator or "")
        return f"at least as good as {comparator.label if comparator else target.comparator}"
    return "none: for information"


def _reported(measure: Measure) -> str:
    if not measure.reporting_months:
        return "monthly"
    months = ", ".join(MONTH_ABBR[m - 1] for m in measure.reporting_months)
    return f"{measure.frequency} ({months})"


def lay_out_definitions(
    scorecard: Scorecard, context: BuildContext, printed: bool = False, published: bool = False
) -> SheetLayout:
    """The Definitions: one row per measure. In the workbook an Excel Table with a Section column;
    on paper (`printed`) each section under a heading row, as on the Scorecard, with narrower
    columns that wrap, so that the page is readable on A4. Either way a section's rows print
    together where they fit (layout.pagination). A measure with a note on its data says so, and
    the notes follow the measures in the workbook (the pack has them on its last page; the
    `published` copy on its Notes sheet, and names this table for `check`, which reads which
    measures are counts from it)."""
    sheet = SheetLayout(DEFINITIONS_SHEET)
    definition = scorecard.definition
    columns = PRINTED_COLUMNS if printed else COLUMNS
    top = title_block(sheet, scorecard, "Definitions", len(columns), printed)
    if printed:  # (the workbook's table writes its own header row)
        for col, header in enumerate(columns):
            sheet.put(top, col, header, "column_header_left")
    row = top + 1
    for section in definition.sections:
        lines = scorecard.rows_in(section)
        if not lines:
            continue
        first = row
        if printed:
            sheet.put(row, 0, section.title, "section_row", "@")
            for col in range(1, len(columns)):
                sheet.put(row, col, None, "section_row")
            row += 1
        for line in lines:
            values = _values(scorecard, line, section.title)
            if printed:
                values = values[:1] + values[2:]  # the section is the heading above
            for col, value in enumerate(values):
                sheet.put(row, col, value or None, "table_wrap", "@")
            row += 1
        sheet.keep_together.append((first, row - 1))
    if not printed:
        sheet.tables.append(
            TableSpec(
                "MeasureDefinitions",
                top,
                0,
                max(row - 1, top + 1),
                len(COLUMNS) - 1,
                COLUMNS,
                "Definitions",
                "How each measure is counted and judged: its section, unit, better direction, how often it "
                "is reported, its year-to-date rule, target and amber band, and its definition.",
            )
        )
        sheet.blocks.append(Block("definitions", top + 1, 0, row - 1, len(COLUMNS) - 1))
        sheet.freeze = (top + 1, 3)
    if published:
        sheet.mark(fields.DEFINITIONS.name, top, 0, top, len(COLUMNS) - 1)
    elif not printed:  # below the table, with a row between (the pack has them on its last page)
        put_notes(sheet, row + 1, definition.notes, (0, 1, 2))
    sheet.widths.update(dict(enumerate(PRINTED_WIDTHS if printed else WIDTHS)))
    if printed:  # (no line of a wrapped cell left blank on paper: layout.one_line)
        sheet.one_line_columns = tuple(range(1, len(columns)))
    sheet.print_setup = print_setup(scorecard, repeat_rows=(1, top))
    return sheet


def _values(scorecard: Scorecard, line: MeasureRow, section: str) -> tuple[str, ...]:
    """A measure's row, in the order of COLUMNS."""
    measure = line.measure
    noted = notes_of(scorecard.definition, measure.id)
    return (
        measure.id,
        section,
        measure.title,
        measure.unit.label,
        POLARITY_WORDS[measure.polarity],
        _reported(measure),
        ytd_words(measure),
        target_words(scorecard, line),
        measure.tolerance.describe(measure.unit) if measure.target.judged else "none: no target",
        f"{measure.definition} {noted}".strip(),
    )
