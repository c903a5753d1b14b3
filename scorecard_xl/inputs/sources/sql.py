"""Tidy records from any SQL database SQLAlchemy can reach; SQLite is the embedded default.

Two ways to lay the data out, chosen by the configuration:

- one **long table** (`table = "scorecard_data"`, the default) with columns `measure`, `series`
  (optional, default `actual`), `period` and `value`, exactly like a tidy data file;
- one **query per measure** (`queries = {CR06 = "SELECT month AS period, rate AS value FROM ..."}`),
  each returning the columns `period` and `value`, and optionally `series`.

The connection URL comes from an environment variable named in the configuration
(`url_env = "SCORECARD_XL_DB_URL"`), so credentials never sit in a definition or a config file. A
plain SQLite URL (`url = "sqlite:///data/scorecard.db"`) may be given directly: it names a file and
holds no secret. Any other URL given directly is refused. A value read from the environment is
never shown: a message says which variable, never what it holds, and the value (and its password
and query values) is scrubbed from whatever the database or its driver says.

The configuration and the database may both come from a stranger, so reading is guarded.
Reading never writes: the SQL is sent to the driver as written (through `exec_driver_sql`, so a
`:name` in it is not taken for a bind parameter) on a connection that can only read, and nothing
is committed. A SQLite file that does not exist is an error rather than a new empty database. On
SQLite a query may call only the functions in sql_readonly.FUNCTIONS, read no virtual table, make
no value over 1 MB and run no longer than `SqlLimits.seconds` (see sql_readonly). Rows are fetched
in batches and reading stops once the table, or all the queries together, pass `SqlLimits.rows`
rows or `SqlLimits.characters` characters of text, so memory stays bounded whatever a query does.

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
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorecard_xl.errors import InputError, Problem
from scorecard_xl.inputs.sources import RawRecord, SourceInfo
from scorecard_xl.inputs.sources.sql_readonly import (
    DEFAULT_LIMITS,
    FUNCTIONS,
    REFUSED_HINT,
    SQL_BYTES,
    VALUE_BYTES,
    Guard,
    SqlLimits,
    read_only_engine,
    refused,
)
from scorecard_xl.inputs.values import text_of

DEFAULT_TABLE = "scorecard_data"
DEFAULT_URL_ENV = "SCORECARD_XL_DB_URL"
TABLE_COLUMNS = ("measure", "series", "period", "value")
QUERY_COLUMNS = ("period", "value", "series")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONFIG_KEYS = ("url", "url_env", "table", "queries", "name")
_BATCH = 1_000  # rows fetched at a time: memory holds a batch, never a whole endless result

__all__ = ["DEFAULT_LIMITS", "SqlConfig", "SqlLimits", "read_sql", "sql_config"]


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
    config: SqlConfig | Mapping[str, object],
    environ: Mapping[str, str] | None = None,
    *,
    limits: SqlLimits = DEFAULT_LIMITS,
    sqlite_allowed: Callable[[Path], bool] | None = None,
) -> tuple[list[RawRecord], SourceInfo]:
    """Read tidy records from a database; raise InputError with what went wrong and what to do.

    `environ` defaults to `os.environ` (tests pass their own). `limits` caps the time one statement
    may run and the rows and text the whole source may return (SqlLimits; the defaults suit any
    scorecard). `sqlite_allowed(path)`, when given, must accept a SQLite database file (resolved)
    before it is opened: a source named by a workbook may read a database only where the workbook
    may read files (workbook.trust).
    """
    if not isinstance(config, SqlConfig):
        config = sql_config(config)
    _check_config(config, "configuration")
    env = os.environ if environ is None else environ
    url = _resolve_url(config, env)
    secrets = _Secrets.of(url) if config.url_env else _Secrets()
    sa = _import_sqlalchemy(config)
    label = config.label
    guard = Guard(limits)
    engine = _engine(sa, url, config, guard, secrets, sqlite_allowed)
    try:
        try:
            connection = engine.connect()
        except sa.exc.SQLAlchemyError as error:
            message = f"cannot connect to the database: {secrets.scrub(_db_message(error))}"
            raise _fail(label, "", message, _connect_hint(config)) from None
        except ImportError as error:  # a driver imported on first connect
            message = f"the database driver is not installed ({secrets.scrub(str(error))})"
            raise _fail(label, "", message, "install the driver named in the URL") from None
        with connection:
            reader = _Reader(sa, connection, config, guard, secrets)
            rows = reader.queries() if config.queries else reader.table()
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


def _engine(
    sa: Any,
    url: str,
    config: SqlConfig,
    guard: Guard,
    secrets: _Secrets,
    sqlite_allowed: Callable[[Path], bool] | None = None,
) -> Any:
    """The read-only engine; a URL from the environment is never quoted, whole or in part."""
    label = config.label
    hidden = config.url_env is not None
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):  # ValueError: a port that is not a number
        what = (
            f"the environment variable {config.url_env} does not hold a database URL (its value is not shown)"
            if hidden
            else f"not a database URL: {_redact(url)!r}"
        )
        todo = "a URL such as sqlite:///scorecard.db or postgresql+psycopg://user@host/db"
        raise _fail(label, "", what, todo) from None
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_file(parsed.database or "", config, sqlite_allowed)
    try:
        return read_only_engine(sa, parsed, guard)
    except sa.exc.NoSuchModuleError:
        what = f"SQLAlchemy has no dialect {parsed.drivername!r}"
        if hidden:
            what = f"the URL in {config.url_env} names no database SQLAlchemy knows (its value is not shown)"
        raise _fail(
            label,
            "",
            what,
            "a URL whose scheme is a database SQLAlchemy supports (sqlite, postgresql, mysql, mssql, oracle)",
        ) from None
    except ImportError as error:
        driver = "the URL" if hidden else parsed.drivername
        raise _fail(
            label,
            "",
            f"the driver for {driver} is not installed ({secrets.scrub(str(error))})",
            "install the database driver named in the URL (for example pip install psycopg)",
        ) from None
    except sa.exc.ArgumentError as error:  # options in the URL the dialect does not take
        raise _fail(
            label, "", f"the URL is not usable: {secrets.scrub(str(error))}", "check the URL"
        ) from None


def _check_sqlite_file(
    database: str, config: SqlConfig, allowed: Callable[[Path], bool] | None = None
) -> None:
    """Refuse a URI filename (it could ask for mode=rw), a file the caller does not allow (decided
    before the file is touched, so the answer does not tell whether it exists) and a file that does
    not exist."""
    label, env = config.label, config.url_env
    if database.startswith("file:"):  # the path is always opened read-only here
        what = f"a SQLite URI filename: {database!r}"
        if env:
            what = f"the URL in {env} holds a SQLite URI filename (file:...; its value is not shown)"
        raise _fail(
            label,
            "",
            what,
            "a plain path such as sqlite:///data/scorecard.db (it is always opened read-only)",
        )
    in_file = bool(database) and database != ":memory:"
    if in_file and allowed is not None and not allowed(Path(database).resolve()):
        where = f"the SQLite database file named in {env}" if env else f"the SQLite database file {database}"
        raise _fail(
            label,
            "",
            f"{where} is outside the folders this source may read (its own folder, or a trusted one)",
            "keep the database beside the workbook, or trust its folder: scorecard-xl trust add FOLDER",
        )
    if in_file and not Path(database).is_file():
        what = f"no such SQLite database file: {database}"
        if env:
            what = f"the SQLite database file named in {env} does not exist (its value is not shown)"
        raise _fail(
            label,
            "",
            what,
            "check the path in the URL (relative paths are from the current folder); "
            "reading never creates a database",
        )


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

_Row = tuple[str, int, str, str, str, object]  # source, row number, measure, series, period, value
_Tidy = tuple[str, str, str, object]  # measure, series, period, value
_Shape = Callable[[Sequence[str]], Callable[[Sequence[Any]], _Tidy]]  # column names -> row reader


_NARROWER = (
    "select only what the scorecard shows (a WHERE on its measures and periods), and make sure any "
    "WITH RECURSIVE ends"
)


class _LimitReached(InputError):
    """A limit of the whole source (time, rows, text): reading stops at once."""


class _Reader:
    """Runs one source's statements under its guard and limits, fetching rows in batches, and
    words what goes wrong: each problem names the source, the table or measure and what to do."""

    def __init__(self, sa: Any, connection: Any, config: SqlConfig, guard: Guard, secrets: _Secrets) -> None:
        # A server sends rows as they are fetched, not all at once (SQLite always does; others ignore it).
        connection = connection.execution_options(stream_results=True, max_row_buffer=_BATCH)
        self.sa, self.connection, self.config = sa, connection, config
        self.guard, self.limits, self.secrets = guard, guard.limits, secrets
        self.label = config.label
        self.rows = 0  # rows read so far, all statements together
        self.characters = 0  # text kept so far

    def table(self) -> list[_Row]:
        sa, name = self.sa, self.config.table or DEFAULT_TABLE
        schema, _, table_name = name.rpartition(".")
        statement = sa.select(sa.text("*")).select_from(sa.table(table_name, schema=schema or None))
        where = f"table {name}"
        todo = (
            "a table with the columns measure, series (optional), period and value; or a view that renames "
            "yours to those, or one query per measure (queries = {...})"
        )

        def shape(columns: Sequence[str]) -> Callable[[Sequence[Any]], _Tidy]:
            index = _column_index(
                columns, ("measure", "period", "value"), self.label, where, "the table", todo
            )
            at = columns.index("series") if "series" in columns else None
            m, p, v = index["measure"], index["period"], index["value"]
            return lambda row: (text_of(row[m]), _series(row, at), _period_text(row[p]), _value(row[v]))

        def failed(message: str) -> str:
            return (
                f"cannot read the table: {message}; check that the table {name} exists and is readable by "
                "this user, or set table to the right name"
            )

        tidy = self._read(
            where, f"the table {name}", lambda: self.connection.execute(statement), shape, failed
        )
        tidy.sort(key=lambda r: (r[0], r[1], r[2]))
        source = f"{self.label} {where}"
        return [(source, n, m, s, p, v) for n, (m, s, p, v) in enumerate(tidy, start=1)]

    def queries(self) -> list[_Row]:
        rows: list[_Row] = []
        problems: list[Problem] = []
        for measure, sql in self.config.queries.items():
            try:
                tidy = self._query(measure, sql)
            except _LimitReached as error:  # no point running the rest
                raise InputError([*problems, *error.problems]) from None
            except InputError as error:
                problems.extend(error.problems)
                continue
            source = f"{self.label} query {measure}"
            rows.extend((source, n, m, s, p, v) for n, (m, s, p, v) in enumerate(tidy, start=1))
        if problems:
            raise InputError(problems)
        return rows

    def _query(self, measure: str, sql: str) -> list[_Tidy]:
        where = f"measure {measure}"
        todo = (
            "a query returning the columns period, value and optionally series: rename yours with AS "
            "(for example SELECT month AS period, rate AS value FROM ...)"
        )

        def shape(columns: Sequence[str]) -> Callable[[Sequence[Any]], _Tidy]:
            index = _column_index(columns, ("period", "value"), self.label, where, "the query", todo)
            at = columns.index("series") if "series" in columns else None
            p, v = index["period"], index["value"]
            return lambda row: (measure, _series(row, at), _period_text(row[p]), _value(row[v]))

        def failed(message: str) -> str:
            hint = f"; {REFUSED_HINT}" if refused(message) else ""
            return (
                f"the query failed: {message}; fix the SQL for {measure} in queries "
                f"(it is sent to the database as written{hint})"
            )

        run = self.connection.exec_driver_sql
        return self._read(where, f"the query for {measure}", lambda: run(sql), shape, failed)

    def _read(
        self, where: str, what: str, execute: Callable[[], Any], shape: _Shape, failed: Callable[[str], str]
    ) -> list[_Tidy]:
        """Run one statement and read its rows; `what` names it in messages ("the query for CR06")."""
        tidy: list[_Tidy] = []
        with self.guard.statement():
            try:
                result = execute()
                try:
                    if not result.returns_rows:
                        raise _fail(
                            self.label,
                            where,
                            f"{what} returned no rows at all (not a SELECT?)",
                            "write a SELECT returning the columns period and value (and optionally series)",
                        )
                    names = result.keys()  # a Result, not a dict: iterating it would read the rows
                    read = shape([str(c).strip().lower() for c in names])
                    for batch in _batches(result):
                        with self.guard.paused():  # the time limit is the database's, not ours
                            self._count_rows(len(batch), where, what)
                            kept = [read(row) for row in batch]
                            self._count_text(kept, where, what)
                            tidy.extend(kept)
                finally:
                    result.close()
            except self.sa.exc.SQLAlchemyError as error:
                raise self._failure(error, where, what, failed) from None
        return tidy

    def _count_rows(self, count: int, where: str, what: str) -> None:
        self.rows += count
        if self.rows > self.limits.rows:
            raise self._stop(
                where,
                f"reading stopped at {what}: the source returned more than {self.limits.rows:,} rows "
                f"(the table, or all its queries together), the most one source may; {_NARROWER}",
            )

    def _count_text(self, kept: Sequence[_Tidy], where: str, what: str) -> None:
        self.characters += sum(
            len(m) + len(s) + len(p) + (len(v) if isinstance(v, str) else 0) for m, s, p, v in kept
        )
        if self.characters > self.limits.characters:
            raise self._stop(
                where,
                f"reading stopped at {what}: the source returned more than {self.limits.characters:,} "
                f"characters of text, the most one source may; {_NARROWER}",
            )

    def _stop(self, where: str, text: str) -> _LimitReached:
        return _LimitReached([Problem(self.label, where, "", None, text)])

    def _failure(self, error: Exception, where: str, what: str, failed: Callable[[str], str]) -> InputError:
        """The InputError for a database error, in the guard's words when the guard stopped it."""
        message = _explained(self.secrets.scrub(_db_message(error)))
        if self.guard.timed_out or "statement timeout" in message:  # SQLite's guard, PostgreSQL's
            seconds = f"{self.limits.seconds:g} second{'s' if self.limits.seconds != 1 else ''}"
            return self._stop(
                where,
                f"{what} took longer than {seconds} and was stopped; make it quicker (a narrower WHERE, "
                "an index) and make sure any WITH RECURSIVE ends",
            )
        if self.guard.refused:
            return _fail(self.label, where, *_refusal(what, *self.guard.refused))
        return InputError.of(self.label, where, "", None, failed(message))


