"""A scorecard made in tests to tell a month's story with SPC: an NHS trust's integrated performance
report, 24 months of data (April 2021 to March 2023), `spc = true`, judged on the latest month.

The data is written so that March 2023 has a little of everything the first page tells: RAG
changes both ways, new special causes (an improvement, a concern, one with no better direction), a
shift of six points, a target beyond the process limits (a fail and a pass), a measure with too few
points for limits, and commentary on some exceptions. `spc_card()` and `spc_data()` give the text;
`write_spc(folder)` writes both files.
"""

from __future__ import annotations

from pathlib import Path

MONTHS = [f"{2021 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}" for m in range(24)]  # 2021-04 .. 2023-03
NOISE = (0.0, 1.2, -0.8, 0.5, -1.1, 0.9, -0.3, 1.0, -0.6, 0.2, -1.0, 0.7)  # a steady wobble

# (id, title, unit, polarity, target, values oldest first)
MEASURES: list[tuple[str, str, str, str, str, list[float | None]]] = [
    (
        "ED01",
        "Patients seen, treated and admitted or discharged within four hours of arriving at the "
        "emergency department",
        "percent",
        "high",
        '"80%"',
        # a shift: the last six months below the mean, the first of them this month's sixth
        [0.74 + n / 100 for n in (NOISE * 2)[:18]] + [0.72, 0.715, 0.722, 0.718, 0.712, 0.708],
    ),
    (
        "RTT01",
        "Patients waiting less than 18 weeks from referral to treatment",
        "percent",
        "high",
        '"62%"',
        [0.62 + n / 100 for n in (NOISE * 2)[:23]] + [0.585],  # common cause; amber to red this month
    ),
    (
        "CAN01",
        "Cancer patients starting treatment within 62 days of an urgent referral",
        "percent",
        "high",
        '"75%"',
        [0.70 + n / 100 for n in (NOISE * 2)[:23]] + [0.79],  # one point above the upper limit
    ),
    (
        "FAL01",
        "Inpatient falls per 1,000 occupied bed days",
        "average",
        "low",
        "6.5",
        [5.9 + n / 5 for n in (NOISE * 2)[:23]] + [8.4],  # one point above the upper limit: a concern
    ),
    (
        "SIC01",
        "Staff sickness absence rate",
        "percent",
        "low",
        '"6%"',
        [0.045 + n / 1000 for n in (NOISE * 2)[:24]],  # the target above the upper limit: a pass
    ),
    (
        "ATT01",
        "Emergency department attendances",
        "count",
        "none",
        '"none"',
        [9800 + n * 150 for n in (NOISE * 2)[:23]] + [11900],  # unusually high, neither good nor bad
    ),
    (
        "VTE01",
        "Adult inpatients assessed for the risk of venous thromboembolism on admission",
        "percent",
        "high",
        '"95%"',
        [0.955 + n / 400 for n in (NOISE * 2)[:22]] + [0.962, 0.949],  # green to amber this month
    ),
    (
        "DIS01",
        "Patients discharged before noon",
        "percent",
        "high",
        '"33%"',
        [None] * 16 + [0.30, 0.31, 0.29, 0.32, 0.30, 0.31, 0.30, 0.34],  # eight points: no limits yet
    ),
]
COMMENTARY = {
    "ED01": (
        "Four-hour performance has fallen for six months as attendances rose; the urgent treatment "
        "centre opens in May and the trust expects a recovery to 76% by July."
    ),
    "FAL01": "A cluster of falls on two elderly care wards in March; a falls prevention review is under way.",
}


def spc_card(paper: str = "A4") -> str:
    """The definition, as TOML text."""
    lines = [
        "[scorecard]",
        'id = "trust-ipr"',
        'version = "1"',
        'title = "Integrated Performance Report"',
        'organisation = "Somewhere NHS Foundation Trust"',
        'headline = "latest"',
        f'paper = "{paper}"',
        "spc = true",
        '[[sections]]\nid = "care"\ntitle = "Urgent and planned care"',
        '[[sections]]\nid = "people"\ntitle = "Quality and people"',
    ]
    for number, (measure, title, unit, polarity, target, _) in enumerate(MEASURES):
        section = "care" if number < 4 else "people"
        lines.append(
            f'[[measures]]\nid = "{measure}"\nsection = "{section}"\ntitle = "{title}"\nunit = "{unit}"\n'
            f'polarity = "{polarity}"\ntarget = {target}\nytd = "none"'
        )
    return "\n".join(lines) + "\n"


def spc_data() -> str:
    """The data, as CSV text."""
    rows = ["measure,series,period,value"]
    for measure, _, unit, _, _, values in MEASURES:
        for month, value in zip(MONTHS, values, strict=True):
            if value is not None:
                shown = f"{value * 100:.1f}%" if unit == "percent" else f"{value:g}"
                rows.append(f"{measure},actual,{month},{shown}")
    return "\n".join(rows) + "\n"


def write_spc(folder: Path, paper: str = "A4") -> tuple[Path, Path]:
    """The card's definition and data written to `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    definition, data = folder / "trust.toml", folder / "trust.csv"
    definition.write_text(spc_card(paper), encoding="utf-8")
    data.write_text(spc_data(), encoding="utf-8")
    return definition, data
