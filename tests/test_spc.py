"""scorecard_xl.spc: XmR charts, special causes and icons as NHS England's Making Data Count draws them.

Four kinds of evidence:
1. The reference SQL (SPC Charts SQL v2.6): its sample data (Step 3) with the annotations it gives
   each special point, checked point by point; and every one of its XmR charts against a literal
   transliteration of its steps 4B-4K (`sql_transliteration` below: LAG, LEAD and running sums,
   written from the SQL and independent of the engine), which also checks 600 random series.
2. NHSRplotthedots: its test vectors and snapshots (tests/testthat) and the vignette
   deviations.Rmd, run with the settings that make the engine behave as the R package.
3. The MDC testing document for the Excel Single Chart Tool v5.0: its test data with the colour of
   every point, run with the settings that make the engine behave as the Excel tool.
4. An edge-case table: each rule at its edges, and invalid arguments.

Colours are compared as strings, one letter a point: g(rey), b(lue), o(range), p(urple).
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import itertools
import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from scorecard_xl import spc
from scorecard_xl.spc import MDC_PRECEDENCE, PTD_PRECEDENCE, XmR, xmr

VECTORS = Path(__file__).parent / "spc_vectors"

# NHSRplotthedots' defaults as engine settings: 7-point shift and trend, two-of-three between two and
# three sigma only, outliers screened, a rule order instead of a conflict rule, every rule restarting
# at a rebase, and limits from 2 points on (it warns under 12 but always draws them).
PTD = dict(
    shift=7,
    trend=7,
    two_of_three_beyond_limits=False,
    outliers="screen",
    precedence=PTD_PRECEDENCE,
    cross_partitions="none",
    minimum_points=2,
    target_on_limit="hit and miss",
)
# The MDC Excel Single Chart Tool v5.0 (its testing document): two-of-three between two and three
# sigma, blue wins a conflict, and every run rule crosses a recalculation.
EXCEL = dict(
    two_of_three_beyond_limits=False, precedence=None, conflict="improvement", cross_partitions="all"
)


def letters(result: XmR) -> str:
    return "".join(p.colour[0] for p in result.points)


def with_rule(result: XmR, rule: str) -> list[int]:
    return [p.index for p in result.points if rule in p.rules]


# A stable process to put patterns after: 20 points alternating 9 and 11 as a baseline give mean 10,
# mean moving range 2, limits 4.68 and 15.32, two-sigma lines 6.4533 and 13.5467. The pattern after
# it is partition 1, so shift and two-of-three read it alone, as NHSRplotthedots' padded vectors do.
BASE = [9.0, 11.0] * 10
ABOVE, BELOW, NEAR_TOP, NEAR_BOTTOM, OVER_TOP = 11.0, 9.0, 14.0, 6.0, 16.0


def after_base(tail: Sequence[float | None], **settings: Any) -> XmR:
    return xmr([*BASE, *tail], improvement="up", baseline=len(BASE), **settings)


def tail_flags(result: XmR, rule: str) -> list[int]:
    """1 where a pattern point (after BASE) triggers `rule` (any direction), else 0."""
    return [int(any(r.startswith(rule) for r in p.rules)) for p in result.points[len(BASE) :]]


# --- 1. The reference SQL: its sample data ---------------------------------------------------------

# Step 3a (#MetricData): improvement and [MetricConflictRule]; Step 3d (#TargetData) targets; Step 3c
# (#BaselineData): M2's baseline ends at 2017-12-01.
SQL_METRICS = {
    "M1": ("up", "concern", 0.95),
    "M2": ("down", "concern", 12.0),
    "M3": ("neither", None, None),
    "M4": ("neither", None, None),
    "M5": ("up", "concern", None),
    "M8": ("up", "concern", None),
}


def sql_charts() -> dict[tuple[str, str, str, str], list[dict[str, str]]]:
    charts: dict[tuple[str, str, str, str], list[dict[str, str]]] = {}
    with (VECTORS / "mdc_sql_v2_6_sample_data.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            charts.setdefault((row["metric"], row["group"], row["filter1"], row["filter2"]), []).append(row)
    for rows in charts.values():
        rows.sort(key=lambda r: r["date"])
    return charts


SQL_CHARTS = sql_charts()


def sql_inputs(key: tuple[str, str, str, str]) -> dict[str, Any]:
    rows = SQL_CHARTS[key]
    improvement, conflict, target = SQL_METRICS[key[0]]
    baseline = next((i + 1 for i, r in enumerate(rows) if key[0] == "M2" and r["date"] == "20171201"), None)
    return dict(
        values=[float(r["value"]) if r["value"] else None for r in rows],
        improvement=improvement,
        conflict=conflict or "concern",
        target=target,
        baseline=baseline,
        recalculate_at=[i for i, r in enumerate(rows) if r["recalculate"] == "1"],
        ghosts=[i for i, r in enumerate(rows) if r["ghost"] == "1"],
    )


def sql_chart(metric: str, group: str, **settings: Any) -> tuple[list[dict[str, str]], XmR]:
    key = (metric, group, "", "")
    inputs = sql_inputs(key)
    values = inputs.pop("values")
    return SQL_CHARTS[key], xmr(values, **{**inputs, **settings})


# Each annotated point of #RawData starts what its annotation says: (metric, group, date, points in
# the run, rule, colour). "Seven points" dates from v2.5's 7-point default; v2.6's 6 flags them too.
ANNOTATED_RUNS = [
    ("M1", "TOTAL", "20210308", 1, "single_point_low", "orange"),  # Below lower process limit
    ("M1", "TOTAL", "20210531", 1, "single_point_high", "blue"),  # Above upper process limit
    ("M1", "Department A", "20210222", 7, "shift_low", "orange"),  # Start of seven points below mean
    ("M1", "Department A", "20210510", 7, "shift_high", "blue"),  # Start of seven points above mean
    ("M1", "Department B", "20210201", 7, "trend_high", "blue"),  # Start of seven points increasing
    ("M1", "Department B", "20210419", 7, "trend_low", "orange"),  # Start of seven points decreasing
    # Two out of three points beyond two-sigma with the other point on the same side of the mean
    ("M1", "Department C", "20210322", 2, "two_of_three_low", "orange"),
    ("M1", "Department C", "20210614", 3, "two_of_three_high", "blue"),  # Three out of three beyond
]


@pytest.mark.parametrize("settings", [{}, {"shift": 7, "trend": 7}], ids=["v2.6", "v2.5-defaults"])
@pytest.mark.parametrize(("metric", "group", "date", "length", "rule", "colour"), ANNOTATED_RUNS)
def test_sql_sample_annotated_runs(
    metric: str, group: str, date: str, length: int, rule: str, colour: str, settings: dict[str, Any]
) -> None:
    """SQL v2.6 Step 3b sample data: the annotated point starts a run of exactly `length` points that
    trigger `rule`, shown in the annotation's colour."""
    rows, result = sql_chart(metric, group, **settings)
    start = next(i for i, r in enumerate(rows) if r["date"] == date)
    run = range(start, start + length)
    assert [i for i in with_rule(result, rule) if start - 1 <= i <= start + length] == list(run)
    assert {result.points[i].colour for i in run} == {colour}


