"""scorecard-xl as an xlwings Lite plugin, proved in real Pyodide: 0.27.5 (tests/pyodide) and the
newest Lite runs, 314.x (tests/pyodide-latest), both under Node and offline.

Each Pyodide installs the wheels requirements.txt names (scorecard-xl's own, built from this
checkout, and what it needs, each a pure-Python wheel unpacked as micropip unpacks it: the offline
npm packages ship no micropip); the plugin is found through the wheel's entry point, its scripts
are registered with xlwings' own `custom_scripts_meta` (what Lite lists and App Mode shows), and
each is run with `custom_scripts_call`, the workbook injected by its type hint and the form's
arguments passed positionally, as Lite runs a script. What they write must be what the same code
writes in CPython, and a Refresh must leave the workbook as the command line's refresh does.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from excel_payload import (
    apply_actions,
    as_a_build_says,
    differences,
    formula_cells,
    payload_from_file,
    sent,
)
from packaging.requirements import Requirement
from pyodide_runner import installed_wheels, run_in_cpython, run_in_pyodide, session

from scorecard_xl.checks.schema_audit import audit
from scorecard_xl.cli import main
from scorecard_xl.generate.sequence import build
from scorecard_xl.layout.cover_button import NAME, SCRIPT_BUTTON, TARGET
from scorecard_xl.lite_scripts import AS_PICKED, BACK, PLUGIN_GROUP
from scorecard_xl.refresh.lite_files import requirements_text
from scorecard_xl.write.libreoffice import find_soffice
from tests.conftest import FIXED_EPOCH, SAMPLE

pytestmark = pytest.mark.slow(seconds=15)  # (tests/conftest.py runs these first)

EPOCH = FIXED_EPOCH
PYODIDES = ("pinned", "latest")
VERSIONS = {"pinned": ("0.27.5", "3.12"), "latest": ("314.0.8", "3.14")}
SCRIPT_NAMES = ["change_period", "check_data", "refresh", "refresh_anyway"]

DISCOVER = f"""
import importlib.metadata
from xlwings.server import custom_scripts_meta

import inspect
import typing

found = list(importlib.metadata.entry_points(group={PLUGIN_GROUP!r}))
module = found[0].load()
# App Mode's form: a field per argument after the book, a drop-down for a Literal (lite.xlwings.org)
change = inspect.signature(module.change_period).parameters
hints = typing.get_type_hints(module.change_period)
form = [
    [name, typing.get_origin(hints[name]) is typing.Literal, list(typing.get_args(hints[name])), p.default]
    for name, p in list(change.items())[1:]
]
[[(entry.name, entry.value) for entry in found], custom_scripts_meta(module), form]
"""

RUN_SCRIPT = """
import contextlib
import importlib
import io
import json
from pathlib import Path

import xlwings as xw
from xlwings.server import custom_scripts_call

module = importlib.import_module("scorecard_xl.lite_scripts")
book = xw.Book(json=json.loads(Path("payload.json").read_text()))
printed = io.StringIO()
with contextlib.redirect_stdout(printed):
    await custom_scripts_call(module, NAME, typehint_to_value={xw.Book: book}, args=ARGS)
