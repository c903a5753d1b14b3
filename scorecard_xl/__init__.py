"""scorecard-xl: board-ready performance scorecard workbooks from a definition and tidy data.

The library first; the command line (`scorecard-xl`) is a thin shell over it:

    from scorecard_xl import build
    build("scorecard.xlsx")                      # the bundled sample
    build("march.xlsx", "my_scorecard.toml", ["data.csv"], period="2023-03")
"""

__version__ = "0.1.0"

from scorecard_xl.build import build, load_inputs, render
from scorecard_xl.errors import InputError, Problem

__all__ = ["InputError", "Problem", "__version__", "build", "load_inputs", "render"]
