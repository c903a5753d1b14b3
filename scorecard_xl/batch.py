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
workbook built or skipped in this run is then emailed (or written as .eml files) through send.py,
one job at a time: a job whose email fails is reported and the others still go.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import dataclasses
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import sys
import time
import traceback
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from scorecard_xl import __version__
from scorecard_xl.atomic import write_atomically
from scorecard_xl.bundled import DEFAULT_TEMPLATE, is_bundled_template, resolve_template, sample_data
from scorecard_xl.definition import load_definition
from scorecard_xl.errors import InputError, Problem, ProblemList
from scorecard_xl.periods import Month
from scorecard_xl.pipeline import Inputs, Options, lay_out, load_inputs, record_location, requested_period
from scorecard_xl.writer import write_workbook

if TYPE_CHECKING:
    from scorecard_xl.send import Mail, SmtpServer

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT_OUTPUT = "{organisation_slug}/{period}/scorecard.xlsx"
DEFAULT_MANIFEST = "manifest.json"
MANIFEST_FORMAT = "scorecard-xl batch manifest 1"

JOB_FIELDS = ("template", "data", "output", "name", "params", "pdf")
EMAIL_FIELDS = (
    "to",
    "cc",
    "from",
    "subject",
    "body",
    "smtp_host",
    "smtp_port",
    "smtp_user",
    "cafile",
    "timeout",
    "one_each",
)
TABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "defaults": (*JOB_FIELDS, "period", "output_folder", "manifest"),
    "variant": JOB_FIELDS,
    "job": (*JOB_FIELDS, "period", "variant"),
    "for_each": ("period", "variant", "organisation"),
    "email": EMAIL_FIELDS,
    "top": ("defaults", "for_each", "variants", "jobs", "email"),
}
RESERVED = ("period", "variant", "definition")  # set by the batch, never by params
FROM_DEFINITION = ("organisation", "organisation_slug")  # from the definition unless params set them
CACHE_SIZE = 4  # (definition, data) combinations kept loaded per worker process
MANIFEST_INTERVAL = 1.0  # seconds between manifest saves while jobs finish

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_RANGE = re.compile(r"^\s*(\S+)\s*\.\.\s*(\S+)\s*$")
_YEAR = re.compile(r"^\d{4}(-\d{2})?$")
PERIOD_WORDS = "a month YYYY-MM such as 2023-03 (a year such as 2022-23 for an annual scorecard)"


