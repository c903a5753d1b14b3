"""What a workbook we write must fit: Excel's grid, and what scorecard-xl reads back.

A workbook that Excel cannot hold whole, or that our own reader would refuse (a part past
zip_guard's caps), is refused before it is written: at 1.1 million records the Data table would
stop at Excel's last row and the file would still claim every value, and a Data sheet part over
200 MB could be neither refreshed nor checked. Never a silent loss: the build says so, writes
nothing, and says how to split the data.
"""

from __future__ import annotations

import io
import zipfile

from scorecard_xl.errors import InputError
from scorecard_xl.inputs import zip_guard
from scorecard_xl.layout.sheet import WorkbookLayout
from scorecard_xl.workbook.snapshot import COLUMN_LIMIT, ROW_LIMIT

SPLIT = "split the data across several scorecards (by year, or by section)"


def check_fits(layout: WorkbookLayout) -> None:
    """Every cell of `layout` within Excel's rows and columns; else InputError, nothing written."""
    for sheet in layout.sheets:
        if sheet.bulk is not None and sheet.bulk.rows and sheet.bulk.last_row >= ROW_LIMIT:
            room = ROW_LIMIT - sheet.bulk.first_row
            raise InputError.of(
                "the data",
                f"sheet '{sheet.name}'",
                "",
                None,
                f"at most {room:,} rows below the table's header, Excel's last row being "
                f"{ROW_LIMIT:,}; it would need {len(sheet.bulk.rows):,}: {SPLIT}",
            )
        last_row = max((row for row, _, _, _ in sheet.cells), default=0)
        last_col = max((col for _, col, _, _ in sheet.cells), default=0)
        if last_row >= ROW_LIMIT or last_col >= COLUMN_LIMIT:
            raise InputError.of(
                "the data",
                f"sheet '{sheet.name}'",
                "",
                None,
                f"a sheet within Excel's {ROW_LIMIT:,} rows and {COLUMN_LIMIT:,} columns (it would reach "
                f"row {last_row + 1:,}, column {last_col + 1:,}): {SPLIT}",
            )


def check_readable(content: bytes) -> None:
    """The written package within what scorecard-xl reads back (zip_guard's caps on parts)."""
    problem = zip_guard.package_problem(zipfile.ZipFile(io.BytesIO(content)))
    if problem:
        raise InputError.of(
            "the data",
            "",
            "",
            None,
            f"a workbook scorecard-xl can read back to refresh or check; this one would be too large "
            f"({problem.removeprefix('it ')}): {SPLIT}",
        )
