"""Months and reporting years: parsing, arithmetic and labels.

A reporting year starts in a configurable month (April for the UK financial year) and is named by
the calendar year it starts in: the year starting April 2022 is "2022-23". Years starting in
January are named "2022".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")  # ASCII digits: "２０２３-０４" is not a month
_YEAR_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$|^([0-9]{4})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month; the unit of a monthly scorecard's columns."""

    year: int
    month: int  # 1..12

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse `YYYY-MM`; raise ValueError otherwise."""
        match = _MONTH_RE.match(text.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValueError(f"not a month YYYY-MM: {text!r}")
        return cls(int(match[1]), int(match[2]))

    def shift(self, months: int) -> Month:
        if not months:
            return self
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """Column header: 'Oct 22' (short enough for a narrow column, unambiguous across years)."""
        return f"{MONTH_ABBR[self.month - 1]} {self.year % 100:02d}"

    @property
    def long_label(self) -> str:
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"


@dataclass(frozen=True, order=True)
class ReportingYear:
    """A twelve-month reporting year starting in `start_month` of calendar year `start`."""

    start: int
    start_month: int = 4

    @classmethod
    def parse(cls, text: str, start_month: int) -> ReportingYear:
        """Parse `2022-23` (or `2022` when years start in January); raise ValueError otherwise."""
        match = _YEAR_RE.match(text.strip())
        if not match:
            raise ValueError(f"not a year: {text!r}")
        if start_month == 1:
            if not match[3]:
                raise ValueError(f"not a calendar year YYYY: {text!r}")
            return cls(int(match[3]), 1)
        if not match[1] or (int(match[1]) + 1) % 100 != int(match[2]):
            raise ValueError(f"not a reporting year YYYY-YY: {text!r}")
        return cls(int(match[1]), start_month)

    @classmethod
    def of(cls, month: Month, start_month: int) -> ReportingYear:
        start = month.year if month.month >= start_month else month.year - 1
        return cls(start, start_month)

    @property
    def label(self) -> str:
        if self.start_month == 1:
            return str(self.start)
        return f"{self.start}-{(self.start + 1) % 100:02d}"

    @property
    def short_label(self) -> str:
        """Column header in the seed's style: '21/22'."""
        if self.start_month == 1:
            return str(self.start)
        return f"{self.start % 100:02d}/{(self.start + 1) % 100:02d}"

    @property
    def first_month(self) -> Month:
        return Month(self.start, self.start_month)

    @property
    def last_month(self) -> Month:
        return self.first_month.shift(11)

    def previous(self, years: int = 1) -> ReportingYear:
        return ReportingYear(self.start - years, self.start_month)

    def shift(self, years: int) -> ReportingYear:
        return ReportingYear(self.start + years, self.start_month)

    @property
    def iso(self) -> str:
        return self.label

    @property
    def long_label(self) -> str:
        return self.label

    def months_to(self, month: Month) -> tuple[Month, ...]:
        """The months of this year from its start up to and including `month`."""
        return _months_to(self, month)


@functools.lru_cache(maxsize=1024)
def _months_to(year: ReportingYear, month: Month) -> tuple[Month, ...]:
    # Every measure's YTD asks for the same few spans: worked out once each.
    first = year.first_month
    count = (month.year - first.year) * 12 + (month.month - first.month) + 1
    return tuple(first.shift(i) for i in range(max(count, 0)))


Period = Month | ReportingYear  # a scorecard's columns are months, or years for annual scorecards


def parse_period(text: str, yearly: bool, start_month: int) -> Period:
    """A month YYYY-MM, or for an annual scorecard a reporting year; ValueError otherwise."""
    return ReportingYear.parse(text, start_month) if yearly else Month.parse(text)


def period_format(yearly: bool, start_month: int) -> str:
    """How a period is written, for messages."""
    if not yearly:
        return "a month YYYY-MM such as 2023-03"
    return "a year YYYY such as 2025" if start_month == 1 else "a reporting year YYYY-YY such as 2024-25"
