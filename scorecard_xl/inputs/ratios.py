"""Ratio measures' figures, worked out from their counts (a definition's `ratio`: docs/formats.md).

A period's value is numerator / denominator (1 - that with `complement`) when both counts have a
number then. A denominator of 0 gives no value: the token `z`, not applicable (a percentage of no
cases), which the key explains. A token in either count gives that token (the numerator's first),
so a suppressed count's `c` shows as `c`; a period where one count has no record has no value.

The year to date at a month is the ratio of the year's sums: the sum of the numerator over the
reporting year's months up to it, over the sum of the denominator, counting only the months where
both have a number (never a mean of monthly percentages). No such month: no YTD.

These are worked out when the data is read (data.build_dataset), so the model, the publication
profile (a ratio's `derived_from` is its counts) and the published shorthand treat them as any
figure; the Data table keeps only the counts, so a refresh works them out again.
"""

from __future__ import annotations

from collections.abc import Mapping

from scorecard_xl.inputs.definition import Measure, Ratio
from scorecard_xl.inputs.periods import Month, Period, ReportingYear
from scorecard_xl.inputs.values import Missing, Value

NO_CASES = Missing("z")  # the denominator is 0: not applicable


def ratio_of(ratio: Ratio, numerator: float, denominator: float) -> Value:
    """numerator / denominator, or 1 - that; NO_CASES for a denominator of 0."""
    if denominator == 0:
        return NO_CASES
    share = numerator / denominator
    return 1 - share if ratio.complement else share


def ratio_values(
    ratio: Ratio, numerators: Mapping[Period, Value], denominators: Mapping[Period, Value]
) -> dict[Period, Value]:
    """The ratio for every period either count has a record for, where it has a value."""
    found: dict[Period, Value] = {}
    for period in sorted(set(numerators) | set(denominators)):
        n, d = numerators.get(period), denominators.get(period)
        token = n if isinstance(n, Missing) else d
        if isinstance(n, float) and isinstance(d, float):
            found[period] = ratio_of(ratio, n, d)
        elif isinstance(token, Missing):
            found[period] = token
    return found


def ratio_ytd(
    measure: Measure,
    numerators: Mapping[Period, Value],
    denominators: Mapping[Period, Value],
    year_start_month: int,
) -> dict[Month, Value]:
    """The ratio of the year's sums at every month either count has a record for, counting the
    months of the reporting year so far where both counts have a number."""
    assert measure.ratio is not None
    found: dict[Month, Value] = {}
    months = sorted(p for p in set(numerators) | set(denominators) if isinstance(p, Month))
    for month in months:
        n_sum = d_sum = 0.0
        counted = False
        for earlier in ReportingYear.of(month, year_start_month).months_to(month):
            n, d = numerators.get(earlier), denominators.get(earlier)
            if measure.reports_in(earlier.month) and isinstance(n, float) and isinstance(d, float):
                n_sum, d_sum, counted = n_sum + n, d_sum + d, True
        if counted:
            found[month] = ratio_of(measure.ratio, n_sum, d_sum)
    return found