def _batches(result: Any) -> Iterator[Sequence[Any]]:
    while batch := result.fetchmany(_BATCH):
        yield batch


def _series(row: Sequence[Any], at: int | None) -> str:
    """The series column's value, lower-cased; `actual` when there is no column or it is empty."""
    return (text_of(row[at]).lower() if at is not None else "") or "actual"


def _refusal(what: str, name: str, inside: str | None) -> tuple[str, str]:
    """The function the SQLite guard refused, and what a query may call instead."""
    where = f" (in the view or trigger {inside})" if inside else ""
    return (
        f"{what} calls the function {name}(){where}, which is not allowed",
        "a query may call only the functions SQLite offers for reading and arithmetic: "
        + ", ".join(sorted(FUNCTIONS)),
    )


def _explained(message: str) -> str:
    """A database message with the limit behind it, where one of the guard's limits caused it."""
    lowered = message.lower()
    if "string or blob too big" in lowered:
        return f"{message} (a value may be at most {VALUE_BYTES:,} bytes)"
    if "query string is too large" in lowered or "statement too long" in lowered:
        return f"{message} (a query may be at most {SQL_BYTES:,} bytes)"
    if "unsafe use of" in lowered:
        return f"{message} (the database's views and triggers may not use it)"
    if "vtable constructor failed" in lowered:
        return f"{message} (virtual tables, such as full-text indexes, are not read)"
    return message


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


