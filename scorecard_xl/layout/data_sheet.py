"""The Data sheet: every value of the data, tidy, as an Excel Table analysts can filter and pivot,
and the data a refresh works from (see `scorecard_xl.inputs.data_table`). Its rows grow with the data, so
they are not a fixed block: refresh reads from the header row to the end of the sheet and writes
the table back whole."""

from __future__ import annotations

from scorecard_xl.inputs.data_table import COLUMNS
from scorecard_xl.layout.context import BuildContext
from scorecard_xl.layout.page_furniture import print_setup, title_block
from scorecard_xl.layout.sheet import BulkRows, SheetLayout, TableSpec, style_key
from scorecard_xl.model.scorecard import Scorecard
from scorecard_xl.workbook import fields

DATA_SHEET = "Data"
TABLE_NAME = "ScorecardData"
WIDTHS = (10.0, 9.0, 10.0, 12.0, 60.0, 30.0)
# Text columns keep what is typed or pasted as text (Excel would turn 2023-04 into a date); the
# whole column is formatted, so rows added under the table keep it too.
TEXT_COLUMNS = (0, 1, 2, 4, 5)
# Two lines, each within the table's width (a longer one ran past its last column and was cut on paper).
# On paper only they print: thousands of rows are for the screen (printing the workbook gave 24 pages).
NOTE = (
    "Every value of the data, to filter and pivot; Refresh works from it. On paper only these lines print.",
    "To add a month, paste its rows under the table, then click Refresh. A row already here is "
    "replaced; 0.64 is 64%.",
)
PUBLISHED_NOTE = (  # (a release is not refreshed; A4 says how many tables the sheet has: layout.release)
    "Every value of the data behind this release, to filter and pivot; the Notes sheet explains [x], "
    "[z] and [c].",
)


def lay_out_data(scorecard: Scorecard, context: BuildContext, accessible: bool = False) -> SheetLayout:
    """The Data table: every value of the data. In the published copy (`accessible`) its tokens are
    already the GSS shorthand ([c], [x], ...), which refresh reads back as the tokens they stand for;
    layout.accessible fills any blank with [x]."""
    sheet = SheetLayout(DATA_SHEET)
    top = title_block(sheet, scorecard, "Data", len(COLUMNS))
    for row, line in enumerate(PUBLISHED_NOTE if accessible else NOTE, start=2):  # beside the link
        sheet.put(row, 2, line, "muted")
    rows = context.data_rows
    if rows:  # held as rows, not a tuple per cell: at scale, most of the workbook's cells
        sheet.bulk = BulkRows(top + 1, 0, _KEYS, list(rows))
    last = max(top + len(rows), top + 1)  # an Excel Table needs a data row, even an empty one
    sheet.tables.append(TableSpec(TABLE_NAME, top, 0, last, len(COLUMNS) - 1, COLUMNS))
    sheet.mark(fields.DATA_TABLE.name, top, 0, top, len(COLUMNS) - 1)
    sheet.widths.update(dict(enumerate(WIDTHS)))
    sheet.column_formats.update(dict.fromkeys(TEXT_COLUMNS, "@"))
    sheet.freeze = (top + 1, 0)
    sheet.print_setup = print_setup(scorecard)
    sheet.print_setup.print_area = (0, 0, top - 1, len(COLUMNS) - 1)  # the title and the note
    return sheet


# Each column's style: text, or General (a row's unit can change when a refresh re-sorts the table).
_KEYS = tuple(
    style_key("table_text", "@") if col in TEXT_COLUMNS else style_key("table_number_centred")
    for col in range(len(COLUMNS))
)
