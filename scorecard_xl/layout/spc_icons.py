"""The SPC icons as words (Making Data Count's variation and assurance icons): what each cell says,
and the look a conditional format gives it. Words first, so the icon reads in greyscale, on paper,
to a screen reader and in any program; the colour only repeats it.

Variation (is anything special happening?): common cause, or special cause improving, of concern,
or neither (where higher is not better or worse), each high or low. Assurance (will the target be
met reliably?): pass, hit and miss, fail. A measure whose chart has too few points says so.
"""

from __future__ import annotations

from scorecard_xl.layout.rules import text_rules
from scorecard_xl.layout.sheet import SheetLayout
from scorecard_xl.model.measure_spc import MeasureSpc

# A chart without limits yet (fewer points than the definition's minimum): words, as a dash would
# look like the data's "-" (not reported) and the GSS shorthand asks for words or [x].
TOO_FEW = "Too few"
VARIATION_WORDS = {
    "common cause": "Common cause",
    "improvement high": "Improving ▲",
    "improvement low": "Improving ▼",
    "concern high": "Concern ▲",
    "concern low": "Concern ▼",
    "neither high": "Special ▲",
    "neither low": "Special ▼",
}
ASSURANCE_WORDS = {"pass": "Pass", "hit and miss": "Hit & miss", "fail": "Fail"}
# What each word's look is (styles.SPC_COLOURS): by the word it starts with.
LOOKS = {
    "Improving": "improvement",
    "Concern": "concern",
    "Special": "neither",
    "Common": "common",
    "Pass": "improvement",
    "Fail": "concern",
    "Hit": "common",
}
KEY_LINES = (  # for the key, in the order a reader meets them
    ("Common cause", "Common cause variation: no special cause; the process is stable."),
    (
        "Improving ▲ ▼",
        "Special cause variation of an improving nature (▲ higher, ▼ lower values): a point beyond a "
        "process limit, a shift, a trend, or two of three points near a limit.",
    ),
    ("Concern ▲ ▼", "Special cause variation of a concerning nature, found the same way."),
    ("Special ▲ ▼", "Special cause variation where higher or lower is neither better nor worse."),
    ("Pass", "Assurance: the target lies beyond the process limits on the good side: it will be met."),
    ("Hit & miss", "Assurance: the target lies between the process limits: it will be met some months only."),
    ("Fail", "Assurance: the target lies beyond the process limits on the bad side: it will not be met."),
)


def variation_word(spc: MeasureSpc | None) -> str | None:
    """The variation cell's word; None for a measure without SPC."""
    if spc is None:
        return None
    variation = spc.chart.variation
    return VARIATION_WORDS[variation] if variation else TOO_FEW


def assurance_word(spc: MeasureSpc | None) -> str | None:
    """The assurance cell's word: None without SPC or without a target to assure."""
    if spc is None:
        return None
    if spc.chart.variation is None:
        return TOO_FEW
    assurance = spc.chart.assurance
    return ASSURANCE_WORDS[assurance] if assurance else None


def look(word: str) -> str:
    """The look (a key of styles.SPC_COLOURS) of an icon's word."""
    return LOOKS.get(word.split()[0], "common") if word else "common"


def icon_rules(sheet: SheetLayout, first_row: int, last_row: int, columns: list[tuple[int, int]]) -> None:
    """The icons' looks, by the word each cell begins with: a refresh or an edit re-colours."""
    text_rules(
        sheet,
        first_row,
        last_row,
        columns,
        "begins with",
        {start: f"spc_{name}" for start, name in LOOKS.items()},
    )
