"""The workbook being sent, read and never changed: its title, organisation, period and RAG
counts for the message, and whether `check` lets it go."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scorecard_xl.errors import InputError, ProblemList, RefusedByCheck
from scorecard_xl.layout import record
from scorecard_xl.periods import Month
from scorecard_xl.snapshot import WorkbookSnapshot
from scorecard_xl.values import text_of

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


def refuse_if_check_fails(path: Path, override: str = "force") -> None:
    """Refuse a workbook that `scorecard-xl check` finds fault with: the board should not get it.
    `override` is the parameter that sends it anyway, named in the message."""
    from scorecard_xl.check import check_workbook

    findings = check_workbook(path)
    if findings:
        raise RefusedByCheck(str(path), [str(finding) for finding in findings], override)


def read_facts(content: bytes, filename: str) -> BookFacts:
    """The organisation, period and RAG counts of a scorecard-xl workbook, read without changing it,
    through the workbook's record (layout.record): the Cover's title, organisation, period and
    marking, the period shown, and the Summary's "All sections" counts by their headers."""
    from scorecard_xl.snapshot import snapshot_from_bytes

    def refuse(detail: str) -> InputError:
        return InputError.of(filename, "", "", None, f"a workbook built by scorecard-xl build: {detail}")

    try:
        snapshot = snapshot_from_bytes(content, filename)
    except InputError:
        raise refuse("it cannot be read as .xlsx") from None
    needed = (
        record.TITLE,
        record.ORGANISATION,
        record.PERIOD_TEXT,
        record.MARKING,
        record.SHOWN,
        record.TOTALS,
    )
    missing = [name for name in needed if name not in snapshot.names]
    if missing:
        raise refuse(f"it has no defined names {', '.join(missing)}")

    def cell(name: str) -> str:
        sheet, row, col, _, _ = snapshot.names[name]
        return text_of(snapshot.sheet(sheet).cell(row, col))

    title, organisation = cell(record.TITLE), cell(record.ORGANISATION)
    if not title or not organisation:
        raise refuse("the Cover has no title and organisation")
    shown = cell(record.SHOWN)
    try:
        month = Month.parse(shown)
    except ValueError:
        raise refuse(f"the period shown ({record.SHOWN}) is {shown!r}, not a month YYYY-MM") from None
    year = re.search(r"\(year ([^)]+)\)", cell(record.PERIOD_TEXT))
    return BookFacts(
        filename=filename,
        title=title,
        organisation=organisation,
        period=month.long_label,
        year=year[1] if year else "",
        marking=cell(record.MARKING),
        **_summary_counts(snapshot, refuse),
    )


_COUNT_COLUMNS = {
    "Measures": "measures",
    "Red": "red",
    "Amber": "amber",
    "Green": "green",
    "No target": "not_judged",
}


def _summary_counts(snapshot: WorkbookSnapshot, refuse: Callable[[str], InputError]) -> dict[str, int]:
    """The Summary's "All sections" row (the last of the totals range), by the headers above it."""
    sheet, first, first_col, last, last_col = snapshot.names[record.TOTALS]
    rows = snapshot.sheet(sheet).rows(first, first_col, last, last_col)
    headers = [text_of(h) for h in rows[0]]
    if not set(_COUNT_COLUMNS) <= set(headers):
        raise refuse("the Summary's counts are not headed " + ", ".join(_COUNT_COLUMNS))
    counts: dict[str, int] = {}
    for header, key in _COUNT_COLUMNS.items():
        value = rows[-1][headers.index(header)]
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value != int(value):
            raise refuse(f"the Summary's 'All sections' {header} is {value!r}, not a whole number")
        counts[key] = int(value)
    return counts
