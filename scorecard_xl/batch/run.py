"""Running a batch: plan, decide, build in workers, save the manifest, then email."""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from scorecard_xl.atomic import remove_leftovers
from scorecard_xl.batch.decide import Decision, decide_job, would_result
from scorecard_xl.batch.email import check_recipients, email_all, ready_to_email
from scorecard_xl.batch.file import load_batch
from scorecard_xl.batch.intents import clear_intents, intents_folder
from scorecard_xl.batch.manifest import Manifest, read_manifest
from scorecard_xl.batch.plan import InputsKey, plan
from scorecard_xl.batch.pool import default_jobs, run_here, run_in_pool, start_pool
from scorecard_xl.batch.report import (
    BUILT,
    FAILED,
    NOT_RUN,
    SKIPPED,
    BatchReport,
    EmailResult,
    JobResult,
    Progress,
)
from scorecard_xl.batch.worker import Available, Hashes, discover_here, periods_of


def run_batch(
    batch_file: str | Path,
    jobs: int | None = None,
    force: bool = False,
    dry_run: bool = False,
    manifest: str | Path | None = None,
    progress: TextIO | None = None,
    output_folder: str | Path | None = None,
    send: bool = False,
    email_dry_run: str | Path | None = None,
    force_send: bool = False,
) -> BatchReport:
    """Plan and run a batch: build every job's workbook in `jobs` worker processes (default: one
    per CPU; 1 runs in this process), skipping unchanged ones unless `force`, and write the manifest.
    `output_folder` replaces the batch file's (the manifest goes in it too, unless `manifest` is
    given). Then, with `send`, email every workbook built or skipped as the [email] table says (or
    with `email_dry_run`, write the messages in that folder); a workbook failing check is not sent
    unless `force_send`. Raises InputError, before anything is written, for a bad batch file or
    manifest, or for email settings that cannot work (no [email] table, server or password)."""
    started = time.monotonic()
    batch = load_batch(batch_file)
    if output_folder is not None:
        batch = dataclasses.replace(batch, output_folder=Path(output_folder))
    mailing = send or email_dry_run is not None
    password = ready_to_email(batch, send, email_dry_run, dry_run) if mailing else None
    manifest_path = Path(manifest) if manifest else batch.manifest
    previous = read_manifest(manifest_path)
    workers = max(1, jobs or default_jobs())
    hashes = Hashes()
    pool: cf.ProcessPoolExecutor | None = None

    def discover(keys: Sequence[InputsKey]) -> list[Available | str]:
        nonlocal pool
        if workers == 1 or dry_run or len(keys) <= 1:
            return discover_here(keys)  # and, with fork, the workers inherit the loaded inputs
        pool = start_pool(workers)  # kept for the jobs
        return list(pool.map(periods_of, keys, [hashes.inputs_key(*k) for k in keys]))

    try:
        planned = plan(batch, discover, manifest_path)
        if mailing and not dry_run:
            check_recipients(batch, planned)  # every job's addresses, before any workbook is built
        decisions = [
            decide_job(job, previous, manifest_path, force, hashes, batch.path.name) for job in planned
        ]
        if dry_run:
            results = tuple(would_result(d) for d in decisions)
            return BatchReport(
                batch, results, manifest_path, workers, time.monotonic() - started, dry_run=True
            )
        results_list: list[JobResult | None] = [d.result if d.task is None else None for d in decisions]
        remove_unbuilt_leftovers(decisions)
        tasks = [(i, d.task) for i, d in enumerate(decisions) if d.task is not None]
        shown = Progress(progress, len(planned))
        writer = Manifest(manifest_path, batch, previous)
        skipped = [r for r in results_list if r is not None and r.status == SKIPPED]
        shown.done += len(skipped)
        shown.skipped(len(skipped))
        for result in results_list:
            if result is not None and result.status == FAILED:
                shown.finished(result)
        interrupted = False
        try:
            if workers == 1 or len(tasks) <= 1:
                run_here(planned, decisions, tasks, results_list, shown, writer)
            else:
                if pool is None:
                    pool = start_pool(min(workers, len(tasks)))
                interrupted = run_in_pool(pool, planned, decisions, tasks, results_list, shown, writer)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            shown.close()
        final = tuple(
            r if r is not None else JobResult(planned[i], NOT_RUN) for i, r in enumerate(results_list)
        )
        writer.save(planned, final, final=True)
        # The manifest now records these files as they are: their intents are done with. (A failed
        # job's stay: its worker may have died after replacing its file.)
        recorded = [r.job for r in final if r.status in (BUILT, SKIPPED) and r.job.output is not None]
        clear_intents(
            intents_folder(manifest_path),
            [p for job in recorded for p in (job.output, job.pdf) if p is not None],
        )
        used = 1 if workers == 1 or len(tasks) <= 1 else min(workers, len(tasks))
        emails: tuple[EmailResult, ...] = ()
        email_to = None
        if mailing and batch.email is not None and not interrupted:
            if pool is not None:
                pool.shutdown(wait=True)
                pool = None
            outbox = Path(email_dry_run) if email_dry_run is not None else None
            email_to = str(outbox) if outbox is not None else batch.email.server.label
            emails, interrupted = email_all(batch, final, outbox, password, force_send, progress)
        return BatchReport(
            batch,
            final,
            manifest_path,
            used,
            time.monotonic() - started,
            interrupted=interrupted,
            emails=emails,
            email_to=email_to,
            email_outbox=email_dry_run is not None,
        )
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def remove_unbuilt_leftovers(decisions: Sequence[Decision]) -> None:
    """Remove what a killed run's writes left beside the outputs of jobs decided without building
    (skipped as unchanged, or refused): a build removes its own output's leftovers as it writes
    (atomic.write_atomically), but these jobs write nothing, so without this a workbook skipped
    after a SIGKILL would keep its `.NAME.scxl-*.tmp` for ever. Only files older than this process,
    made by a process that has gone, are removed."""
    for decision in decisions:
        output = decision.result.job.output if decision.task is None and decision.result else None
        if output is not None:
            remove_leftovers(output)
            remove_leftovers(output.with_suffix(".pdf"))
