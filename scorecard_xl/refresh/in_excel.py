"""Refresh inside Excel, through xlwings' Book interface: with lite_scripts (Lite's scripts), the
only module that uses xlwings (and imports it only in `refresh_payload` and `_caller`).

One refresh for every runtime; each runs the same three actions (Refresh, Change period, Check
data) on the workbook in hand:
- xlwings Lite (Python in Excel through Pyodide, on Windows, Mac and the web; free): the
  `@script` functions of scorecard_xl.lite_scripts (a Lite plugin) call `run(book, ...)`;
- desktop Excel through the ribbon add-in: `main()`, `change_period()`, `check_data()` act on
  `xw.Book.caller()`;
- xlwings Server, Office.js and VBA `RunServerPython`: `refresh_payload(payload)` takes the
  workbook as Excel sends it and returns the actions for Excel to apply;
- the command line: `scorecard_xl.refresh.without_excel.refresh_file` (no Excel; a new file by xlsxwriter).

The plan is made first (excel_writes.plan_refresh), from a snapshot of the workbook, and only then written:
number formats, then one 2-D block per write (each call from desktop Excel is a cross-process
round trip), the Data table resized, and the widths and heights the new values need. Conditional
formats, sparklines, formulas, the period picker and the analyst's commentary are never written.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorecard_xl.errors import InputError, Problem
from scorecard_xl.generate.allocation import bulk_allocation
from scorecard_xl.refresh.contents import RefreshRequest
from scorecard_xl.refresh.excel_writes import RefreshPlan, plan_refresh
from scorecard_xl.workbook.fields import PREFIX
from scorecard_xl.workbook.reader import read_record
from scorecard_xl.workbook.snapshot import (
    CellBudget,
    Rect,
    SheetValues,
    WorkbookSnapshot,
    snapshot_from_payload,
)
from scorecard_xl.workbook.trust import BASE_DIR_ENV, Trust

TITLE = "Scorecard"
ALERT_LINE = 300  # characters of one problem shown in an alert: an echo of garbage stays short
ALERT_PROBLEMS = 8
EXCEL_ENGINE = "excel"  # desktop Excel (COM or AppleScript); the others take widths in points


@dataclass(frozen=True)
class RefreshOutcome:
    plan: RefreshPlan
    writes: int  # write calls made (0 when only checking)
    seconds: float  # reading the workbook and planning, before the first write

    @property
    def message(self) -> str:
        warnings = "".join(f"\nNote: {warning}." for warning in self.plan.warnings)
        return f"{self.plan.summary}.\n{self.plan.data_summary}.{warnings}"


def snapshot_from_book(book: Any) -> WorkbookSnapshot:
    """The workbook through xlwings (any engine): its defined names now, its sheets when read.
    On the remote engine (Lite, Server) `book.api` is the JSON Excel sent: read it as it is."""
    sent = getattr(book, "api", None)
    if isinstance(sent, dict) and "sheets" in sent:
        return snapshot_from_payload(sent, book_folder(book))
    return snapshot_through_ranges(book)


def snapshot_through_ranges(book: Any) -> WorkbookSnapshot:
    """The workbook through xlwings' Range interface: desktop Excel, one used range per sheet read."""
    found: dict[str, Rect] = {}
    for name in book.names:
        short = name.name.rsplit("!", 1)[-1]
        if not short.startswith(PREFIX):
            continue
        try:
            cells = name.refers_to_range
        except Exception:  # a name whose cells were deleted: #REF!
            continue
        last = cells.last_cell
        found[short] = (cells.sheet.name, cells.row - 1, cells.column - 1, last.row - 1, last.column - 1)

    budget = CellBudget(book.name)

    def load(sheet: str) -> SheetValues:
        used = book.sheets[sheet].used_range
        rows, columns = used.shape
        budget.take(sheet, rows * columns, rows * columns)  # (before Excel is asked for them)
        values = used.options(ndim=2).value
        return SheetValues(values, used.row - 1, used.column - 1)

    return WorkbookSnapshot(book.name, book_folder(book), found, load)


