"""Pieces every sheet shares: sheet names, titles, print headers and footers."""

from __future__ import annotations

import functools
import textwrap

from scorecard_xl.layout.sheet import Formula, Link, PrintSetup, SheetLayout, a1, quote_sheet
from scorecard_xl.model import Scorecard
from scorecard_xl.styles import FONT_SIZE, STYLES
from scorecard_xl.text_rules import fit_sheet_name

CONTENTS_SHEET = "Cover"


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
    marking = _escape(definition.marking)
    # No period or date here: a refresh from Excel cannot rewrite headers, so they must not go stale.
    # The period is on each sheet's subtitle row, which the repeated print rows include.
    header = f'&L&8{_escape(definition.organisation)}&C&"Calibri,Bold"&11{marking}&R&8&A'
    footer = f'&L&8&F&C&"Calibri,Bold"&11{marking}&R&8Page &P of &N'
    return PrintSetup(paper=definition.paper, repeat_rows=repeat_rows, header=header, footer=footer)


def title_block(sheet: SheetLayout, scorecard: Scorecard, title: str, width_cols: int) -> int:
    """Title, subtitle and a link back to the contents; returns the first free row."""
    definition = scorecard.definition
    sheet.put(0, 0, title, "title")
    sheet.put(0, width_cols - 1, definition.marking, "marking")
    sheet.heights[0] = 24
    # One cell on the Cover holds the period; every subtitle shows it, so a refresh writes it once.
    cached = f"{definition.organisation} · {period_text(scorecard)}"
    organisation = definition.organisation.replace('"', '""')
    formula = f'="{organisation} · "&{quote_sheet(CONTENTS_SHEET)}!{a1(2, 1, absolute=True)}'
    sheet.put(1, 0, Formula(formula, cached), "subtitle")
    if sheet.name != CONTENTS_SHEET:
        sheet.put(2, 0, Link(CONTENTS_SHEET, "A1", "◄ Contents and key"), "link")
    return 4


@functools.lru_cache(maxsize=8192)  # the same titles recur on the Scorecard and the section sheets
def wrapped_lines(text: str, width: float, font_size: float) -> int:
    """Lines `text` takes in a wrapped cell `width` characters wide (Excel's width unit is the
    default 11pt font's digit), erring long so nothing is clipped."""
    per_line = max(int(width * 11 / font_size * 1.2) - 1, 1)
    if len(text) <= per_line and "\n" not in text:
        return 1
    lines = 0
    for paragraph in text.split("\n"):
        lines += max(len(textwrap.wrap(paragraph, per_line, break_long_words=True)), 1)
    return lines


WRAPPING_STYLES = frozenset(name for name, props in STYLES.items() if props.get("text_wrap"))


def fit_row_heights(sheet: SheetLayout) -> None:
    """Set the height of rows whose wrapped text needs more than one line.

    Viewers differ in whether they fit rows on opening (LibreOffice and PDF converters do not), so
    multi-line rows get explicit heights. Single-line rows stay automatic, so Excel still grows a
    row when an analyst types a long comment into it.
    """
    needed: dict[int, float] = {}
    for row, col, value, (style, _) in sheet.cells:
        if style not in WRAPPING_STYLES or not isinstance(value, (str, Formula)) or row in sheet.heights:
            continue
        props = STYLES[style]
        text = value if isinstance(value, str) else str(value.cached)
        size = float(props.get("font_size", FONT_SIZE))
        lines = wrapped_lines(text, sheet.widths.get(col, 8.43), size)
        if lines > 1:
            needed[row] = max(needed.get(row, 0.0), lines * size * 1.32 + 3)
    sheet.heights.update(needed)