# --- the batch file -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The fields a job takes from [defaults], its variant, its organisation and its own table.
    None means "not given here"."""

    template: str | None = None
    data: tuple[str, ...] | None = None
    output: str | None = None
    name: str | None = None
    period: str | None = None  # a month YYYY-MM (a year for an annual scorecard) or "latest"
    params: Mapping[str, str] = field(default_factory=dict)
    pdf: bool | None = None  # also print the board pack to a PDF beside the workbook

    def over(self, base: Settings) -> Settings:
        """These settings with `base` filling what is not given; params merged, these winning."""
        return Settings(
            self.template if self.template is not None else base.template,
            self.data if self.data is not None else base.data,
            self.output if self.output is not None else base.output,
            self.name if self.name is not None else base.name,
            self.period if self.period is not None else base.period,
            {**base.params, **self.params},
            self.pdf if self.pdf is not None else base.pdf,
        )


@dataclass(frozen=True)
class ExplicitJob:
    settings: Settings
    variant: str
    where: str  # "jobs[2]", for messages


@dataclass(frozen=True)
class ForEach:
    periods: tuple[str, ...]  # periods as written, "all" or "latest"; ranges already expanded
    variants: tuple[str, ...] | None
    organisations: tuple[Mapping[str, str], ...] | None


@dataclass(frozen=True)
class EmailSettings:
    """The [email] table, checked: recipients as patterns ("{email}" filled in per job), the
    sender, the subject and body templates (send.py's fields) and the mail server."""

    to: tuple[str, ...]
    cc: tuple[str, ...]
    sender: str
    subject: str
    body: str
    server: SmtpServer
    one_each: bool = False


@dataclass(frozen=True)
class BatchFile:
    path: Path
    folder: Path  # relative paths in the batch file are relative to this folder
    output_folder: Path
    manifest_name: str  # relative to the output folder
    defaults: Settings
    variants: Mapping[str, Settings]
    for_each: ForEach | None
    jobs: tuple[ExplicitJob, ...]
    email: EmailSettings | None = None

    @property
    def manifest(self) -> Path:
        return self.output_folder / self.manifest_name


class _Table:
    """Reads typed fields from one table of the batch file, recording every problem."""

    def __init__(self, raw: object, source: str, where: str, kind: str, problems: ProblemList) -> None:
        self.source, self.where, self.problems = source, where, problems
        self.raw: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        allowed = TABLE_FIELDS[kind]
        if not isinstance(raw, Mapping):
            problems.add(source, where, "", _shown(raw), "a table of " + ", ".join(allowed))
        for name in self.raw:
            if name not in allowed:
                self.problem(name, self.raw[name], "an unknown field; expected one of " + ", ".join(allowed))

    def problem(self, field: str, value: object, expected: str) -> None:
        self.problems.add(self.source, self.where, field, _shown(value), expected)

    def text(self, name: str, pattern: bool = False) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(name, value, "text")
            return None
        if pattern:
            self._check_pattern(name, value)
        return value

    def texts(self, name: str) -> tuple[str, ...] | None:
        value = self.raw.get(name)
        if value is None:
            return None
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(i, str) and i for i in items):
            self.problem(name, value, "a file name or a list of file names")
            return None
        for item in items:
            self._check_pattern(name, item)
        return tuple(items)

    def boolean(self, name: str) -> bool | None:
        value = self.raw.get(name)
        if value is not None and not isinstance(value, bool):
            self.problem(name, value, "true or false")
            return None
        return value

    def number(self, name: str, expected: str, whole: bool = False) -> float | None:
        value = self.raw.get(name)
        if value is None:
            return None
        kinds = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            self.problem(name, value, expected)
            return None
        return value

    def params(self, name: str = "params", value: object = None) -> dict[str, str]:
        raw = self.raw.get(name) if value is None else value
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.problem(name, raw, 'a table of parameters, such as { la_code = "E06000062" }')
            return {}
        params: dict[str, str] = {}
        for key, item in raw.items():
            label = f"{name}.{key}"
            if not _NAME.match(str(key)):
                self.problem(
                    label, key, "a parameter name of letters, digits and _ (not starting with a digit)"
                )
            elif key in RESERVED:
                self.problem(label, item, f"'{key}' is set by the batch; choose another parameter name")
            elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
                params[key] = str(item)
            elif isinstance(item, bool):
                params[key] = "true" if item else "false"
            else:
                self.problem(label, item, "text or a number")
        return params

    def single_period(self, name: str = "period") -> str | None:
        value = self.text(name)
        if value is None or value == "latest":
            return value
        period = _period_text(value)
        if period is None:
            self.problem(name, value, f'{PERIOD_WORDS}, or "latest"')
        return period

    def _check_pattern(self, name: str, text: str) -> None:
        problem = _pattern_problem(text)
        if problem:
            self.problem(name, text, problem)


def _shown(value: object) -> object:
    return value if isinstance(value, (str, int, float)) else str(value)


def _pattern_problem(text: str) -> str | None:
    """Why `text` is not a valid pattern ({name} placeholders only), or None."""
    for match in _PLACEHOLDER.finditer(text):
        if not _NAME.match(match[1]):
            return f"placeholders are {{name}} with a parameter name; got {{{match[1]}}}"
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        return "an unmatched { or }; placeholders are written {name}"
    return None


def _placeholders(text: str) -> list[str]:
    return [m[1] for m in _PLACEHOLDER.finditer(text)]


