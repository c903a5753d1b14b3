"""The workbook being sent, read and never changed: its title, organisation, period and RAG
counts for the message, and whether `check` lets it go."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scorecard_xl.errors import InputError, ProblemList, RefusedByCheck
from scorecard_xl.inputs.periods import Month
from scorecard_xl.inputs.values import text_of

FIELDS: dict[str, str] = {
    "title": "the scorecard's title (Performance Scorecard)",
    "organisation": "the organisation (Northamptonshire Children's Trust)",
    "period": "the month shown (March 2023)",
    "year": "the reporting year (2022-23)",
    "marking": "the protective marking (OFFICIAL)",
    "measures": "how many measures (93)",
    "red": "measures judged red (18)",
    "amber": "measures judged amber (6)",
    "green": "measures judged green (14)",
    "not_judged": "measures with no RAG: no target, or no figure (55)",
    "filename": "the workbook's file name (scorecard.xlsx)",
}


@dataclass(frozen=True)
class BookFacts:
    """What the message says about a workbook, read from the workbook itself."""

    filename: str
    title: str
    organisation: str
    period: str  # "March 2023"
    year: str  # "2022-23"
    marking: str
    measures: int
    red: int
    amber: int
    green: int
    not_judged: int

    def fields(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in FIELDS}


def check_file(problems: ProblemList, path: Path, what: str, suffix: str) -> None:
    if not path.exists():
        problems.add(str(path), "", what, None, f"an existing {suffix} file (there is no such file)")
    elif not path.is_file():
        problems.add(str(path), "", what, None, f"a {suffix} file (this is a folder)")
    elif path.suffix.lower() != suffix:
        problems.add(str(path), "", what, path.suffix or None, f"a {suffix} file")


def refuse_if_check_fails(
    path: Path, override: str = "force", progress: Callable[[str], None] | None = None
) -> None:
    """Refuse a workbook that `scorecard-xl check` finds fault with: the board should not get it.
    `override` is the parameter that sends it anyway, named in the message; `progress` is told
    check's steps."""
    from scorecard_xl.checks.check import check_workbook

    findings = check_workbook(path, progress=progress)
    if findings:
        raise RefusedByCheck(str(path), [str(finding) for finding in findings], override)


def read_facts(content: bytes, filename: str) -> BookFacts:
    """The organisation, period and RAG counts of a scorecard-xl workbook, read without changing it,
    through the workbook's record (workbook.reader): the Cover's title, organisation, period and
    marking, the period shown, and the Summary's "All sections" counts by their headers."""
    from scorecard_xl.workbook import fields
    from scorecard_xl.workbook.reader import RecordReader
    from scorecard_xl.workbook.snapshot import snapshot_from_bytes

    def refuse(detail: str) -> InputError:
        return InputError.of(filename, "", "", None, f"a workbook built by scorecard-xl build: {detail}")

    try:
        reader = RecordReader(snapshot_from_bytes(content, filename))
    except InputError as error:
        raise refuse(_first_line(error)) from None
    missing = [f.name for f in (fields.TOTALS,) if not reader.has(f)]
    if missing:
        raise refuse(f"it has no defined names {', '.join(missing)}")
    title, organisation = reader.value(fields.TITLE), reader.value(fields.ORGANISATION)
    if not title or not organisation:
        raise refuse("the Cover has no title and organisation")
    shown = reader.value(fields.SHOWN)
    try:
        month = Month.parse(shown)
    except ValueError:
        raise refuse(f"the period shown ({fields.SHOWN.name}) is {shown!r}, not a month YYYY-MM") from None
    year = re.search(r"\(year ([^)]+)\)", reader.value(fields.PERIOD_TEXT))
    return BookFacts(
        filename=filename,
        title=title,
        organisation=organisation,
        period=month.long_label,
        year=year[1] if year else "",
        marking=reader.value(fields.MARKING),
        **_summary_counts(reader.rows(fields.TOTALS), refuse),
    )


def _first_line(error: InputError) -> str:
    """What made the workbook unreadable, without the file's name again."""
    problem = error.problems[0]
    return str(problem).removeprefix(f"{problem.source}: ").removeprefix(f"{problem.source}, ")


_COUNT_COLUMNS = {
    "Measures": "measures",
    "Red": "red",
    "Amber": "amber",
    "Green": "green",
    "No target": "not_judged",
}


def _summary_counts(rows: list[list[object]], refuse: Callable[[str], InputError]) -> dict[str, int]:
    """The Summary's "All sections" row (the last of the totals range), by the headers above it."""
    headers = [text_of(h) for h in rows[0]]
    if not set(_COUNT_COLUMNS) <= set(headers):
        raise refuse("the Summary's counts are not headed " + ", ".join(_COUNT_COLUMNS))
    counts: dict[str, int] = {}
    for header, key in _COUNT_COLUMNS.items():
        value = rows[-1][headers.index(header)]
        whole = isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()
        if not whole:
            raise refuse(f"the Summary's 'All sections' {header} is {value!r}, not a whole number")
        counts[key] = int(value)  # type: ignore[call-overload]
    return counts