def test_sql_sample_department_d_conflicts() -> None:
    """SQL v2.6 sample, M1 Department D: "Start of decrease (concern) while still above mean
    (improvement)" (2021-03-01) and "Start of increase (improvement) while still below mean
    (concern)" (2021-04-26) each trigger both sides. v2.6a ranks the trend first; each annotated
    point is a trend's turning point, a tie, so [MetricConflictRule] ('Concern' for M1) decides."""
    rows, ranked = sql_chart("M1", "Department D")
    turn_down = next(i for i, r in enumerate(rows) if r["date"] == "20210301")
    turn_up = next(i for i, r in enumerate(rows) if r["date"] == "20210426")
    for i in (turn_down, turn_up):
        assert ranked.points[i].conflict
        assert {"trend_high", "trend_low"} <= set(ranked.points[i].rules)
    assert set(ranked.points[turn_down].rules) >= {"shift_high", "single_point_high"}
    assert set(ranked.points[turn_up].rules) >= {"shift_low", "single_point_low"}
    assert letters(ranked) == "bbbbbbbb" + "ooooooooo" + "bbbbbbbbb"
    assert (ranked.variation, ranked.assurance) == ("improvement high", "pass")
    assert "Improvement/concern conflict affecting variation icon" in ranked.warnings
    # NHS England's v2.6 as released: [MetricConflictRule] alone decides every conflict.
    _, concern = sql_chart("M1", "Department D", precedence=None, conflict="concern")
    assert letters(concern) == "bbbbbbbb" + "o" * 18  # the rise is all improvement: no conflict
    assert concern.variation == "concern low"
    _, improvement = sql_chart("M1", "Department D", precedence=None, conflict="improvement")
    assert letters(improvement) == "b" * 13 + "ooo" + "b" * 10  # 0.972-0.962: below the mean and falling


def test_sql_sample_m2_baseline_recalculation_and_ghost() -> None:
    """SQL v2.6 sample, M2 TOTAL (down is better, target 12): "Baseline set" at 2017-12-01 (the 24th
    point), "Limits recalculated" at 2019-09-01, "Ghosted" at 2020-10-01 (value 27)."""
    rows, result = sql_chart("M2", "TOTAL")
    values = [float(r["value"]) for r in rows]
    recalc = next(i for i, r in enumerate(rows) if r["date"] == "20190901")
    ghost = next(i for i, r in enumerate(rows) if r["date"] == "20201001")
    assert (recalc, ghost) == (44, 57)
    base_mean = math.fsum(values[:24]) / 24
    base_mr = math.fsum(abs(b - a) for a, b in itertools.pairwise(values[:24])) / 23
    for p in result.points[:recalc]:  # the baseline's limits run on to the recalculation
        assert p.mean == pytest.approx(base_mean)
        assert p.upper == pytest.approx(base_mean + 2.66 * base_mr)
    assert [p.partition for p in result.points[22:26]] == [0, 0, 1, 1]
    own = [v for i, v in enumerate(values) if i >= recalc and i != ghost]
    assert result.points[ghost].mean == pytest.approx(math.fsum(own) / len(own))  # 27 left out
    assert result.points[ghost].ghost and not result.points[ghost].special
    # The moving range skips the ghost: from the point before it to the point after it.
    assert result.points[ghost + 1].moving_range == abs(values[ghost + 1] - values[ghost - 1])
    # The decreasing trend (21, 17, 14, 8, 6, 5, 3) crosses the recalculation (step 4H).
    assert letters(result)[38:50] == "ggg" + "bbbbbbb" + "gg"
    assert (result.variation, result.assurance, result.warnings) == ("common cause", "pass", ())


# Every annotated or named chart of the sample, pinned: colours, variation, assurance.
SQL_PINNED = {
    ("M1", "TOTAL"): ("gggggggggoggggggggggbbbbbb", "improvement high", "fail"),
    ("M1", "Department A"): ("gggggggoooooooggggbbbbbbbg", "common cause", "pass"),
    ("M1", "Department B"): ("ggggbbbbbbbbbggooooooogggg", "common cause", "hit and miss"),
    ("M1", "Department C"): ("gggggggggggooggggggggggbbb", "improvement high", "fail"),
    ("M2", "TOTAL"): ("g" * 26 + "o" * 9 + "g" * 6 + "b" * 7 + "g" * 18, "common cause", "pass"),
    ("M3", "TOTAL"): ("ggggg" + "p" * 15, "neither high", None),
    ("M4", "TOTAL"): ("p" * 14 + "gggggg", "common cause", None),
    ("M5", "TOTAL"): ("gggg" + "oooooo" + "ggggggggg", "common cause", None),
    ("M8", "Category 1"): ("bbbbbbb" + "oooooooo", "concern low", None),
}


@pytest.mark.parametrize(("metric", "group"), list(SQL_PINNED))
def test_sql_sample_pinned(metric: str, group: str) -> None:
    """SQL v2.6 sample charts, point by point (the annotated points are checked above; the rest
    agree with the transliteration of the SQL below)."""
    _, result = sql_chart(metric, group)
    assert (letters(result), result.variation, result.assurance) == SQL_PINNED[(metric, group)]


def test_sql_sample_short_charts_are_run_charts() -> None:
    """SQL v2.6 sample M1 areas have 2 to 8 points: fewer than @SettingMinimumPoints (13), so step 6
    shows the mean only: no limits, no special cause, no icons."""
    short = [key for key in SQL_CHARTS if key[1].startswith("Area")]
    assert len(short) == 32
    for key in short:
        _, result = sql_chart(key[0], key[1])
        assert len(result.points) < 13
        assert result.variation is result.assurance is None
        assert all(
            p.upper is p.lower is None and p.mean is not None and p.colour == "grey" for p in result.points
        )


@pytest.mark.parametrize(
    "settings",
    [{}, {"precedence": None}, {"precedence": None, "conflict": "improvement"}, {"outliers": "exclude"}],
    ids=["v2.6a", "v2.6-concern", "v2.6-improvement", "exclude-outliers"],
)
def test_sql_sample_agrees_with_transliteration(settings: dict[str, Any]) -> None:
    """Every XmR chart of the SQL v2.6 sample (83 charts), against the SQL transliteration."""
    for key in SQL_CHARTS:
        inputs = {**sql_inputs(key), **settings}
        assert_same_as_sql(inputs, key)


# --- The SQL, transliterated: steps 4B-4K, one window function at a time -------------------------


