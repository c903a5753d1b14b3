"""The manifest: what the batch wrote, with each output's SHA-256 and its inputs' fingerprint."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scorecard_xl import __version__
from scorecard_xl.atomic import write_atomically
from scorecard_xl.batch.file import BatchFile
from scorecard_xl.batch.plan import Job
from scorecard_xl.batch.report import FAILED, NOT_RUN, JobResult
from scorecard_xl.batch.worker import recorded_location
from scorecard_xl.errors import InputError
from scorecard_xl.generate.loading import record_location

MANIFEST_FORMAT = "scorecard-xl batch manifest 1"

MANIFEST_INTERVAL = 1.0  # seconds between manifest saves while jobs finish


def read_manifest(path: Path) -> dict[str, Mapping[str, Any]]:
    """The entries of an existing manifest by output path (relative to the manifest), or none."""
    try:
        raw = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise _bad_manifest(path, str(error)) from None
    outputs = raw.get("outputs") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or raw.get("format") != MANIFEST_FORMAT or not isinstance(outputs, list):
        raise _bad_manifest(path, f"not a {MANIFEST_FORMAT!r}")
    entries: dict[str, Mapping[str, Any]] = {}
    for entry in outputs:
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            entries[entry["path"]] = entry
    return entries


def _bad_manifest(path: Path, why: str) -> InputError:
    return InputError.of(
        str(path),
        "",
        "",
        None,
        f"cannot be read as the batch's manifest ({why}); restore it, or delete it and move the "
        "workbooks it listed aside (without it the batch will not replace them)",
    )


def manifest_key(path: Path, manifest: Path) -> str:
    return record_location(path, manifest.parent)


class Manifest:
    """Writes the manifest atomically: every job of this batch, with this run's result where it has
    one and the previous manifest's entry where not (a job not yet run keeps what it owns)."""

    def __init__(self, path: Path, batch: BatchFile, previous: Mapping[str, Mapping[str, Any]]) -> None:
        self.path, self.batch, self.previous = path, batch, previous
        self.last = 0.0

    def save(self, jobs: Sequence[Job], results: Sequence[JobResult | None], final: bool = False) -> None:
        if not final and time.monotonic() - self.last < MANIFEST_INTERVAL:
            return
        entries = []
        for job, result in zip(jobs, results, strict=True):
            key = manifest_key(job.output, self.path) if job.output else None
            if result is None or result.status == NOT_RUN:
                if key is not None and key in self.previous:
                    entries.append(dict(self.previous[key]))
                continue
            entries.append(self._entry(job, key, result))
        document = {
            "format": MANIFEST_FORMAT,
            "generator": f"scorecard-xl {__version__}",
            "batch": record_location(self.batch.path, self.path.parent),
            "written": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
            "outputs": entries,
        }
        if not self.path.exists() and not any(e.get("sha256") for e in entries):
            return  # nothing is the batch's own yet: a run that built nothing leaves no file behind
        self.path.parent.mkdir(parents=True, exist_ok=True)
        content = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        write_atomically(self.path, content.encode("utf-8"))
        self.last = time.monotonic()

    def _entry(self, job: Job, key: str | None, result: JobResult) -> dict[str, Any]:
        folder = self.path.parent
        return {
            "job": job.name,
            "path": key,
            "status": result.status,
            "error": result.error,
            "size": result.size,
            "sha256": result.sha256,  # of the file this batch owns (kept when a rebuild fails)
            "fingerprint": result.fingerprint if result.status != FAILED else None,
            "seconds": round(result.seconds, 3),
            "period": job.period,
            "variant": job.variant or None,
            "params": dict(job.params),
            "definition": recorded_location(job.definition, folder) if job.definition else None,
            "data": [record_location(p, folder) for p in job.data],
            "pdf": self._pdf(job, result),
        }

    def _pdf(self, job: Job, result: JobResult) -> dict[str, Any] | None:
        """The PDF beside the output: asked for, or still the batch's from an earlier run."""
        if job.output is None or (job.pdf is None and result.pdf_sha256 is None):
            return None
        path = manifest_key(job.output.with_suffix(".pdf"), self.path)
        return {"path": path, "size": result.pdf_size, "sha256": result.pdf_sha256}
