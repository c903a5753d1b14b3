"""Rebuilding from an existing workbook with xlsxwriter (never an openpyxl save): the command
line's `refresh` and `build --from-workbook`. The old workbook's record says where the definition
and data are; its commentary is carried into the new file, keyed by measure id."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Sequence
from pathlib import Path

from scorecard_xl.atomic import check_writable, write_atomically
from scorecard_xl.formula_text import formula_text_warnings
from scorecard_xl.pipeline import (
    BuildResult,
    Options,
    input_paths,
    lay_out,
    load_inputs,
    protect_password,
    requested_period,
    write_outputs,
)
from scorecard_xl.refresh_plan import choose_period, load_recorded_inputs, recorded_options
from scorecard_xl.reopen import read_workbook_file
from scorecard_xl.writer import write_workbook

BACKUP_SUFFIX = ".previous.xlsx"


def refresh_file(
    book: str | Path, period: str | None = None, output: str | Path | None = None
) -> BuildResult:
    """Refresh a workbook file: the period asked for, else the one picked on its Cover, else the latest
    month. Written in place by default, keeping the old file as NAME.previous.xlsx."""
    source = Path(book)
    target = Path(output) if output else source
    # In place or not, the result is a macro-free .xlsx: never written over an .xlsm or a .csv.
    check_writable(target, force=not output, suffix=".xlsx", inputs=[] if target == source else [source])
    record = read_workbook_file(source)
    options = _with_password(recorded_options(record))
    inputs = load_recorded_inputs(record)
    month = choose_period(record, period, inputs)
    scorecard, layout = lay_out(inputs, month, record.commentary, None, target.parent.resolve(), options)
    content = write_workbook(layout, options.protect_password)
    if target.resolve() == source.resolve():
        shutil.copy2(source, backup_path(source))  # the analyst's last version stays on disk
    write_atomically(target, content)
    return BuildResult(target, scorecard, len(content), formula_text_warnings(layout))


def _with_password(options: Options) -> Options:
    """A protected workbook is rebuilt protected again, with the password from the environment."""
    if not options.protect or options.protect_password:
        return options
    password = protect_password("the rebuilt workbook (its Cover says it was built with --protect)")
    return dataclasses.replace(options, protect_password=password)


def backup_path(book: Path) -> Path:
    return book.with_name(book.stem + BACKUP_SUFFIX)


def build_from_workbook(
    old: str | Path,
    output: str | Path,
    template: str | None = None,
    data: Sequence[str | Path] | None = None,
    period: str | None = None,
    force: bool = False,
    options: Options | None = None,
    pdf: str | Path | None = None,
) -> BuildResult:
    """A new workbook with the old one's commentary; definition and data default to the old one's."""
    target = Path(output)
    sources = [Path(old), *(input_paths(template, data) if template or data else [])]
    check_writable(target, force, ".xlsx", inputs=sources)
    if pdf:
        check_writable(Path(pdf), force, ".pdf", inputs=[*sources, target])
    record = read_workbook_file(Path(old))
    if template or data:
        definition = template or (
            record.definition
            if not Path(record.definition).suffix
            else str(record.resolve(record.definition))
        )
        inputs = load_inputs(definition, data or [record.resolve(p) for p in record.data])
    else:
        inputs = load_recorded_inputs(record)
    options = _with_password(recorded_options(record).overridden_by(options or Options()))
    chosen = requested_period(period, inputs.definition)
    scorecard, layout = lay_out(inputs, chosen, record.commentary, None, target.parent.resolve(), options)
    size = write_outputs(target, layout, options, pdf)
    return BuildResult(target, scorecard, size, formula_text_warnings(layout))
