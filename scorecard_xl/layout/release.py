"""The published copy (`build --publish`) is a release: laid out as the Analysis Function's
"Releasing statistics in spreadsheets" shows (its example workbook and gptables' have a cover, a
contents sheet and a notes sheet, and say on each sheet how many tables it holds), and carrying
none of the analyst's tools: no period picker, no instructions to refresh, no layout signature,
no options or file paths, no Setup sheet with the definition's text. It is never refreshed: the
next release is made from the analyst's workbook (README, "The published copy").

- Cover: the title in A1, the organisation, the period and the marking; what a release says of
  itself (published, next release, source, contact with a mailto: link, the publication note, the
  period shown); where the contents and the notes are. No table.
- Contents: one table, every sheet with a link to it and what it holds.
- Notes: the key (every word, colour and symbol the sheets use) and the notes on the data, a
  table each.
- Every sheet says in A4 how many tables it holds, and where.
"""

from __future__ import annotations

from collections.abc import Sequence

from scorecard_xl.a1 import a1
from scorecard_xl.layout.context import BuildContext
from scorecard_xl.layout.cover_sheet import key_lines
from scorecard_xl.layout.data_notes import TABLE as NOTES_TABLE
from scorecard_xl.layout.data_notes import lines as note_lines
from scorecard_xl.layout.page_furniture import CONTENTS_SHEET, heading, period_text, print_setup, title_block
from scorecard_xl.layout.sheet import Link, SheetLayout, TableSpec
from scorecard_xl.model.scorecard import Scorecard
from scorecard_xl.workbook import fields

CONTENTS, NOTES = "Contents", "Notes"
STATEMENT_ROW = 3  # A4: free on every sheet of the published copy, under the title and subtitle
LABEL, TEXT = 0, 1
WIDTHS = {LABEL: 24.0, TEXT: 100.0}
TO_CONTENTS = "◄ Contents"


def lay_out_release_cover(scorecard: Scorecard, context: BuildContext) -> SheetLayout:
    """The Cover: what the release is and says of itself, and where its contents and notes are."""
    definition = scorecard.definition
    release = definition.release
    sheet = SheetLayout(CONTENTS_SHEET, tab_color="#1F3864")
    sheet.widths.update(WIDTHS)
    firsts = [
        (fields.TITLE, definition.title, "title"),
        (fields.ORGANISATION, definition.organisation, "heading"),
        (fields.PERIOD_TEXT, period_text(scorecard), "subtitle"),
        (fields.MARKING, definition.marking, "marking"),
    ]
    for row, (named, words, style) in enumerate(firsts):
        sheet.put(row, LABEL, words, style, "@")
        sheet.mark(named.name, row, LABEL)
    sheet.heights[0] = 28
    sheet.put(
        STATEMENT_ROW + 1,
        LABEL,
        f"This sheet has no tables: the {CONTENTS} sheet lists every sheet, the {NOTES} sheet says what "
        "every word, colour and symbol means.",
        "text",
    )
    row = heading(sheet, STATEMENT_ROW + 3, "About this release")
    about: list[tuple[str, str | Link, fields.AnyField | None]] = [
        ("Published", context.generated_at.strftime("%d %B %Y").lstrip("0"), None),
        ("Next release", release.next_release, None),
        ("Source", release.source, None),
        ("Contact", release.contact, None),
        ("Email", Link.mail(release.email) if release.email else "", None),
        (fields.PUBLICATION.label, context.publication, fields.PUBLICATION),
        (fields.SHOWN.label, scorecard.period.iso, fields.SHOWN),
        (
            "Produced",
            f"{context.generated_text} by {context.generator}, from definition {definition.id} "
            f"version {definition.version}",
            None,
        ),
    ]
    for label, text, field in about:
        if not text:
            continue  # (what the definition does not say)
        sheet.put(row, LABEL, label, "label")
        sheet.put(row, TEXT, text, "link" if isinstance(text, Link) else "wrap", "@")
        if field is not None:
            sheet.mark(field.name, row, TEXT)
        row += 1
    row = heading(sheet, row + 1, "Contents and notes")
    for name, what in (
        (CONTENTS, "Every sheet, with a link to it"),
        (NOTES, "The key, and notes on the data"),
    ):
        sheet.put(row, LABEL, Link(name, "A1", name), "link")
        sheet.put(row, TEXT, what, "text")
        row += 1
    sheet.print_setup = print_setup(scorecard)
    return sheet


