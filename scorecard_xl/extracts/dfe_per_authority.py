"""The benchmarking workflow: the DfE's published files -> one tidy data file per local authority,
ready for the `dfe_benchmark` scorecard and for a batch over every authority.

Reading the DfE files once and writing small per-authority files keeps each workbook's data
inspectable (and refreshable: a workbook's Cover names its own file) and the batch fast.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scorecard_xl.atomic import write_atomically
from scorecard_xl.errors import InputError, Problem
from scorecard_xl.extracts.dfe import SN_MODEL_FILE, STANDARD_MEASURES, DfeTable, load_sn_model, read_dfe
from scorecard_xl.inputs.bundled import resolve_template, samples_folder
from scorecard_xl.inputs.definition_reader import load_definition

TEMPLATE = "dfe_benchmark"
AUTHORITIES_FILE = "authorities.csv"
BATCH_FILE = "batch.toml"
WORKBOOKS_FOLDER = "workbooks"

# Written beside the extract, so `scorecard-xl batch FOLDER/batch.toml` works the same from a
# checkout or an installed wheel (paths are relative to the batch file's folder).
BATCH = """\
# Every extracted local authority's benchmarking scorecard, one workbook each, in parallel:
#
#   scorecard-xl batch {folder}/batch.toml
#
# Written by scorecard-xl dfe-extract. Paths are relative to this file's folder.
# authorities.csv has the columns code, organisation, file: one job per row, each a parameter.

[defaults]
template = "dfe_benchmark"
data = "{{file}}"
output_folder = "workbooks"
output = "{{code}}_{{organisation_slug}}.xlsx"

[for_each]
organisation = "authorities.csv"
"""


def bundled_dfe_folder() -> Path:
    return samples_folder() / "dfe_csc"


@dataclass(frozen=True)
class Extracted:
    folder: Path
    authorities: int
    files: int
    gaps: tuple[str, ...]  # "940 sw_caseload: ..." for each measure an authority has no data for


def extract(
    out: str | Path,
    source: str | Path | None = None,
    codes: Sequence[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Extracted:
    """Write `<code>.csv` for each authority (all in the statistical neighbour model by default),
    `authorities.csv` (code, organisation, file: the columns name batch parameters) and `batch.toml`
    (a batch building every authority's workbook into `out/workbooks`) into `out`.
    `progress(done, total, current)` is told as each authority starts (a terminal shows a bar)."""
    folder = Path(source) if source else bundled_dfe_folder()
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise InputError.of(
            str(target),
            "",
            "",
            None,
            "a folder to write the authority files into; this is a file (choose another -o)",
        )
    definition = load_definition(resolve_template(TEMPLATE))
    unknown = [m.id for m in definition.measures if m.id not in STANDARD_MEASURES]
    if unknown:
        raise InputError(
            [
                Problem(
                    definition.source,
                    f"measure {m}",
                    "id",
                    m,
                    "a DfE measure: " + ", ".join(STANDARD_MEASURES),
                )
                for m in unknown
            ]
        )
    model = load_sn_model(folder / SN_MODEL_FILE)
    wanted = list(codes) if codes else sorted(model.neighbours, key=int)
    for code in wanted:
        model.of(code)  # an unknown code is an error naming the nearest ones, before anything is written
    target.mkdir(parents=True, exist_ok=True)
    tables: dict[tuple[str, str, tuple[tuple[str, str], ...]], DfeTable] = {}
    gaps: list[str] = []
    index = io.StringIO()
    listing = csv.writer(index, lineterminator="\n")
    listing.writerow(["code", "organisation", "file"])  # column names are batch parameters
    for done, code in enumerate(wanted):
        if progress is not None:
            progress(done, len(wanted), f"{code} {model.names.get(code, '')}".strip())
        rows = io.StringIO()
        writer = csv.writer(rows, lineterminator="\n")
        writer.writerow(["measure", "series", "period", "value"])
        for measure in definition.measures:
            # One measure at a time: an authority missing from one file still gets the others.
            try:
                records, _ = read_dfe(
                    folder, code, [STANDARD_MEASURES[measure.id]], year_start_month=1, tables=tables
                )
            except InputError as error:
                gaps.append(f"{code} {measure.id}: {error.problems[0].expected}")
                continue
            writer.writerows(
                [r.measure, r.series, r.period, "" if r.value is None else r.value] for r in records
            )
        write_atomically(target / f"{code}.csv", rows.getvalue().encode("utf-8"))
        listing.writerow([code, model.names.get(code, code), f"{code}.csv"])
    write_atomically(target / AUTHORITIES_FILE, index.getvalue().encode("utf-8"))
    write_atomically(target / BATCH_FILE, BATCH.format(folder=target.as_posix()).encode("utf-8"))
    return Extracted(target, len(wanted), len(wanted) + 2, tuple(gaps))
