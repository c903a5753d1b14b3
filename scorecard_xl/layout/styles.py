"""The one place for colours, fonts and number formats.

Every text colour meets WCAG 2.1 contrast of 4.5:1 on its fill (tests check it), and nothing is
said by colour alone: RAG cells carry a word, directions an arrow and a word.
"""

from __future__ import annotations

from typing import Any

from scorecard_xl.inputs.units import Unit

FONT = "Calibri"  # Excel's default; LibreOffice draws it with the metric-compatible Carlito
FONT_SIZE = 10

NAVY = "#1F3864"
BLUE_PALE = "#DDE5F2"
GREY_LINE = "#BFBFBF"
GREY_TEXT = "#595959"
WHITE = "#FFFFFF"
BLACK = "#000000"

# (fill, text) pairs in the familiar Excel good/neutral/bad palette, text darkened for contrast.
RAG_COLOURS = {
    "Red": ("#FFC7CE", "#9C0006"),
    "Amber": ("#FFEB9C", "#7A4700"),
    "Green": ("#C6EFCE", "#006100"),
}
# SPC icons (Making Data Count): its blue, orange, purple and grey as pale fills, the text darkened
# to 4.5:1; the word in the cell says what the colour does.
SPC_COLOURS = {
    "improvement": ("#DCF2FC", "#00577A"),
    "concern": ("#FBE5D6", "#8A3B07"),
    "neither": ("#E9E0F3", "#490092"),
    "common": ("#EDEDED", "#404040"),
}
BETTER_TEXT = "#006100"
WORSE_TEXT = "#9C0006"
SPARKLINE_COLOUR = "#1F3864"
SPARKLINE_LAST = "#C55A11"

_BASE: dict[str, Any] = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter"}

# Named cell styles; a cell's style is (name, number format or None).
STYLES: dict[str, dict[str, Any]] = {
    "text": {},
    "wrap": {"text_wrap": True, "valign": "top"},
    "muted": {"font_color": GREY_TEXT},
    "muted_left": {"font_color": GREY_TEXT, "align": "left"},  # a number beside left-aligned text
    "muted_wrap": {"font_color": GREY_TEXT, "text_wrap": True, "valign": "top"},
    "title": {"font_size": 16, "bold": True, "font_color": NAVY},
    "subtitle": {"font_size": 11, "font_color": GREY_TEXT},
    "heading": {"font_size": 12, "bold": True, "font_color": NAVY},
    "marking": {"font_size": 11, "bold": True, "font_color": BLACK},
    "link": {"font_color": "#0B4F9C", "underline": 1},
    "picker": {
        "bold": True,
        "bg_color": "#FFF2CC",
        "border": 1,
        "border_color": GREY_LINE,
        "locked": False,
        "align": "left",
    },
    "table_link": {"font_color": "#0B4F9C", "underline": 1, "valign": "top"},
    "label": {"bold": True, "valign": "top"},  # level with the first line of wrapped text beside it
    "group_header": {
        "bold": True,
        "font_color": WHITE,
        "bg_color": NAVY,
        "align": "center",
        "border": 1,
        "border_color": WHITE,
    },
    "column_header": {
        "bold": True,
        "font_color": NAVY,
        "bg_color": BLUE_PALE,
        "align": "center",
        "text_wrap": True,
        "bottom": 2,
        "bottom_color": NAVY,
    },
    "column_header_left": {
        "bold": True,
        "font_color": NAVY,
        "bg_color": BLUE_PALE,
        "align": "left",
        "text_wrap": True,
        "bottom": 2,
        "bottom_color": NAVY,
    },
    "section_row": {
        "bold": True,
        "font_size": 11,
        "font_color": NAVY,
        "bg_color": BLUE_PALE,
        "top": 1,
        "top_color": NAVY,
    },
    "ref": {"font_color": GREY_TEXT, "valign": "top", "bottom": 4, "bottom_color": GREY_LINE},
    "measure": {"text_wrap": True, "valign": "top", "bottom": 4, "bottom_color": GREY_LINE},
    "value": {"align": "right", "valign": "top", "bottom": 4, "bottom_color": GREY_LINE},
    "value_strong": {
        "align": "right",
        "valign": "top",
        "bold": True,
        "bottom": 4,
        "bottom_color": GREY_LINE,
    },
    "status": {"align": "center", "valign": "top", "bottom": 4, "bottom_color": GREY_LINE},
    "commentary": {
        "text_wrap": True,
        "valign": "top",
        "bottom": 4,
        "bottom_color": GREY_LINE,
        "locked": False,
    },
    "key_swatch": {"align": "center", "border": 1, "border_color": GREY_LINE},
    # The key shows each look as a static sample; the sheets apply them by conditional format.
    **{
        f"key_{prefix}{word}": {
            "align": "center",
            "bold": True,
            "bg_color": fill,
            "font_color": text,
            "border": 1,
            "border_color": GREY_LINE,
        }
        for prefix, looks in (("", RAG_COLOURS), ("spc_", SPC_COLOURS))
        for word, (fill, text) in looks.items()
    },
    # The Summary's SPC matrix: a row's label in its icon's look, level with the measures beside it
    **{
        f"spc_row_{look}": {"bold": True, "bg_color": fill, "font_color": text, "valign": "top"}
        for look, (fill, text) in SPC_COLOURS.items()
    },
    "key_direction": {"bold": True, "font_color": NAVY, "valign": "top"},
    # Judgements in the key as the pages draw them: the conditional formats' colours, not bold.
    "key_better": {"align": "center", "font_color": BETTER_TEXT, "border": 1, "border_color": GREY_LINE},
    "key_worse": {"align": "center", "font_color": WORSE_TEXT, "border": 1, "border_color": GREY_LINE},
    "key_token": {
        "align": "center",
        "italic": True,
        "font_color": GREY_TEXT,
        "border": 1,
        "border_color": GREY_LINE,
    },
    "table_text": {"valign": "top"},
    "table_number_centred": {"valign": "top", "align": "center"},  # a number apart from the text beside it
    "table_wrap": {"valign": "top", "text_wrap": True},
    "table_value": {"valign": "top", "align": "right"},
    "total_label": {"bold": True, "top": 1, "top_color": NAVY},
    "total_value": {"bold": True, "align": "center", "top": 1, "top_color": NAVY},
    "count": {"align": "center"},
    "table_status": {"align": "center", "valign": "top"},
    "lead": {"font_size": 11, "bold": True},  # the first page's opening sentence
    "why": {"bold": True, "font_color": WORSE_TEXT, "text_wrap": True, "valign": "top"},
}

