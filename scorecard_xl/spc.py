"""Statistical process control the NHS way: XmR charts, special causes and icons (Making Data Count).

`xmr(values, improvement=..., target=...)` follows NHS England's SPC Charts SQL v2.6 (January 2024;
the copy in the reference folder is the "v2.6a" vendored by NHSDigital/fdp-react-design-system). Step
and setting names below are the SQL's. Every place where NHSRplotthedots (the NHS-R package) or the
MDC Excel tool differs is a keyword argument, named in `xmr`'s docstring.

XmR (step 4E): centre = mean of a partition's values; moving range = |x(i) - x(i-1)| within the
partition; process limits = mean ± 2.66 × mean moving range; two-sigma lines at two thirds of that.

Gaps (a `None` value: a month with no value; the SQL's NULL [Value] that is not ghosted):
- the mean leaves it out (AVG ignores NULL);
- moving ranges never span it: the gap has none, and neither has the point after it (step 4E: LAG
  of a NULL is NULL). A ghosted point, by contrast, is skipped: the moving range runs from the point
  before it to the point after it;
- it ends a shift, as a point on the mean does (step 4G: it is neither above nor below the mean);
- it ends a trend: neither the gap nor the point after it is an increase or a decrease (step 4H);
- it is one of the three points of the two-of-three rule, on neither side of the mean (step 4I);
- it never has a special cause, and the icons describe the last non-ghosted point with a value.

Pure standard library, so it runs in Pyodide; pandas is imported only by `XmR.to_frame`.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

Improvement = Literal["up", "down", "neither"]
Conflict = Literal["concern", "improvement"]
Outliers = Literal["keep", "screen", "exclude"]
TargetOnLimit = Literal["pass or fail", "hit and miss"]
CrossPartitions = Literal["trend", "all", "none"]
# A partition's mean, upper and lower limits, upper and lower two-sigma lines.
_Lines = tuple[float | None, float | None, float | None, float | None, float | None]

# The MDC colours (the MDC testing document and NHSRplotthedots' ptd_spc_colours agree).
IMPROVEMENT_BLUE = "#00B0F0"
CONCERN_ORANGE = "#E46C0A"
NEITHER_PURPLE = "#490092"
COMMON_CAUSE_GREY = "#A6A6A6"
COLOURS = {
    "grey": COMMON_CAUSE_GREY,
    "blue": IMPROVEMENT_BLUE,
    "orange": CONCERN_ORANGE,
    "purple": NEITHER_PURPLE,
}

LIMIT_FACTOR = 2.66  # step 4E: [UpperProcessLimit] = [Mean] + [MovingRangeMeanForProcessLimits] * 2.66
OUTLIER_FACTOR = 3.267  # step 4E: a moving range above [MovingRangeMean] * 3.267 is an outlier
PARTITION_WARNING_POINTS = 12  # @SettingMinimumPointsPartition: fewer gives trial limits (a warning)

RULES = ("single_point", "shift", "trend", "two_of_three")
MDC_PRECEDENCE = ("trend", "shift", "two_of_three", "single_point")  # v2.6a step 4J, #ConflictRanking
PTD_PRECEDENCE = ("single_point", "trend", "two_of_three", "shift")  # NHSRplotthedots ptd_special_cause_type

_IMPROVEMENTS = ("up", "down", "neither")
_CONFLICTS = ("concern", "improvement")
_OUTLIERS = ("keep", "screen", "exclude")
_TARGET_ON_LIMIT = ("pass or fail", "hit and miss")
_CROSS = ("trend", "all", "none")


@dataclass(frozen=True, slots=True)
class Point:
    """One input value with its chart lines and special-cause state.

    `partition` numbers the runs of points whose special-cause rules are read together: a baseline
    and each recalculation start one. `rules` names the rules the point triggers, each with "_high"
    (above the mean, increasing) or "_low". `conflict` is the SQL's [SpecialCauseConflictFlag]: the
    point triggers both improvement and concern rules and `colour` shows the winner."""

    index: int
    value: float | None
    ghost: bool
    partition: int
    mean: float | None
    upper: float | None
    lower: float | None
    upper_two_sigma: float | None
    lower_two_sigma: float | None
    moving_range: float | None  # within the partition, as [MovingRangeWithPartition]
    rules: tuple[str, ...]
    conflict: bool
    special: bool
    colour: str  # "grey", "blue", "orange" or "purple"; COLOURS gives the hex


@dataclass(frozen=True, slots=True)
class XmR:
    """An XmR chart: its points, the variation and assurance icons, and the SQL's warnings."""

    points: tuple[Point, ...]
    improvement: str
    target: float | None  # None when improvement is "neither" (step 4D drops it)
    variation: str | None
    assurance: str | None
    icon_point: int | None  # the index of the point the icons describe; None without icons
    warnings: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """The points as a pandas DataFrame, one row per point (index = point index), with the
        target and each colour's hex; missing numbers are NaN, as pandas has them."""
        import pandas as pd  # only here: the module itself must import in Pyodide without pandas

        return pd.DataFrame(
            {
                "value": [p.value for p in self.points],
                "ghost": [p.ghost for p in self.points],
                "partition": [p.partition for p in self.points],
                "mean": [p.mean for p in self.points],
                "upper": [p.upper for p in self.points],
                "lower": [p.lower for p in self.points],
                "upper_two_sigma": [p.upper_two_sigma for p in self.points],
                "lower_two_sigma": [p.lower_two_sigma for p in self.points],
                "moving_range": [p.moving_range for p in self.points],
                "target": [self.target] * len(self.points),
                "rules": [", ".join(p.rules) for p in self.points],
                "conflict": [p.conflict for p in self.points],
                "special": [p.special for p in self.points],
                "colour": [p.colour for p in self.points],
                "colour_hex": [COLOURS[p.colour] for p in self.points],
            }
        )


