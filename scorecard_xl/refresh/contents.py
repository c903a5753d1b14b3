"""What a refreshed workbook shows: from a snapshot of the workbook to its inputs, scorecard and layout.

A refresh works from the workbook itself: the definition on its Setup sheet and the rows of its
Data table. It (a) folds in new rows: those the analyst pasted into the table, and those of the
data files named on the Cover (when they can be found) or supplied now; then (b) works out every
sheet again with the generator's own model and layout, so a refreshed workbook holds exactly what
a fresh build would. Everything is worked out before the first write: any problem (a broken row,
a period without data, a definition or layout that no longer matches the workbook, a refresh that
would show less than the workbook does now) raises InputError and nothing is written. Excel's
writes are worked out from this by `excel_writes`; `without_excel` writes it as a new file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scorecard_xl.errors import ARGUMENTS, InputError
from scorecard_xl.generate.allocation import bulk_allocation
from scorecard_xl.generate.loading import Inputs, requested_period
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.inputs.data import build_dataset
from scorecard_xl.inputs.data_table import (
    TABLE_SOURCE,
    Merged,
    merge_records,
    pasted_percentages_over_100,
    records_from_rows,
)
from scorecard_xl.inputs.definition import Definition
from scorecard_xl.inputs.definition_reader import definition_from_text
from scorecard_xl.inputs.options import Options
from scorecard_xl.inputs.periods import Period, parse_period, period_format
from scorecard_xl.inputs.sources import RawRecord, SourceInfo
from scorecard_xl.inputs.values import text_of
from scorecard_xl.layout.sheet import WorkbookLayout
from scorecard_xl.layout.spc_sheets import SPC_DATA_SHEET, TARGET, VALUE, data_block, outgrown_axes
from scorecard_xl.model.scorecard import Scorecard, tally
from scorecard_xl.workbook import fields
from scorecard_xl.workbook.reader import WorkbookRecord, read_record
from scorecard_xl.workbook.snapshot import WorkbookSnapshot
from scorecard_xl.workbook.trust import Trust


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
    periods_back: int | None = None  # instead of a period: this many before the latest (0: the latest)


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
    outgrown: tuple[str, ...]  # in Excel: measures whose figures now run past their chart's axis

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
        charts = (
            (
                f"the SPC charts of {', '.join(self.outgrown)} now have figures beyond their value axes, "
                "which a refresh inside Excel cannot move (they were fitted to the figures before): "
                "refresh the file with scorecard-xl refresh, or build it again, to fit them",
            )
            if self.outgrown
            else ()
        )
        return (*self.inputs.warnings, *self.scorecard.warnings, *charts)

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


def rebuild_hint(record: WorkbookRecord) -> str:
    return (
        f'rebuild it with: scorecard-xl build --from-workbook "{record.name}" -o NEW.xlsx '
        "(the commentary and data are carried over)"
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
    period: Period | None
    if request.periods_back is not None:  # (the Cover's pick is not read: it is not what was asked)
        period = period_back(inputs, request.periods_back)
        picked = period.iso
    else:
        picked = request.period or record.picked
        period = choose_period(record, picked, inputs, ARGUMENTS if request.period else None)
    scorecard, layout = lay_out(
        BuildRequest(
            inputs,
            period,
            record.commentary,
            request.generated_at,
            folder or record.folder,
            options,
            picked or None,
            refreshed=news.cover_note if in_place else "",  # (the command line reports on its terminal)
        )
    )
    if record.version == fields.RECORD_VERSION:  # (an earlier one's names are its own: it is rebuilt)
        check_layout(record, layout)
    shrinks = [] if request.allow_shrink else what_shrinks(record, scorecard, layout, bool(picked))
    outgrown = tuple(outgrown_axes(scorecard, _spc_figures_drawn(snapshot, layout))) if in_place else ()
    return Refreshed(record, inputs, scorecard, layout, news, shrinks, outgrown)


def _spc_figures_drawn(
    snapshot: WorkbookSnapshot, layout: WorkbookLayout
) -> Callable[[str], list[object] | None]:
    """A measure's figures on the workbook's SPC data sheet as they were before the refresh (what
    its chart's axis was fitted to), by measure id; None where it has none. They are where the new
    layout puts them: check_layout has found every block where it was."""
    sheet = next((s for s in layout.sheets if s.name == SPC_DATA_SHEET), None)
    blocks = {block.name: block for block in sheet.blocks} if sheet else {}

    def drawn(measure_id: str) -> list[object] | None:
        block = blocks.get(data_block(measure_id))
        if block is None:
            return None
        values = snapshot.sheet(SPC_DATA_SHEET)
        first, last, left = block.first_row, block.last_row, block.first_col
        return [v for row in range(first, last + 1) for v in values.row(row, left + VALUE, left + TARGET)]

    return drawn


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
    if options.publish is not None:
        raise InputError.of(
            record.name,
            "",
            "publication",
            f"publish {options.publish}",
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
    from scorecard_xl.inputs.sources.any import read_source  # readers are loaded only when files are read

    table = records_from_rows(record.table_rows, f"{record.name}, {TABLE_SOURCE}", record.first_pasted_row)
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
    pasted_over = pasted_percentages_over_100(definition, merged.records)
    inputs = Inputs(
        definition,
        dataset,
        definition_path,
        tuple(path for _, path in found),
        recorded_locations=None if definition_path else recorded,
        warnings=(pasted_over,) if pasted_over else (),
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
    """The period picked (asked for now, or on the Cover), else None for the latest with data. A
    pick on the Cover that is not a period is told by its cell."""
    if not picked:
        return None
    if where is not None:
        return requested_period(picked, inputs.definition, where)
    definition = inputs.definition
    try:
        return parse_period(picked, definition.yearly, definition.year_start_month)
    except ValueError:
        expected = period_format(definition.yearly, definition.year_start_month)
        raise record.where(fields.PICKER).error(picked, expected) from None


def period_back(inputs: Inputs, back: int) -> Period:
    """The period `back` reporting periods before the latest complete enough to show ("Latest"),
    counting the periods that have data."""
    definition = inputs.definition
    latest = inputs.dataset.latest_period(definition)
    periods = inputs.dataset.periods()
    earlier = periods[: periods.index(latest) + 1] if latest in periods else []
    if back < 0 or back >= len(earlier):
        raise InputError.of(
            ARGUMENTS,
            "",
            "period",
            f"{back} before the latest",
            f"one of the {len(earlier)} periods with data up to the latest"
            + (f" ({earlier[0].long_label} to {earlier[-1].long_label})" if earlier else ""),
        )
    return earlier[-1 - back]


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
        cells = sheet.values_by_position()
        for row in range(refs[0] + 1, refs[2] + 1):
            ref = text_of(cells.get((row, refs[1]))) if text_of(cells.get((row, refs[3]))) else ""
            if ref and any(
                isinstance(cells.get((row, col)), (int, float)) for col in range(values[1], values[3] + 1)
            ):
                found.add(ref)
    return found
