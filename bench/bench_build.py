"""Build benchmark: prints ratios measured side by side in one run.

    python bench/bench_build.py [--repeat N]

1. In-process build of the bundled sample (load definition and data, model, layout, write) against
   the floor: a bare xlsxwriter script writing the same cells with no logic and no formats.
   Target (issue 10): 1.6x. (Least of many warm builds: the first build, row 4, is the honest one.)
2. End-to-end `scorecard-xl build` (a new process) against `python -c "import xlsxwriter"`, and
   against `python -c "import pandas, xlsxwriter"` when pandas is installed. Target: 3x. The
   package's bytecode is compiled first, as an installed package's is.
3. `scorecard-xl --help` (a new process) against `python -c "pass"`. Target: 2x (issue 21).
4. The first build in a fresh process (after `import scorecard_xl, xlsxwriter`: what the command
   line pays, lazy imports included) against the floor's first write in a fresh process (after
   `import xlsxwriter`). Target (issue 21): 1.5x.

Runs are interleaved (A, B, A, B, ...) so both sides see the same machine load; wall-time medians
and CPU-time minimums reported (on a loaded machine, the CPU ratio is the steadier).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import importlib.util
import io
import pickle
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
from scorecard_xl.a1 import a1
from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.generate.sequence import render
from scorecard_xl.layout.sheet import Formula, Link, WorkbookLayout
from scorecard_xl.layout.styles import cell_format

FIXED = dt.datetime(2023, 4, 12, tzinfo=dt.timezone.utc)


def build_in_process() -> None:
    render(load_inputs(), generated_at=FIXED)


def floor_cells(layout: WorkbookLayout | None = None) -> list[tuple[str, list[tuple[int, int, object]]]]:
    """The cells a build writes (the sample's by default), as plain values: links as their text,
    formulas as their cached results (computed once, outside the timing)."""
    if layout is None:
        layout = lay_out(BuildRequest(load_inputs(), generated_at=FIXED))[1]  # as render lays it out
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


RAW_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns='
    '"http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
    '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{sheets}</Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
    '"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
    '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>',
}


def raw_xml_writer(
    sheets: list[tuple[str, list[tuple[int, int, object]]]], target: object
) -> Callable[[], None]:
    """The real floor for writing cells: plain Python writing the sheets' XML itself (inline strings,
    no styles) into a zip, as a minimal valid .xlsx. No library can do less work per cell."""
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    def write() -> None:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:  # type: ignore[arg-type]
            overrides = "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for n in range(1, len(sheets) + 1)
            )
            archive.writestr("[Content_Types].xml", RAW_PARTS["[Content_Types].xml"].format(sheets=overrides))
            archive.writestr("_rels/.rels", RAW_PARTS["_rels/.rels"])
            names = "".join(
                f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
                for n, (name, _) in enumerate(sheets, start=1)
            )
            archive.writestr(
                "xl/workbook.xml",
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.'
                'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                f'officeDocument/2006/relationships"><sheets>{names}</sheets></workbook>',
            )
            relationships = "".join(
                f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, len(sheets) + 1)
            )
            archive.writestr(
                "xl/_rels/workbook.xml.rels",
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
                f'schemas.openxmlformats.org/package/2006/relationships">{relationships}</Relationships>',
            )
            for n, (_, cells) in enumerate(sheets, start=1):
                parts = [
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
                    'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                ]
                current = -1
                for row, col, value in sorted(cells, key=lambda cell: (cell[0], cell[1])):
                    if row != current:
                        parts.append(("</row>" if current >= 0 else "") + f'<row r="{row + 1}">')
                        current = row
                    ref = a1(row, col)
                    if isinstance(value, str):
                        parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
                    else:
                        parts.append(f'<c r="{ref}"><v>{value!r}</v></c>')
                parts.append(("</row>" if current >= 0 else "") + "</sheetData></worksheet>")
                archive.writestr(f"xl/worksheets/sheet{n}.xml", "".join(parts))

    return write


def styled_floor_writer() -> Callable[[], None]:
    """The same cells with the same formats and nothing else: what formatting alone costs."""
    sheets = lay_out(BuildRequest(load_inputs(), generated_at=FIXED))[1].sheets

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


# Timed inside a fresh process, the imports both sides share (xlsxwriter) done first; prints
# "wall cpu" in seconds.
FIRST_BUILD = """
import time, datetime as dt
import scorecard_xl, xlsxwriter
start, cpu = time.perf_counter(), time.process_time()
scorecard_xl.render(scorecard_xl.load_inputs(), generated_at=dt.datetime(2023, 4, 12, tzinfo=dt.timezone.utc))
print(time.perf_counter() - start, time.process_time() - cpu)
"""
FIRST_FLOOR = """
import io, pickle, sys, time
import xlsxwriter
sheets = pickle.loads(open(sys.argv[1], "rb").read())
start, cpu = time.perf_counter(), time.process_time()
book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
for name, cells in sheets:
    ws = book.add_worksheet(name)
    for row, col, value in cells:
        (ws.write_string if isinstance(value, str) else ws.write_number)(row, col, value)
book.close()
print(time.perf_counter() - start, time.process_time() - cpu)
"""


def first_runs(
    cells: list[tuple[str, list[tuple[int, int, object]]]], repeat: int, cwd: Path
) -> dict[str, tuple[float, float]]:
    """name -> (median wall, least CPU) of the first build and the first floor write, each in a
    fresh process, interleaved."""
    cells_file = cwd / "cells.pickle"
    cells_file.write_bytes(pickle.dumps(cells))
    commands = {
        "first build": [sys.executable, "-c", FIRST_BUILD],
        "first floor": [sys.executable, "-c", FIRST_FLOOR, str(cells_file)],
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            done = subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True)
            wall, cpu = map(float, done.stdout.split()[-2:])
            times[name].append((wall, cpu))
    return {name: (statistics.median(w for w, _ in t), min(c for _, c in t)) for name, t in times.items()}


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
        firsts = first_runs(cells, max(args.repeat // 2, 5), cwd)
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
        f"ratio {help_wall / pass_wall:5.2f}x wall, {help_cpu / pass_cpu:5.2f}x CPU (target <= 2)"
    )
    print("the first build in a fresh process (xlsxwriter and scorecard_xl imported), against the floor's:")
    (first_wall, first_cpu), (floor_wall, floor_cpu) = firsts["first build"], firsts["first floor"]
    print(f"  {'first build of the sample':38} {first_wall * 1000:7.1f} ms {first_cpu * 1000:7.1f} ms CPU")
    print(
        f"  {'first floor write (bare xlsxwriter)':38} {floor_wall * 1000:7.1f} ms "
        f"{floor_cpu * 1000:7.1f} ms CPU   "
        f"ratio {first_wall / floor_wall:5.2f}x wall, {first_cpu / floor_cpu:5.2f}x CPU (target <= 1.5)"
    )


if __name__ == "__main__":
    main()