def xmr(
    values: Iterable[float | None],
    *,
    improvement: Improvement,
    target: float | None = None,
    shift: int = 6,
    trend: int = 6,
    minimum_points: int = 13,
    two_of_three_beyond_limits: bool = True,
    conflict: Conflict = "concern",
    precedence: Sequence[str] | None = MDC_PRECEDENCE,
    baseline: int | None = None,
    recalculate_at: Iterable[int] = (),
    ghosts: Iterable[int] = (),
    outliers: Outliers = "keep",
    target_on_limit: TargetOnLimit = "pass or fail",
    cross_partitions: CrossPartitions = "trend",
) -> XmR:
    """The XmR chart of `values` (time order, `None` for a gap), as MDC v2.6 draws it by default.

    - `improvement`: "up" (higher is better), "down" or "neither" ([MetricImprovement]).
    - `target`: for the assurance icon; ignored, with a warning, when improvement is "neither".
    - `shift`, `trend`: points in a run (@SettingSpecialCauseShiftPoints / TrendPoints, 6 to 8;
      NHSRplotthedots uses 7). A point on the mean breaks a shift; an equal value breaks a trend,
      which counts its end points (6 points = 5 increases).
    - `minimum_points`: non-ghosted points with a value needed for limits, special causes and icons
      (@SettingMinimumPoints = 13; 2 means no minimum, as NHSRplotthedots). With fewer, the points
      keep their mean (and the result its target) only, as the SQL's step 6 shows a run chart.
    - `two_of_three_beyond_limits`: two-of-three counts points beyond the process limits too (v2.6,
      step 4I); False counts only points between two and three sigma (NHSRplotthedots, the MDC
      Excel tool and SQL before v2.6).
    - `conflict`, `precedence`: which side wins when a point triggers an improvement rule and a
      concern rule (step 4J). The highest rule in `precedence` that fired decides; when it fired both
      ways (a trend's turning point), or `precedence` is None, `conflict` ([MetricConflictRule])
      decides. MDC_PRECEDENCE is v2.6a's ranking; None with "concern" or "improvement" is NHS England's
      v2.6 as released (the MDC Excel tool shows "improvement"); PTD_PRECEDENCE is NHSRplotthedots'.
      For "neither" a point is purple whatever fired and its icon is "neither high" if a high rule
      fired (step 4K checks [SpecialCauseNeitherHighFlag] first).
    - `baseline`: the first `baseline` points (by position, ghosts included) fix the limits, which
      carry on to the next recalculation (#BaselineData; step 4C makes it partition 0 and step 4E
      copies its limits to partition 1).
    - `recalculate_at`: indexes at which limits are recalculated from that point on
      ([RecalculateLimitsFlag]; step 4B's partitions). Not inside the baseline.
    - `ghosts`: indexes of points shown but left out of every calculation ([GhostFlag]).
    - `outliers`: "keep" moving-range outliers (MDC, @ExcludeMovingRangeOutliers = 0); "screen" them
      from the mean moving range (NHSRplotthedots' screen_outliers: kept if below 3.267 × the mean
      moving range); "exclude" them as @ExcludeMovingRangeOutliers = 1 does (kept if at or below,
      and the points they lead to are also left out of the mean).
    - `target_on_limit`: a target exactly on a process limit is a pass or a fail (v2.6 step 4K) or
      "hit and miss" (NHSRplotthedots, ptd_calculate_assurance_type).
    - `cross_partitions`: which run rules carry on across a baseline or recalculation: "trend" (v2.6
      steps 4G-4I: only the trend), "all" (the MDC Excel tool: shift, trend and two-of-three, each
      point against its own limits) or "none" (NHSRplotthedots: every rule restarts).

    Variation icon (step 4K): the state of the last non-ghosted point with a value. Assurance icon
    (step 4K, needs a target and up/down): with higher is better, a target at or below the lower
    limit is a pass, at or above the upper limit a fail, between them "hit and miss".
    Raises ValueError naming the argument, the value and what is allowed.
    """
    vals = _values(values)
    n = len(vals)
    _choice("improvement", improvement, _IMPROVEMENTS)
    target = _target(target)
    _in_range("shift", shift, 6, 8, "@SettingSpecialCauseShiftPoints")
    _in_range("trend", trend, 6, 8, "@SettingSpecialCauseTrendPoints")
    _in_range("minimum_points", minimum_points, 2, None, "@SettingMinimumPoints; 2 means no minimum")
    if not isinstance(two_of_three_beyond_limits, bool):
        raise ValueError(
            f"xmr(): two_of_three_beyond_limits: got {two_of_three_beyond_limits!r}; True or False"
        )
    _choice("conflict", conflict, _CONFLICTS)
    ranks = _precedence(precedence)
    _choice("outliers", outliers, _OUTLIERS)
    _choice("target_on_limit", target_on_limit, _TARGET_ON_LIMIT)
    _choice("cross_partitions", cross_partitions, _CROSS)
    if baseline is not None:
        _in_range("baseline", baseline, 1, n, "a number of points, at most len(values)")
    recalcs = _indexes("recalculate_at", recalculate_at, baseline or 1, n - 1, baseline)
    ghosted = [False] * n
    for i in _indexes("ghosts", ghosts, 0, n - 1, None):
        ghosted[i] = True

    warnings: list[str] = []
    if target is not None and improvement == "neither":
        warnings.append("Target excluded: improvement is 'neither' (a target needs 'up' or 'down')")
        target = None

    # Step 4B/4C: partitions start at 0, after the baseline and at each recalculation.
    starts = sorted({0, *recalcs} | ({baseline} if baseline is not None and baseline < n else set()))
    bounds = list(zip(starts, [*starts[1:], n], strict=True))
    partition = [0] * n
    for p, (start, end) in enumerate(bounds):
        partition[start:end] = [p] * (end - start)

    # Step 4E: mean and moving ranges per partition, ghosts skipped, gaps left as gaps.
    moving: list[float | None] = [None] * n
    stats = [_partition_stats(vals, ghosted, start, end, outliers, moving) for start, end in bounds]
    extended = baseline is not None and baseline < n and baseline not in recalcs
    if extended:
        stats[1] = stats[0]  # step 4E: the "first partition after baseline" takes the baseline's figures

    counted = sum(1 for v, g in zip(vals, ghosted, strict=True) if v is not None and not g)
    enough = counted >= minimum_points
    lines = [_lines(mean, mean_range, enough) for mean, mean_range in stats]
    if not enough:
        warnings.append(f"Fewer than {minimum_points} non-ghosted points so displayed as a run chart")
    for p, (start, end) in enumerate(bounds):
        own = sum(1 for i in range(start, end) if vals[i] is not None and not ghosted[i])
        if enough and own < PARTITION_WARNING_POINTS and not (extended and p == 1):
            warnings.append(
                f"Fewer than {PARTITION_WARNING_POINTS} non-ghosted points in partition {p} "
                f"(points {start} to {end - 1}): {own}, so its limits are trial limits"
            )

    high: list[list[str]] = [[] for _ in range(n)]
    low: list[list[str]] = [[] for _ in range(n)]
    if enough:
        settings = _Rules(shift, trend, two_of_three_beyond_limits, cross_partitions)
        _find_special_causes(vals, ghosted, partition, lines, high, low, settings)

    points = []
    for i in range(n):
        mean, upper, lower, upper2, lower2 = lines[partition[i]]
        side, clash = _side(high[i], low[i], improvement, ranks, conflict)
        colour = _COLOUR_OF_SIDE[side]
        rules = (*(f"{r}_high" for r in high[i]), *(f"{r}_low" for r in low[i]))
        points.append(
            Point(
                index=i,
                value=vals[i],
                ghost=ghosted[i],
                partition=partition[i],
                mean=mean,
                upper=upper,
                lower=lower,
                upper_two_sigma=upper2,
                lower_two_sigma=lower2,
                moving_range=moving[i],
                rules=rules,
                conflict=clash,
                special=colour != "grey",
                colour=colour,
            )
        )

    last = next((i for i in range(n - 1, -1, -1) if vals[i] is not None and not ghosted[i]), None)
    variation = assurance = None
    if enough and last is not None:
        variation = _variation(points[last], improvement)
        if points[last].conflict:
            warnings.append("Improvement/concern conflict affecting variation icon")
        assurance = _assurance(target, points[last], improvement, target_on_limit)
    if baseline is not None and any(p.special for p in points[:baseline]):
        warnings.append("Baseline includes special cause variation")
    icon_point = last if variation is not None else None
    return XmR(tuple(points), improvement, target, variation, assurance, icon_point, tuple(warnings))


