"""Loading a build's inputs: a definition (a path or a bundled name) and its data (files, databases,
DataFrames), read as one and validated; and where a workbook records they came from."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union, cast

from scorecard_xl.errors import ARGUMENTS, InputError, Problem
from scorecard_xl.generate.allocation import bulk_allocation
from scorecard_xl.inputs.bundled import is_bundled_sample, is_bundled_template, resolve_template, sample_data
from scorecard_xl.inputs.data import Dataset, build_dataset
from scorecard_xl.inputs.definition import Definition
from scorecard_xl.inputs.definition_reader import load_definition
from scorecard_xl.inputs.periods import Period, parse_period, period_format
from scorecard_xl.inputs.sources import RawRecord, SourceInfo
from scorecard_xl.inputs.sources.any import read_source
from scorecard_xl.inputs.sources.frame import FRAME_KIND, is_data_frame, read_frame

if TYPE_CHECKING:
    import pandas


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


DataInput = Union[str, Path, "pandas.DataFrame"]
"""A data file's path (.csv, .xlsx, or a .toml naming a database), or a tidy pandas DataFrame."""


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
