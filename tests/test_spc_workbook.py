"""SPC in the workbook (Making Data Count): the variation and assurance icons as words beside RAG,
the Summary's matrix, the SPC data sheet and a native Excel chart per measure over it; all brought
up to date by a refresh exactly as a fresh build would show them.

The scorecard here is one NHS trust's A&E activity from the bundled national file (36 months).
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.sequence import build
from scorecard_xl.layout.spc_icons import assurance_word, variation_word
from scorecard_xl.layout.spc_matrix import COLUMNS as MATRIX_COLUMNS
from scorecard_xl.layout.spc_matrix import ROWS as MATRIX_ROWS
from scorecard_xl.model.scorecard import build_scorecard
from scorecard_xl.spc import xmr
from tests.conftest import REPO

NATIONAL = REPO / "samples" / "nhs_ae" / "ae_attendances.csv"
TRUST = "RJ1"
CARD = """\
[scorecard]
id = "ae-test"
version = "1"
title = "Urgent and emergency care"
organisation = "NHS trust RJ1"
months_shown = 6

[scorecard.spc]
chart_periods = 36

[[sections]]
id = "ae"
title = "A&E"

[[measures]]
id = "AEATT"
section = "ae"
title = "A&E attendances, all types"
unit = "count"
polarity = "none"
ytd = "sum"

[[measures]]
id = "AEBREACH"
section = "ae"
title = "Patients in A&E over 4 hours"
unit = "count"
polarity = "low"
ytd = "sum"

[[measures]]
id = "AE4H"
section = "ae"
title = "Patients seen within 4 hours"
unit = "percent"
polarity = "high"
target = 0.95

[[measures]]
id = "NOSPC"
section = "ae"
title = "A measure without SPC"
unit = "count"
polarity = "high"
spc = false
"""


def trust_rows(last: str = "2019-03") -> list[list[str]]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with NATIONAL.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["org_code"] == TRUST and row["period"] <= last:
                totals[row["period"]][0] += int(row["attendances"])
                totals[row["period"]][1] += int(row["breaches"])
    rows = []
    for period, (attendances, breaches) in sorted(totals.items()):
        rows += [
            ["AEATT", "actual", period, str(attendances)],
            ["AEBREACH", "actual", period, str(breaches)],
            ["AE4H", "actual", period, f"{100 * (1 - breaches / attendances):.2f}%"],
            ["NOSPC", "actual", period, "3"],
        ]
    return rows


def made(folder: Path, last: str = "2019-03", name: str = "board.xlsx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "card.toml").write_text(CARD, encoding="utf-8")
    with (folder / "data.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["measure", "series", "period", "value"], *trust_rows(last)])
    build(folder / name, folder / "card.toml", [folder / "data.csv"])
    return folder / name


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made(tmp_path_factory.mktemp("spc"))


def sheet_rows(path: Path, sheet: str) -> list[list[Any]]:
    """A sheet's values as openpyxl, an independent reader, reads them."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def test_the_icons_are_words_beside_rag_as_the_engine_reads_each_measure(book: Path) -> None:
    inputs = load_inputs(book.parent / "card.toml", [book.parent / "data.csv"])
    scorecard = build_scorecard(inputs.definition, inputs.dataset)
    rows = sheet_rows(book, "Scorecard")
    header = next(r for r in rows if r and r[0] == "Ref")
    variation, assurance = header.index("Variation"), header.index("Assurance")
    by_id = {r[0]: r for r in rows if r and r[0] in {"AEATT", "AEBREACH", "AE4H", "NOSPC"}}
    for line in scorecard.rows:
        shown = by_id[line.id]
        assert shown[variation] == variation_word(line.spc), line.id
        assert shown[assurance] == assurance_word(line.spc), line.id
    assert by_id["AE4H"][variation : assurance + 1] == ["Concern ▼", "Fail"]  # below 95%, falling
    assert by_id["NOSPC"][variation : assurance + 1] == [None, None]
    assert scorecard.rows[2].spc is not None
    chart = xmr([p.value for p in scorecard.rows[2].spc.chart.points], improvement="up", target=0.95)
    assert (chart.variation, chart.assurance) == ("concern low", "fail")


def test_the_summary_matrix_lists_each_measure_by_its_icons(book: Path) -> None:
    rows = sheet_rows(book, "Summary")
    top = next(i for i, r in enumerate(rows) if r and r[1] == "Variation")
    assert rows[top][2 : 2 + len(MATRIX_COLUMNS)] == [label for label, _ in MATRIX_COLUMNS]
    cells = {
        (rows[top + 1 + i][1], label): rows[top + 1 + i][2 + j]
        for i in range(len(MATRIX_ROWS))
        for j, (label, _) in enumerate(MATRIX_COLUMNS)
    }
    assert cells[("Concern", "Fail")] == "AE4H"  # the corner a board reads first
    assert cells[("Concern", "No assurance")] == "AEBREACH"  # no target to assure
    assert sum(1 for text in cells.values() if text) == 3  # AEATT too; NOSPC has no chart


