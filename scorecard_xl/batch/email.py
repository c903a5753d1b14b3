"""Email after a batch: each workbook built or skipped sent (or written as .eml) as [email] says."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from scorecard_xl.batch.file import BatchFile, EmailSettings, fill_pattern
from scorecard_xl.batch.plan import Job, email_values
from scorecard_xl.batch.report import BUILT, NOT_SENT, SENT, SKIPPED, WRITTEN, EmailResult, JobResult
from scorecard_xl.errors import InputError, Problem, ProblemList

if TYPE_CHECKING:
    from scorecard_xl.send import Mail


def ready_to_email(batch: BatchFile, send: bool, outbox: str | Path | None, dry_run: bool) -> str | None:
    """Everything sending needs, checked before any workbook is built; the SMTP password (None for
    a relay without login, or for --email-dry-run)."""
    from scorecard_xl.send import smtp_password

    source = batch.path.name
    problems = ProblemList()
    if dry_run:
        flag = "--send" if send else "--email-dry-run"
        problems.add("command line", "", flag, None, "not with --dry-run, which builds and sends nothing")
    if batch.email is None:
        problems.add(
            source, "", "[email]", None, "an [email] table saying who gets the workbooks (docs/batch.md)"
        )
    elif send and not batch.email.server.host:
        problems.add(
            source, "[email]", "smtp_host", None, "the mail server to send through (or --email-dry-run)"
        )
    if outbox is not None and Path(outbox).exists() and not Path(outbox).is_dir():
        problems.add(
            str(outbox), "", "--email-dry-run", None, "a folder to write the .eml files in (this is a file)"
        )
    problems.raise_if_any()
    assert batch.email is not None
    user = batch.email.server.user
    return smtp_password(user) if send and user else None


def check_recipients(batch: BatchFile, jobs: Sequence[Job]) -> None:
    """Every job's recipients filled in from its parameters and checked (a line break in an address
    from the organisation list, say), so a batch that could not email them builds nothing. A job its
    parameters leave without a recipient is not refused here: that is the job's own failure."""
    if batch.email is None:
        return
    problems: list[Problem] = []
    for job in jobs:
        if job.problem is None:
            try:
                job_mail(batch.email, job, batch.path.name, require_recipient=False)
            except InputError as error:
                problems.extend(p for p in error.problems if p not in problems)
    if problems:
        raise InputError(problems)


def email_all(
    batch: BatchFile,
    results: Sequence[JobResult],
    outbox: Path | None,
    password: str | None,
    force: bool,
    progress: TextIO | None,
) -> tuple[tuple[EmailResult, ...], bool]:
    """Email each workbook built or skipped (never a failed one), one job at a time; a job whose
    email fails is reported and the others still go. True as well when interrupted."""
    ready = [r.job for r in results if r.status in (BUILT, SKIPPED) and r.job.output is not None]
    done: list[EmailResult] = []
    try:
        for number, job in enumerate(ready, start=1):
            result = _email_one(batch, job, outbox, password, force)
            done.append(result)
            if progress is not None:
                print(f"[{number}/{len(ready)}] {_email_line(result)}", file=progress, flush=True)
    except KeyboardInterrupt:
        return tuple(done), True
    return tuple(done), False


def _email_one(
    batch: BatchFile, job: Job, outbox: Path | None, password: str | None, force: bool
) -> EmailResult:
    from scorecard_xl.send import mail_book

    assert batch.email is not None and job.output is not None
    folder = None
    if outbox is not None:  # mirrors the output folder, so workbooks of one name never collide
        try:
            folder = outbox / job.output.parent.relative_to(batch.output_folder)
        except ValueError:
            folder = outbox
    try:
        mail = job_mail(batch.email, job, batch.path.name)
        sent = mail_book(
            job.output,
            mail,
            pdf=job.pdf,
            server=batch.email.server,
            password=password,
            dry_run=folder,
            force=force,
            override="force_send",
        )
    except InputError as error:
        return EmailResult(job, NOT_SENT, error=error.message(), refusal=error)
    except OSError as error:  # the workbook or PDF went while the batch ran
        where = error.filename or job.output
        return EmailResult(job, NOT_SENT, error=f"{where}: cannot be read ({error.strerror or error})")
    except Exception as error:  # one job's bug must not stop the others' email
        message = f"internal error (please report it): {type(error).__name__}: {error}"
        return EmailResult(job, NOT_SENT, error=message)
    status = WRITTEN if outbox is not None else SENT
    return EmailResult(job, status, len(sent.messages), sent.recipients, files=sent.written)


def job_mail(email: EmailSettings, job: Job, source: str, require_recipient: bool = True) -> Mail:
    """The [email] table for one job: its recipients filled in from the job's parameters and
    checked. Raises InputError naming every bad or missing address (a missing one only with
    `require_recipient`: parameters that leave a job without one make that job's failure)."""
    from scorecard_xl.send import Mail, parse_addresses

    values = email_values(job.params, job.period, job.variant)
    problems = ProblemList()
    found: dict[str, list[str]] = {}
    for name, patterns in (("to", email.to), ("cc", email.cc)):
        found[name] = []
        for pattern in patterns:
            text = fill_pattern(pattern, values).strip()  # every placeholder was checked while planning
            if text:  # an empty parameter adds no one
                label = f"{name} ({pattern})" if text != pattern else name
                found[name] += parse_addresses(problems, source, label, [("[email]", text)])
    if require_recipient and not found["to"] and not problems:
        problems.add(
            source,
            "[email]",
            "to",
            ", ".join(email.to),
            "an address for this job; its parameters leave the recipients empty",
        )
    problems.raise_if_any()
    return Mail(
        email.sender, tuple(found["to"]), tuple(found["cc"]), email.subject, email.body, email.one_each
    )


def _email_line(result: EmailResult) -> str:
    if result.status == NOT_SENT:
        reason = (result.error or "").splitlines()[0] if result.error else ""
        return f"not sent {result.job.name}: {reason}"
    messages = f"{result.messages} message{'s' if result.messages != 1 else ''}"
    people = f"{result.recipients} recipient{'s' if result.recipients != 1 else ''}"
    if result.status == WRITTEN:
        return f"wrote {messages} for {result.job.name} (nothing sent): {', '.join(map(str, result.files))}"
    return f"sent {result.job.name}: {messages} to {people}"