def lay_out_release_contents(scorecard: Scorecard, contents: Sequence[tuple[str, str]]) -> SheetLayout:
    """The Contents: (sheet name, what it holds) for every sheet, a link each, as one table."""
    sheet = SheetLayout(CONTENTS, tab_color="#1F3864")
    top = _title(sheet, scorecard, "Contents")
    _table(
        sheet,
        top,
        [(Link(name, "A1", name), what, "table_link") for name, what in contents],
        TableSpec("Contents", 0, 0, 0, 0, ("Sheet", "What it holds"), "Contents", "Every sheet of this "
                  "workbook, with a link to it and what it holds."),
    )  # fmt: skip
    return sheet


def lay_out_release_notes(scorecard: Scorecard) -> SheetLayout:
    """The Notes: the key, then the notes on the data (when the definition has any), a table each."""
    sheet = SheetLayout(NOTES, tab_color="#1F3864")
    row = _title(sheet, scorecard, "Notes")
    # (each term as the sheets draw it: a RAG word in its colours, a judgement in its colour)
    lines = [
        (term, text, look) for group in key_lines(scorecard, accessible=True) for term, look, text in group
    ]
    key = TableSpec(
        "Key",
        0,
        0,
        0,
        0,
        ("Term", "Meaning"),
        "Key",
        "What every colour, word, arrow and symbol in this workbook means, and the rule behind it.",
    )
    row = _table(sheet, row, lines, key) + 1
    notes = [(label, f"{on}: {text}", "label") for label, on, text in note_lines(scorecard.definition.notes)]
    if notes:
        _table(sheet, row, notes, NOTES_TABLE)
    return sheet


def state_tables(sheet: SheetLayout) -> None:
    """Say in A4 how many tables the sheet holds and where each starts (a screen reader meets a
    sheet cell by cell: guidance asks that a sheet of several tables say so)."""
    tables = sorted(sheet.tables, key=lambda table: (table.first_row, table.first_col))
    if not tables:
        return
    if len(tables) == 1:
        said = f"This sheet has one table, from {a1(tables[0].first_row, tables[0].first_col)}."
    elif len(tables) <= 3:
        where = " and ".join(f"{t.title} (from {a1(t.first_row, t.first_col)})" for t in tables)
        said = f"This sheet has {len(tables)} tables: {where}."
    else:
        said = (
            f"This sheet has {len(tables)} tables, one under each heading, from {a1(tables[0].first_row, 0)}."
        )
    sheet.put(STATEMENT_ROW, 0, said, "muted")


def link_to_contents(sheets: Sequence[SheetLayout]) -> None:
    """The sheets' links back to the contents ("◄ Contents and key", to the Cover) go to the
    Contents sheet, the key being on the Notes sheet."""
    for sheet in sheets:
        for index, (row, col, value, key) in enumerate(sheet.cells):
            if isinstance(value, Link) and value.target == CONTENTS_SHEET and not value.email:
                sheet.cells[index] = (row, col, Link(CONTENTS, "A1", TO_CONTENTS), key)


def _title(sheet: SheetLayout, scorecard: Scorecard, title: str) -> int:
    """The title in A1, the organisation and period under it (no link: these sheets are the way
    in); returns the first row for the table's header (after the statement in A4)."""
    top = title_block(sheet, scorecard, title, TEXT + 2, printed=True)  # (the marking right of the text)
    sheet.widths.update(WIDTHS)
    sheet.print_setup = print_setup(scorecard)
    return top


def _table(
    sheet: SheetLayout, top: int, rows: Sequence[tuple[str | Link, str, str]], table: TableSpec
) -> int:
    """A two-column table: its header at `top`, then `rows`, each (first cell, second, the first's
    style). Returns the row after it."""
    for col, header in enumerate(table.columns):
        sheet.put(top, col, header, "column_header_left")
    for offset, (first, second, style) in enumerate(rows, 1):
        sheet.put(top + offset, LABEL, first, style)
        sheet.put(top + offset, TEXT, second, "table_wrap", "@")
    last = top + max(len(rows), 1)
    sheet.tables.append(
        TableSpec(table.name, top, LABEL, last, TEXT, table.columns, table.title, table.description)
    )
    sheet.keep_together.append((top, last))
    return last + 1
