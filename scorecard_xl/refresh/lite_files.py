"""xlwings Lite: the `requirements.txt` and `main.py` a workbook needs for Refresh, Change period,
Check data and Refresh anyway to run inside Excel (Windows, Mac, the web) with no local Python, no
macros and no add-in file. xlwings Lite is an Office add-in from the store that runs Python through
Pyodide, free for personal and commercial use.

scorecard-xl is not on a public package index, so Lite installs it from one of three places:
- a web address of its wheel (an internal server that allows Lite's origin,
  https://addin.xlwings.org, through CORS): requirements.txt names it, and main.py is one line;
- the organisation's own package index (self-hosted Lite's XLWINGS_PYPI_INDEX_URL): requirements.txt
  names scorecard-xl, and main.py is the same line;
- the wheel file imported into Lite's /data folder (Files > Import): main.py installs it on first
  use, so main.py holds the scripts themselves, written from scorecard_xl/lite_scripts.py.
Either way the scripts run scorecard_xl.lite_scripts' code. This module never imports xlwings: the
/data route's scripts are read from lite_scripts.py's source.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

from scorecard_xl import __version__
from scorecard_xl.atomic import write_atomically
from scorecard_xl.errors import InputError, Problem
from scorecard_xl.layout import cover_button

# 0.36.2: scripts take arguments (App Mode's form fields); 0.36.6: Pyodide 314. Tested with 0.37.8.
# Upper bounds, not pins: Lite records what it installed in requirements-pinned.txt itself.
XLWINGS = "xlwings>=0.36.6,<0.38"
# What scorecard-xl needs in Lite when it is installed without its dependencies (the /data route).
DEPENDENCIES = ("xlsxwriter>=3.1,<4", "openpyxl>=3.1,<4", "pyyaml")
LITE_FOLDER = "/data"
WHEEL_NAME = f"scorecard_xl-{__version__}-py3-none-any.whl"
SCRIPTS_SOURCE = Path(__file__).parents[1] / "lite_scripts.py"  # (scorecard_xl.lite_scripts)

ONE_LINE_MAIN = '''"""scorecard-xl {version} in xlwings Lite: Refresh, Change period, Check data."""

from scorecard_xl.lite_scripts import *  # noqa: F403 (the scripts, installed from requirements.txt)
'''

DATA_MAIN_HEAD = '''"""scorecard-xl in xlwings Lite: Refresh, Change period, Check data and Refresh anyway.

Written by `scorecard-xl lite` (scorecard-xl {version}) for a wheel imported into Lite's /data:
scorecard-xl installs itself from it the first time a script runs. What each script did is
printed in the Output pane.
"""

from typing import Literal

import xlwings as xw
from xlwings import script

WHEEL = "{wheel}"


async def _run(name, book, *args):
    try:
        import scorecard_xl.lite_scripts as scripts
    except ImportError:
        try:
            import micropip

            await micropip.install(WHEEL, deps=False)  # its dependencies come from requirements.txt
        except Exception as error:  # no wheel there: say what to do, not a traceback
            print(
                "Nothing was changed: scorecard-xl is not installed.\\n"
                f"It installs itself from {{WHEEL}} the first time, and that failed "
                f"({{str(error)[:200]}}). Import the wheel into /data (Files > Import), or correct "
                "WHEEL at the top of main.py, then run the script again.\\n"
            )
            return
        import scorecard_xl.lite_scripts as scripts
    scripts.run_script(name, book, *args)
'''


@dataclass(frozen=True)
class LiteFiles:
    main: Path
    requirements: Path
    wheel: Path | None  # the wheel copied beside them, to import into Lite's /data


def scorecard_requirement(wheel_url: str | None) -> str:
    """How requirements.txt names scorecard-xl: its wheel's address, else by name from the
    organisation's index, up to the next minor version."""
    if wheel_url:
        return f"scorecard-xl @ {wheel_url}"
    major, minor = __version__.split(".")[:2]
    return f"scorecard-xl>={__version__},<{major}.{int(minor) + 1}"


def requirements_text(wheel_url: str | None = None, from_index: bool = False) -> str:
    """requirements.txt: xlwings and scorecard-xl (with what it needs) when Lite can install it
    (a web address, or the organisation's index); else xlwings and scorecard-xl's dependencies,
    main.py installing scorecard-xl itself from /data."""
    head = f"# For scorecard-xl {__version__} in xlwings Lite (written by `scorecard-xl lite`)."
    if wheel_url or from_index:
        return "\n".join([head, XLWINGS, scorecard_requirement(wheel_url)]) + "\n"
    return "\n".join([head, XLWINGS, *DEPENDENCIES]) + "\n"


