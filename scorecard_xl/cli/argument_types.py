"""The command line's argument types: numbers written in ASCII digits, as a person types them
(int() and float() alone would read full-width digits, "nan" and "inf")."""

from __future__ import annotations

import argparse


def whole_number(text: str) -> int:
    """An argument that is a whole number written in ASCII digits (int() alone would read the
    full-width "５" as 5)."""
    body = text.strip()
    if not body.removeprefix("-").isascii() or not body.removeprefix("-").isdigit():
        raise argparse.ArgumentTypeError(f"got {text!r}; a whole number such as 5")
    return int(body)


def number(text: str) -> float:
    """An argument that is a number written in ASCII (float() alone reads "１.５", "nan" and "inf")."""
    body = text.strip()
    try:
        number = float(body) if body.isascii() and not body.isalpha() else float("nan")
    except ValueError:
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"got {text!r}; a number such as 2.5")
    return number


def at_least_one(text: str) -> int:
    number = whole_number(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"got {text!r}; a whole number, 1 or more")
    return number
