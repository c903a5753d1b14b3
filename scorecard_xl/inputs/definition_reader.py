"""Reading a scorecard definition from TOML or YAML (docs/formats.md): every field checked, every
problem named at once (InputError), the result frozen (definition.Definition).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from scorecard_xl.errors import InputError, ProblemList
from scorecard_xl.inputs.definition import (
    Benchmark,
    Comparator,
    Definition,
    Measure,
    Polarity,
    Section,
    SpcSettings,
    Target,
    Tolerance,
)
from scorecard_xl.inputs.definition_profile import PROFILE_FIELD, target_profile
from scorecard_xl.inputs.definition_ratio import RATIO_FIELD, RATIO_YTD, check_ratios, measure_ratio
from scorecard_xl.inputs.definition_release import NOTES_FIELD, RELEASE_FIELD, notes_of, release_of
from scorecard_xl.inputs.definition_spc import measure_spc, scorecard_spc
from scorecard_xl.inputs.input_files import DEFINITION_LIMIT, parse_yaml, read_capped
from scorecard_xl.inputs.text_rules import (
    CELL_LIMIT,
    FORMULA_STARTER_RULE,
    LINE_LIMIT,
    MARKING_LIMIT,
    ORGANISATION_LIMIT,
    formula_starter,
    sheet_name_problem,
    text_problem,
)
from scorecard_xl.inputs.tomlfile import TableReader, parse_toml
from scorecard_xl.inputs.units import UNIT_NAMES, UNITS, Unit
from scorecard_xl.inputs.values import NUMBER_LIMIT, Missing, parse_value

POLARITIES = ("high", "low", "none")
FREQUENCIES = ("monthly", "quarterly", "termly", "annual")
YTD_RULES = ("sum", "latest", "mean", "provided", "none", RATIO_YTD)
HEADLINES = ("ytd", "latest")
PERIOD_KINDS = ("month", "year")
SPARKLINES = ("line", "column")
PAPERS = ("A4", "A3")
PERCENT_INPUTS = ("fraction", "points")
TERM_END_MONTHS = (12, 4, 7)  # autumn, spring and summer terms end in these months

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")  # ids are shown in cells; 64 characters at most
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_SLUG_RULE = "lower-case letters, digits and '-' (at most 64)"
NAME_LIMIT = 1_000  # a comparator's or benchmark's description, shown in the key
_TOLERANCE_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(%|pp)?\s*$")  # ASCII digits only
ID_LIMIT = 64


def load_definition(path: str | Path) -> Definition:
    """Read and validate a definition file (.toml, .yaml or .yml); raise InputError listing
    every problem found."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".yaml", ".yml"):
        raise InputError.of(path.name, "", "file type", suffix, "a .toml, .yaml or .yml file")
    data = read_capped(path, DEFINITION_LIMIT, "definition file")
    raw = parse_toml(data, path.name) if suffix == ".toml" else parse_yaml(data, path.name)
    definition = parse_definition(raw, source=path.name, sha256=hashlib.sha256(data).hexdigest())
    return _with_text(definition, data, path.name)


def definition_from_text(text: str, file_name: str, source: str) -> Definition:
    """A definition from its text, as a workbook carries it (`file_name`'s suffix says TOML or
    YAML; `source` names where the text is, for messages), within a definition file's limits."""
    data = text.encode("utf-8")
    suffix = Path(file_name).suffix.lower()
    if suffix not in (".toml", ".yaml", ".yml"):
        raise InputError.of(source, "", "file name", file_name, "a name ending .toml, .yaml or .yml")
    if len(data) > DEFINITION_LIMIT:
        raise InputError.of(
            source, "", "definition", f"{len(data):,} bytes", f"at most {DEFINITION_LIMIT:,} bytes"
        )
    raw = parse_toml(data, source) if suffix == ".toml" else parse_yaml(data, source)
    definition = parse_definition(raw, source=source, sha256=hashlib.sha256(data).hexdigest())
    return _with_text(definition, data, file_name)


def _with_text(definition: Definition, data: bytes, file_name: str) -> Definition:
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return dataclasses.replace(definition, text=text, file_name=file_name)