def main_text(wheel: str | None = None) -> str:
    """main.py: one line when requirements.txt installs scorecard-xl (`wheel` None); else, for a
    wheel at `wheel` (an emfs:/data/... path), the scripts themselves (data_route_scripts)."""
    if wheel is None:
        return ONE_LINE_MAIN.format(version=__version__)
    return DATA_MAIN_HEAD.format(version=__version__, wheel=wheel) + data_route_scripts()


def data_route_scripts() -> str:
    """lite_scripts' @script functions as main.py's own: the same decorator arguments, signature
    and docstring, each calling `_run` (which installs scorecard-xl, then runs the real one)."""
    constants = {"SCRIPT_BUTTON": cover_button.SCRIPT_BUTTON}
    tree = ast.parse(SCRIPTS_SOURCE.read_text(encoding="utf-8"))
    parts = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not node.decorator_list:
            continue
        decorator = node.decorator_list[0]
        for keyword in decorator.keywords if isinstance(decorator, ast.Call) else []:
            if isinstance(keyword.value, ast.Name):  # a constant of ours: its value, in main.py
                keyword.value = ast.Constant(constants[keyword.value.id])
        node.returns = None
        passed = ", ".join(arg.arg for arg in node.args.args[1:])
        call = f"await _run({node.name!r}, {node.args.args[0].arg}{', ' + passed if passed else ''})"
        body: list[ast.stmt] = [node.body[0]] if ast.get_docstring(node) else []
        node.body = [*body, ast.parse(call).body[0]]
        parts.append(ast.unparse(node).replace("\ndef ", "\nasync def ", 1))  # (it awaits _run)
    return "\n\n" + "\n\n\n".join(parts) + "\n"


def write_lite_files(
    folder: str | Path, wheel: str | Path | None = None, force: bool = False, from_index: bool = False
) -> LiteFiles:
    """Write main.py and requirements.txt into `folder`. `wheel` is where Lite installs
    scorecard-xl from: a web address (named in requirements.txt), or a local wheel file, copied
    beside them to import into Lite's /data (by default this version's wheel is looked for there);
    `from_index`: from the organisation's package index, by name."""
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
    installed = url or from_index
    in_data = None if installed else f"emfs:{LITE_FOLDER}/{local.name if local else WHEEL_NAME}"
    write_atomically(main, main_text(in_data).encode("utf-8"))
    write_atomically(requirements, requirements_text(url, from_index).encode("utf-8"))
    if local is not None and copied is not None and local.resolve() != copied.resolve():
        shutil.copyfile(local, copied)
    return LiteFiles(main, requirements, copied)


STEPS = """\
In Excel (Windows, Mac or Excel on the web), with the scorecard workbook open:
  1. Home > Add-ins > search "xlwings Lite" > Add (once per computer or account), then open it
     from the Home tab.
  2. {paste_step}
{wheel_step}  Then click the Cover's Refresh button, or a script in Lite's task pane: Refresh,
  Change period, Check data (changes nothing) or Refresh anyway.
New rows: paste them under the Data table, or import a data file into /data with the same name
as the Cover's "Data files" cell, then Refresh. Nothing is written if anything is wrong; the
Output pane says what happened."""


def install_steps(files: LiteFiles, url: str | None, from_index: bool = False) -> str:
    paste = (
        f"In Lite's editor, replace requirements.txt with {files.requirements} and main.py with "
        f"{files.main}; then Restart (the ... menu). Lite keeps both in the workbook."
    )
    if url:
        wheel_step = (
            f"  (Lite installs scorecard-xl from {url}: the server must allow https://addin.xlwings.org.)\n"
        )
    elif from_index:
        wheel_step = "  (Lite installs scorecard-xl from your organisation's package index.)\n"
    else:
        name = files.wheel.name if files.wheel else WHEEL_NAME
        where = (
            f"from {files.wheel.parent}"
            if files.wheel
            else "build it: pip wheel --no-deps -w dist . in a scorecard-xl checkout, or pass --wheel"
        )
        wheel_step = f"  3. Files > Import: import {name} into /data (once per computer; {where}).\n"
    return STEPS.format(paste_step=paste, wheel_step=wheel_step)
