"""The generator pipeline: definition + data -> model -> layout -> .xlsx, as library calls."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union, cast

from scorecard_xl import __version__
from scorecard_xl.atomic import check_writable, write_atomically
from scorecard_xl.bundled import is_bundled_sample, is_bundled_template, resolve_template, sample_data
from scorecard_xl.data import Dataset, build_dataset
from scorecard_xl.data_table import table_rows
from scorecard_xl.definition import Definition
from scorecard_xl.definition_reader import load_definition
from scorecard_xl.errors import ARGUMENTS, InputError, Problem
from scorecard_xl.formula_text import formula_text_warnings
from scorecard_xl.layout import BuildContext, Profile, lay_out_workbook
from scorecard_xl.layout.profile import VIEWERS
from scorecard_xl.layout.sheet import WorkbookLayout
from scorecard_xl.model import Scorecard, build_scorecard
from scorecard_xl.options import Options
from scorecard_xl.periods import Period, parse_period, period_format
from scorecard_xl.sources import RawRecord, SourceInfo
from scorecard_xl.sources.any import read_source
from scorecard_xl.sources.frame import FRAME_KIND, is_data_frame, read_frame
from scorecard_xl.story import previous_scorecard
from scorecard_xl.writer import write_workbook
from scorecard_xl.xlsxwriter_fast import slower_path_note

if TYPE_CHECKING:
    import pandas

GENERATOR = f"scorecard-xl {__version__}"


@dataclass(frozen=True)
class Inputs:
    """A validated definition with its data, ready to build any of the data's periods."""

    definition: Definition
    dataset: Dataset
    definition_path: Path | None  # None when the definition came from a workbook's Setup sheet
    data_paths: tuple[Path, ...]
    # DataFrames given as data: named on the Cover for the reader; refresh works from the Data table.
    frame_names: tuple[str, ...] = ()
    # A workbook's own record of where its definition and data came from, kept as it is by a
    # refresh (the workbook may have moved since; the locations are the analyst's to edit).
    recorded_locations: tuple[str, tuple[str, ...]] | None = None
    warnings: tuple[str, ...] = ()  # what reading the data could not say by refusing it (NaN read as blanks)

    def locations(self, workbook_folder: Path) -> tuple[str, tuple[str, ...]]:
        """Where a workbook in `workbook_folder` records its definition and data came from. The
        bundled sample's data is not recorded: it is inside the Python installation, and the
        workbook's Data table holds it anyway."""
        if self.recorded_locations is not None:
            return self.recorded_locations
        if self.definition_path is None:
            definition = self.definition.file_name
        elif is_bundled_template(self.definition_path):
            definition = self.definition_path.stem
        else:
            definition = record_location(self.definition_path, workbook_folder)
        data = tuple(record_location(p, workbook_folder) for p in self.data_paths if not is_bundled_sample(p))
        return definition, data


def record_location(path: Path, workbook_folder: Path) -> str:
    """A path relative to the workbook's folder (the pair can move together), with forward slashes so
    it works on Windows, Mac and Linux alike; absolute where no relative path exists."""
    try:
        relative = os.path.relpath(path.resolve(), workbook_folder.resolve())
    except ValueError:  # another drive on Windows
        return path.resolve().as_posix()
    return Path(relative).as_posix()


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: the file, the scorecard, the size and any warnings."""

    path: Path
    scorecard: Scorecard
    size: int
    # What the reader should know and nothing refused: NaN read as blanks, a month most measures
    # lack, cells check would flag (formula_text); said once, at build time (see build_warnings).
    warnings: tuple[str, ...] = ()


def build_warnings(inputs: Inputs, scorecard: Scorecard, layout: WorkbookLayout) -> tuple[str, ...]:
    """Everything a build or refresh warns of: reading the data, the period shown, its cells, and an
    xlsxwriter the faster write paths do not know."""
    slower = slower_path_note()
    return (
        *inputs.warnings,
        *scorecard.warnings,
        *formula_text_warnings(layout),
        *([slower] if slower else []),
    )


DataInput = Union[str, Path, "pandas.DataFrame"]
"""A data file's path (.csv, .xlsx, or a .toml naming a database), or a tidy pandas DataFrame."""


@contextlib.contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a build makes hundreds of thousands of small
    objects (records, values, cells) that hold no cycles: each collection would walk them all again,
    so a large scorecard took a third longer. Reference counting still frees everything as usual,
    and the collector runs again afterwards. Nested uses are fine."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@bulk_allocation()
