"""The month's story, as a board member wants it first: how many measures are red, amber and green
(and, where the scorecard shows SPC, how many show each variation and assurance icon); what changed
since the previous period (measures that changed RAG, new special causes, the largest movements
against their own process limits); and the exceptions (red and worsening, or a concern or fail
icon), each with the commentary typed against it.

Pure, like the model it reads: the period's Scorecard and the previous period's, built from the
same data (None when the data has no earlier period). Full lists, most in need first; how many
of each a page shows is the layout's choice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scorecard_xl.assess import AMBER, GREEN, RED
from scorecard_xl.data import Dataset
from scorecard_xl.definition import Definition
from scorecard_xl.model import MeasureRow, Scorecard, Tally, build_scorecard, tally

RAG_RANK = {GREEN: 0, AMBER: 1, RED: 2}  # worse is higher
MOVEMENTS = 5  # the largest movements told
# A variation icon's group ("concern low" is a concern); no icon means too few points for limits.
VARIATION_GROUPS = ("improvement", "concern", "neither", "common cause", "no icon")
ASSURANCES = ("pass", "hit and miss", "fail", "no icon")
SPECIAL_ORDER = ("concern", "neither", "improvement")  # new special causes, most in need first
# Why a measure is an exception, in the order the page tells them.
RED_AND_WORSENING, CONCERN, FAIL = "red and worsening", "concern", "fail"
REASONS = (RED_AND_WORSENING, CONCERN, FAIL)


@dataclass(frozen=True)
class RagChange:
    """A measure judged in both periods whose RAG changed."""

    row: MeasureRow
    before: str  # "R", "A" or "G" in the previous period

    @property
    def after(self) -> str:
        return self.row.rag or ""

    @property
    def worse(self) -> bool:
        return RAG_RANK[self.after] > RAG_RANK[self.before]


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
    counts: Tally
    previous_counts: Tally | None
    same: int  # measures whose latest value is the same as the previous one (as displayed)
    variation: Mapping[str, int]  # VARIATION_GROUPS -> measures showing SPC
    assurance: Mapping[str, int]  # ASSURANCES -> measures showing SPC
    rag_changes: tuple[RagChange, ...]  # worse first, the worst destination first
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
    return Story(
        scorecard=scorecard,
        previous=previous,
        counts=tally(scorecard.rows),
        previous_counts=tally(previous.rows) if previous else None,
        same=sum(1 for row in scorecard.rows if row.vs_previous and row.vs_previous.verdict == "same"),
        variation=_counted(VARIATION_GROUPS, (variation_group(row) for row in charted)),
        assurance=_counted(ASSURANCES, (assurance(row) or "no icon" for row in charted)),
        rag_changes=_rag_changes(scorecard, before),
        new_special_causes=_new_special_causes(charted, before) if previous else (),
        movements=_movements(scorecard),
        exceptions=_exceptions(scorecard, commentary),
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


def _rag_changes(scorecard: Scorecard, before: Mapping[str, MeasureRow]) -> tuple[RagChange, ...]:
    changes = [
        RagChange(row, before[row.id].rag or "")
        for row in scorecard.rows
        if row.rag and row.id in before and before[row.id].rag not in (None, row.rag)
    ]
    # Worse first, the worst destination first, then as the scorecard orders them (a stable sort).
    return tuple(sorted(changes, key=lambda c: (not c.worse, -RAG_RANK[c.after] if c.worse else 0)))


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


def reasons(row: MeasureRow) -> tuple[str, ...]:
    """Why the measure is an exception (empty when it is not one)."""
    found = []
    if row.rag == RED and row.vs_previous is not None and row.vs_previous.verdict == "worse":
        found.append(RED_AND_WORSENING)
    if variation_group(row) == CONCERN:
        found.append(CONCERN)
    if assurance(row) == FAIL:
        found.append(FAIL)
    return tuple(found)


def _exceptions(scorecard: Scorecard, commentary: Mapping[str, str]) -> tuple[Flagged, ...]:
    found = [
        Flagged(row, why, (commentary.get(row.id) or "").strip())
        for row in scorecard.rows
        if (why := reasons(row))
    ]
    return tuple(sorted(found, key=lambda f: (-len(f.reasons), REASONS.index(f.reasons[0]))))
