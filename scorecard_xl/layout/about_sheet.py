"""The board pack's last page, "About this pack": where the pack came from (when, by which
program, from which definition and data, with their hashes), for whoever needs to check it, and
the notes on the data (corrections made to the source) the Definitions refer to. It
comes last because a board member opens the pack for the month's story, not its provenance; a
reader of paper needs no file paths or refresh settings either."""

from __future__ import annotations

from pathlib import Path

from scorecard_xl.layout.context import BuildContext
from scorecard_xl.layout.data_notes import put_notes
from scorecard_xl.layout.page_furniture import period_text, print_setup, title_block
from scorecard_xl.layout.sheet import SheetLayout
from scorecard_xl.model.scorecard import Scorecard

ABOUT_SHEET = "About this pack"
LABEL, TEXT = 0, 1


def lay_out_about(scorecard: Scorecard, context: BuildContext) -> SheetLayout:
    definition = scorecard.definition
    sheet = SheetLayout(ABOUT_SHEET)
    row = title_block(sheet, scorecard, ABOUT_SHEET, TEXT + 2, printed=True)  # the marking right of the text
    read = "; ".join(f"{Path(s.location).name} (sha256 {s.sha256[:12]})" for s in context.sources)
    lines = [
        ("Period", period_text(scorecard)),
        ("Generated", f"{context.generated_text} by {context.generator}"),
        ("Definition", f"{definition.id} version {definition.version} (sha256 {definition.sha256[:12]})"),
        ("Data", read or "none"),
    ]
    if context.publication:
        lines.insert(1, ("Publication", context.publication))
    release = definition.release  # (what the definition says of where the figures come from)
    said = (("Source", release.source), ("Contact", release.whom_to_ask))
    lines += [(label, text) for label, text in said if text]
    for label, text in lines:
        sheet.put(row, LABEL, label, "label")
        sheet.put(row, TEXT, text, "wrap", "@")
        row += 1
    put_notes(sheet, row + 1, definition.notes, (LABEL, TEXT))  # (what the Definitions refer to)
    sheet.widths.update({LABEL: 20.0, TEXT: 100.0})
    sheet.print_setup = print_setup(scorecard)
    return sheet
