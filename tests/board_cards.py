"""Scorecards made in tests to stress the board pack: 12 months shown, long section names and
measure titles, a quarterly measure, months with no value, and sections of very different lengths.

`stress_card()` gives the definition as TOML text and `stress_data()` its data as CSV text, so the
same card can be built in-process or written to files for the command line and LibreOffice.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scorecard_xl.generate.loading import Inputs, load_inputs

LONG_SECTIONS = (
    ("afd", "Adults' Front Door & Safeguarding"),
    ("fin", "Finance: Budget/Spend [£k] vs. Plan? *provisional*"),
)
LONG_TITLE = (
    "Percentage of children and young people subject to a child protection plan for a second or "
    "subsequent time within two years of the previous plan ending, excluding transfers in"
)
QUARTERLY = "AD01"  # reports in June, September, December and March
GAPPY = "WF01"  # monthly, with nothing for 2022-11 and n/a for 2023-01
GAP_MONTH, TOKEN_MONTH = "2022-11", "2023-01"
MONTHS = [
    f"{year}-{month:02d}" for year, month in [(2021 + (m + 3) // 12, (m + 3) % 12 + 1) for m in range(24)]
]


def stress_card(months_shown: int = 12, paper: str = "A4", workforce: int = 14) -> str:
    """The definition: 12 months on A4 by default (text would print tiny at one page wide)."""
    measures = [
        ("AFD01", "afd", "Contacts to the adults' front door", "count", "none", '"none"'),
        ("AFD02", "afd", "Safeguarding enquiries completed within 28 days", "percent", "high", '"85%"'),
        ("AFD03", "afd", LONG_TITLE, "percent", "low", '"10%"'),
        (
            "FIN01",
            "fin",
            "Spend against plan, year to date [£k], provisional and unaudited",
            "count",
            "none",
            '"none"',
        ),
        (
            "FIN02",
            "fin",
            "Agency social workers as a share of all social workers in post",
            "percent",
            "low",
            '"15%"',
        ),
        (QUARTERLY, "ado", "Children adopted in the quarter", "count", "high", '"none"'),
    ]
    measures += [
        (
            f"WF{n:02d}",
            "wf",
            f"Social workers with more than {n + 14} cases at month end",
            "count",
            "low",
            '"none"',
        )
        for n in range(1, workforce + 1)
    ]
    lines = [
        "[scorecard]",
        'id = "stress"',
        'version = "1"',
        'title = "Board Scorecard"',
        'organisation = "Somewhere County Council"',
        f"months_shown = {months_shown}",
        f'paper = "{paper}"',
        "",
        '[[comparators]]\nid = "sn"\nlabel = "SN"\nname = "Statistical neighbours"\nmethod = "mean"',
        '[[comparators]]\nid = "england"\nlabel = "England"\nname = "England average"',
    ]
    for section_id, title in (*LONG_SECTIONS, ("ado", "Adoption"), ("wf", "Workforce")):
        lines.append(f'[[sections]]\nid = "{section_id}"\ntitle = "{title}"')
    for measure_id, section, title, unit, polarity, target in measures:
        lines.append(
            f'[[measures]]\nid = "{measure_id}"\nsection = "{section}"\ntitle = "{title}"\n'
            f'unit = "{unit}"\npolarity = "{polarity}"\ntarget = {target}\n'
            f'definition = "How {measure_id} is counted: from the case management system, at month end."'
        )
        if measure_id == QUARTERLY:
            lines.append('frequency = "quarterly"\nytd = "sum"')
        elif unit == "percent":
            lines.append('ytd = "latest"')
    return "\n".join(lines) + "\n"


def stress_data(workforce: int = 14) -> str:
    rows = ["measure,series,period,value"]
    for index, month in enumerate(MONTHS):
        wobble = (index * 7) % 11
        rows.append(f"AFD01,actual,{month},{1200 + wobble * 35}")
        rows.append(f"AFD02,actual,{month},{78 + wobble}%")
        rows.append(f"AFD03,actual,{month},{8 + wobble / 2}%")
        rows.append(f"FIN01,actual,{month},{125000 + wobble * 4100}")
        rows.append(f"FIN02,actual,{month},{12 + wobble / 3:.1f}%")
        if int(month[5:]) in (3, 6, 9, 12):
            rows.append(f"{QUARTERLY},actual,{month},{4 + wobble % 5}")
        for n in range(1, workforce + 1):
            if f"WF{n:02d}" == GAPPY and month == GAP_MONTH:
                continue
            value = "n/a" if f"WF{n:02d}" == GAPPY and month == TOKEN_MONTH else str(n + wobble)
            rows.append(f"WF{n:02d},actual,{month},{value}")
    for year in ("2020-21", "2021-22"):
        rows += [f"AFD02,outturn,{year},81%", f"WF01,outturn,{year},5"]
    rows += ["AFD02,sn,2022-23,83.5%", "AFD02,england,2022-23,84.1%", "FIN02,england,2022-23,17.9%"]
    return "\n".join(rows) + "\n"


def write_stress(folder: Path, **card: object) -> tuple[Path, Path]:
    """The stress card's definition and data written to `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    definition, data = folder / "stress.toml", folder / "stress.csv"
    definition.write_text(stress_card(**card), encoding="utf-8")  # type: ignore[arg-type]
    workforce = card.get("workforce", 14)
    data.write_text(stress_data(int(workforce)), encoding="utf-8")  # type: ignore[call-overload]
    return definition, data


def stress_inputs(folder: Path, **card: object) -> Inputs:
    definition, data = write_stress(folder, **card)
    return load_inputs(definition, [data])


FIXED = dt.datetime(2023, 4, 12, 9, 30, tzinfo=dt.timezone.utc)
