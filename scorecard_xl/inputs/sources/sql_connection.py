"""A SQL source's configuration and the connection to it: which database (a URL from an environment
variable, or a plain SQLite file), which table or queries, checked before anything connects; an
engine that can only read (sql_readonly's guards on SQLite); and a secret never shown (Secrets
scrubs the URL, its password and query values from what the database or its driver says)."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorecard_xl.errors import InputError, Problem
from scorecard_xl.inputs.sources.sql_readonly import (
    Guard,
    read_only_engine,
)

DEFAULT_TABLE = "scorecard_data"
DEFAULT_URL_ENV = "SCORECARD_XL_DB_URL"
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
    check_config(config, source)
    return config


def check_config(config: SqlConfig, source: str) -> None:
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
        problems.append(Problem(source, where, "url", redact(config.url), "either url or url_env, not both"))
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
                redact(config.url),
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


def resolve_url(config: SqlConfig, env: Mapping[str, str]) -> str:
    if config.url is not None:
        return config.url
    assert config.url_env is not None
    url = env.get(config.url_env, "").strip()
    if not url:
        raise sql_failure(
            config.label,
            "",
            f"the environment variable {config.url_env} is not set",
            f"set {config.url_env} to the database URL (for example "
            f"{config.url_env}=postgresql+psycopg://user@host/db, or sqlite:///scorecard.db) before running",
        )
    return url


def import_sqlalchemy(config: SqlConfig) -> Any:
    try:
        import sqlalchemy  # only SQL sources pay for the import
        import sqlalchemy.exc
    except ImportError:
        raise sql_failure(
            config.label,
            "",
            "reading from a database needs SQLAlchemy, which is not installed",
            "pip install sqlalchemy (and the driver for your database)",
        ) from None
    return sqlalchemy


def make_engine(
    sa: Any,
    url: str,
    config: SqlConfig,
    guard: Guard,
    secrets: Secrets,
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
            else f"not a database URL: {redact(url)!r}"
        )
        todo = "a URL such as sqlite:///scorecard.db or postgresql+psycopg://user@host/db"
        raise sql_failure(label, "", what, todo) from None
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_file(parsed.database or "", config, sqlite_allowed)
    try:
        return read_only_engine(sa, parsed, guard)
    except sa.exc.NoSuchModuleError:
        what = f"SQLAlchemy has no dialect {parsed.drivername!r}"
        if hidden:
            what = f"the URL in {config.url_env} names no database SQLAlchemy knows (its value is not shown)"
        raise sql_failure(
            label,
            "",
            what,
            "a URL whose scheme is a database SQLAlchemy supports (sqlite, postgresql, mysql, mssql, oracle)",
        ) from None
    except ImportError as error:
        driver = "the URL" if hidden else parsed.drivername
        raise sql_failure(
            label,
            "",
            f"the driver for {driver} is not installed ({secrets.scrub(str(error))})",
            "install the database driver named in the URL (for example pip install psycopg)",
        ) from None
    except sa.exc.ArgumentError as error:  # options in the URL the dialect does not take
        raise sql_failure(
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
        raise sql_failure(
            label,
            "",
            what,
            "a plain path such as sqlite:///data/scorecard.db (it is always opened read-only)",
        )
    in_file = bool(database) and database != ":memory:"
    if in_file and allowed is not None and not allowed(Path(database).resolve()):
        where = f"the SQLite database file named in {env}" if env else f"the SQLite database file {database}"
        raise sql_failure(
            label,
            "",
            f"{where} is outside the folders this source may read (its own folder, or a trusted one)",
            "keep the database beside the workbook, or trust its folder: scorecard-xl trust add FOLDER",
        )
    if in_file and not Path(database).is_file():
        what = f"no such SQLite database file: {database}"
        if env:
            what = f"the SQLite database file named in {env} does not exist (its value is not shown)"
        raise sql_failure(
            label,
            "",
            what,
            "check the path in the URL (relative paths are from the current folder); "
            "reading never creates a database",
        )


def source_location(config: SqlConfig) -> str:
    count = len(config.queries)
    table = config.table or DEFAULT_TABLE
    what = f"{count} {'query' if count == 1 else 'queries'}" if count else f"table {table}"
    if config.url_env:
        return f"{what} via ${config.url_env}"
    return f"{config.url} ({what})"


def connect_hint(config: SqlConfig) -> str:
    if config.url_env:
        return f"check that the server is reachable and that {config.url_env} holds the right URL and user"
    return "check the path in the URL"


def sql_failure(label: str, where: str, what: str, todo: str) -> InputError:
    return InputError.of(label, where, "", None, f"{what}; {todo}")


def db_message(error: Exception) -> str:
    """The database's own words, without SQLAlchemy's statement echo and background link."""
    original = getattr(error, "orig", None)
    text = str(original) if original is not None else str(error)
    return " ".join(text.split("\n")[0].split()) or type(error).__name__


@dataclass(frozen=True)
class Secrets:
    """What no message may show: a URL read from the environment, whole, its password and its
    query values (tokens), as written and percent-decoded. Pieces shorter than three characters
    are left alone: replacing every `a` would hide nothing and garble the message."""

    pieces: tuple[str, ...] = ()

    @classmethod
    def of(cls, url: str) -> Secrets:
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


def redact(url: str) -> str:
    """A URL with any password replaced, for messages."""
    return re.sub(r"(://[^:/@]+:)[^@/]*@", r"\1***@", url)


def _sqlite_file_name(url: str) -> str:
    _, _, path = url.partition(":///")
    return Path(path.split("?")[0]).name if path else ""
