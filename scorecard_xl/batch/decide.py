"""Deciding each job: build, skip (unchanged) or fail (a file the batch does not own), and its result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorecard_xl.batch.intents import intended, intents_folder
from scorecard_xl.batch.manifest import manifest_key
from scorecard_xl.batch.plan import Job
from scorecard_xl.batch.report import (
    BUILT,
    FAILED,
    SKIPPED,
    WOULD_BUILD,
    WOULD_FAIL,
    WOULD_SKIP,
    JobResult,
    joined_lines,
)
from scorecard_xl.batch.worker import Hashes, Outcome, Task, file_sha256
from scorecard_xl.inputs.options import Options


@dataclass(frozen=True)
class Decision:
    result: JobResult | None  # decided without building (skipped or failed)
    task: Task | None


def decide_job(
    job: Job,
    previous: Mapping[str, Mapping[str, Any]],
    manifest: Path,
    force: bool,
    hashes: Hashes,
    source: str,
) -> Decision:
    """Skip, refuse or build: never replace a file this batch did not write (or that changed since).
    The same goes for the job's PDF; an unchanged job is skipped only when its PDF is there too.
    A file whose bytes a killed run recorded as about to be written (batch.intents) is the batch's
    own too, though the manifest never heard of it: it is rebuilt."""
    intents = intents_folder(manifest)
    if job.problem or job.output is None or job.period is None or job.definition is None:
        return Decision(JobResult(job, FAILED, error=job.problem or "cannot be planned"), None)
    entry = previous.get(manifest_key(job.output, manifest), {})
    fingerprint = hashes.fingerprint(job)
    inputs_key = hashes.inputs_key(job.definition, job.data)
    owned = entry.get("sha256")
    pdf = _pdf_state(job, entry, manifest, intents)
    replaces, size, note = None, None, "new"
    if job.output.is_dir():
        why = f"{job.output}: is a folder; the output must be a file"
        return Decision(JobResult(job, FAILED, error=why, **pdf.owned), None)
    if job.output.exists():
        actual = file_sha256(job.output)
        size = job.output.stat().st_size
        if actual is not None and actual != owned and actual in intended(intents, job.output):
            owned, entry = actual, {}  # written by a run killed before its manifest said so
        if owned is None:
            why = (
                f"{job.output}: exists and was not written by this batch (it is not in {manifest.name}); "
                "it is never replaced: move or rename it, or change the output pattern"
            )
            return Decision(JobResult(job, FAILED, error=joined_lines(why, pdf.problem), **pdf.owned), None)
        if actual != owned:
            why = (
                f"{job.output}: has changed since this batch wrote it (commentary typed into it?); it is "
                "never replaced: move or rename it to rebuild"
            )
            return Decision(JobResult(job, FAILED, error=joined_lines(why, pdf.problem), **pdf.owned), None)
        if pdf.problem:  # the workbook is still the batch's own
            failed = JobResult(job, FAILED, size=size, sha256=actual, error=pdf.problem, **pdf.owned)
            return Decision(failed, None)
        unchanged = fingerprint is not None and entry.get("fingerprint") == fingerprint
        if not force and unchanged and pdf.ready:
            result = JobResult(
                job, SKIPPED, size=size, sha256=actual, fingerprint=fingerprint, note="unchanged", **pdf.owned
            )
            return Decision(result, None)
        replaces = actual
        if not entry:
            note = "interrupted last run"
        elif entry.get("fingerprint") is None:
            note = "failed last run"
        elif unchanged:
            note = "--force" if force else "PDF missing"
        else:
            note = "inputs changed"
    elif pdf.problem:
        return Decision(JobResult(job, FAILED, error=pdf.problem, **pdf.owned), None)
    options = Options.make(
        organisation=job.params.get("organisation"),
        marking=job.params.get("marking"),
        publish=job.publish,
        protect=job.protect,
        source=source,
    )
    task = Task(
        job.output,
        job.definition,
        job.data,
        job.period,
        source,
        replaces,
        inputs_key,
        options,
        job.pdf,
        pdf.owned.get("pdf_sha256"),
        intents,
        job.follows_latest,
    )
    planned = JobResult(
        job, WOULD_BUILD, size=size, sha256=replaces, fingerprint=fingerprint, note=note, **pdf.owned
    )
    return Decision(planned, task)


@dataclass(frozen=True)
class _PdfState:
    owned: Mapping[str, Any]  # pdf_size and pdf_sha256 of the PDF the batch owns, if it owns one
    ready: bool  # nothing to print: the job wants no PDF, or its PDF is there as the batch wrote it
    problem: str | None  # why the job's PDF may not be replaced


def _pdf_state(job: Job, entry: Mapping[str, Any], manifest: Path, intents: Path) -> _PdfState:
    """The PDF beside the job's output. The batch owns it while it has the bytes the manifest
    records; that holds even with `pdf` turned off, so turning it on again replaces it."""
    assert job.output is not None
    path = job.output.with_suffix(".pdf")
    recorded = entry.get("pdf")
    owned_sha = recorded.get("sha256") if isinstance(recorded, Mapping) else None
    if path.is_dir():
        problem = f"{path}: is a folder; the PDF must be a file" if job.pdf else None
        return _PdfState({}, job.pdf is None, problem)
    actual = file_sha256(path) if path.exists() else None
    if actual is not None and actual in intended(intents, path):
        owned_sha = actual  # written by a run killed before its manifest said so
    if actual is not None and actual == owned_sha:
        return _PdfState({"pdf_size": path.stat().st_size, "pdf_sha256": actual}, True, None)
    if job.pdf is None or actual is None:
        return _PdfState({}, job.pdf is None, None)
    if owned_sha is None:
        problem = (
            f"{path}: exists and was not written by this batch (it is not in {manifest.name}); it is "
            "never replaced: move or rename it, or change the output pattern"
        )
    else:
        problem = f"{path}: has changed since this batch wrote it; it is never replaced: move or rename it"
    return _PdfState({}, False, problem)


def would_result(decision: Decision) -> JobResult:
    result = decision.result
    if result is None:
        raise AssertionError("a decision has a result or a task")
    status = {FAILED: WOULD_FAIL, SKIPPED: WOULD_SKIP}.get(result.status, WOULD_BUILD)
    return JobResult(result.job, status, size=result.size, error=result.error, note=result.note)


def job_result(decision: Decision, outcome: Outcome) -> JobResult:
    planned = decision.result
    assert planned is not None
    pdf_size, pdf_sha256 = planned.pdf_size, planned.pdf_sha256
    if outcome.pdf_sha256 is not None:  # written this run: the batch owns the new PDF
        pdf_size, pdf_sha256 = outcome.pdf_size, outcome.pdf_sha256
    if outcome.status == BUILT:
        return JobResult(
            planned.job,
            BUILT,
            outcome.seconds,
            outcome.size,
            outcome.sha256,
            planned.fingerprint,
            note=planned.note,
            pdf_size=pdf_size,
            pdf_sha256=pdf_sha256,
        )
    # The output is untouched: the batch still owns what it owned before (planned.sha256), if anything.
    return JobResult(
        planned.job,
        FAILED,
        outcome.seconds,
        planned.size,
        planned.sha256,
        None,
        outcome.error,
        planned.note,
        outcome.detail,
        pdf_size,
        pdf_sha256,
    )
