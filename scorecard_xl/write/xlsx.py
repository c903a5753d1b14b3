"""Workbook layout -> .xlsx bytes, in one pass: each sheet's columns, rows, cells, merges, rules,
sparklines, pictures, tables, drop-downs and page setup, through xlsxwriter (with the faster
classes of `xlsxwriter_fast`; these two are the only modules that import xlsxwriter)."""

from __future__ import annotations

import io
import itertools
import math
import re
import struct
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from scorecard_xl.a1 import a1, quote_sheet, range_ref
from scorecard_xl.inputs.text_rules import (
    FORMULA_TEXT_LIMIT,
    HEADER_FOOTER_LIMIT,
    escape_control_characters,
    remove_control_characters,
)
from scorecard_xl.layout.chart_axis import ValueAxis
from scorecard_xl.layout.sheet import Formula, Link, SheetLayout, StyleKey, WorkbookLayout
from scorecard_xl.layout.styles import CONDITIONAL, SPARKLINE_COLOUR, SPARKLINE_LAST, cell_format
from scorecard_xl.write.capacity import check_fits, check_readable
from scorecard_xl.write.xlsxwriter_fast import CELL_TUPLES, FastWorkbook, FastWorksheet, LayoutStream

PAPER_SIZES = {"A4": 9, "A3": 8}  # Excel's paper codes
TABLE_STYLE = "Table Style Light 9"

# A workbook of more cells than this has each sheet's XML go to a temporary file until the zip is
# made: held in memory, a 4,000-measure scorecard's XML added a third to the build's peak memory.
# Smaller ones stay in memory, where the sample writes a third faster than through files.
IN_MEMORY_CELLS = 250_000

WORKBOOK_OPTIONS = {
    "in_memory": True,
    # Text stays text: a value such as "=SUM(A1)" or "+44" from a data file must never become a
    # formula or a number in a board pack.
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}


def write_workbook(layout: WorkbookLayout, password: str | None = None) -> bytes:
    """Write the whole workbook and return the .xlsx file's bytes. With a password, protected
    sheets and the workbook's structure are locked with it."""
    check_fits(layout)
    buffer = io.BytesIO()
    cells = sum(len(sheet.cells) + (sheet.bulk.cell_count if sheet.bulk else 0) for sheet in layout.sheets)
    book = FastWorkbook(buffer, {**WORKBOOK_OPTIONS, "in_memory": cells <= IN_MEMORY_CELLS})
    book.structure_password = password if any(s.protected for s in layout.sheets) else None
    formats = _Formats(book)
    book.set_properties(layout.properties)
    for name, value in layout.custom_properties.items():
        book.set_custom_property(name, value)
    for sheet in layout.sheets:
        worksheet = book.add_worksheet(sheet.name)
        _write_sheet(worksheet, sheet, formats)
        _write_charts(book, worksheet, sheet)
        if sheet.name == layout.active_sheet:
            worksheet.activate()
        if sheet.hidden:
            worksheet.hide()
        if sheet.protected:
            # Readers may still select, filter and sort; locked cells (everything but commentary and
            # the period picker) cannot change, so the layout refresh relies on stays intact.
            worksheet.protect(password or "", {"autofilter": True, "sort": True, "format_rows": True})
    for defined in layout.defined_names:
        reference = range_ref(
            defined.sheet,
            defined.first_row,
            defined.first_col,
            defined.last_row,
            defined.last_col,
            absolute=True,
        )
        book.define_name(defined.name, "=" + reference)
    book.close()
    content = buffer.getvalue()
    check_readable(content)  # what we write, we can read back
    return content


