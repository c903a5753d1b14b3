"""The batch file: reading and checking a batch TOML into settings, jobs and expansions."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scorecard_xl.errors import InputError, ProblemList
from scorecard_xl.inputs.input_files import BATCH_LIMIT, LIST_LIMIT, read_capped
from scorecard_xl.inputs.periods import Month
from scorecard_xl.inputs.tomlfile import TableReader, read_toml, shown

if TYPE_CHECKING:
    from scorecard_xl.send import SmtpServer


DEFAULT_OUTPUT = "{organisation_slug}/{period}/scorecard.xlsx"
DEFAULT_MANIFEST = "manifest.json"
JOB_FIELDS = ("template", "data", "output", "name", "params", "pdf", "publish", "protect")
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
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_RANGE = re.compile(r"^\s*(\S+)\s*\.\.\s*(\S+)\s*$")
_YEAR = re.compile(r"^[0-9]{4}(-[0-9]{2})?$")  # ASCII digits: "２０２３" is not a year
PERIOD_WORDS = "a month YYYY-MM such as 2023-03 (a year such as 2022-23 for an annual scorecard)"


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
    publish: int | None = None  # the publication profile: counts 1 to N become c (build --publish N)
    protect: bool | None = None  # protect sheets and structure (build --protect)

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
            self.publish if self.publish is not None else base.publish,
            self.protect if self.protect is not None else base.protect,
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
    sender, the subject and body templates (the send package's fields) and the mail server."""

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


class _Table(TableReader):
    """A table of the batch file (`kind` names which: its allowed fields are TABLE_FIELDS[kind]),
    with the batch's own kinds of field: file patterns, parameters and periods."""

    def __init__(self, raw: object, source: str, where: str, kind: str, problems: ProblemList) -> None:
        super().__init__(raw, source, where, problems, TABLE_FIELDS[kind])

    def problem(self, field: str, value: object, expected: str) -> None:
        super().problem(field, shown(value), expected)  # the batch's messages show tables as text

    def pattern(self, name: str) -> str | None:
        """Text with {name} placeholders, which jobs fill in from their parameters."""
        value = self.optional_text(name)
        if value is not None:
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
        value = self.optional_text(name)
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


def _pattern_problem(text: str) -> str | None:
    """Why `text` is not a valid pattern ({name} placeholders only), or None."""
    for match in _PLACEHOLDER.finditer(text):
        if not _NAME.match(match[1]):
            return f"placeholders are {{name}} with a parameter name; got {{{match[1]}}}"
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        return "an unmatched { or }; placeholders are written {name}"
    return None


def placeholders_in(text: str) -> list[str]:
    return [m[1] for m in _PLACEHOLDER.finditer(text)]


def fill_pattern(text: str, values: Mapping[str, str]) -> str:
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
    raw = read_toml(path, "batch file", BATCH_LIMIT)
    problems = ProblemList()
    folder = path.parent
    _Table(raw, source, "", "top", problems)

    defaults_table = _Table(raw.get("defaults", {}), source, "[defaults]", "defaults", problems)
    defaults = _settings(defaults_table, with_period=True)
    output_folder = folder / (defaults_table.optional_text("output_folder") or ".")
    manifest = defaults_table.optional_text("manifest") or DEFAULT_MANIFEST

    variants: dict[str, Settings] = {}
    raw_variants = raw.get("variants", {})
    if not isinstance(raw_variants, Mapping):
        problems.add(source, "", "variants", shown(raw_variants), "tables [variants.NAME]")
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
        problems.add(source, "", "jobs", shown(raw_jobs), "[[jobs]] tables")
        raw_jobs = []
    for number, job in enumerate(raw_jobs, start=1):
        table = _Table(job, source, f"jobs[{number}]", "job", problems)
        variant = table.optional_text("variant") or ""
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
        template=table.pattern("template"),
        data=table.texts("data"),
        output=table.pattern("output"),
        name=table.pattern("name"),
        period=table.single_period() if with_period else None,
        params=table.params(),
        pdf=table.boolean("pdf"),
        publish=_publish(table),
        protect=table.boolean("protect"),
    )


def _publish(table: _Table) -> int | None:
    """`publish = 10` (counts 1 to 10 become c), `publish = true` (1 to 5, as the DfE) or false."""
    value = table.raw.get("publish")
    if value is None or value is False:
        return None
    if value is True:
        return 5
    if isinstance(value, int) and value >= 1:
        return value
    table.problem("publish", value, "true (counts 1 to 5 become c), false, or a whole number of 1 or more")
    return None


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
        fixed = [(where, item) for item in items if not placeholders_in(item)]
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
        text = table.optional_text(name) or default
        problem = send.template_problem(text, one_line=name == "subject")
        if problem:
            table.problem(name, text, problem)
        templates.append(text)
    port = table.number("smtp_port", "a port number such as 587", whole=True)
    if port is not None and not 0 < port < 65536:
        table.problem("smtp_port", port, "a port number such as 587")
    timeout = table.number("timeout", "a number of seconds above 0")
    if timeout is not None and not timeout > 0:
        table.problem("timeout", timeout, "a number of seconds above 0")
    user = table.optional_text("smtp_user")
    cafile = table.optional_text("cafile")
    if cafile is not None and not (folder / cafile).is_file():
        table.problem("cafile", cafile, "a PEM file of CA certificates (relative to the batch file)")
    server = send.SmtpServer(
        table.optional_text("smtp_host"),
        int(port or send.DEFAULT_PORT),
        user,
        str(folder / cafile) if cafile else None,
        float(timeout or send.DEFAULT_TIMEOUT),
    )
    sender = table.optional_text("from")
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
        text = read_capped(path, LIST_LIMIT, "list of organisations").decode("utf-8-sig")
        # newline="": a quoted field may hold a line break; splitlines() would also split at U+2028
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except InputError as error:
        why = error.problems[0].expected
        table.problem("organisation", given, f"a .csv file that exists (relative to the batch file): {why}")
        return None
    except UnicodeDecodeError:
        table.problem("organisation", given, "a .csv file saved as UTF-8")
        return None
    except csv.Error as error:
        table.problem("organisation", given, f"a .csv file the csv reader can read ({error})")
        return None
    if not rows:
        table.problem("organisation", given, "a .csv file with a header row and one row per organisation")
        return None
    entries = []
    for number, row in enumerate(rows, start=2):
        values = {str(k).strip(): (v or "").strip() for k, v in row.items() if k is not None}
        entries.append(table.params(f"{given} row {number}", values))
    return tuple(entries)