# Conditional-format looks: only font, fill and border apply in a conditional format.
CONDITIONAL: dict[str, dict[str, Any]] = {
    "rag_Red": {
        "bg_color": RAG_COLOURS["Red"][0],
        "font_color": RAG_COLOURS["Red"][1],
        "bold": True,
    },
    "rag_Amber": {
        "bg_color": RAG_COLOURS["Amber"][0],
        "font_color": RAG_COLOURS["Amber"][1],
        "bold": True,
    },
    "rag_Green": {
        "bg_color": RAG_COLOURS["Green"][0],
        "font_color": RAG_COLOURS["Green"][1],
        "bold": True,
    },
    "band_B": {"bg_color": "#E2F0D9", "font_color": "#375623", "bold": True},
    **{
        f"spc_{look}": {"bg_color": fill, "font_color": text, "bold": True}
        for look, (fill, text) in SPC_COLOURS.items()
    },
    "better": {"font_color": BETTER_TEXT},
    "worse": {"font_color": WORSE_TEXT},
    "token": {"font_color": GREY_TEXT, "italic": True},
}


WRAPPED = "+wrap"  # a style name ending so is the style with its text wrapped (see layout.fitting)


def cell_format(name: str, number_format: str | None = None) -> dict[str, Any]:
    """The full xlsxwriter format properties of a named style (or of its wrapped variant)."""
    base, wrapped, _ = name.partition(WRAPPED)
    props = {**_BASE, **STYLES[base]}
    if wrapped:
        props.update({"text_wrap": True, "valign": "top"})
    if number_format:
        props["num_format"] = number_format
    return props


def number_format(unit: Unit, decimals: int, words: str = "") -> str:
    """Excel number format showing a value of `unit` to `decimals` places, followed by `words`
    (such as YTD beside a year-to-date target): the cell stays a number, to sort and filter."""
    fraction = "." + "0" * decimals if decimals else ""
    shown = f"0{fraction}%" if unit.name == "percent" else f"#,##0{fraction}"
    return f'{shown}" {words}"' if words else shown
