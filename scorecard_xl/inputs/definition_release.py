"""A definition's `[release]` table and `[[notes]]` (docs/formats.md): what a published copy's Cover
says of it (source, contact, email, next release) and the notes on the data a reader of the pack or
the published copy should know (a correction made to the source), each checked as every text the
workbook shows is (text_rules)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from scorecard_xl.errors import ProblemList
from scorecard_xl.inputs.definition import DataNote, Release
from scorecard_xl.inputs.text_rules import CELL_LIMIT, LINE_LIMIT, text_problem
from scorecard_xl.inputs.tomlfile import TableReader

RELEASE_FIELD, NOTES_FIELD = "release", "notes"
RELEASE_FIELDS = ("source", "contact", "email", "next_release")
NOTE_LIMIT = 2_000  # characters of one note (a cell holds 32,767; a reader reads a paragraph)
# An address for a mailto: link: a name, @, a domain with a dot (send checks its own addresses more
# strictly, and is not imported for every definition read).
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def release_of(raw: object, source: str, problems: ProblemList) -> Release:
    """The `[release]` table; every field may be left out."""
    if raw is None:
        return Release()
    reader = TableReader(raw, source, f"[{RELEASE_FIELD}]", problems, RELEASE_FIELDS)
    found = {name: _text(reader, name, LINE_LIMIT) for name in RELEASE_FIELDS}
    if found["email"] and not EMAIL.fullmatch(found["email"]):
        reader.problem("email", found["email"], "an email address such as performance@example.gov.uk")
        found["email"] = ""
    return Release(**found)


def notes_of(
    raw: object, source: str, problems: ProblemList, measure_ids: Sequence[str]
) -> tuple[DataNote, ...]:
    """The `[[notes]]`: `text` required, `measures` (ids of the definition's measures) optional."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add(source, "", NOTES_FIELD, raw, "a list of [[notes]] tables, each with text")
        return ()
    known = set(measure_ids)
    notes = []
    for index, item in enumerate(raw, start=1):
        reader = TableReader(item, source, f"note {index}", problems, ("text", "measures"))
        text = _text(reader, "text", NOTE_LIMIT, required=True)
        measures = reader.raw.get("measures", [])
        if not isinstance(measures, list) or not all(isinstance(m, str) and m in known for m in measures):
            reader.problem("measures", measures, 'a list of the definition\'s measure ids, such as ["CR07"]')
            measures = []
        notes.append(DataNote(text, tuple(measures)))
    return tuple(notes)


def _text(reader: TableReader, name: str, limit: int, required: bool = False) -> str:
    value = reader.raw.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        reader.problem(name, value, "text" if not required else "required: text")
        return ""
    wrong = text_problem(value.strip(), min(limit, CELL_LIMIT))
    if wrong:
        reader.problem(name, value, wrong)
        return ""
    return value.strip()
