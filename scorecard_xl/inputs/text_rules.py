"""What text may go into a workbook: Excel's limits, characters no part of an .xlsx can hold, and
the CSV-injection rule.

One module, so that the build (refusing bad input before anything is written), the writer (its
last line of defence) and `check` (finding the same things in any workbook) apply the same rules.
Limits are Excel's own ("Excel specifications and limits") unless a comment says otherwise.
"""

from __future__ import annotations

import re

CELL_LIMIT = 32_767  # characters in one cell
HEADER_FOOTER_LIMIT = 255  # one header or footer, its &-codes included; longer ones are dropped
FORMULA_TEXT_LIMIT = 255  # one "text literal" inside a formula
SHEET_NAME_LIMIT = 31
LINE_LIMIT = 255  # ours: a title, label or name, shown in one cell, a column header or a property
# Ours, so every header and footer stays under Excel's 255 with its codes around them (see
# layout.common.print_setup: about 30 characters of codes, plus the organisation and the marking;
# an & counts twice, as a header doubles it).
ORGANISATION_LIMIT = 100
MARKING_LIMIT = 50

# XML 1.0 cannot hold C0 controls other than tab, newline and carriage return, lone surrogates or
# U+FFFE/U+FFFF, so neither can any .xlsx part; DEL and the C1 controls are never meant in a
# scorecard and usually betray a file decoded with the wrong encoding.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CONTROL_IN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Everything str.splitlines() breaks at: a mail header or a one-line cell must hold none of them.
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]+)?%?")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
RESERVED_SHEET_NAMES = ("history",)  # Excel keeps "History" for its change tracking

FORMULA_STARTER_RULE = (
    "text that does not start with =, +, - or @ (a CSV export of the sheet would run it as a "
    "formula, and scorecard-xl check flags it): start with a word, or leave the sign out"
)


def describe(character: str) -> str:
    """U+0001, the way a reader can look a character up."""
    return f"U+{ord(character):04X}"


def control_character(text: str, lines: bool = False) -> str | None:
    """The first character no workbook can hold (with its position), or None. `lines`: newlines
    and tabs are allowed (multi-line text such as a definition)."""
    found = (_CONTROL_IN_LINES if lines else _CONTROL).search(text)
    if found is None:
        return None
    return f"{describe(found[0])} at character {found.start() + 1}"


def line_break(text: str) -> str | None:
    """The first line break (any Unicode one) in `text`, with its position, or None."""
    found = _LINE_BREAK.search(text)
    return None if found is None else f"{describe(found[0])} at character {found.start() + 1}"


def formula_starter(text: str) -> bool:
    """Would this cell text start a formula when a CSV export is opened (the csv-injection rule)?
    A lone "-" (a missing-value token) and a plain number written as text ("-5", "+3.2",
    "-1,234.5", "-12%") are fine: they can only become that number."""
    if not text.startswith(_FORMULA_START) or text == "-":
        return False
    return not (_PLAIN_NUMBER.fullmatch(text) and any(ch.isdigit() for ch in text))


def excel_length(text: str) -> int:
    """Characters as Excel counts them: UTF-16 code units, so an emoji counts two."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def cut_to(text: str, limit: int) -> str:
    """The longest start of `text` of at most `limit` characters as Excel counts them."""
    units = 0
    for position, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return text[:position]
    return text


def header_length(text: str) -> int:
    """Characters `text` takes in an Excel header or footer, where & is written &&."""
    return excel_length(text) + text.count("&")


def text_problem(
    text: str,
    limit: int = LINE_LIMIT,
    *,
    lines: bool = False,
    formula_start: bool = True,
    in_header: bool = False,
) -> str | None:
    """What is wrong with `text` for a workbook, as the words for `Problem.expected`, or None.

    `limit`: most characters; `lines`: line breaks allowed; `formula_start`: the text is shown in a
    cell, so the CSV-injection rule applies; `in_header`: it goes into headers and footers too,
    where an & counts twice."""
    bad = control_character(text, lines)
    if bad is not None:
        return f"text without control characters ({bad}); retype it, or remove what was pasted in"
    if not lines:
        broken = line_break(text)
        if broken is not None:
            return f"one line of text (a line break, {broken})"
    length = header_length(text) if in_header else excel_length(text)
    if length > limit:
        twice = ", an & counting as two" if in_header and "&" in text else ""
        return f"at most {limit:,} characters (this is {length:,}{twice}); shorten it"
    if formula_start and formula_starter(text.strip()):
        return FORMULA_STARTER_RULE
    return None


def escape_control_characters(text: str) -> str:
    """Excel's own escape for characters XML cannot hold: U+0001 becomes _x0001_ (and a literal
    _x0001_ becomes _x005F_x0001_ so it reads back as written). Valid in cell text, formulas and
    their cached results (the schema's ST_Xstring)."""
    if "_x" not in text and _CONTROL_IN_LINES.search(text) is None:
        return text
    text = re.sub(r"(_x[0-9A-Fa-f]{4}_)", r"_x005F\1", text)
    return _CONTROL_IN_LINES.sub(lambda m: f"_x{ord(m[0]):04X}_", text)


def remove_control_characters(text: str) -> str:
    """`text` without the characters XML cannot hold (for attributes, which have no escape)."""
    return _CONTROL_IN_LINES.sub("", text)


def sheet_name_problem(name: str) -> str | None:
    """Why Excel would refuse `name` as a sheet name, as the words for `Problem.expected`, or None."""
    rule = "a sheet name of 1 to 31 characters, none of [ ] : * ? / \\, not starting or ending with '"
    if control_character(name) or line_break(name):
        return text_problem(name, SHEET_NAME_LIMIT, formula_start=False)
    if not name.strip() or excel_length(name) > SHEET_NAME_LIMIT or _SHEET_FORBIDDEN.search(name):
        return rule
    if name.startswith("'") or name.endswith("'"):
        return rule
    if name.strip().lower() in RESERVED_SHEET_NAMES:
        return f"a sheet name other than {name!r}, which Excel keeps for itself"
    return None


def fit_sheet_name(title: str, taken: set[str]) -> str:
    """A valid sheet name for `title`, unique among `taken` (lower-cased names; Excel compares them
    case-insensitively), which it joins. Cut at a word boundary where one is near."""
    name = _SHEET_FORBIDDEN.sub("-", _CONTROL_IN_LINES.sub("", _LINE_BREAK.sub(" ", title)))
    name = name.strip().strip("'").strip()
    if excel_length(name) > SHEET_NAME_LIMIT:
        words = cut_to(name, SHEET_NAME_LIMIT + 1).rsplit(" ", 1)
        cut = words[0] if len(words) == 2 and excel_length(words[0]) >= SHEET_NAME_LIMIT // 2 else ""
        name = (cut or cut_to(name, SHEET_NAME_LIMIT)).strip().strip("'").strip()
    name = name or "Sheet"
    if name.lower() in RESERVED_SHEET_NAMES:
        name += " (1)"
    candidate, number = name, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate = cut_to(name, SHEET_NAME_LIMIT - len(suffix)).rstrip().rstrip("'") + suffix
        number += 1
    taken.add(candidate.lower())
    return candidate
