"""The month's story, as a board member wants it first: how many measures are red, amber and green
(and, where the scorecard shows SPC, how many show each variation and assurance icon); what changed
since the previous period (measures that changed RAG, new special causes, the largest movements
against their own process limits); and the exceptions (red and worsening, or a concern or fail
icon), each with the commentary typed against it.

A benchmarking scorecard without targets is graded by its quartile band instead of RAG, as its
Summary is (A the best quarter of all authorities, D the worst): the story counts bands, tells the
measures whose band changed, and flags those in band D and worsening.

Pure, like the model it reads: the period's Scorecard and the previous period's, built from the
same data (None when the data has no earlier period). Full lists, most in need first; how many
of each a page shows is the layout's choice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scorecard_xl.inputs.data import Dataset
from scorecard_xl.inputs.definition import Definition
from scorecard_xl.model.assess import AMBER, GREEN, RED
from scorecard_xl.model.scorecard import MeasureRow, Scorecard, Tally, build_scorecard, tally

MOVEMENTS = 5  # the largest movements told
# A variation icon's group ("concern low" is a concern); no icon means too few points for limits.
VARIATION_GROUPS = ("improvement", "concern", "neither", "common cause", "no icon")
ASSURANCES = ("pass", "hit and miss", "fail", "no icon")
SPECIAL_ORDER = ("concern", "neither", "improvement")  # new special causes, most in need first
# Why a measure is an exception, in the order the page tells them: the worst grade (red, or band D)
# and worse than the value before; a concern variation icon; a fail assurance icon.
WORST_AND_WORSENING, CONCERN, FAIL = "worst and worsening", "concern", "fail"
REASONS = (WORST_AND_WORSENING, CONCERN, FAIL)


@dataclass(frozen=True)
class Scale:
    """What the scorecard grades each measure by, best grade first: RAG against target, or the
    quartile band of benchmark `band` (a scorecard without targets, as the Summary judges it)."""

    grades: tuple[str, ...]
    band: int | None = None  # the quartile benchmark's place among the definition's benchmarks

    def grade(self, row: MeasureRow) -> str | None:
        if self.band is None:
            return row.rag
        found = row.benchmarks[self.band]
        return found if found in self.grades else None

    def worse(self, before: str, after: str) -> bool:
        return self.grades.index(after) > self.grades.index(before)


RAG_SCALE = Scale((GREEN, AMBER, RED))
BANDS = ("A", "B", "C", "D")


def scale_of(definition: Definition) -> Scale:
    """RAG, unless no measure has a target and a benchmark is a quartile band."""
    band = next((i for i, b in enumerate(definition.benchmarks) if b.kind == "quartile"), None)
    if band is None or any(measure.target.judged for measure in definition.measures):
        return RAG_SCALE
    return Scale(BANDS, band)


@dataclass(frozen=True)
class Change:
    """A measure graded in both periods whose grade changed."""

    row: MeasureRow
    before: str  # its grade in the previous period ("G", or a band "B")
    after: str
    worse: bool


@dataclass(frozen=True)
class Movement:
    """A measure's latest point against the one before it, measured by its own process limits."""

    row: MeasureRow
    previous: float
    latest: float
    share: float  # |latest - previous| as a share of the width between the process limits

    @property
    def up(self) -> bool:
        return self.latest > self.previous


@dataclass(frozen=True)
class Flagged:
    """An exception: a measure the board should look at, why, and what the analyst said of it."""

    row: MeasureRow
    reasons: tuple[str, ...]  # from REASONS, in that order
    commentary: str  # "" when none was typed


@dataclass(frozen=True)
class Story:
    """What the first page tells; every list in full, most in need first."""

    scorecard: Scorecard
    previous: Scorecard | None  # the period before, when the data has it
    scale: Scale
    counts: Tally  # (its red, amber and green count RAG; `grades` counts the scale's)
    grades: Mapping[str, int]  # each grade -> measures; "" -> measures without one
    previous_grades: Mapping[str, int] | None
    same: int  # measures whose latest value is the same as the previous one (as displayed)
    variation: Mapping[str, int]  # VARIATION_GROUPS -> measures showing SPC
    assurance: Mapping[str, int]  # ASSURANCES -> measures showing SPC
    changes: tuple[Change, ...]  # of grade: worse first, the worst destination first
    new_special_causes: tuple[MeasureRow, ...]  # concerns first
    movements: tuple[Movement, ...]  # the largest first, at most MOVEMENTS
    exceptions: tuple[Flagged, ...]  # the most reasons first

    @property
    def shows_spc(self) -> bool:
        return any(row.measure.spc is not None for row in self.scorecard.rows)


def previous_scorecard(definition: Definition, dataset: Dataset, scorecard: Scorecard) -> Scorecard | None:
    """The scorecard of the period before `scorecard`'s, from the same data; None when the data
    has no values for it (the first month of the data, or a gap)."""
    earlier = scorecard.period.shift(-1)
    return build_scorecard(definition, dataset, earlier) if earlier in scorecard.available else None


