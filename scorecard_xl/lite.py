"""xlwings Lite: the `main.py` and `requirements.txt` an analyst pastes into the Lite editor, so
Refresh, Change period and Check data run inside Excel (Windows, Mac, the web) with no local
Python, no macros and no add-in file: xlwings Lite is an Office add-in from the store that runs
Python through Pyodide, free for personal and commercial use.

scorecard-xl itself is not on a public package index, so `main.py` installs it on first use from
a wheel: by default the wheel file the analyst imports into Lite's /data folder (Lite: Files >
Import), or a web address (an internal server that allows Lite's origin, https://addin.xlwings.org,
through CORS) given with --wheel. What a refresh needs comes from PyPI through `requirements.txt`,
pinned to the versions this Python has, so Lite runs the code the tests ran.
"""

from __future__ import annotations

import importlib.metadata
import shutil
from dataclasses import dataclass
from pathlib import Path

from scorecard_xl import __version__
from scorecard_xl.atomic import write_atomically
from scorecard_xl.errors import InputError, Problem

XLWINGS = "0.37.8"  # the xlwings the tests run refresh through (Lite reads xlwings from requirements.txt)
DEPENDENCIES = ("xlsxwriter", "openpyxl", "et-xmlfile")  # pure Python, from PyPI
PYODIDE_PACKAGES = ("pyyaml",)  # built for Pyodide, from its own repository (YAML definitions only)
LITE_FOLDER = "/data"
WHEEL_NAME = f"scorecard_xl-{__version__}-py3-none-any.whl"

MAIN = '''"""scorecard-xl in xlwings Lite: Refresh, Change period and Check data for scorecard workbooks.

Written by `scorecard-xl lite` (scorecard-xl {version}). Paste it into the Lite editor's main.py,
paste requirements.txt into the requirements tab, then Restart. The scripts below appear in Lite's
task pane (and as buttons in App Mode); what each one did is printed in the Output pane.
"""

import xlwings as xw
from xlwings import script

# scorecard-xl itself: installed on first use from this wheel (see the README, "Refresh in Excel").
WHEEL = "{wheel}"


async def _refresh_module():
    try:
        import scorecard_xl.refresh
    except ImportError:
        try:
            import micropip

            await micropip.install(WHEEL, deps=False)  # its dependencies come from requirements.txt
        except Exception as error:  # no wheel there: say what to do, not a traceback
            _say(
                "Nothing was changed: scorecard-xl is not installed.",
                f"It installs itself from {{WHEEL}} the first time, and that failed "
                f"({{str(error)[:200]}}). Import the wheel into /data (Files > Import), or correct "
                "WHEEL at the top of main.py, then run the script again.",
            )
            return None
        import scorecard_xl.refresh
    return scorecard_xl.refresh


def _say(title, text):
    print(f"{{title}}\\n{{text}}\\n")


async def _run(book, action, allow_shrink=False):
    module = await _refresh_module()
    if module:
        request = module.RefreshRequest(allow_shrink=True) if allow_shrink else None
        module.run(book, action, request, say=_say)


@script
async def refresh(book: xw.Book):
    """Show the month picked on the Cover (Latest: the newest in the data), after folding in rows
    pasted under the Data table and the rows of the Cover's data files imported into /data."""
    await _run(book, "refresh")


@script
async def change_period(book: xw.Book):
    """Show the month picked in the Cover's 'Period to show' cell."""
    await _run(book, "period")


@script
async def check_data(book: xw.Book):
    """Check the data and say what a refresh would show; change nothing."""
    await _run(book, "check")


@script
async def refresh_anyway(book: xw.Book):
    """Refresh even though the workbook would then show less (a refresh refused for that says so)."""
    await _run(book, "refresh", allow_shrink=True)
'''


@dataclass(frozen=True)
class LiteFiles:
    main: Path
    requirements: Path
    wheel: Path | None  # the wheel copied beside them, to import into Lite's /data