def sql_transliteration(
    values: Sequence[float | None],
    *,
    improvement: str,
    target: float | None = None,
    conflict: str = "concern",
    precedence: object = MDC_PRECEDENCE,
    baseline: int | None = None,
    recalculate_at: Sequence[int] = (),
    ghosts: Sequence[int] = (),
    shift: int = 6,
    trend: int = 6,
    minimum_points: int = 13,
    outliers: str = "keep",
) -> dict[str, Any]:
    """The SQL's steps as written, over lists standing for the SQL's columns. Three deliberate
    differences, all shared with the engine and documented there: points are counted for
    @SettingMinimumPoints only when they have a value; the icons use the last non-ghosted point
    with a value; the two-sigma line is at exactly two thirds (the SQL's 2 / 3.0 is a decimal)."""
    n = len(values)
    ghost = [int(i in ghosts) for i in range(n)]
    val = list(values)

    def windows(key: list[Any]) -> list[list[int]]:  # PARTITION BY key ORDER BY [Date]
        groups: dict[Any, list[int]] = {}
        for i in range(n):
            groups.setdefault(key[i], []).append(i)
        return list(groups.values())

    def lag(col: list[Any], k: int, key: list[Any]) -> list[Any]:
        out: list[Any] = [None] * n
        for rows in windows(key):
            for j, i in enumerate(rows):
                out[i] = col[rows[j - k]] if j - k >= 0 else None
        return out

    def lead(col: list[Any], k: int, key: list[Any]) -> list[Any]:
        out: list[Any] = [None] * n
        for rows in windows(key):
            for j, i in enumerate(rows):
                out[i] = col[rows[j + k]] if j + k < len(rows) else None
        return out

    def running_sum(col: list[int], key: list[Any]) -> list[int]:
        out = [0] * n
        for rows in windows(key):
            total = 0
            for i in rows:
                total += col[i]
                out[i] = total
        return out

    def avg(col: list[Any], key: list[Any], where: list[bool] | None = None) -> dict[Any, float | None]:
        out: dict[Any, float | None] = {}
        for rows in windows(key):
            got = [col[i] for i in rows if col[i] is not None and (where is None or where[i])]
            out[key[rows[0]]] = math.fsum(got) / len(got) if got else None
        return out

    # 4B partitions; 4C baseline rows are partition 0.
    pid = [s + 1 for s in itertools.accumulate(int(i in recalculate_at) for i in range(n))]
    if baseline:
        pid = [0 if i < baseline else p for i, p in enumerate(pid)]
    pieg = [None if ghost[i] else pid[i] for i in range(n)]
    # 4E mean, moving range, moving range mean.
    means = avg(val, pieg)
    mean: list[float | None] = [None if ghost[i] else means[pieg[i]] for i in range(n)]
    before = lag(val, 1, pieg)
    mr = [
        None if ghost[i] or val[i] is None or before[i] is None else abs(val[i] - before[i])  # type: ignore[operator]
        for i in range(n)
    ]
    mr_means = avg(mr, pieg)
    mrm: list[float | None] = [mr_means[pieg[i]] if mr[i] is not None else None for i in range(n)]
    mrm_pl = list(mrm)
    if outliers == "exclude":  # @ExcludeMovingRangeOutliers = 1
        kept = [mr[i] is not None and mrm[i] is not None and mr[i] <= mrm[i] * 3.267 for i in range(n)]  # type: ignore[operator]
        without = avg(mr, pieg, kept)
        mrm_pl = [without.get(pid[i]) for i in range(n)]
        keep_mean = [mr[i] is None or kept[i] for i in range(n)]
        without_mean = avg(val, pieg, keep_mean)
        mean = [without_mean.get(pid[i]) for i in range(n)]  # the non-NULL one of the DISTINCT rows
    by_partition = avg(mean, pid)
    mean = [by_partition[pid[i]] for i in range(n)]
    has_mrm = [m is not None for m in mrm]
    mrm_by, mrm_pl_by = avg(mrm, pid, has_mrm), avg(mrm_pl, pid, has_mrm)
    mrm = [mrm_by[pid[i]] for i in range(n)]
    mrm_pl = [mrm_pl_by[pid[i]] for i in range(n)]
    if 0 in pid:  # "first partition after baseline" takes partition 0's figures
        zero = pid.index(0)
        for i in range(n):
            if pid[i] == 1:
                mean[i], mrm_pl[i] = mean[zero], mrm_pl[zero]

    def line(i: int, sigmas: float) -> float | None:
        m, r = mean[i], mrm_pl[i]
        if m is None or r is None:
            return None
        return m + r * 2.66 * sigmas / 3 if sigmas > 0 else m - r * 2.66 * -sigmas / 3

    upl, lpl = [line(i, 3) for i in range(n)], [line(i, -3) for i in range(n)]
    up2, lo2 = [line(i, 2) for i in range(n)], [line(i, -2) for i in range(n)]

    def flag(i: int, test: Any) -> int:
        try:
            return int(not ghost[i] and bool(test()))
        except TypeError:  # a comparison with NULL is not true
            return 0

    # 4F single point.
    sp_hi = [flag(i, lambda i=i: val[i] > upl[i]) for i in range(n)]
    sp_lo = [flag(i, lambda i=i: val[i] < lpl[i]) for i in range(n)]
    # 4G shift, within a partition of non-ghosted points.
    above = [flag(i, lambda i=i: val[i] > mean[i]) for i in range(n)]
    below = [flag(i, lambda i=i: val[i] < mean[i]) for i in range(n)]

    def run_rule(flags: list[int], length: int, key: list[Any], need_flag: bool) -> list[int]:
        count = running_sum(flags, key)
        ahead = lead(count, length - 1, key)
        start = [
            int(
                (flags[i] == 1 or not need_flag)
                and ahead[i] is not None
                and ahead[i] - count[i] == length - 1
            )
            for i in range(n)
        ]
        starts = running_sum(start, key)
        back = lag(starts, length, key)
        return [int(starts[i] > (back[i] or 0)) for i in range(n)]

    shift_hi, shift_lo = run_rule(above, shift, pieg, True), run_rule(below, shift, pieg, True)
    # 4H trend, over the whole chart's non-ghosted points.
    prev = lag(val, 1, ghost)
    inc = [flag(i, lambda i=i: val[i] > prev[i]) for i in range(n)]
    dec = [flag(i, lambda i=i: val[i] < prev[i]) for i in range(n)]
    trend_hi, trend_lo = run_rule(inc, trend, ghost, False), run_rule(dec, trend, ghost, False)

    # 4I two-sigma.
    def two_sigma(ts: list[int], side: list[int]) -> list[int]:
        ts1, ts2 = lead(ts, 1, pieg), lead(ts, 2, pieg)
        side_back, side1, side2 = lag(side, 1, pieg), lead(side, 1, pieg), lead(side, 2, pieg)
        start = [
            int(
                ts[i] == 1
                and (
                    (ts1[i] == 1 and (side_back[i] == 1 or side2[i] == 1)) or (ts2[i] == 1 and side1[i] == 1)
                )
            )
            for i in range(n)
        ]
        starts = running_sum(start, pieg)
        back = lag(starts, 3, pieg)
        return [int(ts[i] == 1 and starts[i] > (back[i] or 0)) for i in range(n)]

    ts_hi = [flag(i, lambda i=i: val[i] > up2[i]) for i in range(n)]
    ts_lo = [flag(i, lambda i=i: val[i] < lo2[i]) for i in range(n)]
    two_hi, two_lo = two_sigma(ts_hi, above), two_sigma(ts_lo, below)
    # 4J combined, with v2.6a's ranking (single 1, two-sigma 2, shift 3, trend 4) or v2.6's rule.
    hi_rules = [(sp_hi[i], two_hi[i], shift_hi[i], trend_hi[i]) for i in range(n)]
    lo_rules = [(sp_lo[i], two_lo[i], shift_lo[i], trend_lo[i]) for i in range(n)]
    counted = sum(1 for i in range(n) if not ghost[i] and val[i] is not None)
    enough = counted >= minimum_points
    colour, clash = ["grey"] * n, [False] * n
    for i in range(n):
        hi, lo = any(hi_rules[i]) and val[i] is not None, any(lo_rules[i]) and val[i] is not None
        if not enough or not (hi or lo):
            continue
        if improvement == "neither":
            colour[i] = "purple"
            continue
        imp, con = (hi, lo) if improvement == "up" else (lo, hi)
        if imp and con:
            clash[i] = True
            up_rank = max(r * f for r, f in zip((1, 2, 3, 4), hi_rules[i], strict=True))
            down_rank = max(r * f for r, f in zip((1, 2, 3, 4), lo_rules[i], strict=True))
            if precedence is None or up_rank == down_rank:
                imp = conflict == "improvement"
            else:
                imp = (up_rank > down_rank) == (improvement == "up")
        colour[i] = "blue" if imp else "orange"
    # 4K icons.
    last = next((i for i in range(n - 1, -1, -1) if not ghost[i] and val[i] is not None), None)
    variation = assurance = None
    if enough and last is not None:
        c = colour[last]
        if improvement == "neither":
            variation = (
                "common cause" if c == "grey" else "neither high" if any(hi_rules[last]) else "neither low"
            )
        else:
            names = {"up": ("improvement high", "concern low"), "down": ("improvement low", "concern high")}
            variation = {
                "grey": "common cause",
                "blue": names[improvement][0],
                "orange": names[improvement][1],
            }[c]
        t, u, lo = target, upl[last], lpl[last]
        if t is not None and u is not None and lo is not None and improvement != "neither":
            if improvement == "up":
                assurance = "pass" if t <= lo else "hit and miss" if t < u else "fail"
            else:
                assurance = "pass" if t >= u else "hit and miss" if t > lo else "fail"
    shown = [(mean[i], upl[i] if enough else None, lpl[i] if enough else None) for i in range(n)]
    return dict(colour=colour, conflict=clash, lines=shown, variation=variation, assurance=assurance)


def assert_same_as_sql(inputs: dict[str, Any], label: object) -> None:
    values = inputs.pop("values")
    result = xmr(values, **inputs)
    sql = sql_transliteration(values, **inputs)
    assert [p.colour for p in result.points] == sql["colour"], label
    assert [p.conflict for p in result.points] == sql["conflict"], label
    assert (result.variation, result.assurance) == (sql["variation"], sql["assurance"]), label
    for p, (mean, upper, lower) in zip(result.points, sql["lines"], strict=True):
        assert (p.mean, p.upper, p.lower) == pytest.approx((mean, upper, lower), rel=1e-12, abs=1e-12), label


