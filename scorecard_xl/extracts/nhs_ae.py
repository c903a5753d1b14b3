"""NHS England's A&E attendances and emergency admissions (the monthly situation report, one row per
month, provider and department type) as tidy records for one provider, and an extract of every
provider with a major (type 1) A&E department for a batch: the urgent care report a trust board
reads (workbook_templates/nhs_ae.toml).

The national file (samples/nhs_ae/ae_attendances.csv, Open Government Licence) has the columns
period (YYYY-MM), org_code, type (1, 2 or other), attendances, breaches (patients in A&E over four
hours) and admissions (admitted from A&E). A provider's records are its counts by department
type and in all; the percentages (four-hour performance, conversion rate) are the definition's
ratio measures, worked out from these counts, so a year to date is the ratio of the year's sums.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from scorecard_xl.atomic import write_atomically
from scorecard_xl.errors import InputError
from scorecard_xl.inputs.bundled import samples_folder
from scorecard_xl.inputs.input_files import DATA_LIMIT, read_capped

TEMPLATE = "nhs_ae"
COLUMNS = ("period", "org_code", "type", "attendances", "breaches", "admissions")
TYPES = {"1": "T1", "2": "T2", "other": "OTHER"}  # department type -> measure id suffix
PROVIDERS_FILE = "providers.csv"
BATCH_FILE = "batch.toml"

# The measures of workbook_templates/nhs_ae.toml a provider's counts give, by (count, type).
MEASURES = {
    ("attendances", None): "ATT",
    ("attendances", "1"): "ATT_T1",
    ("attendances", "2"): "ATT_T2",
    ("attendances", "other"): "ATT_OTHER",
    ("breaches", None): "BREACH",
    ("breaches", "1"): "BREACH_T1",
    ("admissions", None): "ADM",
    ("admissions", "1"): "ADM_T1",
}

BATCH = """\
# Every extracted provider's urgent care scorecard (NHS A&E), one workbook each, in parallel:
#
#   scorecard-xl batch {folder}/batch.toml
#
# Written by scorecard-xl nhs-ae-extract. Paths are relative to this file's folder.
# providers.csv has the columns code, organisation, file: one job per row, each a parameter.

[defaults]
template = "nhs_ae"
data = "{{file}}"
output_folder = "workbooks"
output = "{{code}}.xlsx"

[for_each]
organisation = "providers.csv"
"""


def bundled_national_file() -> Path:
    return samples_folder() / "nhs_ae" / "ae_attendances.csv"


Counts = dict[str, dict[tuple[str, str | None], int]]  # period -> (count, type or None) -> sum


def read_national(path: str | Path | None = None) -> dict[str, Counts]:
    """Every provider's counts from the national file: org_code -> period -> (count, type) -> sum,
    with None as the type for the provider's total over its departments."""
    source = Path(path) if path else bundled_national_file()
    text = read_capped(source, DATA_LIMIT, "A&E data file").decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError.of(
            source.name, "row 1", "columns", ", ".join(reader.fieldnames or []), ", ".join(COLUMNS)
        )
    providers: dict[str, Counts] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for number, row in enumerate(reader, start=2):
        kind = row["type"].strip().lower()
        if kind not in TYPES:
            raise InputError.of(source.name, f"row {number}", "type", row["type"], "1, 2 or other")
        counts = providers[row["org_code"].strip()][row["period"].strip()]
        for name in ("attendances", "breaches", "admissions"):
            try:
                value = int(row[name])
            except ValueError:
                raise InputError.of(source.name, f"row {number}", name, row[name], "a whole number") from None
            counts[(name, kind)] += value
            counts[(name, None)] += value
    return providers


def provider_rows(counts: Counts) -> Iterator[list[str]]:
    """A provider's tidy rows (measure, series, period, value), month by month."""
    for period in sorted(counts):
        for (name, kind), measure in MEASURES.items():
            if (name, kind) in counts[period]:
                yield [measure, "actual", period, str(counts[period][(name, kind)])]


def with_major_department(providers: dict[str, Counts]) -> list[str]:
    """The providers with a type 1 (major A&E) department in any month: a trust's urgent care."""
    return sorted(
        code for code, months in providers.items() if any(("attendances", "1") in c for c in months.values())
    )


@dataclass(frozen=True)
class Extracted:
    folder: Path
    providers: int


def extract(out: str | Path, source: str | Path | None = None, codes: Sequence[str] = ()) -> Extracted:
    """Write `<code>.csv` for each provider with a type 1 department (or those of `codes`),
    `providers.csv` (code, organisation, file: batch parameters) and `batch.toml` into `out`."""
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise InputError.of(
            str(target), "", "", None, "a folder to write the provider files into (choose another -o)"
        )
    providers = read_national(source)
    wanted = list(codes) or with_major_department(providers)
    unknown = [code for code in wanted if code not in providers]
    if unknown:
        raise InputError.of(
            "arguments",
            "",
            "provider",
            ", ".join(unknown),
            "ODS codes of providers in the A&E file (such as RJ1)",
        )
    target.mkdir(parents=True, exist_ok=True)
    listing = io.StringIO()
    index = csv.writer(listing, lineterminator="\n")
    index.writerow(["code", "organisation", "file"])
    for code in wanted:
        rows = io.StringIO()
        writer = csv.writer(rows, lineterminator="\n")
        writer.writerow(["measure", "series", "period", "value"])
        writer.writerows(provider_rows(providers[code]))
        write_atomically(target / f"{code}.csv", rows.getvalue().encode("utf-8"))
        index.writerow([code, f"NHS provider {code}", f"{code}.csv"])
    write_atomically(target / PROVIDERS_FILE, listing.getvalue().encode("utf-8"))
    write_atomically(target / BATCH_FILE, BATCH.format(folder=target.as_posix()).encode("utf-8"))
    return Extracted(target, len(wanted))
