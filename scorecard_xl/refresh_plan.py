"""Planning a refresh: from a snapshot of a workbook to every write that brings it up to date.

A refresh works from the workbook itself: the definition on its Setup sheet and the rows of its
Data table. It (a) folds in new rows: those the analyst pasted into the table, and those of the
data files named on the Cover (when they can be found) or supplied now; then (b) works out every
sheet again with the generator's own model and layout, so a refreshed workbook holds exactly what
a fresh build would. Everything is worked out before the first write: any problem (a broken row,
a period without data, a definition or layout that no longer matches the workbook, a refresh that
would show less than the workbook does now) raises InputError and nothing is written. No Excel
here: `refresh.py` applies a plan (RefreshPlan) through xlwings; `rebuild.py` writes what the
refreshed workbook shows (Refreshed) as a new file, so it never works out Excel's writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from scorecard_xl.data import build_dataset
from scorecard_xl.data_table import TABLE_SOURCE, Merged, merge_records, records_from_rows
from scorecard_xl.definition import Definition
from scorecard_xl.definition_reader import definition_from_text
from scorecard_xl.errors import ARGUMENTS, InputError
from scorecard_xl.layout.data_sheet import TABLE_NAME, TEXT_COLUMNS
from scorecard_xl.layout.sheet import Block, CellValue, Formula, Link, SheetLayout, WorkbookLayout
from scorecard_xl.model import Scorecard, tally
from scorecard_xl.options import Options
from scorecard_xl.periods import Period
from scorecard_xl.pipeline import Inputs, bulk_allocation, lay_out, requested_period
from scorecard_xl.snapshot import WorkbookSnapshot
from scorecard_xl.sources import RawRecord, SourceInfo
from scorecard_xl.values import text_of
from scorecard_xl.workbook import fields
from scorecard_xl.workbook.reader import WorkbookRecord, read_record
from scorecard_xl.workbook.trust import Trust

WriteValue = str | float | int | None
Axis = Literal["column", "row"]  # a size change's: column widths, or row heights


@dataclass(frozen=True)
class RefreshRequest:
    """What the analyst asked for beyond what the workbook says."""

    period: str | None = None  # a period asked for now; else the Cover's pick; else the latest
    files: tuple[str | Path, ...] = ()  # data files to take new rows from, besides the Cover's
    allow_shrink: bool = False  # go ahead even if the workbook would then show less
    generated_at: dt.datetime | None = None
    # What the operator allows the workbook beyond its own folder (default: the environment's and
    # this computer's settings, Trust.from_environment); never anything the workbook says.
    trust: Trust | None = None


@dataclass(frozen=True)
class BlockWrite:
    """One 2-D write: a block's values from its top-left cell (0-based)."""

    sheet: str
    first_row: int
    first_col: int
    values: list[list[WriteValue]]

    @property
    def cells(self) -> int:
        return len(self.values) * len(self.values[0])


@dataclass(frozen=True)
class FormatWrite:
    """A number format for a rectangle, set before values are written into it."""

    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    number_format: str


@dataclass(frozen=True)
class TableResize:
    sheet: str
    table: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass(frozen=True)
class SizeChange:
    """Columns first..last (or rows) take `size`: the width or height the new values need."""

    sheet: str
    axis: Axis
    first: int
    last: int
    size: float


@dataclass(frozen=True)
class DataNews:
    """Where the refresh's new rows came from, for the message the analyst sees."""

    read: tuple[str, ...] = ()  # files read
    not_found: tuple[str, ...] = ()  # files named on the Cover that were not found
    added: int = 0  # values a file added
    revised: int = 0  # values a file or a pasted row changed
    values: int = 0  # values in the Data table after the refresh
    before: int | None = None  # values in it when it was last written

    @property
    def cover_note(self) -> str:
        """What the refresh brought, for the Cover's data status: "+356 values, 2 revised", or "no
        new values". Short, so the status stays on one line: xlwings Server's clients cannot set
        row heights. (Which files were read or not found is in what a runtime prints or shows.)"""
        grown = self.values - self.before if self.before is not None else self.added
        changes = [f"{grown:+,} values"] if grown else []
        if self.revised:
            changes.append(f"{self.revised:,} revised")
        return ", ".join(changes) or "no new values"


