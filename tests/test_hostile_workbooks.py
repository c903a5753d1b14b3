"""The hostile-workbook corpus: built workbooks edited as a hostile sender would edit them (a text
editor and a zip tool, no Excel), then refreshed, rebuilt, sent or checked as the person who
received them would. Each case asserts the refusal (exit code 2, or one alert and no writes in
Excel), the words of the message, and that nothing was lost or leaked:

- no file outside the case's work folder was opened (an audit hook sees every open() and
  sqlite3.connect() of the command), and a sentinel written there, and a secret in the environment,
  appear nowhere in the output, the messages or any file the command left;
- the work folder is as it was (a refused command writes nothing);
- no traceback, and messages stay short.

The workbooks are the sample built from card.toml and data.csv in the work folder (its Cover
names data.csv), and its published copy (build --publish).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import sys
import tracemalloc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scorecard_xl import cli
from scorecard_xl.generate.sequence import build
from scorecard_xl.inputs.options import Options
from scorecard_xl.workbook import fields
from tests.cli_process import run_cli
from tests.conftest import SAMPLE_DATA, TEMPLATE
from tests.hostile_files import snapshot
from tests.hostile_workbooks import (
    Edit,
    defined_name,
    edited,
    in_sheet,
    replace_in,
    set_cells,
    set_named,
    sheet_part,
)

SENTINEL = "SENTINEL-5b1e9"  # in every file outside the work folder; must never come back
TOKEN = f"tok-{SENTINEL}-do-not-print"  # an environment secret a workbook may name
REFRESH = "refresh {book} -o out.xlsx"
EARLIER_PUBLISHED = "v1_published.xlsx"
OUTSIDE = "OUTSIDE"  # replaced in names by the outside folder's absolute path
Setup = Callable[[Path, Path], None]  # (work folder, outside folder)


@dataclass(frozen=True)
class Hostile:
    edits: tuple[Edit, ...]  # made to the workbook `book`
    fragments: tuple[str, ...]  # each must be in the message
    command: str = REFRESH
    code: int = 2
    book: str = "board.xlsx"
    env: Mapping[str, str] = field(default_factory=dict)
    setup: Setup | None = None


def hostile(
    *edits: Edit,
    says: str | tuple[str, ...],
    command: str = REFRESH,
    code: int = 2,
    book: str = "board.xlsx",
    env: Mapping[str, str] | None = None,
    setup: Setup | None = None,
) -> Hostile:
    fragments = (says,) if isinstance(says, str) else says
    return Hostile(edits, fragments, command, code, book, env or {}, setup)


def data_files(name: str) -> Edit:
    return set_named(fields.DATA.name, name)


def options(text: str) -> Edit:
    return set_named(fields.OPTIONS.name, text)


def pasted(measure: object, value: object, period: str = "2023-04") -> Edit:
    """A row pasted under the Data table, as an analyst adds a month (no data file gives it again)."""
    import re

    def edit(parts: dict[str, bytes]) -> None:
        part = sheet_part(parts, "Data")
        last = max(int(n) for n in re.findall(r'<row r="(\d+)"', parts[part].decode("utf-8")))
        row = last + 1
        set_cells("Data", {f"A{row}": measure, f"B{row}": "actual", f"C{row}": period, f"D{row}": value})(
            parts
        )

    return edit


def table_value(value: object) -> Edit:
    return pasted("CFSS01", value)


def link(name: str, target: str) -> Setup:
    """A symbolic link in the work folder to a file or folder in the outside folder."""

    def setup(work: Path, outside: Path) -> None:
        (work / name).symlink_to(outside / target)

    return setup


def source_file(name: str, text: str) -> Setup:
    """A data source (.toml) in the work folder."""

    def setup(work: Path, outside: Path) -> None:
        (work / name).write_text(text.replace(OUTSIDE, outside.as_posix()), encoding="utf-8")

    return setup


def dimension_bomb(sheet: str, cell: str = "A1048576") -> tuple[Edit, Edit]:
    """A declared extent of every row and column, and one cell in Excel's last row."""
    import re

    return (
        in_sheet(
            sheet, lambda xml: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
        ),
        set_cells(sheet, {cell: "x"}),
    )


