"""scorecard-xl: board-ready performance scorecard workbooks from a definition and tidy data.

The library is the front door; the command line (`scorecard-xl`) is a thin shell over it:

    import scorecard_xl as sx

    sx.build("scorecard.xlsx")                                   # the bundled sample
    sx.build("march.xlsx", "my_scorecard.toml", ["data.csv"], period="2023-03")
    sx.build("march.xlsx", "my_scorecard.toml", frame)          # a tidy pandas DataFrame as data
    sx.build("pack.xlsx", options=sx.Options(marking="OFFICIAL-SENSITIVE", publish=5))
    sx.refresh_file("board.xlsx")                                # the latest month, in place
    sx.validate("my_scorecard.toml", "data.csv")                # load and judge, write nothing
    sx.check_workbook("board.xlsx")                              # findings; [] when safe to send
    sx.send_book("board.xlsx", to=["chair@example.gov.uk"], dry_run="outbox")
    sx.run_batch("board_pack.toml")                              # many workbooks, in parallel
    sx.scorecard_frame("my_scorecard.toml", "data.csv")         # the month as one tidy DataFrame
    sx.read_workbook("board.xlsx")                               # a built workbook's figures

Bad input raises `InputError`, whose `problems` each name the file, the row or measure, the field,
the bad value and what is accepted.

Names are imported on first use, so `import scorecard_xl` (and the command line) stays fast: the
pipeline, openpyxl, pandas and xlwings load only when something needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

# name -> the module that defines it
_PUBLIC = {
    "build": "scorecard_xl.generate.sequence",
    "render": "scorecard_xl.generate.sequence",
    "load_inputs": "scorecard_xl.generate.loading",
    "Options": "scorecard_xl.inputs.options",
    "BuildResult": "scorecard_xl.generate.sequence",
    "Inputs": "scorecard_xl.generate.loading",
    "validate": "scorecard_xl.generate.validation",
    "Validation": "scorecard_xl.generate.validation",
    "refresh_file": "scorecard_xl.refresh.without_excel",
    "check_workbook": "scorecard_xl.checks.check",
    "send_book": "scorecard_xl.send",
    "run_batch": "scorecard_xl.batch",
    "scorecard_frame": "scorecard_xl.generate.dataframes",
    "frame_of": "scorecard_xl.generate.dataframes",
    "read_workbook": "scorecard_xl.generate.dataframes",
    "InputError": "scorecard_xl.errors",
    "Problem": "scorecard_xl.errors",
}

__all__ = [*sorted(_PUBLIC), "__version__", "change_period", "check_data", "main"]

if TYPE_CHECKING:  # what a type checker and an editor see; at run time __getattr__ imports
    from scorecard_xl.batch import run_batch as run_batch
    from scorecard_xl.checks.check import check_workbook as check_workbook
    from scorecard_xl.errors import InputError as InputError
    from scorecard_xl.errors import Problem as Problem
    from scorecard_xl.generate.dataframes import frame_of as frame_of
    from scorecard_xl.generate.dataframes import read_workbook as read_workbook
    from scorecard_xl.generate.dataframes import scorecard_frame as scorecard_frame
    from scorecard_xl.generate.loading import Inputs as Inputs
    from scorecard_xl.generate.loading import load_inputs as load_inputs
    from scorecard_xl.generate.sequence import BuildResult as BuildResult
    from scorecard_xl.generate.sequence import build as build
    from scorecard_xl.generate.sequence import render as render
    from scorecard_xl.generate.validation import Validation as Validation
    from scorecard_xl.generate.validation import validate as validate
    from scorecard_xl.inputs.options import Options as Options
    from scorecard_xl.refresh.without_excel import refresh_file as refresh_file
    from scorecard_xl.send import send_book as send_book


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'scorecard_xl' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))


def main() -> None:
    """The Excel add-in's Refresh button (the xlwings ribbon add-in runs `scorecard_xl.main()`)."""
    from scorecard_xl.refresh.in_excel import main as refresh_caller

    refresh_caller()


def check_data() -> None:
    """Check the caller's data and change nothing: for an add-in whose VBA passes its ribbon
    button's tag on ("check"); the shipped ribbon cannot, so it has no Check data button."""
    from scorecard_xl.refresh.in_excel import check_data as check_caller

    check_caller()


def change_period() -> None:
    """Show the month picked on the caller's Cover (the ribbon's Change period, through main())."""
    from scorecard_xl.refresh.in_excel import change_period as change_caller

    change_caller()