class _Reader(TableReader):
    """A definition's table: every text field in it is shown in the workbook, so each must hold
    what a workbook can (text_rules): no control characters or line breaks, within its length,
    and not starting as a formula."""

    def text(
        self,
        field: str,
        default: str | None = None,
        pattern: re.Pattern[str] | None = None,
        expected: str = "text",
        limit: int = LINE_LIMIT,
        in_header: bool = False,
    ) -> str:
        value = super().text(field, default, pattern, expected)
        wrong = text_problem(value, limit, in_header=in_header) if value else None
        if wrong:
            self.problem(field, self.raw.get(field, default), wrong)
            return ""
        return value


def parse_definition(raw: Mapping[str, Any], source: str, sha256: str = "") -> Definition:
    """Validate an already-parsed definition mapping (see load_definition)."""
    problems = ProblemList()
    top = _Reader(
        raw,
        source,
        "",
        problems,
        ("scorecard", "comparators", "benchmarks", "sections", "measures", RELEASE_FIELD, NOTES_FIELD),
    )
    head = _Reader(
        raw.get("scorecard", {}),
        source,
        "[scorecard]",
        problems,
        (
            "id",
            "version",
            "title",
            "organisation",
            "marking",
            "year_start_month",
            "period",
            "months_shown",
            "years_shown",
            "headline",
            "outturn_years",
            "percent_input",
            "default_tolerance",
            "sparkline",
            "paper",
            "spc",
        ),
    )
    if "scorecard" not in raw:
        top.problem("scorecard", None, "a [scorecard] table with id, version, title, organisation")
    version = head.raw.get("version")
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        version = str(version)  # `version = 2` is a natural thing to write
    if not isinstance(version, str) or not version.strip():
        head.problem("version", version, 'required: text such as "2023.1"')
        version = ""
    elif text_problem(version.strip(), ID_LIMIT):
        head.problem("version", version, text_problem(version.strip(), ID_LIMIT) or "")
        version = ""
    unit_free = UNITS["count"]
    percent_input = head.choice("percent_input", PERCENT_INPUTS, "fraction")
    year_start_month = head.integer("year_start_month", 4, 1, 12)
    default_tolerance = _tolerance(head, "default_tolerance", "5%", unit_free) or Tolerance("relative", 0.05)
    yearly = head.choice("period", PERIOD_KINDS, "month") == "year"
    spc = scorecard_spc(head)
    comparators = _comparators(raw.get("comparators", []), source, problems)
    benchmarks = _benchmarks(raw.get("benchmarks", []), source, problems, comparators)
    sections = _sections(raw.get("sections"), source, problems)
    measures = _measures(
        raw.get("measures"),
        source,
        problems,
        sections,
        comparators,
        default_tolerance,
        percent_input,
        year_start_month,
        yearly,
        spc,
    )
    if yearly:
        for setting in ("months_shown", "outturn_years"):
            if setting in head.raw:
                head.problem(
                    setting,
                    head.raw[setting],
                    'nothing for an annual scorecard (period = "year"): '
                    "use years_shown; its previous years are its columns",
                )
        if head.raw.get("headline", "latest") != "latest":
            head.problem(
                "headline", head.raw["headline"], '"latest" for an annual scorecard: there is no YTD'
            )
    elif "years_shown" in head.raw:
        head.problem("years_shown", head.raw["years_shown"], 'only for period = "year"; use months_shown')
    definition = Definition(
        id=head.text("id", pattern=_SLUG_RE, expected=_SLUG_RULE),
        version=version.strip(),
        title=head.text("title"),
        organisation=head.text("organisation", limit=ORGANISATION_LIMIT, in_header=True),
        marking=head.text("marking", "OFFICIAL", limit=MARKING_LIMIT, in_header=True),
        year_start_month=year_start_month,
        yearly=yearly,
        periods_shown=head.integer("years_shown", 5, 1, 15)
        if yearly
        else head.integer("months_shown", 6, 1, 24),
        headline="latest" if yearly else head.choice("headline", HEADLINES, "ytd"),
        outturn_years=0 if yearly else head.integer("outturn_years", 2, 0, 5),
        percent_input=percent_input,
        default_tolerance=default_tolerance,
        sparkline=head.choice("sparkline", SPARKLINES, "line"),
        paper=head.choice("paper", PAPERS, "A4"),
        comparators=comparators,
        benchmarks=benchmarks,
        sections=sections,
        measures=measures,
        source=source,
        sha256=sha256,
        spc=spc,
        release=release_of(raw.get(RELEASE_FIELD), source, problems),
        notes=notes_of(raw.get(NOTES_FIELD), source, problems, [m.id for m in measures]),
    )
    problems.raise_if_any()
    return definition