def bombed_data() -> bytes:
    """A tidy data workbook of two rows that declares A1:XFD1048576 and has one cell in Excel's
    last row and column: openpyxl padding every row to the dimension took gigabytes."""
    import io

    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("data")
    for row, values in enumerate(
        [["measure", "series", "period", "value"], ["CFSS01", "actual", "2023-03", 5]]
    ):
        sheet.write_row(row, 0, values)
    book.close()
    return edited(out.getvalue(), *dimension_bomb("data", "XFD1048576"))


NOT_HERE = "a data file in the workbook's own folder, named relative to it"
NOT_A_NUMBER = "stored as one, but what it holds is not"
SQL_QUERY = '[sql]\nurl = "sqlite:///kpi.db"\n[sql.queries]\nCFSS01 = "{query}"\n'
ALLOW_SQL = {"SCORECARD_XL_ALLOW_SQL": "1"}

CASES: dict[str, Hostile] = {
    # --- the Cover's data files: only the workbook's own folder ----------------------------------
    "data files: ../ out of the folder": hostile(
        data_files("../outside/secret.csv"), says=(NOT_HERE, "climbs out of the folder with '..'")
    ),
    "data files: an absolute path": hostile(
        data_files(f"{OUTSIDE}/secret.csv"), says=(NOT_HERE, "it is an absolute path")
    ),
    "data files: an absolute path to nothing": hostile(
        data_files(f"{OUTSIDE}/nothing.csv"), says=(NOT_HERE, "it is an absolute path")
    ),
    "data files: .. in the middle": hostile(
        data_files("sub/../../outside/secret.csv"), says=(NOT_HERE, "with '..'")
    ),
    "data files: Windows separators": hostile(
        data_files("..\\outside\\secret.csv"), says=(NOT_HERE, "with '..'")
    ),
    "data files: a link out of the folder": hostile(
        data_files("link.csv"),
        says=(NOT_HERE, "leads out of the folder through a link"),
        setup=link("link.csv", "secret.csv"),
    ),
    "data files: a linked folder": hostile(
        data_files("linked/secret.csv"),
        says=(NOT_HERE, "leads out of the folder through a link"),
        setup=link("linked", ""),
    ),
    "data files: a network share": hostile(
        data_files("\\\\fileserver\\finance\\secret.csv"), says=(NOT_HERE, "names a network share")
    ),
    "data files: a forward-slash share": hostile(
        data_files("//fileserver/finance/secret.csv"), says=(NOT_HERE, "names a network share")
    ),
    "data files: a Windows drive": hostile(
        data_files("C:\\Users\\chief\\secret.csv"), says=(NOT_HERE, "it is an absolute path")
    ),
    "data files: a file URI": hostile(
        data_files(f"file://{OUTSIDE}/secret.csv"), says=(NOT_HERE, "a web address or URI")
    ),
    "data files: a web address": hostile(
        data_files("https://attacker.example/collect.csv"), says=(NOT_HERE, "a web address or URI")
    ),
    "data files: a home folder": hostile(data_files("~/secret.csv"), says=(NOT_HERE, "names a home folder")),
    "data files: a tab in the name": hostile(
        data_files("data\t.csv"), says=(NOT_HERE, "holds a control character")
    ),
    "data files: not a data file": hostile(data_files("/etc/hostname"), says="a .csv or .xlsx data file"),
    "data files: 33 names": hostile(
        data_files("; ".join(f"d{n}.csv" for n in range(33))), says="at most 32 data files"
    ),
    "data files: a name of 2,000 characters": hostile(
        data_files("a" * 1996 + ".csv"), says="a file name of at most 1,024 characters"
    ),
    "data files: the second of two is outside": hostile(
        data_files("data.csv; ../outside/secret.csv"), says="climbs out of the folder"
    ),
    "build --from-workbook: its data files outside": hostile(
        data_files("../outside/secret.csv"),
        says=(NOT_HERE, "climbs out"),
        command="build --from-workbook board.xlsx -o new.xlsx",
    ),
    # --- SQL: the operator's, and guarded when allowed ----------------------------------------------
    "sql: a source the workbook names, SQL not allowed": hostile(
        data_files("kpi.toml"),
        says=("a database source (.toml) named by a workbook runs SQL", "SCORECARD_XL_ALLOW_SQL=1"),
        setup=source_file("kpi.toml", SQL_QUERY.format(query="SELECT '2023-03' AS period, 1 AS value")),
    ),
    "sql: an outside source, SQL allowed": hostile(
        data_files("../outside/secret.toml"), says=(NOT_HERE, "climbs out"), env=ALLOW_SQL
    ),
    "sql: a database outside the folder": hostile(
        data_files("kpi.toml"),
        says="outside the folders this source may read",
        env=ALLOW_SQL,
        setup=source_file(
            "kpi.toml",
            f'[sql]\nurl = "sqlite:///{OUTSIDE}/cookies.db"\n[sql.queries]\n'
            "CFSS01 = \"SELECT '2023-03' AS period, value FROM cookies\"\n",
        ),
    ),
    "sql: fts3_tokenizer": hostile(
        data_files("kpi.toml"),
        says="fts3_tokenizer",
        env=ALLOW_SQL,
        setup=source_file(
            "kpi.toml",
            SQL_QUERY.format(query="SELECT fts3_tokenizer('simple', x'4141414141414141') AS value"),
        ),
    ),
    "sql: load_extension": hostile(
        data_files("kpi.toml"),
        says="load_extension",
        env=ALLOW_SQL,
        setup=source_file("kpi.toml", SQL_QUERY.format(query="SELECT load_extension('/tmp/x.so') AS value")),
    ),
    "sql: a value of two megabytes": hostile(
        data_files("kpi.toml"),
        says="string or blob too big",
        env=ALLOW_SQL,
        setup=source_file(
            "kpi.toml",
            SQL_QUERY.format(
                query="SELECT '2023-03' AS period, "
                "replace(printf('%.*c', 2000, 'x'), 'x', printf('%.*c', 1000, 'y')) AS value"
            ),
        ),
    ),
    "sql: an endless WITH RECURSIVE": hostile(
        data_files("kpi.toml"),
        says="the source returned more than 1,100,000 rows",
        env=ALLOW_SQL,
        setup=source_file(
            "kpi.toml",
            SQL_QUERY.format(
                query="WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
                "SELECT '2023-03' AS period, n AS value FROM r"
            ),
        ),
    ),
    "sql: the environment's secret as a URL": hostile(
        data_files("kpi.toml"),
        says=("MY_API_TOKEN", "its value is not shown"),
        env=ALLOW_SQL,
        setup=source_file(
            "kpi.toml", '[sql]\nurl_env = "MY_API_TOKEN"\n[sql.queries]\nCFSS01 = "SELECT 1"\n'
        ),
    ),
    # --- reading within limits ----------------------------------------------------------------------
    "a dimension bomb on the Setup sheet": hostile(
        *dimension_bomb("Setup", "B1048576"), says=("definition", "at most 200,000 lines")
    ),
    "a dimension bomb on the Data sheet": hostile(
        *dimension_bomb("Data"), says=("Data table, row 1048576", "measure: got 'x'")
    ),
    "a dimension bomb on the Cover, sent": hostile(
        *dimension_bomb("Cover"),
        says="outbox",
        command="send board.xlsx --to chair@example.org --from me@example.org --dry-run outbox --force",
        code=0,
    ),
    "a cell beyond Excel's last column": hostile(
        set_cells("Data", {"XFE7": "x"}), says="a cell within Excel's 1,048,576 rows and 16,384 columns"
    ),
    "a cell beyond Excel's last row": hostile(
        set_cells("Data", {"A1048577": "x"}), says="a cell within Excel's 1,048,576 rows"
    ),
    "the Data table's name stretched across every column": hostile(
        defined_name(fields.DATA_TABLE.name, "'Data'!$A$5:$XFD$5"),
        says=("defined name scxl_data_table", "a range of 1 rows and 6 columns"),
    ),
    "the Scorecard's Ref name stretched to the last row": hostile(
        defined_name(fields.REFS.name, "'Scorecard'!$A$6:$B$1048576"),
        says=("defined name scxl_refs", "rows"),
    ),
    "the commentary name on other rows than the measures": hostile(
        defined_name(fields.COMMENTARY.name, "'Scorecard'!$S$6:$S$50"),
        says=("defined name scxl_commentary", "the rows of the Scorecard's measures"),
    ),
    "a record name deleted": hostile(
        defined_name(fields.OPTIONS.name, None), says=("defined names", "scxl_options")
    ),
    "a name pointing beyond the grid": hostile(
        defined_name(fields.PICKER.name, "'Cover'!$B$99999999"), says=("defined names", "scxl_period")
    ),
    "a DTD in a sheet": hostile(
        replace_in("xl/worksheets/sheet2.xml", "<worksheet", '<!DOCTYPE x [<!ENTITY a "a">]><worksheet'),
        says="declares a DTD",
    ),
    # --- the record's cells --------------------------------------------------------------------------
    "record version from the future": hostile(
        set_named(fields.RECORD.name, 999), says=("Record version: got 999", "made by a newer scorecard-xl")
    ),
    "record version as text": hostile(set_named(fields.RECORD.name, "two"), says="Record version: got 'two'"),
    "layout signature edited": hostile(
        set_named(fields.SIGNATURE.name, "=HYPERLINK(1)"), says="Layout: got '=HYPERLINK(1)'"
    ),
    "period to show: 40 characters": hostile(
        set_named(fields.PICKER.name, "2023-03" * 6), says="Period to show", code=2
    ),
    "period to show: not a month": hostile(
        set_named(fields.PICKER.name, "../../etc"),
        says=("sheet 'Cover', cell B14: Period to show: got '../../etc'", "a month YYYY-MM"),
    ),
    "built with: unknown words": hostile(options("macros on; publish 5"), says="Built with: got 'macros on"),
    "built with: an option given twice": hostile(
        options("publish 5; publish 1"), says="Built with: got 'publish 5; publish 1'"
    ),
    "built with: a control character": hostile(
        options('organisation "Evil\\u0007Trust"'), says=("organisation", "U+0007")
    ),
    "built with: no suppression (publish 0)": hostile(
        options("publish 0"), says=("Built with", "a whole number from 1")
    ),
    "a data workbook beside it declaring every cell (a dimension bomb)": hostile(
        data_files("data.xlsx"),
        setup=lambda work, _: (work / "data.xlsx").write_bytes(bombed_data()),
        says=("data.xlsx, row 1048576", "measure"),
    ),
    "built with: a huge threshold": hostile(
        options("publish 999999999"), says="a whole number from 1 to 1,000,000"
    ),
    # --- suppression only goes up -------------------------------------------------------------------
    "published: refreshed": hostile(
        says=("is a published copy", "--from-workbook ANALYST.xlsx"), book="pub.xlsx"
    ),
    "published: made to look refreshable (its note's name deleted)": hostile(
        defined_name(fields.PUBLICATION.name, None), says="defined names", book="pub.xlsx"
    ),
    "an earlier published copy asking for less suppression, rebuilt": hostile(
        options("publish 1"),
        says=("publish 5 or more", "SCORECARD_XL_PUBLISH_FLOOR"),
        command="build --from-workbook {book} -o new.xlsx",
        book=EARLIER_PUBLISHED,
    ),
    "an earlier published copy, refreshed": hostile(
        says=("a published copy is a release, never refreshed", f'--from-workbook "{EARLIER_PUBLISHED}"'),
        book=EARLIER_PUBLISHED,
    ),
    "published: a count put back and the note edited, checked": hostile(
        set_named(fields.DATA_TABLE.name, 3, rows_below=1, columns_right=3),
        set_named(fields.PUBLICATION.name, "Published version: counts from 1 to 0 are shown as [c]."),
        says=("unsuppressed-count", "CFSS01 shows 3"),
        command="check pub.xlsx",
        code=1,
        book="pub.xlsx",
    ),
    "published: a count put back, checked": hostile(
        set_named(fields.DATA_TABLE.name, 3, rows_below=1, columns_right=3),
        says=("unsuppressed-count", "CFSS01 shows 3"),
        command="check pub.xlsx",
        code=1,
        book="pub.xlsx",
    ),
    # --- values -------------------------------------------------------------------------------------
    "data table: 1e308": hostile(table_value(1e308), says=("Data table, row 1092", "a number between")),
    "data table: '1e309' as text": hostile(
        table_value("1e309"), says=("Data table, row 1092", "a finite number")
    ),
    "data table: a 400-digit integer": hostile(
        table_value(int("9" * 400)), says=("Data table, row 1092", "a number between")
    ),
    "data table: nan": hostile(table_value("nan"), says=("Data table, row 1092", "got 'nan'")),
    "data table: a number cell holding NaN": hostile(
        table_value(float("nan")),
        says=("sheet 'Data', cell D1092", NOT_A_NUMBER),
    ),
    "data table: a number cell holding INF": hostile(
        table_value(float("inf")),
        says=("sheet 'Data', cell D1092", NOT_A_NUMBER),
    ),
    "data table: -inf": hostile(table_value("-inf"), says=("Data table, row 1092", "got '-inf'")),
    "data table: a formula for a measure": hostile(
        pasted('=HYPERLINK("http://x","y")', 5), says="measure: got '=HYPERLINK"
    ),
    "data table: its header renamed": hostile(
        set_named(fields.DATA_TABLE.name, "Password"), says="Data table header: got 'Password"
    ),
    # --- the definition on the Setup sheet ----------------------------------------------------------
    "setup: the definition named .exe": hostile(
        set_named(fields.DEFINITION_TEXT.name, "card.exe"), says="a name ending .toml, .yaml or .yml"
    ),
    "setup: a definition line of TOML that does not parse": hostile(
        set_named(fields.DEFINITION_TEXT.name, "[scorecard", rows_below=1), says="Setup sheet"
    ),
    "a Summary count of infinity, sent": hostile(
        set_named("scxl_totals", "inf", rows_below=12, columns_right=0),
        says="a workbook built by scorecard-xl build",
        command="send board.xlsx --to chair@example.org --from me@example.org --dry-run outbox --force",
    ),
    "a title of 300 characters, sent": hostile(
        set_named(fields.TITLE.name, "T" * 300),
        says="text of at most 255 characters",
        command="send board.xlsx --to chair@example.org --from me@example.org --dry-run outbox --force",
    ),
}


