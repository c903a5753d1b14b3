"""pandas out: the scorecard for a period as one tidy DataFrame, and a built workbook read back as
DataFrames, for analysts who feed Power BI, their own charts or a notebook.

pandas is imported inside these functions only, so the command line and every build from files
never pay for it. (pandas in: `build` and `load_inputs` take tidy DataFrames as data; see
`scorecard_xl.inputs.sources.frame`.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scorecard_xl.errors import InputError
from scorecard_xl.generate.allocation import bulk_allocation
from scorecard_xl.generate.loading import DataInput, load_inputs, requested_period
from scorecard_xl.inputs.options import Options
from scorecard_xl.inputs.values import NUMBER_LIMIT, OUT_OF_RANGE, Missing, Value, text_of
from scorecard_xl.layout.grid import rag_text
from scorecard_xl.model.scorecard import Scorecard, build_scorecard
from scorecard_xl.model.suppression import suppress

if TYPE_CHECKING:
    import pandas


def scorecard_frame(
    template: str | Path | None = None,
    data: DataInput | Sequence[DataInput] | None = None,
    period: str | None = None,
    options: Options | None = None,
) -> pandas.DataFrame:
    """The scorecard for `period` (default: Latest, as a build) as one tidy DataFrame, one row
    per measure in the definition's order: the figures the workbook shows and its judgements.
    `template` and `data` are as for `build` (files or DataFrames); `options` (organisation,
    marking, the publication profile) as for `build` too. `frame.attrs["warnings"]` says what a
    build would warn of (NaN read as empty cells, a month most measures have no value for)."""
    inputs = load_inputs(template, data)
    options = options or Options()
    dataset = inputs.dataset
    if options.publish is not None:
        dataset = suppress(inputs.definition, dataset, options.publish)
    chosen = requested_period(period, inputs.definition)
    scorecard = build_scorecard(inputs.definition, dataset, chosen)
    frame = frame_of(scorecard)
    frame.attrs["warnings"] = [*inputs.warnings, *scorecard.warnings]  # as a build's warnings say
    return frame


def frame_of(scorecard: Scorecard) -> pandas.DataFrame:
    """A scorecard model (such as `build(...).scorecard`) as one tidy DataFrame, one row per measure.

    Columns: section, section_title, measure, title, unit, polarity, frequency, period (the
    scorecard's), year; value (the period's own figure), ytd, headline (the figure judged: the YTD
    or the latest), target (what the headline is judged against: the year's target, or for a
    cumulative measure its year-to-date share, as the workbook shows it with YTD); one column per
    comparator (sn, england, ...) and per outturn year (outturn_2021_22, ...); rag (Red, Amber,
    Green; Not judged when a target cannot be judged this period; empty for information); vs_previous and
    vs_last_year (better, worse, same; up, down for a measure with no better direction);
    vs_<comparator> (the headline's position against it); one column per benchmark (a quartile
    band, a rank). Each figure column holds a float, empty (NaN) where there is no number; its
    `<column>_symbol` column holds the missing-value token the data gave instead (c, n/a, ...).
    """
    import pandas

    definition = scorecard.definition
    titles = {s.id: s.title for s in definition.sections}
    rows: list[dict[str, Any]] = []
    for row in scorecard.rows:
        measure = row.measure
        record: dict[str, Any] = {
            "section": measure.section,
            "section_title": titles[measure.section],
            "measure": measure.id,
            "title": measure.title,
            "unit": measure.unit.name,
            "polarity": measure.polarity,
            "frequency": measure.frequency,
            "period": scorecard.period.iso,
            "year": scorecard.year.label,
        }
        figures: list[tuple[str, Value | None]] = [
            ("value", row.months[-1]),
            ("ytd", row.ytd),
            ("headline", row.headline),
            ("target", row.target),
            *((c.id, value) for c, value in zip(definition.comparators, row.comparators, strict=True)),
            *(
                (_column("outturn", year.label), value)
                for year, value in zip(scorecard.outturn_years, row.outturns, strict=True)
            ),
        ]
        for name, value in figures:
            record[name] = value if isinstance(value, float) else None
            record[f"{name}_symbol"] = value.token if isinstance(value, Missing) and value.token else None
        record["rag"] = rag_text(row)  # the RAG cell's word, as the workbook shows it
        record["vs_previous"] = _words(row.vs_previous)
        record["vs_last_year"] = _words(row.vs_last_year)
        for comparator, where in zip(definition.comparators, row.positions, strict=True):
            record[f"vs_{comparator.id}"] = where
        for benchmark, note in zip(definition.benchmarks, row.benchmarks, strict=True):
            record[benchmark.id] = note or None
        rows.append(record)
    frame = pandas.DataFrame(rows)
    figure_columns = [c[: -len("_symbol")] for c in frame.columns if c.endswith("_symbol")]
    return frame.astype({c: "float64" for c in figure_columns})


@bulk_allocation()
def read_workbook(path: str | Path) -> pandas.DataFrame:
    """A workbook built by scorecard-xl, read back (never changed): its Data table, every value of
    its data, as a tidy DataFrame with the input's column names (measure, series, period, value)
    and symbol (a token such as n/a or c where there is no number), title and section beside them.
    `frame.attrs` holds the workbook's record: where its definition and data came from, the period
    it shows and the options it was built with."""
    import pandas

    from scorecard_xl.inputs.data_table import records_from_rows
    from scorecard_xl.workbook.reader import read_record
    from scorecard_xl.workbook.snapshot import snapshot_from_file

    record = read_record(snapshot_from_file(Path(path)))  # refuses a workbook scorecard-xl did not make
    titles = {}
    for _, raw in record.table_rows:
        cells = [*raw, None, None, None, None, None, None]
        titles[text_of(cells[0]).upper()] = (text_of(cells[4]), text_of(cells[5]))
    rows = []
    for found in records_from_rows(record.table_rows):
        value = found.value
        if isinstance(value, int) and abs(value) > NUMBER_LIMIT:  # (float() of 400 digits overflows)
            raise InputError.of(record.name, f"Data table, row {found.row}", "value", None, OUT_OF_RANGE)
        number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        title, section = titles.get(found.measure.upper(), ("", ""))
        rows.append(
            {
                "measure": found.measure,
                "series": found.series,
                "period": found.period,
                "value": number,
                "symbol": None if number is not None or value is None else text_of(value),
                "title": title,
                "section": section,
            }
        )
    frame = pandas.DataFrame(
        rows, columns=["measure", "series", "period", "value", "symbol", "title", "section"]
    )
    frame["value"] = frame["value"].astype("float64")
    frame.attrs.update(
        {
            "definition": record.definition_location,
            "data": list(record.data_files),
            "period": record.shown,
            "options": record.options.as_text(),
        }
    )
    return frame


def _words(direction: object) -> str | None:
    if direction is None:
        return None
    verdict = getattr(direction, "verdict", None)
    arrow = str(getattr(direction, "arrow", ""))
    return str(verdict) if verdict else {"up": "up", "down": "down", "flat": "same"}[arrow]


def _column(*parts: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", "_".join(parts).lower()).strip("_")


def _heading(text: str) -> str:
    return _column(text.strip())
