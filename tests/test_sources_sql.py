"""The SQL source, through SQLAlchemy on real SQLite database files made by each test."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from scorecard_xl.errors import InputError
from scorecard_xl.inputs.data import build_dataset
from scorecard_xl.inputs.definition_reader import load_definition
from scorecard_xl.inputs.sources.sql import SqlConfig, read_sql, sql_config

LONG_ROWS = [
    ("CR09", "actual", "2023-02", 0.231),
    ("CR09", None, "2023-03", "c"),  # NULL series: actual, as in a tidy file
    ("CR09", "ytd", "2023-03", "22.8%"),
    ("CR09", "SN", "2022-23", 0.2084),  # series are read case-insensitively
    ("CR05", "actual", "2023-03", 412),
    ("CR05", "actual", "2023-02", None),
]


def make_db(
    path: Path, rows: Sequence[tuple[object, ...]] = LONG_ROWS, table: str = "scorecard_data"
) -> Path:
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE {table} (measure TEXT, series TEXT, period TEXT, value)")
        db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?)", rows)
        db.execute("CREATE TABLE kpi (month TEXT, rate REAL, kind TEXT, note TEXT)")
        db.executemany(
            "INSERT INTO kpi VALUES (?, ?, ?, ?)",
            [
                ("2023-01", 18.5, "actual", "a"),
                ("2023-02", 19.25, "actual", "b:c"),
                ("2023-02", 20, "ytd", ""),
            ],
        )
    db.close()
    return path


def message(error: pytest.ExceptionInfo[InputError]) -> str:
    return str(error.value)


def test_long_table_from_a_sqlite_url(tmp_path: Path) -> None:
    db = make_db(tmp_path / "scorecard.db")
    records, info = read_sql({"url": f"sqlite:///{db}"})
    # Sorted by measure, series, period; numbered in that order.
    assert [(r.measure, r.series, r.period, r.value) for r in records] == [
        ("CR05", "actual", "2023-02", None),
        ("CR05", "actual", "2023-03", 412),
        ("CR09", "actual", "2023-02", 0.231),
        ("CR09", "actual", "2023-03", "c"),
        ("CR09", "sn", "2022-23", 0.2084),
        ("CR09", "ytd", "2023-03", "22.8%"),
    ]
    assert [r.row for r in records] == [1, 2, 3, 4, 5, 6]
    assert records[0].source == "scorecard.db table scorecard_data"
    assert info.kind == "sql"
    assert info.location == f"sqlite:///{db} (table scorecard_data)"


def test_url_from_the_environment_and_a_configured_table(tmp_path: Path) -> None:
    db = make_db(tmp_path / "kpis.db", table="board_figures")
    env = {"SCORECARD_XL_DB_URL": f"sqlite:///{db}"}
    records, info = read_sql({"url_env": "SCORECARD_XL_DB_URL", "table": "board_figures"}, environ=env)
    assert len(records) == len(LONG_ROWS)
    assert records[0].source == "$SCORECARD_XL_DB_URL table board_figures"
    # The Cover records the variable's name, never the URL it holds.
    assert info.location == "table board_figures via $SCORECARD_XL_DB_URL"
    # schema.table works too (SQLite's main schema).
    schema_records, _ = read_sql(
        {"url_env": "SCORECARD_XL_DB_URL", "table": "main.board_figures"}, environ=env
    )
    assert [(r.measure, r.series, r.period, r.value) for r in schema_records] == [
        (r.measure, r.series, r.period, r.value) for r in records
    ]
    assert schema_records[0].source == "$SCORECARD_XL_DB_URL table main.board_figures"


def test_sha256_is_the_canonical_json_of_the_rows_whatever_their_order(tmp_path: Path) -> None:
    first = make_db(tmp_path / "a.db")
    second = make_db(tmp_path / "b.db", rows=list(reversed(LONG_ROWS)))
    changed = make_db(tmp_path / "c.db", rows=[*LONG_ROWS[:-1], ("CR05", "actual", "2023-02", 1)])
    records, info_a = read_sql({"url": f"sqlite:///{first}"})
    _, info_b = read_sql({"url": f"sqlite:///{second}"})
    _, info_c = read_sql({"url": f"sqlite:///{changed}"})
    assert info_a.sha256 == info_b.sha256
    assert info_a.sha256 != info_c.sha256
    # Worked out here independently: sorted compact JSON rows of [measure, series, period, value].
    rows = sorted(
        json.dumps([m, (s or "actual").lower(), p, v], separators=(",", ":")) for m, s, p, v in LONG_ROWS
    )
    expected = hashlib.sha256(("[" + ",".join(rows) + "]").encode()).hexdigest()
    assert info_a.sha256 == expected
    assert len(records) == 6


def test_one_query_per_measure(tmp_path: Path) -> None:
    db = make_db(tmp_path / "scorecard.db")
    config = {
        "url": f"sqlite:///{db}",
        "queries": {
            # A colon inside the SQL is not a bind parameter: the SQL goes to the driver as written.
            "CR06": "SELECT month AS period, rate AS Value FROM kpi WHERE note <> 'x:y' ORDER BY month, kind",
            "CR07": "SELECT month AS period, rate AS value, kind AS series FROM kpi ORDER BY month, kind",
        },
    }
    records, info = read_sql(config)
    assert [(r.source, r.row, r.measure, r.series, r.period, r.value) for r in records] == [
        ("scorecard.db query CR06", 1, "CR06", "actual", "2023-01", 18.5),
        ("scorecard.db query CR06", 2, "CR06", "actual", "2023-02", 19.25),
        ("scorecard.db query CR06", 3, "CR06", "actual", "2023-02", 20.0),
        ("scorecard.db query CR07", 1, "CR07", "actual", "2023-01", 18.5),
        ("scorecard.db query CR07", 2, "CR07", "actual", "2023-02", 19.25),
        ("scorecard.db query CR07", 3, "CR07", "ytd", "2023-02", 20.0),
    ]
    assert info.location == f"sqlite:///{db} (2 queries)"


def test_records_validate_against_a_definition_like_a_tidy_file(tmp_path: Path) -> None:
    db = make_db(tmp_path / "scorecard.db")
    definition_path = tmp_path / "board.toml"
    definition_path.write_text(
        """
