"""Many workbooks from one command: `scorecard-xl batch BATCH.toml` (docs/batch.md).

A batch file gives defaults, explicit jobs and expansions (`for_each` over periods, audience
variants and organisations). Planning turns it into jobs, one output each, and refuses two jobs
with the same output before anything runs. Jobs run in worker processes ('fork' on Linux, 'spawn'
elsewhere), each a layout, a workbook (and PDF) in memory, then atomic writes; a failing job is
reported and the others finish.

The manifest (JSON, in the output folder) records every output with the SHA-256 of its bytes and a
fingerprint of its inputs. A re-run skips a job whose fingerprint is unchanged and whose output
still has the recorded bytes. The batch replaces only files it wrote: a file it did not write, or
one changed since (commentary typed into it), is never replaced; that job fails instead. With
`pdf = true` a job also prints its board pack to a PDF beside the workbook, under the same rules.

An `[email]` table says who gets the workbooks; with `--send` (or `--email-dry-run DIR`) every
workbook built or skipped in this run is then emailed (or written as .eml files) through the send package,
one job at a time: a job whose email fails is reported and the others still go.

One concept per module, in the order a run goes through them:

    file.py      the batch file read and checked        plan.py     jobs, one output each
    worker.py    one job in a worker process            manifest.py what the batch wrote
    decide.py    build, skip or fail each job           pool.py     worker processes
    email.py     emailing what was built                report.py   results, progress, tables
    run.py       run_batch: all of the above in order
"""

from scorecard_xl.batch.file import BatchFile, load_batch
from scorecard_xl.batch.plan import Job, plan
from scorecard_xl.batch.report import (
    BUILT,
    FAILED,
    NOT_RUN,
    NOT_SENT,
    SENT,
    SKIPPED,
    WRITTEN,
    BatchReport,
    EmailResult,
    JobResult,
    Progress,
    dry_run_table,
    email_failures,
    failures,
    summary,
)
from scorecard_xl.batch.run import run_batch

__all__ = [
    "BUILT",
    "FAILED",
    "NOT_RUN",
    "NOT_SENT",
    "SENT",
    "SKIPPED",
    "WRITTEN",
    "BatchFile",
    "BatchReport",
    "EmailResult",
    "Job",
    "JobResult",
    "Progress",
    "dry_run_table",
    "email_failures",
    "failures",
    "load_batch",
    "plan",
    "run_batch",
    "summary",
]