def _comparators(raw: object, source: str, problems: ProblemList) -> tuple[Comparator, ...]:
    if not isinstance(raw, list):
        problems.add(source, "", "comparators", raw, "a list of [[comparators]] tables")
        return ()
    comparators: list[Comparator] = []
    reserved = ("actual", "ytd", "target", "outturn")
    for index, item in enumerate(raw, start=1):
        reader = _Reader(item, source, f"comparator {index}", problems, ("id", "label", "name", "method"))
        comparator_id = reader.text("id", pattern=_SLUG_RE, expected=_SLUG_RULE)
        if comparator_id in reserved or comparator_id in (c.id for c in comparators):
            reader.problem(
                "id",
                comparator_id,
                "an id not used by another comparator or data series (" + ", ".join(reserved) + ")",
            )
        method = reader.raw.get("method")
        if method is not None and method not in ("mean", "median"):
            reader.problem("method", method, "mean or median")
        label = reader.text("label", comparator_id or "?")
        name = reader.text("name", label, limit=NAME_LIMIT)
        comparators.append(Comparator(comparator_id, label, name, method))
    return tuple(comparators)


def _benchmarks(
    raw: object, source: str, problems: ProblemList, comparators: tuple[Comparator, ...]
) -> tuple[Benchmark, ...]:
    if not isinstance(raw, list):
        problems.add(source, "", "benchmarks", raw, "a list of [[benchmarks]] tables")
        return ()
    found: list[Benchmark] = []
    taken = {"actual", "ytd", "target", "outturn", *(c.id for c in comparators)}
    for index, item in enumerate(raw, start=1):
        reader = _Reader(item, source, f"benchmark {index}", problems, ("id", "label", "name", "kind"))
        benchmark_id = reader.text("id", pattern=_SLUG_RE, expected=_SLUG_RULE)
        if benchmark_id in taken:
            reader.problem(
                "id", benchmark_id, "an id not used by a comparator, another benchmark or a series"
            )
        taken.add(benchmark_id)
        label = reader.text("label", benchmark_id or "?")
        kind = reader.choice("kind", ("text", "quartile"), "text")
        found.append(Benchmark(benchmark_id, label, reader.text("name", label, limit=NAME_LIMIT), kind))
    return tuple(found)