class _Formats:
    """xlsxwriter formats, made once per distinct style (the file stays small and stable)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self._book = book
        self._cells: dict[StyleKey, Format] = {}
        self.known: Mapping[StyleKey, Format] = self._cells  # the formats made so far, by style
        self.text_cells: dict[tuple[int, Format], Any] = {}  # xlsxwriter's cell records, shared
        self.blank_cells: dict[Format, Any] = {}
        self._conditional: dict[str, Format] = {}

    def cell(self, key: StyleKey) -> Format:
        found = self._cells.get(key)
        if found is None:
            found = self._cells[key] = self._book.add_format(cell_format(*key))
        return found

    def conditional(self, name: str) -> Format:
        found = self._conditional.get(name)
        if found is None:
            found = self._conditional[name] = self._book.add_format(CONDITIONAL[name])
        return found


def _write_charts(book: xlsxwriter.Workbook, ws: Worksheet, sheet: SheetLayout) -> None:
    """Native line charts over the workbook's cells (the SPC sheet): a blank cell is a gap."""
    for spec in sheet.charts:
        chart = book.add_chart({"type": "line"})
        for series in spec.series:
            options: dict[str, Any] = {
                "name": series.name,
                "categories": [spec.data_sheet, *spec.categories],
                "values": [spec.data_sheet, *series.values],
                "line": {"none": True}
                if series.line is None
                else {
                    "color": series.line,
                    "width": series.width,
                    **({"dash_type": series.dash} if series.dash else {}),
                },
                "marker": {"type": "none"}
                if series.marker is None
                else {
                    "type": series.marker,
                    "size": 6 if series.line is None else 4,
                    "fill": {"color": series.colour},
                    "border": {"color": series.colour},
                },
            }
            chart.add_series(options)
        hidden = [index for index, series in enumerate(spec.series) if not series.legend]
        chart.set_title({"none": True})  # (the caption above it says what it is, and its icons)
        chart.set_legend(
            {
                "position": "bottom",
                "font": {"size": spec.font_points},
                **({"delete_series": hidden} if hidden else {}),
            }
        )
        chart.set_y_axis(
            {
                "num_format": spec.number_format,
                "num_font": {"size": spec.font_points},
                "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}},
                **(_axis_bounds(spec.value_axis) if spec.value_axis else {}),
            }
        )
        chart.set_x_axis({"num_font": {"size": spec.font_points, "rotation": -45}})
        chart.show_blanks_as("gap")
        chart.set_size({"width": spec.width, "height": spec.height})
        ws.insert_chart(spec.row, spec.col, chart, {"description": spec.description, "object_position": 1})


def _axis_bounds(axis: ValueAxis) -> dict[str, float]:
    return {"min": axis.minimum, "max": axis.maximum, "major_unit": axis.step}


def _write_sheet(ws: Worksheet, sheet: SheetLayout, formats: _Formats) -> None:
    for col in sorted(set(sheet.widths) | set(sheet.column_formats)):
        text_format = sheet.column_formats.get(col)
        column_format = formats.cell(("table_text", text_format)) if text_format else None
        ws.set_column(col, col, sheet.widths.get(col), column_format, {"hidden": col in sheet.hidden_columns})
    for row in sorted(set(sheet.heights) | set(sheet.outline)):
        level = sheet.outline.get(row, 0)
        ws.set_row(row, sheet.heights.get(row), None, {"level": level} if level else None)
    if sheet.outline:
        ws.outline_settings(True, False, True, False)  # section headers sit above their rows
    _write_cells(ws, sheet, formats)
    for first_row, first_col, last_row, last_col, value, style in sheet.merges:
        ws.merge_range(first_row, first_col, last_row, last_col, "", formats.cell(style))
        if isinstance(value, str) and value:
            ws.write_string(first_row, first_col, value, formats.cell(style))
    for rule in sheet.conditional_formats:
        options: dict[str, Any] = dict(rule.options)
        options["format"] = formats.conditional(options["format"])
        if len(rule.ranges) > 1:
            options["multi_range"] = " ".join(f"{a1(r1, c1)}:{a1(r2, c2)}" for r1, c1, r2, c2 in rule.ranges)
        placed = ws.conditional_format(*rule.ranges[0], options)
        _check(placed, f"a conditional format on {sheet.name}")
    _write_sparklines(ws, sheet)
    for picture in sheet.pictures:
        drawn_width, drawn_height = struct.unpack(">II", picture.png[16:24])  # the PNG's IHDR
        ws.insert_image(
            picture.row,
            picture.col,
            f"trend-{picture.row + 1}.png",
            {
                "image_data": io.BytesIO(picture.png),
                "x_offset": picture.offset[0],
                "y_offset": picture.offset[1],
                "x_scale": picture.width / drawn_width,
                "y_scale": picture.height / drawn_height,
                "object_position": 1,  # moves and sizes with its cell
                "description": picture.description,
            },
        )
    _write_buttons(ws, sheet)
    for table in sheet.tables:
        ws.add_table(
            table.first_row,
            table.first_col,
            table.last_row,
            table.last_col,
            {
                "name": table.name,
                **({"title": table.title} if table.title else {}),
                **({"description": table.description} if table.description else {}),
                "style": TABLE_STYLE,
                "columns": [
                    {"header": _attribute(h), "header_format": formats.cell(("column_header_left", None))}
                    for h in table.columns
                ],
            },
        )
    for check in sheet.validations:
        ws.data_validation(
            check.row,
            check.col,
            check.row,
            check.col,
            {
                "validate": "list",
                "source": "=" + check.source,
                "input_title": _attribute(check.title)[:32],
                "input_message": _attribute(check.message)[:255],
            },
        )
    _page_setup(ws, sheet)


