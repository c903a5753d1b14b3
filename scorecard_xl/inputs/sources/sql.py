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
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from scorecard_xl.errors import InputError, Problem
from scorecard_xl.inputs.sources import RawRecord, SourceInfo
from scorecard_xl.inputs.sources.sql_connection import (
    DEFAULT_TABLE,
    Secrets,
    SqlConfig,
    check_config,
    connect_hint,
    db_message,
    import_sqlalchemy,
    make_engine,
    resolve_url,
    source_location,
    sql_config,
    sql_failure,
)
from scorecard_xl.inputs.sources.sql_readonly import (
    DEFAULT_LIMITS,
    FUNCTIONS,
    REFUSED_HINT,
    SQL_BYTES,
    VALUE_BYTES,
    Guard,
    SqlLimits,
    refused,
)
from scorecard_xl.inputs.values import text_of

TABLE_COLUMNS = ("measure", "series", "period", "value")
QUERY_COLUMNS = ("period", "value", "series")
_BATCH = 1_000  # rows fetched at a time: memory holds a batch, never a whole endless result


__all__ = ["DEFAULT_LIMITS", "SqlConfig", "SqlLimits", "read_sql", "sql_config"]


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
    check_config(config, "configuration")
    env = os.environ if environ is None else environ
    url = resolve_url(config, env)
    secrets = Secrets.of(url) if config.url_env else Secrets()
    sa = import_sqlalchemy(config)
    label = config.label
    guard = Guard(limits)
    engine = make_engine(sa, url, config, guard, secrets, sqlite_allowed)
    try:
        try:
            connection = engine.connect()
        except sa.exc.SQLAlchemyError as error:
            message = f"cannot connect to the database: {secrets.scrub(db_message(error))}"
            raise sql_failure(label, "", message, connect_hint(config)) from None
        except ImportError as error:  # a driver imported on first connect
            message = f"the database driver is not installed ({secrets.scrub(str(error))})"
            raise sql_failure(label, "", message, "install the driver named in the URL") from None
        with connection:
            reader = _Reader(sa, connection, config, guard, secrets)
            rows = reader.queries() if config.queries else reader.table()
    finally:
        engine.dispose()
    records = [RawRecord(source, number, m, s, p, v) for source, number, m, s, p, v in rows]
    location = source_location(config)
    return records, SourceInfo("sql", location, _rows_sha256(records))


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

    def __init__(self, sa: Any, connection: Any, config: SqlConfig, guard: Guard, secrets: Secrets) -> None:
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
                        raise sql_failure(
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
        message = _explained(self.secrets.scrub(db_message(error)))
        if self.guard.timed_out or "statement timeout" in message:  # SQLite's guard, PostgreSQL's
            seconds = f"{self.limits.seconds:g} second{'s' if self.limits.seconds != 1 else ''}"
            return self._stop(
                where,
                f"{what} took longer than {seconds} and was stopped; make it quicker (a narrower WHERE, "
                "an index) and make sure any WITH RECURSIVE ends",
            )
        if self.guard.refused:
            return sql_failure(self.label, where, *_refusal(what, *self.guard.refused))
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
        raise sql_failure(
            label, where, f"{what} has no column{plural} {', '.join(missing)} (it has {found})", todo
        )
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