@dataclass(frozen=True)
class _Secrets:
    """What no message may show: a URL read from the environment, whole, its password and its
    query values (tokens), as written and percent-decoded. Pieces shorter than three characters
    are left alone: replacing every `a` would hide nothing and garble the message."""

    pieces: tuple[str, ...] = ()

    @classmethod
    def of(cls, url: str) -> _Secrets:
        # The password up to the first @ (as SQLAlchemy reads it) and up to the last (as some drivers do).
        passwords = [re.match(r"[^:]*://[^:/@]*:(" + upto + ")@", url) for upto in ("[^@]*", ".*")]
        query = url.partition("?")[2]
        pieces = {url, *(p[1] for p in passwords if p), *(v for _, v in urllib.parse.parse_qsl(query))}
        pieces |= {decode(p) for p in pieces for decode in (urllib.parse.unquote, urllib.parse.unquote_plus)}
        return cls(tuple(sorted((p for p in pieces if len(p) >= 3), key=len, reverse=True)))

    def scrub(self, text: str) -> str:
        for piece in self.pieces:
            text = re.sub(re.escape(piece), "***", text, flags=re.IGNORECASE)
        return text


def _redact(url: str) -> str:
    """A URL with any password replaced, for messages."""
    return re.sub(r"(://[^:/@]+:)[^@/]*@", r"\1***@", url)


def _sqlite_file_name(url: str) -> str:
    _, _, path = url.partition(":///")
    return Path(path.split("?")[0]).name if path else ""