def _fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each {name} replaced by its value; KeyError(name) for the first unknown name."""

    def one(match: re.Match[str]) -> str:
        if match[1] not in values:
            raise KeyError(match[1])
        return values[match[1]]

    return _PLACEHOLDER.sub(one, text)


def load_batch(path: str | Path) -> BatchFile:
    """Read and check a batch file; raise InputError naming every problem in it."""
    path = Path(path)
    source = path.name
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise InputError.of(str(path), "", "", None, "no such batch file") from None
    except OSError as error:
        raise InputError.of(str(path), "", "", None, f"cannot read: {error.strerror}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError.of(source, "", "", None, f"not valid TOML: {error}") from None
    problems = ProblemList()
    folder = path.parent
    _Table(raw, source, "", "top", problems)

    defaults_table = _Table(raw.get("defaults", {}), source, "[defaults]", "defaults", problems)
    defaults = _settings(defaults_table, with_period=True)
    output_folder = folder / (defaults_table.text("output_folder") or ".")
    manifest = defaults_table.text("manifest") or DEFAULT_MANIFEST

    variants: dict[str, Settings] = {}
    raw_variants = raw.get("variants", {})
    if not isinstance(raw_variants, Mapping):
        problems.add(source, "", "variants", _shown(raw_variants), "tables [variants.NAME]")
    else:
        for name, table in raw_variants.items():
            if not _NAME.match(name):
                problems.add(source, "", "variants", name, "a variant name of letters, digits and _")
            variants[name] = _settings(_Table(table, source, f"[variants.{name}]", "variant", problems))

    for_each = None
    if "for_each" in raw:
        for_each = _for_each(
            _Table(raw["for_each"], source, "[for_each]", "for_each", problems), variants, folder
        )

    jobs: list[ExplicitJob] = []
    raw_jobs = raw.get("jobs", [])
    if not isinstance(raw_jobs, list):
        problems.add(source, "", "jobs", _shown(raw_jobs), "[[jobs]] tables")
        raw_jobs = []
    for number, job in enumerate(raw_jobs, start=1):
        table = _Table(job, source, f"jobs[{number}]", "job", problems)
        variant = table.text("variant") or ""
        if variant and variant not in variants:
            table.problem("variant", variant, _variant_choices(variants))
            variant = ""
        jobs.append(ExplicitJob(_settings(table, with_period=True), variant, table.where))

    email = (
        _email(_Table(raw["email"], source, "[email]", "email", problems), folder) if "email" in raw else None
    )

    problems.raise_if_any()
    return BatchFile(path, folder, output_folder, manifest, defaults, variants, for_each, tuple(jobs), email)


def _settings(table: _Table, with_period: bool = False) -> Settings:
    return Settings(
        template=table.text("template", pattern=True),
        data=table.texts("data"),
        output=table.text("output", pattern=True),
        name=table.text("name", pattern=True),
        period=table.single_period() if with_period else None,
        params=table.params(),
        pdf=table.boolean("pdf"),
    )


def _email(table: _Table, folder: Path) -> EmailSettings:
    """The [email] table. Addresses without placeholders, the sender, the templates and the server
    settings are checked now; addresses filled in from a job's parameters when that job is sent."""
    from scorecard_xl import send

    problems, where = table.problems, table.where

    def addresses(name: str) -> tuple[str, ...]:
        value = table.raw.get(name)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            table.problem(name, value, 'an address, a list of addresses, or a parameter such as "{email}"')
            return ()
        for item in items:
            table._check_pattern(name, item)
        fixed = [(where, item) for item in items if not _placeholders(item)]
        send.parse_addresses(problems, table.source, name, fixed)
        return tuple(items)

    to, cc = addresses("to"), addresses("cc")
    if "to" not in table.raw:
        problems.add(
            table.source, where, "to", None, 'the recipients: addresses, or a parameter such as "{email}"'
        )
    one_each = table.boolean("one_each") or False
    if one_each and cc:
        table.problem("cc", table.raw.get("cc"), "no cc with one_each (each message goes to one address)")
    templates = []
    for name, default in (("subject", send.DEFAULT_SUBJECT), ("body", send.DEFAULT_BODY)):
        text = table.text(name) or default
        problem = send.template_problem(text)
        if problem:
            table.problem(name, text, problem)
        templates.append(text)
    port = table.number("smtp_port", "a port number such as 587", whole=True)
    if port is not None and not 0 < port < 65536:
        table.problem("smtp_port", port, "a port number such as 587")
    timeout = table.number("timeout", "a number of seconds above 0")
    if timeout is not None and not timeout > 0:
        table.problem("timeout", timeout, "a number of seconds above 0")
    user = table.text("smtp_user")
    cafile = table.text("cafile")
    if cafile is not None and not (folder / cafile).is_file():
        table.problem("cafile", cafile, "a PEM file of CA certificates (relative to the batch file)")
    server = send.SmtpServer(
        table.text("smtp_host"),
        int(port or send.DEFAULT_PORT),
        user,
        str(folder / cafile) if cafile else None,
        float(timeout or send.DEFAULT_TIMEOUT),
    )
    sender = table.text("from")
    if sender is None:
        sender = user if user and send.valid_address(user) else None
        if sender is None:
            problems.add(
                table.source, where, "from", None, "the sender's address (needed unless smtp_user is one)"
            )
    else:
        found = send.parse_addresses(problems, table.source, "from", [(where, sender)])
        if len(found) > 1:
            table.problem("from", sender, "one sender address")
        sender = found[0] if found else None
    return EmailSettings(to, cc, sender or "", templates[0], templates[1], server, one_each)