@pytest.mark.parametrize("seed", range(6))
def test_random_series_agree_with_transliteration(seed: int) -> None:
    """600 random series of small whole numbers (so ties on the mean and equal neighbours are
    common), with gaps, ghosts, baselines, recalculations and every SQL setting."""
    rng = random.Random(seed)
    for case in range(100):
        n = rng.randint(0, 40)
        top = rng.choice([3, 6, 20])
        values = [None if rng.random() < 0.08 else float(rng.randint(0, top)) for _ in range(n)]
        ghosts = [i for i in range(n) if rng.random() < 0.06]
        baseline = rng.choice([None, rng.randint(1, n)]) if n and rng.random() < 0.4 else None
        first = baseline or 1
        recalcs = (
            sorted({rng.randint(first, n - 1) for _ in range(rng.randint(0, 2))}) if first <= n - 1 else []
        )
        inputs = dict(
            values=values,
            improvement=rng.choice(["up", "down", "neither"]),
            target=rng.choice([None, float(rng.randint(-2, top + 2))]),
            conflict=rng.choice(["concern", "improvement"]),
            precedence=rng.choice([MDC_PRECEDENCE, None]),
            baseline=baseline,
            recalculate_at=recalcs,
            ghosts=ghosts,
            shift=rng.randint(6, 8),
            trend=rng.randint(6, 8),
            minimum_points=rng.choice([2, 13]),
            outliers=rng.choice(["keep", "exclude"])
            if not ghosts
            else "keep",  # the SQL's join is ambiguous with ghosts
        )
        assert_same_as_sql(inputs, (seed, case))


# --- 2. NHSRplotthedots ------------------------------------------------------------------------------

# tests/testthat/test-ptd_spc_standard.R: set.seed(123); rnorm(20).
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


def test_ptd_spc_standard_snapshot() -> None:
    """NHSRplotthedots tests/testthat/_snaps/ptd_spc_standard.md, "it returns expected values":
    r1 (screen_outliers = TRUE), r2 (y[15] = 10, screened) and r3 (y[15] = 10, not screened, as the
    MDC tools do), to the snapshot's 7 significant figures."""
    r1 = xmr(RNORM_123, improvement="up", **PTD).points[0]
    assert (r1.mean, r1.lower, r1.upper) == pytest.approx((0.1416238, -3.01138, 3.294627), abs=6e-7)
    spiked = [*RNORM_123[:14], 10.0, *RNORM_123[15:]]
    r2 = xmr(spiked, improvement="up", **PTD).points[0]
    assert (r2.mean, r2.lower, r2.upper) == pytest.approx((0.6694159, -2.383666, 3.722497), abs=6e-7)
    r3 = xmr(spiked, improvement="up", **{**PTD, "outliers": "keep"}).points[0]
    assert (r3.mean, r3.lower, r3.upper) == pytest.approx((0.6694159, -4.596625, 5.935457), abs=6e-7)
    # The MDC default is r3: moving-range outliers kept.
    mdc = xmr(spiked, improvement="up").points[0]
    assert (mdc.lower, mdc.upper) == (r3.lower, r3.upper)


def test_ptd_summary_snapshot() -> None:
    """NHSRplotthedots tests/testthat/_snaps/ptd_spc.md, summary(): 20 common-cause points (mean
    0.142, limits -3.01 and 3.29); with facet_field, 10 points each: 0.0746 (-2.60, 2.75) and
    0.209 (-3.28, 3.70), all common cause (10 points: NHSRplotthedots draws limits anyway)."""
    whole = xmr(RNORM_123, improvement="up", **PTD)
    assert letters(whole) == "g" * 20
    for half, expected in ((RNORM_123[:10], (0.0746, -2.60, 2.75)), (RNORM_123[10:], (0.209, -3.28, 3.70))):
        result = xmr(half, improvement="up", **PTD)
        p = result.points[0]
        assert (
            round(p.mean, 4 if expected[0] < 0.1 else 3),
            round(p.lower, 2),
            round(p.upper, 2),
        ) == expected
        assert letters(result) == "g" * 10
        # The MDC default needs 13 points for limits: 10 is a run chart.
        assert xmr(half, improvement="up").points[0].upper is None


def test_ptd_deviations_vignette_outliers() -> None:
    """NHSRplotthedots vignettes/deviations.Rmd, "1. Treatment of outlying points": the package's
    default (screened) gives UPL 4.6, mean 1.94, LPL -0.72; screen_outliers = FALSE "produces the
    same output as Excel": 6.95, 1.94, -3.06. Both show the fifth point (10) blue and the rest grey
    (the captions say "a further 12 grey points"; the data has 13)."""
    data = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    for settings, expected in (
        (PTD, (4.6, 1.94, -0.72)),
        ({**PTD, "outliers": "keep"}, (6.95, 1.94, -3.06)),
        ({}, (6.95, 1.94, -3.06)),  # the MDC default
    ):
        result = xmr(data, improvement="up", **settings)
        p = result.points[0]
        assert (round(p.upper, 2), round(p.mean, 2), round(p.lower, 2)) == expected
        assert letters(result) == "ggggbggggggggggggg"


def test_ptd_two_in_three_opposite_sides_of_the_mean() -> None:
    """NHSRplotthedots test-ptd_spc_standard.R, "it only reports special cause for 2of3 points close
    to limits when they are on the same side of the mean": the last two points are common cause,
    with the R defaults and with the MDC defaults."""
    data = [1.0, -1.0] * 8
    data[14], data[15] = 5.5, -5.5
    for settings in (PTD, {}):
        result = xmr(data, improvement="up", **settings)
        assert [p.colour for p in result.points[-2:]] == ["grey", "grey"]
        assert "two_of_three_high" not in result.points[-2].rules


# NHSRplotthedots test-ptd_calculate_point_type.R, ptd_two_in_three / ptd_part_of_two_in_three: the
# vector of points close to a limit (between two and three sigma), their side of the mean, and which
# are part of a two-in-three. Here 1 close above is NEAR_TOP, close below NEAR_BOTTOM, 0 above ABOVE,
# 0 below BELOW.
PTD_TWO_IN_THREE = [
    ((1, 0, 1), (1, 1, 1), (1, 0, 1)),  # d, and ca
    ((0, 1, 1), (1, 1, 1), (0, 1, 1)),  # e, and da
    ((1, 1, 0), (1, 1, 1), (1, 1, 0)),  # f, and ea
    ((0, 0, 1, 0, 1, 0, 0), (1,) * 7, (0, 0, 1, 0, 1, 0, 0)),  # g, and fa
    ((0, 0, 1, 1, 0, 0, 0), (1,) * 7, (0, 0, 1, 1, 0, 0, 0)),  # h, and ga
    ((1, 0, 0, 1), (1,) * 4, (0, 0, 0, 0)),  # ha
    ((1, 0, 0, 1, 1), (1,) * 5, (0, 0, 0, 1, 1)),  # ia
    ((1, 0, 1), (1, -1, 1), (0, 0, 0)),  # opposite sides: d
    ((0, 1, 1), (1, -1, 1), (0, 0, 0)),  # e
    ((1, 1, 0), (1, -1, 1), (0, 0, 0)),  # f
    ((0, 0, 1, 0, 1, 0, 0), (1, -1, 1, -1, 1, -1, 1), (0,) * 7),  # g
    ((0, 0, 1, 1, 0, 0, 0), (-1, 1, -1, 1, -1, 1, -1), (0,) * 7),  # h
]


