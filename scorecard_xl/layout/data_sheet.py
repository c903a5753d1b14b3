"""The Data sheet: every value the scorecard shows, tidy, as an Excel Table analysts can filter
and pivot. Its shape depends only on the definition, so refresh rewrites it in place."""

from __future__ import annotations

from scorecard_xl.layout.common import print_setup, title_block
from scorecard_xl.layout.context import BuildContext
from scorecard_xl.layout.sheet import Block, SheetLayout, TableSpec
from scorecard_xl.model import Scorecard
from scorecard_xl.styles import number_format
from scorecard_xl.values import Missing, Value

DATA_SHEET = "Data"
COLUMNS = ("Ref", "Measure", "Section", "Series", "Period", "Value", "Symbol")
WIDTHS = (9.0, 60.0, 30.0, 10.0, 10.0, 12.0, 9.0)


def data_records(scorecard: Scorecard) -> list[tuple[str, str, str, str, str, Value | None]]:
    """(ref, measure, section, series, period, value) for every figure the scorecard shows."""
    definition = scorecard.definition
    titles = {s.id: s.title for s in definition.sections}
    records = []
    for row in scorecard.rows:
        measure = row.measure
        head = (measure.id, measure.title, titles[measure.section])
        for month, value in zip(scorecard.window, row.months, strict=True):
            records.append((*head, "actual", month.iso, value))
        if not definition.yearly:
            records.append((*head, "ytd", scorecard.period.iso, row.ytd))
        records.append((*head, "target", scorecard.year.label, row.target))
        for comparator, value in zip(definition.comparators, row.comparators, strict=True):
            records.append((*head, comparator.id, scorecard.year.label, value))
        for year, value in zip(scorecard.outturn_years, row.outturns, strict=True):
            records.append((*head, "outturn", year.label, value))
    return records


def lay_out_data(scorecard: Scorecard, context: BuildContext) -> SheetLayout:
    sheet = SheetLayout(DATA_SHEET)
    top = title_block(sheet, scorecard, "Data", len(COLUMNS))
    sheet.put(2, 2, "Every figure the scorecard shows. Symbol holds n/a, c and other tokens.", "muted")
    units = {m.id: m for m in scorecard.definition.measures}
    records = data_records(scorecard)
    row = top + 1
    for ref, title, section, series, period, value in records:
        measure = units[ref]
        sheet.put(row, 0, ref, "table_text", "@")
        sheet.put(row, 1, title, "table_text", "@")
        sheet.put(row, 2, section, "table_text", "@")
        sheet.put(row, 3, series, "table_text", "@")
        sheet.put(row, 4, period, "table_text", "@")
        number = value if isinstance(value, float) else None
        symbol = value.token if isinstance(value, Missing) else None
        sheet.put(row, 5, number, "table_value", number_format(measure.unit, measure.decimals))
        sheet.put(row, 6, symbol, "table_text", "@")
        row += 1
    last = max(row - 1, top + 1)
    sheet.tables.append(TableSpec("ScorecardData", top, 0, last, len(COLUMNS) - 1, COLUMNS))
    sheet.blocks.append(Block("data", top + 1, 0, last, len(COLUMNS) - 1))
    sheet.widths.update(dict(enumerate(WIDTHS)))
    sheet.freeze = (top + 1, 0)
    sheet.print_setup = print_setup(scorecard, repeat_rows=(1, top))
    return sheet
