"""The units a measure can be counted in, with their defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """What a measure counts, and how its values are read and shown."""

    name: str  # as written in a definition
    label: str  # as written for a reader
    default_decimals: int
    whole_numbers: bool = False  # counts cannot be fractional


UNITS: dict[str, Unit] = {
    unit.name: unit
    for unit in (
        Unit("count", "count", 0, whole_numbers=True),
        Unit("percent", "percentage", 1),
        Unit("rate_per_10k", "rate per 10,000 children", 1),
        Unit("days", "days", 0),
        Unit("weeks", "weeks", 1),
        Unit("average", "average", 1),
    )
}
UNIT_NAMES = ", ".join(UNITS)
