"""Refresh benchmark: write actions and compute time of a refresh of the sample against a build of
the same workbook, measured side by side in one run.

    python bench/bench_refresh.py [--repeat N]

A refresh of February to March goes through the real xlwings remote engine (the workbook as Excel
sends it); "compute" is reading the workbook's record, loading the data and planning every block,
before the first write. Target: a handful of block writes per sheet, never one per cell.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the remote engine: PolyForm Noncommercial
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import xlwings as xw

from scorecard_xl.pipeline import build, load_inputs, render
from scorecard_xl.refresh import refresh
from tests.excel_payload import payload_from_file

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "nct_2022_23" / "data.csv"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", "Sparkline Group extension")
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(SAMPLE, Path(folder) / "data.csv")
        os.environ["SCORECARD_XL_BASE_DIR"] = folder
        book = Path(folder) / "february.xlsx"
        build(book, None, [Path(folder) / "data.csv"], "2023-02")
        payload = payload_from_file(book)
        refresh_times, build_times = [], []
        outcome = None
        for _ in range(args.repeat):
            start = time.perf_counter()
            outcome = refresh(xw.Book(json=payload), check_only=True)
            refresh_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            render(load_inputs(None, [Path(folder) / "data.csv"]), None)
            build_times.append(time.perf_counter() - start)
        assert outcome is not None
        writes = outcome.plan.writes
        sheets = len({w.sheet for w in writes})
    refresh_ms, build_ms = statistics.median(refresh_times) * 1000, statistics.median(build_times) * 1000
    print(f"refresh of the sample, February -> March, median of {args.repeat}:")
    print(
        f"  write actions        {len(writes):5d}  ({len(writes) / sheets:.1f} per sheet on {sheets} sheets, "
        f"{sum(w.cells for w in writes):,} cells)"
    )
    print(f"  refresh compute      {refresh_ms:7.1f} ms  (read record, load data, plan every block)")
    print(f"  build of same book   {build_ms:7.1f} ms  (load, model, layout, write .xlsx)")
    print(f"  ratio                {refresh_ms / build_ms:7.2f}x")


if __name__ == "__main__":
    main()
