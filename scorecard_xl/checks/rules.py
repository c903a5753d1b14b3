"""The rules `check` applies to text, formulas and names: local paths, references outside the
workbook, names holding data instead of a reference, property names that name a person."""

from __future__ import annotations

import re

_LOCAL_PATH = re.compile(
    r"""(?<![\w.~/\\])[A-Za-z]:[\\/]           # C:\ or C:/
      | (?<![\\\w])\\\\[^\\/\s]+\\[^\\/\s]      # \\server\share
      | \bfile:                                 # file: URLs
      | (?<![\w.~/\\])/(?:home|Users|root|mnt|media|Volumes|private)/[^/\s]
    """,
    re.VERBOSE,
)
_URL = re.compile(r"\b(?:https?|ftp|file):", re.IGNORECASE)
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
_EXTERNAL_INDEX = re.compile(r"(?:'\[\d+\][^']*'|\[\d+\][\w.]*)!")  # [1]Sheet!A1, '[1]My sheet'!A1, [1]!Name
_EXTERNAL_BOOK = re.compile(r"\[[^\[\]]+\.(?:xl[a-z]{1,2}|csv|ods)\]", re.IGNORECASE)  # [Book.xlsx]
_ERROR_LITERAL = re.compile(r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA)", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![A-Za-z_$\d.])(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_BOOLEAN = re.compile(r"\b(?:TRUE|FALSE)\b", re.IGNORECASE)
AUTO_MACRO = re.compile(r"^(?:_xlnm\.)?auto_(?:open|close|activate|deactivate)", re.IGNORECASE)
BUILT_IN_NAME = ("_xlnm.", "_xlfn.", "_xlpm.")
# fmt: off
_PERSONAL_WORDS = {
    "author", "owner", "creator", "editor", "user", "username", "email", "mail", "person", "manager",
    "contact", "phone", "mobile", "reviewer", "approver", "employee", "by", "name",
}
# fmt: on
_PERSONAL_EXCEPTIONS = {"name"}  # "name" alone is too common ("Scorecard name"); with others it counts


def local_path(text: str) -> bool:
    """Does the text hold an absolute local path (the local-path rule)?"""
    return _LOCAL_PATH.search(text) is not None


def external_reference(formula: str) -> str | None:
    """Why a formula or name refers outside the workbook, or None."""
    code = _STRING_LITERAL.sub('""', formula)
    if _EXTERNAL_INDEX.search(code) or _EXTERNAL_BOOK.search(code):
        return "refers to another workbook"
    if "|" in code:
        return "holds a DDE link to another program"
    if _URL.search(formula):
        return "holds a URL"
    return None


def name_holds_data(formula: str) -> str | None:
    """What a defined name holds instead of a reference (an array, text, a number), or None."""
    body = formula.strip().removeprefix("=")
    code = _STRING_LITERAL.sub("", body)
    if "{" in code:
        return "an array constant"
    rest = _BOOLEAN.sub("", _NUMBER.sub("", _ERROR_LITERAL.sub("", code)))
    if re.search(r"[A-Za-z_\\!:$#\[]", rest):
        return None  # a reference, function or name
    if _STRING_LITERAL.search(body):
        return "text"
    if _NUMBER.search(code) or _BOOLEAN.search(code):
        return "a constant"
    return None


def personal_property_name(name: str) -> bool:
    words = {w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", name)}
    personal = words & _PERSONAL_WORDS
    return bool(personal - _PERSONAL_EXCEPTIONS) or (bool(personal) and len(words) == 1)


def norm(text: str) -> str:
    """Text compared as a reader would: spaces collapsed, case folded."""
    return " ".join(text.split()).casefold()
