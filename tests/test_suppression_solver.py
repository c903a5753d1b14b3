"""Secondary suppression, attacked: every workbook of a dataset is built with --publish (one per
month, as a batch would), everything they publish is read back from their Data sheets, and for each
suppressed cell the linear equations a reader knows (month values, year-to-date sums, means and
latest values, outturns, totals and their parts) are solved with numpy: no suppressed cell may
have a unique answer.

The solver here is written apart from the library's (disclosure.py: exact fractions); it works
on what the files show, not on the dataset."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.sequence import build
from scorecard_xl.inputs.options import Options
from tests.hostile_files import SAMPLE_DATA, TEMPLATE

MONTHS = [f"{2022 + (m >= 13)}-{(m - 1) % 12 + 1:02d}" for m in range(4, 16)]  # 2022-04 .. 2023-03
Cell = tuple[str, str, str]  # (measure, series, period as published)


def published(book: Path) -> dict[Cell, float | str]:
    """Every figure a workbook publishes: its Data table (every value of its data, not only the
    months the sheets show) and the YTD the Scorecard shows for its month, which the model may have
    computed. A number, or its symbol (c, n/a, ...; the shorthand [c] read as c)."""
    workbook = openpyxl.load_workbook(book, read_only=True, data_only=True)
    try:
        rows = list(workbook["Data"].iter_rows(values_only=True))
        grid = list(workbook["Scorecard"].iter_rows(values_only=True))
    finally:
        workbook.close()
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Measure")
    found: dict[Cell, float | str] = {}
    for measure, series, period, value, *_ in rows[start + 1 :]:
        if series in ("actual", "ytd", "outturn"):
            found[(str(measure), str(series), str(period))] = figure(value)
    header = next(i for i, row in enumerate(grid) if row and row[0] == "Ref" and "YTD" in row)
    ytd = grid[header].index("YTD")
    for row in grid[header + 1 :]:
        if row and row[0] and row[ytd] is not None:
            found.setdefault((str(row[0]), "ytd", book.stem), figure(row[ytd]))
    return found


def figure(value: object) -> float | str:
    if isinstance(value, (int, float)):
        return float(value)
    return str(value or "").strip("[]")


def year_months(first: int, start: int) -> tuple[str, list[str]]:
    """A reporting year starting in month `start` of `first`: its label (2022-23) and its months."""
    months = [f"{first + (m > 12)}-{(m - 1) % 12 + 1:02d}" for m in range(start, start + 12)]
    return (f"{first}-{(first + 1) % 100:02d}" if start != 1 else str(first)), months


def year_of(month: str, start: int) -> tuple[str, list[str]]:
    year, number = int(month[:4]), int(month[5:])
    return year_months(year if number >= start else year - 1, start)


def known_equations(definition: object, cells: Iterable[Cell]) -> list[dict[Cell, float]]:
    """The ties a reader knows, over the months and years seen."""
    start = definition.year_start_month  # type: ignore[attr-defined]
    seen = list(cells)
    months = sorted({p for _, s, p in seen if s in ("actual", "ytd")})
    firsts = {int(year_of(m, start)[0][:4]) for m in months}
    firsts |= {int(p[:4]) for _, s, p in seen if s == "outturn"}
    years = dict(year_months(first, start) for first in sorted(firsts))
    equations: list[dict[Cell, float]] = []
    for measure in definition.measures:  # type: ignore[attr-defined]
        if measure.unit.name != "count" or measure.ytd not in ("sum", "mean", "latest"):
            continue

        def reporting(upto: list[str], measure: object = measure) -> list[str]:
            return [m for m in upto if measure.reports_in(int(m[5:]))]  # type: ignore[attr-defined]

        for month in months:
            in_year = year_of(month, start)[1]
            to_date = reporting(in_year[: in_year.index(month) + 1])
            equations.append(tie(measure, (measure.id, "ytd", month), to_date))
        for label, in_year in years.items():
            equations.append(tie(measure, (measure.id, "outturn", label), reporting(in_year)))
    for total in definition.measures:  # type: ignore[attr-defined]
        for series, periods in (("actual", months), ("ytd", months), ("outturn", list(years))):
            for period in periods if total.total_of else ():
                equation = {(total.id, series, period): 1.0}
                equation.update({(part, series, period): -1.0 for part in total.total_of})
                equations.append(equation)
    return [e for e in equations if len(e) > 1]


def tie(measure: object, aggregate: Cell, months: list[str]) -> dict[Cell, float]:
    if not months:
        return {}
    mid, rule = measure.id, measure.ytd  # type: ignore[attr-defined]
    if rule == "latest":
        return {aggregate: 1.0, (mid, "actual", months[-1]): -1.0}
    equation = {aggregate: float(len(months)) if rule == "mean" else 1.0}
    equation.update({(mid, "actual", m): -1.0 for m in months})
    return equation


def uniquely_determined(equations: list[dict[Cell, float]], shown: dict[Cell, float | str]) -> list[Cell]:
    """The cells shown as c whose value the equations fix, every number shown being known: those
    whose unit vector lies in the row space of the equations' coefficients on the unknown cells
    (its projection onto an orthonormal basis of that space, from one SVD, keeps length 1)."""
    unknown = sorted({c for e in equations for c in e if not isinstance(shown.get(c), float)})
    if not unknown:
        return []
    index = {cell: i for i, cell in enumerate(unknown)}
    matrix = np.zeros((len(equations), len(unknown)))
    for row, equation in enumerate(equations):
        for cell, coefficient in equation.items():
            if cell in index:
                matrix[row, index[cell]] = coefficient
    _, singular, basis = np.linalg.svd(matrix, full_matrices=False)
    rows = basis[singular > 1e-9 * max(singular.max(initial=0.0), 1.0)]
    projected = (rows**2).sum(axis=0)  # |projection of each unit vector|^2
    return [cell for cell in unknown if shown.get(cell) == "c" and projected[index[cell]] > 1 - 1e-6]


def attack(folder: Path, definition_file: Path, data_file: Path, threshold: int) -> tuple[int, list[Cell]]:
    """Build every month with --publish, pool what the workbooks show, solve: (suppressed, revealed)."""
    inputs = load_inputs(definition_file, [data_file])
    shown: dict[Cell, float | str] = {}
    for period in inputs.dataset.periods():
        book = folder / f"{period.iso}.xlsx"
        build(book, definition_file, [data_file], period.iso, options=Options(publish=threshold))
        for cell, value in published(book).items():
            if shown.get(cell, value) != value:
                raise AssertionError(f"{cell} shown as {shown[cell]} in one workbook and {value} in another")
            shown[cell] = value
    suppressed = sum(1 for value in shown.values() if value == "c")
    return suppressed, uniquely_determined(known_equations(inputs.definition, shown), shown)


def tricky_definition() -> str:
    count = 'unit = "count"\npolarity = "none"\nsection = "s"\n'
    measures = [
        ("TOTAL", 'ytd = "sum"\ntotal_of = ["A", "B", "C"]'),
        ("A", 'ytd = "sum"'),
        ("B", 'ytd = "sum"'),
        ("C", 'ytd = "sum"'),
        ("MEAN", 'ytd = "mean"'),
        ("LATEST", 'ytd = "latest"'),
        ("QUARTER", 'ytd = "sum"\nfrequency = "quarterly"'),
    ]
    text = (
        '[scorecard]\nid = "tricky"\nversion = "1"\ntitle = "Tricky"\norganisation = "O"\n'
        "months_shown = 12\n\n"
        '[[sections]]\nid = "s"\ntitle = "Section"\n\n'
    )
    for mid, extra in measures:
        text += f'[[measures]]\nid = "{mid}"\ntitle = "{mid}"\n{count}{extra}\n\n'
    text += (
        '[[measures]]\nid = "RATE"\ntitle = "A as a share"\nunit = "percent"\npolarity = "none"\n'
        'section = "s"\nderived_from = ["A", "TOTAL"]\n'
    )
    return text


def tricky_data(seed: int) -> str:
    """A year of months with many small counts, YTDs given in the data (sums, means, latest) on
    some months, outturns, a few counts the source already gives as c, and zeros."""
    chance = random.Random(seed)
    rows = ["measure,series,period,value"]

    def small_or_not() -> int:
        return chance.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 15, 20, 30])

    for month in MONTHS:
        parts = [small_or_not() for _ in range(3)]
        for mid, value in zip("ABC", parts, strict=True):
            rows.append(f"{mid},actual,{month},{'c' if chance.random() < 0.05 else value}")
        rows.append(f"TOTAL,actual,{month},{sum(parts)}")
        rows.append(f"MEAN,actual,{month},{small_or_not()}")
        rows.append(f"LATEST,actual,{month},{small_or_not()}")
        if month[5:] in ("06", "09", "12", "03"):
            rows.append(f"QUARTER,actual,{month},{small_or_not()}")
        rows.append(f"RATE,actual,{month},{chance.random():.3f}")
    quarter_ends = [m for m in MONTHS if m[5:] in ("06", "09", "12", "03")]
    for mid in ("TOTAL", "A", "MEAN", "LATEST", "QUARTER"):
        for month in chance.sample(quarter_ends if mid == "QUARTER" else MONTHS, 3):
            rows.append(f"{mid},ytd,{month},{chance.randint(0, 120)}")  # the source's own YTD
    for mid in ("TOTAL", "A", "B", "C"):
        rows.append(f"{mid},outturn,2021-22,{chance.randint(40, 200)}")
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_suppressed_cell_of_a_tricky_dataset_can_be_solved_for(seed: int, tmp_path: Path) -> None:
    (tmp_path / "tricky.toml").write_text(tricky_definition(), encoding="utf-8")
    (tmp_path / "data.csv").write_text(tricky_data(seed), encoding="utf-8")
    suppressed, revealed = attack(tmp_path, tmp_path / "tricky.toml", tmp_path / "data.csv", 5)
    assert suppressed > 20, "the dataset should be full of small counts"
    assert revealed == []


def test_no_suppressed_cell_of_the_sample_can_be_solved_for(tmp_path: Path) -> None:
    shutil.copy(TEMPLATE, tmp_path / "card.toml")
    suppressed, revealed = attack(tmp_path, tmp_path / "card.toml", SAMPLE_DATA, 10)
    assert suppressed > 10
    assert revealed == []


def test_the_attack_finds_what_primary_suppression_alone_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The solver is not blind: with secondary suppression off, it works suppressed counts out."""
    from scorecard_xl.model import suppression

    (tmp_path / "tricky.toml").write_text(tricky_definition(), encoding="utf-8")
    (tmp_path / "data.csv").write_text(tricky_data(1), encoding="utf-8")
    monkeypatch.setattr(suppression, "_protect", lambda *args: None)
    _, revealed = attack(tmp_path, tmp_path / "tricky.toml", tmp_path / "data.csv", 5)
    assert len(revealed) > 5