def _write_buttons(ws: Worksheet, sheet: SheetLayout) -> None:
    """Text boxes that link to the cell they cover (layout.cover_button): xlwings Lite's buttons."""
    for button in sheet.buttons:
        quoted = quote_sheet(sheet.name)
        placed = ws.insert_textbox(
            button.row,
            button.col,
            button.text,
            {
                "width": button.width,
                "height": button.height,
                "x_offset": 2,
                "y_offset": 2,
                "object_position": 3,  # stays the same size when rows and columns are resized
                "url": f"internal:{quoted}!{button.target}",
                "tip": button.tip,
                "description": button.tip,
                "font": {"bold": True, "color": "#FFFFFF", "size": 10},
                "align": {"vertical": "middle", "horizontal": "center"},
                "fill": {"color": "#1F3864"},
                "line": {"none": True},
            },
        )
        _check(placed, f"the {button.text.splitlines()[0]!r} button on {sheet.name}")


def _write_sparklines(ws: Worksheet, sheet: SheetLayout) -> None:
    """One sparkline group per kind: a group shares its look, and the file stays small."""
    kinds = sorted({spark.kind for spark in sheet.sparklines})
    for kind in kinds:
        group = [spark for spark in sheet.sparklines if spark.kind == kind]
        first = group[0]
        options = {
            "location": [a1(spark.row, spark.col) for spark in group],
            "range": [
                range_ref(
                    spark.source_sheet, spark.first_row, spark.first_col, spark.last_row, spark.last_col
                )
                for spark in group
            ],
            "type": kind,
            "markers": kind == "line",
            "series_color": SPARKLINE_COLOUR,
            "markers_color": SPARKLINE_COLOUR,
            "last_point": True,
            "last_color": SPARKLINE_LAST,
            # A blank cell is a gap: a quarterly measure's other months, or a month without a value
            # (GUIDE 8: "span" joined them, so a quarterly measure looked monthly).
            "empty_cells": "gaps",
        }
        _check(ws.add_sparkline(first.row, first.col, options), f"sparklines on {sheet.name}")


def _check(result: int | None, what: str) -> None:
    """xlsxwriter warns and returns a negative code instead of raising: make that an error."""
    if result is not None and result < 0:
        raise RuntimeError(f"xlsxwriter refused {what} (code {result})")


