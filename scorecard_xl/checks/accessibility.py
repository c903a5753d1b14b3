"""Can everyone read this workbook? `check_accessibility` reports each rule of the Analysis
Function's "Releasing statistics in spreadsheets" (and WCAG) that a workbook breaks, where, and how
to fix it. Like `check`, it only reads the package (scorecard_xl.workbook.ooxml), never changes it.

The rules, by finding code:

- a11y-title, a11y-language: the document's title and language are set (File > Info > Properties);
- a11y-sheet-title: every visible sheet has its title in A1, where a screen reader starts;
- a11y-merged-cells: no merged cells (screen readers and sorting trip over them);
- a11y-no-table: figures are in an Excel Table (Insert > Table), not loose cells;
- a11y-table-name, a11y-table-alt-text, a11y-table-header: each table has a meaningful name,
  alternative text, and one header row of real column names;
- a11y-blank-cell: no blank cell, row or column inside a table: the GSS shorthand says why a
  figure is missing ([x] not available, [z] not applicable, [c] confidential, ...);
- a11y-shorthand: missing figures are written as that shorthand in square brackets, not as n/a, -,
  .., tbc or a bare letter; a11y-shorthand-unexplained: each shorthand used is explained on the
  Cover or a Notes sheet (a cell holding it, with its meaning beside it);
- a11y-colour-only: no colour scales, data bars or icon sets, which say things by colour or
  graphic alone;
- a11y-header-footer: nothing is said only in a page header or footer;
- a11y-hidden: no hidden rows or columns;
- a11y-image-alt-text: every picture and chart has alternative text; a11y-sparkline: sparklines
  (which cannot have any) show nothing the cells do not say;
- a11y-link-text: link text says where the link goes;
- a11y-zoom, a11y-cursor: sheets open at 100% with the cursor in A1, the workbook on its first sheet.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from scorecard_xl.checks.findings import Finding, Severity
from scorecard_xl.checks.report import Report
from scorecard_xl.checks.workbook_file import require_workbook_file
from scorecard_xl.errors import InputError
from scorecard_xl.workbook.ooxml import (
    Package,
    attribute,
    child,
    children,
    descendants,
    local,
    string_item,
    unescape,
)

A11Y_CHECKS: dict[str, tuple[Severity, str]] = {
    "a11y-title": ("error", "no document title"),
    "a11y-language": ("error", "no document language"),
    "a11y-sheet-title": ("error", "sheet without a title in A1"),
    "a11y-merged-cells": ("error", "merged cells"),
    "a11y-no-table": ("error", "figures outside an Excel Table"),
    "a11y-table-name": ("warning", "table with a default name"),
    "a11y-table-alt-text": ("error", "table without alternative text"),
    "a11y-table-header": ("error", "table without one header row of column names"),
    "a11y-blank-cell": ("error", "blank cell, row or column inside a table"),
    "a11y-shorthand": ("error", "missing figure not in the GSS shorthand"),
    "a11y-shorthand-unexplained": ("error", "shorthand used but not explained"),
    "a11y-colour-only": ("error", "meaning shown by colour or graphic alone"),
    "a11y-header-footer": ("error", "text only in a page header or footer"),
    "a11y-hidden": ("error", "hidden rows or columns"),
    "a11y-image-alt-text": ("error", "picture or chart without alternative text"),
    "a11y-sparkline": ("warning", "sparklines, which have no alternative text"),
    "a11y-link-text": ("warning", "link text that does not say where it goes"),
    "a11y-zoom": ("warning", "sheet not at 100% zoom"),
    "a11y-cursor": ("warning", "cursor not in A1, or the workbook not opening on its first sheet"),
}
SHORTHAND = re.compile(r"^\[[a-z]{1,3}\]$")  # [c], [x], [z], [u], [low], [p], ...
# Written for a missing figure. Case matters: "C" is a quartile band or a grade, "c" suppressed.
BARE_TOKENS = {
    "n/a",
    "N/A",
    "na",
    "NA",
    "-",
    "–",
    "—",
    "..",
    ":",
    "tbc",
    "TBC",
    "tb",
    "c",
    "x",
    "z",
    "u",
    "low",
    "*",
}
VAGUE_LINKS = re.compile(r"^(?:click here|here|link|more|go|go to|go to row\W*|read more|this)$", re.I)
DEFAULT_TABLE = re.compile(r"^Table\d+$", re.I)
DEFAULT_COLUMN = re.compile(r"^Column\d+$", re.I)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def check_accessibility(path: str | Path) -> list[Finding]:
    """Every accessibility finding for the workbook at `path`; empty when it follows the rules.
    Raises InputError when `path` is not a readable .xlsx workbook."""
    path = Path(path)
    require_workbook_file(path)
    report = Report(A11Y_CHECKS)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError.of(str(path), "", "", None, f"an Excel workbook (.xlsx): {error}") from None
    with archive:
        package = Package(archive, lambda part, message: None)  # unreadable parts: `check` reports them
        workbook = package.workbook_part()
        if workbook is None:
            raise InputError.of(str(path), "", "", None, "an Excel workbook (.xlsx); this package holds none")
        _Inspection(package, workbook, report).run()
    return report.findings


ANALYSTS_WORKBOOK = (
    "not a published copy: these rules are for statistics released to the public, and the workbook "
    "for the analyst and the board keeps, on purpose, what they forbid (merged group headers, frozen "
    "panes, sparklines, the data's own symbols such as n/a); 'scorecard-xl build --publish' makes "
    "the copy that follows every one"
)


def published_note(path: str | Path) -> str:
    """What to say first of a scorecard-xl workbook that is not a published copy (its defined names
    say so: scxl_ ones, without the Publication note); "" for any other workbook."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return ""
    ours = 'name="scxl_' in names
    return ANALYSTS_WORKBOOK if ours and 'name="scxl_publication"' not in names else ""


