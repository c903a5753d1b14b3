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
from typing import Any

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


@script(name="Change period")
def change_period(book: xw.Book, period: str = "") -> None:
    """# Change period
    Show another month: type it as YYYY-MM (the Cover lists the months in the data), or leave it
    blank for the one picked in the Cover's *Period to show*. The Cover's pick still decides what
    Refresh shows next."""
    asked = period.strip()
    run(book, "period", RefreshRequest(period=asked) if asked else None, say=say)


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
