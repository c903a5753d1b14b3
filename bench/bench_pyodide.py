"""Pyodide benchmark: scorecard-xl inside real Pyodide (the runtime of xlwings Lite) against CPython,
measured side by side in one run.

    python bench/bench_pyodide.py [--repeat N]

1. Pyodide start-up under Node and the install of the local wheels (scorecard-xl, xlsxwriter,
   openpyxl, et-xmlfile, xlwings), as tests/pyodide_runner.py does for the tests.
2. The first sample build in Pyodide, which pays for importing scorecard-xl and xlsxwriter there.
3. The in-process build of the bundled sample (load definition and data, model, layout, write), timed
   inside each runtime; runs interleaved (Pyodide, CPython, Pyodide, ...) so both see the same machine
   load; medians and their ratio reported.

Needs what the Pyodide tests need: Node and `npm ci --prefix tests/pyodide` (tests/run.sh).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pyodide_runner import run_in_cpython, run_in_pyodide, session

EPOCH = {"SOURCE_DATE_EPOCH": "1681291800"}
# The build timed inside the runtime: the request's own overhead (JSON, files) is left out.
TIMED_BUILD = """
import time
from scorecard_xl import load_inputs, render
started = time.perf_counter()
inputs = load_inputs()
# The data file recorded relative to its own folder: the same bytes from both (tests/test_pyodide.py).
size = len(render(inputs, workbook_folder=inputs.data_paths[0].parent)[1])
(time.perf_counter() - started, size)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="interleaved runs of each side (default 7)")
    args = parser.parse_args()

    started = time.perf_counter()
    ready = session().ready  # builds the wheel, then starts Node + Pyodide and installs the wheels
    wall = time.perf_counter() - started
    first, size = run_in_pyodide(TIMED_BUILD, env=EPOCH)
    run_in_cpython(TIMED_BUILD, env=EPOCH)  # CPython's imports, outside the timing like Pyodide's

    pyodide: list[float] = []
    cpython: list[float] = []
    for _ in range(args.repeat):
        seconds, pyodide_size = run_in_pyodide(TIMED_BUILD, env=EPOCH)
        pyodide.append(seconds)
        seconds, cpython_size = run_in_cpython(TIMED_BUILD, env=EPOCH)
        cpython.append(seconds)
        assert pyodide_size == cpython_size == size, "the runtimes built different workbooks"

    p, c = statistics.median(pyodide), statistics.median(cpython)
    print(
        f"Pyodide {ready['pyodide']} (Python {ready['python']}) under Node; CPython {sys.version.split()[0]}"
    )
    print(f"{'measured':<58} {'seconds':>8}")
    print(f"{'Pyodide start (loadPyodide)':<58} {ready['start_seconds']:>8.2f}")
    print(f"{'wheel install (5 wheels unpacked)':<58} {ready['install_seconds']:>8.2f}")
    print(f"{'session ready, wheel build included (wall)':<58} {wall:>8.2f}")
    print(f"{'first sample build in Pyodide (imports included)':<58} {first:>8.3f}")
    print(f"{f'sample build, Pyodide (median of {args.repeat})':<58} {p:>8.3f}")
    print(f"{f'sample build, CPython (median of {args.repeat})':<58} {c:>8.3f}")
    print(f"ratio Pyodide / CPython: {p / c:.2f}x  ({size:,} bytes each)")


if __name__ == "__main__":
    main()
