"""formula_text_warnings finds every cell a CSV export would run as a formula, bulk rows included,
in sheet order (cells, then the bulk rows row by row, then merged ranges)."""

from __future__ import annotations

from scorecard_xl.layout.sheet import BulkRows, Formula, Link, SheetLayout, WorkbookLayout, style_key
from scorecard_xl.write.formula_text import LISTED, formula_text_warnings


def _book(*sheets: SheetLayout) -> WorkbookLayout:
    return WorkbookLayout(list(sheets), {}, {}, [], sheets[0].name, "")


def _sheet() -> SheetLayout:
    sheet = SheetLayout("Data")
    sheet.put(0, 0, "=on top", "text")
    sheet.put(1, 0, Link("Cover", "A1", "+link"), "text")
    sheet.put(1, 1, Formula("=A1", "-x"), "text")
    sheet.put(1, 2, "-5", "text")  # a number as text: fine
    key = style_key("text")
    rows: list[tuple[object, ...]] = [("m1", "fine", 1.0)] * 1000
    rows[3] = ("m1", "@SUM(A1)", 2.0)
    rows[700] = ("-", "-x2", None)  # a lone "-" is a missing value: fine
    sheet.bulk = BulkRows(first_row=3, first_col=0, keys=(key, key, key), rows=rows)  # type: ignore[arg-type]
    sheet.merges.append((2000, 0, 2000, 2, "+merged", key))
    return sheet


def test_bulk_rows_are_searched_as_their_cells_in_sheet_order() -> None:
    warnings = formula_text_warnings(_book(_sheet()))
    assert [w.split(": ")[0] for w in warnings] == [
        "'Data'!A1",
        "'Data'!A2",
        "'Data'!B2",
        "'Data'!B7",
        "'Data'!B704",
        "'Data'!A2001",
    ]
    assert "text starts with '@' ('@SUM(A1)')" in warnings[3]


def test_bulk_rows_of_plain_text_give_no_warning() -> None:
    sheet = SheetLayout("Data")
    key = style_key("text")
    sheet.bulk = BulkRows(first_row=0, first_col=0, keys=(key,), rows=[("fine",), (None,), (1.5,)])
    assert formula_text_warnings(_book(sheet)) == ()


def test_many_are_counted_after_the_first_few() -> None:
    sheet = SheetLayout("Data")
    key = style_key("text")
    sheet.bulk = BulkRows(first_row=0, first_col=0, keys=(key,), rows=[("=x",)] * (LISTED + 5))
    warnings = formula_text_warnings(_book(sheet))
    assert len(warnings) == LISTED + 1 and warnings[-1] == "and 5 more such cells"