def load_inputs(
    template: str | Path | None = None, data: DataInput | Sequence[DataInput] | None = None
) -> Inputs:
    """Load a definition (a path or bundled name; default the sample) and its data: files, tidy
    pandas DataFrames (columns measure, series, period, value, as a CSV), or a mix, read as one
    (default: the bundled sample data of a bundled template). Raises InputError naming every
    problem: every missing or unreadable input at once, then every bad record."""
    problems: list[Problem] = []
    definition: Definition | None = None
    definition_path = Path(str(template or ""))
    try:
        definition_path = resolve_template(str(template) if template else None)
        definition = load_definition(definition_path)
    except InputError as error:
        problems.extend(error.problems)
    items = _data_items(data)
    if not items:
        sample = sample_data(definition_path.stem) if not template or not Path(str(template)).suffix else None
        if sample is None:
            problems.append(
                Problem(
                    ARGUMENTS, "", "data", None, "one or more data files (.csv or .xlsx) for this definition"
                )
            )
        else:
            items = [sample]
    records: list[RawRecord] = []
    sources: list[SourceInfo] = []
    warnings: list[str] = []
    frames = sum(is_data_frame(item) for item in items)
    for number, item in enumerate(items, start=1):
        try:
            if is_data_frame(item):
                found, info, said = read_frame(item, "DataFrame" if frames == 1 else f"DataFrame {number}")
                warnings.extend(said)
            else:
                found, info = read_source(cast("str | Path", item))
        except InputError as error:
            problems.extend(error.problems)
            continue
        records.extend(found)
        sources.append(info)
    if problems or definition is None:
        raise InputError(problems)
    dataset = build_dataset(definition, records, sources)
    paths = tuple(Path(cast("str | Path", item)) for item in items if not is_data_frame(item))
    frame_names = tuple(s.location for s in sources if s.kind == FRAME_KIND)
    return Inputs(definition, dataset, definition_path, paths, frame_names, warnings=tuple(warnings))


def _data_items(data: DataInput | Sequence[DataInput] | None) -> list[object]:
    """`data` as a list: one path or one frame is a list of one (a path is not a list of letters)."""
    if data is None:
        return []
    if isinstance(data, (str, Path)) or is_data_frame(data):
        return [data]
    return list(cast("Sequence[object]", data))


def input_paths(template: str | Path | None, data: DataInput | Sequence[DataInput] | None) -> list[Path]:
    """The files a build reads, so that no output can be one of them (one that is missing cannot
    be: load_inputs reports it, with every other missing input)."""
    paths = [Path(cast("str | Path", item)) for item in _data_items(data) if not is_data_frame(item)]
    try:
        return [resolve_template(str(template) if template else None), *paths]
    except InputError:
        return paths


def requested_period(text: str | None, definition: Definition, where: str = ARGUMENTS) -> Period | None:
    """The period asked for, read as the definition's kind (a month, or a year); None for latest."""
    if not text:
        return None
    try:
        return parse_period(text, definition.yearly, definition.year_start_month)
    except ValueError:
        expected = period_format(definition.yearly, definition.year_start_month)
        raise InputError.of(where, "", "period", text, expected) from None


