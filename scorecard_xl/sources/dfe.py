"""DfE published statistics for English local authorities, with LAIT-style benchmarks.

Reads the Explore Education Statistics layout (the files in `shared/data/dfe-csc/`): wide CSV
files with one row per `time_period` x `geographic_level` (National, Regional, Local authority) x
category, the area in `old_la_code`, `new_la_code`, `la_name`, `region_code`, `region_name`, and
one column per figure. Values are numbers or the GOV.UK symbols `c` (suppressed), `x` (not
available), `z` (not applicable), `u` (low reliability) and `low` (rounds to zero): symbols are
kept as lower-case text, matched case-insensitively, never read as 0, and left out of every mean,
quartile and rank.

Three layers, each usable on its own:

- `load_dfe_table(path, column, filters)`: one value column of one file (rows filtered on category
  columns such as `population_type`) as a table per area and year; `derived_rate` divides two
  tables (the children in need rate per 10,000, which the files do not publish).
- `load_sn_model(path)`: the DfE statistical neighbour model, 10 neighbours per `old_la_code`.
- `benchmark(...)` and its parts (`quantile_type7`, `quartile_band`, `rank_min`,
  `neighbour_value`): the Local Authority Interactive Tool's method, below.
- `read_dfe(folder, la_code, measures)`: for one LA and a list of `DfeMeasure` specs, tidy
  `RawRecord`s behind the same interface as `read_tidy_file`, plus a `SourceInfo` hashing every
  file read.

The LAIT method (dfe-analytical-services/local-authority-interactive-tool, R/fn_analysis.R and
R/lait_modules/mod_la_lvl_table.R, read at commits 9135ada and 1934abf):

- Quartile bands: `quantile(values, na.rm = TRUE)` (R's default, type 7) over every local
  authority's value for the latest year of the measure; `calculate_quartile_band` then gives, for
  polarity Low, A = [Q0, Q25], B = (Q25, Q50], C = (Q50, Q75], D = (Q75, Q100]; for polarity High,
  D = [Q0, Q25], C = (Q25, Q50], B = (Q50, Q75], A = (Q75, Q100]. So A is always the best quarter
  and a value exactly on a quartile falls in the band BELOW it (numerically): on Q25 it is A for
  Low but D for High; on Q75 it is C for Low but B for High. LAIT's own tests
  (tests/testthat/test-fn_analysis.R) check 25 -> A, 50 -> B, 75 -> C for Low with bands 0/25/50/
  75/100. No band where polarity is "-" (LAIT shows "-").
- Rank: `rank(values_num, ties.method = "min")`, of `-values_num` for High, over every LA's value
  for the latest year; an LA without a number has no rank and does not move anyone else's. So
  rank = 1 + the number of LAs strictly better; tied LAs share the best rank. No rank where
  polarity is "-".
- Statistical neighbours: `mean(values_num, na.rm = TRUE)` of the LA's 10 neighbours in the
  model, for each year: a suppressed or missing neighbour is left out, not counted as 0. This
  module also offers the median (`sn_method="median"`, as the DfE's CSC outcomes dashboard).
- Region: the Regional row of the LA's region; for a London borough the Inner or Outer London row,
  falling back to London when the Inner/Outer row has no number in any year (`clean_ldn_region`).
  England is the National row.

R's type 7 quantile is implemented here without numpy, as in R's `stats::quantile`: with the n
values sorted, index = 1 + (n - 1) p, lo = floor(index), hi = ceiling(index), q = x[lo], and where
index > lo and x[hi] != x[lo], q = (1 - h) x[lo] + h x[hi] with h = index - lo (the same floating
point expression, so a value on a boundary compares exactly as in LAIT).

Local authorities that changed: Northamptonshire (928) was replaced on 1 April 2021 by North (940)
and West (941) Northamptonshire; Cumbria (909) by Cumberland (942) and Westmorland and Furness (943)
in 2023; Bournemouth, Poole and Dorset (835-837) by Dorset (838) and BCP (839) in 2019. A code has
values only for the years it existed (928's last children in need year is 2021; some files carry
rows for 928 and 909 in later years with the symbols x/z, which count as missing). Nothing is
carried across from a predecessor: the old county is a different area with different
denominators. The workforce file (csww) publishes some LAs jointly (`940 / 941`, `314 / 318`):
that row is each member's value, and it counts once in the quartiles and ranks, as published.

Years. A DfE `time_period` of 2025 (children's social care, at or to 31 March 2025) becomes the
reporting year that contains the date the figure describes: with years starting in April, the
year to 31 March 2025 is "2024-25". The workforce census is at 30 September (the LAIT dictionary
says "Annual (end of Sept)"), so its measures set `period_end_month = 9` and its 2025 becomes
"2025-26", the year in which that snapshot was taken. A six-digit time_period (202425) is the
year ending in 2025.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scorecard_xl.errors import InputError, Problem
from scorecard_xl.periods import ReportingYear
from scorecard_xl.sources import RawRecord, SourceInfo

SYMBOLS = ("c", "x", "z", "u", "low")
NATIONAL = "National"
REGIONAL = "Regional"
LOCAL_AUTHORITY = "Local authority"
LEVELS = (NATIONAL, REGIONAL, LOCAL_AUTHORITY)
LONDON = "E12000007"
INNER_OUTER_LONDON = ("E13000001", "E13000002")
POLARITIES = ("high", "low", "none")
UNITS = ("count", "percent", "rate_per_10k", "days", "weeks", "average")
SN_METHODS = ("mean", "median")
LA_VALUE_AS = ("actual", "actual_month", "outturn")
SN_MODEL_FILE = "sn_model_2025_wide.csv"
_GEOGRAPHY = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)

Cell = float | str | None
"""A published value: a number, a symbol (lower case, one of SYMBOLS) or None for an empty cell."""


# -- one value column of one file -----------------------------------------------------------------


@dataclass(frozen=True)
class DfeRow:
    """One area's value for one year."""

    year: int  # the time_period's (end) year: 2025 for 2025 or 202425
    level: str  # National, Regional or Local authority
    la_codes: tuple[str, ...]  # old_la_code, split: ("940", "941") for a joint row; () above LA level
    la_name: str
    region_code: str
    region_name: str
    value: Cell
    line: int  # line in the file (the header is line 1)

    @property
    def area(self) -> str:
        """A key unique within one year: "National", the region code, or the LA code(s)."""
        if self.level == NATIONAL:
            return NATIONAL
        if self.level == REGIONAL:
            return self.region_code
        return " / ".join(self.la_codes)