def _variant_choices(variants: Mapping[str, Settings]) -> str:
    if not variants:
        return "a variant defined in a [variants.NAME] table; there are none"
    return "one of the variants defined: " + ", ".join(variants)


def _for_each(table: _Table, variants: Mapping[str, Settings], folder: Path) -> ForEach:
    periods = _period_spec(table)
    chosen: tuple[str, ...] | None = None
    raw_variant = table.raw.get("variant")
    if raw_variant == "all":
        chosen = tuple(variants)
        if not chosen:
            table.problem("variant", raw_variant, _variant_choices(variants))
    elif raw_variant is not None:
        if (
            not isinstance(raw_variant, list)
            or not raw_variant
            or not all(isinstance(v, str) for v in raw_variant)
        ):
            table.problem("variant", raw_variant, '"all" or a list of variant names')
        else:
            for name in raw_variant:
                if name not in variants:
                    table.problem("variant", name, _variant_choices(variants))
            chosen = tuple(raw_variant)
    return ForEach(periods, chosen, _organisations(table, folder))


def _period_spec(table: _Table) -> tuple[str, ...]:
    raw = table.raw.get("period")
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    expected = (
        f'"all" (every period in the data), "latest", {PERIOD_WORDS}, a range of months '
        '"2022-10..2023-03", or a list of these periods and ranges'
    )
    if not items:
        table.problem("period", raw, expected)
    periods: list[str] = []
    for item in items:
        if item in ("all", "latest") and not isinstance(raw, list):
            periods.append(item)
            continue
        if not isinstance(item, str):
            table.problem("period", item, expected)
            continue
        match = _RANGE.match(item)
        if match:
            try:
                first, last = Month.parse(match[1]), Month.parse(match[2])
            except ValueError:
                table.problem("period", item, "a range of months such as 2022-10..2023-03")
                continue
            if last < first:
                table.problem("period", item, "a range from an earlier month to a later one")
            while first <= last:
                periods.append(first.iso)
                first = first.shift(1)
        elif (period := _period_text(item)) is not None:
            periods.append(period)
        else:
            table.problem("period", item, expected)
    return tuple(dict.fromkeys(periods))


def _period_text(text: str) -> str | None:
    """A period as the batch keeps it: a month as YYYY-MM, or a year as written (the definition
    decides, when the job runs, whether its periods are months or years); None if neither."""
    try:
        return Month.parse(text).iso
    except ValueError:
        return text.strip() if _YEAR.match(text.strip()) else None


def _organisations(table: _Table, folder: Path) -> tuple[Mapping[str, str], ...] | None:
    raw = table.raw.get("organisation")
    if raw is None:
        return None
    expected = (
        'a list of names, a list of parameter tables such as { la_code = "E06000062" }, '
        "or a .csv file whose columns are parameters"
    )
    if isinstance(raw, str) and raw.lower().endswith(".csv"):
        return _organisations_csv(table, folder / raw, raw)
    if not isinstance(raw, list) or not raw:
        table.problem("organisation", raw, expected)
        return None
    entries: list[Mapping[str, str]] = []
    for number, item in enumerate(raw, start=1):
        if isinstance(item, str) and item:
            entries.append({"organisation": item})
        elif isinstance(item, Mapping) and item:
            entries.append(table.params(f"organisation[{number}]", item))
        else:
            table.problem(f"organisation[{number}]", item, expected)
    return tuple(entries)


def _organisations_csv(table: _Table, path: Path, given: str) -> tuple[Mapping[str, str], ...] | None:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError:
        table.problem("organisation", given, "a .csv file that exists (relative to the batch file)")
        return None
    except UnicodeDecodeError:
        table.problem("organisation", given, "a .csv file saved as UTF-8")
        return None
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        table.problem("organisation", given, "a .csv file with a header row and one row per organisation")
        return None
    entries = []
    for number, row in enumerate(rows, start=2):
        values = {str(k).strip(): (v or "").strip() for k, v in row.items() if k is not None}
        entries.append(table.params(f"{given} row {number}", values))
    return tuple(entries)


# --- planning: the batch file to jobs -----------------------------------------------------------


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


@dataclass(frozen=True)
class _Base:
    """A job before its periods are known: one explicit job, or one variant x organisation."""

    label: str
    where: str
    settings: Settings
    variant: str
    periods: tuple[str, ...]


