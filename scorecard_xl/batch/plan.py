"""Planning: a batch file to jobs, one output each, with clashes refused before anything runs."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from scorecard_xl.batch.file import (
    DEFAULT_OUTPUT,
    FROM_DEFINITION,
    BatchFile,
    EmailSettings,
    Settings,
    fill_pattern,
    placeholders_in,
)
from scorecard_xl.batch.worker import Available, discover_here
from scorecard_xl.errors import InputError, Problem, ProblemList
from scorecard_xl.generate.loading import record_location
from scorecard_xl.inputs.bundled import DEFAULT_TEMPLATE, is_bundled_template, resolve_template, sample_data
from scorecard_xl.inputs.definition_reader import load_definition


@dataclass(frozen=True)
class Job:
    """One workbook to build (or, with `problem`, one that cannot be built, found while planning)."""

    name: str
    output: Path | None
    definition: Path | None
    data: tuple[Path, ...]
    period: str | None  # as written in workbook names: 2023-03, or 2022-23 for an annual scorecard
    variant: str
    params: Mapping[str, str]
    problem: str | None = None
    pdf: Path | None = None  # the board pack's PDF, beside the workbook, when the job asks for one
    publish: int | None = None  # the publication profile's threshold (Options.publish)
    protect: bool = False  # protect sheets and structure with the password from the environment
    follows_latest: bool = False  # built as "latest": its Cover picks Latest, so a refresh rolls on


@dataclass(frozen=True)
class _Base:
    """A job before its periods are known: one explicit job, or one variant x organisation."""

    label: str
    where: str
    settings: Settings
    variant: str
    periods: tuple[str, ...]


InputsKey = tuple[Path, tuple[Path, ...]]
Discover = Callable[[Sequence[InputsKey]], list["Available | str"]]


def _bases(batch: BatchFile) -> list[_Base]:
    defaults = batch.defaults
    bases: list[_Base] = []
    if batch.for_each is not None:
        each = batch.for_each
        periods = each.periods or (defaults.period or "latest",)
        for variant in each.variants or ("",):
            with_variant = batch.variants[variant].over(defaults) if variant else defaults
            for organisation in each.organisations or ({},):
                settings = Settings(params=organisation).over(with_variant)
                label = " ".join(p for p in (variant, _label(organisation)) if p) or "[for_each]"
                bases.append(_Base(label, "[for_each]", settings, variant, periods))
    for job in batch.jobs:
        base = batch.variants[job.variant].over(defaults) if job.variant else defaults
        settings = job.settings.over(base)
        bases.append(_Base(job.where, job.where, settings, job.variant, (settings.period or "latest",)))
    if batch.for_each is None and not batch.jobs:
        bases.append(_Base("[defaults]", "[defaults]", defaults, "", (defaults.period or "latest",)))
    return bases


def _label(organisation: Mapping[str, str]) -> str:
    return organisation.get("organisation") or next(iter(organisation.values()), "")


def plan(batch: BatchFile, discover: Discover | None = None, manifest: Path | None = None) -> list[Job]:
    """The batch's jobs in order. Raises InputError for problems in the batch file itself (an
    unknown placeholder, an output outside the output folder, two jobs with one output); a job
    whose inputs cannot be read is returned with its `problem` so the others still run."""
    problems = _UniqueProblems()  # a mistake in [defaults] would otherwise repeat for every job
    source = batch.path.name
    bases = _bases(batch)
    inputs: list[InputsKey | None] = []
    for base in bases:
        inputs.append(_job_inputs(batch, base, problems))
    problems.raise_if_any()

    needing = list(
        dict.fromkeys(
            k for b, k in zip(bases, inputs, strict=True) if k and {"all", "latest"} & set(b.periods)
        )
    )
    found = dict(zip(needing, (discover or discover_here)(needing), strict=True))
    definitions: dict[Path, str | Exception] = {}
    jobs: list[Job] = []
    for base, key in zip(bases, inputs, strict=True):
        assert key is not None
        definition, data = key
        periods: list[str] = []
        named: set[str] = set()  # periods asked for by name or range, not only as "latest"
        for spec in base.periods:
            available = found.get(key, Available([], ""))
            if spec in ("all", "latest") and isinstance(available, str):
                name = f"{base.label}: {spec} periods"
                jobs.append(
                    Job(name, None, definition, data, None, base.variant, base.settings.params, available)
                )
                continue
            assert not isinstance(available, str)
            # "latest" is what a build's Latest shows: the latest period complete enough to show.
            latest = [available.latest]
            chosen = available.periods if spec == "all" else latest if spec == "latest" else [spec]
            periods.extend(p for p in chosen if p not in periods)
            if spec != "latest":
                named.update(chosen)
        for period in periods:
            jobs.append(_job(batch, base, key, period, definitions, problems, period not in named))
    problems.raise_if_any()
    _refuse_duplicates(source, batch, jobs, manifest or batch.manifest)
    return jobs


class _UniqueProblems(ProblemList):
    """Problems, each reported once."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[Problem] = set()

    def add(self, source: str, where: str, field: str, value: object, expected: str) -> None:
        self.extend([Problem(source, where, field, value, expected)])

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            if problem not in self._seen:
                self._seen.add(problem)
                super().extend([problem])


