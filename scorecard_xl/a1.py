"""A1 references at the edges: inside, every position is a 0-based (row, col); Excel, formulas,
defined names and messages speak in column letters and 1-based rows."""

from __future__ import annotations

__all__ = ["a1", "column_index", "column_letters", "quote_sheet", "range_ref"]


def column_letters(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26: the inverse of column_letters."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number - 1


def a1(row: int, col: int, absolute: bool = False) -> str:
    """A 0-based (row, col) as an A1 reference."""
    if absolute:
        return f"${column_letters(col)}${row + 1}"
    return f"{column_letters(col)}{row + 1}"


def quote_sheet(name: str) -> str:
    """A sheet name as a formula needs it: quoted (always valid), apostrophes doubled."""
    return "'" + name.replace("'", "''") + "'"


def range_ref(
    sheet: str, first_row: int, first_col: int, last_row: int, last_col: int, absolute: bool = False
) -> str:
    """'Sheet'!A1:B2 for a 0-based rectangle."""
    start, end = a1(first_row, first_col, absolute), a1(last_row, last_col, absolute)
    return f"{quote_sheet(sheet)}!{start}:{end}"
