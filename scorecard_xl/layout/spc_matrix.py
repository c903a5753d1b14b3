"""The Summary's SPC matrix (Making Data Count): every measure with an SPC chart, by its variation
icon (rows) and its assurance icon (columns), concern and fail in the top left corner, where a
board looks first. A fixed grid of cells, so a refresh rewrites it in place."""

from __future__ import annotations

from scorecard_xl.layout.sheet import Block, SheetLayout, TableSpec
from scorecard_xl.layout.spc_icons import TOO_FEW, assurance_word, look, variation_word
from scorecard_xl.model.scorecard import MeasureRow, Scorecard

# Rows: the variation words that start each, worst first; columns: assurance, worst first.
ROWS = (
    ("Concern", ("Concern",)),
    ("Special (neither)", ("Special",)),
    ("Common cause", ("Common",)),
    ("Improving", ("Improving",)),
    ("Too few points", (TOO_FEW,)),
)
# (the last: no target to assure, or too few points for limits)
COLUMNS = (("Fail", "Fail"), ("Hit & miss", "Hit & miss"), ("Pass", "Pass"), ("No assurance", None))
TITLE = "SPC: variation by assurance"


def cell_of(line: MeasureRow) -> tuple[int, int] | None:
    """The matrix cell (row, column) a measure belongs in; None without SPC."""
    variation = variation_word(line.spc)
    if variation is None:
        return None
    row = next(i for i, (_, starts) in enumerate(ROWS) if variation.startswith(starts))
    assurance = assurance_word(line.spc)
    column = next(
        i for i, (_, word) in enumerate(COLUMNS) if word == (None if assurance == TOO_FEW else assurance)
    )
    return row, column


def spc_matrix(sheet: SheetLayout, scorecard: Scorecard, top: int, accessible: bool = False) -> int:
    """The matrix from row `top` (its heading); returns its last row."""
    sheet.put(top, 0, TITLE, "heading")
    header = top + 1
    sheet.put(header, 1, "Variation", "column_header_left")
    for offset, (label, _) in enumerate(COLUMNS):
        sheet.put(header, 2 + offset, label, "column_header_left")
    cells: dict[tuple[int, int], list[str]] = {}
    for line in scorecard.rows:
        at = cell_of(line)
        if at is not None:
            cells.setdefault(at, []).append(line.id)
    empty = "None" if accessible else None  # (the published copy leaves no cell of a table blank)
    for index, (label, starts) in enumerate(ROWS):
        row = header + 1 + index
        sheet.put(row, 1, label, f"spc_row_{look(starts[0])}" if starts[0] != TOO_FEW else "table_text")
        for offset in range(len(COLUMNS)):
            listed = cells.get((index, offset))
            sheet.put(row, 2 + offset, ", ".join(listed) if listed else empty, "table_wrap", "@")
    last = header + len(ROWS)
    sheet.blocks.append(Block("spc_matrix", header + 1, 2, last, 1 + len(COLUMNS)))
    if accessible:
        headers = ("Variation", *(label for label, _ in COLUMNS))
        sheet.tables.append(
            TableSpec(
                "SPC_matrix",
                header,
                1,
                last,
                1 + len(COLUMNS),
                headers,
                TITLE,
                "The measures with an SPC chart, by their variation (concern, special, common cause, "
                "improving, too few points) and their assurance against target (fail, hit and miss, pass).",
            )
        )
    return last
