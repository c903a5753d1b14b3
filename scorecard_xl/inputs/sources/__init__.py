"""Data sources: each reader turns its input into the same tidy records.

A record is one value of one measure's series for one period, still as text or a raw number;
`scorecard_xl.inputs.data` validates records against a definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from scorecard_xl.inputs.values import PERCENT_PASTED, PERCENT_STORED

FILE, TABLE, PASTED = "file", "table", "pasted"  # a RawRecord's origin


class RawRecord(NamedTuple):
    """One tidy value as found in a source, before validation. (A named tuple: a large scorecard
    reads hundreds of thousands, and a tuple is made and held at a fraction of a dataclass's cost.)"""

    source: str  # file or table name, for messages
    row: int | str  # 1-based row in a file (the header is row 1); a DataFrame's index label
    measure: str
    series: str
    period: str
    value: object  # text, a number, or None for an empty cell
    # Where a record was written: "file" (a data source), "table" (the rows a workbook's Data table
    # was written with: numbers as Excel stores them, a percentage a fraction of any size) or
    # "pasted" (rows added under that table since, copied from a data file).
    origin: str = FILE

    def percent_input(self, defined: str) -> str:
        """How this record's bare number for a percentage is read, the definition saying `defined`."""
        if self.origin == TABLE:
            return PERCENT_STORED
        return PERCENT_PASTED if self.origin == PASTED and defined == "fraction" else defined


@dataclass(frozen=True)
class SourceInfo:
    """Where data came from, recorded in the workbook (cover and refresh record)."""

    kind: str  # "csv", "xlsx", "sql", "dfe"
    location: str  # path or connection name as the user gave it
    sha256: str  # of the content read, so a reader can tell which data built the workbook