def _write_cells(ws: Worksheet, sheet: SheetLayout, formats: _Formats) -> None:
    # Text, numbers and blanks (nearly every cell) never pass through xlsxwriter's write methods:
    # they are written as write_string/write_number/write_blank would after checks that cannot fail
    # for them (inside the sheet, finite, text under half Excel's limit, a format). Shared strings
    # are added in the same order, and the sheet's extent is updated once. Everything else goes
    # through xlsxwriter's methods. A sheet laid out in order (row by row, each row left to right)
    # is written from the layout's own cells (_stream_cells); any other, from xlsxwriter's table.
    # Bulk rows (see BulkRows) are streamed row by row when every other cell was; otherwise, they
    # are cells like any other.
    known, cell_format = formats.known, formats.cell
    value: Any
    if CELL_TUPLES is None or ws.constant_memory:
        for row, col, value, style in sheet.every_cell():
            _write_one(ws, sheet, row, col, value, cell_format(style))
        return
    start = _stream_cells(ws, sheet, formats) if isinstance(ws, FastWorksheet) else 0
    rest: Iterable[Any] = itertools.islice(sheet.cells, start, None)
    if sheet.bulk and not (start == len(sheet.cells) and _stream_bulk(ws, sheet, formats)):
        rest = itertools.chain(rest, sheet.bulk.cells())
    table, shared = ws.table, ws.str_table._get_shared_string_index
    text_limit = ws.xls_strmax // 2
    rows_in, cols_in = ws.xls_rowmax, ws.xls_colmax
    for row, col, value, style in rest:
        fmt = known.get(style) or cell_format(style)
        if 0 <= row < rows_in and 0 <= col < cols_in:  # (else xlsxwriter refuses it, sharing nothing)
            record = _plain_record(value, fmt, shared, formats, text_limit)
            if record is not None:
                table[row][col] = record
                continue
        _write_one(ws, sheet, row, col, value, fmt)
    # The extent _check_dimensions would have recorded cell by cell (cells stored before were
    # recorded already, so counting them again changes nothing).
    rows = [row for row, cells in table.items() if cells]
    if rows:
        low, high = min(rows), max(rows)
        _extend(ws, low, high, min(min(table[row]) for row in rows), max(max(table[row]) for row in rows))


