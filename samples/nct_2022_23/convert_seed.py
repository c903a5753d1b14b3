"""Turn the seed scorecard paste into this sample's tidy data.

The seed is a tab-separated paste of the Northamptonshire Children's Trust 2022/23 board
scorecard for March 2023. This script reads it, applies the corrections named below (each one
is also written to corrections.csv, so a test can replay them on the raw seed) and writes one
data.csv record per non-blank seed cell.

    python samples/nct_2022_23/convert_seed.py [SEED] [--out DIR] [--list]

--list prints the measure ids and titles in seed order instead, to check the TOML against.
Standard library only; Python 3.10+.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DEFAULT_SEED = HERE / "seed.txt"  # an unchanged copy of ../shared/seeds/000_707995515cc2a2f6.txt

# The seed's columns, left to right. Row corrections name a column; field corrections and
# corrections.csv use the names from "Oct" on.
COLUMNS = (
    "section", "measure",
    "Oct", "Nov", "Dec", "Jan", "Feb", "Mar",
    "YTD", "SN", "England", "Target", "20/21", "21/22",
)  # fmt: skip
FIELDS = COLUMNS[2:]
MONTHS = FIELDS[:6]

# Where each seed column goes in the tidy data: (series, period).
SERIES: dict[str, tuple[str, str]] = {
    "Oct": ("actual", "2022-10"),
    "Nov": ("actual", "2022-11"),
    "Dec": ("actual", "2022-12"),
    "Jan": ("actual", "2023-01"),
    "Feb": ("actual", "2023-02"),
    "Mar": ("actual", "2023-03"),
    "YTD": ("ytd", "2023-03"),  # the year to date at the scorecard month
    "SN": ("sn", "2022-23"),
    "England": ("england", "2022-23"),
    "Target": ("target", "2022-23"),
    "20/21": ("outturn", "2020-21"),
    "21/22": ("outturn", "2021-22"),
}

# Seed section name -> (section id in the TOML, measure id prefix).
SECTIONS: dict[str, tuple[str, str]] = {
    "Children and Family Support Services": ("cfss", "CFSS"),
    "Contacts and Referrals": ("referrals", "CR"),
    "Assessments": ("assessments", "AS"),
    "S47's": ("s47", "S47"),
    "CIN": ("cin", "CIN"),
    "Child Protection": ("cp", "CP"),
    "Children in Care": ("cic", "CIC"),
    "Placements": ("placements", "PL"),
    "Adoption": ("adoption", "AD"),
    "Care Leavers": ("leavers", "CL"),
    "Caseloads & Staffing": ("workforce", "WF"),
}


@dataclass(frozen=True)
class Correction:
    """One change from the raw seed to the sample, keyed by the measure's seed title.

    field is a column name from FIELDS (replace seed_value by sample_value), or "row" for a
    change of the row's shape; its sample_value is then an operation on the tab-split cells:
    "insert-blank:<column>" puts an empty cell at that column, "delete:<column>" removes the
    cell there (later cells move left). seed_value is the cell found at that column first.
    """

    title: str
    field: str
    seed_value: str
    sample_value: str
    reason: str


# Quirk 1: three rows lost their (blank) section cell, so every cell sits one column left.
SHIFTED_LEFT = (
    "Percentage of Child Protection Plans closed after two years or more",
    "% of Children in Care with their subsequent review on time",
    "Number of unallocated cases (>48 hours)",
)

# Quirk 2: these Children in Care rows carry an extra blank cell straight after YTD; their last
# cell (after 21/22) holds the 21/22 outturn. The first five CIC rows are not affected.
BLANK_AFTER_YTD = (
    "% of children leaving care due to permanence (Special Guardianship Order, adoption, residence order)",
    "Percentage of eligible Children in Care of statutory school age with PEPs completed by "
    "the end of last term (reported May/September/January)",
    "Percentage of Initial Health Assessments completed within 28 days of becoming looked after.",
    "Percentage of Children in Care with an up to date dental check",
    "Percentage of Children in Care with an up to date health assessment",
    "% of Children in Care with an up to date care plan",
    "% of Children in Care with a visit within the last 6 weeks",
    "% of Children in Care with their 1st review on time",
    "% of Children in Care with their 2nd review on time",
    "% of Children in Care with their subsequent review on time",
)

CASELOAD = "Average caseload per worker (at month end)"
REFERRALS_S47 = "% of Referrals to Section 47"
REFERRALS_ASSESSMENT = "% of Referrals to Assessment Only"
UASC = "Number of Children in Care who are UASC"

PLACEHOLDER = (
    "0% placeholder where no figure exists: a real 0% is implausible beside month values of "
    "{months}; recorded as n/a, not zero"
)


def _corrections() -> list[Correction]:
    """Every correction, in the order they are applied (row shape first, then values)."""
    fixes = [
        Correction(
            title,
            "row",
            title,
            "insert-blank:section",
            "row lost its section cell and sits one column to the left; "
            "an empty section cell is restored (the section carries on from the rows above)",
        )
        for title in SHIFTED_LEFT
    ]
    fixes += [
        Correction(
            title,
            "row",
            "",
            "delete:SN",
            "Children in Care row carries an inserted blank cell after YTD "
            "(its 21/22 outturn sits one column beyond 21/22); the blank is dropped",
        )
        for title in BLANK_AFTER_YTD
    ]
    fixes.append(
        Correction(
            CASELOAD,
            "row",
            "n/a",
            "delete:21/22",
            "five n/a follow the blank YTD and then 11; 11 is read as the 21/22 outturn "
            "(months run 9.2 to 11.3) and the fifth n/a as a stray cell, which is dropped",
        )
    )
    fixes += [
        Correction(REFERRALS_S47, name, "0%", "n/a", PLACEHOLDER.format(months="24.5-28.6%"))
        for name in ("20/21", "21/22")
    ]
    fixes += [
        Correction(REFERRALS_ASSESSMENT, name, "0%", "n/a", PLACEHOLDER.format(months="71.4-75.5%"))
        for name in ("SN", "England", "Target", "20/21", "21/22")
    ]
    fixes.append(
        Correction(
            UASC,
            "20/21",
            "0.0",
            "n/a",
            "placeholder: no unaccompanied children in care at 31 March 2021 is implausible "
            "for an authority with about 1,140 children in care, 66 UASC a year later and "
            "94-105 in 2022/23; read as an unfilled cell, recorded as n/a, not zero",
        )
    )
    return fixes


CORRECTIONS = _corrections()


class SeedError(ValueError):
    """The seed does not look as this script expects (a quirk changed or a new one appeared)."""


@dataclass
class Measure:
    id: str
    section: str
    title: str
    values: dict[str, str] = field(default_factory=dict)  # FIELDS name -> value as written


def _apply_row_fix(cells: list[str], fix: Correction) -> list[str]:
    op, _, column = fix.sample_value.partition(":")
    index = COLUMNS.index(column)
    if cells[index] != fix.seed_value:
        found = cells[index]
        raise SeedError(f"{fix.title!r}: expected {fix.seed_value!r} in {column}, got {found!r}")
    if op == "insert-blank":
        return [*cells[:index], "", *cells[index:]]
    if op == "delete":
        return [*cells[:index], *cells[index + 1 :]]
    raise SeedError(f"unknown row operation {fix.sample_value!r}")


def _seed_rows(lines: Iterable[str]) -> Iterator[list[str]]:
    """Yield the tab-split measure rows: skip the banner above the first header, the header
    rows (their first cell is "Measure") and blank rows."""
    in_table = False
    for line in lines:
        cells = [cell.strip() for cell in line.rstrip("\r\n").split("\t")]
        if cells[0] == "Measure":
            in_table = True
        elif in_table and any(cells):
            yield cells


def read_seed(text: str) -> list[Measure]:
    """Parse the seed text into measures with corrections applied, in seed order."""
    unused = list(CORRECTIONS)
    measures: list[Measure] = []
    counters: dict[str, int] = {}
    section = ""
    for raw in _seed_rows(text.splitlines()):
        title = raw[0] if raw[0] in SHIFTED_LEFT else raw[1]
        fixes = [fix for fix in CORRECTIONS if fix.title == title]
        cells = raw
        for fix in (f for f in fixes if f.field == "row"):
            cells = _apply_row_fix(cells, fix)
        # Every line ends in a tab, so trailing empty cells are expected; values are not.
        extra = [cell for cell in cells[len(COLUMNS) :] if cell]
        if extra:
            raise SeedError(f"{title!r}: unexpected cells after 21/22: {extra}")
        cells = (cells + [""] * len(COLUMNS))[: len(COLUMNS)]
        if cells[0]:
            if cells[0] not in SECTIONS:
                raise SeedError(f"unknown section {cells[0]!r}")
            section = cells[0]
        if not section:
            raise SeedError(f"{title!r} comes before any section")
        section_id, prefix = SECTIONS[section]
        counters[prefix] = counters.get(prefix, 0) + 1
        values = dict(zip(FIELDS, cells[2:], strict=True))
        for fix in (f for f in fixes if f.field != "row"):
            if values[fix.field] != fix.seed_value:
                raise SeedError(
                    f"{title!r}: expected {fix.seed_value!r} in {fix.field}, got {values[fix.field]!r}"
                )
            values[fix.field] = fix.sample_value
        for fix in fixes:
            unused.remove(fix)
        measures.append(Measure(f"{prefix}{counters[prefix]:02d}", section_id, title, values))
    if unused:
        raise SeedError(f"corrections not matched in the seed: {[f.title for f in unused]}")
    return measures


def month_decimals(measure: Measure) -> int:
    """The most decimal places among the measure's numeric month values (0 if none)."""
    places = [
        len(match.group(1))
        for name in MONTHS
        if (match := re.fullmatch(r"-?\d+(?:\.(\d*))?%?", measure.values[name].replace(",", "")))
        and match.group(1)
    ]
    return max(places, default=0)


