"""Data sources: each reader turns its input into the same tidy records.

A record is one value of one measure's series for one period, still as text or a raw number;
`scorecard_xl.inputs.data` validates records against a definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from scorecard_xl.inputs.values import PERCENT_PASTED, PERCENT_STORED


class RawRecord(NamedTuple):
    """One tidy value as found in a source, before validation. (A named tuple: a large scorecard
    reads hundreds of thousands, and a tuple is made and held at a fraction of a dataclass's cost.)"""

    source: str  # file or table name, for messages
    row: int | str  # 1-based row in a file (the header is row 1); a DataFrame's index label
    measure: str
    series: str
    period: str
    value: object  # text, a number, or None for an empty cell
    # A number as Excel stores it (a workbook's own Data table): percentages are fractions whatever
    # the definition's percent_input says about text files.
    fraction_percent: bool = False
    pasted: bool = False  # pasted under a workbook's Data table since it was written

    def percent_input(self, defined: str) -> str:
        """How this record's bare number for a percentage is read, the definition saying `defined`."""
        if self.fraction_percent:
            return PERCENT_STORED
        return PERCENT_PASTED if self.pasted and defined == "fraction" else defined


@dataclass(frozen=True)
class SourceInfo:
    """Where data came from, recorded in the workbook (cover and refresh record)."""

    kind: str  # "csv", "xlsx", "sql", "dfe"
    location: str  # path or connection name as the user gave it
    sha256: str  # of the content read, so a reader can tell which data built the workbook