# --- the work folder, the outside folder, and watching what is opened --------------------------------


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """card.toml, data.csv, kpi.db, the workbook built from them (board.xlsx) and its published
    copy (pub.xlsx)."""
    folder = tmp_path_factory.mktemp("pristine")
    (folder / "card.toml").write_bytes(TEMPLATE.read_bytes())
    (folder / "data.csv").write_bytes(SAMPLE_DATA.read_bytes())
    with sqlite3.connect(folder / "kpi.db") as db:
        db.execute("CREATE TABLE kpi (period TEXT, value REAL)")
    db.close()
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        build("board.xlsx", "card.toml", ["data.csv"])
        build("pub.xlsx", "card.toml", ["data.csv"], options=Options(publish=5))
        # A published copy made before they were releases, which still carries the analyst's record
        (folder / EARLIER_PUBLISHED).write_bytes(
            (Path(__file__).parent / "fixtures" / EARLIER_PUBLISHED).read_bytes()
        )
    finally:
        os.chdir(cwd)
    return folder


def make_outside(outside: Path) -> None:
    """Files a hostile workbook would like to read: each holds the sentinel."""
    outside.mkdir()
    (outside / "secret.csv").write_text(
        f"measure,series,period,value\n{SENTINEL},actual,2023-03,{SENTINEL}\nCFSS01,actual,2023-03,7\n",
        encoding="utf-8",
    )
    (outside / "secret.toml").write_text(
        f'[sql]\nurl = "sqlite:///cookies.db"\n[sql.queries]\nCFSS01 = "SELECT \'{SENTINEL}\'"\n',
        encoding="utf-8",
    )
    with sqlite3.connect(outside / "cookies.db") as db:
        db.execute("CREATE TABLE cookies (value TEXT)")
        db.execute("INSERT INTO cookies VALUES (?)", (SENTINEL,))
    db.close()


