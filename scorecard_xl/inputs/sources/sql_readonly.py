"""Databases opened so that what the configuration sends can only read, briefly and little.

A data source `.toml` may come from anyone, and its queries are sent as written, so they could as
well be `DROP TABLE`, `ATTACH` a new file, call a function that crashes the process
(`fts3_tokenizer`) or run for ever (an endless `WITH RECURSIVE`). The database file itself may be
hostile too. Every SQLite connection gets, before anything is read:

- read-only mode (`mode=ro`) and an authorizer that allows reading and nothing else, because
  read-only mode still lets ATTACH and VACUUM INTO create new files;
- in that authorizer, an allow-list of functions (FUNCTIONS: text, numbers, dates, aggregates and
  windows); anything else, `load_extension`, `fts3_tokenizer`, `readfile`, `zeroblob` among them,
  is refused while the statement is prepared, before it runs;
- no virtual tables (FTS, R-tree, json_each and the like; crafted contents of such tables are
  where SQLite's memory bugs have been): connecting one asks the authorizer to update
  sqlite_master, which it refuses ("vtable constructor failed"; the constructor has started by then,
  which is how `fts3_tokenizer` crashed it); and `PRAGMA trusted_schema = OFF`, so the database's
  own views and triggers cannot use virtual tables or functions SQLite does not mark harmless;
- limits (Python 3.11+): one value at most VALUE_BYTES, a statement at most SQL_BYTES, no attached
  databases, shallow expressions and few compound SELECTs;
- a time limit: a progress handler interrupts a statement that runs longer than `SqlLimits.seconds`
  (the database's time: the reader's own work on the rows it fetched does not count).

A server database gets a read-only session where its dialect has one (PostgreSQL, MySQL, MariaDB,
Oracle) and, on PostgreSQL, a `statement_timeout`; for others, and as the first defence everywhere,
the database user should be one that may only read (docs/formats.md says so). The row and text
caps of `SqlLimits` are applied by the reader (sql.py), which fetches in batches.
"""

from __future__ import annotations

import math
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SqlLimits:
    """How long and how much one source may read; `read_sql(..., limits=SqlLimits(seconds=5))`."""

    # One statement, from execute to its last row, less the reader's own work on the rows it fetched
    # (on PostgreSQL the server's statement_timeout)
    seconds: float = 30.0
    rows: int = 1_100_000  # rows of the table or of all queries together: more than Excel's 1,048,575
    characters: int = 250_000_000  # text kept (measures, series, periods, values): 2M tidy rows are ~50M


DEFAULT_LIMITS = SqlLimits()
VALUE_BYTES = 1_000_000  # one string or BLOB in SQLite; an Excel cell holds 32,767 characters
SQL_BYTES = 100_000  # one statement's text

