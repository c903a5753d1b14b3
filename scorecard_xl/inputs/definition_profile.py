"""A measure's `target_profile` in a definition: how a cumulative measure's year's target is shared
over the reporting year (docs/formats.md). One weight per reporting period (12 for a monthly
measure, one per quarter or term otherwise), in the reporting year's order from its first month;
the year-to-date target is the year's target times the weights so far over all of them. Weights
are relative: a percentage per month, working days, or last year's monthly figures all work."""

from __future__ import annotations

import math

from scorecard_xl.inputs.tomlfile import TableReader
from scorecard_xl.inputs.values import NUMBER_LIMIT

PROFILE_FIELD = "target_profile"


def target_profile(
    reader: TableReader, ytd: str, target_kind: str, periods: int, yearly: bool
) -> tuple[float, ...]:
    """The measure's profile (empty when it has none), checked: only for a cumulative measure
    (ytd = "sum") with a year's target (a number or "data"), `periods` weights, none negative and
    not all zero."""
    raw = reader.raw.get(PROFILE_FIELD)
    if raw is None:
        return ()
    if yearly or ytd != "sum" or target_kind not in ("fixed", "data"):
        reader.problem(
            PROFILE_FIELD,
            raw,
            "nothing here: a profile shares a year's target over the year, so it is for a cumulative "
            'measure (ytd = "sum") with a target that is a number or "data", in a monthly scorecard',
        )
        return ()
    expected = (
        f"a list of {periods} weights, one per reporting period in the reporting year's order from "
        "its first month, none negative and not all 0 (such as the share of the year in each)"
    )
    if not isinstance(raw, list) or len(raw) != periods or not all(_weight(w) for w in raw):
        reader.problem(PROFILE_FIELD, raw, expected)
        return ()
    weights = tuple(float(w) for w in raw)
    if not sum(weights) > 0:
        reader.problem(PROFILE_FIELD, raw, expected)
        return ()
    return weights


def _weight(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) and 0 <= value <= NUMBER_LIMIT
