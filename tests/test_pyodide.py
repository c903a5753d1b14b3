"""scorecard-xl inside real Pyodide (what xlwings Lite runs), against CPython on the same inputs.

The harness (tests/pyodide_runner.py, tests/pyodide/run.mjs) starts Pyodide 0.27.5 under Node once
per test session, offline, with scorecard-xl's wheel built from this checkout and its pure-Python
dependencies installed from local wheel files.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw
from excel_payload import payload_from_file, sent
from pyodide_runner import PyodideError, run_in_cpython, run_in_pyodide, session

from tests.conftest import FIXED_EPOCH

pytestmark = pytest.mark.slow(seconds=10)  # (tests/conftest.py runs these first)

EPOCH = FIXED_EPOCH

BUILD_SAMPLE = """
from scorecard_xl import load_inputs, render
inputs = load_inputs()  # the bundled sample: NCT, March 2023
# Record the data file relative to its own folder, so both runtimes write the same Cover text: the
# sample's data lives in the checkout for CPython (editable install) and in site-packages in Pyodide.
render(inputs, workbook_folder=inputs.data_paths[0].parent)[1]
"""


def test_runner_is_pyodide_offline_and_reports_python_errors() -> None:
    ready = session().ready
    assert (ready["pyodide"], ready["platform"], ready["python"][:4]) == ("0.27.5", "emscripten", "3.12")
    assert run_in_pyodide("import sys; sys.platform") == "emscripten"
    assert run_in_pyodide("open('in/a.txt', 'rb').read()[::-1]", files={"in/a.txt": b"abc"}) == b"cba"
    with pytest.raises(PyodideError, match="ZeroDivisionError"):
        run_in_pyodide("1 / 0")
    # No network: what Lite would fetch (PyPI, CORS-enabled URLs) must come from local files here.
    with pytest.raises(PyodideError, match="network disabled"):
        run_in_pyodide("from pyodide.http import pyfetch\nawait pyfetch('https://pypi.org/simple/')")


def test_sample_built_in_pyodide_equals_cpython_build() -> None:
    in_pyodide = run_in_pyodide(BUILD_SAMPLE, env=EPOCH)
    in_cpython = run_in_cpython(BUILD_SAMPLE, env=EPOCH)
    assert isinstance(in_pyodide, bytes)
    assert isinstance(in_cpython, bytes)

    with zipfile.ZipFile(io.BytesIO(in_pyodide)) as ours, zipfile.ZipFile(io.BytesIO(in_cpython)) as theirs:
        assert ours.testzip() is None
        assert ours.namelist() == theirs.namelist()
        assert any(name.startswith("xl/worksheets/sheet") for name in ours.namelist())
        differing = [name for name in ours.namelist() if ours.read(name) != theirs.read(name)]
    assert differing == [], f"parts built differently in Pyodide: {differing}"

    # A valid workbook to an independent reader, with the sample's content in it.
    book = openpyxl.load_workbook(io.BytesIO(in_pyodide), read_only=True, data_only=True)
    assert "Summary" in book.sheetnames
    cover_text = [v for row in book.worksheets[0].iter_rows(values_only=True) for v in row if v]
    assert "Northamptonshire Children's Trust" in cover_text
    book.close()


def _json_default(value: Any) -> str:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat() + ("Z" if isinstance(value, dt.datetime) else "")  # xlwings wants the Z
    raise TypeError(type(value).__name__)


USE_REMOTE_ENGINE = """
import json
import xlwings as xw
from pathlib import Path
book = xw.Book(json=json.loads(Path("payload.json").read_text()))
cover = book.sheets[0]
read = cover["A1:B4"].value
names = sorted(n.name for n in book.names)[:5]
cover["D2"].value = [["from", 1.5], [None, "Pyodide"]]
book.sheets["Summary"]["B3:C3"].value = [[7, 8]]
(xw.__version__, xw.__pro__, [s.name for s in book.sheets], read, names, book.json())
"""


def test_real_xlwings_remote_engine_runs_in_pyodide(sample_book: Path) -> None:
    """The Book interface Lite and xlwings Server share, from xlwings' own PyPI wheel: the payload in,
    the same reads and the same actions out as in CPython."""
    payload = json.dumps(sent(payload_from_file(sample_book)), default=_json_default).encode()
    in_pyodide = run_in_pyodide(USE_REMOTE_ENGINE, files={"payload.json": payload})
    in_cpython = run_in_cpython(USE_REMOTE_ENGINE, files={"payload.json": payload})
    assert in_pyodide == in_cpython
    version, pro, sheets, _, names, actions = in_pyodide
    assert version == xw.__version__
    assert pro is True and "Summary" in sheets and names
    assert [a["func"] for a in actions["actions"]] == ["setValues", "setValues"]
    assert actions["actions"][0]["values"] == [["from", 1.5], ["", "Pyodide"]]
