"""Cell values: numbers, the missing-value tokens that stand in for them, and how text is read.

A value is a float or a `Missing` token. Tokens are never 0: "n/a" and "c" say why a number is
absent, and the reader is shown the token.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

from scorecard_xl.inputs.units import Unit

# Token -> what it means to a reader (used in the key). Matched case-insensitively.
MISSING_TOKENS: dict[str, str] = {
    "": "blank: no value",
    "n/a": "not available",
    "tbc": "to be confirmed",
    "tb": "to be confirmed",
    "-": "not reported",
    "c": "suppressed (small number or to protect one)",
    "x": "not available (DfE)",
    "z": "not applicable",
    "u": "low reliability",
    "low": "rounds to zero, but is not zero",
}
# The GSS shorthand a published table shows (see model/shorthand.py), read as the token it stands for:
# ONS and DfE tables use it, and a published workbook's own Data table holds it.
SHORTHAND_TOKENS = {"[c]": "c", "[x]": "x", "[z]": "z", "[u]": "u", "[low]": "low"}
# The largest magnitude a value may have: Excel shows 15 significant digits, and no count, rate or
# amount a board reads comes near; beyond it (1e308, say) a value is a slip or an attack.
NUMBER_LIMIT = 1e15
OUT_OF_RANGE = f"a number between -{NUMBER_LIMIT:,.0f} and {NUMBER_LIMIT:,.0f}"
EXCEL_DIGITS = 15  # significant digits Excel keeps of a number (pandas writes 17: 0.30000000000000004)
# Wide enough for any finite float, so showing a value as displayed can never fail.
_WIDE = Context(prec=800, Emax=999_999, Emin=-999_999)
_THOUSANDS = re.compile(r"^[-+]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$")
ACCEPTED_TOKENS = ", ".join(repr(t) for t in MISSING_TOKENS if t) + " or an empty cell"
TEXT_HINT = f"a number or one of {ACCEPTED_TOKENS}; this is text where a number belongs"
# How a bare number for a percent measure is read: a definition's percent_input ("fraction": 0.64
# is 64%; "points": 64 is 64%), or as a workbook stores it (its own Data table): a fraction of any
# size, 1.005 being 100.5%, since a build writes every percentage it accepts there that way.
PERCENT_STORED = "stored"
# A row pasted under a workbook's Data table, in a definition whose percent_input is "fraction":
# Excel holds a pasted 100.5% as 1.005, so a bare number is a fraction up to PASTED_PERCENT_LIMIT
# (1,000%); beyond, it is almost surely a percentage in points (64 for 64%), refused.
PERCENT_PASTED = "pasted"
PASTED_PERCENT_LIMIT = 10.0


@dataclass(frozen=True)
class Missing:
    """A value that is not a number, kept with the token the source used."""

    token: str

    @property
    def meaning(self) -> str:
        return MISSING_TOKENS.get(self.token, "not available")

    def __str__(self) -> str:
        return self.token


Value = float | Missing
BLANK = Missing("")


def is_number(value: Value | None) -> bool:
    return isinstance(value, float)


def parse_value(raw: object, unit: Unit, percent_input: str = "fraction") -> Value:
    """Read one data value for a measure of `unit`.

    Raise ValueError whose message says what would be accepted. Percentages: "64%" is always
    64 per cent; a bare number is a fraction (0.64) or points (64) by `percent_input`, or
    PERCENT_STORED: a fraction as a workbook stores it, of any size.
    """
    if raw is None:
        return BLANK
    if isinstance(raw, bool):
        raise ValueError(TEXT_HINT)
    if isinstance(raw, int):
        if abs(raw) > NUMBER_LIMIT:  # (before float(): 400 digits would overflow it)
            raise ValueError(OUT_OF_RANGE)
        return _check_number(float(raw), unit, percent_input, had_percent_sign=False)
    if isinstance(raw, float):
        return _as_excel_holds(_check_number(raw, unit, percent_input, had_percent_sign=False))
    text = str(raw).strip()
    token = text.lower()
    if token in MISSING_TOKENS:
        return Missing(token)
    if token in SHORTHAND_TOKENS:
        return Missing(SHORTHAND_TOKENS[token])
    had_percent_sign = text.endswith("%")
    body = text[:-1].strip() if had_percent_sign else text
    if had_percent_sign and unit.name != "percent":
        raise ValueError(f"a plain number for a {unit.label} measure (no % sign)")
    if not _looks_numeric(body):
        raise ValueError(TEXT_HINT)  # "abc,def" or a formula's text: not a number written oddly
    if "," in body and not _THOUSANDS.match(body):
        # "18,7" is a decimal comma or a typo; reading it as 187 would corrupt the figure.
        raise ValueError("a number with a decimal point; commas may only separate thousands (1,639)")
    try:
        number = float(body.replace(",", ""))
    except ValueError:
        raise ValueError(TEXT_HINT) from None
    if had_percent_sign:
        _check_finite(number)
        return _as_excel_holds(round(number / 100, 12))
    number = _check_number(number, unit, percent_input, had_percent_sign=False)
    return _as_excel_holds(number) if len(body) > EXCEL_DIGITS else number  # (shorter: 15 at most)


def _as_excel_holds(number: float) -> float:
    """`number` to the 15 significant digits Excel keeps (a 17-digit figure typed or pasted there
    loses the rest too, and a workbook's numbers are written with 16): so whatever a build reads,
    its Data table gives back unchanged, and the file it came from reads the same again."""
    return float(f"{number:.{EXCEL_DIGITS}g}")


_NUMERIC = re.compile(r"[0-9.,+\-eE]+")


def _looks_numeric(body: str) -> bool:
    # float() accepts 'nan', 'inf' and '1_000': none of those is a value a scorecard can show.
    return _NUMERIC.fullmatch(body) is not None


def _check_finite(number: float) -> None:
    if not math.isfinite(number):
        raise ValueError("a finite number")
    if abs(number) > NUMBER_LIMIT:
        raise ValueError(OUT_OF_RANGE)


def _check_number(number: float, unit: Unit, percent_input: str, had_percent_sign: bool) -> float:
    _check_finite(number)
    if unit.name == "percent" and not had_percent_sign:
        if percent_input == "points":
            return round(number / 100, 12)
        if percent_input == PERCENT_PASTED and not -PASTED_PERCENT_LIMIT <= number <= PASTED_PERCENT_LIMIT:
            raise ValueError(
                f"a percentage pasted as Excel holds one, a fraction ({number:g} would be "
                f"{number * 100:,.10g}%): '{number:g}%' if {number:g} per cent is meant, with its % sign"
            )
        if percent_input not in (PERCENT_STORED, PERCENT_PASTED) and not -1 <= number <= 1:
            # Almost always 64 meant as 64%; but 1.009 may be a fraction (100.9%): offer both.
            raise ValueError(
                "a fraction between -1 and 1 (0.64 = 64%) or a percentage with a % sign: "
                f"'{number:g}%' if {number:g} per cent is meant, '{number * 100:g}%' if it is a "
                'fraction; or set percent_input = "points" in the definition to read 64 as 64%'
            )
        return number
    if unit.whole_numbers and number != int(number):
        raise ValueError(f"a whole number for a {unit.label} measure")
    return number


def round_for_display(value: float, unit: Unit, decimals: int) -> float:
    """The number a reader sees, rounded half away from zero as Excel displays it."""
    scaled = value * 100 if unit.name == "percent" else value
    quantum = Decimal(1).scaleb(-decimals)
    shown = float(Decimal(repr(scaled)).quantize(quantum, rounding=ROUND_HALF_UP, context=_WIDE))
    return shown / 100 if unit.name == "percent" else shown


def format_for_text(value: Value | None, unit: Unit, decimals: int) -> str:
    """The value as a reader sees it, for messages, summaries and email bodies."""
    if value is None:
        return ""
    if isinstance(value, Missing):
        return value.token
    if unit.name == "percent":
        return f"{round_for_display(value, unit, decimals) * 100:,.{decimals}f}%"
    return f"{round_for_display(value, unit, decimals):,.{decimals}f}"


def text_of(value: object) -> str:
    """A cell or column value as text, as a person reads it: None is "", a whole float has no ".0"
    (readers give 2023.0 for a typed 2023), and surrounding spaces go."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
