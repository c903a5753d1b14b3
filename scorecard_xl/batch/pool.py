"""Worker processes: jobs run here or in a pool, results gathered as they finish."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import sys
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool

from scorecard_xl.batch.decide import Decision, job_result
from scorecard_xl.batch.manifest import Manifest
from scorecard_xl.batch.plan import Job
from scorecard_xl.batch.report import JobResult, Progress
from scorecard_xl.batch.worker import Outcome, Task, run_task, worker_init


def _context() -> multiprocessing.context.BaseContext:
    """'fork' on Linux: workers start in milliseconds sharing the parent's loaded modules (and
    inputs loaded while planning). 'spawn' elsewhere: fork is unsafe on macOS and absent on Windows."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def default_jobs() -> int:
    return os.cpu_count() or 1


def start_pool(workers: int) -> cf.ProcessPoolExecutor:
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=worker_init)


def run_here(
    jobs: Sequence[Job],
    decisions: Sequence[Decision],
    tasks: Sequence[tuple[int, Task]],
    results: list[JobResult | None],
    progress: Progress,
    writer: Manifest,
) -> None:
    for index, task in tasks:
        progress.draw(jobs[index].name)
        results[index] = job_result(decisions[index], run_task(task))
        progress.finished(results[index])  # type: ignore[arg-type]
        writer.save(jobs, results)


def run_in_pool(
    pool: cf.ProcessPoolExecutor,
    jobs: Sequence[Job],
    decisions: Sequence[Decision],
    tasks: Sequence[tuple[int, Task]],
    results: list[JobResult | None],
    progress: Progress,
    writer: Manifest,
) -> bool:
    """Run `tasks` in the pool; True when interrupted (running jobs finish, queued ones do not)."""
    # Jobs sharing inputs go together, so each worker's small cache keeps loading them once.
    ordered = sorted(tasks, key=lambda t: (t[1].inputs_key or "", t[0]))
    futures = {pool.submit(run_task, task): index for index, task in ordered}
    pending = set(futures)
    interrupted = False
    while pending:
        try:
            done, pending = cf.wait(
                pending, timeout=0.5 if progress.tty else None, return_when=cf.FIRST_COMPLETED
            )
        except KeyboardInterrupt:
            interrupted = True
            for future in pending:
                future.cancel()
            done, pending = cf.wait(pending).done, set()
        for future in done:
            index = futures[future]
            if future.cancelled():
                continue
            try:
                outcome = future.result()
            except BrokenProcessPool:
                outcome = Outcome(
                    "failed", 0.0, error="the worker process stopped unexpectedly (out of memory?)"
                )
            results[index] = job_result(decisions[index], outcome)
            progress.finished(results[index])  # type: ignore[arg-type]
        running = [jobs[futures[f]].name for f in pending if f.running()]
        progress.draw(running[0] if running else None)
        writer.save(jobs, results)
    return interrupted
