"""The Cover's Refresh button, as xlwings Lite runs a script from the sheet.

Office.js cannot tie a shape to a script, so Lite documents a shape with a hyperlink to a cell
the shape covers: clicking it selects that cell, and Lite, told by the script's
`@script(button="[shape name]Sheet!Cell")`, runs the script when that cell is selected (it checks
the named shape exists first). The shape here is a text box, which xlsxwriter names "TextBox N"
(N counting the sheet's drawn objects: the button is the Cover's only one), so the name the script
gives is the name the file holds; tests/test_lite_plugin.py reads it back from the file.

Desktop Excel with the ribbon add-in and LibreOffice show the same box; there, clicking it only
selects the cell under it (the Cover says where else Refresh is).
"""

from __future__ import annotations

from scorecard_xl.a1 import a1
from scorecard_xl.layout.page_furniture import CONTENTS_SHEET
from scorecard_xl.layout.sheet import Button, SheetLayout

ROW, COL = 0, 3  # D1: right of the title, above the picker's list, empty
NAME = "TextBox 1"  # xlsxwriter's name for a sheet's first drawn object that is a text box
TARGET = a1(ROW, COL)
SCRIPT_BUTTON = f"[{NAME}]{CONTENTS_SHEET}!{TARGET}"  # lite_scripts.refresh's `button`

TEXT = "⟳ Refresh\nwith xlwings Lite"
TIP = (
    "Refresh this workbook with the xlwings Lite add-in (Home > Add-ins > xlwings Lite; free). "
    "Desktop Excel's Scorecard tab and scorecard-xl refresh do the same."
)


def add_refresh_button(sheet: SheetLayout) -> None:
    """Put the Refresh button on the Cover, over the empty cell it links to."""
    sheet.buttons.append(Button(NAME, ROW, COL, TEXT, TARGET, width=150, height=40, tip=TIP))