# What the SQLite authorizer lets through: reading tables, calling allowed functions, WITH
# RECURSIVE, a pragma asked for its value (SQLAlchemy reads read_uncommitted), and the pragmas that
# only describe the schema. Setting a pragma (query_only = 0), ATTACH and VACUUM INTO are refused.
_READ_ACTIONS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE})
_READ_PRAGMAS = frozenset(
    {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list"}
)
# SQLite's functions for reading and arithmetic, which is all a SELECT for tidy data needs. Left
# out on purpose: anything touching files, extensions or SQLite's internals (load_extension,
# readfile, fts3_tokenizer, sqlite_*), blob makers that only allocate (zeroblob, randomblob),
# JSON and FTS helpers, and random/hex/quote, which no scorecard figure needs.
FUNCTIONS = frozenset(
    {
        # aggregates and windows
        *("avg", "count", "group_concat", "max", "min", "string_agg", "sum", "total"),
        *("row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile"),
        *("lag", "lead", "first_value", "last_value", "nth_value"),
        # choices and types
        *("coalesce", "ifnull", "iif", "nullif", "typeof"),
        # text (like and glob are the LIKE and GLOB operators)
        *("char", "concat", "concat_ws", "format", "glob", "instr", "length", "like", "lower"),
        *("ltrim", "printf", "replace", "rtrim", "substr", "substring", "trim", "unicode", "upper"),
        # numbers
        *("abs", "ceil", "ceiling", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pow"),
        *("power", "round", "sign", "sqrt", "trunc"),
        # dates and times
        *("date", "datetime", "julianday", "strftime", "time", "timediff", "unixepoch"),
    }
)
_SESSION = {  # run once per new connection, then committed (the setting outlives the transaction)
    "postgresql": ("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",),
    "mysql": ("SET SESSION TRANSACTION READ ONLY",),
    "mariadb": ("SET SESSION TRANSACTION READ ONLY",),
}
_TRANSACTION = {"oracle": "SET TRANSACTION READ ONLY"}  # at the start of every transaction
_PROGRESS_STEPS = 1_000  # SQLite instructions between looks at the clock: well under a millisecond
REFUSED_HINT = "the database is opened read-only, so a query may only read (SELECT)"


class Guard:
    """One engine's watch over its SQLite statements: the time limit, and what the authorizer refused.

    `with guard.statement():` around executing a statement and fetching its rows; afterwards
    `timed_out` and `refused` say why SQLite stopped it, if it did.
    """

    def __init__(self, limits: SqlLimits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self.deadline = math.inf  # no limit outside statement(): SQLAlchemy's own pragmas
        self.timed_out = False
        # The function the authorizer refused, and the view or trigger calling it if any
        self.refused: tuple[str, str | None] | None = None

    @contextmanager
    def statement(self) -> Iterator[None]:
        self.timed_out, self.refused = False, None
        self.deadline = time.monotonic() + self.limits.seconds
        try:
            yield
        finally:
            self.deadline = math.inf

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Time spent inside (the reader's own work on fetched rows) does not count against the limit."""
        start = time.monotonic()
        try:
            yield
        finally:
            self.deadline += time.monotonic() - start

    def progress(self) -> int:
        """SQLite's progress handler: non-zero interrupts the statement."""
        if time.monotonic() > self.deadline:
            self.timed_out = True
            return 1
        return 0


def read_only_engine(sa: Any, parsed: Any, guard: Guard | None = None) -> Any:
    """An SQLAlchemy engine for the URL `parsed` on which nothing can be written (see the module)."""
    guard = guard or Guard()
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return sa.create_engine("sqlite://", creator=_sqlite_connector(parsed.database or "", guard))
    engine = sa.create_engine(parsed)
    session = _SESSION.get(backend, ())
    if backend == "postgresql":  # the server stops a statement at the time limit
        session = (*session, f"SET statement_timeout = {max(1, round(guard.limits.seconds * 1000))}")
    if session:

        def on_connect(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            for statement in session:
                cursor.execute(statement)
            cursor.close()
            dbapi_connection.commit()

        sa.event.listen(engine, "connect", on_connect)
    transaction = _TRANSACTION.get(backend)
    if transaction:
        sa.event.listen(engine, "begin", lambda connection: connection.exec_driver_sql(transaction))
    return engine


def refused(message: str) -> bool:
    """Is a database error the read-only guard refusing something (so the hint applies)?"""
    lowered = message.lower()
    return any(
        word in lowered for word in ("not authorized", "authorization denied", "read-only", "readonly")
    )


def _sqlite_connector(database: str, guard: Guard) -> Callable[[], sqlite3.Connection]:
    def connect() -> sqlite3.Connection:
        if database in ("", ":memory:"):
            connection = sqlite3.connect(":memory:", check_same_thread=False)
        else:  # a URI, so mode=ro applies; as_uri() escapes what a path may hold (?, #, %)
            uri = Path(database).resolve().as_uri() + "?mode=ro"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        # Before the authorizer, which refuses setting a pragma.
        connection.execute("PRAGMA trusted_schema = OFF")
        _set_limits(connection)
        connection.set_authorizer(_authorizer(guard))
        connection.set_progress_handler(guard.progress, _PROGRESS_STEPS)
        return connection

    return connect


def _set_limits(connection: sqlite3.Connection) -> None:
    if sys.version_info >= (3, 11):  # Connection.setlimit is new in 3.11
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, VALUE_BYTES)
        connection.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, SQL_BYTES)
        connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        connection.setlimit(sqlite3.SQLITE_LIMIT_EXPR_DEPTH, 250)  # a 200-term OR is 200 deep
        connection.setlimit(sqlite3.SQLITE_LIMIT_COMPOUND_SELECT, 100)  # VALUES rows do not count


_Authorizer = Callable[[int, "str | None", "str | None", "str | None", "str | None"], int]


def _authorizer(guard: Guard) -> _Authorizer:
    def authorize(
        action: int, first: str | None, second: str | None, _db: str | None, inside: str | None
    ) -> int:
        if action in _READ_ACTIONS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION:  # second: the name (lower case for SQLite's own)
            if (second or "").lower() in FUNCTIONS:
                return sqlite3.SQLITE_OK
            guard.refused = (second or "", inside)
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_PRAGMA and (second is None or (first or "").lower() in _READ_PRAGMAS):
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    return authorize