def _partition_stats(
    vals: list[float | None],
    ghosted: list[bool],
    start: int,
    end: int,
    outliers: str,
    moving: list[float | None],
) -> tuple[float | None, float | None]:
    """(mean, mean moving range for the limits) of one partition; fills `moving` for its points."""
    rows = [i for i in range(start, end) if not ghosted[i]]
    previous: float | None = None
    ranges: list[float] = []
    for k, i in enumerate(rows):
        v = vals[i]
        # LAG over non-ghosted rows: the first row has no moving range, and neither a gap nor
        # the row after a gap has one.
        if k and v is not None and previous is not None:
            moving[i] = abs(v - previous)
            ranges.append(abs(v - previous))
        previous = v
    kept_values = [v for i in rows if (v := vals[i]) is not None]
    mean_range = _mean(ranges)
    if outliers != "keep" and mean_range:  # a mean moving range of 0 has no outliers
        cap = OUTLIER_FACTOR * mean_range
        if outliers == "screen":  # NHSRplotthedots: `mr < 3.267 * amr` are kept
            ranges = [r for r in ranges if r < cap]
        else:  # the SQL: `<= [MovingRangeMean] * 3.267` kept; the points they lead to leave the mean
            ranges = [r for r in ranges if r <= cap]
            kept_values = [v for i in rows if (v := vals[i]) is not None and (moving[i] or 0.0) <= cap]
        return _mean(kept_values), _mean(ranges)
    return _mean(kept_values), mean_range