InputsKey = tuple[Path, tuple[Path, ...]]
Discover = Callable[[Sequence[InputsKey]], list["list[str] | str"]]


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
        for spec in base.periods:
            available = found.get(key, [])
            if spec in ("all", "latest") and isinstance(available, str):
                name = f"{base.label}: {spec} periods"
                jobs.append(
                    Job(name, None, definition, data, None, base.variant, base.settings.params, available)
                )
                continue
            assert not isinstance(available, str)
            chosen = available if spec == "all" else available[-1:] if spec == "latest" else [spec]
            periods.extend(p for p in chosen if p not in periods)
        for period in periods:
            jobs.append(_job(batch, base, key, period, definitions, problems))
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
        template = _fill(base.settings.template or DEFAULT_TEMPLATE, values)
        data = [_fill(d, values) for d in base.settings.data or ()]
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
) -> Job:
    definition, data = key
    settings, source = base.settings, batch.path.name
    output_pattern = settings.output or DEFAULT_OUTPUT
    values = {**settings.params, "period": period, "variant": base.variant, "definition": definition.stem}
    wanted = set(_placeholders(output_pattern)) | set(_placeholders(settings.name or ""))
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
        filled = _fill(output_pattern, values)
        name = _fill(settings.name, values) if settings.name else None
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
    )


def email_values(params: Mapping[str, str], period: str | None, variant: str) -> dict[str, str]:
    """What an [email] address pattern can use: the job's parameters, {period} and {variant}."""
    return {**params, "period": period or "", "variant": variant}


def _check_email_patterns(
    email: EmailSettings, source: str, where: str, values: Mapping[str, str], problems: ProblemList
) -> None:
    for name, patterns in (("to", email.to), ("cc", email.cc)):
        for pattern in patterns:
            for placeholder in _placeholders(pattern):
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


# --- running a job (in a worker process) --------------------------------------------------------


@dataclass(frozen=True)
class _Task:
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


@dataclass(frozen=True)
class _Outcome:
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


def _run_task(task: _Task) -> _Outcome:
    """Build the workbook (and print its PDF) in memory, then write the PDF and then the workbook,
    each atomically: a failure before the writes leaves both files as they were."""
    start = time.perf_counter()
    printed: tuple[int, str] | None = None  # the PDF's size and SHA-256, once written
    try:
        inputs = _cached_inputs(task.definition, task.data, task.inputs_key)
        period = requested_period(task.period, inputs.definition, task.source)
        # The workbook names the job's organisation (one workbook per authority from one definition).
        _, layout = lay_out(inputs, period, workbook_folder=task.output.parent, options=task.options)
        content = write_workbook(layout, task.options.protect_password)
        pdf_content = None
        if task.pdf is not None:
            from scorecard_xl.pdf import print_pdf  # LibreOffice, with its own profile for each call

            pdf_content = print_pdf(layout, task.pdf.stem)
        task.output.parent.mkdir(parents=True, exist_ok=True)
        _check_replaceable(task.output, task.replaces)
        if task.pdf is not None and pdf_content is not None:
            _check_replaceable(task.pdf, task.replaces_pdf)
            write_atomically(task.pdf, pdf_content)
            printed = (len(pdf_content), hashlib.sha256(pdf_content).hexdigest())
        write_atomically(task.output, content)
    except InputError as error:
        return _Outcome("failed", time.perf_counter() - start, error=error.message(), **_printed(printed))
    except Exception as error:
        detail = traceback.format_exc()
        message = f"internal error (please report it): {type(error).__name__}: {error}"
        return _Outcome(
            "failed", time.perf_counter() - start, error=message, detail=detail, **_printed(printed)
        )
    digest = hashlib.sha256(content).hexdigest()
    return _Outcome("built", time.perf_counter() - start, len(content), digest, **_printed(printed))


def _printed(printed: tuple[int, str] | None) -> dict[str, Any]:
    return {"pdf_size": printed[0], "pdf_sha256": printed[1]} if printed else {}


def _check_replaceable(path: Path, replaces: str | None) -> None:
    """Checked again just before writing: the file may have appeared or changed since planning."""
    if path.is_dir():
        raise InputError.of(str(path), "", "", None, "is a folder; the output must be a file")
    if path.exists() and (replaces is None or _file_sha256(path) != replaces):
        raise InputError.of(str(path), "", "", None, "appeared or changed while the batch ran; not replaced")


def _periods_of(key: InputsKey, inputs_key: str | None) -> list[str] | str:
    """Every period in a (definition, data) combination's data, or why it cannot be read."""
    try:
        periods = _cached_inputs(key[0], key[1], inputs_key).dataset.periods()
    except InputError as error:
        return error.message()
    return [p.iso for p in periods] or "no actual values in the data"


