"""Reading a definition's statistical process control settings: `spc` in [scorecard] (true, or a
table of settings) and in a measure (false to leave it out, or a table overriding the scorecard's
settings and giving its own baseline, recalculation periods and ghosted periods). The settings are
scorecard_xl.spc.xmr's; docs/formats.md lists them.

    [scorecard.spc]          # or, in [scorecard]: spc = true
    shift = 6                # 6 to 8 (NHSRplotthedots: 7)
    trend = 6
    [[measures]]
    ...
    spc = { baseline = 12, recalculate = ["2018-04"], ghosts = ["2020-04"] }
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from scorecard_xl.inputs.definition import SpcSettings
from scorecard_xl.inputs.periods import parse_period, period_format
from scorecard_xl.inputs.tomlfile import TableReader

TWO_OF_THREE = ("beyond limits", "between")
CONFLICTS = ("concern", "improvement")
OUTLIERS = ("keep", "screen", "exclude")
TARGET_ON_LIMIT = ("pass or fail", "hit and miss")
SCORECARD_FIELDS = (
    "chart_periods",
    "shift",
    "trend",
    "minimum_points",
    "two_of_three",
    "conflict",
    "outliers",
    "target_on_limit",
)
MEASURE_FIELDS = (*SCORECARD_FIELDS[1:], "baseline", "recalculate", "ghosts")  # (one window for all)


def scorecard_spc(head: TableReader) -> SpcSettings | None:
    """[scorecard]'s `spc`: None (not shown), true (MDC's settings) or a table of settings."""
    raw = head.raw.get("spc")
    if raw is None or raw is False:
        return None
    if raw is True:
        return SpcSettings()
    if not isinstance(raw, Mapping):
        head.problem("spc", raw, "true, false, or a table of SPC settings ([scorecard.spc])")
        return None
    reader = TableReader(raw, head.source, "[scorecard.spc]", head.problems, SCORECARD_FIELDS)
    return _settings(reader, SpcSettings(), yearly=False, year_start_month=4)


def measure_spc(
    reader: TableReader, scorecard: SpcSettings | None, yearly: bool, year_start_month: int
) -> SpcSettings | None:
    """A measure's `spc`: the scorecard's settings (the default), false to leave it out, or a table
    of its own settings and periods. A measure of a scorecard without SPC has none."""
    raw = reader.raw.get("spc")
    if raw is None or raw is True:
        return scorecard
    if raw is False:
        return None
    if not isinstance(raw, Mapping):
        reader.problem("spc", raw, "true, false, or a table such as { baseline = 12 }")
        return scorecard
    if scorecard is None:
        reader.problem("spc", "{...}", "nothing: the scorecard shows no SPC (set spc = true in [scorecard])")
        return None
    table = TableReader(raw, reader.source, f"{reader.where}, spc", reader.problems, MEASURE_FIELDS)
    return _settings(table, scorecard, yearly, year_start_month)


def _settings(reader: TableReader, base: SpcSettings, yearly: bool, year_start_month: int) -> SpcSettings:
    raw = reader.raw
    changes: dict[str, Any] = {}
    for name in ("shift", "trend"):
        if name in raw:
            changes[name] = reader.integer(name, None, 6, 8)
    if "chart_periods" in raw:
        changes["chart_periods"] = reader.integer("chart_periods", None, 12, 120)
    if "minimum_points" in raw:
        changes["minimum_points"] = reader.integer("minimum_points", None, 2, 1000)
    for name, choices in (
        ("two_of_three", TWO_OF_THREE),
        ("conflict", CONFLICTS),
        ("outliers", OUTLIERS),
        ("target_on_limit", TARGET_ON_LIMIT),
    ):
        if name in raw:
            changes[name] = reader.choice(name, choices)
    if "baseline" in raw:
        changes["baseline"] = reader.integer("baseline", None, 2, 1000)
    for name in ("recalculate", "ghosts"):
        if name in raw:
            changes[name] = _periods(reader, name, yearly, year_start_month)
    return dataclasses.replace(base, **changes)


def _periods(reader: TableReader, name: str, yearly: bool, year_start_month: int) -> tuple[str, ...]:
    raw = reader.raw.get(name)
    expected = f"a list of periods, each {period_format(yearly, year_start_month)}"
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        reader.problem(name, raw, expected)
        return ()
    found = []
    for text in raw:
        try:
            found.append(parse_period(text, yearly, year_start_month).iso)
        except ValueError:
            reader.problem(name, text, expected)
    return tuple(found)
