"""Conditional formats shared by the sheets: live rules keyed on the cells' own values, so a
refresh or an analyst's edit re-colours without rewriting any format."""

from __future__ import annotations

from scorecard_xl.assess import RAG_WORDS
from scorecard_xl.layout.sheet import ConditionalFormat, SheetLayout, a1


def rag_rules(sheet: SheetLayout, first_row: int, last_row: int, col: int) -> None:
    """Red / Amber / Green fills on cells holding those words."""
    for word in RAG_WORDS.values():
        options = {"type": "cell", "criteria": "==", "value": f'"{word}"', "format": f"rag_{word}"}
        sheet.conditional_formats.append(ConditionalFormat(first_row, col, last_row, col, options))


def verdict_rules(sheet: SheetLayout, first_row: int, last_row: int, col: int) -> None:
    """Green text for "better", red for "worse" (the word is there too, so colour is not alone)."""
    for verdict in ("better", "worse"):
        options = {"type": "text", "criteria": "containing", "value": verdict, "format": verdict}
        sheet.conditional_formats.append(ConditionalFormat(first_row, col, last_row, col, options))


def token_rule(
    sheet: SheetLayout, first_row: int, last_row: int, first_col: int, last_col: int
) -> None:
    """Grey italic for missing-value tokens (text among numbers), wherever a refresh puts them."""
    options = {
        "type": "formula",
        "criteria": f"=ISTEXT({a1(first_row, first_col)})",
        "format": "token",
    }
    sheet.conditional_formats.append(
        ConditionalFormat(first_row, first_col, last_row, last_col, options)
    )


def positive_count_rule(
    sheet: SheetLayout, first_row: int, last_row: int, col: int, word: str
) -> None:
    """A count above zero in a column headed Red, Amber or Green takes that colour."""
    options = {"type": "cell", "criteria": ">", "value": 0, "format": f"rag_{word}"}
    sheet.conditional_formats.append(ConditionalFormat(first_row, col, last_row, col, options))