def test_the_spc_data_sheet_holds_each_chart_point_by_point(book: Path) -> None:
    inputs = load_inputs(book.parent / "card.toml", [book.parent / "data.csv"])
    line = build_scorecard(inputs.definition, inputs.dataset).rows[2]
    assert line.spc is not None
    rows = [r for r in sheet_rows(book, "SPC data") if r and r[0] == "AE4H"]
    assert len(rows) == 36
    colours = {"blue": 7, "orange": 8, "purple": 9}
    for row, period, point in zip(rows, line.spc.periods, line.spc.chart.points, strict=True):
        assert row[1] == period.label
        assert row[2:7] == pytest.approx([point.value, point.mean, point.upper, point.lower, 0.95])
        for colour, col in colours.items():
            assert row[col] == (point.value if point.colour == colour else None)
    assert sum(1 for r in rows if r[8] is not None) >= 8  # the concerning run since 2018


def test_a_native_chart_per_measure_reads_the_spc_data(book: Path) -> None:
    with zipfile.ZipFile(book) as package:
        charts = sorted(n for n in package.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n))
        assert len(charts) == 3  # AEATT, AEBREACH, AE4H; not NOSPC
        xml = package.read(charts[2]).decode()
        without_target = package.read(charts[1]).decode()  # AEBREACH: lower is better, no target
    series = re.findall(r"<c:ser>.*?</c:ser>", xml, re.S)
    assert len(series) == 8  # value, mean, two limits, target, improving, concern, special
    refs = re.findall(r"<c:f>([^<]+)</c:f>", xml)
    assert "'SPC data'!$C$78:$C$113" in refs  # AE4H is the third measure: 36 rows after 2 x 36
    assert "<c:dispBlanksAs" not in xml  # (xlsxwriter leaves it at Excel's own default: a gap)
    # The legend names the target only where there is one (series 3 is the lower limit, never named).
    deleted = r"<c:legendEntry><c:idx val=\"(\d+)\"/><c:delete val=\"1\"/></c:legendEntry>"
    assert re.findall(deleted, xml) == ["3"]
    assert re.findall(deleted, without_target) == ["3", "4"]
    assert len(re.findall(r"<c:ser>.*?</c:ser>", without_target, re.S)) == 8  # (a refresh may bring one)


def test_each_charts_value_axis_holds_its_figures_and_the_process_fills_it(book: Path) -> None:
    """Excel and LibreOffice start a positive series' axis at 0, pressing the process and its limits
    into the chart's top fifth (a 4-hour standard of 80-95% drawn from 0%); each chart's axis is
    fitted to the figures it draws, its target and limits inside, a percentage never past 100%."""
    inputs = load_inputs(book.parent / "card.toml", [book.parent / "data.csv"])
    lines = [line for line in build_scorecard(inputs.definition, inputs.dataset).rows if line.spc is not None]
    with zipfile.ZipFile(book) as package:
        names = sorted(n for n in package.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n))
        charts = [package.read(name).decode() for name in sorted(names, key=lambda n: int(n[15:-4]))]
    assert len(charts) == len(lines) == 3
    for line, xml in zip(lines, charts, strict=True):
        assert line.spc is not None
        value_axis = re.search(r"<c:valAx>.*?</c:valAx>", xml, re.S)
        assert value_axis is not None
        low = float(re.findall(r'<c:min val="([^"]+)"', value_axis.group())[0])
        high = float(re.findall(r'<c:max val="([^"]+)"', value_axis.group())[0])
        step = float(re.findall(r'<c:majorUnit val="([^"]+)"', value_axis.group())[0])
        points = line.spc.chart.points
        figures = [f for p in points for f in (p.value, p.mean, p.upper, p.lower) if f is not None]
        figures += [line.spc.chart.target] if line.spc.chart.target is not None else []
        assert low <= min(figures) and max(figures) <= high, line.id
        assert (max(figures) - min(figures)) / (high - low) > 0.6, line.id  # the process fills the chart
        assert (high - low) / step == pytest.approx(round((high - low) / step)), line.id  # round gridlines
        if line.measure.unit.name == "percent":
            assert high <= 1.0, line.id


