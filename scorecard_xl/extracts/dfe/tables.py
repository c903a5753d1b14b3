"""One value column of one DfE file as a table per area and year: the files' layout, their
symbols, filters on category columns, and rates derived from two tables."""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scorecard_xl.errors import InputError, Problem

SYMBOLS = ("c", "x", "z", "u", "low")
NATIONAL = "National"
REGIONAL = "Regional"
LOCAL_AUTHORITY = "Local authority"
LEVELS = (NATIONAL, REGIONAL, LOCAL_AUTHORITY)
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
    header, body, digest = read_csv(path)
    name = path.name
    wanted = tuple(
        (str(k), str(v)) for k, v in (filters.items() if isinstance(filters, Mapping) else filters)
    )
    problems: list[Problem] = []
    position = column_position(header, column, name, "value column", problems)
    for needed in ("time_period", "geographic_level"):
        column_position(header, needed, name, "column", problems)
    filter_at = [(column_position(header, k, name, "filter column", problems), k, v) for k, v in wanted]
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


def existing_file(path: Path) -> Path:
    if not path.is_file():
        raise InputError.of(str(path), "", "", None, "no such DfE data file; check the folder and file name")
    return path


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], str]:
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


def column_position(
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