def _stream_bulk(ws: FastWorksheet, sheet: SheetLayout, formats: _Formats) -> bool:
    """Add `sheet`'s bulk rows to what _write_rows writes from the layout, after every other cell of
    the sheet, which _stream_cells took: True if they were all plain cells below every other one
    (else nothing was added, and they are to go through xlsxwriter's table like other cells)."""
    bulk = sheet.bulk
    assert bulk is not None
    stream: LayoutStream | None = getattr(ws, "_stream", None)
    below = max((row for row, cells in ws.table.items() if cells), default=-1)
    if (stream and stream.rows[-1] >= bulk.first_row) or below >= bulk.first_row or not bulk.rows:
        return False
    if bulk.last_row >= ws.xls_rowmax or bulk.last_col >= ws.xls_colmax:
        return False
    text_limit, strings = ws.xls_strmax // 2, ws.str_table
    shared, counted = strings._get_shared_string_index, strings.count
    # Only text, finite numbers and blanks (the rest go through xlsxwriter's checks); each text's
    # shared string in the order cell-by-cell writing adds it, which it does again after a False
    # here (so only the count of uses is put back).
    for value in itertools.chain.from_iterable(bulk.rows):
        kind = type(value)
        if kind is str:
            if len(value) > text_limit:  # type: ignore[arg-type]
                strings.count = counted
                return False
            if value:
                shared(value)
        elif not ((kind is float and math.isfinite(value)) or kind is int or value is None):  # type: ignore[arg-type]
            strings.count = counted
            return False
    for key in (*bulk.keys, *bulk.restyled.values()):
        formats.cell(key)
    if stream is None:
        stream = ws._stream = LayoutStream([], formats.known, [], [], {}, {}, set())
    stream.bulk = bulk
    for block in range(bulk.first_row // 16, bulk.last_row // 16 + 1):
        stream.lows[block] = min(stream.lows.get(block, bulk.first_col), bulk.first_col)
        stream.highs[block] = max(stream.highs.get(block, bulk.last_col), bulk.last_col)
    _extend(ws, bulk.first_row, bulk.last_row, bulk.first_col, bulk.last_col)
    return True


def _stream_cells(ws: FastWorksheet, sheet: SheetLayout, formats: _Formats) -> int:
    """Add `sheet`'s plain cells (text, numbers, blanks) for _write_rows to write straight from the
    layout, when they come in order: xlsxwriter's table would hold a second copy of every cell (a
    dictionary per row and a record per cell: 60 MB at 4,000 measures). Other cells go through
    xlsxwriter now. Returns how many of the sheet's cells were taken: all of them, or those before
    the first plain cell out of order (the plain ones among them are then put into the table after
    all, and the rest of the sheet is left to _write_cells)."""
    cells, table = sheet.cells, ws.table
    known, cell_format = formats.known, formats.cell
    shared = ws.str_table._get_shared_string_index
    text_limit, rows_in, cols_in = ws.xls_strmax // 2, ws.xls_rowmax, ws.xls_colmax
    rows: list[int] = []
    lows: dict[int, int] = {}
    highs: dict[int, int] = {}
    starts: list[int] = []  # where each row's cells start in `cells`
    last_row, last_col = -1, -1
    skipped: set[int] = set()
    value: Any
    for index, (row, col, value, style) in enumerate(cells):
        fmt = known.get(style) or cell_format(style)
        kind = type(value)
        if not (
            0 <= row < rows_in
            and 0 <= col < cols_in
            and (
                (kind is str and value and len(value) <= text_limit)
                or (kind is float and math.isfinite(value))
                or kind is int
                or value is None
                or value == ""
            )
        ):
            _write_one(ws, sheet, row, col, value, fmt)
            skipped.add(index)
            continue
        if row != last_row:  # a new row: the previous one's last column, this one's first
            if row < last_row:  # out of order
                _store_streamed(ws, cells[:index], formats)
                return index
            if rows:
                block = last_row // 16
                highs[block] = max(highs.get(block, last_col), last_col)
            block = row // 16
            lows[block] = min(lows.get(block, col), col)
            rows.append(row)
            starts.append(index)
        elif col <= last_col:  # out of order
            _store_streamed(ws, cells[:index], formats)
            return index
        if kind is str and value:
            shared(value)  # its shared string's place: the same order as cell by cell
        entries = table.get(row)
        if entries and col in entries:  # a cell written earlier through xlsxwriter: this one wins
            del entries[col]
        last_row, last_col = row, col
    if rows:
        block = last_row // 16
        highs[block] = max(highs.get(block, last_col), last_col)
        ws._stream = LayoutStream(cells, known, rows, starts, lows, highs, skipped)
        _extend(ws, rows[0], rows[-1], min(lows.values()), max(highs.values()))
    return len(cells)


def _store_streamed(ws: Worksheet, cells: list[Any], formats: _Formats) -> None:
    """The plain cells among `cells`, already counted as shared strings, into xlsxwriter's table
    (where a later cell written through xlsxwriter is already, that one stays)."""
    table, strings, known = ws.table, ws.str_table.string_table, formats.known
    text_limit, rows_in, cols_in = ws.xls_strmax // 2, ws.xls_rowmax, ws.xls_colmax
    for row, col, value, style in cells:
        if not (0 <= row < rows_in and 0 <= col < cols_in) or col in table[row]:
            continue
        record = _plain_record(value, known[style], strings.__getitem__, formats, text_limit)
        if record is not None:
            table[row][col] = record


def _plain_record(
    value: Any, fmt: Format, text_index: Callable[[str], int], formats: _Formats, text_limit: int
) -> Any:
    """xlsxwriter's record of a plain cell, as its write_string/write_number/write_blank would store
    it after checks that cannot fail for it: text up to `text_limit` (its shared string's index from
    `text_index`), a finite number, a blank. None for anything else. Records are immutable, so one
    serves every blank of a format and every cell of one text and format (a Data table repeats its
    titles thousands of times): less to make, and to hold, than one record per cell."""
    assert CELL_TUPLES is not None  # (only called when xlsxwriter has them)
    kind = type(value)  # exact types first: this runs for every cell not streamed
    if kind is str and value and len(value) <= text_limit:
        index = text_index(value)
        cell = formats.text_cells.get((index, fmt))
        if cell is None:
            cell = formats.text_cells[(index, fmt)] = CELL_TUPLES[0](index, fmt)
        return cell
    if (kind is float and math.isfinite(value)) or kind is int:
        return CELL_TUPLES[1](value, fmt)
    if value is None or value == "":
        cell = formats.blank_cells.get(fmt)
        if cell is None:
            cell = formats.blank_cells[fmt] = CELL_TUPLES[2](fmt)
        return cell
    return None


def _extend(ws: Worksheet, low_row: int, high_row: int, low_col: int, high_col: int) -> None:
    """Widen the sheet's recorded extent, as _check_dimensions does cell by cell."""
    ws.dim_rowmin = low_row if ws.dim_rowmin is None else min(ws.dim_rowmin, low_row)
    ws.dim_rowmax = high_row if ws.dim_rowmax is None else max(ws.dim_rowmax, high_row)
    ws.dim_colmin = low_col if ws.dim_colmin is None else min(ws.dim_colmin, low_col)
    ws.dim_colmax = high_col if ws.dim_colmax is None else max(ws.dim_colmax, high_col)


def _write_one(ws: Worksheet, sheet: SheetLayout, row: int, col: int, value: Any, fmt: Format) -> None:
    """One cell through xlsxwriter's own methods."""
    if isinstance(value, str) and value:
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, Link):
        url = f"mailto:{value.email}" if value.email else f"internal:{quote_sheet(value.target)}!{value.cell}"
        ws.write_url(row, col, url, fmt, string=_attribute(value.text))
    elif isinstance(value, Formula):
        cached = value.cached
        if isinstance(cached, str):
            cached = escape_control_characters(cached)
        ws.write_formula(row, col, _formula(value.formula), fmt, cached)
    else:  # pragma: no cover - the layout only makes the types above
        raise TypeError(f"cannot write {type(value).__name__} to {sheet.name}!{a1(row, col)}")


