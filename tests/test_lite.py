"""Refresh where most analysts are: xlwings Lite (Pyodide inside Excel), proved in real Pyodide
under Node, against CPython on the same workbook as Excel sends it.

The workbook is built for December, moved away from its data file, and given March's rows pasted
under its Data table; each runtime then plans and "writes" the refresh through xlwings' remote
engine (the Book interface Lite provides). The actions Excel would apply must be the same.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
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
from pyodide_runner import run_in_cpython, run_in_pyodide

from scorecard_xl.cli import main
from scorecard_xl.generate.sequence import build
from scorecard_xl.refresh.lite_files import WHEEL_NAME, main_text, requirements_text
from tests.conftest import FIXED_EPOCH, SAMPLE

pytestmark = pytest.mark.slow(seconds=20)  # (tests/conftest.py runs these first)

EPOCH = FIXED_EPOCH

RUN_BUTTON = """
import json
from pathlib import Path
import xlwings as xw
from scorecard_xl.refresh.in_excel import run

book = xw.Book(json=json.loads(Path("payload.json").read_text()))
told = []
run(book, ACTION, say=lambda title, text: told.append(text))
[book.json()["actions"], told]
"""

RUN_MAIN_PY = """
import json
from pathlib import Path
import xlwings as xw

namespace = {"__name__": "lite_main"}
exec(compile(Path("main.py").read_text(), "main.py", "exec"), namespace)
results = []
for name in ("check_data", "refresh"):
    book = xw.Book(json=json.loads(Path("payload.json").read_text()))
    await namespace[name](book)
    results.append(book.json()["actions"])
