"""The Cover: what this workbook is, where it came from, contents, and the key."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scorecard_xl.layout.common import CONTENTS_SHEET, period_text, print_setup
from scorecard_xl.layout.context import BuildContext
from scorecard_xl.layout.sheet import Link, SheetLayout
from scorecard_xl.model import Scorecard
from scorecard_xl.styles import CONDITIONAL
from scorecard_xl.values import MISSING_TOKENS

LABEL, TEXT = 1, 2  # columns: a narrow margin, labels, then text


def lay_out_cover(
    scorecard: Scorecard, context: BuildContext, contents: Sequence[tuple[str, str]]
) -> SheetLayout:
    """`contents` lists (sheet name, what it holds) in workbook order."""
    definition = scorecard.definition
    sheet = SheetLayout(CONTENTS_SHEET, tab_color="#1F3864")
    sheet.widths.update({0: 2.0, LABEL: 20.0, TEXT: 100.0})
    sheet.put(0, LABEL, definition.title, "title")
    sheet.heights[0] = 28
    sheet.put(1, LABEL, definition.organisation, "heading")
    sheet.put(2, LABEL, period_text(scorecard), "subtitle")
    sheet.put(3, LABEL, definition.marking, "marking")
    row = 5
    row = _about(sheet, scorecard, context, row)
    row = _contents(sheet, contents, row + 1)
    _key(sheet, scorecard, row + 1)
    sheet.print_setup = print_setup(scorecard, context, "Cover")
    sheet.print_setup.fit_width = True
    return sheet


def _heading(sheet: SheetLayout, row: int, text: str) -> int:
    sheet.put(row, LABEL, text, "heading")
    sheet.heights[row] = 20
    return row + 1


def _about(sheet: SheetLayout, scorecard: Scorecard, context: BuildContext, row: int) -> int:
    definition = scorecard.definition
    row = _heading(sheet, row, "About this workbook")
    months = scorecard.available_months
    # File names only: a full path can carry a person's name (C:\Users\...) into a shared file.
    sources = "; ".join(f"{Path(s.location).name} (sha256 {s.sha256[:12]})" for s in context.sources)
    lines = [
        ("Generated", f"{context.generated_text} by {context.generator}"),
        (
            "Definition",
            f"{context.definition_location}: {definition.id} version {definition.version} "
            f"(sha256 {definition.sha256[:12]})",
        ),
        ("Data", sources),
        (
            "Period shown",
            f"{scorecard.period.long_label}; the data holds {months[0].long_label} to "
            f"{months[-1].long_label}",
        ),
    ]
    for label, text in lines:
        sheet.put(row, LABEL, label, "label")
        sheet.put(row, TEXT, text, "wrap")
        row += 1
    return row


def _contents(sheet: SheetLayout, contents: Sequence[tuple[str, str]], row: int) -> int:
    row = _heading(sheet, row, "Contents")
    for name, description in contents:
        sheet.put(row, LABEL, Link(name, "A1", name), "link")
        sheet.put(row, TEXT, description, "text")
        row += 1
    return row


def _key(sheet: SheetLayout, scorecard: Scorecard, row: int) -> int:
    definition = scorecard.definition
    row = _heading(sheet, row, "Key")
    judged = "the YTD figure (bold)" if definition.headline == "ytd" else "the latest month"
    if definition.headline == "ytd":
        judged += ", or the latest month where there is no YTD"
    tolerance = definition.default_tolerance.describe()
    rag_lines = [
        (
            "Green",
            f"On target or better. RAG judges {judged} against the year's target, "
            "both as displayed, by the measure's polarity (higher or lower is better).",
        ),
        (
            "Amber",
            f"Worse than target but {tolerance} (each measure's own amber band, where it "
            "has one, is on the Definitions sheet).",
        ),
        ("Red", "Worse than target by more than the amber band."),
        ("–", "The measure has a target, but the value or the target is not available."),
        ("(blank)", "For information: no target, so no RAG."),
    ]
    for word, text in rag_lines:
        style = f"key_{word}" if f"rag_{word}" in CONDITIONAL else "key_swatch"
        sheet.put(row, LABEL, word, style)
        sheet.put(row, TEXT, text, "wrap")
        row += 1
    row += 1
    direction_lines = [
        (
            "▲ better  ▼ worse",
            "Direction of travel: the arrow shows which way the figure moved; the word "
            "(and its colour) whether that is better or worse for this measure.",
        ),
        ("▲ up  ▼ down", "Moved, for a measure with no better direction (volumes, for context)."),
        ("► same", "No change as displayed."),
        (
            "vs last period",
            "The latest value against the previous one reported (month, quarter or term).",
        ),
        (
            "vs last year",
            "The judged figure against the same point a year earlier where the data has "
            "it, else against last year's outturn (a part-year total only at year end).",
        ),
        ("Trend", f"Sparkline of the {len(scorecard.window)} months shown."),
    ]
    for label, text in direction_lines:
        sheet.put(row, LABEL, label, "key_direction")
        sheet.put(row, TEXT, text, "wrap")
        row += 1
    row += 1
    for comparator in definition.comparators:
        sheet.put(row, LABEL, comparator.label, "label")
        method = {
            "mean": "the mean (simple average) of the group's values, as LAIT computes it",
            "median": "the median of the group's values, as the DfE outcomes dashboard computes it",
        }.get(comparator.method or "", "")
        text = comparator.name + (f": {method}" if method else "")
        if definition.comparators:
            text += f". Judged against {judged}."
        sheet.put(row, TEXT, text, "wrap")
        row += 1
    row += 1
    for token, meaning in MISSING_TOKENS.items():
        if not token:
            continue
        sheet.put(row, LABEL, token, "key_token")
        sheet.put(row, TEXT, f"{meaning.capitalize()}. Never counted as zero.", "text")
        row += 1
    return row
