"""Planning a refresh: from a workbook's record to the blocks of values to write.

Everything is worked out here before the first write, with the generator's own code (model and
layout), so a refreshed workbook holds exactly what a fresh build would. Any problem (a missing or
broken source, a period without data, a definition or layout that no longer matches the workbook)
raises InputError and nothing is written. No Excel here: `refresh.py` applies the plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from scorecard_xl.errors import InputError, Problem
from scorecard_xl.layout.sheet import CellValue, Formula, Link, WorkbookLayout
from scorecard_xl.model import Scorecard
from scorecard_xl.periods import Period
from scorecard_xl.pipeline import Inputs, Options, lay_out, load_inputs, requested_period
from scorecard_xl.reopen import WorkbookRecord

WriteValue = str | float | int | None


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
class RefreshPlan:
    inputs: Inputs
    scorecard: Scorecard
    layout: WorkbookLayout
    writes: list[BlockWrite]


def rebuild_hint(record: WorkbookRecord) -> str:
    return (
        f'rebuild it with: scorecard-xl build --from-workbook "{record.name}" -o NEW.xlsx '
        "(the commentary is carried over)"
    )


def load_recorded_inputs(record: WorkbookRecord) -> Inputs:
    """The definition and data the workbook names on its Cover, found relative to the workbook."""
    if not record.definition or not record.data:
        raise InputError(
            [
                Problem(
                    record.name,
                    "Cover",
                    "Definition/Data",
                    None,
                    "the Cover's Definition and Data cells name the files to refresh from; fill them in",
                )
            ]
        )
    definition = (
        record.definition if not Path(record.definition).suffix else record.resolve(record.definition)
    )
    data = [record.resolve(location) for location in record.data]
    missing = [p for p in data if not p.exists()]
    if missing:
        raise InputError(
            [
                Problem(
                    str(p),
                    "",
                    "",
                    None,
                    f"no such data file (named in the Data cell on {record.name}'s Cover); correct the path "
                    "there, relative to the workbook's folder, or put the file back",
                )
                for p in missing
            ]
        )
    return load_inputs(definition, data)


def recorded_options(record: WorkbookRecord) -> Options:
    return Options.from_text(record.options, f"{record.name} Cover, Built with")


def choose_period(record: WorkbookRecord, requested: str | None, inputs: Inputs) -> Period:
    """An explicit request wins; then a period picked on the Cover; else the latest with data."""
    picked = record.picked if record.picked and record.picked != record.shown else ""
    where = "command line" if requested else f"{record.name} Cover, Period to show"
    chosen = requested_period(requested or picked, inputs.definition, where)
    if chosen is not None:
        return chosen
    latest = inputs.dataset.latest_period()
    if latest is None:
        raise InputError([Problem(", ".join(record.data), "", "", None, "no actual values: nothing to show")])
    return latest


def plan_refresh(
    record: WorkbookRecord, requested: str | None = None, generated_at: dt.datetime | None = None
) -> RefreshPlan:
    options = recorded_options(record)
    if options.protect:
        raise InputError(
            [
                Problem(
                    record.name,
                    "",
                    "protection",
                    "--protect",
                    "an unprotected workbook: a protected copy is for sending, and its cells cannot be "
                    "rewritten; refresh the unprotected workbook it was made from, then protect it again",
                )
            ]
        )
    inputs = load_recorded_inputs(record)
    period = choose_period(record, requested, inputs)
    scorecard, layout = lay_out(inputs, period, record.commentary, generated_at, record.folder, options)
    check_layout(record, layout)
    return RefreshPlan(inputs, scorecard, layout, block_writes(layout))


def check_layout(record: WorkbookRecord, layout: WorkbookLayout) -> None:
    """The workbook must still have the layout the definition gives: same signature, and every block
    where its defined name says (inserting a row or column moves the names)."""
    if record.signature != layout.signature:
        raise InputError(
            [
                Problem(
                    record.name,
                    "",
                    "layout",
                    record.signature,
                    f"a layout matching the definition ({layout.signature}): the definition's measures, "
                    f"sections or columns have changed since this workbook was built; {rebuild_hint(record)}",
                )
            ]
        )
    moved = []
    for name in layout.defined_names:
        expected = (name.sheet, name.first_row, name.first_col, name.last_row, name.last_col)
        found = record.names.get(name.name)
        if found != expected:
            moved.append(f"{name.name} on sheet '{name.sheet}'" + ("" if found else " (missing)"))
    if moved:
        raise InputError(
            [
                Problem(
                    record.name,
                    "",
                    "layout",
                    ", ".join(moved[:3]) + ("..." if len(moved) > 3 else ""),
                    "rows, columns or sheets were added, deleted or renamed, so values would land in the "
                    f"wrong cells; undo that change, or {rebuild_hint(record)}",
                )
            ]
        )


def block_writes(layout: WorkbookLayout) -> list[BlockWrite]:
    writes = []
    for sheet in layout.sheets:
        if not sheet.blocks:
            continue
        cells = {(row, col): value for row, col, value, _ in sheet.cells}
        for block in sheet.blocks:
            values = [
                [
                    _plain(cells.get((row, col)), sheet.name, row, col)
                    for col in range(block.first_col, block.last_col + 1)
                ]
                for row in range(block.first_row, block.last_row + 1)
            ]
            writes.append(BlockWrite(sheet.name, block.first_row, block.first_col, values))
    return writes


def _plain(value: CellValue, sheet: str, row: int, col: int) -> WriteValue:
    if isinstance(
        value, (Link, Formula)
    ):  # a refresh writes values only; the layout never puts these in blocks
        raise TypeError(f"block on {sheet} holds a {type(value).__name__} at row {row + 1}, column {col + 1}")
    return None if value == "" else value
