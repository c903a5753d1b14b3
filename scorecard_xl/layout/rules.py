"""Conditional formats shared by the sheets: live rules keyed on the cells' own values, so a
refresh or an analyst's edit re-colours without rewriting any format.

Each rule covers all the columns it applies to (one rule, several ranges): fewer rules make a
smaller file that Excel applies faster.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scorecard_xl.a1 import a1
from scorecard_xl.layout.sheet import ConditionalFormat, SheetLayout
from scorecard_xl.layout.styles import CONDITIONAL
from scorecard_xl.model.assess import RAG_WORDS

Span = tuple[int, int]  # first and last column


def _add(
    sheet: SheetLayout, first_row: int, last_row: int, spans: Sequence[Span], options: dict[str, Any]
) -> None:
    if spans:
        ranges = tuple((first_row, first, last_row, last) for first, last in spans)
        sheet.conditional_formats.append(ConditionalFormat(ranges, options))


def rag_rules(sheet: SheetLayout, first_row: int, last_row: int, spans: Sequence[Span]) -> None:
    """Red / Amber / Green fills on cells holding those words."""
    for word in RAG_WORDS.values():
        options = {"type": "cell", "criteria": "==", "value": f'"{word}"', "format": f"rag_{word}"}
        _add(sheet, first_row, last_row, spans, options)


def verdict_rules(sheet: SheetLayout, first_row: int, last_row: int, spans: Sequence[Span]) -> None:
    """Green text for "better", red for "worse" (the word is there too, so colour is not alone)."""
    for verdict in ("better", "worse"):
        options = {"type": "text", "criteria": "containing", "value": verdict, "format": verdict}
        _add(sheet, first_row, last_row, spans, options)


def token_rule(sheet: SheetLayout, first_row: int, last_row: int, spans: Sequence[Span]) -> None:
    """Grey italic for missing-value tokens (text among numbers), wherever a refresh puts them."""
    if spans:
        anchor = a1(first_row, spans[0][0])
        options = {"type": "formula", "criteria": f"=ISTEXT({anchor})", "format": "token"}
        _add(sheet, first_row, last_row, spans, options)


BAND_LOOKS = {"A": "rag_Green", "B": "band_B", "C": "rag_Amber", "D": "rag_Red"}


def look_of(look: str) -> str:
    """A RAG word ("Red"), a band letter ("B") or a look of styles.CONDITIONAL, as the latter."""
    return look if look in CONDITIONAL else BAND_LOOKS.get(look, f"rag_{look}")


def positive_count_rule(sheet: SheetLayout, first_row: int, last_row: int, col: int, look: str) -> None:
    """A count above zero in a column headed Red, Amber, Green (or Band A to D) takes that colour;
    `look` may also name a look of styles.CONDITIONAL."""
    options = {"type": "cell", "criteria": ">", "value": 0, "format": look_of(look)}
    _add(sheet, first_row, last_row, [(col, col)], options)


def text_rules(
    sheet: SheetLayout,
    first_row: int,
    last_row: int,
    spans: Sequence[Span],
    criteria: str,
    looks: dict[str, str],
) -> None:
    """Text that `criteria` ("begins with", "ends with") each key of `looks` takes that look: the
    words are in the cell, so colour is never alone."""
    for text, look in looks.items():
        options = {"type": "text", "criteria": criteria, "value": text, "format": look}
        _add(sheet, first_row, last_row, spans, options)


def quartile_rules(sheet: SheetLayout, first_row: int, last_row: int, spans: Sequence[Span]) -> None:
    """Quartile bands A (best) to D (worst), coloured like RAG; the letter is the text, so colour
    is never alone."""
    for letter, look in BAND_LOOKS.items():
        options = {"type": "cell", "criteria": "==", "value": f'"{letter}"', "format": look}
        _add(sheet, first_row, last_row, spans, options)