@dataclass(frozen=True)
class DfeTable:
    """One value column of one DfE file, filtered to one category, by area and year."""

    source: str  # file name(s), for messages
    column: str
    filters: tuple[tuple[str, str], ...]
    rows: tuple[DfeRow, ...]
    files: tuple[tuple[str, str], ...]  # (file name, sha256 of its bytes) for every file behind it
    _index: dict[tuple[int, str, str], DfeRow] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for row in self.rows:
            self._index[(row.year, row.level, row.area)] = row
            if row.level == LOCAL_AUTHORITY and len(row.la_codes) > 1:
                for code in row.la_codes:
                    self._index.setdefault((row.year, row.level, code), row)

    def years(self) -> list[int]:
        return sorted({r.year for r in self.rows})

    def latest_year(self) -> int | None:
        """The latest year with at least one local authority number (LAIT's latest year)."""
        years = [r.year for r in self.rows if r.level == LOCAL_AUTHORITY and isinstance(r.value, float)]
        return max(years) if years else None

    def la(self, code: str, year: int) -> DfeRow | None:
        """The row holding LA `code` (an old_la_code) in `year`, a joint row included."""
        return self._index.get((year, LOCAL_AUTHORITY, code))

    def national(self, year: int) -> Cell:
        row = self._index.get((year, NATIONAL, NATIONAL))
        return row.value if row else None

    def regional(self, region_code: str, year: int) -> Cell:
        row = self._index.get((year, REGIONAL, region_code))
        return row.value if row else None

    def la_rows(self, year: int) -> list[DfeRow]:
        """Every LA row of `year` (a joint row once)."""
        return [r for r in self.rows if r.year == year and r.level == LOCAL_AUTHORITY]

    def la_years(self, code: str) -> list[int]:
        return [y for y in self.years() if self.la(code, y) is not None]


