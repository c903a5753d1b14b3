"""Databases opened so that what the configuration sends can only read.

A configured query is sent as written, so it could as well be `DROP TABLE`, `ATTACH` a new file or
`VACUUM INTO` one. SQLite is opened read-only (`mode=ro`) and, because read-only mode still lets
ATTACH and VACUUM INTO create new files, with an authorizer that allows reading and nothing else.
A server database gets a read-only session where its dialect has one (PostgreSQL, MySQL, MariaDB,
Oracle); for others, and as the first defence everywhere, the database user should be one that
may only read (docs/formats.md says so).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

# What the SQLite authorizer lets through: reading tables, calling functions, WITH RECURSIVE, a
# pragma asked for its value (SQLAlchemy reads read_uncommitted), and the pragmas that only
# describe the schema. Setting a pragma (query_only = 0), ATTACH and VACUUM INTO are refused.
_READ_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
_READ_PRAGMAS = frozenset(
    {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list"}
)
_SESSION = {  # run once per new connection, then committed (the setting outlives the transaction)
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
    "mysql": "SET SESSION TRANSACTION READ ONLY",
    "mariadb": "SET SESSION TRANSACTION READ ONLY",
}
_TRANSACTION = {"oracle": "SET TRANSACTION READ ONLY"}  # at the start of every transaction
REFUSED_HINT = "the database is opened read-only, so a query may only read (SELECT)"


def read_only_engine(sa: Any, parsed: Any) -> Any:
    """An SQLAlchemy engine for the URL `parsed` on which nothing can be written."""
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return sa.create_engine("sqlite://", creator=_sqlite_connector(parsed.database or ""))
    engine = sa.create_engine(parsed)
    session = _SESSION.get(backend)
    if session:

        def on_connect(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(session)
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


def _sqlite_connector(database: str) -> Callable[[], sqlite3.Connection]:
    def connect() -> sqlite3.Connection:
        if database in ("", ":memory:"):
            connection = sqlite3.connect(":memory:", check_same_thread=False)
        else:  # a URI, so mode=ro applies; as_uri() escapes what a path may hold (?, #, %)
            uri = Path(database).resolve().as_uri() + "?mode=ro"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        connection.set_authorizer(_reads_only)
        return connection

    return connect


def _reads_only(action: int, first: str | None, second: str | None, _db: str | None, _src: str | None) -> int:
    if action in _READ_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (second is None or (first or "").lower() in _READ_PRAGMAS):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY
