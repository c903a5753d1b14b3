"""What a trend shows, as plain data: the layout records it beside each sparkline, and drawing.trend
draws it where sparklines cannot show (imported only then: the workbook for Excel draws nothing)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrendSeries:
    """What a trend shows: a value (or None) for each period, whether the measure reports in it,
    and the target, if any."""

    values: tuple[float | None, ...]
    reported: tuple[bool, ...]
    target: float | None = None

    def __post_init__(self) -> None:
        if len(self.values) != len(self.reported):
            raise ValueError("a trend needs one 'reported' flag per value")
