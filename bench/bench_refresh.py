"""Refresh benchmark: what a refresh costs against a fresh build of the same workbook, in CPython and
inside real Pyodide (the runtime of xlwings Lite), measured side by side in one run.

    python bench/bench_refresh.py [--repeat N] [--no-pyodide]

The workbook is the sample built for December, March's rows pasted under its Data table, as in the
tests. "Refresh compute" is everything before the first write, through xlwings' remote engine (the
Book interface of Lite and xlwings Server): reading the workbook, folding in the new rows,
validating, and planning every write; "build" is a fresh build of March (load, model, layout,
write the .xlsx). Runs are interleaved so both sides see the same machine load; medians reported.
Target: a handful of writes per sheet, never one per cell; refresh compute below a fresh build.
Then, without Excel: `scorecard-xl refresh` of the December workbook with the whole sample's data
file given, against `scorecard-xl build` of March, each end to end in a new process (imports
included: a refresh reads the workbook, which once meant importing openpyxl), the package's
bytecode compiled first, as an installed package's is.
Pyodide needs what its tests need: Node and `npm ci --prefix tests/pyodide` (tests/run.sh).
"""

from __future__ import annotations

import argparse
import compileall
import csv
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
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

import scorecard_xl  # noqa: E402
from scorecard_xl.generate.sequence import build  # noqa: E402

SAMPLE = ROOT / "samples" / "nct_2022_23" / "data.csv"
ENV = {"SOURCE_DATE_EPOCH": os.environ["SOURCE_DATE_EPOCH"]}
TIMED_REFRESH = """
import json, time
from pathlib import Path
import xlwings as xw
from scorecard_xl.refresh.in_excel import refresh
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
        cli = command_lines(Path(folder), args.repeat)
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
    print(f"without Excel, end to end in a new process, wall (median of {args.repeat}) and CPU time (least):")
    for name in ("refresh", "build"):
        wall, cpu = cli[name]
        print(f"  scorecard-xl {name:8} {wall * 1000:7.1f} ms {cpu * 1000:7.1f} ms CPU")
    (refresh_wall, refresh_cpu), (build_wall, build_cpu) = cli["refresh"], cli["build"]
    print(f"  ratio {refresh_wall / build_wall:.2f}x wall, {refresh_cpu / build_cpu:.2f}x CPU")


def command_lines(folder: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """`scorecard-xl refresh` (December's workbook, the whole sample's data given) and `scorecard-xl
    build` (March), interleaved: name -> (median wall seconds, least CPU seconds of the process)."""
    # Bytecode compiled, as an installed package's is (see bench_build.py): with PYTHONDONTWRITEBYTECODE
    # set, a checkout compiles in every process each module not compiled before, and a refresh
    # imports modules a build does not.
    compileall.compile_dir(Path(scorecard_xl.__file__).parent, quiet=1)
    program = [sys.executable, "-m", "scorecard_xl.cli"]
    refreshed = folder / "refreshed.xlsx"
    commands = {
        "refresh": [*program, "refresh", "book.xlsx", "-d", str(SAMPLE), "-o", refreshed.name],
        "build": [*program, "build", "-d", str(SAMPLE), "-o", "built.xlsx", "--force"],
    }
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(repeat + 1):  # the first round warms the disk cache and is not counted
        for name, command in commands.items():
            refreshed.unlink(missing_ok=True)
            started, cpu = time.perf_counter(), _children_cpu()
            environment = {**os.environ, **ENV}
            done = subprocess.run(command, cwd=folder, capture_output=True, text=True, env=environment)
            if done.returncode:
                raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
            if round_:
                walls[name].append(time.perf_counter() - started)
                cpus[name].append(_children_cpu() - cpu)
    return {name: (statistics.median(walls[name]), min(cpus[name])) for name in commands}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
