"""Build benchmark: prints ratios measured side by side in one run.

    python bench/bench_build.py [--repeat N]

1. In-process build of the bundled sample (load definition and data, model, layout, write) against
   the floor: a bare xlsxwriter script writing the same cells with no logic and no formats.
   Target (issue 10): 1.6x.
2. End-to-end `scorecard-xl build` (a new process) against `python -c "import xlsxwriter"`, and
   against `python -c "import pandas, xlsxwriter"` when pandas is installed. Target: 3x. The
   package's bytecode is compiled first, as an installed package's is.
3. `scorecard-xl --help` (a new process) against `python -c "pass"`. Target: 3x.

Runs are interleaved (A, B, A, B, ...) so both sides see the same machine load; wall-time medians
and CPU-time minimums reported (on a loaded machine, the CPU ratio is the steadier).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import importlib.util
import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

import scorecard_xl
from scorecard_xl.layout.sheet import Formula, Link, WorkbookLayout
from scorecard_xl.pipeline import lay_out, load_inputs, render
from scorecard_xl.styles import cell_format

FIXED = dt.datetime(2023, 4, 12, tzinfo=dt.timezone.utc)


def build_in_process() -> None:
    render(load_inputs(), generated_at=FIXED)


def floor_cells(layout: WorkbookLayout | None = None) -> list[tuple[str, list[tuple[int, int, object]]]]:
    """The cells a build writes (the sample's by default), as plain values: links as their text,
    formulas as their cached results (computed once, outside the timing)."""
    if layout is None:
        layout = lay_out(load_inputs(), generated_at=FIXED)[1]  # as render lays it out
    sheets = []
    for sheet in layout.sheets:
        cells = []
        for row, col, value, _ in sheet.every_cell():
            if isinstance(value, Link):
                value = value.text
            elif isinstance(value, Formula):
                value = value.cached
            if value not in (None, ""):
                cells.append((row, col, value))
        sheets.append((sheet.name, cells))
    return sheets


def floor_writer(sheets: list[tuple[str, list[tuple[int, int, object]]]]) -> Callable[[], None]:
    def write() -> None:
        book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
        for name, cells in sheets:
            ws = book.add_worksheet(name)
            for row, col, value in cells:
                if isinstance(value, str):
                    ws.write_string(row, col, value)
                else:
                    ws.write_number(row, col, value)  # type: ignore[arg-type]
        book.close()

    return write


def styled_floor_writer() -> Callable[[], None]:
    """The same cells with the same formats and nothing else: what formatting alone costs."""
    sheets = lay_out(load_inputs(), generated_at=FIXED)[1].sheets

    def write() -> None:
        book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
        formats: dict[object, object] = {}
        for sheet in sheets:
            ws = book.add_worksheet(sheet.name)
            for row, col, value, style in sheet.every_cell():
                fmt = formats.get(style) or formats.setdefault(style, book.add_format(cell_format(*style)))
                if isinstance(value, Link):
                    value = value.text
                elif isinstance(value, Formula):
                    value = value.cached
                if value is None or value == "":
                    ws.write_blank(row, col, None, fmt)
                elif isinstance(value, str):
                    ws.write_string(row, col, value, fmt)
                else:
                    ws.write_number(row, col, value, fmt)  # type: ignore[arg-type]
        book.close()

    return write


def interleaved(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, tuple[float, float]]:
    """name -> (median wall seconds, least CPU seconds) over `repeat` interleaved runs. CPU time
    counts this process and the processes it waited for; its least is what other load on the
    machine disturbs least."""
    walls: dict[str, list[float]] = {name: [] for name in runs}
    cpus: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():  # warm caches once each
        run()
    for _ in range(repeat):
        for name, run in runs.items():
            start, cpu = time.perf_counter(), _cpu()
            run()
            walls[name].append(time.perf_counter() - start)
            cpus[name].append(_cpu() - cpu)
    return {name: (statistics.median(walls[name]), min(cpus[name])) for name in runs}


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def process(args: list[str], cwd: Path) -> Callable[[], None]:
    def run() -> None:
        subprocess.run(args, cwd=cwd, check=True, capture_output=True)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    cells = floor_cells()
    count = sum(len(c) for _, c in cells)
    runs = {"build": build_in_process, "floor": floor_writer(cells), "styled": styled_floor_writer()}
    result = interleaved(runs, args.repeat)
    print(
        f"in-process, sample scorecard ({count:,} cells on {len(cells)} sheets), "
        f"wall time (median of {args.repeat}) and CPU time (least):"
    )
    print(f"  {'':22} {'wall ms':>8} {'CPU ms':>8}")
    for name, label in (
        ("build", "scorecard_xl build"),
        ("floor", "bare xlsxwriter"),
        ("styled", "styled floor"),
    ):
        wall, cpu = result[name]
        print(f"  {label:22} {wall * 1000:8.1f} {cpu * 1000:8.1f}")
    (build_wall, build_cpu), (floor_wall, floor_cpu) = result["build"], result["floor"]
    print(f"  {'ratio':22} {build_wall / floor_wall:7.2f}x {build_cpu / floor_cpu:7.2f}x  (target <= 1.6)")
    print(
        "  (floor: the same cells, no logic, no formats; styled floor: the same cells with their "
        f"formats alone, {result['styled'][1] / floor_cpu:.2f}x the floor's CPU)"
    )

    # An installed package has its bytecode compiled (pip does it; Python itself on first import),
    # as xlsxwriter's is. A checkout run with PYTHONDONTWRITEBYTECODE set (this project's machines
    # set it) would compile every module from source in every process: 150-190 ms of the build.
    compileall.compile_dir(Path(scorecard_xl.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        cli = [sys.executable, "-m", "scorecard_xl.cli", "build", "--force", "-o", "bench.xlsx"]
        runs = {
            "cli": process(cli, cwd),
            "import xlsxwriter": process([sys.executable, "-c", "import xlsxwriter"], cwd),
            "help": process([sys.executable, "-m", "scorecard_xl.cli", "--help"], cwd),
            "pass": process([sys.executable, "-c", "pass"], cwd),
        }
        if importlib.util.find_spec("pandas"):
            runs["import pandas, xlsxwriter"] = process(
                [sys.executable, "-c", "import pandas, xlsxwriter"], cwd
            )
        ends = interleaved(runs, max(args.repeat // 2, 5))
    print(
        "end to end, new process each time (bytecode compiled, as installed), "
        "wall time (median) and CPU time (least):"
    )
    cli_wall, cli_cpu = ends["cli"]
    print(f"  {'scorecard-xl build':38} {cli_wall * 1000:7.1f} ms {cli_cpu * 1000:7.1f} ms CPU")
    for name in [n for n in ends if n not in ("cli", "help", "pass")]:
        wall, cpu = ends[name]
        label = f'python -c "{name}"'
        print(
            f"  {label:<38} {wall * 1000:7.1f} ms {cpu * 1000:7.1f} ms CPU   "
            f"ratio {cli_wall / wall:5.2f}x wall, {cli_cpu / cpu:5.2f}x CPU (target <= 3)"
        )
    (help_wall, help_cpu), (pass_wall, pass_cpu) = ends["help"], ends["pass"]
    print(f"  {'scorecard-xl --help':38} {help_wall * 1000:7.1f} ms {help_cpu * 1000:7.1f} ms CPU")
    label = 'python -c "pass"'
    print(
        f"  {label:38} {pass_wall * 1000:7.1f} ms {pass_cpu * 1000:7.1f} ms CPU   "
        f"ratio {help_wall / pass_wall:5.2f}x wall, {help_cpu / pass_cpu:5.2f}x CPU (target <= 3)"
    )


if __name__ == "__main__":
    main()