def _attribute(text: str) -> str:
    """Text for an XML attribute (link text, a table's column names, a drop-down's prompt), where
    no escape exists for what XML cannot hold: such characters are dropped. Inputs are checked long
    before this (text_rules); this only makes sure no part can ever be malformed."""
    return remove_control_characters(text)


_TEXT_LITERAL = re.compile(r'"((?:[^"]|"")*)"')


def _formula(formula: str) -> str:
    """A formula as the file holds it: control characters escaped (Excel's _xHHHH_), and refused if
    any text literal is longer than Excel reads (inputs are checked long before, so this is a bug)."""
    for literal in _TEXT_LITERAL.findall(formula):
        if len(literal.replace('""', '"')) > FORMULA_TEXT_LIMIT:
            raise ValueError(f"a text over {FORMULA_TEXT_LIMIT} characters in a formula: {formula[:60]!r}...")
    return escape_control_characters(formula)


def _page_setup(ws: Worksheet, sheet: SheetLayout) -> None:
    setup = sheet.print_setup
    if setup.landscape:
        ws.set_landscape()
    ws.set_paper(PAPER_SIZES[setup.paper])
    if setup.scale is not None:
        ws.set_print_scale(setup.scale)
    elif setup.fit_width:
        ws.fit_to_pages(1, 0)
    if setup.row_breaks:
        ws.set_h_pagebreaks(list(setup.row_breaks))
    if setup.column_breaks:
        ws.set_v_pagebreaks(list(setup.column_breaks))
    if setup.across:
        ws.print_across()
    if setup.repeat_rows:
        ws.repeat_rows(*setup.repeat_rows)
    if setup.repeat_columns:
        ws.repeat_columns(*setup.repeat_columns)
    if setup.print_area:
        ws.print_area(*setup.print_area)
    left, right, top, bottom = setup.margins
    ws.set_margins(left, right, top, bottom)
    for text, place in ((setup.header, ws.set_header), (setup.footer, ws.set_footer)):
        if len(text) > HEADER_FOOTER_LIMIT:
            # xlsxwriter would drop it with a warning, and with it the protective marking: the
            # definition's limits (text_rules) keep real headers far shorter, so this is a bug.
            raise ValueError(f"a header or footer of {len(text)} characters on {ws.name}: {text[:60]!r}...")
        if text:
            place(text, {"margin": 0.25})
    if setup.center_horizontally:
        ws.center_horizontally()
    if sheet.freeze:
        ws.freeze_panes(*sheet.freeze)
    if not sheet.show_gridlines:
        ws.hide_gridlines(2)
    if sheet.tab_color:
        ws.set_tab_color(sheet.tab_color)
    if sheet.zoom != 100:
        ws.set_zoom(sheet.zoom)