def load_dfe_table(
    path: str | Path, column: str, filters: Mapping[str, str] | Iterable[tuple[str, str]] = ()
) -> DfeTable:
    """Read `column` of a DfE CSV file, keeping the rows whose category columns match `filters`.

    Filters match case-insensitively after trimming spaces. Raise InputError naming the file, the
    column and what would be accepted: for a missing column, a filter value found nowhere, a cell
    that is neither a number nor a symbol, or rows left ambiguous because a category column was
    not filtered (for example cla_number_and_rate_per_10k_children.csv without population_type).
    """
    path = Path(path)
    header, body, digest = _read_csv(path)
    name = path.name
    wanted = tuple(
        (str(k), str(v)) for k, v in (filters.items() if isinstance(filters, Mapping) else filters)
    )
    problems: list[Problem] = []
    position = _column_position(header, column, name, "value column", problems)
    for needed in ("time_period", "geographic_level"):
        _column_position(header, needed, name, "column", problems)
    filter_at = [(_column_position(header, k, name, "filter column", problems), k, v) for k, v in wanted]
    if problems:
        raise InputError(problems)
    at = {h: i for i, h in enumerate(header)}
    rows: list[DfeRow] = []
    seen: dict[tuple[int, str, str], tuple[int, list[str]]] = {}
    matched = [False] * len(filter_at)
    for line, cells in body:

        def cell(header_name: str, cells: list[str] = cells) -> str:
            index = at.get(header_name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        level = cell("geographic_level")
        if level not in LEVELS:
            continue
        keep = True
        for number, (index, _, wanted_value) in enumerate(filter_at):
            if index is not None and _same(cells[index] if index < len(cells) else "", wanted_value):
                matched[number] = True
            else:
                keep = False
        if not keep:
            continue
        year = _year(cell("time_period"), name, line, problems)
        raw = cells[position] if position is not None and position < len(cells) else ""
        value = _cell_value(raw, name, line, column, problems)
        if year is None:
            continue
        codes = tuple(c.strip() for c in cell("old_la_code").split("/") if c.strip())
        row = DfeRow(
            year, level, codes, cell("la_name"), cell("region_code"), cell("region_name"), value, line
        )
        key = (row.year, row.level, row.area)
        if key in seen:
            problems.append(_ambiguous(name, line, seen[key], cells, header, column, wanted))
            continue
        seen[key] = (line, cells)
        rows.append(row)
    for number, (_, filter_column, wanted_value) in enumerate(filter_at):
        if not matched[number]:
            problems.append(_filter_problem(name, header, body, filter_column, wanted_value))
    if problems:
        raise InputError(problems)
    return DfeTable(name, column, wanted, tuple(rows), ((name, digest),))


def derived_rate(
    numerator: DfeTable, denominator: DfeTable, per: float = 10_000, year_offset: int = -1
) -> DfeTable:
    """numerator / denominator x `per`, area by area; the denominator from year + `year_offset`.

    The children in need rate per 10,000 is not published in b1: it is the number of children in
    need at 31 March (At31_episodes) per 10,000 children aged 0 to 17 in the ONS mid-year estimate
    of the previous year (year_offset = -1), the base the DfE uses for its published rates: its
    children looked after rate for 31 March 2025 divides by the mid-2024 estimate (the
    population_estimate column of cla_number_and_rate_per_10k_children.csv equals the ONS file's
    2024 figure for every LA). A symbol in either part carries through (the numerator's first); a
    zero or missing denominator gives "x".
    """
    index = {(r.year, r.level, r.area): r for r in denominator.rows}
    rows: list[DfeRow] = []
    for row in numerator.rows:
        base = index.get((row.year + year_offset, row.level, row.area))
        value: Cell
        if isinstance(row.value, str) or row.value is None:
            value = row.value
        elif base is None or base.value is None:
            value = "x"
        elif isinstance(base.value, str):
            value = base.value
        elif base.value == 0:
            value = "x"
        else:
            value = row.value / base.value * per
        rows.append(
            DfeRow(
                row.year,
                row.level,
                row.la_codes,
                row.la_name,
                row.region_code,
                row.region_name,
                value,
                row.line,
            )
        )
    source = f"{numerator.source} / {denominator.source}"
    column = f"{numerator.column} per {per:g} {denominator.column}"
    return DfeTable(source, column, numerator.filters, tuple(rows), numerator.files + denominator.files)


# -- statistical neighbours -----------------------------------------------------------------------


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
            raise InputError.of(self.source, "", "old_la_code", code, _la_hint(code, self))
        return self.neighbours[code]


def load_sn_model(path: str | Path) -> StatNeighbours:
    """Read sn_model_2025_wide.csv: old_la_code, la_name, then SN_1 .. SN_10 (and closeness SN_nP)."""
    path = Path(path)
    header, body, digest = _read_csv(path)
    problems: list[Problem] = []
    code_at = _column_position(header, "old_la_code", path.name, "column", problems)
    name_at = _column_position(header, "la_name", path.name, "column", problems)
    sn_at = [_column_position(header, f"SN_{n}", path.name, "column", problems) for n in range(1, 11)]
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


def quantile_type7(values: Sequence[float], p: float) -> float:
    """R's default sample quantile (type 7) of `values` at probability `p`, 0 <= p <= 1."""
    if not values:
        raise ValueError("no values")
    if not 0 <= p <= 1:
        raise ValueError("p must be between 0 and 1")
    x = sorted(values)
    index = 1 + (len(x) - 1) * p
    lo = math.floor(index)
    hi = math.ceil(index)
    q = x[lo - 1]
    if index > lo and x[hi - 1] != q:
        h = index - lo
        q = (1 - h) * q + h * x[hi - 1]
    return q


def quartiles(values: Sequence[float]) -> tuple[float, float, float, float, float]:
    """The 0%, 25%, 50%, 75% and 100% type 7 quantiles (R's `quantile(x)`)."""
    q0, q1, q2, q3, q4 = (quantile_type7(values, p) for p in (0, 0.25, 0.5, 0.75, 1))
    return q0, q1, q2, q3, q4


def quartile_band(value: float, bounds: Sequence[float], polarity: str) -> str | None:
    """LAIT's quartile band A (best) to D for `value`; None when polarity is none.

    `bounds` are the five quartiles. Intervals are closed above ((Q25, Q50] and so on; the first
    is [Q0, Q25]); A is the lowest quarter for polarity low and the highest for high. A value
    outside [Q0, Q100] (not one of the values the bounds came from) raises ValueError, where LAIT
    shows "Error".
    """
    polarity = _polarity(polarity)
    if polarity == "none":
        return None
    q0, q1, q2, q3, q4 = bounds
    if not q0 <= value <= q4:
        raise ValueError(f"{value!r} is outside the quartiles {q0!r}..{q4!r}")
    quarter = 0 if value <= q1 else 1 if value <= q2 else 2 if value <= q3 else 3
    return "ABCD"[quarter] if polarity == "low" else "DCBA"[quarter]


def rank_min(value: float, values: Sequence[float], polarity: str) -> int | None:
    """Rank of `value` among `values` (which include it), 1 = best; ties take the best rank.

    R's `rank(ties.method = "min")` of the values (low) or of their negatives (high). None when
    polarity is none.
    """
    polarity = _polarity(polarity)
    if polarity == "none":
        return None
    better = sum(1 for v in values if (v < value if polarity == "low" else v > value))
    return better + 1


def neighbour_value(values: Iterable[Cell], method: str = "mean") -> float | None:
    """The mean (LAIT) or median of the neighbours' numbers; symbols and blanks are left out."""
    numbers = [v for v in values if isinstance(v, float)]
    if not numbers:
        return None
    if method == "mean":
        return math.fsum(numbers) / len(numbers)
    if method == "median":
        return quantile_type7(numbers, 0.5)
    raise ValueError(f"sn method must be one of {', '.join(SN_METHODS)}, not {method!r}")


@dataclass(frozen=True)
class Benchmark:
    """An LA's value for one year beside its comparators; band and rank for the latest year only."""

    year: int
    value: Cell  # the LA's own value (None: no row for the LA this year)
    sn: Cell  # neighbours' mean or median; "x" when no neighbour has a number
    sn_count: int  # neighbours with a number
    region: Cell
    region_code: str
    england: Cell
    band: str | None = None  # A-D; None for polarity none, other years, or no number
    rank: int | None = None  # 1 = best
    rank_of: int | None = None  # LAs ranked (those with a number)
    quartiles: tuple[float, float, float, float, float] | None = None


def benchmark(
    table: DfeTable,
    la_code: str,
    sn_model: StatNeighbours,
    polarity: str,
    year: int | None = None,
    sn_method: str = "mean",
) -> Benchmark:
    """LA `la_code`'s value in `year` (default: the table's latest) with SN, region and England,
    and, for the latest year, its LAIT quartile band and rank."""
    polarity = _polarity(polarity)
    latest = table.latest_year()
    year = latest if year is None else year
    if year is None:
        raise InputError.of(table.source, "", table.column, None, "at least one LA with a number")
    row = table.la(la_code, year)
    value = row.value if row else None
    neighbours = [table.la(code, year) for code in sn_model.of(la_code)]
    neighbour_values = [n.value for n in neighbours if n is not None]
    sn = neighbour_value(neighbour_values, sn_method)
    region_code = _region_code(table, la_code, row)
    band = rank = rank_of = None
    bounds = None
    if year == latest and polarity != "none":
        numbers = [r.value for r in table.la_rows(year) if isinstance(r.value, float)]
        bounds = quartiles(numbers)
        if isinstance(value, float):
            band = quartile_band(value, bounds, polarity)
            rank = rank_min(value, numbers, polarity)
            rank_of = len(numbers)
    return Benchmark(
        year=year,
        value=value,
        sn="x" if sn is None else sn,
        sn_count=sum(1 for v in neighbour_values if isinstance(v, float)),
        region=table.regional(region_code, year) if region_code else None,
        region_code=region_code,
        england=table.national(year),
        band=band,
        rank=rank,
        rank_of=rank_of,
        quartiles=bounds,
    )


def _region_code(table: DfeTable, la_code: str, row: DfeRow | None) -> str:
    """The LA's region; London's Inner/Outer row unless it has no number in any year (LAIT)."""
    code = row.region_code if row else ""
    if not code:
        for year in reversed(table.la_years(la_code)):
            found = table.la(la_code, year)
            if found and found.region_code:
                code = found.region_code
                break
    if code in INNER_OUTER_LONDON and not any(
        isinstance(table.regional(code, y), float) for y in table.years()
    ):
        return LONDON
    return code


# -- measure specs and the reader -----------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A rate computed from two files: numerator (the spec's file and column) per `per` of this."""

    file: str
    column: str
    filters: tuple[tuple[str, str], ...] = ()
    per: float = 10_000
    year_offset: int = -1  # the denominator's time_period relative to the numerator's


@dataclass(frozen=True)
class DfeMeasure:
    """Where one scorecard measure's DfE figure is, and how to judge it."""

    measure: str  # the scorecard's measure id
    file: str  # file name within the data folder
    column: str  # value column
    filters: tuple[tuple[str, str], ...] = ()  # (category column, value) pairs
    polarity: str = "none"  # high | low | none, from the LAIT dictionary
    unit: str = "percent"  # a scorecard unit; percent values are published as points (22.6 = 22.6%)
    period_end_month: int = 3  # month the time_period ends in: 3 = 31 March; 9 = 30 September (csww)
    rate: Rate | None = None  # compute the value as a rate instead of reading it
    lait_measure: str = ""  # the LAIT dictionary measure the polarity comes from

    def renamed(self, measure: str) -> DfeMeasure:
        """The same spec for another scorecard measure id."""
        return DfeMeasure(
            measure,
            self.file,
            self.column,
            self.filters,
            self.polarity,
            self.unit,
            self.period_end_month,
            self.rate,
            self.lait_measure,
        )


CLA_31_MARCH = (("population_type", "Children looked after on 31 March each year"),)
_CLA_ON_31_MARCH = (
    ("cla_group", "CLA on 31 March"),
    ("placement_stability", "With 3 or more placements during the year"),
)
_LONG_TERM = (
    (
        "cla_group",
        "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years",
    ),
    ("placement_stability", "Living with the same carer for at least 2 years"),
)
_CSWW = "csww_indicators_2017_to_2025.csv"

STANDARD_MEASURES: dict[str, DfeMeasure] = {
    m.measure: m
    for m in (
        DfeMeasure(
            "rereferrals_pct",
            "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
            "rereferral_percent",
            polarity="low",
            lait_measure="Percentage of re-referrals to children's social care within 12 months",
        ),
        DfeMeasure(
            "cin_rate_per_10k",
            "b1_children_in_need_2013_to_2025.csv",
            "At31_episodes",
            polarity="none",
            unit="rate_per_10k",
            rate=Rate("ons_mid-year_population_estimates_2012_to_2024.csv", "population_estimate"),
            lait_measure="Children in Need rate per 10,000",
        ),
        DfeMeasure(
            "cpp_subsequent_pct",
            "d3_cpps_subsequent_plan_2013_to_2025.csv",
            "CPP_subsequent_percent",
            polarity="low",
            lait_measure="Percentage of children who became the subject of a plan for a second or "
            "subsequent time",
        ),
        DfeMeasure(
            "cpp_2_years_plus_pct",
            "d5_cpps_at31march_by_duration_2013_to_2025.csv",
            "2_years_or_more_percent",
            polarity="low",
            lait_measure="Child Protection Plans lasting 2 years or more as at 31 March",
        ),
        DfeMeasure(
            "cla_rate_per_10k",
            "cla_number_and_rate_per_10k_children.csv",
            "rate_per_10000",
            CLA_31_MARCH,
            polarity="none",
            unit="rate_per_10k",
            lait_measure="Children looked after rate per 10,000",
        ),
        DfeMeasure(
            "cla_3_plus_placements_pct",
            "la_cla_placement_stability.csv",
            "children_percent",
            _CLA_ON_31_MARCH,
            polarity="low",
            lait_measure="Placement 1 - % CLA with three or more placements",
        ),
        DfeMeasure(
            "cla_same_carer_2_years_pct",
            "la_cla_placement_stability.csv",
            "children_percent",
            _LONG_TERM,
            polarity="high",
            lait_measure="Long Term Placement Stability (%)",
        ),
        DfeMeasure(
            "sw_turnover_pct",
            _CSWW,
            "turnover_rate_fte",
            polarity="low",
            period_end_month=9,
            lait_measure="Percentage rate of social worker turnover",
        ),
        DfeMeasure(
            "sw_agency_pct",
            _CSWW,
            "agency_rate_fte",
            polarity="low",
            period_end_month=9,
            lait_measure="Percentage of agency social workers",
        ),
        DfeMeasure(
            "sw_vacancy_pct",
            _CSWW,
            "vacancy_rate_fte",
            polarity="low",
            period_end_month=9,
            lait_measure="Percentage of social worker vacancies",
        ),
        DfeMeasure(
            "sw_caseload",
            _CSWW,
            "caseload_fte",
            polarity="low",
            unit="average",
            period_end_month=9,
            lait_measure="Average number of cases per children and family social worker "
            "(based on FTE counts)",
        ),
    )
}
"""The measures behind the seed scorecard's DfE comparisons, keyed by a descriptive id; use
`STANDARD_MEASURES["rereferrals_pct"].renamed("CR09")` to give one a scorecard's measure id."""


def reporting_year(time_period: int, period_end_month: int = 3, year_start_month: int = 4) -> ReportingYear:
    """The reporting year containing the end of a DfE period: 2025 (to 31 March) -> 2024-25."""
    start = time_period if period_end_month >= year_start_month else time_period - 1
    return ReportingYear(start, year_start_month)


def read_dfe(
    folder: str | Path,
    la_code: str,
    measures: Sequence[DfeMeasure],
    *,
    sn_model: str | Path = SN_MODEL_FILE,
    sn_method: str = "mean",
    year_start_month: int = 4,
    la_value_as: str = "actual",
    comparators: Sequence[str] = ("sn", "region", "england"),
    benchmarks: bool = True,
    rank_style: str = "text",
    tables: dict[tuple[str, str, tuple[tuple[str, str], ...]], DfeTable] | None = None,
) -> tuple[list[RawRecord], SourceInfo]:
    """Tidy records for LA `la_code` (an old_la_code such as "940") and each measure.

    Pass the same `tables` dict to calls for many LAs and each file is read once.

    Per measure and per year in which the LA has a row:

    - the LA's value, by `la_value_as`: series `actual` with the reporting year as period
      ("2024-25"), series `actual` with the month the DfE period ends ("2025-03", for a scorecard
      that holds annual measures as actuals in their reporting month), or series `outturn` with
      the reporting year (for a monthly scorecard that shows the published year as outturn);
    - the comparators named in `comparators`, each with the reporting year as period: `sn` (mean
      or median of the statistical neighbours, `sn_method`), `region` and `england`;
    - when `benchmarks` and the measure has a polarity, for the latest year only (as LAIT): series
      `band`, text "A" to "D" (A = the best quarter), and series `rank`. With `rank_style="text"`
      (the default) the rank is one text value "125 of 153" (1 = best; "of" counts the LAs with a
      number that year), because a reader needs both numbers and a benchmark column of the
      definition (`[[benchmarks]]`, kind "quartile" for the band, "text" for the rank) shows text
      as written. With `rank_style="number"` it is the whole number 125 in `rank` and 153 in a
      third series `rank_of`, for sorting or charting. Where the LA's own value is a symbol, the
      band and rank are that symbol. Their period is the same as the LA value's: the reporting
      year for `la_value_as="actual"` (an annual scorecard), else the month the DfE period ends,
      since a monthly scorecard's benchmark columns are keyed by month.

    Values: numbers as published; a percent measure's value is written as text with a % sign
    ("22.6%"), which `scorecard_xl.values.parse_value` reads as 0.226 whatever the definition's
    percent_input; symbols as lower-case text. Means are rounded to 10 decimal places only to
    drop float noise (20.840000000000003).

    SourceInfo: kind "dfe", the folder as location, and the SHA-256 of the sorted list of
    (file name, SHA-256 of its bytes) for every file read, the SN model included.

    Raise InputError when the LA is not in the SN model or has no row in any measure's file, for
    an unknown option, and for any problem reading a file.
    """
    folder = Path(folder)
    _check_options(la_code, measures, sn_method, year_start_month, la_value_as, comparators, rank_style)
    sn_path = Path(sn_model) if Path(sn_model).is_absolute() else folder / sn_model
    model = load_sn_model(_existing(sn_path))
    model.of(la_code)  # an LA outside the model is an error before any file is read
    cache = tables if tables is not None else {}

    def table(file: str, column: str, filters: tuple[tuple[str, str], ...]) -> DfeTable:
        key = (file, column, filters)
        if key not in cache:
            cache[key] = load_dfe_table(_existing(folder / file), column, filters)
        return cache[key]

    records: list[RawRecord] = []
    files: dict[str, str] = {model.source: model.sha256}
    problems: list[Problem] = []
    for spec in measures:
        data = table(spec.file, spec.column, spec.filters)
        if spec.rate is not None:
            data = derived_rate(
                data,
                table(spec.rate.file, spec.rate.column, spec.rate.filters),
                spec.rate.per,
                spec.rate.year_offset,
            )
        files.update(dict(data.files))
        years = data.la_years(la_code)
        if not years:
            problems.append(
                Problem(
                    data.source, f"measure {spec.measure}", "old_la_code", la_code, _la_hint(la_code, model)
                )
            )
            continue
        records.extend(
            _measure_records(
                data,
                spec,
                la_code,
                model,
                years,
                sn_method,
                year_start_month,
                la_value_as,
                comparators,
                benchmarks,
                rank_style,
            )
        )
    if problems:
        raise InputError(problems)
    digest = hashlib.sha256(
        "".join(f"{name}\t{sha}\n" for name, sha in sorted(files.items())).encode("utf-8")
    ).hexdigest()
    return records, SourceInfo("dfe", str(folder), digest)


def _measure_records(
    data: DfeTable,
    spec: DfeMeasure,
    la_code: str,
    model: StatNeighbours,
    years: list[int],
    sn_method: str,
    year_start_month: int,
    la_value_as: str,
    comparators: Sequence[str],
    benchmarks: bool,
    rank_style: str,
) -> list[RawRecord]:
    records: list[RawRecord] = []
    source = data.source
    latest = data.latest_year()
    for year in years:
        result = benchmark(data, la_code, model, spec.polarity, year, sn_method)
        row = data.la(la_code, year)
        line = row.line if row else 0
        label = reporting_year(year, spec.period_end_month, year_start_month).label

        def add(series: str, period: str, value: object, line: int = line) -> None:
            records.append(RawRecord(source, line, spec.measure, series, period, value))

        end_month = f"{year:04d}-{spec.period_end_month:02d}"
        if la_value_as == "actual_month":
            add("actual", end_month, _out(result.value, spec.unit))
        else:
            add(la_value_as, label, _out(result.value, spec.unit))
        for comparator in comparators:
            figure = {"sn": result.sn, "region": result.region, "england": result.england}[comparator]
            add(comparator, label, _out(figure, spec.unit))
        if benchmarks and year == latest and _polarity(spec.polarity) != "none":
            period = label if la_value_as == "actual" else end_month
            series = ("band", "rank") if rank_style == "text" else ("band", "rank", "rank_of")
            if not isinstance(result.value, float):
                for name in series:
                    add(name, period, result.value)
            elif rank_style == "text":
                add("band", period, result.band)
                add("rank", period, f"{result.rank} of {result.rank_of}")
            else:
                add("band", period, result.band)
                add("rank", period, result.rank)
                add("rank_of", period, result.rank_of)
    return records


def _out(value: Cell, unit: str) -> object:
    """A value for a RawRecord: percent points as "22.6%", other numbers as floats, symbols as text."""
    if not isinstance(value, float):
        return value
    value = round(value, 10)  # means carry float noise (23.409999999999997); no published figure does
    if unit == "percent":
        return f"{value!r}%"
    return value


def _check_options(
    la_code: str,
    measures: Sequence[DfeMeasure],
    sn_method: str,
    year_start_month: int,
    la_value_as: str,
    comparators: Sequence[str],
    rank_style: str,
) -> None:
    problems: list[Problem] = []
    where = "read_dfe"
    if not la_code.strip().isdigit():
        problems.append(Problem(where, "", "la_code", la_code, "a three-digit old_la_code such as 940"))
    if sn_method not in SN_METHODS:
        problems.append(Problem(where, "", "sn_method", sn_method, " or ".join(SN_METHODS)))
    if la_value_as not in LA_VALUE_AS:
        problems.append(Problem(where, "", "la_value_as", la_value_as, ", ".join(LA_VALUE_AS)))
    if rank_style not in ("text", "number"):
        problems.append(Problem(where, "", "rank_style", rank_style, '"text" or "number"'))
    if not 1 <= year_start_month <= 12:
        problems.append(Problem(where, "", "year_start_month", year_start_month, "a month number 1 to 12"))
    for comparator in comparators:
        if comparator not in ("sn", "region", "england"):
            problems.append(Problem(where, "", "comparators", comparator, "sn, region, england"))
    seen: set[str] = set()
    for spec in measures:
        at = f"measure {spec.measure}"
        if spec.measure in seen:
            problems.append(Problem(where, at, "measure", spec.measure, "each measure once"))
        seen.add(spec.measure)
        if spec.polarity.strip().lower() not in (*POLARITIES, "-"):
            problems.append(Problem(where, at, "polarity", spec.polarity, "high, low or none"))
        if spec.unit not in UNITS:
            problems.append(Problem(where, at, "unit", spec.unit, ", ".join(UNITS)))
        if not 1 <= spec.period_end_month <= 12:
            problems.append(Problem(where, at, "period_end_month", spec.period_end_month, "a month 1 to 12"))
    if not measures:
        problems.append(Problem(where, "", "measures", None, "at least one DfeMeasure"))
    if problems:
        raise InputError(problems)


def _polarity(polarity: str) -> str:
    text = polarity.strip().lower()
    if text in ("-", ""):
        return "none"
    if text not in POLARITIES:
        raise ValueError(f"polarity must be high, low or none, not {polarity!r}")
    return text


def _la_hint(code: str, model: StatNeighbours) -> str:
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


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise InputError.of(str(path), "", "", None, "no such DfE data file; check the folder and file name")
    return path


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise InputError.of(str(path), "", "", None, "no such DfE data file") from None
    except OSError as error:
        raise InputError.of(str(path), "", "", None, f"cannot read: {error.strerror}") from None
    try:
        text = content.decode("utf-8-sig")  # some of the files start with a byte-order mark
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    if not rows:
        raise InputError.of(path.name, "", "", None, "the file is empty; expected a header row")
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]
    return header, body, hashlib.sha256(content).hexdigest()


