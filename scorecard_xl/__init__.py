"""scorecard-xl: board-ready performance scorecard workbooks from a definition and tidy data.

The library first; the command line (`scorecard-xl`) is a thin shell over it:

    from scorecard_xl import build
    build("scorecard.xlsx")                      # the bundled sample
    build("march.xlsx", "my_scorecard.toml", ["data.csv"], period="2023-03")
"""

__version__ = "0.1.0"

from scorecard_xl.build import build, load_inputs, render
from scorecard_xl.errors import InputError, Problem

__all__ = ["InputError", "Problem", "__version__", "build", "check_data", "load_inputs", "main", "render"]


def main() -> None:
    """The Excel add-in's Refresh button (the xlwings ribbon add-in runs `scorecard_xl.main()`)."""
    from scorecard_xl.refresh import main as refresh_caller

    refresh_caller()


def check_data() -> None:
    """Check the caller's data without changing the workbook (see `scorecard_xl.refresh`)."""
    from scorecard_xl.refresh import check_data as check_caller

    check_caller()