[book.json()["actions"], printed.getvalue()]
"""


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds") + "Z"  # as Excel's JavaScript sends a date
    raise TypeError(type(value).__name__)


def _script(name: str, args: list[Any] | None = None) -> str:
    return RUN_SCRIPT.replace("NAME", repr(name)).replace("ARGS", repr(args or []))


@pytest.fixture(scope="module")
def december(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, Any], Path]:
    """A December workbook as Excel sends it, March's rows pasted under its Data table; and the
    same workbook refreshed by the command line beside a data file holding those rows too."""
    folder = tmp_path_factory.mktemp("lite-plugin")
    with (SAMPLE / "data.csv").open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    later = [r for r in rows if r[1] in ("actual", "ytd") and r[2] > "2022-12"]
    (folder / "built").mkdir()
    with (folder / "built" / "data.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *[r for r in rows if r not in later]])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
        build(folder / "built" / "board.xlsx", None, [folder / "built" / "data.csv"])
        payload = payload_from_file(folder / "built" / "board.xlsx")
        data = next(s for s in payload["sheets"] if s["name"] == "Data")["values"]
        data.extend([*r, "", ""] for r in later)
        (folder / "cli").mkdir()
        shutil.copy(folder / "built" / "board.xlsx", folder / "cli" / "board.xlsx")
        with (folder / "cli" / "data.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([header, *[r for r in rows if r not in later], *later])
        assert main(["refresh", str(folder / "cli" / "board.xlsx")]) == 0
    files = {"payload.json": json.dumps(sent(payload), default=_json_default).encode()}
    return files, payload, folder / "cli" / "board.xlsx"


def test_requirements_name_what_the_pyodides_install() -> None:
    """requirements.txt as `scorecard-xl lite --wheel URL` writes it, resolved as micropip resolves
    it: every line, and every dependency the scorecard-xl wheel declares (but PyYAML, which Lite
    takes from Pyodide's own repository and these offline tests leave out), is met by a wheel the
    Pyodide sessions install. The wheel carries the plugin's entry point."""
    wheels = installed_wheels()
    have = {w.name.split("-")[0].replace("_", "-").lower(): w.name.split("-")[1] for w in wheels}
    url = "https://intranet.example.gov.uk/py/" + wheels[0].name
    lines = [line for line in requirements_text(url).splitlines() if line and not line.startswith("#")]
    with zipfile.ZipFile(wheels[0]) as wheel:
        dist_info = next(n.split("/")[0] for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(f"{dist_info}/METADATA").decode()
        entry_points = wheel.read(f"{dist_info}/entry_points.txt").decode()
    assert f"[{PLUGIN_GROUP}]\nscorecard-xl = scorecard_xl.lite_scripts" in entry_points
    declared = re.findall(r"^Requires-Dist: (.+)$", metadata, re.M)
    environment = {"sys_platform": "emscripten", "python_version": "3.12", "extra": ""}
    needed = [Requirement(line) for line in lines] + [
        r for r in map(Requirement, declared) if r.marker is None or r.marker.evaluate(environment)
    ]
    for requirement in needed:
        name = requirement.name.lower().replace("_", "-")
        if name == "pyyaml":
            continue
        assert name in have, f"{requirement} has no wheel among {sorted(have)}"
        assert requirement.url or requirement.specifier.contains(have[name]), (requirement, have[name])
    assert "pandas" not in {Requirement(r).name for r in declared if Requirement(r).marker is None}


@pytest.mark.parametrize("pyodide", PYODIDES)
def test_the_wheels_entry_point_leads_xlwings_to_the_scripts_and_their_form(pyodide: str) -> None:
    """What this machine can show of Lite's discovery: the installed wheel's entry point (our reading
    of how a plugin "registers when added to requirements.txt": Lite's loader is not public, see the
    README) leads to the module, xlwings' own custom_scripts_meta lists its scripts as Lite lists a
    main.py's, and Change period's arguments are the form App Mode documents."""
    version, python = VERSIONS[pyodide]
    ready = session(pyodide).ready
    assert (ready["pyodide"], ready["python"][:4]) == (version, python)
    entries, scripts, form = run_in_pyodide(DISCOVER, pyodide=pyodide)
    assert entries == [["scorecard-xl", "scorecard_xl.lite_scripts"]]
    # Change period's drop-down counts back from the latest (the months are not known when Lite
    # imports the module), and a month may be typed.
    assert form == [["show", True, list(BACK), AS_PICKED], ["or_month", False, [], ""]]
    assert sorted(s["function_name"] for s in scripts) == SCRIPT_NAMES
    by_name = {s["function_name"]: s for s in scripts}
    assert by_name["refresh"]["name"] == "Refresh"
    assert by_name["refresh"]["button"] == SCRIPT_BUTTON == f"[{NAME}]Cover!{TARGET}"
    assert by_name["refresh"]["show_taskpane"] is True
    assert by_name["change_period"]["name"] == "Change period"


@pytest.mark.parametrize("pyodide", PYODIDES)
def test_each_script_runs_in_pyodide_as_in_cpython(
    pyodide: str, december: tuple[dict[str, bytes], dict[str, Any], Path]
) -> None:
    files, _, _ = december
    for name, args in [
        ("refresh", []),
        ("check_data", []),
        ("change_period", [AS_PICKED, "2023-01"]),
        ("change_period", ["2 before the latest"]),
        ("change_period", []),
        ("refresh_anyway", []),
    ]:
        code = _script(name, args)
        in_pyodide = run_in_pyodide(code, files=files, env=EPOCH, pyodide=pyodide)
        assert in_pyodide == run_in_cpython(code, files=files, env=EPOCH), (name, args)
    check, told = run_in_pyodide(_script("check_data"), files=files, env=EPOCH, pyodide=pyodide)
    assert check == [] and "nothing was changed" in told and "March 2023" in told
    period, told = run_in_pyodide(_script("change_period", [AS_PICKED, "2023-01"]), files, EPOCH, pyodide)
    assert period and "January 2023" in told
    back, told = run_in_pyodide(_script("change_period", ["2 before the latest"]), files, EPOCH, pyodide)
    assert back == period and "January 2023" in told  # March is the latest
    too_far, told = run_in_pyodide(_script("change_period", ["11 before the latest"]), files, EPOCH, pyodide)
    assert too_far == [] and "Nothing was changed" in told and "periods with data" in told
    nothing, told = run_in_pyodide(_script("change_period", [AS_PICKED, "2023-13"]), files, EPOCH, pyodide)
    assert nothing == [] and "Nothing was changed" in told and "2023-13" in told and "YYYY-MM" in told
    blank, told = run_in_pyodide(_script("change_period"), files, EPOCH, pyodide)
    assert blank == [] and "pick a period first" in told


@pytest.mark.parametrize("pyodide", PYODIDES)
def test_refresh_in_pyodide_leaves_the_workbook_as_the_command_line_does(
    pyodide: str, december: tuple[dict[str, bytes], dict[str, Any], Path]
) -> None:
    files, payload, by_cli = december
    actions, told = run_in_pyodide(_script("refresh"), files=files, env=EPOCH, pyodide=pyodide)
    assert "March 2023" in told
    result = as_a_build_says(apply_actions(payload, actions))
    want = payload_from_file(by_cli)
    skip = formula_cells(by_cli)
    assert not differences(result, want, skip)
    compared = sum(
        (r, c) not in skip.get(sheet["name"], set())
        for sheet in want["sheets"]
        for r, row in enumerate(sheet["values"])
        for c in range(len(row))
    )
    assert compared > 10_000


def test_change_period_leaves_the_workbook_as_refresh_with_a_period_does(
    december: tuple[dict[str, bytes], dict[str, Any], Path], tmp_path: Path
) -> None:
    """Change period's "2 before the latest" (January, with March pasted) writes what
    `scorecard-xl refresh --period 2023-01` writes beside the same data (run in CPython: the test
    above shows each script writes the same in both Pyodides as in CPython), but for the Cover's
    Period to show: a refresh in Excel never writes the analyst's pick (the next Refresh shows it
    again), the command line's new file records the period asked for."""
    from scorecard_xl.workbook import fields
    from scorecard_xl.workbook.snapshot import snapshot_from_payload

    files, payload, by_cli = december
    shutil.copy(by_cli.parent / "board.previous.xlsx", tmp_path / "board.xlsx")  # (as built: December)
    shutil.copy(by_cli.parent / "data.csv", tmp_path / "data.csv")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
        assert main(["refresh", str(tmp_path / "board.xlsx"), "--period", "2023-01"]) == 0
    actions, told = run_in_cpython(_script("change_period", ["2 before the latest"]), files=files, env=EPOCH)
    assert "January 2023" in told
    result = as_a_build_says(apply_actions(payload, actions))
    skip = formula_cells(tmp_path / "board.xlsx")
    sheet, row, col, _, _ = snapshot_from_payload(sent(payload)).names[fields.PICKER.name]
    skip.setdefault(sheet, set()).add((row, col))
    assert not differences(result, payload_from_file(tmp_path / "board.xlsx"), skip)


def test_the_cover_has_the_button_lite_runs_refresh_from(sample_book: Path) -> None:
    """The text box the Refresh script's `button` names, linked to the cell it covers."""
    with zipfile.ZipFile(sample_book) as book:
        names = book.namelist()
        workbook = book.read("xl/workbook.xml").decode()
        sheets = re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', workbook)
        cover_rid = dict(sheets)["Cover"]
        rels = book.read("xl/_rels/workbook.xml.rels").decode()
        cover_part = re.search(rf'Id="{cover_rid}"[^>]*Target="([^"]+)"', rels)
        assert cover_part is not None
        cover_rels = book.read(f"xl/worksheets/_rels/{cover_part[1].split('/')[-1]}.rels").decode()
        drawing = re.search(r'Target="\.\./drawings/(drawing\d+\.xml)"', cover_rels)
        assert drawing is not None
        xml = book.read(f"xl/drawings/{drawing[1]}").decode()
        links = book.read(f"xl/drawings/_rels/{drawing[1]}.rels").decode()
    assert xml.count("</xdr:sp>") == 1 and 'txBox="1"' in xml
    assert f'name="{NAME}"' in xml and "<a:hlinkClick" in xml
    assert f"Target=\"#'Cover'!{TARGET}\"" in links and "TargetMode" not in links
    assert sum(1 for n in names if n.startswith("xl/drawings/drawing")) >= 1
    assert audit(sample_book, None) == []  # openxml-audit: Excel is expected to open it cleanly


@pytest.mark.libreoffice
def test_libreoffice_opens_the_button_and_keeps_it(sample_book: Path, tmp_path: Path) -> None:
    """LibreOffice reads the Cover's button and, saving the workbook again, still writes a text box
    linked to the same cell: nothing in it is foreign to a spreadsheet."""
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    convert = ["--convert-to", "xlsx", "--outdir", str(tmp_path / "out"), str(sample_book)]
    done = subprocess.run(
        [find_soffice(), "--headless", profile, *convert],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "out" / sample_book.name) as saved:
        drawings = [
            saved.read(n).decode() for n in saved.namelist() if re.match(r"xl/drawings/drawing\d+\.xml$", n)
        ]
        links = [saved.read(n).decode() for n in saved.namelist() if n.startswith("xl/drawings/_rels/")]
    assert any("with xlwings Lite" in xml and "hlinkClick" in xml for xml in drawings)
    assert any(f"Cover!{TARGET}" in rels or f"Cover'!{TARGET}" in rels for rels in links)
