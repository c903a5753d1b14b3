"""Refresh from inside Excel: the only module that imports xlwings (lazily, inside functions).

`refresh(book)` is engine-neutral: it works on a desktop Excel workbook (the ribbon's Refresh
button, through `main()`), and on the remote engine that xlwings Server and VBA `RunRemotePython`
use (`refresh_payload`). It reads the workbook's own record, plans every value with the
generator's code (`refresh_plan`), and only then writes, one 2-D block per write: each xlwings call
from desktop Excel is a cross-process round trip. Conditional formats, sparklines, formulas and
the analyst's commentary are never written, so they stay as they are.

Licences: desktop xlwings (this module with `xw.Book.caller()`) is BSD-licensed. The remote engine
(`refresh_payload`, xlwings Server, RunRemotePython) is xlwings PRO: PolyForm Noncommercial
(government bodies qualify) or a commercial licence, set with XLWINGS_LICENSE_KEY.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorecard_xl.errors import InputError
from scorecard_xl.layout import record
from scorecard_xl.layout.scorecard_sheets import SCORECARD_SHEET
from scorecard_xl.model import tally
from scorecard_xl.refresh_plan import RefreshPlan, plan_refresh
from scorecard_xl.reopen import Rect, WorkbookRecord, commentary_from_rows, missing_record, text_of

ALERT_TITLE = "Scorecard"
BASE_DIR_ENV = "SCORECARD_XL_BASE_DIR"  # where relative data paths start when Excel cannot say


@dataclass(frozen=True)
class RefreshOutcome:
    plan: RefreshPlan
    writes: int  # 2-D write calls made (0 when only checking)
    cells: int
    seconds: float  # reading the workbook and planning, before the first write

    @property
    def summary(self) -> str:
        scorecard = self.plan.scorecard
        t = tally(scorecard.rows)
        return (
            f"{scorecard.period.long_label}: {t.red} red, {t.amber} amber, {t.green} green, "
            f"{t.not_judged} not judged"
        )


def read_record(book: Any) -> WorkbookRecord:
    """The workbook's record, read through xlwings with as few calls as the layout allows."""
    names: dict[str, Rect] = {}
    for name in book.names:
        short = name.name.rsplit("!", 1)[-1]
        if not short.startswith(record.PREFIX):
            continue
        try:
            found = name.refers_to_range
        except Exception:  # a name whose target was deleted: #REF!
            continue
        last = found.last_cell
        names[short] = (found.sheet.name, found.row - 1, found.column - 1, last.row - 1, last.column - 1)
    if record.DEFINITION not in names or record.SIGNATURE not in names:
        raise missing_record(book.name)

    def cell(name: str) -> str:
        sheet, row, col, _, _ = names[name]
        return text_of(book.sheets[sheet].range((row + 1, col + 1)).value)

    # Options, Definition, Data and the status rows sit in one column of the Cover: one read.
    sheet, top, col, _, _ = names.get(record.OPTIONS, names[record.DEFINITION])
    _, bottom, _, _, _ = names[record.PICKER]
    column = book.sheets[sheet].range((top + 1, col + 1), (bottom + 1, col + 1)).options(ndim=1).value
    by_row = {top + i: text_of(v) for i, v in enumerate(column)}

    def at(name: str) -> str:
        return by_row.get(names[name][1], "") if name in names else ""

    commentary: dict[str, str] = {}
    grid = next(
        (rect for key, rect in names.items() if rect[0] == SCORECARD_SHEET and key.endswith("_grid")), None
    )
    if grid:
        _, first, first_col, last, last_col = grid
        rows = book.sheets[SCORECARD_SHEET].range((first + 1, first_col + 1), (last + 1, last_col + 2)).value
        commentary = commentary_from_rows(rows)
    return WorkbookRecord(
        name=book.name,
        folder=_folder(book),
        options=at(record.OPTIONS),
        definition=at(record.DEFINITION),
        data=tuple(p.strip() for p in at(record.DATA).split(";") if p.strip()),
        shown=at(record.SHOWN),
        picked=at(record.PICKER),
        signature=cell(record.SIGNATURE),
        names=names,
        commentary=commentary,
    )


def _folder(book: Any) -> Path | None:
    """The workbook's folder on a desktop; else SCORECARD_XL_BASE_DIR (a server has no path)."""
    base = os.environ.get(BASE_DIR_ENV)
    if base:
        return Path(base)
    try:
        fullname = str(book.fullname)
    except Exception:
        return None
    if "://" in fullname or not os.path.isabs(fullname):  # OneDrive/SharePoint, or the web
        return None
    return Path(fullname).parent


def refresh(
    book: Any, period: str | None = None, check_only: bool = False, generated_at: dt.datetime | None = None
) -> RefreshOutcome:
    """Refresh `book` (an xlwings Book) in place; with `check_only`, plan everything and write nothing.

    Raises InputError, before any write, when anything is wrong."""
    started = time.perf_counter()
    plan = plan_refresh(read_record(book), period, generated_at)
    planned = time.perf_counter() - started
    if check_only:
        return RefreshOutcome(plan, 0, 0, planned)
    for write in plan.writes:
        book.sheets[write.sheet].range((write.first_row + 1, write.first_col + 1)).value = write.values
    return RefreshOutcome(plan, len(plan.writes), sum(w.cells for w in plan.writes), planned)


def _run(action: str) -> None:
    """What a ribbon button runs: act on the workbook that called, and say what went wrong."""
    import xlwings as xw

    book = xw.Book.caller()
    try:
        outcome = refresh(book, check_only=action == "check")
    except InputError as error:
        book.app.alert(
            f"Nothing was changed.\n\n{error.message(limit=8)}", title=f"{ALERT_TITLE}: cannot refresh"
        )
        return
    if action == "check":
        book.app.alert(f"The data is ready. {outcome.summary}.", title=f"{ALERT_TITLE}: data checked")


def main() -> None:
    """The Refresh button: show the month picked on the Cover, or else the latest month."""
    _run("refresh")


def check_data() -> None:
    """The Check data button: plan a refresh and report, without changing the workbook."""
    _run("check")


def refresh_payload(payload: dict[str, Any], period: str | None = None) -> dict[str, Any]:
    """Refresh for xlwings Server or VBA RunRemotePython: takes the workbook as Excel sends it and
    returns the actions for Excel to apply (an alert and no writes when something is wrong)."""
    import xlwings as xw

    book = xw.Book(json=payload)
    try:
        refresh(book, period)
    except InputError as error:
        book.app.alert(
            f"Nothing was changed.\n\n{error.message(limit=8)}", title=f"{ALERT_TITLE}: cannot refresh"
        )
    result: dict[str, Any] = book.json()
    return result