@pytest.mark.parametrize(("close", "side", "expected"), PTD_TWO_IN_THREE)
def test_ptd_two_in_three_vectors(
    close: tuple[int, ...], side: tuple[int, ...], expected: tuple[int, ...]
) -> None:
    pick = {(1, 1): NEAR_TOP, (1, -1): NEAR_BOTTOM, (0, 1): ABOVE, (0, -1): BELOW}
    tail = [pick[c, s] for c, s in zip(close, side, strict=True)]
    for beyond in (False, True):  # no point is beyond a limit, so v2.6's setting agrees
        result = after_base(tail, two_of_three_beyond_limits=beyond)
        assert tail_flags(result, "two_of_three") == list(expected)


# test-ptd_calculate_point_type.R, ptd_seven_point_one_side_mean then ptd_part_of_seven_trend: sides
# of the mean, and the points in a shift of 7 (NHSRplotthedots) and of 6 (MDC v2.6).
PTD_SHIFTS = [
    ((1,) * 6, (0,) * 6, (1,) * 6),
    ((1,) * 6 + (-1,), (0,) * 7, (1,) * 6 + (0,)),
    ((1,) * 8 + (-1,), (1,) * 8 + (0,), (1,) * 8 + (0,)),
    ((-1,) * 8 + (1,), (1,) * 8 + (0,), (1,) * 8 + (0,)),
]


@pytest.mark.parametrize(("side", "seven", "six"), PTD_SHIFTS)
def test_ptd_shift_vectors(side: tuple[int, ...], seven: tuple[int, ...], six: tuple[int, ...]) -> None:
    tail = [ABOVE if s > 0 else BELOW for s in side]
    assert tail_flags(after_base(tail, shift=7), "shift") == list(seven)
    assert tail_flags(after_base(tail), "shift") == list(six)  # the documented v2.6 difference


# test-ptd_calculate_point_type.R, ptd_seven_point_trend then ptd_part_of_seven_trend: a trend of 7
# counts its end points, an equal value breaks it.
PTD_TRENDS = [
    ([1, 2, 3, 4, 5, 6], [0] * 6),
    ([1, 2, 3, 3, 4, 5, 6], [0] * 7),
    ([1, 2, 3, 4, 5, 6, 7], [1] * 7),
    ([2, 1, 2, 3, 4, 5, 6, 7, 3], [0, 1, 1, 1, 1, 1, 1, 1, 0]),
    ([7, 6, 5, 4, 3, 2, 1], [1] * 7),
    ([2, 7, 6, 5, 4, 3, 2, 1, 3], [0, 1, 1, 1, 1, 1, 1, 1, 0]),
]


@pytest.mark.parametrize(("tail", "expected"), PTD_TRENDS)
def test_ptd_trend_vectors(tail: list[float], expected: list[int]) -> None:
    result = after_base(tail, trend=7, cross_partitions="none")
    assert tail_flags(result, "trend") == expected