def _worker_init() -> None:
    """Ctrl-C stops the batch, not a worker half way: the parent lets running jobs finish."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _file_sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


class _Hashes:
    """SHA-256 of input files, each read once per run."""

    def __init__(self) -> None:
        self._known: dict[Path, str | None] = {}

    def of(self, path: Path) -> str | None:
        if path not in self._known:
            self._known[path] = _file_sha256(path)
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
        locations = [_location(job.definition, folder), *(record_location(p, folder) for p in job.data)]
        payload = {
            "generator": f"scorecard-xl {__version__}",
            "files": list(zip(locations, digests, strict=True)),
            "period": job.period,
            "variant": job.variant,
            "params": dict(sorted(job.params.items())),
            "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()


# --- the manifest -------------------------------------------------------------------------------


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


def _location(definition: Path, folder: Path) -> str:
    """Where a workbook records its definition: a bundled template by name, else a relative path."""
    return definition.stem if is_bundled_template(definition) else record_location(definition, folder)


def _manifest_key(path: Path, manifest: Path) -> str:
    return record_location(path, manifest.parent)


# --- running the batch --------------------------------------------------------------------------

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


@dataclass(frozen=True)
class _Decision:
    result: JobResult | None  # decided without building (skipped or failed)
    task: _Task | None


def _decide(
    job: Job,
    previous: Mapping[str, Mapping[str, Any]],
    manifest: Path,
    force: bool,
    hashes: _Hashes,
    source: str,
) -> _Decision:
    """Skip, refuse or build: never replace a file this batch did not write (or that changed since).
    The same goes for the job's PDF; an unchanged job is skipped only when its PDF is there too."""
    if job.problem or job.output is None or job.period is None or job.definition is None:
        return _Decision(JobResult(job, FAILED, error=job.problem or "cannot be planned"), None)
    entry = previous.get(_manifest_key(job.output, manifest), {})
    fingerprint = hashes.fingerprint(job)
    inputs_key = hashes.inputs_key(job.definition, job.data)
    owned = entry.get("sha256")
    pdf = _pdf_state(job, entry, manifest)
    replaces, size, note = None, None, "new"
    if job.output.is_dir():
        why = f"{job.output}: is a folder; the output must be a file"
        return _Decision(JobResult(job, FAILED, error=why, **pdf.owned), None)
    if job.output.exists():
        actual = _file_sha256(job.output)
        size = job.output.stat().st_size
        if owned is None:
            why = (
                f"{job.output}: exists and was not written by this batch (it is not in {manifest.name}); "
                "it is never replaced: move or rename it, or change the output pattern"
            )
            return _Decision(JobResult(job, FAILED, error=_lines(why, pdf.problem), **pdf.owned), None)
        if actual != owned:
            why = (
                f"{job.output}: has changed since this batch wrote it (commentary typed into it?); it is "
                "never replaced: move or rename it to rebuild"
            )
            return _Decision(JobResult(job, FAILED, error=_lines(why, pdf.problem), **pdf.owned), None)
        if pdf.problem:  # the workbook is still the batch's own
            failed = JobResult(job, FAILED, size=size, sha256=actual, error=pdf.problem, **pdf.owned)
            return _Decision(failed, None)
        unchanged = fingerprint is not None and entry.get("fingerprint") == fingerprint
        if not force and unchanged and pdf.ready:
            result = JobResult(
                job, SKIPPED, size=size, sha256=actual, fingerprint=fingerprint, note="unchanged", **pdf.owned
            )
            return _Decision(result, None)
        replaces = actual
        if entry.get("fingerprint") is None:
            note = "failed last run"
        elif unchanged:
            note = "--force" if force else "PDF missing"
        else:
            note = "inputs changed"
    elif pdf.problem:
        return _Decision(JobResult(job, FAILED, error=pdf.problem, **pdf.owned), None)
    options = Options(organisation=job.params.get("organisation"), marking=job.params.get("marking"))
    task = _Task(
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
    )
    planned = JobResult(
        job, WOULD_BUILD, size=size, sha256=replaces, fingerprint=fingerprint, note=note, **pdf.owned
    )
    return _Decision(planned, task)


@dataclass(frozen=True)
class _PdfState:
    owned: Mapping[str, Any]  # pdf_size and pdf_sha256 of the PDF the batch owns, if it owns one
    ready: bool  # nothing to print: the job wants no PDF, or its PDF is there as the batch wrote it
    problem: str | None  # why the job's PDF may not be replaced


