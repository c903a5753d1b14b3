"""Build benchmark: prints ratios measured side by side in one run.

    python bench/bench_build.py [--repeat N]

1. In-process build of the bundled sample (load definition and data, model, layout, write) against
   the floor: a bare xlsxwriter script writing the same cells with no logic and no formats.
   Target (issue 10): 1.6x.
2. End-to-end `scorecard-xl build` (a new process) against `python -c "import xlsxwriter"`, and
   against `python -c "import pandas, xlsxwriter"` when pandas is installed.

Runs are interleaved (A, B, A, B, ...) so both sides see the same machine load; medians reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

from scorecard_xl.layout import BuildContext, lay_out_workbook
from scorecard_xl.layout.sheet import Formula, Link, WorkbookLayout
from scorecard_xl.model import build_scorecard
from scorecard_xl.pipeline import load_inputs, render
from scorecard_xl.styles import cell_format

FIXED = dt.datetime(2023, 4, 12, tzinfo=dt.timezone.utc)


def build_in_process() -> None:
    render(load_inputs(), generated_at=FIXED)


def floor_cells(layout: WorkbookLayout | None = None) -> list[tuple[str, list[tuple[int, int, object]]]]:
    """The cells a build writes (the sample's by default), as plain values: links as their text,
    formulas as their cached results (computed once, outside the timing)."""
    if layout is None:
        inputs = load_inputs()
        scorecard = build_scorecard(inputs.definition, inputs.dataset)
        context = BuildContext(FIXED, "bench", "nct_monthly.toml", inputs.dataset.sources)
        layout = lay_out_workbook(scorecard, context)
    sheets = []
    for sheet in layout.sheets:
        cells = []
        for row, col, value, _ in sheet.cells:
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
    inputs = load_inputs()
    scorecard = build_scorecard(inputs.definition, inputs.dataset)
    context = BuildContext(FIXED, "bench", "nct_monthly.toml", inputs.dataset.sources)
    sheets = lay_out_workbook(scorecard, context).sheets

    def write() -> None:
        book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
        formats: dict[object, object] = {}
        for sheet in sheets:
            ws = book.add_worksheet(sheet.name)
            for row, col, value, style in sheet.cells:
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


def interleaved(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():  # warm caches once each
        run()
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


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
    print(f"in-process, sample scorecard ({count:,} cells on {len(cells)} sheets), median of {args.repeat}:")
    print(f"  scorecard_xl build   {result['build'] * 1000:7.1f} ms")
    print(f"  bare xlsxwriter      {result['floor'] * 1000:7.1f} ms   (same cells, no logic, no formats)")
    print(f"  ratio                {result['build'] / result['floor']:7.2f}x  (target <= 1.6)")
    print(
        f"  (the same cells with their formats alone take {result['styled'] * 1000:.1f} ms, "
        f"{result['styled'] / result['floor']:.2f}x the floor)"
    )

    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        cli = [sys.executable, "-m", "scorecard_xl.cli", "build", "--force", "-o", "bench.xlsx"]
        runs = {
            "cli": process(cli, cwd),
            "import xlsxwriter": process([sys.executable, "-c", "import xlsxwriter"], cwd),
        }
        if importlib.util.find_spec("pandas"):
            runs["import pandas, xlsxwriter"] = process(
                [sys.executable, "-c", "import pandas, xlsxwriter"], cwd
            )
        ends = interleaved(runs, max(args.repeat // 2, 5))
    print("end to end, new process each time:")
    print(f"  scorecard-xl build                   {ends['cli'] * 1000:7.1f} ms")
    for name in [n for n in ends if n != "cli"]:
        label = f'python -c "{name}"'
        print(f"  {label:<36} {ends[name] * 1000:7.1f} ms   ratio {ends['cli'] / ends[name]:5.2f}x")


if __name__ == "__main__":
    main()
