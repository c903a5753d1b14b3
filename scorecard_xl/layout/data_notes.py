"""Notes on the data (the definition's `[[notes]]`): what a reader of the figures should know that
the figures cannot say, such as a correction made to the source. Numbered in the definition's
order; each measure's definition ends "See data note N."; the notes are listed under the
Definitions (the workbook and the pack) or as a table of the published copy's Notes sheet."""

from __future__ import annotations

from collections.abc import Sequence

from scorecard_xl.inputs.definition import DataNote, Definition
from scorecard_xl.layout.page_furniture import heading
from scorecard_xl.layout.sheet import SheetLayout, TableSpec

HEADING = "Notes on the data"
TABLE = TableSpec(  # (the published copy's: where it is placed, its Notes sheet works out)
    "Data_notes",
    0,
    0,
    0,
    0,
    ("Note", "What the note says"),
    HEADING,
    "Each note on the data: the measures it is about and what a reader of their figures should know "
    "(corrections made to the source).",
)


def note_label(number: int) -> str:
    return f"Note {number}"


def notes_of(definition: Definition, measure_id: str) -> str:
    """What a measure's definition ends with: "See data notes 1 and 3." ("" without a note)."""
    numbers = [str(n) for n, note in enumerate(definition.notes, 1) if measure_id in note.measures]
    if not numbers:
        return ""
    listed = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
    return f"See data note{'s' * (len(numbers) > 1)} {listed}."


def lines(notes: Sequence[DataNote]) -> list[tuple[str, str, str]]:
    """(Note n, its measures, its text) for each note."""
    return [
        (note_label(number), ", ".join(note.measures) or "All", note.text)
        for number, note in enumerate(notes, 1)
    ]


def put_notes(sheet: SheetLayout, row: int, notes: Sequence[DataNote], columns: Sequence[int]) -> int:
    """The notes under a heading at `row`, kept on one page: each its label, measures and text in
    three `columns`, or in two, the measures starting the text ("CR07, CR08: The source ...").
    Returns the row after them (`row` when there are none)."""
    if not notes:
        return row
    first = row
    heading(sheet, row, HEADING)
    for offset, (label, measures, text) in enumerate(lines(notes), 1):
        shown = (label, measures, text) if len(columns) == 3 else (label, f"{measures}: {text}")
        for col, words in zip(columns, shown, strict=True):
            style = "label" if col == columns[0] else "table_wrap"
            sheet.put(row + offset, col, words, style, "@")
    sheet.keep_together.append((first, row + len(notes)))
    return row + len(notes) + 1