def book_folder(book: Any) -> Path | None:
    """The workbook's folder on a desktop; else SCORECARD_XL_BASE_DIR (a server has no folder)."""
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
    book: Any,
    request: RefreshRequest | None = None,
    check_only: bool = False,
    snapshot: WorkbookSnapshot | None = None,
    sizes: bool = True,
) -> RefreshOutcome:
    """Refresh `book` (an xlwings Book of any engine) in place; with `check_only`, plan everything
    and write nothing. Raises InputError, before any write, when anything is wrong (including a
    refresh that would show less: see RefreshPlan.shrinks)."""
    started = time.perf_counter()
    plan = plan_refresh(snapshot or snapshot_from_book(book), request)
    planned = time.perf_counter() - started
    if plan.shrinks:
        raise ShrinkRefused(plan)
    if check_only:
        return RefreshOutcome(plan, 0, planned)
    return RefreshOutcome(plan, apply_plan(book, plan, sizes), planned)


class ShrinkRefused(InputError):
    """The refresh would show less than the workbook does now; it goes ahead only when asked."""

    def __init__(self, plan: RefreshPlan) -> None:
        self.plan = plan
        super().__init__(
            [
                Problem(
                    plan.record.name,
                    "",
                    "",
                    None,
                    f"this refresh would show less than the workbook does now: {lost}",
                )
                for lost in plan.shrinks
            ]
        )


@bulk_allocation()  # (xlwings turns every value written into its own lists)
def apply_plan(book: Any, plan: RefreshPlan, sizes: bool = True) -> int:
    """Write a plan; returns the number of write calls. `sizes=False` leaves column widths and row
    heights alone, for clients that cannot set them (xlwings Server's Office.js and VBA clients)."""
    calls = 0
    for fmt in plan.formats:
        sheet = book.sheets[fmt.sheet]
        sheet.range(
            (fmt.first_row + 1, fmt.first_col + 1), (fmt.last_row + 1, fmt.last_col + 1)
        ).number_format = fmt.number_format
        calls += 1
    for write in plan.writes:
        book.sheets[write.sheet].range((write.first_row + 1, write.first_col + 1)).value = write.values
        calls += 1
    resize = plan.resize
    sheet = book.sheets[resize.sheet]
    sheet.tables[resize.table].resize(
        sheet.range((resize.first_row + 1, resize.first_col + 1), (resize.last_row + 1, resize.last_col + 1))
    )
    calls += 1
    in_points = book.app.engine.name != EXCEL_ENGINE
    for change in plan.sizes if sizes else []:
        sheet = book.sheets[change.sheet]
        if change.axis == "column":
            cells = sheet.range((1, change.first + 1), (1, change.last + 1))
            cells.column_width = width_in_points(change.size) if in_points else change.size
        else:
            cells = sheet.range((change.first + 1, 1), (change.last + 1, 1))
            cells.row_height = change.size
        calls += 1
    return calls


def width_in_points(characters: float) -> float:
    """Excel's column width unit (digits of the default 11 pt Calibri, 7 px each, plus 5 px of
    padding) in points, the unit Office.js takes."""
    return round((characters * 7 + 5) * 0.75, 2)


def alert_text(error: InputError) -> str:
    lines = [
        line if len(line) <= ALERT_LINE else line[: ALERT_LINE - 1] + "…"
        for line in error.message(limit=ALERT_PROBLEMS).splitlines()
    ]
    return "\n".join(lines)


def run(
    book: Any,
    action: str = "refresh",
    request: RefreshRequest | None = None,
    confirm: Callable[[str], bool] | None = None,
    say: Callable[[str, str], None] | None = None,
    sizes: bool = True,
    say_refreshed: bool = True,
) -> RefreshOutcome | None:
    """What each button does, in every runtime: "refresh" (the picked period, else the latest),
    "period" (Change period: the month picked on the Cover) or "check" (plan, write nothing).
    `say(title, text)` tells the analyst the outcome (an alert, or print in xlwings Lite);
    `confirm(question)` asks before a refresh that would show less, where the runtime can ask (a
    desktop alert); where it cannot, the refresh is refused with a message. Without
    `say_refreshed`, a refresh that went well is told by the workbook alone (the Cover's data
    status says when and what it brought); refusals, problems, notes the analyst needs (a month
    most measures lack, a chart whose figures outgrew its axis) and check's answer are still said."""
    say = say or (lambda title, text: alert(book, title, text))
    request = request or RefreshRequest()
    try:
        snapshot = snapshot_from_book(book)
        asked = request.period or request.periods_back is not None
        if action == "period" and not asked and not read_record(snapshot).picked:
            say(
                f"{TITLE}: pick a period first",
                "Pick a month in the Cover's 'Period to show' cell (the drop-down lists the months "
                "in the data), then click Change period again.",
            )
            return None
        try:
            outcome = refresh(book, request, action == "check", snapshot, sizes)
        except ShrinkRefused as refused:
            question = f"{alert_text(refused)}\n\nRefresh anyway?"
            if action == "check" or confirm is None or not confirm(question):
                raise
            outcome = refresh(book, _allowing_shrink(request), False, snapshot, sizes)
    except InputError as error:
        say(f"{TITLE}: nothing was changed", f"Nothing was changed.\n\n{alert_text(error)}")
        return None
    if action == "check":
        say(f"{TITLE}: the data is ready", f"The data is ready; nothing was changed.\n{outcome.message}")
    elif say_refreshed or outcome.plan.warnings:  # (a note the analyst needs is said wherever)
        say(f"{TITLE}: refreshed", f"Refreshed.\n{outcome.message}")
    return outcome


