"""Bad data at scale: how refusing grows with the rows, against accepting the same number of rows.

    python bench/bench_bad_rows.py [--sizes 125000,250000,500000,1000000]

For each size N, three CSV files of N rows for the sample definition are written:

- valid: every row a good value (the sample's measures over enough months);
- unknown: every row naming a measure the definition lacks (a thousand distinct ids);
- distinct: every row naming a different unknown measure (N distinct ids).

Each is validated in a fresh process (`scorecard-xl validate`), timed end to end, with its peak
memory (maximum resident set). The ratio columns show growth: time for N over time for the
first size, beside N over the first size. Linear growth keeps them equal. (The issue measured
114 s for a million unknown rows against 14 s for valid ones: a difflib search for "did you mean"
on every row, and every problem kept and described. Now the hint is worked out once per distinct
id, only the first 1,000 problems are kept whole, and the rest are counted.)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbook_templates" / "nct_monthly.toml"
LINES = TEMPLATE.read_text(encoding="utf-8").splitlines()
IDS = [line.split('"')[1] for line in LINES if line.startswith("id = ") and "-" not in line]


def months(count: int) -> list[str]:
    return [f"{1900 + i // 12:04d}-{i % 12 + 1:02d}" for i in range(count)]


def write(folder: Path, kind: str, rows: int) -> Path:
    path = folder / f"{kind}_{rows}.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("measure,series,period,value\n")
        if kind == "valid":
            monthly = [i for i in IDS if i.startswith(("CFSS", "CR", "AS"))][:40]
            periods = months(rows // len(monthly) + 1)
            written = 0
            for period in periods:
                for measure in monthly:
                    if written == rows:
                        break
                    out.write(f"{measure},actual,{period},5\n")
                    written += 1
        else:
            for i in range(rows):
                name = f"UNKNOWN{i % 1000 if kind == 'unknown' else i}"
                out.write(f"{name},actual,2023-03,5\n")
    return path


def validate(data: Path) -> tuple[float, float, int]:
    """Seconds and peak MB (maximum resident set) of `scorecard-xl validate` on `data`, and its
    exit code."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "scorecard_xl.cli", "validate", "-t", str(TEMPLATE), "-d", str(data)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="125000,250000,500000,1000000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = ("valid", "unknown", "distinct")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        results: dict[tuple[str, int], tuple[float, float, int]] = {}
        for size in sizes:
            for kind in kinds:
                results[(kind, size)] = validate(write(folder, kind, size))
                (folder / f"{kind}_{size}.csv").unlink()
    print(f"{'rows':>9} {'x rows':>7} | " + " | ".join(f"{k:>8} s  x time  peak MB" for k in kinds))
    for size in sizes:
        cells = []
        for kind in kinds:
            seconds, peak, code = results[(kind, size)]
            ratio = seconds / results[(kind, sizes[0])][0]
            cells.append(f"{seconds:9.2f} {ratio:7.2f} {peak:8.0f}" + ("" if code in (0, 2) else "!"))
        print(f"{size:>9,} {size / sizes[0]:7.2f} | " + " | ".join(cells))
    print("exit codes: valid 0, unknown and distinct 2 (! marks another)")


if __name__ == "__main__":
    main()
