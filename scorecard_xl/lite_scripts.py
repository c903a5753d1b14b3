"""scorecard-xl's scripts in xlwings Lite: Refresh, Change period, Check data and Refresh anyway.

xlwings Lite registers every function of a module that carries `@script` (xlwings'
`custom_scripts_meta`); App Mode shows one button per script, with a form field for each argument
after the workbook. This module is that module, whichever way it reaches Lite:
- as a plugin: `scorecard-xl` named in the workbook's requirements.txt, this module named by the
  wheel's entry point (group PLUGIN_GROUP, see the README on what is assumed there);
- in main.py: `from scorecard_xl.lite_scripts import *` (its whole content), once the wheel is
  installed from requirements.txt;
- through a main.py that installs the wheel from Lite's /data folder on first use: its scripts,
  written by `scorecard-xl lite` from these functions' signatures, call `run_script`.

The only module besides scorecard_xl.refresh.in_excel that imports xlwings, and only Lite imports it.
"""

from __future__ import annotations

import inspect
from typing import Any, Literal

import xlwings as xw
from xlwings.server import script  # (what `from xlwings import script` is in Lite, wherever imported)

from scorecard_xl.layout.cover_button import SCRIPT_BUTTON
from scorecard_xl.refresh.contents import RefreshRequest
from scorecard_xl.refresh.in_excel import run

__all__ = ["change_period", "check_data", "refresh", "refresh_anyway"]

PLUGIN_GROUP = "xlwings_lite.plugins"  # the entry point group this module is registered under


def say(title: str, text: str) -> None:
    """What a script did, in Lite's Output pane (Lite has no alert dialog)."""
    print(f"{title}\n{text}\n")


@script(name="Refresh", button=SCRIPT_BUTTON, show_taskpane=True)
def refresh(book: xw.Book) -> None:
    """# Refresh
    Show the period picked in the Cover's *Period to show* (Latest: the newest month complete
    enough), after folding in the rows pasted under the Data table and those of the Cover's data
    files imported into /data. Nothing changes if anything is wrong: this pane says what and where.
    The Cover's Refresh button runs this too."""
    run(book, "refresh", say=say)


# App Mode makes a drop-down of a Literal argument, fixed when Lite imports this module, before any
# workbook's months are known: so its choices count back from the latest, and a month may be typed.
AS_PICKED = "As picked on the Cover"
BACK = (AS_PICKED, "Latest", *(f"{n} before the latest" for n in range(1, 12)))


@script(name="Change period")
def change_period(
    book: xw.Book,
    show: Literal[
        "As picked on the Cover",
        "Latest",
        "1 before the latest",
        "2 before the latest",
        "3 before the latest",
        "4 before the latest",
        "5 before the latest",
        "6 before the latest",
        "7 before the latest",
        "8 before the latest",
        "9 before the latest",
        "10 before the latest",
        "11 before the latest",
    ] = "As picked on the Cover",
    or_month: str = "",
) -> None:
    """# Change period
    Show another period: choose it from the list (Latest is the newest month complete enough,
    then the months before it), or type it as YYYY-MM in *or month* (the Cover lists the months in
    the data), or keep *As picked on the Cover* to show the Cover's *Period to show*. The Cover's
    pick still decides what Refresh shows next."""
    asked = or_month.strip()
    if asked:
        request: RefreshRequest | None = RefreshRequest(period=asked)
    elif show != AS_PICKED and show in BACK:
        request = RefreshRequest(periods_back=BACK.index(show) - 1)
    else:
        request = None
    run(book, "period", request, say=say)


@script(name="Check data")
def check_data(book: xw.Book) -> None:
    """# Check data
    Check the data and say what a refresh would show; change nothing."""
    run(book, "check", say=say)


@script(name="Refresh anyway")
def refresh_anyway(book: xw.Book) -> None:
    """# Refresh anyway
    Refresh even though the workbook would then show less than it does now (an earlier latest
    month, measures losing their figures): Refresh refuses that and says why."""
    run(book, "refresh", RefreshRequest(allow_shrink=True), say=say)


SCRIPTS = {f.__name__: f for f in (refresh, change_period, check_data, refresh_anyway)}


def run_script(name: str, book: Any, *args: Any) -> None:
    """Run the script `name` itself, without xlwings' decorator: what the scripts of a main.py
    that installed scorecard-xl on first use call, so both routes run this code."""
    inspect.unwrap(SCRIPTS[name])(book, *args)