def _allowing_shrink(request: RefreshRequest) -> RefreshRequest:
    return dataclasses.replace(request, allow_shrink=True)


def alert(book: Any, title: str, text: str) -> None:
    book.app.alert(text, title=title)


def _desktop(action: str) -> None:
    """A ribbon button in desktop Excel: act on the workbook that called, and say what happened.
    Unlike xlwings Server, success is said in an alert too: a ribbon click is always a person
    waiting for an answer (never a macro running refreshes unattended), RunPython shows no other
    sign that it finished, and the Cover, where the data status says it, is rarely the sheet in
    view. The Cover's status records it all the same."""
    book = _caller()

    def confirm(question: str) -> bool:
        return bool(book.app.alert(question, title=f"{TITLE}: refresh anyway?", buttons="ok_cancel") == "ok")

    run(book, action, confirm=confirm)


def _caller() -> Any:
    import xlwings as xw

    return xw.Book.caller()


def main() -> None:
    """The Refresh button: show the period picked on the Cover, or else the latest."""
    _desktop("refresh")


def change_period() -> None:
    """The Change period button: show the month picked on the Cover."""
    _desktop("period")


def check_data() -> None:
    """The Check data button: plan a refresh and report, without changing the workbook."""
    _desktop("check")


def refresh_payload(
    payload: dict[str, Any], action: str = "refresh", allow_shrink: bool = False, trust: Trust | None = None
) -> dict[str, Any]:
    """Refresh for xlwings Server, Office.js or VBA RunServerPython: takes the workbook as Excel
    sends it and returns the actions for Excel to apply, with no alert when it goes well (the
    Cover's data status says when and what it brought: a dialog on every refresh only gets in the
    way); when anything is wrong, one alert and no writes. Check data ("check") answers in an
    alert, as it writes nothing. (A refresh that would show less is refused: call again with
    allow_shrink=True.) The workbook came from whoever uploaded it: what it may read besides
    itself is what `trust` (the server's settings; default Trust.from_environment():
    SCORECARD_XL_BASE_DIR and the like) allows, never more."""
    import xlwings as xw

    try:
        book = xw.Book(json=payload)
    except Exception as error:  # XlwingsError: another xlwings version, or not a workbook payload
        return alert_actions(
            f"{TITLE}: nothing was changed",
            f"Nothing was changed.\n\nThe workbook could not be read: {error}",
        )
    # xlwings Server's Office.js and VBA clients have no handler for widths and heights.
    run(
        book, action, RefreshRequest(allow_shrink=allow_shrink, trust=trust), sizes=False, say_refreshed=False
    )
    result: dict[str, Any] = book.json()
    return result


def alert_actions(title: str, text: str) -> dict[str, Any]:
    """The actions of a response that only shows an alert, in xlwings' own form."""
    return {
        "actions": [
            {
                "func": "alert",
                "args": [text, title, "ok", "info", ""],
                "values": None,
                "sheet_position": None,
                "start_row": None,
                "start_column": None,
                "row_count": None,
                "column_count": None,
            }
        ]
    }


def plan_payload(payload: dict[str, Any], request: RefreshRequest | None = None) -> RefreshPlan:
    """A plan from the JSON Excel sends, without xlwings (Pyodide tests, servers without it)."""
    return plan_refresh(snapshot_from_payload(payload), request)
