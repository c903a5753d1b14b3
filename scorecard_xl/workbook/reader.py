"""Reading a built workbook's record of itself (workbook.fields) from a snapshot of its cells: the
one reader every reader of a built workbook goes through (refresh in Excel, Lite and Server, the
command line's refresh, `build --from-workbook`, send, check, read_workbook). None of them knows a
cell position of its own.

A workbook is a file from someone else, so nothing it says is taken on trust: its record version
says how to decode it (a newer one is refused by name); every defined name must have the shape its
field declares before a cell is read (a name stretched to a million rows costs nothing); every
cell is decoded by its field, and a bad one is an InputError naming the workbook, the sheet and
cell, and the field; the Data table and the definition's lines are read from the cells really
present, within limits. What the record may ask for beyond the workbook itself (files elsewhere,
SQL, less suppression) is for workbook.trust to allow or refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from scorecard_xl.a1 import a1
from scorecard_xl.errors import InputError
from scorecard_xl.inputs.data_table import COLUMNS
from scorecard_xl.inputs.options import Options
from scorecard_xl.inputs.values import text_of
from scorecard_xl.workbook import fields as f
from scorecard_xl.workbook.fields import AnyField, Field, Geometry, Where
from scorecard_xl.workbook.snapshot import Rect, SheetValues, WorkbookSnapshot

T = TypeVar("T")
TableRows = tuple[tuple[int, tuple[object, ...]], ...]  # (1-based sheet row, its cells), in order


@dataclass(frozen=True)
class WorkbookRecord:
    """Everything a refresh reads from a workbook, decoded and checked."""

    name: str  # the workbook's file name, for messages
    folder: Path | None  # where relative locations start; None when unknown (Excel on the web)
    version: int  # the record's version (workbook.fields.RECORD_VERSION)
    options: Options  # the Cover's "Built with", checked as a person's options are
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
    table_rows: TableRows = ()  # the Data table's rows below its header that hold any cell
    table_span: int = 0  # sheet rows from the header to the last of them
    geometry: Mapping[str, Geometry | None] = field(default_factory=dict)  # sheet -> widths, heights
    values_before: int | None = None  # values in the Data table when it was last written

    @property
    def first_pasted_row(self) -> int | None:
        """The sheet row (1-based) from which rows were added under the Data table since it was last
        written, read as a data file's rows are; None when the Cover does not say how many it wrote."""
        table = self.names.get(f.DATA_TABLE.name)
        if self.values_before is None or table is None:
            return None
        return table[1] + 2 + self.values_before  # (the header's 0-based row, then 1-based rows under it)

    @property
    def setup_source(self) -> str:
        return f"{self.name}, Setup sheet"

    def where(self, record_field: AnyField) -> Where:
        """The field's cell, for a message about its value."""
        sheet, row, col, _, _ = self.names[record_field.name]
        return Where(self.name, sheet, row, col, record_field.label)


def published_copy(name: str) -> InputError:
    """What refresh, `build --from-workbook` and read_workbook say of a published copy."""
    return InputError.of(
        name,
        "",
        "",
        None,
        "is a published copy (built with --publish): a release, which carries no refresh record and "
        "is never refreshed or rebuilt; make the next one from the analyst's workbook it came from: "
        "scorecard-xl refresh ANALYST.xlsx, then scorecard-xl build --from-workbook ANALYST.xlsx "
        "--publish -o NEW.xlsx",
    )


def not_a_scorecard(name: str) -> InputError:
    return InputError.of(
        name,
        "",
        "",
        None,
        "is not a workbook made by scorecard-xl (it has no scxl_ defined names); build one with "
        "'scorecard-xl build'",
    )


