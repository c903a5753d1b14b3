"""Refresh benchmark: what a refresh costs against a fresh build of the same workbook, in CPython and
inside real Pyodide (the runtime of xlwings Lite), measured side by side in one run.

    python bench/bench_refresh.py [--repeat N] [--no-pyodide]

The workbook is the sample built for December, March's rows pasted under its Data table, as in the
tests. "Refresh compute" is everything before the first write, through xlwings' remote engine (the
Book interface of Lite and xlwings Server): reading the workbook, folding in the new rows,
validating, and planning every write; "build" is a fresh build of March (load, model, layout,
write the .xlsx). Runs are interleaved so both sides see the same machine load; medians reported.
Target: a handful of writes per sheet, never one per cell; refresh compute below a fresh build.
Pyodide needs what its tests need: Node and `npm ci --prefix tests/pyodide` (tests/run.sh).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the remote engine: see the README's licence
os.environ.setdefault("SOURCE_DATE_EPOCH", "1681291800")
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from excel_payload import payload_from_file, sent  # noqa: E402
from pyodide_runner import run_in_cpython, run_in_pyodide  # noqa: E402

from scorecard_xl.pipeline import build  # noqa: E402

SAMPLE = ROOT / "samples" / "nct_2022_23" / "data.csv"
ENV = {"SOURCE_DATE_EPOCH": os.environ["SOURCE_DATE_EPOCH"]}
TIMED_REFRESH = """
import json, time
from pathlib import Path
import xlwings as xw
from scorecard_xl.refresh import refresh
payload = json.loads(Path("payload.json").read_text())
started = time.perf_counter()
book = xw.Book(json=payload)
outcome = refresh(book)
seconds = time.perf_counter() - started
(seconds, [a["func"] for a in book.json()["actions"]], outcome.plan.cells)
"""
TIMED_BUILD = """
import time
from pathlib import Path
from scorecard_xl import load_inputs, render
started = time.perf_counter()
size = len(render(load_inputs(None, [Path("data.csv")]))[1])
(time.perf_counter() - started, size)
"""


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds") + "Z"
    raise TypeError(type(value).__name__)


def december_with_march(folder: Path) -> bytes:
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    later = [r for r in rows if r[1] in ("actual", "ytd") and r[2] > "2022-12"]
    with (folder / "data.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *[r for r in rows if r not in later]])
    build(folder / "book.xlsx", None, [folder / "data.csv"])
    payload = payload_from_file(folder / "book.xlsx")
    next(s for s in payload["sheets"] if s["name"] == "Data")["values"].extend([*r, "", ""] for r in later)
    return json.dumps(sent(payload), default=_json_default).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="interleaved runs of each (default 7)")
    parser.add_argument("--no-pyodide", action="store_true", help="CPython only (no Node needed)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", "Sparkline Group extension")
    runtimes = [("CPython", run_in_cpython)] + ([] if args.no_pyodide else [("Pyodide", run_in_pyodide)])
    with tempfile.TemporaryDirectory() as folder:
        payload = december_with_march(Path(folder))
        files = {"payload.json": payload, "data.csv": SAMPLE.read_bytes()}
        times: dict[tuple[str, str], list[float]] = {}
        actions: list[str] = []
        cells = 0
        for _, run in runtimes:  # imports and first calls outside the timing
            run(TIMED_REFRESH, files=files, env=ENV)
            run(TIMED_BUILD, files=files, env=ENV)
        for _ in range(args.repeat):
            for name, run in runtimes:
                seconds, actions, cells = run(TIMED_REFRESH, files=files, env=ENV)
                times.setdefault((name, "refresh"), []).append(seconds)
                seconds, _ = run(TIMED_BUILD, files=files, env=ENV)
                times.setdefault((name, "build"), []).append(seconds)
    median = {key: statistics.median(values) * 1000 for key, values in times.items()}
    counts = Counter(actions)
    print(f"refresh of the sample, December -> March (rows pasted), median of {args.repeat}:")
    print(f"  actions sent to Excel  {len(actions)}: " + ", ".join(f"{n} {f}" for f, n in counts.items()))
    print(f"  cells written          {cells:,}")
    for name, _ in runtimes:
        refresh_ms, build_ms = median[(name, "refresh")], median[(name, "build")]
        print(
            f"  {name:8} refresh compute {refresh_ms:7.1f} ms   fresh build {build_ms:7.1f} ms   "
            f"ratio {refresh_ms / build_ms:5.2f}x"
        )
    if not args.no_pyodide:
        ratio = median[("Pyodide", "refresh")] / median[("CPython", "refresh")]
        print(f"  Pyodide / CPython, refresh compute: {ratio:.2f}x")


if __name__ == "__main__":
    main()
