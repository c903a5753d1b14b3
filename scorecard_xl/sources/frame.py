"""A pandas DataFrame as a data source: the same tidy columns as a CSV file (measure, series,
period, value), read into the same records, so the same checks and messages apply. Rows are named
by the frame's index labels. pandas itself is never imported here: a frame is recognised by its
type's name, so passing file names costs nothing."""

from __future__ import annotations

import hashlib
import math
from typing import Any

from scorecard_xl.sources import RawRecord, SourceInfo
from scorecard_xl.sources.tidy import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, check_columns
from scorecard_xl.values import text_of

FRAME_KIND = "dataframe"


def is_data_frame(value: object) -> bool:
    """True for a pandas DataFrame, without importing pandas."""
    kind = type(value)
    return kind.__name__ == "DataFrame" and kind.__module__.split(".")[0] == "pandas"


def read_frame(frame: Any, name: str = "DataFrame") -> tuple[list[RawRecord], SourceInfo]:
    """The records of a tidy DataFrame, one per row; `name` stands for the frame in messages."""
    header = [str(column).strip().lower() for column in frame.columns]
    check_columns(header, name, "")
    position = {c: header.index(c) for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if c in header}
    records = []
    for label, row in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        values = [_plain(v) for v in row]
        if all(v in (None, "") for v in values):
            continue  # an empty row is not a record, as a blank line in a file

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
    return records, SourceInfo(FRAME_KIND, name, hashlib.sha256(content).hexdigest())


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
