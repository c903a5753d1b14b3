"""Reading a built workbook's record of itself (layout.record) from a snapshot of its cells: the
settings on its Cover, the period shown and the one picked, its layout signature, the measures and
commentary on its Scorecard, the definition's text on its Setup sheet and the rows of its Data
table. Every reader of a built workbook goes through here; none knows a cell position of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scorecard_xl.data_table import COLUMNS
from scorecard_xl.errors import InputError
from scorecard_xl.layout import record
from scorecard_xl.layout.setup_sheet import Geometry, parse_geometry, text_from_lines
from scorecard_xl.snapshot import Rect, WorkbookSnapshot
from scorecard_xl.values import text_of


@dataclass(frozen=True)
class WorkbookRecord:
    name: str  # the workbook's file name, for messages
    folder: Path | None  # where relative locations start; None when unknown (Excel on the web)
    options: str  # build options in words, from the Cover's "Built with"
    definition_location: str  # where the definition came from (informational)
    data_files: tuple[str, ...]  # files a refresh reads new rows from, as written on the Cover
    shown: str  # the period shown, YYYY-MM
    picked: str  # the Cover's "Period to show": a period, or "" for the latest
    signature: str
    names: Mapping[str, Rect]
    measures: tuple[str, ...] = ()  # measure ids on the Scorecard, in order
    showing: frozenset[str] = frozenset()  # measures whose months or YTD show a number
    commentary: Mapping[str, str] = field(default_factory=dict)  # measure id -> text
    definition_file: str = ""  # the definition's file name; its suffix says TOML or YAML
    definition_text: str = ""
    table_rows: tuple[tuple[object, ...], ...] = ()  # the Data table's rows below its header
    table_first_row: int = 0  # 1-based sheet row of the first of them
    geometry: Mapping[str, Geometry | None] = field(default_factory=dict)  # sheet -> widths, heights
    values_before: int | None = None  # values in the Data table when it was last written

    @property
    def setup_source(self) -> str:
        return f"{self.name}, Setup sheet"


def not_a_scorecard(name: str) -> InputError:
    return InputError.of(
        name,
        "",
        "",
        None,
        "is not a workbook made by scorecard-xl (it has no scxl_ defined names); build one with "
        "'scorecard-xl build'",
    )


def read_record(snapshot: WorkbookSnapshot) -> WorkbookRecord:
    """Everything a refresh needs from the workbook, or an InputError saying what is missing."""
    names = snapshot.names
    if not any(name.startswith(record.PREFIX) for name in names):
        raise not_a_scorecard(snapshot.name)
    if not any(name in names for name in (record.DEFINITION_TEXT, record.DATA_TABLE, record.GRID)):
        raise InputError.of(
            snapshot.name,
            "",
            "",
            None,
            "was made by an earlier scorecard-xl and does not carry its definition and data; build "
            "it again with 'scorecard-xl build -t DEFINITION -d DATA' (copy its commentary across)",
        )
    missing = [name for name in record.REQUIRED if name not in names]
    if missing:
        raise InputError.of(
            snapshot.name,
            "",
            "defined names",
            ", ".join(missing),
            "the names scorecard-xl gave the workbook (Formulas > Name Manager); one was deleted, or "
            "the cells it named were: undo that, or rebuild with 'scorecard-xl build "
            f'--from-workbook "{snapshot.name}" -o NEW.xlsx\'',
        )

    def cell(name: str) -> str:
        sheet, row, col, _, _ = names[name]
        return text_of(snapshot.sheet(sheet).cell(row, col))

    measures, showing, commentary = _scorecard(snapshot)
    definition_file, definition_text = _definition(snapshot)
    table_rows, table_first_row = _table(snapshot)
    picked = cell(record.PICKER)
    return WorkbookRecord(
        name=snapshot.name,
        folder=snapshot.folder,
        options=cell(record.OPTIONS),
        definition_location=cell(record.DEFINITION) if record.DEFINITION in names else "",
        data_files=data_files(cell(record.DATA)),
        shown=cell(record.SHOWN),
        picked="" if picked.lower() == record.LATEST.lower() else picked,
        signature=cell(record.SIGNATURE),
        names=names,
        measures=measures,
        showing=showing,
        commentary=commentary,
        definition_file=definition_file,
        definition_text=definition_text,
        table_rows=table_rows,
        table_first_row=table_first_row,
        geometry=_geometry(snapshot),
        values_before=_count(cell(record.DATA_STATUS)) if record.DATA_STATUS in names else None,
    )


def data_files(text: str) -> tuple[str, ...]:
    """The Cover's "Data files": paths separated by semicolons; a part in brackets is a remark."""
    parts = (part.strip() for part in text.split(";"))
    return tuple(part for part in parts if part and not part.startswith("("))