@dataclass(frozen=True)
class Refreshed:
    """What a refreshed workbook shows, worked out from the workbook's own record and its new rows:
    the inputs, the scorecard and its layout. Excel is brought up to date by a RefreshPlan's writes;
    the command line writes the layout as a new file."""

    record: WorkbookRecord
    inputs: Inputs
    scorecard: Scorecard
    layout: WorkbookLayout
    news: DataNews
    shrinks: list[str]  # what the refresh would no longer show

    @property
    def summary(self) -> str:
        t = tally(self.scorecard.rows)
        return (
            f"{self.scorecard.period.long_label}: {t.red} red, {t.amber} amber, {t.green} green, "
            f"{t.not_judged} not judged"
        )

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the analyst should know that stopped nothing: NaN read as blanks, a month most
        measures lack (see pipeline.build_warnings)."""
        return (*self.inputs.warnings, *self.scorecard.warnings)

    @property
    def data_summary(self) -> str:
        news = self.news
        parts = [f"{news.values:,} values in the Data table"]
        if news.before is not None and news.before != news.values:
            parts[0] += f" ({news.values - news.before:+,} since the last refresh)"
        if news.added or news.revised:
            parts.append(f"{news.added:,} new and {news.revised:,} revised from files or pasted rows")
        if news.read:
            parts.append("read " + ", ".join(news.read))
        if news.not_found:
            parts.append("not found (the Data table was used as it is): " + ", ".join(news.not_found))
        return "; ".join(parts)


@dataclass(frozen=True)
class RefreshPlan(Refreshed):
    """A refresh in Excel: what the workbook will show, and every write that makes it so."""

    formats: list[FormatWrite]
    writes: list[BlockWrite]
    resize: TableResize
    sizes: list[SizeChange]

    @property
    def cells(self) -> int:
        return sum(w.cells for w in self.writes)


def rebuild_hint(record: WorkbookRecord) -> str:
    return (
        f'rebuild it with: scorecard-xl build --from-workbook "{record.name}" -o NEW.xlsx '
        "(the commentary and data are carried over)"
    )


@bulk_allocation()  # (the layout's cells are walked again for every write)
def plan_refresh(snapshot: WorkbookSnapshot, request: RefreshRequest | None = None) -> RefreshPlan:
    """Everything a refresh of `snapshot` in Excel writes, worked out before anything is written.
    A protected workbook is refused: its locked cells cannot be written."""
    found = refresh_contents(snapshot, request)
    formats, writes, resize = table_writes(found.record, found.layout)
    return RefreshPlan(
        **{part.name: getattr(found, part.name) for part in dataclasses.fields(Refreshed)},
        formats=formats + worded_formats(found.layout),
        writes=block_writes(found.layout) + writes,
        resize=resize,
        sizes=size_changes(found.record, found.layout),
    )


@bulk_allocation()  # (reading and merging a large Data table makes a million small objects)
def refresh_contents(
    snapshot: WorkbookSnapshot,
    request: RefreshRequest | None = None,
    in_place: bool = True,
    folder: Path | None = None,
) -> Refreshed:
    """What `snapshot` shows once refreshed. In place (in Excel), a protected workbook or one with
    drawn trends is refused; a new file (`in_place=False`, the command line) is protected again as
    it is written, and is laid out for `folder`, where it will be (default: the workbook's own), so
    that the Cover's data locations are written from there. What the workbook asks for beyond
    itself is allowed or refused by `request.trust` (workbook.trust), before any file is read."""
    request = request or RefreshRequest()
    trust = request.trust or Trust.from_environment()
    record = read_record(snapshot)
    options = recorded_options(record, trust)
    refuse_published(record, options)
    if in_place:
        refuse_earlier_record(record)
        refuse_protected(record, options)
        refuse_drawn_trends(record, options)
    definition = recorded_definition(record)
    inputs, news = gather_inputs(record, definition, request.files, trust)
    picked = request.period or record.picked
    period = choose_period(record, picked, inputs, ARGUMENTS if request.period else None)
    scorecard, layout = lay_out(
        inputs,
        period,
        record.commentary,
        request.generated_at,
        folder or record.folder,
        options,
        picked or None,
        refreshed=news.cover_note if in_place else "",  # (the command line reports on its terminal)
    )
    if record.version == fields.RECORD_VERSION:  # (an earlier one's names are its own: it is rebuilt)
        check_layout(record, layout)
    shrinks = [] if request.allow_shrink else what_shrinks(record, scorecard, layout, bool(picked))
    return Refreshed(record, inputs, scorecard, layout, news, shrinks)


def recorded_options(record: WorkbookRecord, trust: Trust) -> Options:
    """The options the workbook says it was built with, as far as the operator's `trust` allows
    (a workbook may not ask for less suppression than the operator's floor)."""
    trust.check_options(record.options, record.where(fields.OPTIONS))
    return record.options


def refuse_earlier_record(record: WorkbookRecord) -> None:
    """A workbook of an earlier record version has its blocks where that version put them (the
    story sheet moved every sheet along): refreshed in place, values would land in the wrong cells.
    The command line rebuilds it in the new layout instead."""
    if record.version < fields.RECORD_VERSION:
        raise InputError.of(
            record.name,
            "",
            "record version",
            record.version,
            f"a workbook of record version {fields.RECORD_VERSION}: it was made by an earlier "
            f"scorecard-xl (record version {record.version}), and its layout differs from this "
            "version's; refresh it once with: scorecard-xl refresh "
            f'"{record.name}" (which rebuilds it, data and commentary kept)',
        )


def refuse_published(record: WorkbookRecord, options: Options) -> None:
    """A published copy is a release, never refreshed (a published copy made now carries no record
    to refresh from, and read_record says so): one made before releases were, which still carries
    the analyst's record, is made again from it, as a release."""
    if options.suppress_threshold is not None:
        raise InputError.of(
            record.name,
            "",
            "publication",
            f"publish {options.suppress_threshold}",
            "a workbook that is not a published copy: a published copy is a release, never "
            "refreshed; make the next one from the analyst's workbook (scorecard-xl refresh "
            "ANALYST.xlsx, then scorecard-xl build --from-workbook ANALYST.xlsx --publish -o "
            f'NEW.xlsx), or this once from this copy: scorecard-xl build --from-workbook "{record.name}" '
            "--publish -o NEW.xlsx",
        )


def refuse_protected(record: WorkbookRecord, options: Options) -> None:
    if options.protect:
        raise InputError.of(
            record.name,
            "",
            "protection",
            "protected",
            "an unprotected workbook: a protected copy is for sending, and its cells cannot be "
            "rewritten; refresh the unprotected workbook it was made from, then protect it again",
        )


def refuse_drawn_trends(record: WorkbookRecord, options: Options) -> None:
    """A workbook built for LibreOffice draws its trends as pictures, which Excel's cell writes
    cannot redraw: refreshed in place, its trends would show the old month."""
    if options.viewer != "excel":
        raise InputError.of(
            record.name,
            "",
            "viewer",
            options.viewer,
            "a workbook built for Excel: this one was built for LibreOffice, with its trends drawn "
            "as pictures that a refresh in Excel cannot redraw; refresh it with: scorecard-xl "
            f'refresh "{record.name}" (which rebuilds it, trends and all)',
        )


def recorded_definition(record: WorkbookRecord, check_measures: bool = True) -> Definition:
    """The definition the workbook carries, checked against the measures it shows: a measure added
    or removed on the Setup sheet needs a new build, and saying so beats a row error per value."""
    definition = definition_from_text(record.definition_text, record.definition_file, record.setup_source)
    ids = [m.id for m in definition.measures]
    if check_measures and ids != list(record.measures):
        removed = [m for m in record.measures if m not in ids]
        added = [m for m in ids if m not in record.measures]
        changes = "; ".join(
            part
            for part in (
                "removed " + ", ".join(removed) if removed else "",
                "added " + ", ".join(added) if added else "",
                "" if removed or added else "measures reordered",
            )
            if part
        )
        raise InputError.of(
            record.setup_source,
            "",
            "measures",
            changes,
            "the measures the workbook shows: the definition changed since it was built; undo the "
            f"change on the Setup sheet, or {rebuild_hint(record)}",
        )
    return definition


def gather_inputs(
    record: WorkbookRecord,
    definition: Definition,
    files: Sequence[str | Path],
    trust: Trust,
    definition_path: Path | None = None,
) -> tuple[Inputs, DataNews]:
    """The Data table's rows with the new rows of every file folded in, validated as one dataset:
    the `files` the caller gives, and the files the Cover names that `trust` lets the workbook
    read (every name is judged before any file is read). With a `definition_path` (a new
    definition for an old workbook), table rows of measures it does not have are left out, and the
    new workbook records where its inputs came from."""
    from scorecard_xl.sources.any import read_source  # readers are loaded only when files are read

    table = records_from_rows(record.table_rows, f"{record.name}, {TABLE_SOURCE}")
    if definition_path is not None:
        table = [r for r in table if definition.has_measure(r.measure)]
    named: list[tuple[str, Path]] = []  # the workbook's own, each judged before any is read
    not_found: list[str] = []
    where = record.where(fields.DATA)
    for location in record.data_files:
        path = trust.locate(location, record.folder, where)
        if path is None:
            not_found.append(location)
        else:
            named.append((location, path))
    given = [(str(p), Path(p)) for p in files]  # the caller's own: a missing one is an error

    def may_read(database: Path) -> bool:  # a database a named source leads to
        return trust.may_read(database, record.folder)

    batches: list[list[RawRecord]] = []
    sources = [SourceInfo("workbook", TABLE_SOURCE, "")]
    for (_, path), judged in [*((one, True) for one in named), *((one, False) for one in given)]:
        file_records, info = read_source(path, may_read if judged else None)
        batches.append(file_records)
        sources.append(info)
    found = [*named, *given]
    merged: Merged = merge_records(definition, table, *batches)
    dataset = build_dataset(definition, merged.records, sources)
    recorded = (record.definition_location or definition.file_name, record.data_files)
    inputs = Inputs(
        definition,
        dataset,
        definition_path,
        tuple(path for _, path in found),
        recorded_locations=None if definition_path else recorded,
    )
    news = DataNews(
        read=tuple(Path(location).name for location, _ in found),
        not_found=tuple(not_found),
        added=merged.added,
        revised=merged.revised,
        values=len(merged.records),
        before=record.values_before,
    )
    return inputs, news


def choose_period(
    record: WorkbookRecord, picked: str, inputs: Inputs, where: str | None = None
) -> Period | None:
    """The period picked (asked for now, or on the Cover), else None for the latest with data."""
    if not picked:
        return None
    return requested_period(picked, inputs.definition, where or f"{record.name} Cover, Period to show")


def check_layout(record: WorkbookRecord, layout: WorkbookLayout) -> None:
    """The workbook must still have the layout the definition gives: same signature, and every block
    where its defined name says (inserting a row or column moves the names)."""
    if record.signature != layout.signature:
        raise InputError.of(
            record.name,
            "",
            "layout",
            record.signature,
            f"a layout matching the definition ({layout.signature}): the definition's sections, "
            f"measures or columns have changed since this workbook was built; {rebuild_hint(record)}",
        )
    moved = []
    for name in layout.defined_names:
        added = fields.BY_NAME.get(name.name)
        if added is not None and added.since > record.version:
            continue  # a field this workbook's record version does not have (it refreshes without)
        expected = (name.sheet, name.first_row, name.first_col, name.last_row, name.last_col)
        found = record.names.get(name.name)
        if found != expected:
            moved.append(f"{name.name} on sheet '{name.sheet}'" + ("" if found else " (missing)"))
    if moved:
        raise InputError.of(
            record.name,
            "",
            "layout",
            ", ".join(moved[:3]) + ("..." if len(moved) > 3 else ""),
            "rows, columns or sheets were added, deleted or renamed, so values would land in the "
            f"wrong cells; undo that change, or {rebuild_hint(record)}",
        )


def what_shrinks(
    record: WorkbookRecord, scorecard: Scorecard, layout: WorkbookLayout, picked: bool
) -> list[str]:
    """What the workbook shows now that the refresh would not: an earlier latest period (when none
    was picked), or measures whose figures would disappear (rows deleted from the table) while the
    period stays or follows the data. A period the analyst picks may show fewer: they asked for it."""
    lost = []
    shown = _parse_shown(record, scorecard.definition)
    if not picked and shown is not None and scorecard.period.iso < shown.iso:  # one kind of period
        lost.append(
            f"the latest period would go back from {shown.long_label} to {scorecard.period.long_label}"
        )
    if picked and (shown is None or scorecard.period != shown):
        return lost
    gone = sorted(record.showing - showing_measures(layout), key=list(record.measures).index)
    if gone:
        listed = ", ".join(gone[:8]) + (f" and {len(gone) - 8} more" if len(gone) > 8 else "")
        lost.append(f"{len(gone)} measure{'s' if len(gone) != 1 else ''} would show no figures: {listed}")
    return lost


def _parse_shown(record: WorkbookRecord, definition: Definition) -> Period | None:
    try:
        return requested_period(record.shown, definition)
    except InputError:
        return None


def showing_measures(layout: WorkbookLayout) -> set[str]:
    """Measures with a number in the Scorecard's months or YTD, as the new layout has them."""
    rects = [
        (sheet, sheet.record[fields.REFS.name], sheet.record[fields.VALUES.name])
        for sheet in layout.sheets
        if fields.VALUES.name in sheet.record
    ]
    found: set[str] = set()
    for sheet, refs, values in rects:
        cells = _cells(sheet)
        for row in range(refs[0] + 1, refs[2] + 1):
            ref = text_of(cells.get((row, refs[1]))) if text_of(cells.get((row, refs[3]))) else ""
            if ref and any(
                isinstance(cells.get((row, col)), (int, float)) for col in range(values[1], values[3] + 1)
            ):
                found.add(ref)
    return found


def _cells(sheet: SheetLayout) -> dict[tuple[int, int], CellValue]:
    return {(row, col): value for row, col, value, _ in sheet.every_cell()}


def block_writes(layout: WorkbookLayout) -> list[BlockWrite]:
    writes = []
    for sheet in layout.sheets:
        if not sheet.blocks:
            continue
        cells = _cells(sheet)
        for block in sheet.blocks:
            writes.append(
                BlockWrite(
                    sheet.name,
                    block.first_row,
                    block.first_col,
                    _values(
                        cells, sheet.name, block.first_row, block.first_col, block.last_row, block.last_col
                    ),
                )
            )
    return writes


def _values(
    cells: dict[tuple[int, int], CellValue],
    sheet: str,
    first_row: int,
    first_col: int,
    last_row: int,
    last_col: int,
) -> list[list[WriteValue]]:
    return [
        [_plain(cells.get((row, col)), sheet, row, col) for col in range(first_col, last_col + 1)]
        for row in range(first_row, last_row + 1)
    ]


def table_writes(
    record: WorkbookRecord, layout: WorkbookLayout
) -> tuple[list[FormatWrite], list[BlockWrite], TableResize]:
    """The Data table written back whole: text columns kept text (Excel would read a period as a
    date), the rows, blanks over any rows it no longer has, and the table resized to fit."""
    sheet_name, header, first_col, _, last_col = record.names[fields.DATA_TABLE.name]
    sheet = next(s for s in layout.sheets if s.name == sheet_name)
    below = [(row, col, value) for row, col, value, _ in sheet.every_cell() if row > header]
    rows = max((row for row, _, _ in below), default=header) - header
    last = header + max(rows, record.table_span, 1)
    formats = [
        FormatWrite(sheet_name, header + 1, first_col + start, last, first_col + end, "@")
        for start, end in _runs(TEXT_COLUMNS)
    ]
    # The rows' values, and blanks (None) below them over rows the table no longer has.
    values: list[list[WriteValue]] = [[None] * (last_col - first_col + 1) for _ in range(last - header)]
    for row, col, value in below:
        if row <= last and first_col <= col <= last_col:
            values[row - header - 1][col - first_col] = _plain(value, sheet_name, row, col)
    resize = TableResize(sheet_name, TABLE_NAME, header, first_col, header + max(rows, 1), last_col)
    return formats, [BlockWrite(sheet_name, header + 1, first_col, values)], resize


def worded_formats(layout: WorkbookLayout) -> list[FormatWrite]:
    """The number formats a refresh sets: those with words in the blocks it writes (8 YTD beside a
    year-to-date target: ytd_target), set again each time, so a workbook built before its
    measure's target was shared over the year says so too; and every cell's of a block whose
    formats change with the data (the Summary's list, where a row may hold a measure of another
    unit), in runs down each column. A few dozen writes: other formats never change."""
    writes = []
    for sheet in layout.sheets:
        if not sheet.blocks:
            continue
        formats = {(row, col): number_format for row, col, _, (_, number_format) in sheet.every_cell()}
        for block in sheet.blocks:
            writes += _format_runs(sheet.name, block, formats)
        for (row, col), number_format in formats.items():
            worded = bool(number_format) and '"' in str(number_format)
            if worded and any(_inside(b, row, col) and col not in b.formats for b in sheet.blocks):
                writes.append(FormatWrite(sheet.name, row, col, row, col, str(number_format)))
    return writes


def _format_runs(sheet: str, block: Block, formats: dict[tuple[int, int], str | None]) -> list[FormatWrite]:
    """The number formats of the block's `formats` columns (General where a cell has none): a write
    per run of rows alike, across the columns where they share one format (a measure's value and
    target mostly do), else down each."""
    writes = []
    columns = sorted(block.formats)

    def row_formats(row: int) -> tuple[str, ...]:
        return tuple(formats.get((row, col)) or GENERAL for col in columns)

    start = block.first_row
    for row in range(block.first_row, block.last_row + 1):
        here = row_formats(row)
        if row < block.last_row and row_formats(row + 1) == here:
            continue
        if len(set(here)) == 1 and columns == list(range(columns[0], columns[-1] + 1)):
            writes.append(FormatWrite(sheet, start, columns[0], row, columns[-1], here[0]))
        else:
            down = zip(columns, here, strict=True)
            writes += [FormatWrite(sheet, start, col, row, col, fmt) for col, fmt in down]
        start = row + 1
    return writes


GENERAL = "General"


def _inside(block: Block, row: int, col: int) -> bool:
    return block.first_row <= row <= block.last_row and block.first_col <= col <= block.last_col


def _runs(columns: Sequence[int]) -> list[tuple[int, int]]:
    """[0, 1, 2, 4, 5] -> [(0, 2), (4, 5)]"""
    runs: list[tuple[int, int]] = []
    for col in sorted(columns):
        if runs and runs[-1][1] == col - 1:
            runs[-1] = (runs[-1][0], col)
        else:
            runs.append((col, col))
    return runs


def size_changes(record: WorkbookRecord, layout: WorkbookLayout) -> list[SizeChange]:
    """Widths and heights the new layout sets differently from the build (as the Setup sheet
    recorded it); every one of them where the record is missing or was edited."""
    changes = []
    for sheet in layout.sheets:
        if sheet.name not in record.geometry:
            continue  # the Setup sheet: a refresh changes nothing there but the record itself
        old = record.geometry[sheet.name]
        old_widths, old_heights = old if old is not None else ({}, {})
        axes: tuple[tuple[Axis, dict[int, float], dict[int, float]], ...] = (
            ("column", sheet.widths, old_widths),
            ("row", sheet.heights, old_heights),
        )
        for axis, new, previous in axes:
            changed = sorted(
                k for k, size in new.items() if old is None or not _same_size(previous.get(k), size)
            )
            for first, last in _runs(changed):
                # Consecutive columns of one new size are one write.
                start = first
                for index in range(first, last + 1):
                    if index == last or new[index + 1] != new[start]:
                        changes.append(SizeChange(sheet.name, axis, start, index, new[start]))
                        start = index + 1
    return changes


def _same_size(recorded: float | None, size: float) -> bool:
    return recorded is not None and round(recorded, 2) == round(size, 2)  # as the Setup sheet writes it


def _plain(value: CellValue, sheet: str, row: int, col: int) -> WriteValue:
    if isinstance(value, (Link, Formula)):  # a refresh writes values only; blocks never hold these
        raise TypeError(f"block on {sheet} holds a {type(value).__name__} at row {row + 1}, column {col + 1}")
    return None if value == "" else value
