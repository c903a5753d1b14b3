"""Which month is "Latest": the latest month complete enough to show, and what to say about a
month most measures have no value for.

Three April rows pasted into a 93-measure scorecard once made April the latest month: "0 red, 0
amber, 0 green, 93 not judged". So a month counts as complete when at least half of the measures
that report every period (monthly measures; every measure of an annual scorecard), among those
that had a value in the last complete month before it, have a value in it too. The earliest month
with data is complete (there is nothing to compare it with), and the months are walked forward
from there, so two partial months in a row are both partial. A value is anything the data gives
other than an empty cell: a token such as n/a is the source saying something, so it counts.
Quarterly and termly measures, and ratio measures (worked out from their counts), are not counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scorecard_xl.inputs.periods import Period
from scorecard_xl.inputs.values import Missing

if TYPE_CHECKING:
    from scorecard_xl.inputs.data import Dataset
    from scorecard_xl.inputs.definition import Definition

IDS_LISTED = 100  # measure ids named in one warning (a board scorecard has fewer); the rest are counted


@dataclass(frozen=True)
class PeriodCompleteness:
    """How complete one period of the data is, against the last complete period before it."""

    period: Period
    reference: Period | None  # the last complete period before it; None for the first
    expected: tuple[str, ...]  # measures with a value in the reference period
    missing: tuple[str, ...]  # of those, the ones with no value in this period

    @property
    def complete(self) -> bool:
        return 2 * (len(self.expected) - len(self.missing)) >= len(self.expected)


def completeness(definition: Definition, dataset: Dataset) -> list[PeriodCompleteness]:
    """Every period with data, oldest first, judged against the last complete one before it."""
    every = [m.id for m in definition.measures if not m.reporting_months and m.ratio is None]
    found: list[PeriodCompleteness] = []
    reference: Period | None = None
    expected: tuple[str, ...] = ()
    for period in dataset.periods():
        having = {m for m in every if _has_value(dataset, m, period)}
        missing = tuple(m for m in expected if m not in having)
        judged = PeriodCompleteness(period, reference, expected, missing)
        found.append(judged)
        if judged.complete:
            reference, expected = period, tuple(m for m in every if m in having)
    return found


def latest_complete(judged: Sequence[PeriodCompleteness]) -> Period | None:
    """The latest period complete enough to show (None when the data has no values)."""
    return next((p.period for p in reversed(judged) if p.complete), None)


def completeness_warnings(judged: Sequence[PeriodCompleteness], shown: Period, picked: bool) -> list[str]:
    """What to say about the period `shown`: when it was `picked` (asked for, not Latest) and most
    measures have no value in it, which ones; when it is Latest and a later period was passed over
    as incomplete, which measures the latest of them lacks."""
    if picked:
        return [_lacking(p) for p in judged if p.period == shown and not p.complete]
    at = next((i for i, p in enumerate(judged) if p.period == shown), len(judged))
    later = judged[at + 1 :]
    return [
        f"Latest shows {shown.long_label}, not {p.period.long_label}: {_lacking(p)}; "
        f"{p.period.long_label} becomes Latest once at least half of them have a value (pick it "
        "on the Cover, or with --period, to show it now)"
        for p in later[-1:]
    ]


def _lacking(judged: PeriodCompleteness) -> str:
    reference = judged.reference.long_label if judged.reference else "the period before"
    return (
        f"{judged.period.long_label} has no value for {len(judged.missing):,} of the "
        f"{len(judged.expected):,} measures that reported in {reference}: {_listed(judged.missing)}"
    )


def _listed(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:IDS_LISTED])
    return shown + (f" and {len(ids) - IDS_LISTED:,} more" if len(ids) > IDS_LISTED else "")


def _has_value(dataset: Dataset, measure_id: str, period: Period) -> bool:
    value = dataset.of(measure_id).actual.get(period)
    return value is not None and (type(value) is not Missing or bool(value.token))
