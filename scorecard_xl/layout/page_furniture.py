"""Pieces every sheet shares: sheet names, titles, print headers and footers."""

from __future__ import annotations

from collections.abc import Sequence

from scorecard_xl.inputs.text_rules import fit_sheet_name
from scorecard_xl.layout.sheet import Formula, Link, PrintSetup, SheetLayout
from scorecard_xl.model.scorecard import Scorecard
from scorecard_xl.workbook import fields

CONTENTS_SHEET = "Cover"
PACK_TITLE_LIMIT = 80  # characters of the title in the pack's footer (Excel allows 255 in all)


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name for `title` (Excel compares names case-insensitively)."""
    return fit_sheet_name(title, taken)


def period_text(scorecard: Scorecard) -> str:
    if scorecard.definition.yearly:
        return f"Year {scorecard.period.label}"
    return f"{scorecard.period.long_label} (year {scorecard.year.label})"


def _escape(text: str) -> str:
    return text.replace("&", "&&")  # & starts a control code in Excel headers and footers


def print_setup(scorecard: Scorecard, repeat_rows: tuple[int, int] | None = None) -> PrintSetup:
    """Landscape, one page wide, with organisation, period, marking and page x of y."""
    definition = scorecard.definition
    # No period or date here: a refresh from Excel cannot rewrite headers, so they must not go stale.
    # The period is on each sheet's subtitle row, which the repeated print rows include.
    # Headers are scaled with the sheet, which prints at 70% or more (layout.pagination): 10 pt keeps
    # them at 7 pt or more on paper.
    marking = _escape(definition.marking)
    header = f'&L&10{_escape(definition.organisation)}&C&"Calibri,Bold"&12{marking}&R&10&A'
    return PrintSetup(
        paper=definition.paper, repeat_rows=repeat_rows, header=header, footer=_footer(scorecard, "&F")
    )


def name_the_pack(sheets: Sequence[SheetLayout], scorecard: Scorecard) -> None:
    """The printed pack's footers name the pack, its title and period, where the workbook's name
    its file (&F): a PDF printed from a temporary workbook would show that file's name. Paper is
    never refreshed, so the period may be in it."""
    title = scorecard.definition.title
    title = title if len(title) <= PACK_TITLE_LIMIT else title[: PACK_TITLE_LIMIT - 1] + "…"
    left = _escape(f"{title} · {period_text(scorecard)}")
    for sheet in sheets:
        sheet.print_setup.footer = _footer(scorecard, left)


def _footer(scorecard: Scorecard, left: str) -> str:
    """`left` (control codes escaped), the marking in the middle, page x of y at the right."""
    return f'&L&10{left}&C&"Calibri,Bold"&12{_escape(scorecard.definition.marking)}&R&10Page &P of &N'


def heading(sheet: SheetLayout, row: int, text: str) -> int:
    """A heading in the first column of `row`, a little taller than a row; returns the next row."""
    sheet.put(row, 0, text, "heading")
    sheet.heights[row] = 20
    return row + 1


def title_block(
    sheet: SheetLayout, scorecard: Scorecard, title: str, width_cols: int, printed: bool = False
) -> int:
    """Title, subtitle and a link back to the contents (not on paper); returns the first free row."""
    definition = scorecard.definition
    sheet.put(0, 0, title, "title")
    sheet.put(0, width_cols - 1, definition.marking, "marking")
    sheet.heights[0] = 24
    # One cell on the Cover holds the period; every subtitle shows it, by its name (wherever the Cover
    # puts it), so a refresh writes it once. Paper needs only the text.
    cached = f"{definition.organisation} · {period_text(scorecard)}"
    organisation = definition.organisation.replace('"', '""')
    formula = f'="{organisation} · "&{fields.PERIOD_TEXT.name}'
    sheet.put(1, 0, cached if printed else Formula(formula, cached), "subtitle")
    if sheet.name != CONTENTS_SHEET and not printed:
        sheet.put(2, 0, Link(CONTENTS_SHEET, "A1", "◄ Contents and key"), "link")
    return 4