def _job_inputs(batch: BatchFile, base: _Base, problems: ProblemList) -> InputsKey | None:
    """The definition and data files of `base`, with its parameters filled in."""
    source = batch.path.name
    values = {**base.settings.params, "variant": base.variant}
    try:
        template = fill_pattern(base.settings.template or DEFAULT_TEMPLATE, values)
        data = [fill_pattern(d, values) for d in base.settings.data or ()]
    except KeyError as error:
        problems.add(
            source, base.where, "template/data", f"{{{error.args[0]}}}", _known(values, "template/data")
        )
        return None
    if Path(template).suffix:
        definition = batch.folder / template
    else:
        try:
            definition = resolve_template(template)
        except InputError as error:
            problems.extend(
                Problem(source, base.where, "template", template, p.expected) for p in error.problems
            )
            return None
    if not data:
        sample = sample_data(definition.stem) if is_bundled_template(definition) else None
        if sample is None:
            problems.add(source, base.where, "data", None, "one or more data files (.csv or .xlsx)")
            return None
        return definition, (sample,)
    return definition, tuple(batch.folder / d for d in data)


def _known(values: Mapping[str, str], fields: str) -> str:
    names = sorted(values)
    return f"a parameter available to {fields}: " + ", ".join(f"{{{n}}}" for n in names)


def _job(
    batch: BatchFile,
    base: _Base,
    key: InputsKey,
    period: str,
    definitions: dict[Path, str | Exception],
    problems: ProblemList,
    follows_latest: bool = False,
) -> Job:
    definition, data = key
    settings, source = base.settings, batch.path.name
    output_pattern = settings.output or DEFAULT_OUTPUT
    values = {**settings.params, "period": period, "variant": base.variant, "definition": definition.stem}
    wanted = set(placeholders_in(output_pattern)) | set(placeholders_in(settings.name or ""))
    params = dict(settings.params)
    if wanted & (set(FROM_DEFINITION) - set(values)):
        organisation = _organisation(definition, definitions)
        if isinstance(organisation, Exception):
            message = organisation.message() if isinstance(organisation, InputError) else str(organisation)
            failed = f"{base.label}: {period}"
            return Job(failed, None, definition, data, period, base.variant, params, message)
        values.setdefault("organisation", organisation)
        values.setdefault("organisation_slug", slug(values["organisation"]))
    elif "organisation" in values:
        values.setdefault("organisation_slug", slug(values["organisation"]))
    try:
        filled = fill_pattern(output_pattern, values)
        name = fill_pattern(settings.name, values) if settings.name else None
    except KeyError as error:
        problems.add(source, base.where, "output/name", f"{{{error.args[0]}}}", _known(values, "output/name"))
        filled, name = "x.xlsx", None
    # An empty parameter leaves an empty folder name ("{variant}/..." without a variant): dropped.
    parts = [part for part in filled.replace("\\", "/").split("/") if part not in ("", ".")]
    output = Path(*parts) if parts else Path()
    if Path(output_pattern).is_absolute() or ".." in parts or output.suffix.lower() != ".xlsx":
        problems.add(
            source,
            base.where,
            "output",
            filled,
            "a file name ending .xlsx inside the output folder (no '..')",
        )
    if batch.email is not None:
        _check_email_patterns(
            batch.email, source, base.where, email_values(params, period, base.variant), problems
        )
    path = batch.output_folder / output
    return Job(
        name or output.as_posix(),
        path,
        definition,
        data,
        period,
        base.variant,
        params,
        pdf=path.with_suffix(".pdf") if settings.pdf else None,
        publish=settings.publish,
        protect=bool(settings.protect),
        follows_latest=follows_latest,
    )