def write_data(measures: list[Measure], path: Path) -> int:
    """One record per non-blank cell; blank seed cells are absent records, not values."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["measure", "series", "period", "value"])
        for measure in measures:
            for name in FIELDS:
                value = measure.values[name]
                if value:
                    writer.writerow([measure.id, *SERIES[name], value])
                    count += 1
    return count


def write_corrections(measures: list[Measure], path: Path) -> None:
    ids = {measure.title: measure.id for measure in measures}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["measure", "field", "seed_value", "sample_value", "reason"])
        for fix in sorted(CORRECTIONS, key=lambda f: list(ids).index(f.title)):
            row = [ids[fix.title], fix.field, fix.seed_value, fix.sample_value, fix.reason]
            writer.writerow(row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", nargs="?", type=Path, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=HERE, help="folder for data.csv etc.")
    parser.add_argument("--list", action="store_true", help="print ids and titles, write nothing")
    args = parser.parse_args(argv)
    try:
        measures = read_seed(args.seed.read_text(encoding="utf-8"))
    except (OSError, SeedError) as error:
        print(f"convert_seed: {error}", file=sys.stderr)
        return 1
    if args.list:
        for measure in measures:
            print(f"{measure.id}\t{measure.section}\t{month_decimals(measure)}\t{measure.title}")
        return 0
    records = write_data(measures, args.out / "data.csv")
    write_corrections(measures, args.out / "corrections.csv")
    print(f"{len(measures)} measures, {records} records, {len(CORRECTIONS)} corrections")
    return 0


if __name__ == "__main__":
    sys.exit(main())
