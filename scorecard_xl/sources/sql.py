"""Tidy records from any SQL database SQLAlchemy can reach; SQLite is the embedded default.

Two ways to lay the data out, chosen by the configuration:

- one **long table** (`table = "scorecard_data"`, the default) with columns `measure`, `series`
  (optional, default `actual`), `period` and `value`, exactly like a tidy data file;
- one **query per measure** (`queries = {CR06 = "SELECT month AS period, rate AS value FROM ..."}`),
  each returning the columns `period` and `value`, and optionally `series`.

The connection URL comes from an environment variable named in the configuration
(`url_env = "SCORECARD_XL_DB_URL"`), so credentials never sit in a definition or a config file. A
plain SQLite URL (`url = "sqlite:///data/scorecard.db"`) may be given directly: it names a file and
holds no secret. Any other URL given directly is refused.

Reading never writes: the SQL is sent to the driver as written (through `exec_driver_sql`, so a
`:name` in it is not taken for a bind parameter) on a connection that can only read (see
sql_readonly: SQLite read-only with an authorizer, a read-only session on server databases), and
nothing is committed. A SQLite file that does not exist is an error rather than a new empty
database.

`SourceInfo.sha256` is the SHA-256 of the rows read as canonical JSON (sorted rows of
`[measure, series, period, value]`, compact separators), so a workbook records which data built it
whatever order the database returned the rows in. Record `row` numbers count the rows of the
result (the long table's rows sorted by measure, series and period; a query's rows in the order
it returned them).
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorecard_xl.errors import InputError, Problem
from scorecard_xl.sources import RawRecord, SourceInfo
from scorecard_xl.sources.sql_readonly import REFUSED_HINT, read_only_engine, refused
from scorecard_xl.values import text_of

DEFAULT_TABLE = "scorecard_data"
DEFAULT_URL_ENV = "SCORECARD_XL_DB_URL"
TABLE_COLUMNS = ("measure", "series", "period", "value")
QUERY_COLUMNS = ("period", "value", "series")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONFIG_KEYS = ("url", "url_env", "table", "queries", "name")


@dataclass(frozen=True)
class SqlConfig:
    """Where to read: one of `url` (SQLite only) or `url_env`; one of `table` or `queries`."""

    url_env: str | None = None  # name of the environment variable holding the URL
    url: str | None = None  # a plain sqlite:/// URL (no secret in it)
    table: str | None = None  # long-table mode; DEFAULT_TABLE when neither table nor queries
    queries: Mapping[str, str] = field(default_factory=dict)  # measure id -> SQL
    name: str = ""  # how messages and the Cover name this source; derived when empty

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.url_env:
            return f"${self.url_env}"
        return _sqlite_file_name(self.url or "") or "sql"


def sql_config(raw: Mapping[str, object], source: str = "configuration") -> SqlConfig:
    """Read a `[source]`-style mapping (for example from TOML) into an SqlConfig.

    Raise InputError naming every problem: unknown keys, both or neither of url/url_env, a
    non-SQLite URL written into the file, both table and queries, bad identifiers.
    """
    problems: list[Problem] = []
    for key in raw:
        if key not in _CONFIG_KEYS and key != "kind":
            problems.append(Problem(source, "sql source", key, raw[key], "one of " + ", ".join(_CONFIG_KEYS)))
    texts: dict[str, str | None] = {}
    for key in ("url", "url_env", "table", "name"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(Problem(source, "sql source", key, value, "text"))
            value = None
        texts[key] = value
    queries_raw = raw.get("queries", {})
    queries: dict[str, str] = {}
    if not isinstance(queries_raw, Mapping):
        problems.append(Problem(source, "sql source", "queries", queries_raw, "a table of measure id = SQL"))
    else:
        for measure, sql in queries_raw.items():
            if not isinstance(sql, str) or not sql.strip():
                problems.append(
                    Problem(source, f"sql source, measure {measure}", "queries", sql, "an SQL SELECT as text")
                )
            else:
                queries[str(measure)] = sql
    if problems:
        raise InputError(problems)
    config = SqlConfig(
        url_env=texts["url_env"],
        url=texts["url"],
        table=texts["table"],
        queries=queries,
        name=texts["name"] or "",
    )
    _check_config(config, source)
    return config


def read_sql(
    config: SqlConfig | Mapping[str, object], environ: Mapping[str, str] | None = None
) -> tuple[list[RawRecord], SourceInfo]:
    """Read tidy records from a database; raise InputError with what went wrong and what to do.

    `environ` defaults to `os.environ` (tests pass their own).
    """
    if not isinstance(config, SqlConfig):
        config = sql_config(config)
    _check_config(config, "configuration")
    env = os.environ if environ is None else environ
    url = _resolve_url(config, env)
    sa = _import_sqlalchemy(config)
    label = config.label
    engine = _engine(sa, url, config)
    try:
        try:
            connection = engine.connect()
        except sa.exc.SQLAlchemyError as error:
            message = f"cannot connect to the database: {_db_message(error)}"
            raise _fail(label, "", message, _connect_hint(config)) from None
        except ImportError as error:  # a driver imported on first connect
            message = f"the database driver is not installed ({error})"
            raise _fail(label, "", message, "install the driver named in the URL") from None
        with connection:
            if config.queries:
                rows = _read_queries(sa, connection, config, label)
            else:
                rows = _read_table(sa, connection, config, label)
    finally:
        engine.dispose()
    records = [RawRecord(source, number, m, s, p, v) for source, number, m, s, p, v in rows]
    location = _location(config)
    return records, SourceInfo("sql", location, _rows_sha256(records))


# -- configuration --------------------------------------------------------------------------------


def _check_config(config: SqlConfig, source: str) -> None:
    problems: list[Problem] = []
    where = "sql source"
    if config.url is None and config.url_env is None:
        problems.append(
            Problem(
                source,
                where,
                "url_env",
                None,
                "the name of an environment variable holding the database URL "
                f'(url_env = "{DEFAULT_URL_ENV}"), or for a SQLite file url = "sqlite:///path/to/file.db"',
            )
        )
    if config.url is not None and config.url_env is not None:
        problems.append(Problem(source, where, "url", _redact(config.url), "either url or url_env, not both"))
    if config.url_env is not None and not _ENV_NAME.match(config.url_env):
        problems.append(
            Problem(
                source,
                where,
                "url_env",
                config.url_env,
                "an environment variable name such as SCORECARD_XL_DB_URL (not the URL itself)",
            )
        )
    if config.url is not None and not config.url.lower().startswith("sqlite:"):
        problems.append(
            Problem(
                source,
                where,
                "url",
                _redact(config.url),
                "only a plain sqlite:/// URL may be written in a file; put any other URL (it may hold a "
                f'password) in an environment variable and name it: url_env = "{DEFAULT_URL_ENV}"',
            )
        )
    if config.table is not None and config.queries:
        problems.append(
            Problem(
                source, where, "table", config.table, "either table (one long table) or queries, not both"
            )
        )
    if config.table is not None and not _IDENTIFIER.match(config.table):
        problems.append(
            Problem(
                source, where, "table", config.table, "a table name such as scorecard_data or schema.table"
            )
        )
    if problems:
        raise InputError(problems)


def _resolve_url(config: SqlConfig, env: Mapping[str, str]) -> str:
    if config.url is not None:
        return config.url
    assert config.url_env is not None
    url = env.get(config.url_env, "").strip()
    if not url:
        raise _fail(
            config.label,
            "",
            f"the environment variable {config.url_env} is not set",
            f"set {config.url_env} to the database URL (for example "
            f"{config.url_env}=postgresql+psycopg://user@host/db, or sqlite:///scorecard.db) before running",
        )
    return url


def _import_sqlalchemy(config: SqlConfig) -> Any:
    try:
        import sqlalchemy  # only SQL sources pay for the import
        import sqlalchemy.exc
    except ImportError:
        raise _fail(
            config.label,
            "",
            "reading from a database needs SQLAlchemy, which is not installed",
            "pip install sqlalchemy (and the driver for your database)",
        ) from None
    return sqlalchemy


def _engine(sa: Any, url: str, config: SqlConfig) -> Any:
    label = config.label
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise _fail(
            label,
            "",
            f"not a database URL: {_redact(url)!r}",
            "a URL such as sqlite:///scorecard.db or postgresql+psycopg://user@host/db",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database.startswith("file:"):  # a URI could ask for mode=rw: the path is opened read-only here
            raise _fail(
                label,
                "",
                f"a SQLite URI filename: {database!r}",
                "a plain path such as sqlite:///data/scorecard.db (it is always opened read-only)",
            )
        in_file = bool(database) and database != ":memory:"
        if in_file and not Path(database).is_file():
            raise _fail(
                label,
                "",
                f"no such SQLite database file: {database}",
                "check the path in the URL (relative paths are from the current folder); "
                "reading never creates a database",
            )
    try:
        return read_only_engine(sa, parsed)
    except sa.exc.NoSuchModuleError:
        raise _fail(
            label,
            "",
            f"SQLAlchemy has no dialect {parsed.drivername!r}",
            "a URL whose scheme is a database SQLAlchemy supports (sqlite, postgresql, mysql, mssql, oracle)",
        ) from None
    except ImportError as error:
        raise _fail(
            label,
            "",
            f"the driver for {parsed.drivername} is not installed ({error})",
            "install the database driver named in the URL (for example pip install psycopg)",
        ) from None


def _location(config: SqlConfig) -> str:
    count = len(config.queries)
    table = config.table or DEFAULT_TABLE
    what = f"{count} {'query' if count == 1 else 'queries'}" if count else f"table {table}"
    if config.url_env:
        return f"{what} via ${config.url_env}"
    return f"{config.url} ({what})"


def _connect_hint(config: SqlConfig) -> str:
    if config.url_env:
        return f"check that the server is reachable and that {config.url_env} holds the right URL and user"
    return "check the path in the URL"


# -- reading --------------------------------------------------------------------------------------

_Row = tuple[str, int, str, str, str, object]


def _read_table(sa: Any, connection: Any, config: SqlConfig, label: str) -> list[_Row]:
    name = config.table or DEFAULT_TABLE
    schema, _, table_name = name.rpartition(".")
    statement = sa.select(sa.text("*")).select_from(sa.table(table_name, schema=schema or None))
    where = f"table {name}"
    try:
        result = connection.execute(statement)
        names = result.keys()
        columns = [str(c).strip().lower() for c in names]
        data = [tuple(row) for row in result]
    except sa.exc.SQLAlchemyError as error:
        raise _fail(
            label,
            where,
            f"cannot read the table: {_db_message(error)}",
            f"check that the table {name} exists and is readable by this user, or set table to "
            "the right name",
        ) from None
    todo = (
        "a table with the columns measure, series (optional), period and value; or a view that renames "
        "yours to those, or one query per measure (queries = {...})"
    )
    index = _column_index(columns, ("measure", "period", "value"), label, where, "the table", todo)
    series_at = columns.index("series") if "series" in columns else None
    tidy = [
        (
            text_of(row[index["measure"]]),
            (text_of(row[series_at]).lower() if series_at is not None else "") or "actual",
            _period_text(row[index["period"]]),
            _value(row[index["value"]]),
        )
        for row in data
    ]
    tidy.sort(key=lambda r: (r[0], r[1], r[2]))
    source = f"{label} {where}"
    return [(source, n, m, s, p, v) for n, (m, s, p, v) in enumerate(tidy, start=1)]


def _read_queries(sa: Any, connection: Any, config: SqlConfig, label: str) -> list[_Row]:
    rows: list[_Row] = []
    problems: list[Problem] = []
    for measure, sql in config.queries.items():
        where = f"measure {measure}"
        try:
            result = connection.exec_driver_sql(sql)
            if not result.returns_rows:
                problems.append(
                    Problem(
                        label,
                        where,
                        "",
                        None,
                        f"the query for {measure} returned no rows at all (not a SELECT?); write a SELECT "
                        "returning the columns period and value (and optionally series)",
                    )
                )
                continue
            names = result.keys()
            columns = [str(c).strip().lower() for c in names]
            data = [tuple(row) for row in result]
        except sa.exc.SQLAlchemyError as error:
            problems.append(
                Problem(
                    label,
                    where,
                    "",
                    None,
                    f"the query failed: {_db_message(error)}; fix the SQL for {measure} in queries "
                    "(it is sent to the database as written"
                    + (f"; {REFUSED_HINT})" if refused(_db_message(error)) else ")"),
                )
            )
            continue
        try:
            todo = (
                "a query returning the columns period, value and optionally series: rename yours with AS "
                "(for example SELECT month AS period, rate AS value FROM ...)"
            )
            index = _column_index(columns, ("period", "value"), label, where, "the query", todo)
        except InputError as error:
            problems.extend(error.problems)
            continue
        series_at = columns.index("series") if "series" in columns else None
        source = f"{label} query {measure}"
        for number, row in enumerate(data, start=1):
            series = text_of(row[series_at]).lower() if series_at is not None else ""
            rows.append(
                (
                    source,
                    number,
                    measure,
                    series or "actual",
                    _period_text(row[index["period"]]),
                    _value(row[index["value"]]),
                )
            )
    if problems:
        raise InputError(problems)
    return rows


def _column_index(
    columns: Sequence[str], required: Sequence[str], label: str, where: str, what: str, todo: str
) -> dict[str, int]:
    missing = [c for c in required if c not in columns]
    if missing:
        found = ", ".join(columns) or "(none)"
        plural = "s" if len(missing) > 1 else ""
        raise _fail(label, where, f"{what} has no column{plural} {', '.join(missing)} (it has {found})", todo)
    return {c: columns.index(c) for c in required}


def _period_text(value: object) -> str:
    """A period as text; a DATE column's value becomes its month, YYYY-MM."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m")
    return text_of(value)


