"""Tidy CSV and XLSX files: one value per row, columns measure, series, period, value."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

from scorecard_xl.errors import InputError
from scorecard_xl.sources import RawRecord, SourceInfo
from scorecard_xl.values import text_of

REQUIRED_COLUMNS = ("measure", "period", "value")
OPTIONAL_COLUMNS = ("series",)


def read_tidy_file(path: str | Path) -> tuple[list[RawRecord], SourceInfo]:
    """Read a tidy .csv or .xlsx file; raise InputError for a missing or unreadable file."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise InputError.of(str(path), "", "", None, "no such data file") from None
    except OSError as error:
        raise InputError.of(str(path), "", "", None, f"cannot read: {error.strerror}") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(content, path.name)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(content, path.name)
    else:
        raise InputError.of(path.name, "", "file type", suffix, "a .csv or .xlsx data file")
    info = SourceInfo(suffix[1:], str(path), hashlib.sha256(content).hexdigest())
    return _records(rows, path.name), info


def _csv_rows(content: bytes, name: str) -> list[list[object]]:
    try:
        text = content.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # Excel's plain "CSV" on Windows
    return list(csv.reader(io.StringIO(text, newline="")))  # type: ignore[arg-type]  # rows of str


def _xlsx_rows(content: bytes, name: str) -> list[list[object]]:
    import openpyxl  # only XLSX data pays for the import
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise InputError.of(name, "", "", None, f"not a readable .xlsx file ({error})") from None
    try:
        sheet = book["data"] if "data" in book.sheetnames else book.worksheets[0]
        return [[_xlsx_value(cell) for cell in row] for row in sheet.iter_rows()]
    finally:
        book.close()


def _xlsx_value(cell: object) -> object:
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", "") or ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        # A cell shown as 64% holds 0.64: say so explicitly, whatever percent_input says.
        return f"{value * 100!r}%"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m")  # Excel turns a typed 2023-03 into a date
    return value


def _records(rows: list[list[object]], name: str) -> list[RawRecord]:
    if not rows:
        raise InputError.of(name, "", "", None, "the file is empty; expected a header row")
    header = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError.of(
            name,
            "row 1",
            "header",
            ",".join(h for h in header if h),
            "columns "
            + ", ".join(REQUIRED_COLUMNS)
            + " (and optionally series); missing: "
            + ", ".join(missing),
        )
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