class RecordReader:
    """A workbook's record fields, each found by its defined name, checked against its shape and
    decoded, on demand (send reads the Cover alone; refresh reads every sheet it needs)."""

    def __init__(self, snapshot: WorkbookSnapshot) -> None:
        self.snapshot = snapshot
        names = snapshot.names
        if not any(name.startswith(f.PREFIX) for name in names):
            raise not_a_scorecard(snapshot.name)
        if not any(name in names for name in (f.DEFINITION_TEXT.name, f.DATA_TABLE.name, f.GRID.name)):
            raise InputError.of(
                snapshot.name,
                "",
                "",
                None,
                "was made by an earlier scorecard-xl and does not carry its definition and data; build "
                "it again with 'scorecard-xl build -t DEFINITION -d DATA' (copy its commentary across)",
            )
        # A published copy: its Publication note, and no layout signature (workbook.fields)
        self.release = f.PUBLICATION.name in names and f.SIGNATURE.name not in names
        recorded = f.RECORD.name in names
        self.version = self.value(f.RECORD) if recorded else f.RECORD_VERSION if self.release else 1
        if self.version > f.RECORD_VERSION:
            raise InputError.of(
                snapshot.name,
                self.where(f.RECORD).cell,
                f.RECORD.label,
                self.version,
                f"a workbook record this scorecard-xl reads (up to version {f.RECORD_VERSION}): it was "
                "made by a newer scorecard-xl; refresh it with that version",
            )
        missing = [field.name for field in f.required(self.version, self.release) if field.name not in names]
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

    @property
    def name(self) -> str:
        return self.snapshot.name

    def has(self, record_field: AnyField) -> bool:
        return record_field.name in self.snapshot.names

    def rect(self, record_field: AnyField) -> Rect:
        """Where the field lives, once its defined name is known to have the field's shape."""
        found = self.snapshot.names[record_field.name]
        _, first_row, first_col, last_row, last_col = found
        if not record_field.shape.fits(last_row - first_row + 1, last_col - first_col + 1):
            raise InputError.of(
                self.name,
                f"defined name {record_field.name}",
                record_field.label,
                _range_text(found),
                f"{record_field.shape.describe()}, as scorecard-xl wrote it; undo the change (Formulas > "
                f'Name Manager), or rebuild with \'scorecard-xl build --from-workbook "{self.name}" -o '
                "NEW.xlsx'",
            )
        return found

    def where(self, record_field: AnyField) -> Where:
        sheet, row, col, _, _ = self.snapshot.names[record_field.name]
        return Where(self.name, sheet, row, col, record_field.label)

    def sheet(self, record_field: AnyField) -> SheetValues:
        return self.snapshot.sheet(self.rect(record_field)[0])

    def value(self, record_field: Field[T]) -> T:
        """A one-cell field, decoded."""
        sheet, row, col, _, _ = self.rect(record_field)
        return record_field.decode(self.snapshot.sheet(sheet).cell(row, col), self.where(record_field))

    def rows(self, record_field: AnyField) -> list[list[object]]:
        """A range field's cells, row by row (its shape bounds how many)."""
        sheet, first_row, first_col, last_row, last_col = self.rect(record_field)
        return self.snapshot.sheet(sheet).rows(first_row, first_col, last_row, last_col)


def _range_text(rect: Rect) -> str:
    sheet, first_row, first_col, last_row, last_col = rect
    return f"'{sheet}'!{a1(first_row, first_col)}:{a1(last_row, last_col)}"


def read_record(snapshot: WorkbookSnapshot) -> WorkbookRecord:
    """Everything a refresh needs from the workbook, or an InputError saying what is wrong where
    (a published copy carries none of it)."""
    reader = RecordReader(snapshot)
    if reader.release:
        raise published_copy(reader.name)
    options = reader.value(f.OPTIONS)
    _check_publication(reader, options)
    measures, showing, commentary = _scorecard(reader)
    definition_file, definition_text = read_definition_text(reader)
    table_rows, table_span = _table(reader)
    return WorkbookRecord(
        name=snapshot.name,
        folder=snapshot.folder,
        version=reader.version,
        options=options,
        definition_location=reader.value(f.DEFINITION) if reader.has(f.DEFINITION) else "",
        data_files=reader.value(f.DATA),
        shown=reader.value(f.SHOWN),
        picked=reader.value(f.PICKER),
        signature=reader.value(f.SIGNATURE),
        names=snapshot.names,
        measures=measures,
        showing=showing,
        commentary=commentary,
        definition_file=definition_file,
        definition_text=definition_text,
        table_rows=table_rows,
        table_span=table_span,
        geometry=_geometry(reader),
        values_before=reader.value(f.DATA_STATUS) if reader.has(f.DATA_STATUS) else None,
    )