class Opened:
    """Every file a command opens (open(), sqlite3.connect()), seen through Python's audit hooks."""

    paths: list[str] | None = None  # collecting while not None

    @classmethod
    def hook(cls, event: str, args: tuple[Any, ...]) -> None:
        if cls.paths is not None and event in ("open", "sqlite3.connect") and args:
            target = args[0]
            if isinstance(target, (str, bytes, os.PathLike)):
                cls.paths.append(os.fsdecode(target))


sys.addaudithook(Opened.hook)


def prepare(pristine: Path, root: Path, case: Hostile) -> tuple[Path, Path]:
    work, outside = root / "work", root / "outside"
    work.mkdir(parents=True)
    make_outside(outside)
    for path in pristine.iterdir():
        (work / path.name).write_bytes(path.read_bytes())
    book = work / case.book
    resolved = [_with_outside(edit, outside) for edit in case.edits]
    book.write_bytes(edited(book.read_bytes(), *resolved))
    if case.setup is not None:
        case.setup(work, outside)
    return work, outside


def _with_outside(edit: Edit, outside: Path) -> Edit:
    """The edit, with OUTSIDE in any text it writes replaced by the outside folder's path."""

    def changed(parts: dict[str, bytes]) -> None:
        before = dict(parts)
        edit(parts)
        for name, content in parts.items():
            if content is not before.get(name) and OUTSIDE.encode() in content:
                parts[name] = content.replace(OUTSIDE.encode(), outside.as_posix().encode())

    return changed


