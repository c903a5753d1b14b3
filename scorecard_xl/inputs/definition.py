"""The scorecard definition: what a scorecard shows and how each measure is judged, as frozen
values. Read from TOML or YAML and checked by definition_reader (docs/formats.md). Nothing here
knows about Excel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from scorecard_xl.inputs.units import Unit

Polarity = Literal["high", "low", "none"]  # which way is better: higher, lower, or neither


@dataclass(frozen=True)
class Tolerance:
    """How far from target still counts as amber rather than red."""

    kind: str  # "relative" (fraction of the target), "absolute" (in stored units), "none"
    amount: float

    def band(self, target: float) -> float:
        if self.kind == "relative":
            return abs(target) * self.amount
        return self.amount if self.kind == "absolute" else 0.0

    def describe(self, unit: Unit | None = None) -> str:
        if self.kind == "relative":
            return f"within {self.amount * 100:g}% of target"
        if self.kind == "absolute" and unit is not None and unit.name == "percent":
            points = self.amount * 100
            return f"within {points:g} percentage point{'s' if points != 1 else ''} of target"
        if self.kind == "absolute":
            return f"within {self.amount:g} of target"
        return "no amber band"


@dataclass(frozen=True)
class Target:
    """What a measure is judged against: nothing, a number, the year's data, or a comparator."""

    kind: str  # "none", "fixed", "data", "comparator"
    value: float | None = None
    comparator: str | None = None

    @property
    def judged(self) -> bool:
        return self.kind != "none"


@dataclass(frozen=True)
class Comparator:
    """A comparator column: statistical neighbours, England, or an aggregate of them."""

    id: str
    label: str
    name: str
    method: str | None = None  # "mean" or "median" for aggregate comparators

    @property
    def description(self) -> str:
        return f"{self.name} ({self.method})" if self.method else self.name


@dataclass(frozen=True)
class Benchmark:
    """A text column from the data, such as a quartile band or a rank among all authorities."""

    id: str
    label: str
    name: str  # words for the key: how it is worked out
    kind: str  # "quartile" (A-D, coloured A best) or "text"


@dataclass(frozen=True)
class SpcSettings:
    """How a measure's statistical process control chart is read: scorecard_xl.spc.xmr's settings,
    NHS England's Making Data Count (SPC Charts SQL v2.6) by default; a measure's improvement
    direction is its polarity (high: up, low: down, none: neither)."""

    shift: int = 6  # points one side of the mean that make a shift (6 to 8)
    trend: int = 6  # points rising or falling that make a trend, ends included (6 to 8)
    minimum_points: int = 13  # points a chart needs for limits and icons
    two_of_three: str = "beyond limits"  # two of three beyond two sigma counts points past the limits
    conflict: str = "concern"  # which colour a point both improving and concerning shows
    outliers: str = "keep"  # moving-range outliers: "keep" (MDC), "screen" (NHSRplotthedots)
    target_on_limit: str = "pass or fail"  # a target exactly on a limit, or "hit and miss"
    baseline: int | None = None  # the first N points fix the limits
    recalculate: tuple[str, ...] = ()  # periods (YYYY-MM) from which the limits are worked out again
    ghosts: tuple[str, ...] = ()  # periods shown but left out of every calculation
    chart_periods: int = 24  # the latest periods each chart shows (the SPC sheet's fixed window)


@dataclass(frozen=True)
class Ratio:
    """A measure worked out from two counts of the definition each period: numerator /
    denominator, or 1 - that (`complement`); its YTD is the ratio of the year's sums (ratios.py)."""

    numerator: str
    denominator: str
    complement: bool = False

    def describe(self) -> str:
        """The ratio in words: "1 − AEBREACH ÷ AEATT"."""
        return f"{'1 − ' if self.complement else ''}{self.numerator} ÷ {self.denominator}"