def _pdf_state(job: Job, entry: Mapping[str, Any], manifest: Path) -> _PdfState:
    """The PDF beside the job's output. The batch owns it while it has the bytes the manifest
    records; that holds even with `pdf` turned off, so turning it on again replaces it."""
    assert job.output is not None
    path = job.output.with_suffix(".pdf")
    recorded = entry.get("pdf")
    owned_sha = recorded.get("sha256") if isinstance(recorded, Mapping) else None
    if path.is_dir():
        problem = f"{path}: is a folder; the PDF must be a file" if job.pdf else None
        return _PdfState({}, job.pdf is None, problem)
    actual = _file_sha256(path) if path.exists() else None
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


def _lines(*texts: str | None) -> str:
    return "\n".join(t for t in texts if t)


class Progress:
    """A plain-text progress line on a stream: redrawn in place on a terminal, else one line per
    finished job. Counts done (built or skipped) and failed of the total, elapsed time, and the job
    running (or last finished)."""

    def __init__(self, stream: TextIO | None, total: int) -> None:
        self.stream, self.total = stream, total
        self.tty = bool(stream and stream.isatty())
        self.done = self.failed = 0
        self.start = time.monotonic()
        self._width = 0

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
        if self.stream is None or not self.tty:
            return
        finished = self.done + self.failed
        filled = 20 * finished // self.total if self.total else 20
        elapsed = int(time.monotonic() - self.start)
        line = (
            f"[{'#' * filled}{'.' * (20 - filled)}] {finished}/{self.total}: {self.done} done, "
            f"{self.failed} failed, {elapsed // 60}:{elapsed % 60:02d}" + (f"  {current}" if current else "")
        )
        line = line[: max(shutil.get_terminal_size().columns - 1, 40)]
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def close(self) -> None:
        if self.stream is not None and self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()


class _Manifest:
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
            key = _manifest_key(job.output, self.path) if job.output else None
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
            "definition": _location(job.definition, folder) if job.definition else None,
            "data": [record_location(p, folder) for p in job.data],
            "pdf": self._pdf(job, result),
        }

    def _pdf(self, job: Job, result: JobResult) -> dict[str, Any] | None:
        """The PDF beside the output: asked for, or still the batch's from an earlier run."""
        if job.output is None or (job.pdf is None and result.pdf_sha256 is None):
            return None
        path = _manifest_key(job.output.with_suffix(".pdf"), self.path)
        return {"path": path, "size": result.pdf_size, "sha256": result.pdf_sha256}


def discover_here(keys: Sequence[InputsKey]) -> list[list[str] | str]:
    """The months in each (definition, data) combination's data, loaded in this process."""
    hashes = _Hashes()
    return [_periods_of(key, hashes.inputs_key(*key)) for key in keys]


