"""The scorecard grid: sections of measures across months, YTD, trend, target, RAG, direction,
comparators and previous years. Used for the Scorecard sheet and for each section's sheet.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from scorecard_xl.drawing.series import TrendSeries
from scorecard_xl.inputs.definition import Benchmark, Section
from scorecard_xl.inputs.values import Missing, Value, format_for_text
from scorecard_xl.layout.rules import quartile_rules, rag_rules, token_rule, verdict_rules
from scorecard_xl.layout.sheet import Block, Formula, SheetLayout, Sparkline, TableSpec
from scorecard_xl.layout.spc_icons import assurance_word, icon_rules, variation_word
from scorecard_xl.layout.styles import number_format
from scorecard_xl.model.assess import RAG_WORDS
from scorecard_xl.model.scorecard import MeasureRow, Scorecard, reports_in
from scorecard_xl.model.ytd_target import YEAR, marker

TEXT = "@"  # stops Excel turning a refreshed "Oct 22" header into a date
# RAG cell of a measure with a target that cannot be judged this period: words, never a dash, which
# the data's own "-" (not reported) would look like.
NOT_JUDGED = "Not judged"
NO_COMMENTARY = "No commentary"  # the published copy's commentary cell when none was typed
HEADER_ROWS = 2  # group headers, then column headers


@dataclass(frozen=True)
class GridColumns:
    """Where each kind of column sits; derived from the definition and whether positions show."""

    ref: int
    section: int | None  # the published copy's table names each row's section (no section rows)
    measure: int
    months: tuple[int, ...]  # one per period in the window (months, or years when annual)
    ytd: int | None  # None for an annual scorecard
    trend: int | None  # None in the published copy: a sparkline has no text a screen reader can read
    target: int | None  # None when no measure has a target (a benchmarking scorecard)
    rag: int | None
    vs_previous: int
    vs_last_year: int | None  # None for an annual scorecard, where the previous period is last year
    variation: int | None  # the SPC icons, in words (layout.spc_icons); None without SPC
    assurance: int | None
    comparators: tuple[int, ...]
    positions: tuple[int, ...]
    benchmarks: tuple[int, ...]
    outturns: tuple[int, ...]
    commentary: int

    @classmethod
    def plan(cls, scorecard: Scorecard, with_positions: bool, accessible: bool = False) -> GridColumns:
        yearly = scorecard.definition.yearly
        counter = iter(range(1000))
        ref = next(counter)
        section = next(counter) if accessible else None
        measure = next(counter)
        months = tuple(next(counter) for _ in scorecard.window)
        ytd = None if yearly else next(counter)
        trend = None if accessible else next(counter)
        judged = any(m.target.judged for m in scorecard.definition.measures)
        target, rag = (next(counter), next(counter)) if judged else (None, None)
        vs_previous = next(counter)
        vs_last_year = None if yearly else next(counter)
        with_spc = scorecard.definition.spc is not None
        variation, assurance = (next(counter), next(counter)) if with_spc else (None, None)
        comparators, positions = [], []
        for _ in scorecard.definition.comparators:
            comparators.append(next(counter))
            if with_positions:
                positions.append(next(counter))
        benchmarks = tuple(next(counter) for _ in scorecard.definition.benchmarks)
        outturns = tuple(next(counter) for _ in scorecard.outturn_years)
        return cls(
            ref,
            section,
            measure,
            months,
            ytd,
            trend,
            target,
            rag,
            vs_previous,
            vs_last_year,
            variation,
            assurance,
            tuple(comparators),
            tuple(positions),
            benchmarks,
            outturns,
            next(counter),
        )

    @property
    def performance_last(self) -> int:
        return self.vs_last_year if self.vs_last_year is not None else self.vs_previous

    @property
    def last_value_col(self) -> int:
        return self.commentary - 1

    @property
    def group_starts(self) -> tuple[int, ...]:
        """The first column of each group under a group header: where a page may split the grid."""
        starts = [
            self.months[0],
            *[col for col in (self.ytd, self.trend) if col is not None][:1],
            self.target if self.target is not None else self.vs_previous,
        ]
        starts += [col for col in (self.variation,) if col is not None]
        starts += [group[0] for group in (self.comparators, self.benchmarks, self.outturns) if group]
        return (*starts, self.commentary)


@dataclass(frozen=True)
class GridPlacement:
    """Where the grid put things: refresh and links need the row of every measure."""

    header_row: int
    first_row: int
    last_row: int
    measure_rows: dict[str, int]
    columns: GridColumns


def lay_out_grid(
    sheet: SheetLayout,
    scorecard: Scorecard,
    sections: Sequence[Section],
    top: int,
    commentary: dict[str, str],
    commentary_links: dict[str, str] | None = None,
    with_positions: bool = False,
    table: TableSpec | None = None,
) -> GridPlacement:
    """Lay the grid out on `sheet` from row `top`.

    Commentary is written as editable text, or, when `commentary_links` maps measure ids to cells
    of another sheet, as formulas showing that sheet's commentary (typed once, shown everywhere).

    With `table` (its name, title and description), the grid is laid out for the published copy
    (Analysis Function guidance): one header row, a Section column instead of section rows, no
    trend, no blank cells (the GSS shorthand [x] or [z] says why a figure is missing), marked up as
    an Excel Table with that name and alternative text.
    """
    definition = scorecard.definition
    accessible = table is not None
    columns = GridColumns.plan(scorecard, with_positions, accessible)
    header_row = top if accessible else top + 1
    if not accessible:
        _group_headers(sheet, scorecard, columns, top)
    # The published copy shows commentary only where some was written: a column saying "No
    # commentary" on every row tells a reader nothing.
    with_commentary = not accessible or any(commentary.get(m.id) for m in definition.measures)
    headers = _column_headers(sheet, scorecard, columns, header_row, with_commentary)
    row = header_row + 1
    measure_rows: dict[str, int] = {}
    for section in sections:
        rows = scorecard.rows_in(section)
        if not rows:
            continue
        section_row = row
        if not accessible:
            sheet.put(row, columns.ref, section.title, "section_row", TEXT)
            for col in range(columns.measure, columns.commentary + 1):
                sheet.put(row, col, None, "section_row")
            row += 1
        for measure_row in rows:
            measure_rows[measure_row.id] = row
            _measure_line(
                sheet, scorecard, columns, row, measure_row, commentary, commentary_links, accessible
            )
            if not with_commentary:
                sheet.cells.pop()  # the commentary cell, written last
            if columns.section is not None:
                sheet.put(row, columns.section, section.title, "measure", TEXT)
            if not accessible:
                sheet.outline[row] = 1  # sections fold to their headers
            row += 1
        sheet.keep_together.append((section_row, row - 1))  # a section prints unbroken where it can
    last_row = row - 1
    if table is not None:
        sheet.tables.append(
            dataclasses.replace(
                table,
                first_row=header_row,
                first_col=columns.ref,
                last_row=max(last_row, header_row + 1),
                last_col=columns.commentary if with_commentary else columns.last_value_col,
                columns=headers,
            )
        )
    _rules(sheet, columns, header_row + 1, last_row, definition.benchmarks)
    _widths(sheet, columns)
    sheet.column_groups = columns.group_starts
    sheet.one_line_columns = (columns.measure,)
    sheet.blocks.append(Block("grid", header_row, columns.ref, last_row, columns.last_value_col))
    if definition.sparkline and columns.trend is not None:
        lines = {line.id: line for line in scorecard.rows}
        for measure_id, at in measure_rows.items():
            series, description = trend_of(scorecard, lines[measure_id])
            sheet.sparklines.append(
                Sparkline(
                    at,
                    columns.trend,
                    sheet.name,
                    at,
                    columns.months[0],
                    at,
                    columns.months[-1],
                    definition.sparkline,
                    series,
                    description,
                )
            )
    return GridPlacement(header_row, header_row + 1, last_row, measure_rows, columns)


def trend_of(scorecard: Scorecard, line: MeasureRow) -> tuple[TrendSeries, str]:
    """What a measure's trend shows, and the same in words (a drawn trend's alternative text):
    periods the measure does not report in are skipped, reported periods without a number are gaps."""
    measure = line.measure
    reported = tuple(reports_in(measure, period) for period in scorecard.window)
    values = tuple(value if isinstance(value, float) else None for value in line.months)
    # The dashed line is the year's target: a cumulative measure's is for the year to date, and
    # its months are not compared with it.
    target = line.target if isinstance(line.target, float) and line.target_scope == YEAR else None
    shown = [
        f"{period.label} {format_for_text(value, measure.unit, measure.decimals) or 'no value'}"
        for period, value, reports in zip(scorecard.window, line.months, reported, strict=True)
        if reports
    ]
    words = f"Trend of {measure.id}: {', '.join(shown)}"
    if target is not None:
        words += f"; target {format_for_text(target, measure.unit, measure.decimals)}"
    return TrendSeries(values, reported, target), words


def _group_headers(sheet: SheetLayout, scorecard: Scorecard, columns: GridColumns, row: int) -> None:
    definition = scorecard.definition
    count = len(scorecard.window)
    unit = "years" if definition.yearly else "months"
    groups = [
        (columns.ref, columns.measure, ""),
        (columns.months[0], columns.months[-1], f"Last {count} {unit}" if count > 1 else unit[:-1].title()),
        (columns.ytd, columns.trend or columns.ytd, "Year to date & trend")
        if columns.ytd is not None
        else (columns.trend or columns.months[-1], columns.trend or columns.months[-1], "Trend"),
        (
            columns.target if columns.target is not None else columns.vs_previous,
            columns.performance_last,
            "Performance" if columns.target is not None else "Direction",
        ),
    ]
    if columns.variation is not None and columns.assurance is not None:
        groups.append((columns.variation, columns.assurance, "SPC"))
    if definition.comparators:
        first = columns.comparators[0]
        last = (columns.positions or columns.comparators)[-1]
        groups.append((first, last, "Comparators"))
    if columns.benchmarks:
        groups.append((columns.benchmarks[0], columns.benchmarks[-1], "Benchmark"))
    if columns.outturns:
        groups.append((columns.outturns[0], columns.outturns[-1], "Previous years"))
    groups.append((columns.commentary, columns.commentary, ""))
    for first, last, text in groups:
        if first == last:
            sheet.put(row, first, text, "group_header")
        else:
            sheet.merge(row, first, row, last, text, "group_header")


def _column_headers(
    sheet: SheetLayout, scorecard: Scorecard, columns: GridColumns, row: int, with_commentary: bool = True
) -> tuple[str, ...]:
    """The header row; returns its labels in column order."""
    definition = scorecard.definition
    labels = {
        columns.ref: "Ref",
        columns.measure: "Measure",
        columns.vs_previous: "vs last year" if definition.yearly else "vs last period",
    }
    if with_commentary:
        labels[columns.commentary] = "Commentary"
    if columns.trend is not None:
        labels[columns.trend] = "Trend"
    if columns.section is not None:
        labels[columns.section] = "Section"
    if columns.ytd is not None:
        labels[columns.ytd] = "YTD"
    if columns.target is not None and columns.rag is not None:
        labels[columns.target] = "Target"
        labels[columns.rag] = "RAG"
    if columns.vs_last_year is not None:
        labels[columns.vs_last_year] = "vs last year"
    if columns.variation is not None and columns.assurance is not None:
        labels[columns.variation] = "Variation"
        labels[columns.assurance] = "Assurance"
    for col, benchmark in zip(columns.benchmarks, definition.benchmarks, strict=True):
        labels[col] = benchmark.label
    for col, month in zip(columns.months, scorecard.window, strict=True):
        labels[col] = month.label
    for index, comparator in enumerate(definition.comparators):
        labels[columns.comparators[index]] = comparator.label
        if columns.positions:
            labels[columns.positions[index]] = f"vs {comparator.label}"
    for col, year in zip(columns.outturns, scorecard.outturn_years, strict=True):
        # Alone under no group header (the published copy), a year says what it is.
        labels[col] = year.short_label if columns.trend is not None else f"Outturn {year.short_label}"
    for col, text in sorted(labels.items()):
        left = col in (columns.ref, columns.section, columns.measure, columns.commentary)
        sheet.put(row, col, text, "column_header_left" if left else "column_header", TEXT)
    sheet.heights[row] = 27  # two lines for "vs last period"
    return tuple(text for _, text in sorted(labels.items()))


def _put_value(
    sheet: SheetLayout,
    row: int,
    col: int,
    value: Value | None,
    fmt: str,
    strong: bool = False,
    blank: str | None = None,
) -> None:
    """A figure, a missing-value token, or `blank` (the published copy's [x] or [z]) for nothing."""
    style = "value_strong" if strong else "value"
    if isinstance(value, Missing):
        sheet.put(row, col, value.token or blank, style, fmt)
    else:
        sheet.put(row, col, blank if value is None else value, style, fmt)


def _measure_line(
    sheet: SheetLayout,
    scorecard: Scorecard,
    columns: GridColumns,
    row: int,
    line: MeasureRow,
    commentary: dict[str, str],
    commentary_links: dict[str, str] | None,
    accessible: bool = False,
) -> None:
    measure = line.measure
    fmt = number_format(measure.unit, measure.decimals)
    # The published copy leaves no cell blank: [z] where a figure cannot exist, [x] where it is missing.
    missing, not_applicable = ("[x]", "[z]") if accessible else (None, None)
    sheet.put(row, columns.ref, measure.id, "ref", TEXT)
    sheet.put(row, columns.measure, measure.title, "measure", TEXT)
    for col, value, period in zip(columns.months, line.months, scorecard.window, strict=True):
        blank = missing if reports_in(measure, period) else not_applicable
        _put_value(sheet, row, col, value, fmt, blank=blank)
    if columns.ytd is not None:
        strong = scorecard.definition.headline == "ytd"
        blank = not_applicable if measure.ytd == "none" else missing
        _put_value(sheet, row, columns.ytd, line.ytd, fmt, strong=strong, blank=blank)
    if columns.trend is not None:
        sheet.put(row, columns.trend, None, "status")
    if columns.target is not None and columns.rag is not None:
        blank = missing if measure.target.judged else not_applicable
        _put_value(sheet, row, columns.target, line.target, target_format(line), blank=blank)
        rag = rag_text(line)
        if accessible:
            rag = missing if rag == NOT_JUDGED else rag or not_applicable
        sheet.put(row, columns.rag, rag, "status", TEXT)
    sheet.put(
        row,
        columns.vs_previous,
        line.vs_previous.text if line.vs_previous else missing,
        "status",
        TEXT,
    )
    if columns.vs_last_year is not None:
        verdict = line.vs_last_year.text if line.vs_last_year else missing
        sheet.put(row, columns.vs_last_year, verdict, "status", TEXT)
    if columns.variation is not None and columns.assurance is not None:
        # (the published copy: [z] where a measure shows no SPC or has no target to assure)
        sheet.put(row, columns.variation, variation_word(line.spc) or not_applicable, "status", TEXT)
        sheet.put(row, columns.assurance, assurance_word(line.spc) or not_applicable, "status", TEXT)
    for index, col in enumerate(columns.comparators):
        _put_value(sheet, row, col, line.comparators[index], fmt, blank=missing)
    for index, col in enumerate(columns.positions):
        sheet.put(row, col, line.positions[index] or missing, "status", TEXT)
    for col, note in zip(columns.benchmarks, line.benchmarks, strict=True):
        sheet.put(row, col, note or missing, "status", TEXT)
    for col, value in zip(columns.outturns, line.outturns, strict=True):
        _put_value(sheet, row, col, value, fmt, blank=missing)
    text = commentary.get(measure.id, "")
    if commentary_links and measure.id in commentary_links:
        # T() shows the text typed on the Scorecard, and "" (not 0) while it is empty.
        source = f"T({commentary_links[measure.id]})"
        formula = f'=IF({source}="","{NO_COMMENTARY}",{source})' if accessible else f"={source}"
        shown = text or (NO_COMMENTARY if accessible else "")
        sheet.put(row, columns.commentary, Formula(formula, shown), "commentary")
    else:
        sheet.put(row, columns.commentary, text or (NO_COMMENTARY if accessible else None), "commentary")


def target_format(line: MeasureRow) -> str:
    """The Target cell's number format: the measure's, and a year-to-date (or one month's) target
    says so beside its figure (8 YTD), the cell staying a number."""
    measure = line.measure
    return number_format(measure.unit, measure.decimals, marker(line.target_scope, measure))


def target_text(line: MeasureRow) -> str:
    """The target as the Target cell shows it, for text: 95.0%, or 8 YTD for a year-to-date target."""
    shown = format_for_text(line.target, line.measure.unit, line.measure.decimals)
    words = marker(line.target_scope, line.measure) if isinstance(line.target, float) else ""
    return f"{shown} {words}" if words else shown


def rag_text(line: MeasureRow) -> str | None:
    """The RAG cell's word: Red/Amber/Green, a dash when a target cannot be judged, else blank."""
    if line.rag:
        return RAG_WORDS[line.rag]
    return NOT_JUDGED if line.measure.target.judged else None


def _rules(
    sheet: SheetLayout, columns: GridColumns, first: int, last: int, benchmarks: Sequence[Benchmark]
) -> None:
    if columns.rag is not None:
        rag_rules(sheet, first, last, [(columns.rag, columns.rag)])
    verdicts = (columns.vs_previous, columns.vs_last_year, *columns.positions)
    verdict_rules(sheet, first, last, [(col, col) for col in verdicts if col is not None])
    if columns.variation is not None and columns.assurance is not None:
        icon_rules(sheet, first, last, [(columns.variation, columns.assurance)])
    values = [(columns.months[0], columns.ytd if columns.ytd is not None else columns.months[-1])]
    if columns.target is not None:
        values.append((columns.target, columns.target))
    values += [(col, col) for col in columns.comparators]
    if columns.outturns:
        values.append((columns.outturns[0], columns.outturns[-1]))
    token_rule(sheet, first, last, values)
    quartiles = [col for col, b in zip(columns.benchmarks, benchmarks, strict=True) if b.kind == "quartile"]
    quartile_rules(sheet, first, last, [(col, col) for col in quartiles])


def _widths(sheet: SheetLayout, columns: GridColumns) -> None:
    """Each column's least width; layout.fitting widens a column to what it shows, measured, with
    room for a digit more (no #### after a refresh brings a bigger month)."""
    widths = {columns.ref: 6.0, columns.measure: 46.0, columns.commentary: 40.0}
    if columns.trend is not None:
        widths[columns.trend] = 11.0
    if columns.section is not None:
        widths[columns.section] = 24.0
    values = [*columns.months, columns.ytd, columns.target, *columns.comparators, *columns.outturns]
    widths.update({col: 6.5 for col in values if col is not None})
    statuses = [
        columns.rag,
        columns.vs_previous,
        columns.vs_last_year,
        *columns.positions,
        *columns.benchmarks,
    ]
    widths.update({col: 7.0 for col in statuses if col is not None})
    widths.update({col: 9.0 for col in (columns.variation, columns.assurance) if col is not None})
    sheet.widths.update(widths)
