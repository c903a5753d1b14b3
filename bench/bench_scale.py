"""Scale benchmark: generated scorecards of growing size, built in-process, against the floor.

    python bench/bench_scale.py [--sizes 100,1000,4000] [--months 36] [--repeat 3] [--titles long]
                                [--refresh]

For each size, a definition of N measures in 10 sections (counts, percentages and rates; some
with targets, every one with SN and England comparators) and N x 36 months of tidy data (with
targets, comparators and outturns) are written to a temporary folder. Then, side by side:

- build: a fresh process runs `scorecard_xl.build` (what `scorecard-xl build` does once its
  imports are done): loads the definition and data from the files, works out the scorecard for the
  latest month, lays it out, writes the .xlsx file and looks for text a CSV export would run;
- floor: a fresh process writes the same cells (values only, no formats, rules or sparklines)
  with bare xlsxwriter;
- raw: a fresh process writes the same cells' XML itself in plain Python (inline strings, no
  styles) into a zip: the real floor (issue 21: a build within 2x its time and 1.5x its memory).

Each side is timed inside its process (imports excluded): wall time, median of --repeat runs
interleaved, and CPU time, the least of them (other load on the machine disturbs it least); its
peak memory is the process's own maximum resident set (VmHWM, including the interpreter). Growth per
measure shows in the ms/measure column. Targets (issue 10): 1,000 measures <= 1.5 s and <= 120 MB;
4,000 <= 6 s and <= 250 MB.

With --refresh, a third process each round refreshes the built workbook without Excel, as
`scorecard-xl refresh BOOK -o NEW` does (reading the workbook, folding in the data file its Cover
names, laying out and writing a new file), and a second table sets it against the build.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECTIONS = 10
UNITS = ("count", "percent", "rate_per_10k", "days")


def months(count: int, last: str = "2023-03") -> list[str]:
    year, month = map(int, last.split("-"))
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


TITLES = {
    "short": "a title of a realistic length for a board",
    # long enough to outgrow the Data table's Title column, so every one of its cells is fitted
    "long": "a title long enough to run past the Data table's column, as many real ones do",
}


def write_inputs(folder: Path, measures: int, month_count: int, titles: str = "short") -> tuple[Path, Path]:
    """A definition of `measures` measures and their tidy data, `month_count` months of it."""
    rng = random.Random(measures)
    lines = [
        "[scorecard]",
        'id = "scale"',
        'version = "1"',
        'title = "Scale test scorecard"',
        'organisation = "Bench Trust"',
        "",
        '[[comparators]]\nid = "sn"\nlabel = "SN"\nname = "Statistical neighbours"\nmethod = "mean"',
        '[[comparators]]\nid = "england"\nlabel = "England"\nname = "England average"',
    ]
    for s in range(SECTIONS):
        lines.append(f'[[sections]]\nid = "s{s}"\ntitle = "Section {s + 1}"')
    span = months(month_count)
    years = sorted({_year(m) for m in span})
    rows = ["measure,series,period,value"]
    for number in range(measures):
        unit = UNITS[number % len(UNITS)]
        polarity = ("high", "low", "none")[number % 3]
        target = polarity != "none" and number % 2 == 0
        ident = f"M{number:05d}"
        lines.append(
            "\n".join(
                [
                    "[[measures]]",
                    f'id = "{ident}"',
                    f'section = "s{number * SECTIONS // measures}"',
                    f'title = "Measure {number + 1}: {TITLES[titles]}"',
                    f'unit = "{unit}"',
                    f'polarity = "{polarity}"',
                    f'ytd = "{"sum" if unit == "count" else "mean" if unit == "days" else "latest"}"',
                    f'target = "{"data" if target else "none"}"',
                ]
            )
        )
        base = rng.uniform(10, 500)
        for month in span:
            rows.append(f"{ident},actual,{month},{_value(unit, base, rng)}")
        for year in years:
            rows.append(f"{ident},sn,{year},{_value(unit, base, rng)}")
            rows.append(f"{ident},england,{year},{_value(unit, base, rng)}")
            rows.append(f"{ident},outturn,{year},{_value(unit, base, rng)}")
            if target:
                rows.append(f"{ident},target,{year},{_value(unit, base, rng)}")
    definition = folder / "scale.toml"
    definition.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    data = folder / "data.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return definition, data


def _year(month: str) -> str:
    year, number = map(int, month.split("-"))
    start = year if number >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _value(unit: str, base: float, rng: random.Random) -> str:
    if unit == "percent":
        return f"{rng.uniform(0.4, 0.99):.3f}"
    if unit == "count":
        return str(int(base * rng.uniform(0.8, 1.2)))
    return f"{base * rng.uniform(0.8, 1.2):.1f}"


# --- the two sides, each in its own process --------------------------------------------------------


def child_build(definition: Path, data: Path) -> dict[str, float]:
    from scorecard_xl.generate.sequence import build

    output = data.with_name("scale.xlsx")
    start, cpu = time.perf_counter(), time.process_time()
    build(output, definition, [data], force=True)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "bytes": output.stat().st_size}


def child_refresh(book: Path) -> dict[str, float]:
    from scorecard_xl.refresh.without_excel import refresh_file

    output = book.with_name("refreshed.xlsx")
    output.unlink(missing_ok=True)
    start, cpu = time.perf_counter(), time.process_time()
    refresh_file(book, output=output)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "bytes": output.stat().st_size}


def child_floor(cells_file: Path) -> dict[str, float]:
    from bench_build import floor_writer  # the same bare xlsxwriter writer as for the sample

    write = floor_writer(pickle.loads(cells_file.read_bytes()))
    start, cpu = time.perf_counter(), time.process_time()
    write()
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "bytes": 0}


def child_raw_xml(cells_file: Path) -> dict[str, float]:
    from bench_build import raw_xml_writer  # plain Python writing the XML: the real floor

    target = cells_file.with_name("raw.xlsx")
    write = raw_xml_writer(pickle.loads(cells_file.read_bytes()), target)
    start, cpu = time.perf_counter(), time.process_time()
    write()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "bytes": target.stat().st_size}


def floor_cells(definition: Path, data: Path) -> list[tuple[str, list[tuple[int, int, object]]]]:
    """The cells the build writes, as plain values (computed once, outside the timing)."""
    from bench_build import floor_cells as plain_cells  # this folder is on sys.path when run

    from scorecard_xl.generate.loading import load_inputs
    from scorecard_xl.generate.request import BuildRequest, lay_out

    return plain_cells(lay_out(BuildRequest(load_inputs(definition, [data])))[1])


def run_child(*args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_main(args: list[str]) -> None:
    kind = args[0]
    if kind == "build":
        result = child_build(Path(args[1]), Path(args[2]))
    elif kind == "refresh":
        result = child_refresh(Path(args[1]))
    elif kind == "raw":
        result = child_raw_xml(Path(args[1]))
    else:
        result = child_floor(Path(args[1]))
    print(json.dumps({**result, "peak_mb": peak_memory_kb() / 1024}))


def peak_memory_kb() -> float:
    """This process's peak resident memory. Linux's VmHWM is this program's own; ru_maxrss is
    not: it keeps the high-water mark of the process that started it (across fork and exec), so
    each child reported at least this parent's memory, which holds every layout measured."""
    import resource

    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # kilobytes on Linux


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100,1000,4000", help="measures per scorecard, comma-separated")
    parser.add_argument("--months", type=int, default=36, help="months of data per measure")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--titles",
        choices=sorted(TITLES),
        default="short",
        help="measure titles: short, or too long for the Data table's column",
    )
    parser.add_argument(
        "--refresh", action="store_true", help="also time a refresh without Excel of each built workbook"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{'measures':>8} {'cells':>9} {'build s':>8} {'floor s':>8} {'ratio':>6} {'build CPU':>9} "
        f"{'floor CPU':>9} {'ratio':>6} {'ms/measure':>10} {'build MB':>9} {'floor MB':>9} {'xlsx MB':>8}"
    )
    refreshes: dict[int, list[dict[str, float]]] = {}
    raw_results: dict[int, tuple[float, float, float, list[dict[str, float]]]] = {}
    build_cpus: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as temporary:
        for size in sizes:
            folder = Path(temporary) / str(size)
            folder.mkdir()
            definition, data = write_inputs(folder, size, args.months, args.titles)
            cells = floor_cells(definition, data)
            cells_file = folder / "cells.pickle"
            cells_file.write_bytes(pickle.dumps(cells))
            builds, floors, raws = [], [], []
            for _ in range(args.repeat):  # interleaved, so every side sees the same machine load
                builds.append(run_child("build", str(definition), str(data)))
                floors.append(run_child("floor", str(cells_file)))
                raws.append(run_child("raw", str(cells_file)))
                if args.refresh:
                    refreshes.setdefault(size, []).append(run_child("refresh", str(folder / "scale.xlsx")))
            build_s = statistics.median(b["seconds"] for b in builds)
            floor_s = statistics.median(f["seconds"] for f in floors)
            build_cpu = min(b["cpu"] for b in builds)  # CPU time, least disturbed by other load
            floor_cpu = min(f["cpu"] for f in floors)
            count = sum(len(c) for _, c in cells)
            print(
                f"{size:>8,} {count:>9,} {build_s:>8.2f} {floor_s:>8.2f} {build_s / floor_s:>5.2f}x "
                f"{build_cpu:>9.2f} {floor_cpu:>9.2f} {build_cpu / floor_cpu:>5.2f}x "
                f"{build_s * 1000 / size:>10.2f} {max(b['peak_mb'] for b in builds):>9.0f} "
                f"{max(f['peak_mb'] for f in floors):>9.0f} {builds[0]['bytes'] / 2**20:>8.1f}",
                flush=True,
            )
            build_cpus[size] = build_cpu
            raw_results[size] = (build_cpu, build_s, max(b["peak_mb"] for b in builds), raws)
    print(
        "\nagainst plain Python writing the same cells' XML itself (the real floor; "
        "issue 21's targets: <= 2x CPU, <= 1.5x memory):"
    )
    print(
        f"{'measures':>8} {'raw s':>8} {'raw CPU':>8} {'build x CPU':>11} {'x wall':>7} "
        f"{'raw MB':>7} {'x memory':>8}"
    )
    for size, (build_cpu, build_s, build_mb, raws) in raw_results.items():
        raw_cpu = min(r["cpu"] for r in raws)
        raw_s = statistics.median(r["seconds"] for r in raws)
        raw_mb = max(r["peak_mb"] for r in raws)
        print(
            f"{size:>8,} {raw_s:>8.2f} {raw_cpu:>8.2f} {build_cpu / raw_cpu:>10.2f}x "
            f"{build_s / raw_s:>6.2f}x "
            f"{raw_mb:>7.0f} {build_mb / raw_mb:>7.2f}x"
        )
    if refreshes:
        print("\nrefresh without Excel (scorecard-xl refresh BOOK -o NEW), against the build above:")
        print(f"{'measures':>8} {'refresh s':>9} {'refresh CPU':>11} {'x build CPU':>11} {'refresh MB':>10}")
        for size, runs in refreshes.items():
            cpu = min(r["cpu"] for r in runs)
            print(
                f"{size:>8,} {statistics.median(r['seconds'] for r in runs):>9.2f} {cpu:>11.2f} "
                f"{cpu / build_cpus[size]:>10.2f}x {max(r['peak_mb'] for r in runs):>10.0f}"
            )


if __name__ == "__main__":
    main()