def _sections(raw: object, source: str, problems: ProblemList) -> tuple[Section, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add(source, "", "sections", raw, "a non-empty list of [[sections]] tables")
        return ()
    sections: list[Section] = []
    for index, item in enumerate(raw, start=1):
        label = item.get("id") if isinstance(item, Mapping) and isinstance(item.get("id"), str) else index
        reader = _Reader(item, source, f"section {label}", problems, ("id", "title", "sheet"))
        section_id = reader.text("id", pattern=_SLUG_RE, expected=_SLUG_RULE)
        if section_id and section_id in (s.id for s in sections):
            reader.problem("id", section_id, "a section id not used before")
        sheet = reader.raw.get("sheet")
        wrong = "text" if sheet is not None and not isinstance(sheet, str) else None
        if isinstance(sheet, str):  # the name is shown in cells too (the Cover's contents)
            wrong = sheet_name_problem(sheet) or (FORMULA_STARTER_RULE if formula_starter(sheet) else None)
        if wrong:
            reader.problem("sheet", sheet, wrong)
        sheet_name = sheet if isinstance(sheet, str) and sheet else None
        sections.append(Section(section_id, reader.text("title"), sheet_name))
    return tuple(sections)


def _measures(
    raw: object,
    source: str,
    problems: ProblemList,
    sections: tuple[Section, ...],
    comparators: tuple[Comparator, ...],
    default_tolerance: Tolerance,
    percent_input: str,
    year_start_month: int,
    yearly: bool,
    spc: SpcSettings | None = None,
) -> tuple[Measure, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add(source, "", "measures", raw, "a non-empty list of [[measures]] tables")
        return ()
    section_ids = [s.id for s in sections]
    measures: list[Measure] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        label = item.get("id") if isinstance(item, Mapping) and isinstance(item.get("id"), str) else None
        reader = _Reader(
            item,
            source,
            f"measure {label or index}",
            problems,
            (
                "id",
                "section",
                "title",
                "unit",
                "decimals",
                "polarity",
                "frequency",
                "reporting_months",
                "ytd",
                "target",
                "tolerance",
                "definition",
                "derived_from",
                "total_of",
                "spc",
                PROFILE_FIELD,
                RATIO_FIELD,
            ),
        )
        measure_id = reader.text("id", pattern=_ID_RE, expected="letters, digits, '-' and '_' (at most 64)")
        if measure_id in seen:
            reader.problem("id", measure_id, "an id not used by another measure")
        seen.add(measure_id)
        section = reader.text("section")
        if section and section not in section_ids:
            reader.problem("section", section, "one of the section ids: " + ", ".join(section_ids))
        unit_name = reader.raw.get("unit")
        unit = UNITS.get(unit_name) if isinstance(unit_name, str) else None
        if unit is None:
            reader.problem("unit", unit_name, "one of " + UNIT_NAMES)
            unit = UNITS["count"]
        polarity = cast("Polarity", reader.choice("polarity", POLARITIES))
        frequency = reader.choice("frequency", FREQUENCIES, "monthly")
        target = _target(reader, unit, percent_input, comparators)
        if target.judged and polarity == "none":
            reader.problem(
                "polarity",
                polarity,
                "high or low: a measure with a target needs to say "
                'which way is better (or set target = "none")',
            )
        definition_text = reader.raw.get("definition", "")
        wrong = (
            text_problem(definition_text, CELL_LIMIT, lines=True)
            if isinstance(definition_text, str)
            else "text"
        )
        if wrong:
            reader.problem("definition", definition_text, wrong)
            definition_text = ""
        reporting_months = () if yearly else _reporting_months(reader, frequency, year_start_month)
        ytd = _ytd_rule(reader, yearly)
        ratio = measure_ratio(reader, unit, ytd)
        derived_from = _measure_ids(reader, "derived_from")
        if ratio is not None:  # a ratio is worked out from its counts: suppressed with them
            derived_from = tuple(dict.fromkeys((*derived_from, ratio.numerator, ratio.denominator)))
        measures.append(
            Measure(
                id=measure_id,
                section=section,
                title=reader.text("title"),
                unit=unit,
                decimals=reader.integer("decimals", unit.default_decimals, 0, 6),
                polarity=polarity,
                frequency=frequency,
                reporting_months=reporting_months,
                ytd=ytd,
                target=target,
                tolerance=_tolerance(reader, "tolerance", None, unit) or default_tolerance,
                definition=" ".join(definition_text.split()),
                derived_from=derived_from,
                total_of=_measure_ids(reader, "total_of"),
                spc=measure_spc(reader, spc, yearly, year_start_month),
                target_profile=target_profile(reader, ytd, target.kind, len(reporting_months) or 12, yearly),
                ratio=ratio,
            )
        )
    check_ratios(measures, source, problems)
    ids = {m.id for m in measures}
    for measure in measures:
        counts = (measure.ratio.numerator, measure.ratio.denominator) if measure.ratio else ()
        for field_name in ("derived_from", "total_of"):
            for other in getattr(measure, field_name):
                if field_name == "derived_from" and other in counts:
                    continue  # a ratio's own counts: check_ratios named any problem with them
                if other not in ids or other == measure.id:
                    problems.add(
                        source,
                        f"measure {measure.id}",
                        field_name,
                        other,
                        "the id of another measure in this definition",
                    )
                elif field_name == "total_of" and measure.unit.name != "count":
                    problems.add(source, f"measure {measure.id}", field_name, other, "totals of counts only")
    for listed in sections:
        if listed.id and not any(m.section == listed.id for m in measures):
            problems.add(source, f"section {listed.id}", "", None, "a section needs at least one measure")
    order = {section_id: i for i, section_id in enumerate(section_ids)}
    return tuple(sorted(measures, key=lambda m: order.get(m.section, len(order))))


def _measure_ids(reader: _Reader, field: str) -> tuple[str, ...]:
    raw = reader.raw.get(field, [])
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(i, str) for i in raw):
        reader.problem(field, raw, "a measure id, or a list of them")
        return ()
    return tuple(raw)


def _ytd_rule(reader: _Reader, yearly: bool) -> str:
    rule = reader.choice("ytd", YTD_RULES, "none")
    if yearly and rule not in ("none", RATIO_YTD):  # (a ratio measure's rule says how it is worked out)
        reader.problem("ytd", rule, '"none" for an annual scorecard (period = "year"): each column is a year')
        return "none"
    return rule


def _reporting_months(reader: _Reader, frequency: str, year_start_month: int) -> tuple[int, ...]:
    raw = reader.raw.get("reporting_months")
    if raw is not None:
        if frequency == "monthly":
            reader.problem("reporting_months", raw, "only for quarterly, termly or annual measures")
            return ()
        if (
            not isinstance(raw, list)
            or not raw
            or not all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in raw)
        ):
            reader.problem("reporting_months", raw, "a list of month numbers 1 to 12, such as [6, 9, 12, 3]")
            return ()
        return tuple(raw)
    last = (year_start_month + 10) % 12 + 1  # the reporting year's final month
    if frequency == "quarterly":
        return tuple((last + 3 * k - 1) % 12 + 1 for k in (1, 2, 3, 4))
    if frequency == "termly":
        return TERM_END_MONTHS
    if frequency == "annual":
        return (last,)
    return ()


