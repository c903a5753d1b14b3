"""The workbook being sent, read and never changed: its title, organisation, period and RAG
counts for the message, and whether `check` lets it go."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorecard_xl.errors import InputError, ProblemList, RefusedByCheck
from scorecard_xl.layout.record import PERIOD_TEXT, SHOWN
from scorecard_xl.periods import Month

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
    """The organisation, period and RAG counts of a scorecard-xl workbook, read without changing it:
    the Cover's period cell (defined name scxl_period_text) with the title and organisation above it
    and the marking below; the period shown (scxl_shown); the Summary's "All sections" row."""
    import openpyxl

    def refuse(detail: str) -> InputError:
        return InputError.of(filename, "", "", None, f"a workbook built by scorecard-xl build: {detail}")

    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it does not read (sparklines); reading values is all we do.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # a zip or XML error: whatever it is, the file is not a workbook
        raise refuse(f"cannot be read as .xlsx ({type(error).__name__}: {error})") from None
    try:
        names = book.defined_names
        if PERIOD_TEXT not in names or SHOWN not in names:
            raise refuse(f"it has no defined names {PERIOD_TEXT} and {SHOWN}")
        sheet_name, row, col = _name_cell(names[PERIOD_TEXT])
        if sheet_name not in book.sheetnames or row < 3:
            raise refuse(f"its name {PERIOD_TEXT} does not point at the Cover's period")
        cover = [
            r[0]
            for r in book[sheet_name].iter_rows(
                min_row=row - 2, max_row=row + 1, min_col=col, max_col=col, values_only=True
            )
        ]
        title, organisation, period_text, marking = (cover + [None] * 4)[:4]
        shown_sheet, shown_row, shown_col = _name_cell(names[SHOWN])
        shown = next(
            book[shown_sheet].iter_rows(
                min_row=shown_row, max_row=shown_row, min_col=shown_col, max_col=shown_col, values_only=True
            )
        )[0]
        try:
            month = Month.parse(str(shown))
        except ValueError:
            raise refuse(f"the period shown ({SHOWN}) is {shown!r}, not a month YYYY-MM") from None
        if not title or not organisation:
            raise refuse("the Cover has no title and organisation above the period")
        year = re.search(r"\(year ([^)]+)\)", str(period_text or ""))
        counts = _summary_counts(book, refuse)
    finally:
        book.close()
    return BookFacts(
        filename=filename,
        title=str(title).strip(),
        organisation=str(organisation).strip(),
        period=month.long_label,
        year=year[1] if year else "",
        marking=str(marking or "").strip(),
        **counts,
    )


def _name_cell(name: Any) -> tuple[str, int, int]:
    """The sheet, 1-based row and column of a defined name's first cell."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    sheet, reference = next(iter(name.destinations))
    column, row = coordinate_from_string(reference.split(":")[0].replace("$", ""))
    return str(sheet), int(row), int(column_index_from_string(column))


_COUNT_COLUMNS = {
    "Measures": "measures",
    "Red": "red",
    "Amber": "amber",
    "Green": "green",
    "No target": "not_judged",
}


def _summary_counts(book: Any, refuse: Callable[[str], InputError]) -> dict[str, int]:
    """The Summary's "All sections" row, by the column headers above it."""
    if "Summary" not in book.sheetnames:
        raise refuse("it has no Summary sheet")
    columns: dict[str, int] = {}
    for values in book["Summary"].iter_rows(values_only=True):
        if not columns and set(_COUNT_COLUMNS) <= set(values):
            columns = {key: values.index(header) for header, key in _COUNT_COLUMNS.items()}
        elif columns and "All sections" in values:
            counts = {key: values[index] for key, index in columns.items()}
            if not all(isinstance(v, (int, float)) and v == int(v) for v in counts.values()):
                raise refuse(f"the Summary's 'All sections' counts are not whole numbers: {counts}")
            return {key: int(value) for key, value in counts.items()}
    raise refuse("the Summary sheet has no 'All sections' row under Measures, Red, Amber, Green, No target")