def _column_position(
    header: list[str], column: str, source: str, what: str, problems: list[Problem]
) -> int | None:
    if column in header:
        return header.index(column)
    folded = [h.casefold() for h in header]
    if column.casefold() in folded:
        return folded.index(column.casefold())
    choices = [h for h in header if h not in _GEOGRAPHY]
    problems.append(
        Problem(source, "line 1", what, column, "one of the file's columns: " + ", ".join(choices))
    )
    return None


def _same(cell: str, wanted: str) -> bool:
    return cell.strip().casefold() == wanted.strip().casefold()


def _year(text: str, source: str, line: int, problems: list[Problem]) -> int | None:
    if text.isdigit() and len(text) == 4:
        return int(text)
    if text.isdigit() and len(text) == 6:
        return int(text[:4]) + 1  # 202425: the year April 2024 to March 2025 (or an academic year)
    problems.append(Problem(source, f"line {line}", "time_period", text, "a year such as 2025 or 202425"))
    return None


def _cell_value(raw: str, source: str, line: int, column: str, problems: list[Problem]) -> Cell:
    text = raw.strip()
    if not text:
        return None
    token = text.lower()
    if token in SYMBOLS:
        return token
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if math.isfinite(number):
        return number
    problems.append(
        Problem(
            source, f"line {line}", column, raw, "a number or one of the DfE symbols " + ", ".join(SYMBOLS)
        )
    )
    return None