def _count(status: str) -> int | None:
    """The number that starts the Cover's data status ("1,086 values in the Data table ...")."""
    match = re.match(r"^([\d,]+) values", status)
    return int(match[1].replace(",", "")) if match else None


def _column(snapshot: WorkbookSnapshot, name: str) -> list[object]:
    """The cells of a one-column record range, header row first."""
    sheet, first, col, last, _ = snapshot.names[name]
    return [row[0] for row in snapshot.sheet(sheet).rows(first, col, last, col)]


def _scorecard(snapshot: WorkbookSnapshot) -> tuple[tuple[str, ...], frozenset[str], dict[str, str]]:
    """Measure ids in order, those showing a number, and the commentary typed beside them."""
    sheet, first, ref_col, last, title_col = snapshot.names[record.REFS]
    # A measure's row has its id and title; a section's row has its title in the Ref column alone.
    # (The published copy has a Section column between them, and no section rows.)
    refs = [
        text_of(row[0]) if text_of(row[-1]) else ""
        for row in snapshot.sheet(sheet).rows(first + 1, ref_col, last, title_col)
    ]
    notes = [text_of(v) for v in _column(snapshot, record.COMMENTARY)][1:]
    showing: set[str] = set()
    if record.VALUES in snapshot.names:
        sheet, first, first_col, last, last_col = snapshot.names[record.VALUES]
        for ref, row in zip(
            refs, snapshot.sheet(sheet).rows(first + 1, first_col, last, last_col), strict=False
        ):
            if ref and any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row):
                showing.add(ref)
    # Section title rows have no Ref; commentary is keyed by measure id.
    measures = tuple(ref for ref in refs if ref)
    commentary = {ref: text for ref, text in zip(refs, notes, strict=False) if ref and text}
    return measures, frozenset(showing), commentary


def _definition(snapshot: WorkbookSnapshot) -> tuple[str, str]:
    sheet, row, col, _, _ = snapshot.names[record.DEFINITION_TEXT]
    values = snapshot.sheet(sheet)
    file_name = text_of(values.cell(row, col))
    lines = [_line(values.cell(r, col)) for r in range(row + 1, values.last_row + 1)]
    return file_name, text_from_lines(lines)


def _line(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)  # not stripped: indentation matters in YAML and in multi-line strings


def _table(snapshot: WorkbookSnapshot) -> tuple[tuple[tuple[object, ...], ...], int]:
    sheet, header_row, first_col, _, last_col = snapshot.names[record.DATA_TABLE]
    values = snapshot.sheet(sheet)
    header = [text_of(v) for v in values.rows(header_row, first_col, header_row, last_col)[0]]
    if [h.lower() for h in header[:4]] != [c.lower() for c in COLUMNS[:4]]:
        raise InputError.of(
            snapshot.name,
            f"sheet '{sheet}', row {header_row + 1}",
            "Data table header",
            ", ".join(header),
            "the columns " + ", ".join(COLUMNS) + " (the first four as in a data file)",
        )
    rows = values.rows(header_row + 1, first_col, values.last_row, last_col)
    return tuple(tuple(r) for r in rows), header_row + 2


def _geometry(snapshot: WorkbookSnapshot) -> dict[str, Geometry | None]:
    if record.GEOMETRY not in snapshot.names:
        return {}
    sheet, first, col, last, _ = snapshot.names[record.GEOMETRY]
    rows = snapshot.sheet(sheet).rows(first, col - 1, last, col)
    return {text_of(name): parse_geometry(text_of(text)) for name, text in rows if text_of(name)}
