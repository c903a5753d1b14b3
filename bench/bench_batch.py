"""Batch benchmark: one batch file built serially (--jobs 1) and in parallel (--jobs = CPUs), side by
side, with seconds per workbook, the speed-up and peak memory.

    python bench/bench_batch.py [BATCH.toml] [--jobs N] [--repeat N]

With no batch file it builds the benchmarking scorecard for every English local authority (the
per-authority data is extracted from the bundled DfE files first, outside the timing); --sample
builds the bundled sample's 6 months x 3 audience variants (18 workbooks) instead.
Every run builds every workbook into a fresh temporary folder (the batch file's own output folder
and manifest are never touched), in a new process, as `scorecard-xl batch` would. Runs are
interleaved (serial, parallel, serial, ...) so both see the same machine load; medians reported.

Memory, per run:
- peak RSS sum: the largest sum of VmRSS over the batch process and all its workers, sampled
  from /proc every 50 ms (Linux only). Forked workers share the parent's pages, which RSS counts
  once per process, so this overstates what the machine really used;
- peak PSS sum: the same with PSS (/proc/PID/smaps_rollup), which divides shared pages between the
  processes sharing them: the better figure for "how much memory did the batch take";
- max single maxrss: getrusage maxrss of the largest single process (the batch process itself or
  any one worker), which needs no sampling and works on macOS too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from scorecard_xl.inputs.bundled import sample_data, templates_folder

VARIANTS = ("board", "cabinet", "public")
DEFAULT_BATCH = """\
# The bundled sample, every month (2022-10 to 2023-03), for three audiences: 18 workbooks.
[defaults]
template = "{template}"
data = ["{data}"]
output = "{{variant}}/{{period}}.xlsx"

[variants.board]
params = {{ audience = "Board" }}

[variants.cabinet]
params = {{ audience = "Cabinet" }}

[variants.public]
params = {{ audience = "Public" }}

[for_each]
period = "all"
variant = "all"
"""

# Runs in the measured process: the batch, timed inside (so interpreter start-up is left out), and
# getrusage for the process itself and its largest worker (the pool waits for its workers).
RUNNER = """\
import json, resource, sys, time
from scorecard_xl.batch import run_batch
batch, jobs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
start = time.perf_counter()
report = run_batch(batch, jobs=jobs, force=True, output_folder=out)
seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds,
    "built": report.count("built"),
    "failed": report.count("failed"),
    "workers": report.workers,
    "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}))
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    built: int
    failed: int
    workers: int
    max_single_kb: int  # getrusage maxrss of the largest single process
    rss_sum_kb: int | None  # sampled peak of the sum over the process tree
    pss_sum_kb: int | None


ALL_LAS_BATCH = """\
# Every English local authority's benchmarking scorecard (as dfe-extract's batch.toml).
[defaults]
template = "dfe_benchmark"
data = "{folder}/{{code}}.csv"
output = "{{code}}_{{organisation_slug}}.xlsx"

[for_each]
organisation = "{folder}/authorities.csv"
"""


def all_las_batch(folder: Path) -> Path:
    """The all-authority batch over per-authority files extracted once, outside the timing."""
    from scorecard_xl.extracts.dfe_per_authority import extract

    data = folder / "dfe_data"
    extract(data)
    path = folder / "all_local_authorities.toml"
    path.write_text(ALL_LAS_BATCH.format(folder=data.as_posix()), encoding="utf-8")
    return path


def sample_batch(folder: Path) -> Path:
    template = templates_folder() / "nct_monthly.toml"
    data = sample_data("nct_monthly")
    assert data is not None
    path = folder / "sample_months_x_variants.toml"
    path.write_text(
        DEFAULT_BATCH.format(template=template.as_posix(), data=data.as_posix()), encoding="utf-8"
    )
    return path


def _children_of(pid: int) -> list[int] | None:
    """A process's children from /proc/PID/task/TID/children (cheap), or None where the kernel does
    not provide it."""
    found: list[int] = []
    try:
        for task in os.scandir(f"/proc/{pid}/task"):
            with open(f"{task.path}/children", encoding="utf-8") as children:
                found.extend(int(c) for c in children.read().split())
    except FileNotFoundError:
        return None if not found and Path(f"/proc/{pid}").exists() else found
    except OSError:
        pass
    return found


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, for every process on the machine (from /proc/PID/stat)."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB; PSS falls back to RSS where smaps_rollup is missing."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                    break
    except OSError:
        pass
    return rss, pss or rss


