"""Judgements: RAG against target, direction of travel, position against a comparator.

All comparisons are made on values as displayed (rounded to the measure's decimals), so a reader
never sees 90.0% marked red against a 90% target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scorecard_xl.inputs.definition import Measure
from scorecard_xl.inputs.values import Value, round_for_display

Rag = Literal["R", "A", "G"]
Arrow = Literal["up", "down", "flat"]
Verdict = Literal["better", "worse", "same"]
RED: Rag = "R"
AMBER: Rag = "A"
GREEN: Rag = "G"
RAG_WORDS: dict[Rag, str] = {RED: "Red", AMBER: "Amber", GREEN: "Green"}


@dataclass(frozen=True)
class Direction:
    """Which way a value moved and, when the measure has a polarity, whether that is better."""

    arrow: Arrow
    verdict: Verdict | None  # None when the measure's polarity is none

    @property
    def text(self) -> str:
        glyph = {"up": "▲", "down": "▼", "flat": "►"}[self.arrow]
        word = self.verdict or {"up": "up", "down": "down", "flat": "same"}[self.arrow]
        return f"{glyph} {word}"


def _shown(measure: Measure, value: Value | None) -> float | None:
    if not isinstance(value, float):
        return None
    return round_for_display(value, measure.unit, measure.decimals)


def rag(measure: Measure, value: Value | None, target: Value | None) -> Rag | None:
    """R, A or G for `value` against `target`; None when either is not a number."""
    shown, goal = _shown(measure, value), _shown(measure, target)
    if shown is None or goal is None or measure.polarity == "none":
        return None
    gap = shown - goal if measure.polarity == "high" else goal - shown  # >= 0 is on target
    if gap >= -1e-9:
        return GREEN
    band = measure.tolerance.band(goal)
    return AMBER if -gap <= band + 1e-9 else RED


def direction(measure: Measure, now: Value | None, before: Value | None) -> Direction | None:
    """How `now` compares with `before`, judged by the measure's polarity."""
    a, b = _shown(measure, now), _shown(measure, before)
    if a is None or b is None:
        return None
    if abs(a - b) < 1e-9:
        return Direction("flat", "same" if measure.polarity != "none" else None)
    arrow: Arrow = "up" if a > b else "down"
    if measure.polarity == "none":
        return Direction(arrow, None)
    better = (arrow == "up") == (measure.polarity == "high")
    return Direction(arrow, "better" if better else "worse")


def position(measure: Measure, value: Value | None, comparator: Value | None) -> str | None:
    """'better', 'worse' or 'same' than a comparator by polarity; 'higher'/'lower' without one."""
    a, b = _shown(measure, value), _shown(measure, comparator)
    if a is None or b is None:
        return None
    if abs(a - b) < 1e-9:
        return "same"
    if measure.polarity == "none":
        return "higher" if a > b else "lower"
    return "better" if (a > b) == (measure.polarity == "high") else "worse"
