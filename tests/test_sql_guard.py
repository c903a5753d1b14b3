"""The SQL source's guards against a hostile configuration or database, on real SQLite files.

Each test sends what an attacker sent (a function that crashes SQLite, an endless WITH RECURSIVE,
a huge value, a view over a virtual table, a secret in an environment variable) and checks the
refusal is clean, quick and says why.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from scorecard_xl.errors import InputError
from scorecard_xl.inputs.sources.sql import DEFAULT_LIMITS, SqlLimits, read_sql
from scorecard_xl.inputs.sources.sql_connection import Secrets
from scorecard_xl.inputs.sources.sql_readonly import FUNCTIONS

ENDLESS = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
SECRET = "s3cr3t-TOKEN-value"
T = TypeVar("T")


def make_db(path: Path) -> Path:
    """A database with a tidy table, a kpi table, a full-text (virtual) table and hostile views."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE scorecard_data (measure TEXT, series TEXT, period TEXT, value)")
        db.executemany(
            "INSERT INTO scorecard_data VALUES (?, ?, ?, ?)",
            [("CR05", "actual", "2023-03", 412), ("CR05", "actual", "2023-02", 398)],
        )
        db.execute("CREATE TABLE kpi (month TEXT, rate REAL, kind TEXT)")
        db.executemany(
            "INSERT INTO kpi VALUES (?, ?, ?)",
            [("2023-01", 18.5, "actual"), ("2023-02", 19.25, "actual"), ("2023-02", 20, "ytd")],
        )
        db.execute("CREATE VIRTUAL TABLE notes USING fts3(body)")
        db.execute("INSERT INTO notes VALUES ('referrals rose in March')")
        db.execute(
            "CREATE VIEW blobs AS SELECT measure, series, period, randomblob(8) AS value FROM scorecard_data"
        )
        db.execute(
            "CREATE VIEW noted AS SELECT 'CR01' AS measure, '2023-01' AS period, body AS value FROM notes"
        )
    db.close()
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "hostile.db")


def peak_bytes(read: Callable[[], T]) -> tuple[T, int]:
    """What `read` returns, and the most memory Python held while it ran (the second time: what
    the first run imports and caches is not the read's)."""
    read()
    tracemalloc.start()
    try:
        result = read()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def query(db: Path, sql: str, limits: SqlLimits = DEFAULT_LIMITS) -> str:
    """The message of the InputError reading one query (CR06) must raise."""
    with pytest.raises(InputError) as error:
        read_sql({"url": f"sqlite:///{db}", "queries": {"CR06": sql}}, limits=limits)
    return str(error.value)


# -- functions: an allow-list, checked as the statement is prepared ----------------------------------


def test_fts3_tokenizer_is_refused(db: Path) -> None:
    text = query(db, "SELECT fts3_tokenizer('simple', x'4141414141414141') AS period, 1 AS value")
    assert text.startswith(
        "hostile.db, measure CR06: the query for CR06 calls the function fts3_tokenizer(), "
    )
    assert "which is not allowed; a query may call only the functions SQLite offers for reading" in text


def test_the_fts3_tokenizer_crash_cannot_happen(db: Path) -> None:
    """Unguarded, the first query points the 'simple' tokenizer at 0x4141... and the second, reading
    the full-text table, dies of SIGSEGV (Debian's SQLite 3.40): run in a child so a crash shows."""
    script = textwrap.dedent(
        f"""
        from scorecard_xl.errors import InputError
        from scorecard_xl.inputs.sources.sql import read_sql
        queries = {{
            "A": "SELECT fts3_tokenizer('simple', x'4141414141414141') AS period, 1 AS value",
            "B": "SELECT body AS period, 1 AS value FROM notes WHERE notes MATCH 'march'",
        }}
        try:
            read_sql({{"url": {f"sqlite:///{db}"!r}, "queries": queries}})
        except InputError as error:
            print(error)
        """
    )
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr
    assert "measure A: the query for A calls the function fts3_tokenizer()" in child.stdout
    assert "measure B: the query failed: vtable constructor failed: notes (virtual tables" in child.stdout


def test_load_extension_is_refused(db: Path) -> None:
    text = query(db, "SELECT load_extension('/tmp/evil.so') AS period, 1 AS value")
    assert "the query for CR06 calls the function load_extension(), which is not allowed" in text


def test_functions_outside_the_list_are_refused_whatever_their_case(db: Path) -> None:
    for sql, name in [
        ("SELECT month AS period, ZeroBlob(1000000) AS value FROM kpi", "zeroblob"),
        ("SELECT sqlite_version() AS period, 1 AS value", "sqlite_version"),
        ("SELECT month AS period, json_extract('{\"a\": 1}', '$.a') AS value FROM kpi", "json_extract"),
    ]:
        text = query(db, sql)
        assert f"calls the function {name}(), which is not allowed" in text
        assert ": abs, avg, ceil, ceiling, char, coalesce, concat, " in text  # the list, in order