def _value(value: object) -> object:
    """Numbers stay numbers (a DECIMAL column's Decimal becomes a float), text stays text."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def _rows_sha256(records: Sequence[RawRecord]) -> str:
    rows = sorted(
        json.dumps(
            [r.measure, r.series, r.period, _json_value(r.value)], ensure_ascii=False, separators=(",", ":")
        )
        for r in records
    )
    return hashlib.sha256(("[" + ",".join(rows) + "]").encode("utf-8")).hexdigest()


def _json_value(value: object) -> object:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# -- messages -------------------------------------------------------------------------------------


def _fail(label: str, where: str, what: str, todo: str) -> InputError:
    return InputError.of(label, where, "", None, f"{what}; {todo}")


def _db_message(error: Exception) -> str:
    """The database's own words, without SQLAlchemy's statement echo and background link."""
    original = getattr(error, "orig", None)
    text = str(original) if original is not None else str(error)
    return " ".join(text.split("\n")[0].split()) or type(error).__name__


def _redact(url: str) -> str:
    """A URL with any password replaced, for messages."""
    return re.sub(r"(://[^:/@]+:)[^@/]*@", r"\1***@", url)


def _sqlite_file_name(url: str) -> str:
    _, _, path = url.partition(":///")
    return Path(path.split("?")[0]).name if path else ""
