"""Last touches on every sheet's tables, whatever laid them out: alternative text a screen reader
announces (every workbook), and, in the published copy, no cell inside a table left blank (the GSS
shorthand [x], not available, says a figure is missing rather than zero or forgotten).

The sheets lay out their own tables for publication (one header row, no merged cells, the right
shorthand where they know it: see grid, summary_sheet, cover_sheet); this pass catches what is left.
"""

from __future__ import annotations

import dataclasses

from scorecard_xl.layout.sheet import SheetLayout

NOT_AVAILABLE = "[x]"


def fill_table_blanks(sheet: SheetLayout) -> None:
    """Fill every blank cell of `sheet`'s tables' data rows with [x], and open the sheet with the
    cursor in A1 (no frozen panes, which screen readers stumble over): the published copy."""
    sheet.freeze = None
    for table in sheet.tables:
        filled: set[tuple[int, int]] = set()
        styles: dict[int, tuple[str, str | None]] = {}
        for position, (row, col, value, style) in enumerate(sheet.cells):
            inside = table.first_row < row <= table.last_row and table.first_col <= col <= table.last_col
            if not inside:
                continue
            styles.setdefault(col, style)
            if value is None or value == "":
                sheet.cells[position] = (row, col, NOT_AVAILABLE, style)
            filled.add((row, col))
        bulk = sheet.bulk
        if bulk is not None and table.first_row < bulk.first_row <= table.last_row:  # its rows, as above
            cols = range(max(bulk.first_col, table.first_col), min(bulk.last_col, table.last_col) + 1)
            own = {col - bulk.first_col for col in cols}
            last = min(bulk.last_row, table.last_row)
            for offset, values in enumerate(bulk.rows[: last - bulk.first_row + 1]):
                if None in values or "" in values:
                    bulk.rows[offset] = tuple(
                        NOT_AVAILABLE if i in own and (v is None or v == "") else v
                        for i, v in enumerate(values)
                    )
            filled.update((row, col) for row in range(bulk.first_row, last + 1) for col in cols)
            for col in cols:
                styles.setdefault(col, bulk.keys[col - bulk.first_col])
        for row in range(table.first_row + 1, table.last_row + 1):
            for col in range(table.first_col, table.last_col + 1):
                if (row, col) not in filled:
                    sheet.put(row, col, NOT_AVAILABLE, *styles.get(col, ("table_text", "@")))


def describe_tables(sheet: SheetLayout) -> None:
    """Alternative text for every table that has none (a screen reader announces it): every
    workbook, as a table without it helps nobody."""
    for index, table in enumerate(sheet.tables):
        if not table.title or not table.description:
            what = ", ".join(table.columns)
            sheet.tables[index] = dataclasses.replace(
                table,
                title=table.title or f"{sheet.name}: {table.name.replace('_', ' ')}",
                description=table.description or f"One row a record, with the columns {what}."[:255],
            )