results
"""


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds") + "Z"  # as Excel's JavaScript sends a date
    raise TypeError(type(value).__name__)


@pytest.fixture
def december_with_march_pasted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], Path]:
    """The payload of a December workbook, moved away from its data, March's rows pasted under its
    Data table; and a fresh build of March to compare with."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    with (SAMPLE / "data.csv").open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    later = [r for r in rows if r[1] in ("actual", "ytd") and r[2] > "2022-12"]
    (tmp_path / "built").mkdir()
    (tmp_path / "moved").mkdir()
    with (tmp_path / "built" / "data.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *[r for r in rows if r not in later]])
    build(tmp_path / "built" / "board.xlsx", None, [tmp_path / "built" / "data.csv"])
    shutil.copy(tmp_path / "built" / "board.xlsx", tmp_path / "moved" / "board.xlsx")
    payload = payload_from_file(tmp_path / "moved" / "board.xlsx")
    data = next(s for s in payload["sheets"] if s["name"] == "Data")["values"]
    data.extend([*r, "", ""] for r in later)
    (tmp_path / "fresh").mkdir()
    shutil.copy(SAMPLE / "data.csv", tmp_path / "fresh" / "data.csv")
    march = tmp_path / "fresh" / "board.xlsx"
    build(march, None, [tmp_path / "fresh" / "data.csv"])
    return payload, march


def test_a_refresh_planned_in_pyodide_writes_what_cpython_writes(
    december_with_march_pasted: tuple[dict[str, Any], Path],
) -> None:
    payload, march = december_with_march_pasted
    files = {"payload.json": json.dumps(sent(payload), default=_json_default).encode()}
    for action in ("refresh", "check", "period"):
        code = RUN_BUTTON.replace("ACTION", repr(action))
        in_pyodide = run_in_pyodide(code, files=files, env=EPOCH)
        in_cpython = run_in_cpython(code, files=files, env=EPOCH)
        assert in_pyodide == in_cpython, action
    actions, told = run_in_pyodide(RUN_BUTTON.replace("ACTION", "'refresh'"), files=files, env=EPOCH)
    assert "Refreshed" in told[0] and "March 2023" in told[0]
    assert {a["func"] for a in actions} >= {"setValues", "setNumberFormat", "resizeTable", "setColumnWidth"}
    # What Pyodide planned, applied as Excel would, is a fresh build of March.
    result = as_a_build_says(apply_actions(payload, actions))
    want = payload_from_file(march)
    assert not differences(result, want, formula_cells(march))


def test_the_lite_main_py_runs_in_pyodide(
    december_with_march_pasted: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    """main.py as `scorecard-xl lite` writes it, its @script functions called as Lite calls them."""
    payload, _ = december_with_march_pasted
    assert main(["lite", "-o", str(tmp_path / "lite")]) == 0
    files = {
        "payload.json": json.dumps(sent(payload), default=_json_default).encode(),
        "main.py": (tmp_path / "lite" / "main.py").read_bytes(),
    }
    check, refresh = run_in_pyodide(RUN_MAIN_PY, files=files, env=EPOCH)
    assert check == []  # Check data writes nothing
    expected, _ = run_in_cpython(RUN_BUTTON.replace("ACTION", "'refresh'"), files=files, env=EPOCH)
    assert refresh == expected


RUN_WITHOUT_THE_WHEEL = """
import contextlib
import io
import json
import sys
from pathlib import Path
import xlwings as xw

installed = sys.modules.get("scorecard_xl.lite_scripts")
sys.modules["scorecard_xl.lite_scripts"] = None  # as in a Lite whose wheel was never imported
try:
    namespace = {"__name__": "lite_main"}
    exec(compile(Path("main.py").read_text(), "main.py", "exec"), namespace)
    book = xw.Book(json=json.loads(Path("payload.json").read_text()))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        await namespace["refresh"](book)
finally:
    sys.modules["scorecard_xl.lite_scripts"] = installed
[book.json()["actions"], printed.getvalue()]
"""


def test_lite_without_the_wheel_says_what_to_import_and_writes_nothing(
    december_with_march_pasted: tuple[dict[str, Any], Path],
) -> None:
    """In real Pyodide, scorecard-xl's import failing and its install failing with it (this offline
    Pyodide has no micropip, so the install fails as Lite's would without the wheel in /data)."""
    payload, _ = december_with_march_pasted
    files = {
        "payload.json": json.dumps(sent(payload), default=_json_default).encode(),
        "main.py": main_text("emfs:/data/" + WHEEL_NAME.replace("scorecard_xl", "not_imported")).encode(),
    }
    actions, printed = run_in_pyodide(RUN_WITHOUT_THE_WHEEL, files=files, env=EPOCH)
    assert actions == []
    assert printed.startswith("Nothing was changed: scorecard-xl is not installed."), printed
    assert "Import the wheel into /data (Files > Import)" in printed and "Traceback" not in printed


def test_the_lite_command_writes_the_files_and_says_how_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.metadata

    assert main(["lite", "-o", str(tmp_path / "lite")]) == 0
    out = capsys.readouterr().out
    assert "xlwings Lite" in out and "/data" in out and WHEEL_NAME in out
    requirements = (tmp_path / "lite" / "requirements.txt").read_text().splitlines()
    # Upper bounds that admit the versions the tests run (Lite pins what it installs itself).
    for line in requirements[1:]:
        name = Requirement(line).name
        if name != "pyyaml":
            assert Requirement(line).specifier.contains(importlib.metadata.version(name)), line
    assert [Requirement(line).name for line in requirements[1:]] == [
        "xlwings",
        "xlsxwriter",
        "openpyxl",
        "pyyaml",
    ]
    assert f'WHEEL = "emfs:/data/{WHEEL_NAME}"' in (tmp_path / "lite" / "main.py").read_text()
    compile((tmp_path / "lite" / "main.py").read_text(), "main.py", "exec")

    assert main(["lite", "-o", str(tmp_path / "lite")]) == 2  # never replaced without --force
    assert "already exists; pass --force" in capsys.readouterr().err

    url = "https://intranet.example.gov.uk/py/" + WHEEL_NAME
    assert main(["lite", "-o", str(tmp_path / "web"), "--wheel", url]) == 0
    web = (tmp_path / "web" / "requirements.txt").read_text().splitlines()
    assert web[1:] == ["xlwings>=0.36.6,<0.38", f"scorecard-xl @ {url}"]  # with its dependencies
    one_line = (tmp_path / "web" / "main.py").read_text()
    assert "from scorecard_xl.lite_scripts import *" in one_line and "WHEEL" not in one_line
    assert main(["lite", "-o", str(tmp_path / "index"), "--index"]) == 0
    assert (tmp_path / "index" / "requirements.txt").read_text().splitlines()[-1] == (
        "scorecard-xl>=0.2.0,<0.3"
    )
    assert (tmp_path / "index" / "main.py").read_text() == one_line

    wheel = tmp_path / "dist" / WHEEL_NAME
    wheel.parent.mkdir()
    wheel.write_bytes(b"PK")  # copied as it is; Lite checks it when it installs
    assert main(["lite", "-o", str(tmp_path / "local"), "--wheel", str(wheel)]) == 0
    assert (tmp_path / "local" / WHEEL_NAME).read_bytes() == b"PK"
    assert main(["lite", "-o", str(tmp_path / "bad"), "--wheel", str(tmp_path / "nope.whl")]) == 2


def test_lite_texts_are_stable() -> None:
    assert requirements_text().startswith("# For scorecard-xl")
    assert "async def refresh(book: xw.Book)" in main_text("emfs:/data/x.whl")


def test_an_spc_workbook_refreshes_in_pyodide_as_in_cpython(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The NHS sample's SPC (scorecard_xl.spc, pure Python) planned in Pyodide: its charts' figures,
    # icons and story written as CPython writes them, February to March.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    data = SAMPLE.parent / "nhs_ae" / "data.csv"
    with data.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    march = [r for r in rows if r[2] == "2019-03"]
    (tmp_path / "data.csv").write_text(
        "\n".join(",".join(r) for r in [header, *[r for r in rows if r not in march]]) + "\n",
        encoding="utf-8",
    )
    build(tmp_path / "urgent.xlsx", "nhs_ae", [tmp_path / "data.csv"])
    (tmp_path / "data.csv").unlink()  # the workbook alone, March pasted under its table
    payload = payload_from_file(tmp_path / "urgent.xlsx")
    next(s for s in payload["sheets"] if s["name"] == "Data")["values"].extend([*r, "", ""] for r in march)
    files = {"payload.json": json.dumps(sent(payload), default=_json_default).encode()}
    code = RUN_BUTTON.replace("ACTION", "'refresh'")
    in_pyodide = run_in_pyodide(code, files=files, env=EPOCH)
    assert in_pyodide == run_in_cpython(code, files=files, env=EPOCH)
    actions, told = in_pyodide
    assert "March 2019" in told[0]
    written = {(a["sheet_position"], a["start_row"]) for a in actions if a["func"] == "setValues"}
    spc_data = next(i for i, s in enumerate(payload["sheets"]) if s["name"] == "SPC data")
    assert sum(1 for sheet, _ in written if sheet == spc_data) == 11  # every chart's figures
