"""A measure's `ratio` in a definition: a percentage (or an average) worked out from two counts of
the same definition (docs/formats.md). Checked both ways with `ytd = "ratio"`, the only YTD rule a
ratio measure may have and one only a ratio measure may have.

    ratio = { numerator = "AEBREACH", denominator = "AEATT", complement = true }   # 1 - n / d
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from scorecard_xl.errors import ProblemList
from scorecard_xl.inputs.definition import Measure, Ratio
from scorecard_xl.inputs.tomlfile import TableReader
from scorecard_xl.inputs.units import Unit

RATIO_FIELD = "ratio"
RATIO_YTD = "ratio"
# A year's ratio is the ratio of its sums: right for a percentage of cases and for an average (days
# over children), wrong for a rate per 10,000 children, whose denominator is a population.
RATIO_UNITS = ("percent", "average")
_KEYS = ("numerator", "denominator", "complement")
_SHAPE = (
    'a table such as { numerator = "AEBREACH", denominator = "AEATT" }: the ids of two count '
    "measures of this definition, and complement = true for 1 - numerator / denominator"
)


def measure_ratio(reader: TableReader, unit: Unit, ytd: str) -> Ratio | None:
    """The measure's ratio (None when it has none), checked on its own: the other measures it
    names are checked once every measure is read (check_ratios)."""
    raw = reader.raw.get(RATIO_FIELD)
    if raw is None:
        if ytd == RATIO_YTD:
            reader.problem(
                "ytd",
                ytd,
                f'a rule for a measure with data of its own (ytd = "ratio" needs {RATIO_FIELD} = '
                '{ numerator = "...", denominator = "..." } beside it: the ratio of the year\'s sums)',
            )
        return None
    if (
        not isinstance(raw, Mapping)
        or set(raw) - set(_KEYS)
        or not all(isinstance(raw.get(k), str) and raw.get(k) for k in _KEYS[:2])
        or not isinstance(raw.get("complement", False), bool)
    ):
        reader.problem(RATIO_FIELD, raw, _SHAPE)
        return None
    ratio = Ratio(raw["numerator"], raw["denominator"], raw.get("complement", False))
    if unit.name not in RATIO_UNITS:
        reader.problem(
            "unit",
            unit.name,
            f"percent or average for a ratio measure (the year's figure is the ratio of the year's "
            f"sums, which a {unit.label} is not)",
        )
    elif ratio.complement and unit.name != "percent":
        reader.problem(RATIO_FIELD, raw, "complement = true only for a percent measure (1 - a share)")
    if ytd != RATIO_YTD:
        reader.problem(
            "ytd", ytd, '"ratio" for a ratio measure: its year to date is the ratio of the year\'s sums'
        )
    return ratio


def check_ratios(measures: Sequence[Measure], source: str, problems: ProblemList) -> None:
    """Each ratio's numerator and denominator are two different count measures of the definition
    (in any section, before or after it) that report when it does."""
    by_id = {m.id: m for m in measures}
    for measure in measures:
        ratio = measure.ratio
        if ratio is None:
            continue
        for role, other_id in (("numerator", ratio.numerator), ("denominator", ratio.denominator)):
            other = by_id.get(other_id)
            wrong = ""
            if other is None or other is measure:
                wrong = "the id of another measure in this definition, a count"
            elif other.unit.name != "count":
                wrong = f"a count measure: {other_id} is a {other.unit.label} measure"
            elif other.reporting_months != measure.reporting_months:
                wrong = (
                    f"a count reporting when {measure.id} does ({measure.frequency}): {other_id} is "
                    f"{other.frequency}"
                )
            if wrong:
                problems.add(source, f"measure {measure.id}", f"{RATIO_FIELD}.{role}", other_id, wrong)
        if ratio.numerator == ratio.denominator:
            problems.add(
                source,
                f"measure {measure.id}",
                f"{RATIO_FIELD}.denominator",
                ratio.denominator,
                "a count other than the numerator",
            )