def run_in_process(command: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = cli.main(shlex.split(command))
    except SystemExit as stop:
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def assert_nothing_leaked(message: str, work: Path, outside: Path, opened: list[str]) -> None:
    outside_real = outside.resolve()
    read_outside = [p for p in opened if Path(p).resolve().is_relative_to(outside_real)]
    assert not read_outside, f"opened outside the work folder: {read_outside}"
    assert SENTINEL not in message and TOKEN not in message, message
    for path in work.rglob("*"):
        if path.is_file() and not path.is_symlink():
            content = path.read_bytes()
            assert SENTINEL.encode() not in content and TOKEN.encode() not in content, path


def test_the_corpus_is_large() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", list(CASES))
def test_refused_and_nothing_read_outside(
    name: str,
    pristine: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = CASES[name]
    work, outside = prepare(pristine, tmp_path, case)
    monkeypatch.chdir(work)
    monkeypatch.setenv("MY_API_TOKEN", TOKEN)
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    before = snapshot(work)
    Opened.paths = []
    try:
        code, message = run_in_process(case.command.format(book=case.book), capsys)
        opened = Opened.paths
    finally:
        Opened.paths = None
    assert code == case.code, message
    for fragment in case.fragments:
        assert fragment.replace(OUTSIDE, outside.as_posix()) in message, f"{fragment!r} not in:\n{message}"
    assert "Traceback" not in message
    assert len(message) < 4000
    assert_nothing_leaked(message, work, outside, opened)
    if case.code == 2:
        assert snapshot(work) == before, "a refused command changed or created a file"


def test_a_refusal_does_not_tell_whether_the_file_exists(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same names, absolute and relative, in two folders: beside one of them the file exists.
    messages: dict[str, list[str]] = {"exists": [], "absent": []}
    for folder in messages:
        for named in (f"{OUTSIDE}/secret.csv", "../outside/secret.csv"):
            case = hostile(data_files(named), says=NOT_HERE)
            work, outside = prepare(pristine, tmp_path / folder / str(len(messages[folder])), case)
            if folder == "absent":
                (outside / "secret.csv").unlink()
            monkeypatch.chdir(work)
            code, message = run_in_process(REFRESH.format(book="board.xlsx"), capsys)
            assert code == 2
            # (the absolute name holds the folder's own path: compare the rest)
            messages[folder].append(message.replace(outside.as_posix(), "OUTSIDE").split("; ", 1)[-1])
    assert messages["exists"] == messages["absent"]


SAMPLE = (
    "data files: an absolute path",
    "data files: a link out of the folder",
    "sql: fts3_tokenizer",
    "a dimension bomb on the Setup sheet",
    "an earlier published copy asking for less suppression, rebuilt",
    "data table: 1e308",
)


@pytest.mark.parametrize("name", SAMPLE)
def test_a_sample_in_real_processes(name: str, pristine: Path, tmp_path: Path) -> None:
    case = CASES[name]
    work, outside = prepare(pristine, tmp_path, case)
    before = snapshot(work)
    env = {**os.environ, "MY_API_TOKEN": TOKEN, **case.env}
    result = run_cli(*shlex.split(case.command.format(book=case.book)), cwd=work, env=env)
    message = result.stderr + result.stdout
    assert result.returncode == case.code, message
    assert "Traceback" not in message
    for fragment in case.fragments:
        assert fragment.replace(OUTSIDE, outside.as_posix()) in message
    assert SENTINEL not in message and TOKEN not in message
    assert snapshot(work) == before


# --- in Excel: xlwings Server (the remote engine), one alert and no writes ---------------------------

IN_EXCEL = (
    "data files: ../ out of the folder",
    "data files: an absolute path",
    "sql: a source the workbook names, SQL not allowed",
    "published: refreshed",
    "record version from the future",
    "data table: 1e308",
)


@pytest.mark.parametrize("name", IN_EXCEL)
def test_refused_in_excel_with_one_alert(
    name: str, pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scorecard_xl.refresh.in_excel import refresh_payload
    from tests.excel_payload import payload_from_file

    case = CASES[name]
    work, outside = prepare(pristine, tmp_path, case)
    monkeypatch.setenv("SCORECARD_XL_BASE_DIR", str(work))  # a server's folder of data files
    monkeypatch.setenv("MY_API_TOKEN", TOKEN)
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    payload = payload_from_file(work / case.book)
    Opened.paths = []
    try:
        result = refresh_payload(payload)
        opened = Opened.paths
    finally:
        Opened.paths = None
    actions = result["actions"]
    assert [a["func"] for a in actions] == ["alert"], "one alert and no writes"
    text = actions[0]["args"][0]
    assert text.startswith("Nothing was changed.")
    for fragment in case.fragments:
        assert fragment.replace(OUTSIDE, outside.as_posix())[:60] in text, text
    assert_nothing_leaked(text, work, outside, opened)


# --- what still works --------------------------------------------------------------------------------


def test_a_dimension_bomb_costs_kilobytes_to_read(pristine: Path) -> None:
    from scorecard_xl.errors import InputError
    from scorecard_xl.workbook.reader import read_record
    from scorecard_xl.workbook.snapshot import snapshot_from_bytes

    bomb = edited(
        (pristine / "board.xlsx").read_bytes(), *dimension_bomb("Setup", "B1048576"), *dimension_bomb("Data")
    )
    tracemalloc.start()
    try:
        snapshot = snapshot_from_bytes(bomb, "bomb.xlsx")
        assert snapshot.sheet("Data").last_row == 1_048_575
        with pytest.raises(InputError, match="at most 200,000 lines"):
            read_record(snapshot)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"{peak:,} bytes"


def test_a_dimension_bomb_in_a_data_workbook_costs_megabytes_to_read() -> None:
    from scorecard_xl.inputs.sources.xlsx import sheet_rows

    content = bombed_data()
    tracemalloc.start()
    try:
        rows = sheet_rows(content, "data.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(rows) == 1_048_576 and rows[1] == ["CFSS01", "actual", "2023-03", 5]
    assert sum(len(r) for r in rows) == 4 + 4 + 16_384  # the cells present, and the last row's
    assert peak < 40 * 1024 * 1024, f"{peak:,} bytes"  # (before: every row padded, gigabytes)


def test_a_trusted_folder_lets_the_workbook_read_its_data(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The analyst who keeps data elsewhere takes one step the workbook cannot: trusting the folder.
    case = hostile(data_files("../outside/secret.csv"), says=NOT_HERE)
    work, outside = prepare(pristine, tmp_path, case)
    (outside / "secret.csv").write_bytes(SAMPLE_DATA.read_bytes())
    monkeypatch.chdir(work)
    refresh = REFRESH.format(book="board.xlsx")
    code, message = run_in_process(refresh, capsys)
    assert code == 2 and "scorecard-xl trust add FOLDER" in message
    assert run_in_process(f"trust add {outside}", capsys)[0] == 0
    code, message = run_in_process(refresh, capsys)
    assert code == 0, message
    assert "read secret.csv" in message
    assert run_in_process(f"trust remove {outside}", capsys)[0] == 0
    monkeypatch.setenv("SCORECARD_XL_TRUSTED_FOLDERS", str(outside))  # the same, for a run
    code, message = run_in_process("refresh board.xlsx -o again.xlsx", capsys)
    assert code == 0 and "read secret.csv" in message, message


def test_the_workbook_still_reads_its_own_data_file(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    work, _ = prepare(pristine, tmp_path, hostile(says=""))
    monkeypatch.chdir(work)
    refresh = REFRESH.format(book="board.xlsx")
    code, message = run_in_process(refresh, capsys)
    assert code == 0 and "read data.csv" in message, message
    moved = tmp_path / "moved"
    moved.mkdir()
    (moved / "board.xlsx").write_bytes((work / "board.xlsx").read_bytes())
    monkeypatch.chdir(moved)  # moved without its data: refreshes from itself
    code, message = run_in_process(refresh, capsys)
    assert code == 0 and "not found (the Data table was used as it is): data.csv" in message, message


def test_sql_allowed_reads_a_source_beside_the_workbook(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    query = "SELECT '2023-03' AS period, 139 AS value"
    case = hostile(
        data_files("kpi.toml"), says="", setup=source_file("kpi.toml", SQL_QUERY.format(query=query))
    )
    work, _ = prepare(pristine, tmp_path, case)
    monkeypatch.chdir(work)
    refresh = REFRESH.format(book="board.xlsx")
    code, message = run_in_process(refresh, capsys)
    assert code == 2 and "(--allow-sql, or SCORECARD_XL_ALLOW_SQL=1)" in message  # the flag, by name
    code, message = run_in_process(f"{refresh} --allow-sql", capsys)
    assert code == 0 and "read kpi.toml" in message, message


EARLIER_VERSIONS = {  # fixtures made by earlier scorecard-xl versions, each with its record version
    "v1_board.xlsx": 1,  # scorecard-xl 0.2.0 (main 1d8fdb3)
    "v2_board.xlsx": 2,  # main 547b8b6, before the story sheet; CR10 has commentary
}  # (and v1_published.xlsx, a published copy of then: EARLIER_PUBLISHED)


def test_a_workbook_from_the_previous_version_refreshes_and_is_upgraded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from scorecard_xl.workbook.reader import read_record
    from scorecard_xl.workbook.snapshot import snapshot_from_file

    fixtures = Path(__file__).parent / "fixtures"
    for name, version in EARLIER_VERSIONS.items():
        (tmp_path / name).write_bytes((fixtures / name).read_bytes())
        assert read_record(snapshot_from_file(tmp_path / name)).version == version
    (tmp_path / "data.csv").write_bytes(SAMPLE_DATA.read_bytes())
    monkeypatch.chdir(tmp_path)
    for name in EARLIER_VERSIONS:
        code, message = run_in_process(f"refresh {name} -o new_{name}", capsys)
        assert code == 0, message
        record = read_record(snapshot_from_file(tmp_path / f"new_{name}"))
        assert record.version == fields.RECORD_VERSION
    upgraded = read_record(snapshot_from_file(tmp_path / "new_v2_board.xlsx"))
    assert upgraded.commentary["CR10"].startswith("Typed before the upgrade")  # commentary kept


def test_an_earlier_published_copy_is_made_again_as_a_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A published copy of record version 1 still carries the analyst's record: refreshing it is
    refused (a published copy is a release), and --from-workbook makes it again as one, suppressed
    as it was (the Data table it carries holds [c] already, and publish 5 is asked again)."""
    from scorecard_xl.workbook.reader import RecordReader
    from scorecard_xl.workbook.snapshot import snapshot_from_file

    (tmp_path / EARLIER_PUBLISHED).write_bytes(
        (Path(__file__).parent / "fixtures" / EARLIER_PUBLISHED).read_bytes()
    )
    monkeypatch.chdir(tmp_path)
    code, message = run_in_process(f"refresh {EARLIER_PUBLISHED} -o new.xlsx", capsys)
    assert code == 2 and "a published copy is a release, never refreshed" in message, message
    code, message = run_in_process(f"build --from-workbook {EARLIER_PUBLISHED} --publish -o new.xlsx", capsys)
    assert code == 0, message
    reader = RecordReader(snapshot_from_file(tmp_path / "new.xlsx"))
    assert reader.release and reader.value(fields.PUBLICATION) == 5


@pytest.mark.parametrize("name", sorted(EARLIER_VERSIONS))
def test_a_workbook_from_an_earlier_version_is_not_refreshed_in_excel_but_once_by_the_command_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its blocks' names are where its own version put them, one sheet short of this version's:
    written in place, values would land in the wrong cells. One alert says how to upgrade it; once
    upgraded by the command line, it refreshes in Excel."""
    from scorecard_xl.refresh.in_excel import refresh_payload
    from tests.excel_payload import payload_from_file

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv("SCORECARD_XL_BASE_DIR", str(tmp_path))
    (tmp_path / name).write_bytes((Path(__file__).parent / "fixtures" / name).read_bytes())
    (tmp_path / "data.csv").write_bytes(SAMPLE_DATA.read_bytes())
    before = snapshot(tmp_path)
    actions = refresh_payload(payload_from_file(tmp_path / name))["actions"]
    assert [a["func"] for a in actions] == ["alert"], "one alert and no writes"
    text = actions[0]["args"][0]
    version = EARLIER_VERSIONS[name]
    assert f"made by an earlier scorecard-xl (record version {version})" in text, text
    assert "its layout differs from this version's" in text
    assert f'refresh it once with: scorecard-xl refresh "{name}" (which rebuilds it' in text
    assert snapshot(tmp_path) == before
    monkeypatch.chdir(tmp_path)
    code, message = run_in_process(f"refresh {name}", capsys)  # in place, the old file kept as a backup
    assert code == 0, message
    actions = refresh_payload(payload_from_file(tmp_path / name))["actions"]
    funcs = [a["func"] for a in actions]
    assert "setValues" in funcs and "alert" not in funcs  # (a refresh that goes well says so on the Cover)
