"""The Setup sheet: what a refresh needs besides the Data table, carried in the workbook so it
refreshes from itself wherever it goes (another folder, an email, OneDrive, Excel on the web).

- The definition's text, one line per row, exactly as its file held it. It is visible (a hidden
  sheet is what `check` refuses, and an analyst may read or correct a target here); a line that
  starts with = + - @ or a tab, which a spreadsheet opening a CSV export would run as a formula,
  is stored with a backslash in front (and so is one that starts with a backslash), and read back
  without it.
- The column widths and row heights the layout set, per sheet, so a refresh changes only the ones
  its new values need and leaves any an analyst set by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from scorecard_xl.errors import InputError
from scorecard_xl.layout import record
from scorecard_xl.layout.common import print_setup, title_block
from scorecard_xl.layout.sheet import Block, SheetLayout, column_index, column_letters
from scorecard_xl.model import Scorecard

SETUP_SHEET = "Setup"
ESCAPE = "\\"
_RISKY_START = ("=", "+", "-", "@", "\t", "\r", ESCAPE)
MAX_CELL_TEXT = 32_767  # Excel's limit for the text in one cell
NOTE = (
    "What Refresh reads besides the Data table, so this workbook refreshes from itself wherever it "
    "is. The definition below is the one Refresh uses: a target or a wording can be corrected here; "
    "adding or removing sections or measures needs a new build (scorecard-xl build --from-workbook). "
    "A line starting with = + - @ is stored with a \\ in front so no spreadsheet runs it."
)
Geometry = tuple[dict[int, float], dict[int, float]]  # column widths, row heights (0-based keys)


def escape_line(line: str) -> str:
    return ESCAPE + line if line.startswith(_RISKY_START) else line


def unescape_line(cell: str) -> str:
    return cell[1:] if cell.startswith(ESCAPE) else cell


def definition_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the file's final newline
    return lines


def text_from_lines(cells: Sequence[str]) -> str:
    """The definition's text from its cells as read back (trailing empty rows dropped)."""
    lines = [unescape_line(c) for c in cells]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n"


def lay_out_setup(scorecard: Scorecard, sheet_names: Sequence[str]) -> SheetLayout:
    """The Setup sheet; its geometry block is filled in by `fill_geometry` once the other sheets,
    `sheet_names`, are laid out. The definition's lines print; the geometry sits to their right,
    outside the print area (it is for refresh, not for reading), wrapped in a wide column."""
    definition = scorecard.definition
    sheet = SheetLayout(SETUP_SHEET)
    top = title_block(sheet, scorecard, "Setup", 2)
    sheet.put(top, 1, NOTE, "muted_wrap")
    sheet.widths.update({0: 7.0, 1: 110.0, 2: 3.0, 3: 24.0, 4: 110.0})
    row = top + 2
    sheet.put(row, 0, "Line", "column_header_left")
    sheet.put(row, 1, definition.file_name or f"{definition.id}.toml", "column_header_left", "@")
    sheet.mark(record.DEFINITION_TEXT, row, 1)
    lines = definition_lines(definition.text)
    for number, line in enumerate(lines, start=1):
        if len(line) >= MAX_CELL_TEXT:
            raise InputError.of(
                definition.source,
                f"line {number}",
                "",
                f"{len(line):,} characters",
                f"lines shorter than {MAX_CELL_TEXT:,} characters (Excel's limit for a cell)",
            )
        sheet.put(row + number, 0, number, "muted")
        sheet.put(row + number, 1, escape_line(line) or None, "text", "@")
    sheet.put(row, 3, "Sheet", "column_header_left")
    sheet.put(row, 4, "Widths and heights the layout set", "column_header_left")
    first = row + 1
    for offset, name in enumerate(sheet_names):
        sheet.put(first + offset, 3, name, "muted", "@")
    last = first + len(sheet_names) - 1
    sheet.blocks.append(Block("geometry", first, 4, last, 4))
    sheet.mark(record.GEOMETRY, first, 4, last, 4)
    sheet.freeze = (row + 1, 0)
    sheet.print_setup = print_setup(scorecard, repeat_rows=(row, row))
    sheet.print_setup.print_area = (0, 0, row + max(len(lines), 1), 1)
    return sheet


def fill_geometry(setup: SheetLayout, sheets: Sequence[SheetLayout]) -> None:
    """Write each sheet's widths and heights into the Setup sheet's geometry block."""
    first, col, _, _ = setup.record[record.GEOMETRY]
    for offset, sheet in enumerate(sheets):
        setup.put(first + offset, col, geometry_text(sheet.widths, sheet.heights), "muted_wrap", "@")


def geometry_text(widths: Mapping[int, float], heights: Mapping[int, float]) -> str:
    """'A 9, B 46; 1 24, 6 30.5': widths by column letter, then heights by row number."""
    columns = ", ".join(f"{column_letters(c)} {round(w, 2):g}" for c, w in sorted(widths.items()))
    rows = ", ".join(f"{r + 1} {round(h, 2):g}" for r, h in sorted(heights.items()))
    return f"{columns}; {rows}"


_ENTRY = re.compile(r"^\s*([A-Z]+|\d+)\s+(\d+(?:\.\d+)?)\s*$")


def parse_geometry(text: str) -> Geometry | None:
    """Read back `geometry_text`; None for anything else (an analyst's edit), so a refresh then
    sets every width and height the layout gives."""
    if ";" not in text:
        return None
    columns_text, rows_text = text.split(";", 1)
    widths: dict[int, float] = {}
    heights: dict[int, float] = {}
    for part, target in ((columns_text, widths), (rows_text, heights)):
        for entry in filter(None, (e.strip() for e in part.split(","))):
            match = _ENTRY.match(entry)
            if not match:
                return None
            key = match[1]
            index = column_index(key) if key.isalpha() else int(key) - 1
            target[index] = float(match[2])
    return widths, heights