def test_a_view_calling_a_function_outside_the_list_is_refused(db: Path) -> None:
    with pytest.raises(InputError) as error:
        read_sql({"url": f"sqlite:///{db}", "table": "blobs"})
    assert str(error.value).startswith(
        "hostile.db, table blobs: the table blobs calls the function randomblob() (in the view or trigger "
        "blobs), which is not allowed"
    )


def test_a_view_over_a_virtual_table_is_refused_trusted_schema_is_off(db: Path) -> None:
    with pytest.raises(InputError) as error:
        read_sql({"url": f"sqlite:///{db}", "table": "noted"})
    assert 'cannot read the table: unsafe use of virtual table "notes"' in str(error.value)
    assert "(the database's views and triggers may not use it)" in str(error.value)


def test_reading_a_virtual_table_directly_is_refused(db: Path) -> None:
    for sql in [
        "SELECT body AS period, 1 AS value FROM notes WHERE notes MATCH 'march'",
        "SELECT key AS period, value FROM json_each('[1, 2]')",  # a table-valued function
    ]:
        text = query(db, sql)
        assert ": vtable constructor failed: " in text
        assert "(virtual tables, such as full-text indexes, are not read); fix the SQL for CR06" in text


def test_ordinary_functions_windows_and_recursion_still_work(db: Path) -> None:
    sql = """
        WITH RECURSIVE months(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM months WHERE n < 3)
        SELECT strftime('%Y-%m', date('2023-01-01', printf('+%d months', n - 1))) AS Period,
               coalesce(round(avg(k.rate) OVER (ORDER BY n ROWS 1 PRECEDING), 2), 0) AS value,
               CASE WHEN lag(n) OVER (ORDER BY n) IS NULL THEN 'actual' ELSE lower('YTD') END AS series
        FROM months LEFT JOIN kpi AS k ON k.month LIKE '2023-0' || n AND k.kind = 'actual'
        ORDER BY n
    """
    records, _ = read_sql({"url": f"sqlite:///{db}", "queries": {"CR06": sql}})
    assert [(r.series, r.period, r.value) for r in records] == [
        ("actual", "2023-01", 18.5),
        ("ytd", "2023-02", 18.88),
        ("ytd", "2023-03", 19.25),
    ]


# -- time, rows, text and length: bounded, whatever the query --------------------------------------


def test_a_long_query_is_stopped_at_the_time_limit(db: Path) -> None:
    # Ends on its own after tens of seconds, so the test fails (rather than hangs) unguarded.
    sql = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100000000) "
    start = time.monotonic()
    text = query(db, sql + "SELECT max(n) AS period, 1 AS value FROM r", SqlLimits(seconds=0.5))
    assert time.monotonic() - start < 5
    assert text.startswith(
        "hostile.db, measure CR06: the query for CR06 took longer than 0.5 seconds and was stopped; make it "
        "quicker"
    )


def test_an_endless_query_stops_at_the_row_cap_in_little_memory(db: Path) -> None:
    text, peak = peak_bytes(
        lambda: query(db, ENDLESS + "SELECT n AS period, n AS value FROM r", SqlLimits(rows=1000))
    )
    assert text.startswith(
        "hostile.db, measure CR06: reading stopped at the query for CR06: the source returned more than "
        "1,000 rows (the table, or all its queries together), the most one source may; select only"
    )
    assert peak < 4_000_000


def test_the_row_cap_counts_all_queries_and_the_table(db: Path) -> None:
    rows_600 = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 600) "
    queries = {
        "CR01": "SELECT nope FROM kpi",  # its problem is reported too
        "CR02": rows_600 + "SELECT n AS period, n AS value FROM r",
        "CR03": rows_600 + "SELECT n AS period, n AS value FROM r",
        "CR04": "SELECT month AS period, rate AS value FROM kpi",  # never run
    }
    with pytest.raises(InputError) as error:
        read_sql({"url": f"sqlite:///{db}", "queries": queries}, limits=SqlLimits(rows=1000))
    problems = [str(p) for p in error.value.problems]
    assert len(problems) == 2
    assert problems[0].startswith("hostile.db, measure CR01: the query failed: no such column: nope")
    assert problems[1].startswith("hostile.db, measure CR03: reading stopped at the query for CR03")
    records, _ = read_sql(
        {"url": f"sqlite:///{db}", "queries": {"CR02": queries["CR02"]}}, limits=SqlLimits(rows=600)
    )
    assert len(records) == 600
    with pytest.raises(InputError) as error:
        read_sql({"url": f"sqlite:///{db}"}, limits=SqlLimits(rows=1))
    assert str(error.value).startswith(
        "hostile.db, table scorecard_data: reading stopped at the table scorecard_data: the source returned "
        "more than 1 rows"
    )