def steady(mean: float, mean_range: float, n: int = 14) -> list[float]:
    """Points alternating around `mean` with every moving range `mean_range`: no special cause."""
    return [mean - mean_range / 2, mean + mean_range / 2] * (n // 2)


def limits_series(lower: float, upper: float) -> list[float]:
    return steady((lower + upper) / 2, (upper - lower) / 2 / 2.66)


@pytest.mark.parametrize(
    ("improvement", "expected"),
    [
        ("up", ["fail", "pass", "hit and miss"]),
        ("down", ["pass", "fail", "hit and miss"]),
        ("neither", [None] * 3),
    ],
)
def test_ptd_assurance_vectors(improvement: str, expected: list[str | None]) -> None:
    """NHSRplotthedots test-ptd_calculate_assurance_type.R: target 4 against limits (1, 3), (5, 7)
    and (1, 5), for increase, decrease and neutral."""
    got = [
        xmr(limits_series(lower, upper), improvement=improvement, target=4).assurance  # type: ignore[arg-type]
        for lower, upper in ((1, 3), (5, 7), (1, 5))
    ]
    assert got == expected


@pytest.mark.parametrize(
    ("order", "expected"), [((0, 1, 2), "hit and miss"), ((1, 2, 0), "pass"), ((2, 0, 1), "fail")]
)
def test_ptd_assurance_uses_the_last_limits(order: tuple[int, int, int], expected: str) -> None:
    """test-ptd_calculate_assurance_type.R, "when rebase": decrease, target 4; the last group's limits
    decide. Here each group is a partition of 14 points."""
    groups = [limits_series(1, 3), limits_series(5, 7), limits_series(1, 5)]
    values = [v for k in order for v in groups[k]]
    result = xmr(values, improvement="down", target=4, recalculate_at=[14, 28])
    assert result.assurance == expected


@pytest.mark.parametrize(("sizes", "short"), [((11,), [0]), ((12,), []), ((20, 20), []), ((35, 5), [1])])
def test_ptd_short_group_warnings(sizes: tuple[int, ...], short: list[int]) -> None:
    """test-ptd_add_short_group_warnings.R (threshold 12): a partition of fewer than 12 points warns
    (the SQL's @SettingMinimumPointsPartition); 12 does not."""
    values = steady(10, 2, sum(sizes) + 1)[: sum(sizes)]
    cuts = list(itertools.accumulate(sizes))[:-1]
    result = xmr(values, improvement="up", recalculate_at=cuts, minimum_points=2)
    warned = [w for w in result.warnings if w.startswith("Fewer than 12 non-ghosted points in partition")]
    assert [int(w.split("partition ")[1].split()[0]) for w in warned] == short


# --- 3. The MDC testing document (Excel Single Chart Tool v5.0) ---------------------------------------


def single_chart_tool() -> dict[str, tuple[list[float], str]]:
    charts: dict[str, tuple[list[float], str]] = {}
    with (VECTORS / "mdc_single_chart_tool_v5_test_data.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            values, colours = charts.get(row["chart"], ([], ""))
            charts[row["chart"]] = ([*values, float(row["value"])], colours + row["colour"][0])
    return charts


SINGLE_CHART_TOOL = single_chart_tool()


def tool_settings(chart: str) -> dict[str, Any]:
    name = chart.lower()
    improvement = "down" if "low is good" in name else "neither" if "neither" in name else "up"
    if chart in ("Recalculations - Recalculated",) or chart.startswith("Special cause crossing"):
        return {"improvement": improvement, "recalculate_at": [15]}  # "16/01/2023" starts the second section
    if chart == "Baselines - Recalculated":
        return {"improvement": improvement, "baseline": 15}  # "only the baseline is implemented"
    return {"improvement": improvement}


# Where the document's colours and the Excel settings disagree: the 15th point of "Special cause
# conflict - High is good" (27, after the increasing trend ends at 36) is blue in the data, but no
# rule in the document's text, the SQL or NHSRplotthedots flags it: its text lists p1-p14 only.
TOOL_UNEXPLAINED = {"Special cause conflict - High is good": [14]}


@pytest.mark.parametrize("chart", list(SINGLE_CHART_TOOL))
def test_single_chart_tool_colours(chart: str) -> None:
    """MDC "SPC-Charts-XmR-Testing" test data: every point's colour, with the Excel tool's settings."""
    values, expected = SINGLE_CHART_TOOL[chart]
    got = letters(xmr(values, **tool_settings(chart), **EXCEL))
    skip = TOOL_UNEXPLAINED.get(chart, [])
    assert [c for i, c in enumerate(got) if i not in skip] == [
        c for i, c in enumerate(expected) if i not in skip
    ]
    assert [got[i] for i in skip] == ["g"] * len(skip)


# The document's list of differences for "SQL query v2.6" (conflicts, only the trend crossing a
# recalculation) plus v2.6's two-of-three counting points beyond the limits: the charts whose
# colours the SQL defaults change, and how.
SQL_DIFFERENCES = {
    "Special cause - two-sigma - 2": "b" * 3 + "g" + "b" + "g" * 15 + "oog",  # 7 beside 2 (beyond the limit)
    "Special cause conflict - High is good": "o" * 8 + "b" * 6 + "g" * 6,  # the trend ranks first
    "Special cause conflict - Low is good": "b" * 7 + "o" * 7 + "g" * 6,
    "Special cause crossing recalculations - shift": "g" * 30,
    "Special cause crossing recalculations - two-sigma": "g" * 30,
}


@pytest.mark.parametrize("chart", list(SINGLE_CHART_TOOL))
def test_single_chart_tool_with_sql_defaults(chart: str) -> None:
    values, expected = SINGLE_CHART_TOOL[chart]
    got = letters(xmr(values, **tool_settings(chart)))
    assert got == SQL_DIFFERENCES.get(chart, expected)


def test_single_chart_tool_icons() -> None:
    """The document's summary icons: the assurance targets 40, 30 and 10 (high and low is good,
    before and after the recalculation: "the latest process limits are used"), and the variation
    icons given by the last point (45, 25 or 5)."""
    values = SINGLE_CHART_TOOL["Summary icons - assurance - high is good"][0]
    table = {
        (imp, tuple(rec)): [
            xmr(values, improvement=imp, target=t, recalculate_at=rec).assurance for t in (40, 30, 10)
        ]  # type: ignore[arg-type]
        for imp in ("up", "down", "neither")
        for rec in ([], [15])
    }
    assert table == {
        ("up", ()): ["fail", "hit and miss", "pass"],
        ("down", ()): ["pass", "hit and miss", "fail"],
        ("up", (15,)): ["hit and miss", "hit and miss", "pass"],
        ("down", (15,)): ["hit and miss", "hit and miss", "fail"],
        ("neither", ()): [None] * 3,
        ("neither", (15,)): [None] * 3,
    }
    head = SINGLE_CHART_TOOL["Summary icons - variation - High is good"][0][:-1]
    icons = {
        (imp, last): xmr([*head, last], improvement=imp).variation  # type: ignore[arg-type]
        for imp in ("up", "down", "neither")
        for last in (45, 25, 5)
    }
    assert icons == {
        ("up", 45): "improvement high",
        ("up", 25): "common cause",
        ("up", 5): "concern low",
        ("down", 45): "concern high",
        ("down", 25): "common cause",
        ("down", 5): "improvement low",
        ("neither", 45): "neither high",
        ("neither", 25): "common cause",
        ("neither", 5): "neither low",
    }
    assert (
        xmr(SINGLE_CHART_TOOL["Summary icons - variation - Too few points"][0], improvement="up").variation
        is None
    )


# --- 4. Edge cases -------------------------------------------------------------------------------------


def test_limits_and_two_sigma_lines() -> None:
    """Step 4E: mean ± 2.66 × mean moving range; two-sigma at two thirds of that distance."""
    p = xmr(steady(75, 50), improvement="up").points[0]
    assert (p.mean, p.upper, p.lower) == (75, 208, -58)
    assert (p.upper_two_sigma, p.lower_two_sigma) == pytest.approx((75 + 133 * 2 / 3, 75 - 133 * 2 / 3))


def test_point_on_the_mean_breaks_a_shift() -> None:
    """Step 4G: a point is above the mean only when greater than it; one on the mean ends the run."""
    assert tail_flags(after_base([ABOVE] * 6), "shift") == [1] * 6
    assert tail_flags(after_base([ABOVE] * 5 + [10.0] + [ABOVE] * 5), "shift") == [0] * 11
    assert tail_flags(after_base([ABOVE] * 3 + [10.0] + [ABOVE] * 6), "shift") == [0] * 4 + [1] * 6
    assert tail_flags(after_base([BELOW] * 6, shift=7), "shift") == [0] * 6


def test_equal_value_breaks_a_trend() -> None:
    """Step 4H: each point must be greater than the one before; a trend of 6 counts both ends."""
    flat = [5.0, 6.0, 7.0, 7.0, 8.0, 9.0, 10.0]
    assert tail_flags(after_base(flat), "trend") == [0] * 7
    assert tail_flags(after_base([5.0, 6.0, 7.0, 8.0, 9.0, 10.0]), "trend") == [1] * 6
    assert tail_flags(after_base([5.0, 6.0, 7.0, 8.0, 9.0]), "trend") == [0] * 5
    assert tail_flags(after_base([5.0, 6.0, 7.0, 8.0, 9.0, 10.0], trend=7), "trend") == [0] * 6


@pytest.mark.parametrize(
    ("improvement", "target", "decisive", "lenient"),
    [
        ("up", 208, "fail", "hit and miss"),
        ("up", -58, "pass", "hit and miss"),
        ("down", 208, "pass", "hit and miss"),
        ("down", -58, "fail", "hit and miss"),
        ("up", 207.5, "hit and miss", "hit and miss"),
        ("up", 208.5, "fail", "fail"),
        ("down", -58.5, "fail", "fail"),
    ],
)
def test_target_on_a_limit(improvement: str, target: float, decisive: str, lenient: str) -> None:
    """Step 4K: v2.6 counts a target exactly on a limit as pass or fail (limits 208 and -58 here);
    NHSRplotthedots counts it as hit and miss."""
    values = steady(75, 50)
    assert xmr(values, improvement=improvement, target=target).assurance == decisive  # type: ignore[arg-type]
    lenient_result = xmr(values, improvement=improvement, target=target, target_on_limit="hit and miss")  # type: ignore[arg-type]
    assert lenient_result.assurance == lenient


def test_twelve_points_are_a_run_chart_and_thirteen_an_spc_chart() -> None:
    """@SettingMinimumPoints = 13: with 12 the mean and target only; limits, special causes and icons
    from 13. Ghosts and gaps are not counted."""
    twelve = xmr([*steady(75, 50, 12)[:11], 400], improvement="up", target=100)
    assert [p.mean for p in twelve.points] == [twelve.points[0].mean] * 12
    assert all(p.upper is None and p.lower is None and not p.special and not p.rules for p in twelve.points)
    assert (twelve.variation, twelve.assurance, twelve.icon_point, twelve.target) == (None, None, None, 100)
    assert twelve.warnings == ("Fewer than 13 non-ghosted points so displayed as a run chart",)
    thirteen = xmr(steady(75, 50, 14)[:13], improvement="up", target=100)
    assert (thirteen.variation, thirteen.assurance, thirteen.warnings) == ("common cause", "hit and miss", ())
    assert thirteen.points[0].upper is not None
    assert xmr([*steady(75, 50, 14)[:13]], improvement="up", ghosts=[3]).variation is None
    assert xmr([*steady(75, 50, 14)[:12], None, 75], improvement="up").variation == "common cause"
    assert xmr([*steady(75, 50, 14)[:12], None], improvement="up").variation is None
    assert xmr(steady(75, 50, 12), improvement="up", minimum_points=12).variation == "common cause"


def test_gap_inside_a_shift_and_a_trend() -> None:
    """A None value is a non-ghosted point on neither side of the mean (step 4G) and neither an
    increase nor a decrease, nor is the point after it (step 4H): it ends both runs."""
    assert tail_flags(after_base([ABOVE] * 3 + [None] + [ABOVE] * 3), "shift") == [0] * 7
    assert tail_flags(after_base([ABOVE] * 3 + [None] + [ABOVE] * 6), "shift") == [0] * 4 + [1] * 6
    # The baseline ends at 11, so 11, 12, ..., 16 is a trend of 6 crossing into partition 1.
    rising = [12.0, 13.0, 14.0, 15.0, 16.0]
    assert tail_flags(after_base(rising), "trend") == [1] * 5
    assert after_base(rising).points[len(BASE) - 1].rules == ("trend_high",)
    assert tail_flags(after_base([12.0, 13.0, None, 14.0, 15.0, 16.0, 17.0]), "trend") == [0] * 7
    gap = after_base([12.0, 13.0, None, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0])
    assert tail_flags(gap, "trend") == [0, 0, 0, 1, 1, 1, 1, 1, 1]


def test_gap_has_no_moving_range_and_leaves_the_mean() -> None:
    result = xmr([1.0, 3.0, None, 7.0, 8.0], improvement="up")
    assert [p.moving_range for p in result.points] == [None, 2.0, None, None, 1.0]
    assert result.points[2].mean == (1 + 3 + 7 + 8) / 4
    assert result.points[2].value is None and not result.points[2].special


def test_ghosted_points() -> None:
    """[GhostFlag]: shown, in no calculation; moving ranges, shifts and trends run over them."""
    values = steady(75, 50)
    ghosted = [*values[:5], 1000.0, *values[5:]]
    plain, result = xmr(values, improvement="up"), xmr(ghosted, improvement="up", ghosts=[5])
    assert result.points[0].mean == plain.points[0].mean and result.points[0].upper == plain.points[0].upper
    assert result.points[5].ghost and result.points[5].mean == plain.points[0].mean
    assert (result.points[5].colour, result.points[5].special, result.points[5].rules) == ("grey", False, ())
    assert result.points[6].moving_range == abs(ghosted[6] - ghosted[4])
    assert tail_flags(after_base([ABOVE] * 3 + [99.0] + [ABOVE] * 3, ghosts=[23]), "shift") == [
        1,
        1,
        1,
        0,
        1,
        1,
        1,
    ]
    last_ghosted = xmr([*values, 1000.0], improvement="up", ghosts=[14])
    assert (last_ghosted.icon_point, last_ghosted.variation) == (13, "common cause")


def test_baseline() -> None:
    """#BaselineData: limits from the first points, carried on; special causes judged against them."""
    result = after_base([OVER_TOP] * 3)
    assert [p.partition for p in result.points[-4:]] == [0, 1, 1, 1]
    assert all((p.mean, p.upper) == (10, 10 + 2 * 2.66) for p in result.points)
    assert tail_flags(result, "single_point") == [1, 1, 1]
    assert xmr([*BASE, *[OVER_TOP] * 3], improvement="up").points[0].mean == pytest.approx(248 / 23)
    assert (
        "Baseline includes special cause variation"
        in xmr([*BASE, 60.0], improvement="up", baseline=21).warnings
    )


def test_recalculation() -> None:
    """[RecalculateLimitsFlag]: new limits from each named point; partitions number the sections."""
    values = [*BASE, *steady(30, 2, 14)]
    result = xmr(values, improvement="up", recalculate_at=[20])
    assert {(p.partition, p.mean) for p in result.points} == {(0, 10), (1, 30)}
    assert letters(result) == "g" * 34
    assert letters(xmr(values, improvement="up")) == "o" * 20 + "b" * 14  # one set of limits: two shifts
    both = xmr([*BASE, *BASE, *steady(30, 2, 14)], improvement="up", baseline=10, recalculate_at=[40])
    assert {p.partition: p.mean for p in both.points} == {0: 10, 1: 10, 2: 30}
    assert {p.partition: p.moving_range is None for p in both.points if p.index in (0, 10, 40)} == {
        0: True,
        1: True,
        2: True,
    }


def test_two_of_three_with_a_point_beyond_the_limit() -> None:
    """Step 4I: since v2.6 a point beyond the process limit counts as beyond two sigma."""
    tail = [ABOVE, NEAR_TOP, OVER_TOP, ABOVE, BELOW]
    v26 = after_base(tail)
    assert tail_flags(v26, "two_of_three") == [0, 1, 1, 0, 0]
    assert letters(v26)[-5:] == "gbbgg"
    between = after_base(tail, two_of_three_beyond_limits=False)
    assert tail_flags(between, "two_of_three") == [0, 0, 0, 0, 0]
    assert letters(between)[-5:] == "ggbgg"  # 16 still a single point beyond the limit


def test_conflict_rule() -> None:
    """Step 4J: 16 above the limit starting a fall of 6 points, all above the mean: single point,
    shift and two-of-three say improvement, the trend concern. v2.6a ranks the trend first;
    NHSRplotthedots ranks the single point first; v2.6 leaves it to [MetricConflictRule]."""
    tail = [16.0, 15.0, 14.0, 13.5, 13.0, 12.5]
    ranked = after_base(tail)
    assert [p.conflict for p in ranked.points[-6:]] == [True] * 6
    assert letters(ranked)[-6:] == "oooooo"
    assert letters(after_base(tail, precedence=PTD_PRECEDENCE))[-6:] == "booooo"
    assert letters(after_base(tail, precedence=None, conflict="improvement"))[-6:] == "bbbbbb"
    assert letters(after_base(tail, precedence=None, conflict="concern"))[-6:] == "oooooo"


def test_conflict_at_a_trend_turning_point() -> None:
    """A point ending a rise and starting a fall triggers the trend both ways: a tie that
    [MetricConflictRule] decides, whatever the precedence."""
    peak = [float(v) for v in (1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, 6, 1, 6, 1)]  # 6 is inside the limits
    for precedence in (MDC_PRECEDENCE, PTD_PRECEDENCE, None):
        for conflict, colour in (("concern", "orange"), ("improvement", "blue")):
            p = xmr(peak, improvement="up", conflict=conflict, precedence=precedence).points[5]  # type: ignore[arg-type]
            assert (p.rules, p.conflict, p.colour) == (("trend_high", "trend_low"), True, colour)


def test_improvement_neither() -> None:
    """[MetricImprovement] 'Neither': purple for any special cause; icons "neither high/low" (step
    4K checks the high flag first); a target is dropped with the SQL's warning."""
    base = steady(75, 50)
    high = xmr([*base, 300.0], improvement="neither", target=100)
    assert letters(high) == "g" * 14 + "p"
    assert (high.variation, high.assurance, high.target) == ("neither high", None, None)
    assert high.warnings == ("Target excluded: improvement is 'neither' (a target needs 'up' or 'down')",)
    low = xmr([*base, -200.0], improvement="neither")
    assert (letters(low), low.variation) == ("g" * 14 + "p", "neither low")
    both = xmr([float(v) for v in (1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, 3, 3, 2, 3, 6)], improvement="neither")
    assert {"trend_high", "trend_low"} <= set(both.points[5].rules) and both.points[5].colour == "purple"


def test_constant_series() -> None:
    """Every moving range 0: the limits and two-sigma lines equal the mean, nothing is above or below
    it, so nothing is special. A target equal to the mean is on both limits: step 4K's CASE checks
    pass first, so it passes for up and for down; as hit and miss it is hit and miss."""
    flat = xmr([5.0] * 15, improvement="up", target=5)
    p = flat.points[0]
    assert p.mean == p.upper == p.lower == p.upper_two_sigma == p.lower_two_sigma == 5
    assert (letters(flat), flat.variation, flat.assurance) == ("g" * 15, "common cause", "pass")
    assert xmr([5.0] * 15, improvement="down", target=5).assurance == "pass"
    assert (
        xmr([5.0] * 15, improvement="up", target=5, target_on_limit="hit and miss").assurance
        == "hit and miss"
    )
    assert xmr([5.0] * 15, improvement="up", target=6).assurance == "fail"
    jump = xmr([5.0] * 14 + [6.0], improvement="up")
    assert letters(jump)[-1] == "b" and jump.points[-1].rules == ("single_point_high",)
    for mode in ("screen", "exclude"):  # a mean moving range of 0 has no outliers to remove
        assert xmr([5.0] * 15, improvement="up", outliers=mode).points[0].upper == 5  # type: ignore[arg-type]


def test_all_none_and_empty() -> None:
    nothing = xmr([None] * 15, improvement="up", target=3)
    assert len(nothing.points) == 15
    assert all(
        p.value is p.mean is p.upper is p.moving_range is None and p.colour == "grey" for p in nothing.points
    )
    assert (nothing.variation, nothing.assurance, nothing.icon_point) == (None, None, None)
    empty = xmr([], improvement="down")
    assert (empty.points, empty.variation, empty.assurance, empty.icon_point) == ((), None, None, None)


def test_outlier_modes() -> None:
    """deviations.Rmd's data: "keep" (MDC), "screen" (NHSRplotthedots: the 8 and 9 moving ranges
    leave the mean moving range) and "exclude" (SQL @ExcludeMovingRangeOutliers: the points they
    lead to, 10 and the 1 after it, also leave the mean)."""
    data = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    keep, screen, exclude = (
        xmr(data, improvement="up", outliers=m).points[0] for m in ("keep", "screen", "exclude")
    )  # type: ignore[arg-type]
    assert (keep.mean, keep.upper) == pytest.approx((35 / 18, 35 / 18 + 2.66 * 32 / 17))
    assert (screen.mean, screen.upper) == pytest.approx((35 / 18, 35 / 18 + 2.66))
    assert (exclude.mean, exclude.upper) == pytest.approx((24 / 16, 24 / 16 + 2.66))


def test_outlier_boundary() -> None:
    """A moving range exactly 3.267 times the mean moving range: NHSRplotthedots keeps only those
    below (`mr < 3.267 * amr`), the SQL those at or below (`<= [MovingRangeMean] * 3.267`)."""
    jump = 75.4068090017311  # with four moving ranges of 10, exactly 3.267 times their mean (in binary)
    values = [0.0, 10.0, 0.0, 10.0, 0.0, jump]
    mean_range = math.fsum([10.0] * 4 + [jump]) / 5
    assert 3.267 * mean_range == jump
    screen = xmr(values, improvement="up", outliers="screen", minimum_points=2).points[0]
    exclude = xmr(values, improvement="up", outliers="exclude", minimum_points=2).points[0]
    assert screen.upper == pytest.approx(screen.mean + 2.66 * 10)
    assert (exclude.mean, exclude.upper) == pytest.approx(
        (sum(values) / 6, sum(values) / 6 + 2.66 * mean_range)
    )


def test_cross_partitions() -> None:
    """Which run rules carry on across a recalculation: the trend only (SQL v2.6 steps 4G-4I), all
    of them (the Excel tool) or none (NHSRplotthedots)."""
    rise = [*BASE, 12.0, 13.0, 14.0, 15.0, 16.0, *steady(14, 2, 14)]  # 9, 11, 12 ... 16 across index 22
    step = [*BASE, 11.0, 11.0, 11.0, 31.0, 31.0, 31.0, *steady(30, 2, 14)]  # above both means
    found = {}
    for mode in ("trend", "all", "none"):
        trend = xmr(rise, improvement="up", recalculate_at=[22], cross_partitions=mode)  # type: ignore[arg-type]
        shift = xmr(step, improvement="up", recalculate_at=[23], cross_partitions=mode)  # type: ignore[arg-type]
        found[mode] = (with_rule(trend, "trend_high"), with_rule(shift, "shift_high"))
    rising, stepping = list(range(18, 25)), list(range(19, 26))
    assert found == {"trend": (rising, []), "all": (rising, stepping), "none": ([], [])}


def test_icons_skip_a_trailing_gap() -> None:
    """The icons describe the last non-ghosted point with a value (the SQL would take a trailing
    NULL row, which it warns about, and call it common cause)."""
    result = xmr([*steady(75, 50), 300.0, None], improvement="up", target=300)
    assert (result.icon_point, result.variation, result.assurance) == (14, "improvement high", "fail")


# --- Invalid arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"values": "12345"}, "values: got '12345'; a sequence of numbers or None"),
        ({"values": [1, "2"]}, "values[1]: got '2'; a number, or None for a gap"),
        ({"values": [1, True]}, "values[1]: got True; a number, or None for a gap"),
        ({"values": [1, float("nan")]}, "values[1]: got nan; a finite number, or None for a gap"),
        ({"values": [float("inf")]}, "values[0]: got inf; a finite number"),
        ({"improvement": "Up"}, "improvement: got 'Up'; one of 'up', 'down', 'neither'"),
        ({"target": "95%"}, "target: got '95%'; a finite number or None"),
        ({"shift": 5}, "shift: got 5; an integer from 6 to 8 (@SettingSpecialCauseShiftPoints)"),
        ({"shift": 9}, "shift: got 9; an integer from 6 to 8"),
        ({"trend": 6.0}, "trend: got 6.0; an integer from 6 to 8"),
        ({"minimum_points": 1}, "minimum_points: got 1; an integer, 2 or more"),
        ({"two_of_three_beyond_limits": "yes"}, "two_of_three_beyond_limits: got 'yes'; True or False"),
        ({"conflict": "blue"}, "conflict: got 'blue'; one of 'concern', 'improvement'"),
        ({"precedence": ("trend", "shift")}, "precedence: got ('trend', 'shift'); None or the rules"),
        ({"precedence": "trend"}, "precedence: got 'trend'; None or the rules"),
        ({"outliers": "drop"}, "outliers: got 'drop'; one of 'keep', 'screen', 'exclude'"),
        ({"target_on_limit": "fail"}, "target_on_limit: got 'fail'; one of 'pass or fail', 'hit and miss'"),
        ({"cross_partitions": "shift"}, "cross_partitions: got 'shift'; one of 'trend', 'all', 'none'"),
        ({"baseline": 0}, "baseline: got 0; an integer from 1 to 20"),
        ({"baseline": 21}, "baseline: got 21; an integer from 1 to 20"),
        ({"recalculate_at": [0]}, "recalculate_at: got 0; an index from 1 to 19"),
        ({"recalculate_at": [20]}, "recalculate_at: got 20; an index from 1 to 19"),
        ({"recalculate_at": [5], "baseline": 10},
         "recalculate_at: got 5; an index from 10 to 19; not inside the baseline of 10 points"),
        ({"recalculate_at": 5}, "recalculate_at: got 5; a list of point indexes"),
        ({"ghosts": [-1]}, "ghosts: got -1; an index from 0 to 19"),
        ({"ghosts": ["3"]}, "ghosts: got '3'; an index from 0 to 19"),
    ],
)  # fmt: skip
def test_invalid_arguments(arguments: dict[str, Any], message: str) -> None:
    call: dict[str, Any] = {"values": BASE, "improvement": "up", **arguments}
    with pytest.raises(ValueError, match=r"^xmr\(\): ") as raised:
        xmr(call.pop("values"), **call)
    assert message in str(raised.value)