class TreeSampler:
    """Samples the memory of a process and all its descendants every 50 ms; keeps the peaks."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.rss = self.pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.available = Path("/proc/self/status").exists()

    def __enter__(self) -> TreeSampler:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            tree: dict[int, list[int]] | None = None
            pids, total_rss, total_pss = [self.pid], 0, 0
            while pids:
                pid = pids.pop()
                rss, pss = _memory_kb(pid)
                total_rss, total_pss = total_rss + rss, total_pss + pss
                children = _children_of(pid)
                if children is None:  # no /proc/PID/task/TID/children: scan every process once
                    tree = tree if tree is not None else _children()
                    children = tree.get(pid, [])
                pids.extend(children)
            self.rss, self.pss = max(self.rss, total_rss), max(self.pss, total_pss)
            self._stop.wait(0.05)


def run_once(batch: Path, jobs: int) -> Run:
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", RUNNER, str(batch), str(jobs), out],
            stdout=subprocess.PIPE,
            text=True,
        )
        with TreeSampler(process.pid) as sampler:
            stdout, _ = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"the batch run failed (exit code {process.returncode})")
        result = json.loads(stdout)
    scale = 1024 if sys.platform == "darwin" else 1  # macOS reports maxrss in bytes
    return Run(
        result["seconds"],
        result["built"],
        result["failed"],
        result["workers"],
        max(result["self_kb"], result["children_kb"]) // scale,
        sampler.rss if sampler.available else None,
        sampler.pss if sampler.available else None,
    )


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def mb(kb: int | None) -> str:
    return f"{kb / 1024:,.0f} MB" if kb is not None else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("batch", nargs="?", help="batch file (default: every English local authority)")
    parser.add_argument("--sample", action="store_true", help="the bundled sample's 6 months x 3 variants")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: CPUs)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default: %(default)s)")
    args = parser.parse_args()

    before = _load()
    with tempfile.TemporaryDirectory(prefix="bench_batch_file_") as folder:
        if args.batch:
            batch = Path(args.batch)
        else:
            batch = sample_batch(Path(folder)) if args.sample else all_las_batch(Path(folder))
        sides = {"serial (--jobs 1)": 1, f"parallel (--jobs {args.jobs})": args.jobs}
        runs: dict[str, list[Run]] = {name: [] for name in sides}
        for _ in range(args.repeat):
            for name, jobs in sides.items():
                runs[name].append(run_once(batch, jobs))

    first = runs[next(iter(sides))][0]
    label = args.batch or ("bundled sample, 6 months x 3 variants" if args.sample else "every English LA")
    print(f"batch: {label}: {first.built} workbooks ({first.failed} failed); {os.cpu_count()} CPUs")
    print(f"load average before: {before}, after: {_load()} (other work on the machine skews the ratio)")
    print(f"medians of {args.repeat} interleaved runs; each builds every workbook into a fresh folder\n")
    header = ("", "workers", "seconds", "s/workbook", "peak RSS sum", "peak PSS sum", "max 1 process")
    rows = [header]
    medians: dict[str, float] = {}
    for name, found in runs.items():
        seconds = statistics.median(r.seconds for r in found)
        medians[name] = seconds
        built = max(found[0].built, 1)
        rss = [r.rss_sum_kb for r in found if r.rss_sum_kb is not None]
        pss = [r.pss_sum_kb for r in found if r.pss_sum_kb is not None]
        rows.append(
            (
                name,
                str(found[0].workers),
                f"{seconds:.2f}",
                f"{seconds / built:.3f}",
                mb(max(rss)) if rss else "n/a",
                mb(max(pss)) if pss else "n/a",
                mb(max(r.max_single_kb for r in found)),
            )
        )
    widths = [max(len(row[c]) for row in rows) for c in range(len(header))]
    for row in rows:
        print(
            "  ".join(
                cell.ljust(w) if c == 0 else cell.rjust(w)
                for c, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    serial, parallel = medians.values()
    print(f"\nspeed-up: {serial / parallel:.2f}x with {args.jobs} workers")


if __name__ == "__main__":
    main()