def format_accessibility(book: str, findings: list[Finding], note: str = "") -> str:
    """The command's output: the `note` first (published_note), one line per finding and a summary
    line."""
    if not findings:
        return f"{book}: ok: follows every accessibility rule checked (Analysis Function guidance)"
    errors = sum(f.severity == "error" for f in findings)
    lines = [f"{book}: {note}"] if note else []
    lines += [f"{book}: {finding}" for finding in findings]
    lines.append(
        f"{book}: not accessible as it is: {errors} error{'s' * (errors != 1)}, "
        f"{len(findings) - errors} warning{'s' * (len(findings) - errors != 1)}"
    )
    return "\n".join(lines)


def cell_name(row: int, col: int) -> str:
    """1-based row and column -> A1."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def cell_position(ref: str) -> tuple[int, int]:
    """A1 -> (1-based row, 1-based column)."""
    match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref)
    if not match:
        raise ValueError(ref)
    col = 0
    for letter in match[1].upper():
        col = col * 26 + ord(letter) - 64
    return int(match[2]), col


def area(ref: str) -> tuple[int, int, int, int]:
    """A1:C9 (or A1) -> (first row, first column, last row, last column), 1-based."""
    first, _, last = ref.partition(":")
    top, left = cell_position(first)
    bottom, right = cell_position(last or first)
    return top, left, bottom, right


@dataclass
class _Table:
    name: str
    bounds: tuple[int, int, int, int]
    header_rows: int
    columns: list[str]
    alt_text: str


@dataclass
class _Sheet:
    name: str
    part: str
    cells: dict[tuple[int, int], str] = field(default_factory=dict)  # shown text ("" never stored)
    numbers: set[tuple[int, int]] = field(default_factory=set)
    formula_links: set[tuple[int, int]] = field(default_factory=set)  # cells with a HYPERLINK formula
    tables: list[_Table] = field(default_factory=list)


class _Inspection:
    def __init__(self, package: Package, workbook: str, report: Report) -> None:
        self.package, self.workbook, self.report = package, workbook, report
        self.sheets: list[_Sheet] = []
        self.shorthand_used: dict[str, str] = {}  # symbol -> where first seen

    def run(self) -> None:
        self._properties()
        root = self.package.xml(self.workbook)
        if root is None:
            return
        self._workbook_view(root)
        strings = self._strings()
        targets = {rel.id: rel for rel in self.package.rels(self.workbook)}
        for node in descendants(root, "sheet"):
            rel = targets.get(attribute(node, "id", namespaced=True) or "")
            if node.get("state") in ("hidden", "veryHidden") or rel is None or rel.external:
                continue  # hidden sheets: `check` reports them
            if not rel.type.endswith("/worksheet") or not self.package.has(rel.target):
                continue
            sheet = _Sheet(node.get("name") or "?", rel.target)
            self.sheets.append(sheet)
            self._worksheet(sheet, strings)
            self.report.close_sheet(sheet.name)
        self._explained()

    # the document ------------------------------------------------------------------------------------

    def _properties(self) -> None:
        core = next((r.target for r in self.package.rels("") if r.type.endswith("/core-properties")), None)
        root = self.package.xml(core) if core and self.package.has(core) else None
        title = next((n.text or "" for n in descendants(root, "title")), "") if root is not None else ""
        language = next((n.text or "" for n in descendants(root, "language")), "") if root is not None else ""
        if not title.strip():
            self.report.add(
                "a11y-title",
                "property 'title'",
                "the document has no title: File > Info > Properties > Title",
            )
        if not language.strip():
            self.report.add(
                "a11y-language",
                "property 'language'",
                "the document's language is not set (screen readers choose their voice by it): set it "
                "(dc:language, e.g. en-GB) in File > Info > Properties > Advanced Properties, or rebuild",
            )

    def _workbook_view(self, root: ET.Element) -> None:
        view = next(descendants(root, "workbookView"), None)
        if view is not None and (view.get("activeTab") or "0") != "0":
            self.report.add(
                "a11y-cursor",
                self.workbook,
                "the workbook opens on another sheet than the first: select the first sheet, then save",
            )

    def _strings(self) -> list[str]:
        parts = [r.target for r in self.package.rels(self.workbook) if r.type.endswith("/sharedStrings")]
        root = self.package.xml(parts[0]) if parts and self.package.has(parts[0]) else None
        return [] if root is None else [string_item(si) for si in children(root, "si")]

    # a worksheet ------------------------------------------------------------------------------------

    def _worksheet(self, sheet: _Sheet, strings: list[str]) -> None:
        root = self.package.xml(sheet.part)
        if root is None:
            return
        where = f"Sheet '{sheet.name}'"
        for cell in descendants(root, "c"):
            self._cell(sheet, cell, strings)
        if not sheet.cells.get((1, 1), "").strip():
            self.report.add(
                "a11y-sheet-title",
                f"{where}!A1",
                "A1 is empty: put the sheet's title in A1 (screen readers start there), then what it holds",
            )
        merged = [m.get("ref") or "?" for m in descendants(root, "mergeCell")]
        if merged:
            self.report.add(
                "a11y-merged-cells",
                where,
                f"merged cells {', '.join(merged[:10])}{' ...' if len(merged) > 10 else ''}: unmerge them "
                "(Home > Merge & Center) and put each heading in its own cell",
            )
        self._views(sheet, root)
        self._hidden(sheet, root)
        self._header_footer(sheet, root)
        self._conditional_formats(sheet, root)
        if any(local(n.tag) == "sparklineGroup" for n in root.iter()):
            self.report.add(
                "a11y-sparkline",
                where,
                "sparklines cannot carry alternative text: make sure every figure they show is in the "
                "cells beside them, or leave them out of a published copy",
            )
        rels = {rel.id: rel for rel in self.package.rels(sheet.part)}
        for part in descendants(root, "tablePart"):
            rel = rels.get(attribute(part, "id", namespaced=True) or "")
            if rel is not None and self.package.has(rel.target):
                self._table(sheet, rel.target)
        for drawing in descendants(root, "drawing"):
            rel = rels.get(attribute(drawing, "id", namespaced=True) or "")
            if rel is not None and self.package.has(rel.target):
                self._drawing(sheet, rel.target)
        self._links(sheet, root)
        self._loose_figures(sheet)

    def _cell(self, sheet: _Sheet, node: ET.Element, strings: list[str]) -> None:
        ref = node.get("r")
        if not ref:
            return
        position = cell_position(ref)
        kind = node.get("t") or "n"
        value = child(node, "v")
        formula = child(node, "f")
        if formula is not None and "HYPERLINK(" in (formula.text or "").upper():
            sheet.formula_links.add(position)
        text = ""
        if kind == "s" and value is not None and (value.text or "").strip().isdigit():
            index = int((value.text or "").strip())
            text = strings[index] if index < len(strings) else ""
        elif kind == "inlineStr":
            inline = child(node, "is")
            text = string_item(inline) if inline is not None else ""
        elif kind == "str" and value is not None:
            text = unescape(value.text or "")
        elif kind in ("n", "b", "e") and value is not None and value.text:
            text = value.text
            if kind == "n":
                sheet.numbers.add(position)
        if not text:
            return
        sheet.cells[position] = text
        stripped = text.strip()
        if stripped in BARE_TOKENS and kind != "n":
            self.report.add_cell(
                "a11y-shorthand",
                sheet.name,
                ref,
                f"{stripped!r} stands for a missing figure: write the GSS shorthand in square brackets "
                "([x] not available, [z] not applicable, [c] confidential, [u] low reliability, "
                "[low] rounds to zero) and explain it on the Cover or a Notes sheet",
            )
        if SHORTHAND.match(stripped):
            self.shorthand_used.setdefault(stripped, f"Sheet '{sheet.name}'!{ref}")

    def _views(self, sheet: _Sheet, root: ET.Element) -> None:
        where = f"Sheet '{sheet.name}'"
        for view in descendants(root, "sheetView"):
            zoom = view.get("zoomScale")
            if zoom and zoom != "100":
                self.report.add("a11y-zoom", where, f"opens at {zoom}% zoom: set the zoom to 100%, then save")
            panes = [p for p in children(view, "pane") if p.get("state") in ("frozen", "frozenSplit")]
            active = [s.get("activeCell") or "A1" for s in children(view, "selection")] or ["A1"]
            cell = active[-1]
            if panes or cell.upper() != "A1":
                self.report.add(
                    "a11y-cursor",
                    where,
                    f"the cursor starts in {cell if cell.upper() != 'A1' else 'a frozen pane'}, not A1: "
                    "unfreeze panes (View > Freeze Panes), select A1, then save",
                )

    def _hidden(self, sheet: _Sheet, root: ET.Element) -> None:
        rows = [r.get("r") or "?" for r in descendants(root, "row") if r.get("hidden") in ("1", "true")]
        columns = [
            f"{c.get('min')}-{c.get('max')}"
            for c in descendants(root, "col")
            if c.get("hidden") in ("1", "true")
        ]
        if rows or columns:
            what = "; ".join(
                part
                for part in (
                    f"rows {', '.join(rows[:10])}" if rows else "",
                    f"columns {', '.join(columns[:10])}" if columns else "",
                )
                if part
            )
            self.report.add(
                "a11y-hidden",
                f"Sheet '{sheet.name}'",
                f"hidden {what}: a screen reader may skip them and nobody sees them; show or delete them",
            )

    def _header_footer(self, sheet: _Sheet, root: ET.Element) -> None:
        node = next(descendants(root, "headerFooter"), None)
        if node is None:
            return
        shown = " ".join(sheet.cells.values()).casefold()
        for part in node:
            text = unescape(part.text or "")
            for literal in re.split(r"&[LCR]", text):
                if re.search(r"&[PN]", literal):
                    continue  # "Page 3 of 9": where the page is, not information about the figures
                words = re.sub(r'&"[^"]*"|&\d+|&[A-Za-z]|&&', " ", literal).strip()
                if words and words.casefold() not in shown:
                    self.report.add(
                        "a11y-header-footer",
                        f"Sheet '{sheet.name}' {local(part.tag)}",
                        f"{words!r} is only in the page {local(part.tag).removeprefix('odd').lower()}: "
                        "put it in a cell of the sheet too (readers on screen never see headers)",
                    )

    def _conditional_formats(self, sheet: _Sheet, root: ET.Element) -> None:
        for formats in descendants(root, "conditionalFormatting"):
            for rule in children(formats, "cfRule"):
                kind = rule.get("type") or ""
                if kind in ("colorScale", "dataBar", "iconSet"):
                    self.report.add(
                        "a11y-colour-only",
                        f"Sheet '{sheet.name}'!{formats.get('sqref') or '?'}",
                        f"a {kind} says something by colour or graphic alone: say it in words too (a RAG "
                        "word, an arrow and a word), or remove it (Home > Conditional Formatting)",
                    )

    # tables -------------------------------------------------------------------------------------------

    def _table(self, sheet: _Sheet, part: str) -> None:
        root = self.package.xml(part)
        if root is None:
            return
        name = root.get("displayName") or root.get("name") or "?"
        ref = root.get("ref") or "A1"
        header_rows = int(root.get("headerRowCount") or "1")
        columns = [c.get("name") or "" for c in descendants(root, "tableColumn")]
        alt = " ".join(
            (n.get("altText") or "") + " " + (n.get("altTextSummary") or "")
            for n in root.iter()
            if local(n.tag) == "table" and (n.get("altText") or n.get("altTextSummary"))
        ).strip()
        table = _Table(name, area(ref), header_rows, columns, alt)
        sheet.tables.append(table)
        where = f"Sheet '{sheet.name}' table '{name}' ({ref})"
        if DEFAULT_TABLE.match(name):
            self.report.add(
                "a11y-table-name",
                where,
                "the table has Excel's default name: name it for what it holds (Table Design > Table Name)",
            )
        if not alt:
            self.report.add(
                "a11y-table-alt-text",
                where,
                "the table has no alternative text: Table Design > Alt Text, a title and what it holds",
            )
        if header_rows != 1 or any(not c.strip() or DEFAULT_COLUMN.match(c) for c in columns):
            self.report.add(
                "a11y-table-header",
                where,
                "the table needs one header row naming every column (no empty or 'ColumnN' headers)",
            )
        self._blanks(sheet, table, where)

    def _blanks(self, sheet: _Sheet, table: _Table, where: str) -> None:
        top, left, bottom, right = table.bounds
        first = top + table.header_rows
        rows = range(first, bottom + 1)
        cols = range(left, right + 1)
        blank_rows = [r for r in rows if all((r, c) not in sheet.cells for c in cols)]
        blank_cols = [c for c in cols if all((r, c) not in sheet.cells for r in rows)]
        for row in blank_rows:
            self.report.add_cell(
                "a11y-blank-cell", sheet.name, f"{cell_name(row, left)}:{cell_name(row, right)}",
                f"a blank row inside table '{table.name}': delete it",
            )  # fmt: skip
        for col in blank_cols:
            self.report.add_cell(
                "a11y-blank-cell", sheet.name, f"{cell_name(first, col)}:{cell_name(bottom, col)}",
                f"a blank column inside table '{table.name}': delete it",
            )  # fmt: skip
        for row in rows:
            for col in cols:
                if row in blank_rows or col in blank_cols or (row, col) in sheet.cells:
                    continue
                self.report.add_cell(
                    "a11y-blank-cell",
                    sheet.name,
                    cell_name(row, col),
                    f"a blank cell in table '{table.name}': say why nothing is there with the GSS "
                    "shorthand ([x] not available, [z] not applicable)",
                )

    def _loose_figures(self, sheet: _Sheet) -> None:
        """Figures (three rows or more of numbers in two columns or more) outside every table."""
        inside = {
            (r, c)
            for table in sheet.tables
            for r in range(table.bounds[0], table.bounds[2] + 1)
            for c in range(table.bounds[1], table.bounds[3] + 1)
        }
        loose = sorted(position for position in sheet.numbers if position not in inside)
        rows: dict[int, set[int]] = {}
        for row, col in loose:
            rows.setdefault(row, set()).add(col)
        wide = [row for row, cols in rows.items() if len(cols) >= 2]
        if len(wide) >= 3:
            first = min(position for position in loose if position[0] in wide)
            self.report.add(
                "a11y-no-table",
                f"Sheet '{sheet.name}'!{cell_name(*first)}",
                f"{len(wide)} rows of figures are not in an Excel Table: select them with their header row, "
                "Insert > Table, and give it a name and alternative text",
            )

    # pictures and links -------------------------------------------------------------------------------

    def _drawing(self, sheet: _Sheet, part: str) -> None:
        root = self.package.xml(part)
        if root is None:
            return
        for anchor in root:
            props = next(descendants(anchor, "cNvPr"), None)
            if props is None:
                continue
            kind = "chart" if any(local(n.tag) == "graphicFrame" for n in anchor.iter()) else "picture"
            if props.get("descr", "").strip() or any(
                local(n.tag) == "decorative" and n.get("val") == "1" for n in anchor.iter()
            ):
                continue
            spot = next(descendants(anchor, "from"), None)
            cell = "?"
            if spot is not None:
                row, col = child(spot, "row"), child(spot, "col")
                if row is not None and col is not None:
                    cell = cell_name(int(row.text or 0) + 1, int(col.text or 0) + 1)
            self.report.add(
                "a11y-image-alt-text",
                f"Sheet '{sheet.name}'!{cell}",
                f"a {kind} ({props.get('name', '')}) has no alternative text: right-click > View Alt Text, "
                "and say what it shows (or mark it decorative)",
            )

    def _links(self, sheet: _Sheet, root: ET.Element) -> None:
        links = {
            cell_position((h.get("ref") or "A1").split(":")[0]): h.get("display")
            for h in descendants(root, "hyperlink")
        }
        links.update({position: None for position in sheet.formula_links})
        for position, display in sorted(links.items()):
            text = (display or sheet.cells.get(position, "")).strip()
            if VAGUE_LINKS.match(text.rstrip("►▶→ ").strip()):
                self.report.add_cell(
                    "a11y-link-text",
                    sheet.name,
                    cell_name(*position),
                    f"the link says {text!r}: say where it goes (a screen reader can list links alone)",
                )

    def _explained(self) -> None:
        """Each shorthand used is explained: a cell holding just the symbol with words beside it."""
        explained = {
            text.strip()
            for sheet in self.sheets
            for (row, col), text in sheet.cells.items()
            if SHORTHAND.match(text.strip()) and len(sheet.cells.get((row, col + 1), "").split()) >= 2
        }
        for symbol, where in sorted(self.shorthand_used.items()):
            if symbol not in explained:
                self.report.add(
                    "a11y-shorthand-unexplained",
                    where,
                    f"{symbol} is used but explained nowhere: add it, and what it means, to the Cover or a "
                    "Notes sheet",
                )