@dataclass(frozen=True)
class DataNote:
    """What a reader of the figures should know of them that the figures cannot say: a correction
    made to the source, a change of method. Listed in the pack and the published copy's notes."""

    text: str
    measures: tuple[str, ...] = ()  # the measures it is about; empty: the whole scorecard


@dataclass(frozen=True)
class Release:
    """What a published copy says of itself on its Cover, as the Analysis Function's guidance on
    releasing statistics asks: where the figures come from, whom to ask, when the next ones come.
    Empty fields are left out."""

    source: str = ""
    contact: str = ""  # a team or a person's role
    email: str = ""  # shown as a mailto: link
    next_release: str = ""  # a date, or words such as "June 2023 (the May figures)"

    @property
    def whom_to_ask(self) -> str:
        """The contact and the address in words: "Performance team, performance@example.gov.uk"."""
        return ", ".join(part for part in (self.contact, self.email) if part)


@dataclass(frozen=True)
class Section:
    """A group of measures, shown on a sheet of its own."""

    id: str
    title: str
    sheet: str | None  # the section's sheet name if set (else made from the title)


@dataclass(frozen=True)
class Measure:
    """One measure of the definition: what it is, how it is judged and when it reports."""

    id: str
    section: str
    title: str
    unit: Unit
    decimals: int
    polarity: Polarity
    frequency: str
    reporting_months: tuple[int, ...]  # empty for monthly measures: every month reports
    ytd: str
    target: Target
    tolerance: Tolerance
    definition: str
    derived_from: tuple[str, ...] = ()  # counts this rate or percentage is worked out from
    total_of: tuple[str, ...] = ()  # counts this count is the sum of
    spc: SpcSettings | None = None  # its SPC chart and icons; None: not shown for it
    # How a cumulative measure's year's target is shared over the year: one weight per reporting
    # period, in the reporting year's order; empty: pro rata (ytd_target).
    target_profile: tuple[float, ...] = ()
    ratio: Ratio | None = None  # worked out from two counts: no data of its own for actual and ytd

    def reports_in(self, month: int) -> bool:
        return not self.reporting_months or month in self.reporting_months


@dataclass(frozen=True)
class Definition:
    """A scorecard definition as read from its TOML file, checked."""

    id: str
    version: str
    title: str
    organisation: str
    marking: str
    year_start_month: int
    yearly: bool  # True for an annual scorecard: its columns are reporting years, not months
    periods_shown: int  # months (or years) in the window ending at the chosen period
    headline: str
    outturn_years: int
    percent_input: str
    default_tolerance: Tolerance
    sparkline: str
    paper: str
    comparators: tuple[Comparator, ...]
    benchmarks: tuple[Benchmark, ...]
    sections: tuple[Section, ...]
    measures: tuple[Measure, ...]  # grouped by section, in section order
    source: str  # the file it was loaded from, for messages and the cover
    sha256: str  # of the file's bytes, recorded in every workbook
    spc: SpcSettings | None = None  # SPC for the scorecard's measures (each may opt out); None: none
    release: Release = Release()  # what a published copy's Cover says of it
    notes: tuple[DataNote, ...] = ()  # notes on the data, in the pack and the published copy
    # The file's text (newlines as \n) and its name: every workbook carries them on its Setup
    # sheet, so it can be refreshed with no definition file at hand.
    text: str = field(default="", compare=False, repr=False)
    file_name: str = field(default="", compare=False)

    def measure(self, measure_id: str) -> Measure:
        return self._measures_by_id()[measure_id]

    def has_measure(self, measure_id: str) -> bool:
        return measure_id in self._measures_by_id()

    def measures_in(self, section_id: str) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if m.section == section_id)

    def comparator(self, comparator_id: str) -> Comparator | None:
        return next((c for c in self.comparators if c.id == comparator_id), None)

    def _measures_by_id(self) -> dict[str, Measure]:
        cached: dict[str, Measure] | None = self.__dict__.get("_by_id")
        if cached is None:
            cached = {m.id: m for m in self.measures}
            object.__setattr__(self, "_by_id", cached)
        return cached