def _context() -> multiprocessing.context.BaseContext:
    """'fork' on Linux: workers start in milliseconds sharing the parent's loaded modules (and
    inputs loaded while planning). 'spawn' elsewhere: fork is unsafe on macOS and absent on Windows."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def default_jobs() -> int:
    return os.cpu_count() or 1


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
    password = _ready_to_email(batch, send, email_dry_run, dry_run) if mailing else None
    manifest_path = Path(manifest) if manifest else batch.manifest
    previous = read_manifest(manifest_path)
    workers = max(1, jobs or default_jobs())
    hashes = _Hashes()
    pool: cf.ProcessPoolExecutor | None = None

    def discover(keys: Sequence[InputsKey]) -> list[list[str] | str]:
        nonlocal pool
        if workers == 1 or dry_run or len(keys) <= 1:
            return discover_here(keys)  # and, with fork, the workers inherit the loaded inputs
        pool = _pool(workers)  # kept for the jobs
        return list(pool.map(_periods_of, keys, [hashes.inputs_key(*k) for k in keys]))

    try:
        planned = plan(batch, discover, manifest_path)
        decisions = [_decide(job, previous, manifest_path, force, hashes, batch.path.name) for job in planned]
        if dry_run:
            results = tuple(_would(d) for d in decisions)
            return BatchReport(
                batch, results, manifest_path, workers, time.monotonic() - started, dry_run=True
            )
        results_list: list[JobResult | None] = [d.result if d.task is None else None for d in decisions]
        tasks = [(i, d.task) for i, d in enumerate(decisions) if d.task is not None]
        shown = Progress(progress, len(planned))
        writer = _Manifest(manifest_path, batch, previous)
        skipped = [r for r in results_list if r is not None and r.status == SKIPPED]
        shown.done += len(skipped)
        shown.skipped(len(skipped))
        for result in results_list:
            if result is not None and result.status == FAILED:
                shown.finished(result)
        interrupted = False
        try:
            if workers == 1 or len(tasks) <= 1:
                _run_here(planned, decisions, tasks, results_list, shown, writer)
            else:
                if pool is None:
                    pool = _pool(min(workers, len(tasks)))
                interrupted = _run_in_pool(pool, planned, decisions, tasks, results_list, shown, writer)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            shown.close()
        final = tuple(
            r if r is not None else JobResult(planned[i], NOT_RUN) for i, r in enumerate(results_list)
        )
        writer.save(planned, final, final=True)
        used = 1 if workers == 1 or len(tasks) <= 1 else min(workers, len(tasks))
        emails: tuple[EmailResult, ...] = ()
        email_to = None
        if mailing and batch.email is not None and not interrupted:
            if pool is not None:
                pool.shutdown(wait=True)
                pool = None
            outbox = Path(email_dry_run) if email_dry_run is not None else None
            email_to = str(outbox) if outbox is not None else batch.email.server.label
            emails, interrupted = _email_all(batch, final, outbox, password, force_send, progress)
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


def _would(decision: _Decision) -> JobResult:
    result = decision.result
    if result is None:
        raise AssertionError("a decision has a result or a task")
    status = {FAILED: WOULD_FAIL, SKIPPED: WOULD_SKIP}.get(result.status, WOULD_BUILD)
    return JobResult(result.job, status, size=result.size, error=result.error, note=result.note)


def _pool(workers: int) -> cf.ProcessPoolExecutor:
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_worker_init)


def _finish(decision: _Decision, outcome: _Outcome) -> JobResult:
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


def _run_here(
    jobs: Sequence[Job],
    decisions: Sequence[_Decision],
    tasks: Sequence[tuple[int, _Task]],
    results: list[JobResult | None],
    progress: Progress,
    writer: _Manifest,
) -> None:
    for index, task in tasks:
        progress.draw(jobs[index].name)
        results[index] = _finish(decisions[index], _run_task(task))
        progress.finished(results[index])  # type: ignore[arg-type]
        writer.save(jobs, results)


def _run_in_pool(
    pool: cf.ProcessPoolExecutor,
    jobs: Sequence[Job],
    decisions: Sequence[_Decision],
    tasks: Sequence[tuple[int, _Task]],
    results: list[JobResult | None],
    progress: Progress,
    writer: _Manifest,
) -> bool:
    """Run `tasks` in the pool; True when interrupted (running jobs finish, queued ones do not)."""
    # Jobs sharing inputs go together, so each worker's small cache keeps loading them once.
    ordered = sorted(tasks, key=lambda t: (t[1].inputs_key or "", t[0]))
    futures = {pool.submit(_run_task, task): index for index, task in ordered}
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
                outcome = _Outcome(
                    "failed", 0.0, error="the worker process stopped unexpectedly (out of memory?)"
                )
            results[index] = _finish(decisions[index], outcome)
            progress.finished(results[index])  # type: ignore[arg-type]
        running = [jobs[futures[f]].name for f in pending if f.running()]
        progress.draw(running[0] if running else None)
        writer.save(jobs, results)
    return interrupted


# --- email --------------------------------------------------------------------------------------


def _ready_to_email(batch: BatchFile, send: bool, outbox: str | Path | None, dry_run: bool) -> str | None:
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


def _email_all(
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


def job_mail(email: EmailSettings, job: Job, source: str) -> Mail:
    """The [email] table for one job: its recipients filled in from the job's parameters and
    checked. Raises InputError naming every bad or missing address."""
    from scorecard_xl.send import Mail, parse_addresses

    values = email_values(job.params, job.period, job.variant)
    problems = ProblemList()
    found: dict[str, list[str]] = {}
    for name, patterns in (("to", email.to), ("cc", email.cc)):
        found[name] = []
        for pattern in patterns:
            text = _fill(pattern, values).strip()  # every placeholder was checked while planning
            if text:  # an empty parameter adds no one
                label = f"{name} ({pattern})" if text != pattern else name
                found[name] += parse_addresses(problems, source, label, [("[email]", text)])
    if not found["to"] and not problems:
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


# --- reporting ----------------------------------------------------------------------------------


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