def test_a_value_axis_is_round_above_zero_and_below_a_ceiling() -> None:
    from scorecard_xl.layout.chart_axis import ValueAxis, value_axis

    assert value_axis([14000, 19000, 16500]) == ValueAxis(12000, 20000, 2000)
    assert value_axis([0.80, 0.95, 0.98], ceiling=1.0) == ValueAxis(0.75, 1.0, 0.05)
    assert value_axis([0.80, 0.95, 0.98]) == ValueAxis(0.75, 1.05, 0.05)  # (no ceiling: past 100%)
    assert value_axis([0, 1, 3]) == ValueAxis(0, 4, 1)  # never below 0 when nothing is
    assert value_axis([-0.7, 1, 3]).minimum < -0.7  # a lower limit under 0 stays in view
    assert value_axis([5, 5, None]) is None and value_axis([]) is None  # Excel's own axis
    assert value_axis([float("nan"), 1.0, 2.0]) == value_axis([1.0, 2.0])


def test_a_scorecard_without_spc_has_no_icons_and_no_charts(sample_book: Path) -> None:
    header = next(r for r in sheet_rows(sample_book, "Scorecard") if r and r[0] == "Ref")
    assert "Variation" not in header
    names = openpyxl.load_workbook(sample_book, read_only=True).sheetnames
    assert "SPC" not in names and "SPC data" not in names


def test_refreshed_with_a_new_month_the_spc_cells_equal_a_fresh_build(tmp_path: Path) -> None:
    from scorecard_xl.refresh.without_excel import refresh_file

    february = made(tmp_path / "feb", last="2019-02")
    fresh = made(tmp_path / "fresh")
    (tmp_path / "feb" / "data.csv").write_bytes((tmp_path / "fresh" / "data.csv").read_bytes())
    refresh_file(february, output=tmp_path / "feb" / "march.xlsx")
    for sheet in ("Scorecard", "Summary", "SPC", "SPC data", "A&E"):
        assert sheet_rows(tmp_path / "feb" / "march.xlsx", sheet) == sheet_rows(fresh, sheet), sheet


def _as_written(value: Any) -> Any:
    """A file's number holds 16 significant digits (as xlsxwriter writes it); Excel's cell, the double."""
    return pytest.approx(value, rel=1e-14) if isinstance(value, float) else value


def test_refreshed_in_excel_the_charts_data_is_written_in_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scorecard_xl.refresh.in_excel import refresh_payload
    from tests.excel_payload import apply_actions, as_a_build_says, formula_cells, payload_from_file, value_at

    february = made(tmp_path / "feb", last="2019-02")
    fresh = made(tmp_path / "fresh")
    (tmp_path / "feb" / "data.csv").write_bytes((tmp_path / "fresh" / "data.csv").read_bytes())
    monkeypatch.setenv("SCORECARD_XL_BASE_DIR", str(tmp_path / "feb"))  # (a server has no folder)
    payload = payload_from_file(february)
    result = refresh_payload(payload)
    actions = result["actions"]
    alerts = [a["args"][0] for a in actions if a["func"] == "alert"]
    assert alerts == []  # a refresh that went well says so on the Cover, in no dialog
    applied = as_a_build_says(apply_actions(payload, actions))  # (and asserts the Cover says it)
    want = payload_from_file(fresh)
    formulas = formula_cells(fresh)  # (Excel recalculates them: the subtitles)
    for sheet in ("SPC data", "SPC", "Scorecard", "Summary"):
        got_rows = next(s for s in applied["sheets"] if s["name"] == sheet)["values"]
        for r, row in enumerate(got_rows):
            for c, _ in enumerate(row):
                if (r, c) not in formulas.get(sheet, set()):
                    got, expected = value_at(applied, sheet, r, c), value_at(want, sheet, r, c)
                    assert got == _as_written(expected), (sheet, r, c)


def test_a_refresh_in_excel_says_when_a_charts_figures_outgrow_its_axis(tmp_path: Path) -> None:
    """Excel cannot be told to move a chart's axis: a month far outside the earlier ones would run
    off its chart. The refresh says which charts, and how to fit them again; an ordinary month
    says nothing (the Cover's status tells a refresh that went well)."""
    from scorecard_xl.refresh.in_excel import refresh_payload
    from tests.excel_payload import payload_from_file
    from tests.test_refresh import paste_under_table

    february = made(tmp_path / "feb", last="2019-02")
    march = [r for r in trust_rows() if r[2] == "2019-03"]
    ordinary = payload_from_file(february)
    paste_under_table(ordinary, march)
    assert [a for a in refresh_payload(ordinary)["actions"] if a["func"] == "alert"] == []

    surge = payload_from_file(february)
    paste_under_table(surge, [[m, s, p, str(int(v) * 3) if m == "AEATT" else v] for m, s, p, v in march])
    alerts = [a["args"][0] for a in refresh_payload(surge)["actions"] if a["func"] == "alert"]
    assert len(alerts) == 1 and alerts[0].startswith("Refreshed."), alerts
    assert "SPC charts of AEATT now have figures beyond their value axes" in alerts[0]
    assert "scorecard-xl refresh" in alerts[0]
