"""One entry for every data source a command line names: a tidy .csv/.xlsx file, or a .toml file
describing a database (`[sql]`, see docs/formats.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scorecard_xl.errors import InputError
from scorecard_xl.inputs.sources import RawRecord, SourceInfo
from scorecard_xl.inputs.sources.tidy import read_tidy_file


def read_source(
    path: str | Path, sqlite_allowed: Callable[[Path], bool] | None = None
) -> tuple[list[RawRecord], SourceInfo]:
    """The records of a data file, or of the database a source file describes; `sqlite_allowed`
    judges a SQLite database file before it is opened (see sources.sql.read_sql)."""
    path = Path(path)
    if path.suffix.lower() != ".toml":
        return read_tidy_file(path)
    from scorecard_xl.inputs.sources.sql import read_sql, sql_config
    from scorecard_xl.inputs.tomlfile import read_toml

    raw = read_toml(path, "data source file")
    if set(raw) != {"sql"} or not isinstance(raw["sql"], dict):
        raise InputError.of(
            path.name,
            "",
            "tables",
            ", ".join(raw) or None,
            "one [sql] table describing the database (url_env or url, and table or [sql.queries]); "
            "data files are .csv or .xlsx",
        )
    return read_sql(sql_config(raw["sql"], path.name), sqlite_allowed=sqlite_allowed)
