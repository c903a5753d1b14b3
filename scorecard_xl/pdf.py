"""The board pack as a PDF, printed by LibreOffice from a print profile of the workbook.

LibreOffice draws line sparklines as their markers only (GUIDE 6), so the print profile uses column
sparklines. The PDF holds the Cover (key and sources), the Summary, one section per page group, and
the Definitions; the full Scorecard (the same measures again) and the Data table stay in the workbook.
"""

from __future__ import annotations

import copy
import dataclasses
import tempfile
from pathlib import Path

from scorecard_xl.atomic import write_atomically
from scorecard_xl.layout.data_sheet import DATA_SHEET
from scorecard_xl.layout.scorecard_sheets import SCORECARD_SHEET
from scorecard_xl.layout.sheet import CellValue, Formula, Link, WorkbookLayout, quote_sheet
from scorecard_xl.libreoffice import convert_to_pdf
from scorecard_xl.writer import write_workbook

NOT_PRINTED = (SCORECARD_SHEET, DATA_SHEET)


def print_profile(layout: WorkbookLayout) -> WorkbookLayout:
    """A copy of the layout to print: column sparklines, and without the sheets the pack repeats.

    Cells that point at a left-out sheet (commentary formulas, links) become their plain text, so
    the printed copy never shows a broken reference."""
    printed = copy.deepcopy(layout)
    printed.sheets = [sheet for sheet in printed.sheets if sheet.name not in NOT_PRINTED]
    printed.defined_names = [n for n in printed.defined_names if n.sheet not in NOT_PRINTED]
    for sheet in printed.sheets:
        sheet.sparklines = [dataclasses.replace(spark, kind="column") for spark in sheet.sparklines]
        sheet.validations = [v for v in sheet.validations if not _points_away(v.source)]
        sheet.protected = False
        sheet.cells = [(row, col, _printable(value), style) for row, col, value, style in sheet.cells]
    return printed


def _points_away(text: str) -> bool:
    return any(quote_sheet(name) + "!" in text for name in NOT_PRINTED)


def _printable(value: CellValue) -> CellValue:
    if isinstance(value, Formula) and _points_away(value.formula):
        return value.cached
    if isinstance(value, Link) and value.target in NOT_PRINTED:
        return value.text
    return value


def print_pdf(layout: WorkbookLayout, name: str = "scorecard") -> bytes:
    """The layout's board pack as PDF bytes, printed by LibreOffice (a throw-away profile for each
    call, so parallel calls never share one). `name` is the file name LibreOffice prints from."""
    with tempfile.TemporaryDirectory(prefix="scorecard-xl-pdf-") as folder:
        workbook = Path(folder) / f"{name}.xlsx"
        workbook.write_bytes(write_workbook(print_profile(layout)))
        [pdf] = convert_to_pdf([workbook], Path(folder) / "out")
        return pdf.read_bytes()


def write_pdf(layout: WorkbookLayout, path: Path) -> None:
    """Print the layout's board pack to `path` through LibreOffice, atomically."""
    write_atomically(path, print_pdf(layout, path.stem))