def test_text_is_capped_too(db: Path) -> None:
    rows_500 = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 500) "
    sql = rows_500 + "SELECT printf('%.*c', 10000, 'x') AS period, n AS value FROM r"  # 5,000,000
    text = query(db, sql, SqlLimits(characters=1_000_000))
    assert "reading stopped at the query for CR06: the source returned more than 1,000,000 characters" in text


@pytest.mark.skipif(sys.version_info < (3, 11), reason="Connection.setlimit is new in Python 3.11")
def test_a_huge_value_is_refused_by_the_length_limit(db: Path) -> None:
    two_megabytes = "replace(printf('%.*c', 2000, 'x'), 'x', printf('%.*c', 1000, 'y'))"
    text = query(db, f"SELECT {two_megabytes} AS period, 1 AS value")
    assert "the query failed: string or blob too big (a value may be at most 1,000,000 bytes)" in text
    # printf gives up (NULL) rather than build 100 MB.
    sql = "SELECT printf('%.*c', 100000000, 'x') AS period, 1 AS value"
    (records, _), peak = peak_bytes(lambda: read_sql({"url": f"sqlite:///{db}", "queries": {"CR06": sql}}))
    assert records[0].period == ""
    assert peak < 4_000_000


@pytest.mark.skipif(sys.version_info < (3, 11), reason="Connection.setlimit is new in Python 3.11")
def test_a_statement_may_not_be_endlessly_long(db: Path) -> None:
    text = query(db, "SELECT 1 AS period, 1 AS value" + " " * 200_000)
    assert "query string is too large (a query may be at most 100,000 bytes)" in text


# -- secrets: a value from the environment is never shown ------------------------------------------


def test_a_secret_that_is_not_a_url_is_never_shown() -> None:
    with pytest.raises(InputError) as error:
        read_sql({"url_env": "MY_API_TOKEN"}, environ={"MY_API_TOKEN": SECRET})
    text = str(error.value)
    assert text == (
        "$MY_API_TOKEN: the environment variable MY_API_TOKEN does not hold a database URL (its value is not "
        "shown); a URL such as sqlite:///scorecard.db or postgresql+psycopg://user@host/db"
    )


@pytest.mark.parametrize(
    "value",
    [
        f"nosuchdb://board:{SECRET}@db.example/kpi",  # no such dialect
        f"postgresql://board:{SECRET}@db.example:port/kpi",  # a port that is not a number
        f"postgresql://board:{SECRET}@db.example/kpi",  # its driver is not installed
        f"sqlite:////no/such/{SECRET}/kpi.db",  # no such file
        f"sqlite:///file:{SECRET}.db?mode=rw",  # a URI filename
    ],
)
def test_no_part_of_a_url_from_the_environment_is_shown(value: str) -> None:
    with pytest.raises(InputError) as error:
        read_sql({"url_env": "DB"}, environ={"DB": value})
    text = str(error.value)
    assert text.startswith("$DB: ")
    for part in (SECRET, "s3cr3t", "board", "db.example", "nosuchdb", "/no/such"):
        assert part not in text


def test_database_messages_are_scrubbed_of_the_url_its_password_and_tokens(tmp_path: Path) -> None:
    url = "postgresql://board:p%40ss-w0rd@db.example/kpi?sslpassword=t0ken-XYZ&application_name=sc"
    secrets = Secrets.of(url)
    said = (
        f'cannot connect to {url}: password "p@ss-w0rd" (P%40SS-W0RD) rejected, key T0KEN-xyz, for user board'
    )
    assert (
        secrets.scrub(said) == 'cannot connect to ***: password "***" (***) rejected, key ***, for user board'
    )
    # End to end: a database error quoting a query value of the URL.
    db = make_db(tmp_path / "kpi.db")
    env = {"DB": f"sqlite:///{db}?token=lookup-{SECRET}"}
    with pytest.raises(InputError) as error:
        read_sql({"url_env": "DB", "queries": {"CR06": f"SELECT * FROM [lookup-{SECRET}]"}}, environ=env)
    assert str(error.value).startswith("$DB, measure CR06: the query failed: no such table: ***; fix the SQL")


def test_the_limits_are_read_sql_keywords_with_sensible_defaults() -> None:
    assert SqlLimits() == SqlLimits(seconds=30.0, rows=1_100_000, characters=250_000_000)
    assert {"abs", "avg", "count", "strftime", "row_number", "lag"} <= FUNCTIONS
    assert not {"fts3_tokenizer", "load_extension", "readfile", "writefile", "edit", "zeroblob"} & FUNCTIONS
    assert not {"randomblob", "sqlite_version", "snippet", "highlight", "fts5", "match"} & FUNCTIONS