def _target(reader: _Reader, unit: Unit, percent_input: str, comparators: tuple[Comparator, ...]) -> Target:
    raw = reader.raw.get("target", "none")
    ids = [c.id for c in comparators]
    expected = (
        'a number (such as "90%" or 35), "data" (per year from the data), '
        + ", ".join(f'"{i}"' for i in ids)
        + (", " if ids else "")
        + 'or "none"'
    )
    if raw == "none":
        return Target("none")
    if raw == "data":
        return Target("data")
    if isinstance(raw, str) and raw in ids:
        return Target("comparator", comparator=raw)
    try:
        value = parse_value(raw, unit, percent_input)
    except ValueError as error:
        reader.problem("target", raw, f"{expected}; as a number: {error}")
        return Target("none")
    if isinstance(value, Missing):
        reader.problem("target", raw, expected)
        return Target("none")
    return Target("fixed", value=value)


def _tolerance(reader: _Reader, field: str, default: str | None, unit: Unit) -> Tolerance | None:
    raw = reader.raw.get(field, default)
    if raw is None:
        return None
    text = str(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else raw
    match = _TOLERANCE_RE.match(text) if isinstance(text, str) else None
    if match and float(match[1]) > NUMBER_LIMIT:
        match = None  # (a number of hundreds of digits)
    expected = (
        '"5%" (within 5% of the target), "2pp" (within 2 percentage points, percent '
        "measures), a number in the measure's unit, or 0 for no amber band"
    )
    if not match:
        reader.problem(field, raw, expected)
        return None
    amount, suffix = float(match[1]), match[2]
    if suffix == "%":
        return Tolerance("relative", amount / 100)
    if suffix == "pp":
        if unit.name != "percent":
            reader.problem(field, raw, f'"5%" or a number of {unit.label}: "pp" is for percent measures')
        return Tolerance("absolute", amount / 100)
    if amount == 0:
        return Tolerance("none", 0.0)
    if unit.name == "percent":
        reader.problem(
            field,
            raw,
            f'"{match[1]}pp" for percentage points or "{match[1]}%" for relative to the target',
        )
        return None
    return Tolerance("absolute", amount)
