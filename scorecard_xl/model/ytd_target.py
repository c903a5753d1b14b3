"""The target a cumulative measure is judged against: the year's target shared over the year.

In May, a falls measure had 14 so far against an annual target of 50 and showed Green, while on
course to miss: a year-to-date sum (ytd = "sum") was judged against the full year's target. A
cumulative measure whose target is for the year (a number, or "data") is judged on its YTD
against its **year-to-date target**, worked out in the first of these ways that applies:

1. monthly targets in the data (series `target`, period `YYYY-MM`): their sum over the reporting
   periods so far (one missing: no target; one a token such as tbc: that token);
2. the definition's `target_profile`: the year's target times the profile's weights so far over
   all its weights;
3. pro rata: the year's target times the reporting periods so far over those in the year (months
   elapsed / 12 for a monthly measure; quarters or terms for quarterly and termly ones).

In a scorecard judged on the latest month (headline = "latest"), the same measure is judged on its
latest period against that period's share of the year instead (its monthly target, its weight, or
1/12). Every other measure is judged against the year's target as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorecard_xl.inputs.definition import Definition, Measure
from scorecard_xl.inputs.periods import Month, ReportingYear
from scorecard_xl.inputs.values import Missing, Value

YEAR, TO_DATE, PERIOD = "year", "to date", "period"  # what a measure's target is for
PRO_RATA, PROFILE, MONTHLY = "pro rata", "profile", "monthly targets"  # how it is worked out
PERIOD_NAMES = {"monthly": "month", "quarterly": "quarter", "termly": "term", "annual": "year"}


@dataclass(frozen=True)
class JudgedTarget:
    """The target a measure's judged figure is compared with, and how it was worked out."""

    value: Value | None
    scope: str = YEAR  # YEAR, TO_DATE or PERIOD
    basis: str = ""  # PRO_RATA, PROFILE or MONTHLY; "" for the year's target as it is


def target_scope(definition: Definition, measure: Measure) -> str:
    """What `measure`'s target is for: its year to date (a cumulative measure with a year's target,
    judged on its YTD), its latest period (the same, judged on the latest month), or the year."""
    if definition.yearly or measure.ytd != "sum" or measure.target.kind not in ("fixed", "data"):
        return YEAR
    return TO_DATE if definition.headline == "ytd" else PERIOD


def marker(scope: str, measure: Measure) -> str:
    """The word beside a target that is not the year's: "YTD", or "in month" (quarter, term)."""
    if scope == TO_DATE:
        return "YTD"
    if scope == PERIOD:
        return f"in {PERIOD_NAMES[measure.frequency]}"
    return ""


def judged_target(
    measure: Measure,
    monthly_targets: dict[Month, Value],
    year_target: Value | None,
    scope: str,
    year: ReportingYear,
    upto: Month,
) -> JudgedTarget:
    """The target for `measure`'s judged figure: the year's target for a YEAR scope, else its
    share for the periods of `year` up to `upto` (TO_DATE) or for `upto` alone (PERIOD)."""
    if scope == YEAR:
        return JudgedTarget(year_target)
    periods = [m for m in year.months_to(year.last_month) if measure.reports_in(m.month)]
    chosen = [m for m in periods if (m <= upto if scope == TO_DATE else m == upto)]
    given = {m: v for m, v in monthly_targets.items() if m in periods}
    if given:
        return JudgedTarget(_sum_of([given.get(m) for m in chosen]) if chosen else None, scope, MONTHLY)
    basis = PROFILE if measure.target_profile else PRO_RATA
    if not isinstance(year_target, float) or not chosen:
        return JudgedTarget(year_target if chosen else None, scope, basis)  # a token, as written
    if chosen == periods:
        return JudgedTarget(year_target, scope, basis)  # the whole year: exactly the year's target
    weights = measure.target_profile or (1.0,) * len(periods)
    part = sum(w for m, w in zip(periods, weights, strict=True) if m in chosen)
    return JudgedTarget(year_target * part / sum(weights), scope, basis)


def _sum_of(values: list[Value | None]) -> Value | None:
    """Monthly targets added up: none if one is missing, the first token if one is a token."""
    if any(v is None for v in values):
        return None
    token = next((v for v in values if isinstance(v, Missing)), None)
    if token is not None:
        return token
    return sum((v for v in values if isinstance(v, float)), 0.0)


def basis_words(measure: Measure, target: JudgedTarget) -> str:
    """How the target shown was worked out, for the Definitions sheet: "" for the year's own."""
    if target.scope == YEAR:
        return ""
    name = PERIOD_NAMES[measure.frequency]
    names = f"{name}s" if target.scope == TO_DATE else name
    if target.basis == MONTHLY:
        what = "the sum of the month's targets so far" if target.scope == TO_DATE else "the month's target"
        return f"judged {_on(target.scope, name)} against {what} (targets by month in the data)"
    if target.basis == PROFILE:
        weights = ", ".join(f"{w:g}" for w in measure.target_profile)
        return f"judged {_on(target.scope, name)} against the year's target shared by its profile ({weights})"
    count = len(measure.reporting_months) or 12
    share = f"{names} elapsed / {count}" if target.scope == TO_DATE else f"1/{count}"
    return f"judged {_on(target.scope, name)} against the year's target pro rata (× {share})"


def _on(scope: str, name: str) -> str:
    return "year to date" if scope == TO_DATE else f"on the latest {name}"
