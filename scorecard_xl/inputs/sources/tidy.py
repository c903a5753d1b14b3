"""Tidy CSV and XLSX files: one value per row, columns measure, series, period, value."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from scorecard_xl.errors import InputError
from scorecard_xl.inputs.input_files import DATA_LIMIT, read_capped
from scorecard_xl.inputs.sources import RawRecord, SourceInfo
from scorecard_xl.inputs.values import text_of

REQUIRED_COLUMNS = ("measure", "period", "value")
OPTIONAL_COLUMNS = ("series",)


def read_tidy_file(path: str | Path) -> tuple[list[RawRecord], SourceInfo]:
    """Read a tidy .csv or .xlsx file; raise InputError for a missing, unreadable, too large or
    malformed file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise InputError.of(path.name, "", "file type", suffix, "a .csv or .xlsx data file")
    content = read_capped(path, DATA_LIMIT, "data file", "split it into several files (-d can be repeated)")
    if suffix == ".csv":
        rows = _csv_rows(content, path.name)
    else:  # imported here: a build from CSV (the command line's commonest) need not load XML and zip
        from scorecard_xl.inputs.sources.xlsx import sheet_rows

        rows = sheet_rows(content, path.name)
    info = SourceInfo(suffix[1:], str(path), hashlib.sha256(content).hexdigest())
    return _records(rows, path.name), info


def _csv_rows(content: bytes, name: str) -> list[list[object]]:
    try:
        text = content.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # Excel's plain "CSV" on Windows
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return list(reader)  # type: ignore[arg-type]  # rows of str
    except csv.Error as error:  # a field over the csv module's limit (131,072 characters), say
        raise InputError.of(
            name,
            f"row {reader.line_num}",
            "",
            None,
            f"not readable as CSV ({error}); a row holds a measure, a period and a value",
        ) from None


def check_columns(header: list[str], source: str, where: str) -> None:
    """Refuse a header without the tidy columns, naming those missing (files and DataFrames alike)."""
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError.of(
            source,
            where,
            "header" if where else "columns",
            ",".join(h for h in header if h) or None,
            "columns "
            + ", ".join(REQUIRED_COLUMNS)
            + " (and optionally series); missing: "
            + ", ".join(missing),
        )
    for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
        places = [str(i + 1) for i, h in enumerate(header) if h == column]
        if len(places) > 1:  # which one holds the data? Taking either would be a guess
            raise InputError.of(
                source,
                where,
                "header" if where else "columns",
                ",".join(h for h in header if h),
                f"each column once: {column} is columns {' and '.join(places)}; rename or remove one",
            )


def _records(rows: list[list[object]], name: str) -> list[RawRecord]:
    if not rows:
        raise InputError.of(name, "", "", None, "the file is empty; expected a header row")
    header = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
    check_columns(header, name, "row 1")
    index = {
        column: header.index(column) for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if column in header
    }
    at_measure, at_period, at_value = index["measure"], index["period"], index["value"]
    at_series = index.get("series")
    width = max(index.values()) + 1
    records = []
    # The hot loop of every build: positions found once, no closure, text stripped in place.
    for number, row in enumerate(rows[1:], start=2):
        if not any(row) and all(v in (None, "") for v in row):
            continue  # blank lines are not records (a lone 0 is a value, so any() alone is not enough)
        if len(row) < width:
            row = [*row, *([None] * (width - len(row)))]
        series = _text(row[at_series]).lower() if at_series is not None else ""
        records.append(
            RawRecord(
                name, number, _text(row[at_measure]), series or "actual", _text(row[at_period]), row[at_value]
            )
        )
    return records


def _text(value: object) -> str:
    return value.strip() if type(value) is str else text_of(value)  # CSV cells are always str