def _mean(numbers_: list[float]) -> float | None:
    return math.fsum(numbers_) / len(numbers_) if numbers_ else None  # fsum: order cannot change a tie


def _lines(mean: float | None, mean_range: float | None, enough: bool) -> _Lines:
    """Mean, upper, lower, upper two-sigma, lower two-sigma (step 4E); limits only with enough points."""
    if mean is None or mean_range is None or not enough:
        return mean, None, None, None, None
    three = mean_range * LIMIT_FACTOR
    two = three * 2 / 3  # the SQL's (2 / 3.0) is a rounded decimal; two thirds exactly here
    return mean, mean + three, mean - three, mean + two, mean - two


@dataclass(frozen=True, slots=True)
class _Rules:
    shift: int
    trend: int
    beyond_limits: bool
    cross: str


def _find_special_causes(
    vals: list[float | None],
    ghosted: list[bool],
    partition: list[int],
    lines: list[_Lines],
    high: list[list[str]],
    low: list[list[str]],
    settings: _Rules,
) -> None:
    """Steps 4F-4I: append each rule a point triggers to its `high` or `low` list."""
    n = len(vals)
    rows = [i for i in range(n) if not ghosted[i]]  # every rule reads non-ghosted points only
    side = [0] * n  # +1 above the mean, -1 below; 0 on it, a gap, or no mean
    beyond_two = [0] * n  # +1 beyond the upper two-sigma line, -1 the lower
    for i in rows:
        v = vals[i]
        mean, upper, lower, upper2, lower2 = lines[partition[i]]
        if v is None or mean is None:
            continue
        side[i] = (v > mean) - (v < mean)
        if upper is None or lower is None or upper2 is None or lower2 is None:
            continue
        # Step 4F: single point beyond a process limit.
        if v > upper:
            high[i].append("single_point")
        elif v < lower:
            low[i].append("single_point")
        # Step 4I's flags: v2.6 counts points beyond the limits; before v2.6 only up to them.
        if v > upper2 and (settings.beyond_limits or v <= upper):
            beyond_two[i] = 1
        elif v < lower2 and (settings.beyond_limits or v >= lower):
            beyond_two[i] = -1

    def groups(crossing: bool) -> list[list[int]]:
        if crossing:
            return [rows]
        split: dict[int, list[int]] = {}
        for i in rows:
            split.setdefault(partition[i], []).append(i)
        return list(split.values())

    for group in groups(settings.cross == "all"):
        # Step 4G: a run of `shift` points on one side of the mean; all its points are flagged.
        for run, direction in _runs([side[i] for i in group]):
            if direction and len(run) >= settings.shift:
                _flag(group, run, direction, "shift", high, low)
        # Step 4I: two or three of three consecutive points beyond a two-sigma line, all three on
        # that side of the mean; the points beyond the line are flagged.
        for k in range(len(group) - 2):
            window = group[k : k + 3]
            for direction, flagged in ((1, high), (-1, low)):
                beyond = [i for i in window if beyond_two[i] == direction]
                if len(beyond) >= 2 and all(side[i] == direction for i in window):
                    for i in beyond:
                        if "two_of_three" not in flagged[i]:  # a point is in up to three windows
                            flagged[i].append("two_of_three")
    for group in groups(settings.cross != "none"):
        # Step 4H: `trend` points each higher (lower) than the one before, end points included.
        steps = [0] + [_step(vals[a], vals[b]) for a, b in itertools.pairwise(group)]
        for run, direction in _runs(steps):
            if direction and len(run) + 1 >= settings.trend:
                _flag(group, [run[0] - 1, *run], direction, "trend", high, low)