def _check_publication(reader: RecordReader, options: Options) -> None:
    """A published copy says so twice on its Cover (Built with: publish N, and the Publication
    note): from record version 2 the two must agree, so a copy cannot be made to suppress less by
    editing one cell (and less than the operator's floor not at all: workbook.trust)."""
    if reader.version < 2:
        return
    noted = reader.value(f.PUBLICATION) if reader.has(f.PUBLICATION) else None
    if noted == options.publish:
        return
    where = reader.where(f.OPTIONS)
    said = "publish " + str(options.publish) if options.publish else "no publish"
    note = f"counts from 1 to {noted}" if noted is not None else "no Publication note"
    raise where.error(
        said,
        f"what the Cover's Publication note says ({note}): one of the two was edited; undo the edit, "
        "or build the workbook again with the options wanted",
    )


def _scorecard(reader: RecordReader) -> tuple[tuple[str, ...], frozenset[str], dict[str, str]]:
    """Measure ids in order, those showing a number, and the commentary typed beside them."""
    refs_rect, notes_rect = reader.rect(f.REFS), reader.rect(f.COMMENTARY)
    if (refs_rect[1], refs_rect[3]) != (notes_rect[1], notes_rect[3]):
        raise InputError.of(
            reader.name,
            f"defined name {f.COMMENTARY.name}",
            f.COMMENTARY.label,
            _range_text(notes_rect),
            f"the rows of the Scorecard's measures ({_range_text(refs_rect)}); undo the change",
        )
    # A measure's row has its id and title; a section's row has its title in the Ref column alone.
    refs = [text_of(row[0]) if text_of(row[-1]) else "" for row in reader.rows(f.REFS)[1:]]
    notes = [text_of(row[0]) for row in reader.rows(f.COMMENTARY)[1:]]
    showing: set[str] = set()
    if reader.has(f.VALUES):
        values = reader.rows(f.VALUES)[1:]
        for ref, row in zip(refs, values, strict=False):
            if ref and any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row):
                showing.add(ref)
    # Section title rows have no Ref; commentary is keyed by measure id.
    measures = tuple(ref for ref in refs if ref)
    commentary = {ref: text for ref, text in zip(refs, notes, strict=False) if ref and text}
    return measures, frozenset(showing), commentary


def read_definition_text(reader: RecordReader) -> tuple[str, str]:
    """The definition's file name and its text: the lines below the name, to the last line with
    any text in that column (never the sheet's declared extent)."""
    file_name = reader.value(f.DEFINITION_TEXT)
    sheet, row, col, _, _ = reader.rect(f.DEFINITION_TEXT)
    values = reader.snapshot.sheet(sheet)
    present = [r for r in values.row_indexes(row + 1, values.last_row) if values.cell(r, col) is not None]
    last = present[-1] if present else row
    if last - row > f.DEFINITION_LINE_LIMIT:
        raise InputError.of(
            reader.name,
            f"sheet '{sheet}'",
            "definition",
            f"{last - row:,} lines (to row {last + 1:,})",
            f"a definition of at most {f.DEFINITION_LINE_LIMIT:,} lines; undo the edit below it",
        )
    lines = [f.definition_line(values.cell(r, col)) for r in range(row + 1, last + 1)]
    return file_name, f.text_from_lines(lines)


def _table(reader: RecordReader) -> tuple[TableRows, int]:
    """The Data table's rows below its header that hold any cell, each with its sheet row."""
    sheet, header_row, first_col, _, last_col = reader.rect(f.DATA_TABLE)
    values = reader.snapshot.sheet(sheet)
    header = [text_of(v) for v in values.row(header_row, first_col, last_col)]
    if [h.lower() for h in header[:4]] != [c.lower() for c in COLUMNS[:4]]:
        raise InputError.of(
            reader.name,
            f"sheet '{sheet}', row {header_row + 1}",
            "Data table header",
            ", ".join(header),
            "the columns " + ", ".join(COLUMNS) + " (the first four as in a data file)",
        )
    rows = tuple(
        (index + 1, tuple(values.row(index, first_col, last_col)))
        for index in values.row_indexes(header_row + 1, values.last_row)
    )
    span = rows[-1][0] - 1 - header_row if rows else 0
    return rows, span


def _geometry(reader: RecordReader) -> dict[str, Geometry | None]:
    if not reader.has(f.GEOMETRY):
        return {}
    sheet, first, col, last, _ = reader.rect(f.GEOMETRY)
    rows = reader.snapshot.sheet(sheet).rows(first, col - 1, last, col) if col > 0 else []
    return {text_of(name): f.parse_geometry(text_of(geometry)) for name, geometry in rows if text_of(name)}