def _ambiguous(
    source: str,
    line: int,
    earlier: tuple[int, list[str]],
    cells: list[str],
    header: list[str],
    column: str,
    filters: tuple[tuple[str, str], ...],
) -> Problem:
    first_line, first = earlier
    differ = [
        f"{h} ({first[i].strip()!r} / {cells[i].strip()!r})"
        for i, h in enumerate(header)
        if h not in _GEOGRAPHY
        and h != column
        and i < len(first)
        and i < len(cells)
        and first[i].strip() != cells[i].strip()
        and not _looks_numeric(first[i])
    ]
    hint = "filter on " + ", ".join(differ) if differ else "filters that leave one row per area and year"
    given = ", ".join(f"{k} = {v!r}" for k, v in filters) or "none"
    return Problem(
        source,
        f"line {line}",
        "filters",
        given,
        f"one row per area and year, but lines {first_line} and {line} are the same area and year: {hint}",
    )


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text.strip().lower() in SYMBOLS
    return True


def _filter_problem(
    source: str, header: list[str], body: list[tuple[int, list[str]]], column: str, value: str
) -> Problem:
    index = (
        header.index(column) if column in header else [h.casefold() for h in header].index(column.casefold())
    )
    found = sorted({cells[index].strip() for _, cells in body if index < len(cells)})
    shown = "; ".join(repr(v) for v in found[:12]) + ("; ..." if len(found) > 12 else "")
    return Problem(source, "", f"filter {column}", value, f"a value found in the column: {shown}")