def _step(before: float | None, after: float | None) -> int:
    if before is None or after is None:
        return 0  # a gap is neither an increase nor a decrease, nor is the point after it
    return (after > before) - (after < before)


def _runs(signs: list[int]) -> list[tuple[list[int], int]]:
    """Maximal runs of equal signs: (positions, sign)."""
    runs: list[tuple[list[int], int]] = []
    for k, s in enumerate(signs):
        if runs and runs[-1][1] == s:
            runs[-1][0].append(k)
        else:
            runs.append(([k], s))
    return runs


def _flag(
    group: list[int], run: list[int], direction: int, rule: str, high: list[list[str]], low: list[list[str]]
) -> None:
    target = high if direction > 0 else low
    for k in run:
        target[group[k]].append(rule)


_COLOUR_OF_SIDE = {None: "grey", "improvement": "blue", "concern": "orange", "neither": "purple"}


def _side(
    high: list[str], low: list[str], improvement: str, ranks: dict[str, int] | None, conflict: str
) -> tuple[str | None, bool]:
    """(the point's side: "improvement", "concern", "neither" or None; whether both sides fired)."""
    if not high and not low:
        return None, False
    if improvement == "neither":
        return "neither", False
    better, worse = (high, low) if improvement == "up" else (low, high)
    if not worse:
        return "improvement", False
    if not better:
        return "concern", False
    if ranks is not None:
        # v2.6a step 4J: the highest-ranked rule that fired gives the direction ([PrimeDirection]);
        # only a tie (the same rule both ways) falls to [MetricConflictRule].
        best, worst = max(ranks[r] for r in better), max(ranks[r] for r in worse)
        if best != worst:
            return ("improvement" if best > worst else "concern"), True
    return conflict, True