def generation_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds: the same inputs, the same bytes)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        except ValueError:
            raise InputError.of(
                "environment", "", "SOURCE_DATE_EPOCH", epoch, "whole seconds since 1970-01-01"
            ) from None
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@bulk_allocation()
def lay_out(
    inputs: Inputs,
    period: Period | None = None,
    commentary: Mapping[str, str] | None = None,
    generated_at: dt.datetime | None = None,
    workbook_folder: Path | None = None,
    options: Options | None = None,
    picked: str | None = None,
    profile: Profile | None = None,
    refreshed: str = "",
) -> tuple[Scorecard, WorkbookLayout]:
    """The scorecard for `period` and its workbook layout (what build writes and refresh reuses),
    laid out for `profile` (default: the program `options.viewer` names). `picked` is the Cover's
    "Period to show": a period asked for, else Latest. `refreshed`: what a refresh brought, for
    the Cover's data status."""
    options = options or Options()
    options.check()
    definition = inputs.definition
    if options.marking:
        definition = dataclasses.replace(definition, marking=options.marking)
    if options.organisation:
        definition = dataclasses.replace(definition, organisation=options.organisation)
    dataset = inputs.dataset
    profile = profile or VIEWERS[options.viewer]
    if options.suppress_threshold is not None:
        from scorecard_xl.shorthand import in_shorthand
        from scorecard_xl.suppression import suppress  # (with its linear algebra: only when publishing)

        # A published copy: small numbers suppressed, then laid out as the Analysis Function's
        # guidance asks (the GSS shorthand [c], [x], ... and tables a screen reader can read).
        dataset = in_shorthand(suppress(definition, dataset, options.suppress_threshold))
        profile = dataclasses.replace(profile, accessible=True)
    scorecard = build_scorecard(definition, dataset, period)
    definition_location, data_locations = inputs.locations(workbook_folder or Path.cwd())
    context = BuildContext(
        generated_at=generated_at or generation_time(),
        generator=GENERATOR,
        definition_location=definition_location,
        sources=inputs.dataset.sources,
        data_locations=data_locations,
        commentary=dict(commentary or {}),
        options=options,
        picked=picked or "",
        data_rows=tuple(table_rows(definition, dataset)),
        refreshed=refreshed,
        previous=previous_scorecard(definition, dataset, scorecard),
    )
    layout = lay_out_workbook(scorecard, context, profile)
    for sheet in layout.sheets:
        sheet.protected = options.protect
    return scorecard, layout


@bulk_allocation()
def render(
    inputs: Inputs,
    period: Period | None = None,
    commentary: Mapping[str, str] | None = None,
    generated_at: dt.datetime | None = None,
    workbook_folder: Path | None = None,
    options: Options | None = None,
) -> tuple[Scorecard, bytes]:
    """Build the scorecard for `period` and return it with the workbook's bytes."""
    options = options or Options()
    scorecard, layout = lay_out(inputs, period, commentary, generated_at, workbook_folder, options)
    return scorecard, write_workbook(layout, options.protect_password)


def build(
    output: str | Path,
    template: str | Path | None = None,
    data: DataInput | Sequence[DataInput] | None = None,
    period: str | None = None,
    force: bool = False,
    commentary: Mapping[str, str] | None = None,
    options: Options | None = None,
    pdf: str | Path | None = None,
) -> BuildResult:
    """Build one workbook to `output`, atomically, and its PDF to `pdf` if asked. Refuses to replace
    an existing file unless `force` (it may hold commentary the user typed)."""
    path = Path(output)
    sources = input_paths(template, data)
    check_writable(path, force, ".xlsx", inputs=sources)
    if pdf:
        check_writable(Path(pdf), force, ".pdf", inputs=[*sources, path])
    inputs = load_inputs(template, data)
    chosen = requested_period(period, inputs.definition)
    picked = chosen.iso if chosen else None
    scorecard, layout = lay_out(inputs, chosen, commentary, None, path.parent, options, picked)
    size = write_outputs(path, layout, options, pdf)
    return BuildResult(path, scorecard, size, build_warnings(inputs, scorecard, layout))


@bulk_allocation()
def write_outputs(
    path: Path,
    layout: WorkbookLayout,
    options: Options | None = None,
    pdf: str | Path | None = None,
    *,
    may_replace: Callable[[Path, bytes], None] | None = None,
    wrote: Callable[[Path, bytes], None] | None = None,
) -> int:
    """The one write sequence, for build, refresh and batch: make the workbook's bytes and, if asked,
    the PDF's (LibreOffice) in memory; then write the PDF and then the workbook, each atomically, so a
    failure before the writes leaves both files as they were and a PDF failure leaves no new workbook.
    `may_replace(file, content)` runs for each file just before the writes (a batch checks they are still
    its own, and records what it is about to write) and
    `wrote(file, content)` just after. Returns the workbook's size."""
    content = write_workbook(layout, (options or Options()).protect_password)
    outputs: list[tuple[Path, bytes]] = []
    if pdf:
        from scorecard_xl.pdf import print_pdf  # LibreOffice is needed only for PDFs

        outputs.append((Path(pdf), print_pdf(layout, Path(pdf).stem)))
    outputs.append((path, content))
    if may_replace is not None:
        for target, data in outputs:
            may_replace(target, data)
    for target, data in outputs:
        write_atomically(target, data)
        if wrote is not None:
            wrote(target, data)
    return len(content)
