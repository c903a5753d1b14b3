"""Each measure's statistical process control chart (Making Data Count): its values over every
period of the data up to the one shown (not only the months the scorecard shows), read by
scorecard_xl.spc.xmr with the definition's settings. Pure, like the model that calls it.

A measure's points run from its first reported value to the period shown, in the periods it
reports in (a quarterly measure's quarters, not its empty months); a period without a value, or
with a token such as n/a, is a gap. Its improvement direction is its polarity, and its target (a
number for the year shown) gives the assurance icon.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorecard_xl.inputs.data import MeasureData
from scorecard_xl.inputs.definition import Measure
from scorecard_xl.inputs.periods import Month, Period
from scorecard_xl.inputs.values import Value
from scorecard_xl.spc import XmR, xmr

IMPROVEMENT = {"high": "up", "low": "down", "none": "neither"}  # polarity -> xmr's improvement
HISTORY_LIMIT = 240  # periods charted at most (20 years of months): older ones are not read


@dataclass(frozen=True)
class MeasureSpc:
    """A measure's chart: one point per period, oldest first."""

    periods: tuple[Period, ...]
    chart: XmR


def measure_spc(
    measure: Measure, data: MeasureData, period: Period, target: Value | None
) -> MeasureSpc | None:
    """The measure's chart up to `period`, or None when it shows no SPC or has no value yet."""
    settings = measure.spc
    if settings is None:
        return None
    periods = chart_periods(measure, data, period)
    if not periods:
        return None
    values = [_number(data.actual.get(p)) for p in periods]
    isos = [p.iso for p in periods]
    # A baseline or recalculation the data does not reach yet is left out until it does.
    baseline = settings.baseline if settings.baseline and settings.baseline < len(values) else None
    recalculate = [i for i, iso in enumerate(isos) if iso in settings.recalculate and i > (baseline or 0)]
    chart = xmr(
        values,
        improvement=IMPROVEMENT[measure.polarity],  # type: ignore[arg-type]
        target=target if isinstance(target, float) and measure.polarity != "none" else None,
        shift=settings.shift,
        trend=settings.trend,
        minimum_points=settings.minimum_points,
        two_of_three_beyond_limits=settings.two_of_three == "beyond limits",
        conflict=settings.conflict,  # type: ignore[arg-type]
        outliers=settings.outliers,  # type: ignore[arg-type]
        target_on_limit=settings.target_on_limit,  # type: ignore[arg-type]
        baseline=baseline,
        recalculate_at=recalculate,
        ghosts=[i for i, iso in enumerate(isos) if iso in settings.ghosts],
    )
    return MeasureSpc(tuple(periods), chart)


def chart_periods(measure: Measure, data: MeasureData, period: Period) -> list[Period]:
    """The periods the measure reports in, from its first value to `period`."""
    # (one kind of period per dataset: months, or reporting years; their iso text sorts as they do)
    first = min(
        (p.iso for p, v in data.actual.items() if _number(v) is not None and p.iso <= period.iso),
        default=None,
    )
    if first is None:
        return []
    found: list[Period] = []
    current = period
    while current.iso >= first and len(found) < HISTORY_LIMIT:
        if not isinstance(current, Month) or measure.reports_in(current.month):
            found.append(current)
        current = current.shift(-1)
    return list(reversed(found))


def _number(value: Value | None) -> float | None:
    return value if isinstance(value, float) else None