def requirements_text() -> str:
    """requirements.txt: xlwings and what a refresh needs, pinned to this Python's versions.
    scorecard-xl itself is not listed: main.py installs it without its dependencies, so Lite never
    fetches what a refresh does not use (pandas, for notebooks)."""
    lines = [
        f"# For scorecard-xl {__version__} in xlwings Lite (written by `scorecard-xl lite`).",
        f"xlwings=={_version('xlwings', XLWINGS)}",
        *(f"{name}=={_version(name)}" for name in DEPENDENCIES if _version(name)),
        *PYODIDE_PACKAGES,
    ]
    return "\n".join(lines) + "\n"


def _version(name: str, default: str = "") -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return default


def main_text(wheel: str) -> str:
    return MAIN.format(version=__version__, wheel=wheel)


def write_lite_files(folder: str | Path, wheel: str | Path | None = None, force: bool = False) -> LiteFiles:
    """Write main.py and requirements.txt into `folder`. `wheel` is where Lite installs scorecard-xl
    from: a web address, or a local wheel file, copied beside them to import into Lite's /data (by
    default this version's wheel is looked for there)."""
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise InputError.of(
            str(target), "", "", None, "is a file; give a folder for main.py and requirements.txt"
        )
    url = str(wheel) if wheel and str(wheel).startswith(("https://", "http://")) else None
    local = Path(wheel) if wheel and not url else None
    if local is not None and (local.suffix != ".whl" or not local.is_file()):
        raise InputError.of(
            str(local),
            "",
            "wheel",
            None,
            "a scorecard-xl .whl file (build one: pip wheel --no-deps -w dist .)",
        )
    main, requirements = target / "main.py", target / "requirements.txt"
    copied = target / local.name if local is not None else None
    existing = [p for p in (main, requirements, *([copied] if copied else [])) if p.exists()]
    if existing and not force:
        raise InputError(
            [Problem(str(p), "", "", None, "already exists; pass `force` to replace it") for p in existing]
        )
    target.mkdir(parents=True, exist_ok=True)
    installed_from = url or f"emfs:{LITE_FOLDER}/{local.name if local else WHEEL_NAME}"
    write_atomically(main, main_text(installed_from).encode("utf-8"))
    write_atomically(requirements, requirements_text().encode("utf-8"))
    if local is not None and copied is not None and local.resolve() != copied.resolve():
        shutil.copyfile(local, copied)
    return LiteFiles(main, requirements, copied)


STEPS = """\
In Excel (Windows, Mac or Excel on the web), with the scorecard workbook open:
  1. Home > Add-ins > search "xlwings Lite" > Add (once per computer or account).
  2. Open xlwings Lite from the Home tab; in its editor, replace main.py with {main}
     and the requirements tab with {requirements}; then Restart (the ... menu).
  3. {wheel_step}
  4. Run a script from the task pane: refresh, change_period, check_data (or refresh_anyway).
New rows: paste them under the Data table, or import a data file into /data with the same name
as the Cover's "Data files" cell, then run refresh. Nothing is written if anything is wrong; the
Output pane says what happened."""


def install_steps(files: LiteFiles, url: str | None) -> str:
    if url:
        wheel_step = (
            f"scorecard-xl is installed from {url} (the server must allow https://addin.xlwings.org)."
        )
    else:
        name = files.wheel.name if files.wheel else WHEEL_NAME
        wheel_step = (
            f"Files > Import: import {name} into /data (once;\n     from {files.wheel.parent}, "
            "or built with: pip wheel --no-deps -w dist . in a scorecard-xl checkout)."
            if files.wheel
            else f"Files > Import: import {name} into /data (once;\n     build it with: pip wheel "
            "--no-deps -w dist . in a scorecard-xl checkout, or pass --wheel)."
        )
    return STEPS.format(main=files.main, requirements=files.requirements, wheel_step=wheel_step)
