"""The DfE statistical neighbour model: each local authority's 10 neighbours, by old_la_code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from scorecard_xl.errors import InputError, Problem
from scorecard_xl.extracts.dfe.tables import column_position, read_csv

SN_MODEL_FILE = "sn_model_2025_wide.csv"


@dataclass(frozen=True)
class StatNeighbours:
    """The DfE statistical neighbour model: each LA's neighbours, closest first."""

    source: str
    sha256: str
    neighbours: Mapping[str, tuple[str, ...]]  # old_la_code -> 10 old_la_codes
    names: Mapping[str, str]  # old_la_code -> LA name

    def of(self, code: str) -> tuple[str, ...]:
        """The neighbours of `code`; InputError if the model does not have it."""
        if code not in self.neighbours:
            raise InputError.of(self.source, "", "old_la_code", code, la_hint(code, self))
        return self.neighbours[code]


def load_sn_model(path: str | Path) -> StatNeighbours:
    """Read sn_model_2025_wide.csv: old_la_code, la_name, then SN_1 .. SN_10 (and closeness SN_nP)."""
    path = Path(path)
    header, body, digest = read_csv(path)
    problems: list[Problem] = []
    code_at = column_position(header, "old_la_code", path.name, "column", problems)
    name_at = column_position(header, "la_name", path.name, "column", problems)
    sn_at = [column_position(header, f"SN_{n}", path.name, "column", problems) for n in range(1, 11)]
    if problems:
        raise InputError(problems)
    assert code_at is not None and name_at is not None
    neighbours: dict[str, tuple[str, ...]] = {}
    names: dict[str, str] = {}
    for line, cells in body:
        if not any(c.strip() for c in cells):
            continue
        code = cells[code_at].strip()
        found = tuple(
            cells[i].strip() for i in sn_at if i is not None and i < len(cells) and cells[i].strip()
        )
        if not code.isdigit() or len(found) != 10 or not all(c.isdigit() for c in found):
            problems.append(
                Problem(
                    path.name, f"line {line}", "SN_1..SN_10", code, "an old_la_code and 10 neighbour codes"
                )
            )
            continue
        neighbours[code] = found
        names[code] = cells[name_at].strip()
    if problems:
        raise InputError(problems)
    return StatNeighbours(path.name, digest, neighbours, names)


# -- the LAIT calculations ------------------------------------------------------------------------


def la_hint(code: str, model: StatNeighbours) -> str:
    successors = {
        "928": "Northamptonshire (928) was replaced in April 2021 by North Northamptonshire (940) and "
        "West Northamptonshire (941)",
        "909": "Cumbria (909) was replaced in April 2023 by Cumberland (942) and "
        "Westmorland and Furness (943)",
        "835": "Dorset (835) was replaced in April 2019 by Dorset (838)",
        "836": "Poole (836) became part of Bournemouth, Christchurch and Poole (839) in April 2019",
        "837": "Bournemouth (837) became part of Bournemouth, Christchurch and Poole (839) in April 2019",
    }
    if code in successors:
        return f"an LA in the statistical neighbour model; {successors[code]}: use one of those codes"
    return "an old_la_code of a current LA in the statistical neighbour model (for example 940)"


# -- reading files --------------------------------------------------------------------------------
