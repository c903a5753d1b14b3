"""Page numbers in the printed pack: the Cover's contents and the Summary name the page on which
each sheet, section and measure prints, worked out from every sheet's pagination (what a reader of
paper needs instead of links)."""

from __future__ import annotations

from collections.abc import Sequence

from scorecard_xl.layout.pagination import Pages
from scorecard_xl.layout.sheet import SheetLayout


def number_pages(sheets: Sequence[SheetLayout], pages: Sequence[Pages]) -> None:
    """Fill in every sheet's page references; `pages[i]` is how `sheets[i]` prints, in order."""
    first_page: dict[str, int] = {}
    count = 1
    for sheet, printed in zip(sheets, pages, strict=True):
        first_page[sheet.name] = count
        count += printed.count
    by_name = {sheet.name: printed for sheet, printed in zip(sheets, pages, strict=True)}
    for sheet in sheets:
        wanted = {(ref.row, ref.col): ref for ref in sheet.page_refs}
        for index, (row, col, _value, style) in enumerate(sheet.cells):
            ref = wanted.get((row, col))
            if ref is not None:
                page = first_page[ref.sheet] + by_name[ref.sheet].page_of(ref.target_row)
                sheet.cells[index] = (row, col, ref.text.format(page=page), style)
