"""Refreshing a workbook file without Excel (the command line's `refresh`, for scheduled runs)
and building a new workbook from an old one (`build --from-workbook`): what a refresh in Excel
would show (plan.refresh_contents), from the workbook's own definition and Data table,
written as a new file with xlsxwriter (never an openpyxl save, which would drop sparklines and
cached values). The analyst's commentary is carried over, keyed by measure id.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from scorecard_xl.atomic import check_writable
from scorecard_xl.errors import InputError, Problem
from scorecard_xl.generate.allocation import bulk_allocation
from scorecard_xl.generate.loading import input_paths, requested_period
from scorecard_xl.generate.request import BuildRequest
from scorecard_xl.generate.sequence import BuildResult, build_warnings, make_workbook, write_outputs
from scorecard_xl.inputs.bundled import resolve_template
from scorecard_xl.inputs.definition_reader import load_definition
from scorecard_xl.inputs.options import Options, protect_password
from scorecard_xl.refresh.contents import (
    Refreshed,
    RefreshRequest,
    gather_inputs,
    recorded_definition,
    recorded_options,
    refresh_contents,
)
from scorecard_xl.workbook.reader import read_record
from scorecard_xl.workbook.snapshot import snapshot_from_file
from scorecard_xl.workbook.trust import Trust

BACKUP_SUFFIX = ".previous.xlsx"


@dataclasses.dataclass(frozen=True)
class RefreshResult(BuildResult):
    """What a refresh without Excel wrote; `plan` is what the refreshed workbook shows and where its
    new rows came from (plan.news), `backup` the previous version kept beside it."""

    plan: Refreshed | None = None
    backup: Path | None = None


@bulk_allocation()
def refresh_file(
    book: str | Path,
    period: str | None = None,
    output: str | Path | None = None,
    files: Sequence[str | Path] = (),
    allow_shrink: bool = False,
    trust: Trust | None = None,
) -> RefreshResult:
    """Refresh a workbook file: the period asked for, else the one picked on its Cover, else the
    latest; new rows from `files` and from the files its Cover names (when found, and when `trust`
    lets the workbook read them: default Trust.from_environment()) are folded into its Data table
    first. Written in place by default, keeping the old file as NAME.previous.xlsx; both writes are
    atomic. A refresh that would show less than the workbook does now (an earlier latest period,
    measures without figures) is refused unless `allow_shrink`."""
    source = Path(book)
    target = Path(output) if output else source
    # In place or not, the result is a macro-free .xlsx: never written over an .xlsm or a .csv, nor
    # over a data file it reads.
    inputs = [*files, *([] if target == source else [source])]
    check_writable(target, force=not output, suffix=".xlsx", inputs=inputs)
    request = RefreshRequest(period, tuple(files), allow_shrink, trust=trust)
    refreshed = refresh_contents(
        snapshot_from_file(source), request, in_place=False, folder=target.parent.resolve()
    )
    if refreshed.shrinks:
        raise InputError(
            [
                Problem(
                    str(source),
                    "",
                    "",
                    None,
                    f"this refresh would show less than the workbook does now: {lost}; check the data, or "
                    "pass `allow_shrink` to refresh anyway",
                )
                for lost in refreshed.shrinks
            ]
        )
    options = _with_password(refreshed.record.options)  # (judged by trust in refresh_contents)
    scorecard, layout = refreshed.scorecard, refreshed.layout
    # In place, the analyst's last version stays beside it, whole.
    backup = backup_path(source) if target.resolve() == source.resolve() else None
    size = write_outputs(target, layout, options, backup=backup)
    warnings = build_warnings(refreshed.inputs, scorecard, layout)
    return RefreshResult(target, scorecard, size, warnings, refreshed, backup)


def _with_password(options: Options) -> Options:
    """A protected workbook is rebuilt protected again, with the password from the environment."""
    if not options.protect or options.protect_password:
        return options
    password = protect_password("the rebuilt workbook (its Cover says it was built with --protect)")
    return dataclasses.replace(options, protect_password=password)


def backup_path(book: Path) -> Path:
    return book.with_name(book.stem + BACKUP_SUFFIX)


@bulk_allocation()
def build_from_workbook(
    old: str | Path,
    output: str | Path,
    template: str | None = None,
    data: Sequence[str | Path] | None = None,
    period: str | None = None,
    force: bool = False,
    options: Options | None = None,
    pdf: str | Path | None = None,
    trust: Trust | None = None,
) -> BuildResult:
    """A new workbook with the old one's commentary. The definition defaults to the old workbook's
    own; the data to its Data table with new rows of `data` and of the files its Cover names (as
    `trust` allows: see refresh_file) folded in; the options to those it was built with, each
    one `options` gives taking its place. With a new definition (`template`), rows of measures it
    no longer has are left out."""
    target = Path(output)
    sources = [Path(old), *(input_paths(template, data) if template or data else [])]
    check_writable(target, force, ".xlsx", inputs=sources)
    if pdf:
        check_writable(Path(pdf), force, ".pdf", inputs=[*sources, target])
    record = read_record(snapshot_from_file(Path(old)))
    if template:
        definition_path = resolve_template(template)
        definition = load_definition(definition_path)
    else:
        definition_path, definition = None, recorded_definition(record, check_measures=False)
    trust = trust or Trust.from_environment()
    given = options or Options()
    # The old workbook's own options are judged by trust; a publish threshold given now is the
    # operator's own.
    recorded = record.options if given.publish is not None else recorded_options(record, trust)
    inputs, _ = gather_inputs(record, definition, data or (), trust, definition_path)
    options = _with_password(recorded.overridden_by(given))
    chosen = requested_period(period, inputs.definition)
    request = BuildRequest(
        inputs,
        chosen,
        record.commentary,
        workbook_folder=target.parent.resolve(),
        options=options,
        picked=chosen.iso if chosen else None,
    )
    return make_workbook(request, target, pdf)
