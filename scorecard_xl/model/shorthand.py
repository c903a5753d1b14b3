"""The Government Statistical Service's shorthand for figures that are not there, in square
brackets, as the Analysis Function's "Releasing statistics in spreadsheets" asks of published
tables: [c] for a suppressed figure, [x] not available, [z] not applicable, [u] low reliability,
[low] rounds to zero. A published workbook shows these instead of the tokens data arrives with
(n/a, -, tbc, c, ...), and explains each on its Cover.
"""

from __future__ import annotations

from scorecard_xl.inputs.data import Dataset, MeasureData
from scorecard_xl.inputs.values import Missing, Value

# The data's tokens (values.MISSING_TOKENS) and the shorthand each is published as.
SHORTHAND = {
    "c": "[c]",
    "x": "[x]",
    "z": "[z]",
    "u": "[u]",
    "low": "[low]",
    "n/a": "[x]",  # not available
    "-": "[x]",  # not reported
    "tbc": "[x]",  # to be confirmed: not available yet
    "tb": "[x]",
}
MEANINGS = {
    "[c]": "Confidential: suppressed, a small count or a figure that would let one be worked out",
    "[x]": "Not available (not reported, or to be confirmed)",
    "[z]": "Not applicable (the measure does not report that period, or has no target)",
    "[u]": "Low reliability",
    "[low]": "Rounds to zero, but is not zero",
}


def shorthand(value: Value) -> Value:
    """`value` with a missing-value token as its shorthand; numbers, blanks and shorthand as they
    are."""
    if isinstance(value, Missing) and value.token and value.token not in MEANINGS:
        return Missing(SHORTHAND.get(value.token, "[x]"))
    return value


def in_shorthand(dataset: Dataset) -> Dataset:
    """A copy of `dataset` with every token replaced by its shorthand."""

    def mapped(data: MeasureData) -> MeasureData:
        return MeasureData(
            actual={period: shorthand(value) for period, value in data.actual.items()},
            ytd={period: shorthand(value) for period, value in data.ytd.items()},
            yearly={
                series: {year: shorthand(value) for year, value in values.items()}
                for series, values in data.yearly.items()
            },
            monthly_targets={month: shorthand(value) for month, value in data.monthly_targets.items()},
            notes={
                benchmark: {period: SHORTHAND.get(text, text) for period, text in notes.items()}
                for benchmark, notes in data.notes.items()
            },  # benchmark text: a band "C" stays, a suppressed "c" becomes [c]
        )

    return Dataset({mid: mapped(data) for mid, data in dataset.by_measure.items()}, dataset.sources)