[scorecard]
id = "board"
version = "1"
title = "Scorecard"
organisation = "Test"

[[comparators]]
id = "sn"
label = "SN"

[[sections]]
id = "front"
title = "Front door"

[[measures]]
id = "CR05"
section = "front"
title = "Referrals"
unit = "count"
polarity = "none"
frequency = "monthly"
ytd = "sum"
target = "none"

[[measures]]
id = "CR09"
section = "front"
title = "Re-referrals"
unit = "percent"
polarity = "low"
frequency = "monthly"
ytd = "provided"
target = "none"
""",
        encoding="utf-8",
    )
    records, info = read_sql(SqlConfig(url=f"sqlite:///{db}"))
    dataset = build_dataset(load_definition(definition_path), records, [info])
    assert dataset.sources == (info,)
    assert len(dataset.of("CR09").actual) == 2
    assert str(dataset.of("CR09").actual[min(dataset.of("CR09").actual)]) == "0.231"


def test_reading_never_writes(tmp_path: Path) -> None:
    db = make_db(tmp_path / "scorecard.db")
    before = db.read_bytes()
    with pytest.raises(InputError) as error:
        read_sql({"url": f"sqlite:///{db}", "queries": {"CR09": "DELETE FROM kpi"}})
    assert "measure CR09" in message(error) and "opened read-only, so a query may only read" in message(error)
    assert db.read_bytes() == before
    with sqlite3.connect(db) as check:
        assert check.execute("SELECT count(*) FROM kpi").fetchone() == (3,)
    check.close()


# -- errors: each names the source, the measure or table, the problem and what to do --------------


def test_missing_environment_variable(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        read_sql({"url_env": "SCORECARD_XL_DB_URL"}, environ={})
    assert message(error) == (
        "$SCORECARD_XL_DB_URL: the environment variable SCORECARD_XL_DB_URL is not set; set "
        "SCORECARD_XL_DB_URL to the database URL (for example "
        "SCORECARD_XL_DB_URL=postgresql+psycopg://user@host/db, or sqlite:///scorecard.db) before running"
    )


def test_a_url_with_credentials_is_refused_in_a_file_and_never_echoed() -> None:
    with pytest.raises(InputError) as error:
        read_sql({"url": "postgresql://board:s3cret@db.example/kpi"})
    text = message(error)
    assert "s3cret" not in text
    assert "postgresql://board:***@db.example/kpi" in text
    assert 'url_env = "SCORECARD_XL_DB_URL"' in text


def test_config_problems_are_all_reported(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        sql_config(
            {
                "kind": "sql",
                "url_env": "X",
                "url": "sqlite:///a.db",
                "table": "a; drop",
                "queries": {"A": ""},
                "host": 1,
            },
            "sources.toml",
        )
    text = message(error)
    assert "sources.toml, sql source: host: got 1; one of url, url_env, table, queries, name" in text
    assert "sources.toml, sql source, measure A: queries: got ''; an SQL SELECT as text" in text
    with pytest.raises(InputError) as error:
        sql_config(
            {"url_env": "X", "url": "sqlite:///a.db", "table": "a; drop", "queries": {"A": "SELECT 1"}}
        )
    text = message(error)
    assert "url: got 'sqlite:///a.db'; either url or url_env, not both" in text
    assert "either table (one long table) or queries" in text
    assert "table: got 'a; drop'; a table name such as scorecard_data or schema.table" in text
    with pytest.raises(InputError) as error:
        sql_config({"url_env": "sqlite:///a.db"})
    assert "an environment variable name such as SCORECARD_XL_DB_URL (not the URL itself)" in message(error)


def test_no_such_sqlite_file_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    with pytest.raises(InputError) as error:
        read_sql({"url": f"sqlite:///{missing}"})
    assert message(error) == (
        f"typo.db: no such SQLite database file: {missing}; check the path in the URL (relative paths "
        "are from the current folder); reading never creates a database"
    )
    assert not missing.exists()


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "x.db").write_bytes(b"not a database, but some text that is long enough" * 40)
    with pytest.raises(InputError) as error:
        read_sql({"url_env": "DB"}, environ={"DB": f"sqlite:///{tmp_path}/x.db"})
    assert message(error) == (
        "$DB, table scorecard_data: cannot read the table: file is not a database; check that the table "
        "scorecard_data exists and is readable by this user, or set table to the right name"
    )


def test_a_sqlite_uri_is_refused_it_could_ask_to_write(tmp_path: Path) -> None:
    url = f"sqlite:///file:{tmp_path}/x.db?mode=rwc&uri=true"
    with pytest.raises(InputError) as error:
        read_sql({"url_env": "DB"}, environ={"DB": url})
    assert "a SQLite URI filename" in message(error) and "always opened read-only" in message(error)
    assert not (tmp_path / "x.db").exists()


def test_unknown_dialect_and_malformed_url() -> None:
    # The URL came from the environment, so no part of it is shown (tests/test_sql_guard.py has more).
    with pytest.raises(InputError) as error:
        read_sql({"url_env": "DB"}, environ={"DB": "nosuchdb://host/x"})
    assert message(error).startswith(
        "$DB: the URL in DB names no database SQLAlchemy knows (its value is not shown); a URL whose scheme"
    )
    assert "nosuchdb" not in message(error)
    with pytest.raises(InputError) as error:
        read_sql({"url_env": "DB"}, environ={"DB": "not a url"})
    assert message(error).startswith(
        "$DB: the environment variable DB does not hold a database URL (its value is not shown); a URL"
    )
    assert "not a url" not in message(error)


def test_missing_table(tmp_path: Path) -> None:
    db = make_db(tmp_path / "scorecard.db")
    with pytest.raises(InputError) as error:
        read_sql({"url": f"sqlite:///{db}", "table": "figures"})
    assert message(error) == (
        "scorecard.db, table figures: cannot read the table: no such table: figures; check that the table "
        "figures exists and is readable by this user, or set table to the right name"
    )


def test_table_without_the_tidy_columns(tmp_path: Path) -> None:
    db = make_db(tmp_path / "scorecard.db")
    with pytest.raises(InputError) as error:
        read_sql({"url": f"sqlite:///{db}", "table": "kpi"})
    assert message(error).startswith(
        "scorecard.db, table kpi: the table has no columns measure, period, value (it has month, rate, "
        "kind, note); a table with the columns measure, series (optional), period and value"
    )


def test_bad_sql_and_missing_query_columns_name_the_measure_all_at_once(tmp_path: Path) -> None:
    db = make_db(tmp_path / "scorecard.db")
    queries = {
        "CR06": "SELECT month, rate FROM kpi",
        "CR07": "SELEC month AS period FROM kpi",
        "CR08": "SELECT month AS period, rate AS value FROM kpis",
        "CR09": "SELECT month AS period, rate AS value FROM kpi",
    }
    with pytest.raises(InputError) as error:
        read_sql({"url": f"sqlite:///{db}", "queries": queries})
    assert [str(p) for p in error.value.problems] == [
        "scorecard.db, measure CR06: the query has no columns period, value (it has month, rate); a query "
        "returning the columns period, value and optionally series: rename yours with AS (for example "
        "SELECT month AS period, rate AS value FROM ...)",
        'scorecard.db, measure CR07: the query failed: near "SELEC": syntax error; fix the SQL for CR07 in '
        "queries (it is sent to the database as written)",
        "scorecard.db, measure CR08: the query failed: no such table: kpis; fix the SQL for CR08 in "
        "queries (it is sent to the database as written)",
    ]


def test_the_command_line_builds_from_a_database_described_in_toml(tmp_path: Path) -> None:
    """`-d source.toml` with an [sql] table: the sample scorecard built from SQLite, same figures."""
    import csv

    import openpyxl

    from scorecard_xl.cli import main

    sample = Path(__file__).resolve().parent.parent / "samples" / "nct_2022_23" / "data.csv"
    with sample.open(encoding="utf-8") as handle:
        rows = [(r["measure"], r["series"], r["period"], r["value"]) for r in csv.DictReader(handle)]
    database = make_db(tmp_path / "performance.db", rows)
    source = tmp_path / "source.toml"
    source.write_text(f'[sql]\nurl = "sqlite:///{database.as_posix()}"\n', encoding="utf-8")
    assert main(["build", "-d", str(source), "-o", str(tmp_path / "from_sql.xlsx")]) == 0
    assert main(["build", "-d", str(sample), "-o", str(tmp_path / "from_csv.xlsx")]) == 0

    def scorecard(path: Path) -> list[tuple[object, ...]]:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [tuple(r) for r in book["Scorecard"].iter_rows(min_row=6, values_only=True)]
        finally:
            book.close()

    assert scorecard(tmp_path / "from_sql.xlsx") == scorecard(tmp_path / "from_csv.xlsx")