def email_values(params: Mapping[str, str], period: str | None, variant: str) -> dict[str, str]:
    """What an [email] address pattern can use: the job's parameters, {period} and {variant}."""
    return {**params, "period": period or "", "variant": variant}


def _check_email_patterns(
    email: EmailSettings, source: str, where: str, values: Mapping[str, str], problems: ProblemList
) -> None:
    for name, patterns in (("to", email.to), ("cc", email.cc)):
        for pattern in patterns:
            for placeholder in placeholders_in(pattern):
                if placeholder not in values:
                    fields = f"[email] {name} (for the jobs of {where})"
                    problems.add(source, "[email]", name, f"{{{placeholder}}}", _known(values, fields))


def _organisation(path: Path, cache: dict[Path, str | Exception]) -> str | Exception:
    if path not in cache:
        try:
            cache[path] = load_definition(path).organisation
        except InputError as error:
            cache[path] = error
    return cache[path]


def slug(text: str) -> str:
    """'Northamptonshire Children's Trust' -> 'northamptonshire-childrens-trust'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    plain = re.sub(r"['’]", "", plain)
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "organisation"


def _refuse_duplicates(source: str, batch: BatchFile, jobs: Sequence[Job], manifest_path: Path) -> None:
    """Two jobs writing one file would race and one would silently lose: refuse up front."""
    problems = ProblemList()
    by_output: dict[str, list[Job]] = {}
    by_name: dict[str, list[Job]] = {}
    shown: dict[str, Path] = {}
    for job in jobs:
        for written in (job.output, job.pdf):  # a PDF is an output too
            if written is not None:
                key = os.path.normcase(os.path.abspath(written))
                by_output.setdefault(key, []).append(job)
                shown.setdefault(key, written)
        by_name.setdefault(job.name, []).append(job)
    for key, same in by_output.items():
        if len(same) > 1:
            names = "; ".join(_describe(j) for j in same[:4]) + ("; ..." if len(same) > 4 else "")
            problems.add(
                source,
                "",
                "output",
                _relative(shown[key], batch),
                f"one job per output file, but {len(same)} jobs write it ({names}); put {{period}}, "
                "{variant} or a parameter such as {la_code} in the output pattern",
            )
    for name, same in by_name.items():
        if len(same) > 1 and len({j.output for j in same}) > 1:
            problems.add(source, "", "name", name, f"a different name for each job; {len(same)} jobs have it")
    manifest = os.path.normcase(os.path.abspath(manifest_path))
    if manifest in by_output:
        problems.add(source, "", "output", _relative(manifest_path, batch), "a file other than the manifest")
    problems.raise_if_any()


def _relative(path: Path, batch: BatchFile) -> str:
    return record_location(path, batch.output_folder)


def _describe(job: Job) -> str:
    period = job.period or "?"
    parts = [f"variant {job.variant}" if job.variant else "", *(f"{k}={v}" for k, v in job.params.items())]
    return " ".join(p for p in (*parts, period) if p)