def _variation(point: Point, improvement: str) -> str:
    """Step 4K's [VariationIcon] for the last point."""
    if point.colour == "grey":
        return "common cause"
    if improvement == "neither":
        return "neither high" if any(r.endswith("_high") for r in point.rules) else "neither low"
    high_is_good = improvement == "up"
    if point.colour == "blue":
        return "improvement high" if high_is_good else "improvement low"
    return "concern low" if high_is_good else "concern high"


def _assurance(target: float | None, point: Point, improvement: str, on_limit: str) -> str | None:
    """Step 4K's [AssuranceIcon]: the target against the last point's process limits."""
    upper, lower = point.upper, point.lower
    if target is None or improvement == "neither" or upper is None or lower is None:
        return None
    strict = on_limit == "hit and miss"  # NHSRplotthedots: only a target beyond a limit decides
    below = target < lower if strict else target <= lower
    above = target > upper if strict else target >= upper
    if improvement == "up":
        return "pass" if below else "fail" if above else "hit and miss"
    return "pass" if above else "fail" if below else "hit and miss"


# --- argument checks: each error names the argument, the value and what is allowed --------------


def _values(values: Iterable[float | None]) -> list[float | None]:
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise ValueError(f"xmr(): values: got {_echo(values)}; a sequence of numbers or None, in time order")
    out: list[float | None] = []
    for i, v in enumerate(values):
        if v is None:
            out.append(None)
            continue
        if type(v) is not float and (isinstance(v, bool) or not isinstance(v, numbers.Real)):
            raise ValueError(f"xmr(): values[{i}]: got {_echo(v)}; a number, or None for a gap")
        f = float(v)
        if not math.isfinite(f):  # NaN is not taken for a gap: a gap is said with None
            raise ValueError(f"xmr(): values[{i}]: got {_echo(v)}; a finite number, or None for a gap")
        out.append(f)
    return out


def _target(target: float | None) -> float | None:
    if target is None:
        return None
    if isinstance(target, bool) or not isinstance(target, numbers.Real) or not math.isfinite(float(target)):
        raise ValueError(f"xmr(): target: got {_echo(target)}; a finite number or None")
    return float(target)


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"xmr(): {name}: got {_echo(value)}; one of {options}")


def _in_range(name: str, value: object, low: int, high: int | None, note: str) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        allowed = f"an integer from {low} to {high}" if high is not None else f"an integer, {low} or more"
        if high is not None and high < low:
            allowed = "none can be given: there are no values"
        raise ValueError(f"xmr(): {name}: got {_echo(value)}; {allowed} ({note})")


def _indexes(name: str, indexes: Iterable[int], low: int, high: int, baseline: int | None) -> set[int]:
    if isinstance(indexes, (str, bytes)) or not isinstance(indexes, Iterable):
        raise ValueError(f"xmr(): {name}: got {_echo(indexes)}; a list of point indexes")
    out: set[int] = set()
    for i in indexes:
        if isinstance(i, bool) or not isinstance(i, int) or not low <= i <= high:
            inside = f"; not inside the baseline of {baseline} points" if baseline else ""
            where = f"an index from {low} to {high}" if low <= high else "no index (too few values)"
            raise ValueError(f"xmr(): {name}: got {_echo(i)}; {where}{inside}")
        out.add(i)
    return out


def _precedence(precedence: Sequence[str] | None) -> dict[str, int] | None:
    if precedence is None:
        return None
    names = tuple(precedence) if isinstance(precedence, Sequence) and not isinstance(precedence, str) else ()
    if len(names) != len(RULES) or set(RULES) != {*names}:
        raise ValueError(
            f"xmr(): precedence: got {_echo(precedence)}; None or the rules {', '.join(RULES)} "
            "in order, highest first (MDC_PRECEDENCE, PTD_PRECEDENCE)"
        )
    return {rule: len(names) - k for k, rule in enumerate(names)}


def _echo(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:80]}..."
