"""A pandas DataFrame as a data source: the same tidy columns as a CSV file (measure, series,
period, value), read into the same records, so the same checks and messages apply. Rows are named
by the frame's index labels. pandas itself is never imported here: a frame is recognised by its
type's name, so passing file names costs nothing.

pandas reads a CSV's `n/a`, `N/A` and blank cells as NaN unless told otherwise
(`pd.read_csv(path, dtype=str, keep_default_na=False)`): a NaN can only be read as an empty cell,
so the token the file wrote is lost. The reader says so, once, with how many there were."""

from __future__ import annotations

import hashlib
import math
from typing import Any

from scorecard_xl.inputs.sources import RawRecord, SourceInfo
from scorecard_xl.inputs.sources.tidy import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, check_columns
from scorecard_xl.inputs.values import text_of

FRAME_KIND = "dataframe"


def is_data_frame(value: object) -> bool:
    """True for a pandas DataFrame, without importing pandas."""
    kind = type(value)
    return kind.__name__ == "DataFrame" and kind.__module__.split(".")[0] == "pandas"


def read_frame(frame: Any, name: str = "DataFrame") -> tuple[list[RawRecord], SourceInfo, tuple[str, ...]]:
    """The records of a tidy DataFrame, one per row, and warnings (NaN read as empty cells);
    `name` stands for the frame in messages."""
    header = [str(column).strip().lower() for column in frame.columns]
    check_columns(header, name, "")
    position = {c: header.index(c) for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if c in header}
    records = []
    read = list(position.values())
    nans = 0
    for label, row in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        values = [_plain(v) for v in row]
        if all(v in (None, "") for v in values):
            continue  # an empty row is not a record, as a blank line in a file
        # NaN, pandas.NA or NaT (what pandas puts where a file had n/a or nothing) read as None;
        # a None itself was put there by whoever made the frame, so it says nothing about a file.
        nans += sum(values[i] is None and row[i] is not None for i in read)

        def cell(column: str, values: list[object] = values) -> object:
            return values[position[column]] if column in position else None

        records.append(
            RawRecord(
                source=name,
                row=_label(label),
                measure=text_of(cell("measure")),
                series=text_of(cell("series")).lower() or "actual",
                period=_period(cell("period")),
                value=cell("value"),
            )
        )
    content = frame.to_csv(index=True).encode("utf-8")
    info = SourceInfo(FRAME_KIND, name, hashlib.sha256(content).hexdigest())
    return records, info, nan_warnings(name, nans)


def nan_warnings(name: str, nans: int) -> tuple[str, ...]:
    """What to say about `nans` NaN values read as empty cells: nothing, or one line."""
    if not nans:
        return ()
    return (
        f"{nans:,} value{'s' if nans != 1 else ''} of the {name} {'were' if nans != 1 else 'was'} NaN, "
        "read as empty cells: read the CSV with dtype=str, keep_default_na=False to keep tokens "
        "such as n/a",
    )


def _plain(value: object) -> object:
    """A frame's cell as the CSV reader would give it: numpy numbers as Python numbers, and NaN,
    None, NaT or pandas.NA as an empty cell."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return None
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and type(value).__module__ == "numpy":
        value = item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _period(value: object) -> str:
    """A period as text; a date, Timestamp or monthly Period becomes its month, YYYY-MM."""
    strftime = getattr(value, "strftime", None)
    if callable(strftime) and not isinstance(value, str):
        return str(strftime("%Y-%m"))
    return text_of(value)


def _label(label: object) -> int | str:
    plain = _plain(label)
    return plain if isinstance(plain, int) and not isinstance(plain, bool) else str(plain)