# --- The result object ---------------------------------------------------------------------------------


def test_result_is_immutable_and_colours_are_exported() -> None:
    result = xmr(steady(75, 50), improvement="up")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.variation = "improvement high"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.points[0].colour = "blue"  # type: ignore[misc]
    assert isinstance(result.points, tuple)
    assert (spc.IMPROVEMENT_BLUE, spc.CONCERN_ORANGE, spc.NEITHER_PURPLE, spc.COMMON_CAUSE_GREY) == (
        "#00B0F0",
        "#E46C0A",
        "#490092",
        "#A6A6A6",
    )
    assert spc.COLOURS == {"grey": "#A6A6A6", "blue": "#00B0F0", "orange": "#E46C0A", "purple": "#490092"}


def test_to_frame() -> None:
    result = xmr([*steady(75, 50), 300.0, None], improvement="up", target=100, ghosts=[2])
    frame = result.to_frame()
    assert len(frame) == 16
    assert list(frame.columns) == [
        "value", "ghost", "partition", "mean", "upper", "lower", "upper_two_sigma", "lower_two_sigma",
        "moving_range", "target", "rules", "conflict", "special", "colour", "colour_hex",
    ]  # fmt: skip
    assert frame["colour"].tolist()[-2:] == ["blue", "grey"]
    assert frame["colour_hex"].tolist()[-2] == "#00B0F0"
    assert frame["ghost"].tolist()[2] is True and math.isnan(frame["value"].iloc[-1])
    assert (
        frame["value"].dtype == frame["upper"].dtype == "float64" and frame["target"].tolist() == [100.0] * 16
    )
    assert frame["rules"].tolist()[-2] == "single_point_high"


def test_module_imports_only_the_standard_library() -> None:
    """It runs in Pyodide: module-level imports are all standard library; pandas only inside
    to_frame (and for type checking)."""
    tree = ast.parse(Path(spc.__file__).read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    assert names - {"__future__"} <= set(sys.stdlib_module_names)
