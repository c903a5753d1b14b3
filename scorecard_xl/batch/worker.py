"""Running one job in a worker process: inputs loaded once per worker, a workbook (and PDF) in
memory, then atomic writes."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import time
import traceback
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from scorecard_xl import __version__
from scorecard_xl.batch.intents import record_intent
from scorecard_xl.batch.lifeline import exit_with_parent
from scorecard_xl.errors import InputError
from scorecard_xl.generate.loading import Inputs, load_inputs, record_location, requested_period
from scorecard_xl.generate.request import BuildRequest
from scorecard_xl.generate.sequence import make_workbook
from scorecard_xl.inputs.bundled import is_bundled_template
from scorecard_xl.inputs.options import Options

if TYPE_CHECKING:  # plan imports this module (discover_here)
    from scorecard_xl.batch.plan import InputsKey, Job


CACHE_SIZE = 4  # (definition, data) combinations kept loaded per worker process


@dataclass(frozen=True)
class Task:
    output: Path
    definition: Path
    data: tuple[Path, ...]
    period: str
    source: str  # the batch file, for messages
    replaces: str | None  # the SHA-256 of the existing output this job may replace (the batch's own)
    inputs_key: str | None  # identifies the inputs' content, for the worker's cache
    options: Options  # from the job's params: organisation, marking
    pdf: Path | None = None  # print the board pack here too
    replaces_pdf: str | None = None  # the SHA-256 of the existing PDF this job may replace
    intents: Path | None = None  # where to record what is about to be written (batch.intents)
    follows_latest: bool = False  # the Cover picks Latest rather than the job's period


@dataclass(frozen=True)
class Outcome:
    status: str  # "built" or "failed"
    seconds: float
    size: int | None = None
    sha256: str | None = None
    error: str | None = None
    detail: str | None = None  # the traceback of an unexpected error
    pdf_size: int | None = None  # the PDF written, even when the workbook then failed
    pdf_sha256: str | None = None


_CACHE: OrderedDict[str, Inputs | InputError] = OrderedDict()


def _cached_inputs(definition: Path, data: tuple[Path, ...], key: str | None) -> Inputs:
    """Inputs loaded once per worker for each (definition, data) content: many periods share them."""
    if key is None:
        return load_inputs(definition, data)
    hit = _CACHE.get(key)
    if hit is None:
        try:
            hit = load_inputs(definition, data)
        except InputError as error:
            hit = error
        _CACHE[key] = hit
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    if isinstance(hit, InputError):
        raise InputError(hit.problems)
    return hit


def run_task(task: Task) -> Outcome:
    """Build the workbook (and print its PDF) in memory, then write the PDF and then the workbook,
    each atomically: a failure before the writes leaves both files as they were."""
    start = time.perf_counter()
    printed: tuple[int, str] | None = None  # the PDF's size and SHA-256, once written
    try:
        inputs = _cached_inputs(task.definition, task.data, task.inputs_key)
        period = requested_period(task.period, inputs.definition, task.source)
        # The workbook names the job's organisation (one workbook per authority from one definition).
        picked = None if task.follows_latest else task.period
        request = BuildRequest(
            inputs, period, workbook_folder=task.output.parent, options=task.options, picked=picked
        )
        task.output.parent.mkdir(parents=True, exist_ok=True)
        written: dict[Path, bytes] = {}

        def may_replace(path: Path, content: bytes) -> None:
            _check_replaceable(path, task.replaces_pdf if path == task.pdf else task.replaces)
            if task.intents is not None:  # so a rerun knows these bytes, if the batch dies now
                record_intent(task.intents, path, content)

        def wrote(path: Path, content: bytes) -> None:
            nonlocal printed
            written[path] = content
            if path == task.pdf:
                printed = (len(content), hashlib.sha256(content).hexdigest())

        make_workbook(request, task.output, task.pdf, may_replace=may_replace, wrote=wrote)
        content = written[task.output]
    except InputError as error:
        return Outcome("failed", time.perf_counter() - start, error=error.message(), **_printed(printed))
    except Exception as error:
        detail = traceback.format_exc()
        message = f"internal error (please report it): {type(error).__name__}: {error}"
        return Outcome(
            "failed", time.perf_counter() - start, error=message, detail=detail, **_printed(printed)
        )
    digest = hashlib.sha256(content).hexdigest()
    return Outcome("built", time.perf_counter() - start, len(content), digest, **_printed(printed))


def _printed(printed: tuple[int, str] | None) -> dict[str, Any]:
    return {"pdf_size": printed[0], "pdf_sha256": printed[1]} if printed else {}


def _check_replaceable(path: Path, replaces: str | None) -> None:
    """Checked again just before writing: the file may have appeared or changed since planning."""
    if path.is_dir():
        raise InputError.of(str(path), "", "", None, "is a folder; the output must be a file")
    if path.exists() and (replaces is None or file_sha256(path) != replaces):
        raise InputError.of(str(path), "", "", None, "appeared or changed while the batch ran; not replaced")


class Available(NamedTuple):
    """The periods of a (definition, data) combination's data, and the one "latest" builds."""

    periods: list[str]  # every period with data, oldest first
    latest: str  # the latest complete enough to show (completeness), as a build's Latest


