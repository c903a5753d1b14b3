"""What a batch did: the results of its jobs and emails, live progress, and the tables printed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from scorecard_xl.batch.file import BatchFile
from scorecard_xl.batch.plan import Job
from scorecard_xl.errors import InputError
from scorecard_xl.progress import TerminalLine, bar, clock

BUILT, SKIPPED, FAILED, NOT_RUN = "built", "skipped", "failed", "not run"
WOULD_BUILD, WOULD_SKIP, WOULD_FAIL = "would build", "would skip", "would fail"


@dataclass(frozen=True)
class JobResult:
    job: Job
    status: str  # built, skipped, failed, not run; would build/skip/fail in a dry run
    seconds: float = 0.0
    size: int | None = None  # of the output this batch owns, after this run
    sha256: str | None = None
    fingerprint: str | None = None
    error: str | None = None
    note: str = ""  # why it is built or skipped: "new", "inputs changed", "--force", "unchanged"
    detail: str | None = None
    pdf_size: int | None = None  # of the PDF this batch owns beside the output, after this run
    pdf_sha256: str | None = None


@dataclass(frozen=True)
class BatchReport:
    batch: BatchFile
    results: tuple[JobResult, ...]
    manifest: Path
    workers: int
    seconds: float
    dry_run: bool = False
    interrupted: bool = False
    emails: tuple[EmailResult, ...] = ()  # one for each workbook emailed (or not), with --send
    email_to: str | None = None  # "host:port", or the --email-dry-run folder; None without email
    email_outbox: bool = False  # the messages were written as .eml files, not sent

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    def email_count(self, status: str) -> int:
        return sum(e.status == status for e in self.emails)

    @property
    def ok(self) -> bool:
        return not any(r.status in (FAILED, WOULD_FAIL, NOT_RUN) for r in self.results) and not any(
            e.status == NOT_SENT for e in self.emails
        )


SENT, WRITTEN, NOT_SENT = "sent", "written", "not sent"


@dataclass(frozen=True)
class EmailResult:
    job: Job
    status: str  # sent, written (an .eml file, with --email-dry-run) or not sent
    messages: int = 0
    recipients: int = 0
    error: str | None = None
    files: tuple[Path, ...] = ()  # the .eml files written
    refusal: InputError | None = None  # why the library refused it, for callers to word their own way


def joined_lines(*texts: str | None) -> str:
    return "\n".join(t for t in texts if t)


class Progress:
    """A plain-text progress line on a stream: redrawn in place on a terminal, else one line per
    finished job. Counts done (built or skipped) and failed of the total, elapsed time, and the job
    running (or last finished)."""

    def __init__(self, stream: TextIO | None, total: int) -> None:
        self.stream, self.total = stream, total
        self.line = TerminalLine(stream)
        self.tty = self.line.active
        self.done = self.failed = 0
        self.start = time.monotonic()

    def finished(self, result: JobResult) -> None:
        if result.status == FAILED:
            self.failed += 1
        else:
            self.done += 1
        if self.stream is None:
            return
        if self.tty:
            self.draw(result.job.name)
        elif result.status != SKIPPED:
            seconds = f" in {result.seconds:.1f} s" if result.status == BUILT else ""
            why = f": {result.error.splitlines()[0]}" if result.error else ""
            count = f"[{self.done + self.failed}/{self.total}]"
            print(f"{count} {result.status} {result.job.name}{seconds}{why}", file=self.stream, flush=True)

    def skipped(self, count: int) -> None:
        if self.stream is not None and count and not self.tty:
            print(f"{count} of {self.total} unchanged, skipped", file=self.stream, flush=True)

    def draw(self, current: str | None) -> None:
        finished = self.done + self.failed
        self.line.draw(
            f"{bar(finished, self.total)} {finished}/{self.total}: {self.done} done, {self.failed} failed, "
            f"{clock(time.monotonic() - self.start)}" + (f"  {current}" if current else "")
        )

    def close(self) -> None:
        self.line.end(keep=True)


def table(rows: Sequence[Sequence[str]], right: Iterable[int] = ()) -> str:
    """Plain-text columns: the first row is the header."""
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    aligned = set(right)
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.rjust(w) if c in aligned else cell.ljust(w)
            for c, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def summary(report: BatchReport) -> str:
    """The table printed at the end: job, status, seconds, size (and email, when emailing); then
    the totals."""
    mailing = report.email_to is not None
    emailed = {e.job.output: e.status for e in report.emails}
    rows = [("job", "status", "seconds", "size", *(("email",) if mailing else ()))]
    for r in report.results:
        seconds = f"{r.seconds:.2f}" if r.status in (BUILT, FAILED) and r.seconds else ""
        size = f"{r.size:,}" if r.size is not None and r.status in (BUILT, SKIPPED) else ""
        email = (emailed.get(r.job.output, ""),) if mailing else ()
        rows.append((r.job.name, r.status, seconds, size, *email))
    counts = ", ".join(
        f"{report.count(s)} {s}" for s in (BUILT, SKIPPED, FAILED, NOT_RUN) if report.count(s) or s == FAILED
    )
    total = len(report.results)
    workers = f"{report.workers} worker{'s' if report.workers != 1 else ''}"
    foot = (
        f"{total} workbook{'s' if total != 1 else ''}: {counts}; {report.seconds:.1f} s with {workers}; "
        f"manifest {report.manifest}"
    )
    return table(rows, right=(2, 3)) + "\n\n" + foot + _email_foot(report)


def _email_foot(report: BatchReport) -> str:
    if report.email_to is None:
        return ""
    messages = sum(e.messages for e in report.emails)
    count = f"{messages} message{'s' if messages != 1 else ''}"
    if report.email_outbox:
        written = report.email_count(WRITTEN)
        done = f"{written} written ({count} as .eml files in {report.email_to}; nothing sent)"
    else:
        done = f"{report.email_count(SENT)} sent ({count} via {report.email_to})"
    return f"\nemail: {done}, {report.email_count(NOT_SENT)} not sent"


def dry_run_table(report: BatchReport) -> str:
    rows = [("job", "period", "action", "why", "output")]
    for r in report.results:
        job = r.job
        why = r.note if r.status != WOULD_FAIL else "see below"
        output = str(job.output) if job.output else ""
        rows.append((job.name, job.period or "", r.status, why, output))
    total = len(report.results)
    counts = ", ".join(
        f"{report.count(s)} {s}" for s in (WOULD_BUILD, WOULD_SKIP, WOULD_FAIL) if report.count(s)
    )
    return table(rows) + f"\n\n{total} job{'s' if total != 1 else ''}: {counts}; nothing was written"


def failures(report: BatchReport) -> list[str]:
    """One message per failed job, its reason indented beneath (every line of it)."""
    lines = []
    for r in report.results:
        if r.status in (FAILED, WOULD_FAIL) and r.error:
            reason = "\n".join(f"    {line}" for line in r.error.splitlines())
            lines.append(f"{r.job.name}:\n{reason}")
            if r.detail:
                lines.append("\n".join(f"    {line}" for line in r.detail.rstrip().splitlines()))
    return lines


def email_failures(
    report: BatchReport, wording: Callable[[InputError], str] = InputError.message
) -> list[str]:
    """One message per workbook not sent, its reason indented beneath; `wording` words a library
    refusal (the command line names its own flags)."""
    lines = []
    for e in report.emails:
        if e.status == NOT_SENT and e.error:
            error = wording(e.refusal) if e.refusal is not None else e.error
            reason = "\n".join(f"    {line}" for line in error.splitlines())
            lines.append(f"{e.job.name}:\n{reason}")
    return lines
