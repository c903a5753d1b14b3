"""The board pack as a PDF, printed by LibreOffice from the pack's own layout (layout.lay_out_board_pack).

The pack is laid out for paper: trends drawn as pictures (LibreOffice misdraws sparklines, GUIDE 8),
the Cover with page numbers for contents, the Summary, every section on one Scorecard paged so that
short sections share a page, and the Definitions; text never below 7 pt (layout.pagination). The
per-section sheets and the Data table stay in the workbook.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from scorecard_xl.atomic import write_atomically
from scorecard_xl.layout.sheet import WorkbookLayout
from scorecard_xl.write.libreoffice import convert_to_pdf
from scorecard_xl.write.xlsx import write_workbook


def printed_layout(layout: WorkbookLayout) -> WorkbookLayout:
    """The board pack of the workbook `layout` (itself, if it is already a pack)."""
    return layout.board_pack() if layout.board_pack else layout


def print_pdf(layout: WorkbookLayout, name: str = "scorecard") -> bytes:
    """The workbook's board pack as PDF bytes, printed by LibreOffice (a throw-away profile for each
    call, so parallel calls never share one). `name` is the file name LibreOffice prints from."""
    with tempfile.TemporaryDirectory(prefix="scorecard-xl-pdf-") as folder:
        workbook = Path(folder) / f"{name}.xlsx"
        workbook.write_bytes(write_workbook(printed_layout(layout)))
        [pdf] = convert_to_pdf([workbook], Path(folder) / "out")
        return pdf.read_bytes()


def write_pdf(layout: WorkbookLayout, path: Path) -> None:
    """Print the workbook's board pack to `path` through LibreOffice, atomically."""
    write_atomically(path, print_pdf(layout, path.stem))