def tell(scorecard: Scorecard, previous: Scorecard | None, commentary: Mapping[str, str]) -> Story:
    """The story of `scorecard`'s period, compared with `previous` (the period before, or None)."""
    before = {row.id: row for row in previous.rows} if previous else {}
    charted = [row for row in scorecard.rows if row.measure.spc is not None]
    scale = scale_of(scorecard.definition)
    return Story(
        scorecard=scorecard,
        previous=previous,
        scale=scale,
        counts=tally(scorecard.rows),
        grades=_graded(scale, scorecard),
        previous_grades=_graded(scale, previous) if previous else None,
        same=sum(1 for row in scorecard.rows if row.vs_previous and row.vs_previous.verdict == "same"),
        variation=_counted(VARIATION_GROUPS, (variation_group(row) for row in charted)),
        assurance=_counted(ASSURANCES, (assurance(row) or "no icon" for row in charted)),
        changes=_changes(scale, scorecard, before),
        new_special_causes=_new_special_causes(charted, before) if previous else (),
        movements=_movements(scorecard),
        exceptions=_exceptions(scale, scorecard, commentary),
    )


def variation(row: MeasureRow | None) -> str | None:
    """The measure's variation icon ("concern low", ...), None without one."""
    return row.spc.chart.variation if row is not None and row.spc is not None else None


def assurance(row: MeasureRow | None) -> str | None:
    return row.spc.chart.assurance if row is not None and row.spc is not None else None


def variation_group(row: MeasureRow) -> str:
    """Its icon's group: improvement, concern, neither, common cause, or no icon."""
    icon = variation(row)
    if icon is None:
        return "no icon"
    return icon if icon == "common cause" else icon.split()[0]


def is_special(row: MeasureRow | None) -> bool:
    return variation(row) not in (None, "common cause")


def _counted(keys: tuple[str, ...], found: Iterable[str]) -> dict[str, int]:
    counts = Counter(found)
    return {key: counts[key] for key in keys}


def _graded(scale: Scale, scorecard: Scorecard) -> dict[str, int]:
    return _counted((*scale.grades, ""), (scale.grade(row) or "" for row in scorecard.rows))


def _changes(scale: Scale, scorecard: Scorecard, before: Mapping[str, MeasureRow]) -> tuple[Change, ...]:
    changes = []
    for row in scorecard.rows:
        now, then = scale.grade(row), scale.grade(before[row.id]) if row.id in before else None
        if now and then and now != then:
            changes.append(Change(row, then, now, scale.worse(then, now)))
    # Worse first, the worst destination first, then as the scorecard orders them (a stable sort).
    rank = scale.grades.index
    return tuple(sorted(changes, key=lambda c: (not c.worse, -rank(c.after) if c.worse else 0)))


def _new_special_causes(
    charted: list[MeasureRow], before: Mapping[str, MeasureRow]
) -> tuple[MeasureRow, ...]:
    """Special cause this period, not in the period before (a measure new to the chart counts)."""
    found = [row for row in charted if is_special(row) and not is_special(before.get(row.id))]
    return tuple(sorted(found, key=lambda row: SPECIAL_ORDER.index(variation_group(row))))


def _movements(scorecard: Scorecard) -> tuple[Movement, ...]:
    """The latest point's move from the point before it, as a share of the width between its process
    limits: only measures with limits whose latest point is the period shown (a quarterly measure
    between its quarters has not moved)."""
    found = []
    for row in scorecard.rows:
        spc = row.spc
        if spc is None or spc.chart.icon_point is None:
            continue
        latest = spc.chart.points[spc.chart.icon_point]
        if spc.periods[latest.index] != scorecard.period or latest.value is None:
            continue
        if latest.upper is None or latest.lower is None or latest.upper <= latest.lower:
            continue
        earlier = [p.value for p in spc.chart.points[: latest.index] if p.value is not None and not p.ghost]
        if not earlier or earlier[-1] == latest.value:
            continue
        previous = earlier[-1]
        share = abs(latest.value - previous) / (latest.upper - latest.lower)
        found.append(Movement(row, previous, latest.value, share))
    found.sort(key=lambda m: -m.share)
    return tuple(found[:MOVEMENTS])


def reasons(scale: Scale, row: MeasureRow) -> tuple[str, ...]:
    """Why the measure is an exception (empty when it is not one)."""
    found = []
    worst = scale.grade(row) == scale.grades[-1]
    if worst and row.vs_previous is not None and row.vs_previous.verdict == "worse":
        found.append(WORST_AND_WORSENING)
    if variation_group(row) == CONCERN:
        found.append(CONCERN)
    if assurance(row) == FAIL:
        found.append(FAIL)
    return tuple(found)


def _exceptions(scale: Scale, scorecard: Scorecard, commentary: Mapping[str, str]) -> tuple[Flagged, ...]:
    found = [
        Flagged(row, why, (commentary.get(row.id) or "").strip())
        for row in scorecard.rows
        if (why := reasons(scale, row))
    ]
    return tuple(sorted(found, key=lambda f: (-len(f.reasons), REASONS.index(f.reasons[0]))))
