"""xlsxwriter's workbook, worksheet, core properties and packager, with faster paths that write the
same bytes (tests/test_workbook.py removes each and compares whole files).

A large scorecard writes over a million cells; xlsxwriter's own per-cell path (a record per cell,
attribute lists, a regular expression per value) was most of a build. Here the commonest cells are
written as their XML in one piece, a sheet laid out in order is written straight from its layout
(`LayoutStream`), and work xlsxwriter repeats (sparkline styles, table cell records, future
functions in formulas) is done once or skipped where it changes nothing. Also what xlsxwriter does
not write: workbook structure protection and the document's language.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from xlsxwriter import worksheet as worksheet_module
from xlsxwriter.core import Core
from xlsxwriter.exceptions import OverlappingRange
from xlsxwriter.format import Format
from xlsxwriter.packager import Packager
from xlsxwriter.utility import xl_cell_to_rowcol, xl_range, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import Worksheet

from scorecard_xl.layout.sheet import BulkRows, StyleKey


class FastWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]  # xlsxwriter ships no types here
    """xlsxwriter's Workbook, plus structure protection (adding, deleting, renaming sheets).

    xlsxwriter protects sheets but not a workbook's structure; the schema puts <workbookProtection>
    straight after <workbookPr>, so it is written there. The password hash is Excel's legacy 16-bit
    one, the same xlsxwriter uses for sheets: it stops accidents, not a determined reader.
    """

    structure_password: str | None = None

    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> Worksheet:
        return super().add_worksheet(name, worksheet_class or FastWorksheet)

    def _get_packager(self) -> Packager:
        return _Packager()

    def _prepare_sst_string_data(self) -> None:
        # xlsxwriter turns its text -> index table into a list before the sheets are written; sheets
        # written from their layout (LayoutStream) look their texts' indexes up in it, so it is
        # kept for them.
        strings = self.str_table.string_table
        super()._prepare_sst_string_data()
        for sheet in self.worksheets():
            if getattr(sheet, "_stream", None) is not None:
                sheet._stream.strings = strings

    def _write_workbook_pr(self) -> None:
        super()._write_workbook_pr()
        if self.structure_password is not None:
            attributes = [("lockStructure", 1)]
            if self.structure_password:
                hashed = Worksheet._encode_password(None, self.structure_password)
                attributes.insert(0, ("workbookPassword", hashed))
            self._xml_empty_tag("workbookProtection", attributes)


class _Core(Core):  # type: ignore[misc]  # xlsxwriter ships no types here
    """Document properties, plus the language (dc:language), which xlsxwriter does not write and
    screen readers use to pick a voice."""

    def _write_dc_title(self) -> None:
        super()._write_dc_title()
        if self.properties.get("language"):
            self._xml_data_element("dc:language", self.properties["language"])


class _Packager(Packager):  # type: ignore[misc]  # xlsxwriter ships no types here
    def _write_core_file(self) -> None:
        core = _Core()
        core._set_properties(self.workbook.doc_properties)
        core._set_xml_writer(self._filename("docProps/core.xml"))
        core._assemble_xml_file()


class FastWorksheet(Worksheet):  # type: ignore[misc]  # xlsxwriter ships no types here
    """xlsxwriter's Worksheet, with a fast path for formulas that use only Excel 2007 functions.

    xlsxwriter runs every formula (and every conditional format's, all of the list) through some
    100 regular expressions that prefix newer functions (`_xlfn.XLOOKUP`); for the sample's 240
    formulas that was a tenth of the write. Where every function named is one Excel has always had,
    nothing would change, so the formula is only stripped of its "=" as xlsxwriter would."""

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        # The innermost loop of every write. xlsxwriter builds an attribute list per cell and runs
        # a regular expression over each value to escape it; a cell reference and a format index
        # never need escaping, so the three commonest cells (a number, a shared string, a blank,
        # each with a format) are written here as the same bytes. Anything else: xlsxwriter's way.
        kind = cell.__class__.__name__
        if cell.format is None or kind not in _FAST_CELLS or self.constant_memory:
            super()._write_cell(row, col, cell)
            return
        self.fh.write(_cell_xml(xl_rowcol_to_cell_fast(row, col), cell))

    fast_rows = 0  # rows written by the faster path below (tests check it is taken)

    def _write_rows(self) -> None:
        # xlsxwriter visits every column from the sheet's first to its last for every row, twice
        # (spans, then cells), and writes each cell through a method call building attribute lists;
        # here each row's own cells are visited, and a row's XML is written in one piece. The same
        # bytes: rows in order, cells in column order, the same spans and row attributes. Plain
        # cells of a sheet laid out in order come straight from the layout (see writer._stream_cells),
        # merged by column with xlsxwriter's table, whose cell wins where both have one.
        if self.constant_memory or self.comments or self.dim_rowmin is None or CELL_TUPLES is None:
            super()._write_rows()
            return
        table, row_info = self.table, self.row_info
        first, last = self.dim_rowmin, self.dim_rowmax
        filled = [row for row, cells in table.items() if cells and first <= row <= last]
        stream: LayoutStream | None = getattr(self, "_stream", None)
        lows: dict[int, int] = dict(stream.lows) if stream else {}
        highs: dict[int, int] = dict(stream.highs) if stream else {}
        for row in filled:  # a row's span: the first and last columns used in its block of 16 rows
            cols, block = table[row], row // 16
            low, high = min(cols), max(cols)
            lows[block] = min(low, lows.get(block, low))
            highs[block] = max(high, highs.get(block, high))
        spans = self.row_spans = {block: f"{low + 1}:{highs[block] + 1}" for block, low in lows.items()}
        write = self.fh.write
        string_cell, number_cell, _ = CELL_TUPLES
        fast_kinds = frozenset(CELL_TUPLES)
        columns = _COLUMN_NAMES
        styles: dict[Format, int] = {}
        with_cells = set(filled)
        layout_cells: list[Any] = []
        skipped: set[int] = set()
        stream_rows: list[int] = []
        stream_starts: list[int] = []
        bulk = stream.bulk if stream else None
        if stream:
            with_cells.update(stream.rows)
            layout_cells, known, strings = stream.cells, stream.known, stream.strings or {}
            skipped, stream_rows, stream_starts = stream.skipped, stream.rows, stream.starts
        if bulk:
            with_cells.update(range(bulk.first_row, bulk.last_row + 1))
            bulk_cols = range(bulk.first_col, bulk.last_col + 1)
            bulk_rows = {row for row, _ in bulk.restyled}
        bulk_heads: list[tuple[str, int]] = []
        xfs: dict[StyleKey, int] = {}  # a layout style's format index
        at, count = 0, len(layout_cells)
        # A row without row_info is written as its number and span alone, unless the sheet's default
        # height was changed or Excel 2010 extensions asked for (see xlsxwriter's _write_row).
        plain_rows = self.default_row_height == self.original_row_height and self.excel_version != 2010
        self.fast_rows = len(with_cells)
        for row in sorted(with_cells.union(r for r in row_info if first <= r <= last)):
            span = spans.get(row // 16)
            if row not in with_cells:
                self._write_empty_row(row, span, row_info.get(row))
                continue
            entries = table.get(row) or {}
            number = str(row + 1)
            parts: list[str] = []
            info = row_info.get(row)
            if info is None and plain_rows:  # no height, format, level: only its number and span
                parts.append(f'<row r="{number}" spans="{span}">' if span else f'<row r="{number}">')
            else:
                self._write_row(row, span, info)
            # (column, layout cell or None, table record or None), in column order
            merged: list[tuple[int, Any, Any]] = []
            laid_cells: list[Any] = []
            if at < len(stream_rows) and stream_rows[at] == row:
                end = stream_starts[at + 1] if at + 1 < len(stream_rows) else count
                laid_cells = layout_cells[stream_starts[at] : end]
                if skipped:  # cells written through xlsxwriter, in its table: not here
                    laid_cells = [c for i, c in enumerate(laid_cells, stream_starts[at]) if i not in skipped]
                at += 1
            elif bulk and row >= bulk.first_row:  # after every streamed row
                values = bulk.rows[row - bulk.first_row]
                if not entries and row not in bulk_rows:  # the commonest row of a large workbook
                    if not bulk_heads:  # each column's letters and format index, in column order
                        for col, key in zip(bulk_cols, bulk.keys, strict=True):
                            style = xfs.get(key)
                            if style is None:
                                style = xfs[key] = known[key]._get_xf_index()
                            bulk_heads.append((columns.get(col) or _column_name(col), style))
                    for (letters, style), value in zip(bulk_heads, values, strict=True):
                        if type(value) is str and value:
                            parts.append(
                                f'<c r="{letters}{number}" s="{style}" t="s"><v>{strings[value]}</v></c>'
                            )
                        elif value is None or value == "":
                            parts.append(f'<c r="{letters}{number}" s="{style}"/>')
                        else:
                            parts.append(f'<c r="{letters}{number}" s="{style}"><v>{value:.16G}</v></c>')
                    parts.append("</row>")
                    write("".join(parts))
                    continue
                if row in bulk_rows:  # a cell with a style of its own
                    laid_cells = [
                        (row, col, v, bulk.key(row, col)) for col, v in zip(bulk_cols, values, strict=True)
                    ]
                else:
                    laid_cells = list(zip(itertools.repeat(row), bulk_cols, values, bulk.keys))
            if entries:
                merged.extend((laid[1], laid, None) for laid in laid_cells if laid[1] not in entries)
                merged.extend((col, None, entries[col]) for col in entries)
                merged.sort(key=_first)
            else:  # the commonest case: a row with no cell in xlsxwriter's table
                _append_laid(parts, laid_cells, number, xfs, known, strings)
            run: list[Any] = []  # layout cells in a row, between the table's
            for col, laid, cell in merged:
                if laid is not None:
                    run.append(laid)
                    continue
                if run:
                    _append_laid(parts, run, number, xfs, known, strings)
                    run = []
                ref = (columns.get(col) or _column_name(col)) + number
                kind, fmt = type(cell), cell.format
                if fmt is None or kind not in fast_kinds:
                    if parts:
                        write("".join(parts))
                        parts = []
                    self._write_cell(row, col, cell)
                    continue
                style = styles.get(fmt)
                if style is None:
                    style = styles[fmt] = fmt._get_xf_index()
                if kind is string_cell:
                    parts.append(f'<c r="{ref}" s="{style}" t="s"><v>{cell.string}</v></c>')
                elif kind is number_cell:
                    parts.append(f'<c r="{ref}" s="{style}"><v>{cell.number:.16G}</v></c>')
                else:
                    parts.append(f'<c r="{ref}" s="{style}"/>')
            if run:
                _append_laid(parts, run, number, xfs, known, strings)
            parts.append("</row>")
            write("".join(parts))

    def add_sparkline(self, row: int, col: int, options: dict[str, Any] | None = None) -> int:
        # xlsxwriter rebuilds its table of 36 sparkline styles (252 colour objects) for every group:
        # a tenth of the sample's write. The table never changes, so it is made once; xlsxwriter
        # looks it up by a module name, swapped only for this call (the same values either way).
        original = getattr(worksheet_module, "_get_sparkline_style", None)
        if original is None:
            return int(super().add_sparkline(row, col, options))
        worksheet_module._get_sparkline_style = _sparkline_style
        try:
            return int(super().add_sparkline(row, col, options))
        finally:
            worksheet_module._get_sparkline_style = original

    def add_table(
        self,
        first_row: int,
        first_col: int,
        last_row: int,
        last_col: int,
        options: dict[str, Any] | None = None,
    ) -> int:
        # xlsxwriter records every cell of a table, one dictionary entry each, to refuse a later
        # table or merge over it: a 4,000-measure Data table is over a million cells, 100 MB and
        # a second of the build. A table of headers and plain rows is added here as xlsxwriter
        # would add its header row and first data row, then given its whole range (the same XML);
        # the overlap check is made on rectangles. Anything else: xlsxwriter's own way.
        options = options or {}
        columns = options.get("columns", [])
        plain = (
            not self.constant_memory
            and last_row - first_row >= 2
            and options.get("header_row", True)
            and not options.get("total_row")
            and "data" not in options
            and not any(c.get("formula") or c.get("total_function") or c.get("total_string") for c in columns)
            and isinstance(getattr(self, "filter_cells", None), dict)
        )
        if not plain or self._check_dimensions(last_row, last_col, True, True):
            return int(super().add_table(first_row, first_col, last_row, last_col, options))
        whole = xl_range(first_row, first_col, last_row, last_col)
        for other in [*self.merge, *(t["range"] for t in self.tables)]:
            (top, left), (bottom, right) = _corners(other)
            if top <= last_row and first_row <= bottom and left <= last_col and first_col <= right:
                kind = "merge" if isinstance(other, list) else "table"
                previous = xl_range(top, left, bottom, right)
                raise OverlappingRange(f"Table range '{whole}' overlaps previous {kind} range '{previous}'.")
        tables = len(self.tables)
        result = int(super().add_table(first_row, first_col, first_row + 1, last_col, options))
        if result == 0 and len(self.tables) == tables + 1:
            table = self.tables[-1]
            table["range"] = whole
            table["a_range"] = whole  # no total row
            if table.get("autofilter"):
                table["autofilter"] = whole
            for col in range(first_col, last_col + 1):
                if self.filter_cells.get((first_row, col), ("",))[0] == "table":
                    self.filter_cells[(first_row, col)] = ("table", whole)
        return result

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if not formula.startswith("{") and set(_FUNCTION.findall(formula)) <= CLASSIC_FUNCTIONS:
            return formula[1:] if formula.startswith("=") else formula
        return str(super()._prepare_formula(formula, expand_future_functions))


# Functions the layout's formulas and rules use (and xlsxwriter's text rules: "containing" is
# NOT(ISERROR(SEARCH(...)))), all in Excel 2007; any other falls back to xlsxwriter's own handling,
# so a newer function is never written without its prefix.
CLASSIC_FUNCTIONS = frozenset({"AND", "HYPERLINK", "IF", "INDEX", "ISBLANK", "ISNUMBER", "ISTEXT", "MATCH"})
CLASSIC_FUNCTIONS |= frozenset({"NOT", "OR", "ROUND", "T", "ISERROR", "SEARCH", "LEFT", "RIGHT", "LEN"})
_FUNCTION = re.compile(r"([A-Za-z_][A-Za-z0-9._]*)\(")
_FAST_CELLS = frozenset({"Number", "String", "Blank"})  # written by FastWorksheet._write_cell
_COLUMN_NAMES: dict[int, str] = {}
_SPARKLINE_STYLES: dict[int, Any] = {}
_MAKE_SPARKLINE_STYLE = getattr(worksheet_module, "_get_sparkline_style", None)


def _corners(area: Any) -> tuple[tuple[int, int], tuple[int, int]]:
    """(top, left), (bottom, right) of a merge ([first_row, first_col, last_row, last_col]) or of
    a table's range ("A1:F99")."""
    if isinstance(area, list):
        return (area[0], area[1]), (area[2], area[3])
    first, _, last = str(area).partition(":")
    return xl_cell_to_rowcol(first), xl_cell_to_rowcol(last or first)


def _sparkline_style(style_id: int) -> Any:
    """xlsxwriter's sparkline style `style_id` (its colours), made once."""
    found = _SPARKLINE_STYLES.get(style_id)
    if found is None and _MAKE_SPARKLINE_STYLE is not None:
        found = _SPARKLINE_STYLES[style_id] = _MAKE_SPARKLINE_STYLE(style_id)
    return found


def _column_name(col: int) -> str:
    """A column's letters (kept: a sheet asks for the same few columns thousands of times)."""
    name = _COLUMN_NAMES[col] = str(xl_rowcol_to_cell_fast(0, col))[:-1]
    return name


def _cell_xml(ref: str, cell: Any) -> str:
    """A number, shared string or blank cell with a format, as xlsxwriter writes it."""
    kind = cell.__class__.__name__
    at = f'<c r="{ref}" s="{cell.format._get_xf_index()}"'
    if kind == "Number":
        return f"{at}><v>{cell.number:.16G}</v></c>"
    if kind == "String":
        return f'{at} t="s"><v>{cell.string}</v></c>'
    return f"{at}/>"


@dataclass
class LayoutStream:
    """A sheet's plain cells, written from its layout: the layout's cells, the formats by style, the
    rows holding plain cells (in order) and where each starts, and each 16-row block's first and
    last column."""

    cells: list[Any]
    known: Mapping[StyleKey, Format]
    rows: list[int]
    starts: list[int]  # the position in `cells` of each row's first cell
    lows: dict[int, int]
    highs: dict[int, int]
    skipped: set[int]  # positions in `cells` of those written through xlsxwriter (not plain)
    strings: dict[str, int] | None = None  # text -> shared string index (set as the workbook closes)
    bulk: BulkRows | None = None  # rows after every row of `rows`, written from the layout too


def _append_laid(
    parts: list[str],
    laid_cells: Iterable[Any],
    number: str,
    xfs: dict[StyleKey, int],
    known: Mapping[StyleKey, Format],
    strings: dict[str, int],
) -> None:
    """The XML of layout cells (row, col, value, style key) of the row numbered `number`, as
    xlsxwriter writes a shared string, a number or a blank. (A bulk row's cells are written the
    same way inline in _write_rows, with each column's letters and format worked out once.)"""
    columns, append = _COLUMN_NAMES, parts.append
    for _, col, value, key in laid_cells:
        style = xfs.get(key)
        if style is None:
            style = xfs[key] = known[key]._get_xf_index()
        ref = (columns.get(col) or _column_name(col)) + number
        if type(value) is str and value:
            append(f'<c r="{ref}" s="{style}" t="s"><v>{strings[value]}</v></c>')
        elif value is None or value == "":
            append(f'<c r="{ref}" s="{style}"/>')
        else:
            append(f'<c r="{ref}" s="{style}"><v>{value:.16G}</v></c>')


def _first(item: tuple[int, Any, Any]) -> int:
    return item[0]


def _cell_tuples() -> tuple[Any, Any, Any] | None:
    """xlsxwriter's cell records for text, numbers and blanks (named so since 3.2; before, in lower
    case), or None: then every cell goes through xlsxwriter's methods."""
    found: list[Any] = [
        getattr(worksheet_module, name, None) or getattr(worksheet_module, older, None)
        for name, older in (
            ("CellStringTuple", "cell_string_tuple"),
            ("CellNumberTuple", "cell_number_tuple"),
            ("CellBlankTuple", "cell_blank_tuple"),
        )
    ]
    if [getattr(t, "__name__", None) for t in found] == ["String", "Number", "Blank"]:
        return found[0], found[1], found[2]
    return None


CELL_TUPLES = _cell_tuples()
# The xlsxwriter series the faster paths were proved on (pyproject.toml pins the same): their bytes
# are compared with xlsxwriter's own paths' in tests/test_workbook.py.
PROVED_ON = ("3.3",)


def slower_path_note() -> str | None:
    """Why this build writes through xlsxwriter's own, slower paths (an xlsxwriter whose internals
    the faster paths do not know), in words for a warning; None when the faster paths are in use."""
    if CELL_TUPLES is not None:
        return None
    return (
        f"xlsxwriter {xlsxwriter.__version__} names its cell records differently from the "
        f"{', '.join(PROVED_ON)} series scorecard-xl was proved on, so workbooks are written through "
        "xlsxwriter's own slower paths (the same files, a few times slower at scale); install "
        f"xlsxwriter {PROVED_ON[-1]}.x"
    )
