"""Who a workbook is laid out for: the program that will draw it, and whether it is the printed pack.

Excel draws sparklines and grows rows as commentary is typed; LibreOffice misdraws sparklines (GUIDE
8) and shows rows at the heights the file gives. A PDF is LibreOffice printing the board pack.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorecard_xl.inputs.options import VIEWER_NAMES
from scorecard_xl.layout import text_metrics
from scorecard_xl.layout.text_metrics import Renderer


@dataclass(frozen=True)
class Profile:
    """What a workbook is made for: the program that draws it and what it holds."""

    name: str
    renderer: Renderer  # row heights are fitted for the program that will draw the workbook
    drawn_trends: bool  # trends as pictures, not sparklines (which Excel alone draws right)
    board_pack: bool = False  # the printed pack: sections paged together, no sheets it repeats
    accessible: bool = False  # the published copy: Analysis Function guidance (layout.accessible)


EXCEL = Profile("excel", text_metrics.EXCEL, drawn_trends=False)
LIBREOFFICE = Profile("libreoffice", text_metrics.LIBREOFFICE, drawn_trends=True)
BOARD_PACK = Profile("board pack", text_metrics.LIBREOFFICE, drawn_trends=True, board_pack=True)
VIEWERS = dict(zip(VIEWER_NAMES, (EXCEL, LIBREOFFICE), strict=True))  # what `build --viewer` offers