def periods_of(key: InputsKey, inputs_key: str | None) -> Available | str:
    """Every period in a (definition, data) combination's data, or why it cannot be read."""
    try:
        inputs = _cached_inputs(key[0], key[1], inputs_key)
    except InputError as error:
        return error.message()
    periods = inputs.dataset.periods()
    latest = inputs.dataset.latest_period(inputs.definition)
    if not periods or latest is None:
        return "no actual values in the data"
    return Available([p.iso for p in periods], latest.iso)


def worker_init() -> None:
    """Ctrl-C stops the batch, not a worker half way: the parent lets running jobs finish. And a
    worker never outlives the batch (lifeline)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()


def file_sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


class Hashes:
    """SHA-256 of input files, each read once per run."""

    def __init__(self) -> None:
        self._known: dict[Path, str | None] = {}

    def of(self, path: Path) -> str | None:
        if path not in self._known:
            self._known[path] = file_sha256(path)
        return self._known[path]

    def inputs_key(self, definition: Path, data: Sequence[Path]) -> str | None:
        digests = [self.of(definition), *(self.of(p) for p in data)]
        if None in digests:
            return None
        text = json.dumps([str(definition), [str(p) for p in data], digests])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def fingerprint(self, job: Job) -> str | None:
        """What the workbook's bytes depend on, apart from the build time: the definition's and the
        data's bytes and recorded locations, the period, the parameters and the generator."""
        assert job.output is not None and job.definition is not None and job.period is not None
        folder = job.output.parent
        files = [job.definition, *job.data]
        digests = [self.of(p) for p in files]
        if None in digests:
            return None
        locations = [
            recorded_location(job.definition, folder),
            *(record_location(p, folder) for p in job.data),
        ]
        payload = {
            "generator": f"scorecard-xl {__version__}",
            "files": list(zip(locations, digests, strict=True)),
            "period": job.period,
            "variant": job.variant,
            "params": dict(sorted(job.params.items())),
            "publish": job.publish,
            "protect": job.protect,
            "follows_latest": job.follows_latest,
            "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()


def recorded_location(definition: Path, folder: Path) -> str:
    """Where a workbook records its definition: a bundled template by name, else a relative path."""
    return definition.stem if is_bundled_template(definition) else record_location(definition, folder)


def discover_here(keys: Sequence[InputsKey]) -> list[Available | str]:
    """The months in each (definition, data) combination's data, loaded in this process."""
    hashes = Hashes()
    return [periods_of(key, hashes.inputs_key(*key)) for key in keys]
