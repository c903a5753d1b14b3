"""The hostile-input corpus: bad inputs as a careless or hostile user gives them, one table of input
-> exit code and message fragments (the file, the row or measure, the field, the bad value, what
is accepted). Every case also proves that nothing was created or changed in its folder.

The commands run in this process through `cli.main` (a traceback would fail the test); a sample
of one case per class also runs as a real `scorecard-xl` process (test_a_sample_in_real_processes).
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scorecard_xl import cli
from tests.cli_process import run_cli
from tests.hostile_files import (
    Change,
    Package,
    both,
    cut_in_half,
    data_rows,
    edit,
    make_work_folder,
    set_field,
    snapshot,
    sparse,
    sql_source,
    toml_string,
    with_dtd,
    with_uncached_formula,
    write,
)

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
VALIDATE = "validate -t card.toml -d data.csv"
BUILD = "build -t card.toml -d data.csv -o out.xlsx"
SEND = "send board.xlsx --to chair@example.org --from me@example.org --dry-run outbox"


@dataclass(frozen=True)
class Case:
    command: str  # as typed, in the case's folder
    code: int
    fragments: tuple[str, ...]  # each must be in the message (stderr, or stdout for check)
    change: Change | None = None
    env: Mapping[str, str] = field(default_factory=dict)


def case(command: str, fragments: str | tuple[str, ...], change: Change | None = None, code: int = 2) -> Case:
    return Case(command, code, (fragments,) if isinstance(fragments, str) else fragments, change)


# --- text in the definition: control characters, line breaks, lengths, CSV injection -----------------

# (where in the message, how to set the field, its limit)
TEXT_FIELDS = {
    "title": ("card.toml, [scorecard]: title", "scorecard", None, 255),
    "organisation": ("card.toml, [scorecard]: organisation", "scorecard", None, 100),
    "marking": ("card.toml, [scorecard]: marking", "scorecard", None, 50),
    "version": ("card.toml, [scorecard]: version", "scorecard", None, 64),
    "section title": ("card.toml, section cfss: title", "sections", "cfss", 255),
    "sheet": ("card.toml, section cfss: sheet", "sections", "cfss", 31),
    "measure title": ("card.toml, measure CFSS01: title", "measures", "CFSS01", 255),
    "definition": ("card.toml, measure CFSS01: definition", "measures", "CFSS01", 32_767),
    "comparator label": ("card.toml, comparator 1: label", "comparators", "sn", 255),
    "comparator name": ("card.toml, comparator 1: name", "comparators", "sn", 1_000),
}
BAD_TEXT = {  # kind -> (value, what the message says)
    "U+0001": ("Board\x01pack", "U+0001 at character 6"),
    "NUL": ("Board\x00", "U+0000 at character 6"),
    "escape": ("\x1b[2JBoard", "U+001B at character 1"),
    "DEL": ("Board\x7f", "U+007F at character 6"),
    "line separator": ("Board\u2028pack", "one line of text (a line break, U+2028"),
    "formula": ("=HYPERLINK(1)", "does not start with =, +, - or @"),
    "at sign": ("@SUM(A1)", "does not start with =, +, - or @"),
}


def _text_cases() -> dict[str, Case]:
    cases = {}
    for name, (where, table, item, limit) in TEXT_FIELDS.items():
        key = {"section title": "title", "measure title": "title", "comparator label": "label"}.get(
            name, name
        )
        key = "name" if name == "comparator name" else key
        for kind, (value, says) in BAD_TEXT.items():
            if name == "definition" and kind == "line separator":
                continue  # a definition may have lines (they are joined)
            if name == "sheet" and kind in ("formula", "at sign"):
                value = "=Sheet" if kind == "formula" else "@Sheet"
            cases[f"{name}: {kind}"] = case(
                VALIDATE, (where, says), set_field(table, key, toml_string(value), item)
            )
        long = "A" * (limit + 1)
        says = "a sheet name of 1 to 31 characters" if name == "sheet" else f"at most {limit:,} characters"
        cases[f"{name}: too long"] = case(
            VALIDATE, (where, says), set_field(table, key, toml_string(long), item)
        )
    return cases


def _header_cases() -> dict[str, Case]:
    amps = "R&D " * 20  # 80 characters, 100 in a header
    return {
        "organisation: & counts twice in headers": case(
            VALIDATE,
            ("card.toml, [scorecard]: organisation", "an & counting as two"),
            set_field("scorecard", "organisation", toml_string(amps + "Trust Trust Trust")),
        ),
        "--organisation of 300 characters": case(
            f"{BUILD} --organisation {'O' * 300}",
            ("command line: --organisation: got 'OOOO", "(300 characters)", "at most 100 characters"),
        ),
        "--marking of 300 characters": case(
            f"{BUILD} --marking {'M' * 300}", ("command line: --marking", "at most 50 characters")
        ),
        "--organisation with a control character": case(
            BUILD + " --organisation " + shlex.quote("North\x01ants"),
            ("command line: --organisation: got 'North\\x01ants'", "U+0001 at character 6"),
        ),
        "--marking with a line break": case(
            BUILD + " --marking " + shlex.quote("OFFICIAL\nSENSITIVE"),
            ("command line: --marking", "one line of text"),
        ),
        "--marking starting =": case(
            f"{BUILD} --marking =cmd|calc",
            ("command line: --marking: got '=cmd|calc'", "does not start with ="),
        ),
        "--organisation starting @": case(
            f"{BUILD} --organisation @Trust", ("command line: --organisation", "does not start with =")
        ),
    }


SHEET_NAMES = {
    "sheet: [": "Family [support]",
    "sheet: :": "Family: support",
    "sheet: *": "Family*",
    "sheet: ?": "Family?",
    "sheet: /": "Family/support",
    "sheet: backslash": "Family\\support",
    "sheet: leading '": "'Family",
    "sheet: trailing '": "Family'",
    "sheet: empty": "",
}


def _sheet_cases() -> dict[str, Case]:
    cases = {
        name: case(
            VALIDATE,
            ("card.toml, section cfss: sheet", "a sheet name of 1 to 31 characters"),
            set_field("sections", "sheet", toml_string(value), "cfss"),
        )
        for name, value in SHEET_NAMES.items()
    }
    cases["sheet: History (Excel's own)"] = case(
        VALIDATE,
        ("card.toml, section cfss: sheet: got 'History'", "which Excel keeps for itself"),
        set_field("sections", "sheet", '"History"', "cfss"),
    )
    return cases


# --- wrong types: every field given a list or a table (unit = ["count"] raised TypeError) ----------

MEASURE_FIELDS = (
    "id", "section", "title", "unit", "decimals", "polarity", "frequency", "reporting_months", "ytd",
    "target", "tolerance", "definition", "derived_from", "total_of",
)  # fmt: skip
SCORECARD_FIELDS = (
    "id", "version", "title", "organisation", "marking", "year_start_month", "period", "months_shown",
    "headline", "outturn_years", "percent_input", "default_tolerance", "sparkline", "paper",
)  # fmt: skip


def _type_cases() -> dict[str, Case]:
    cases = {}
    for key in MEASURE_FIELDS:
        where = "card.toml, measure CFSS01" if key != "id" else "card.toml, measure 1"
        got = "got 'count'" if key in ("derived_from", "total_of") else "got ['count']"  # ids, checked
        cases[f"measure {key} = [list]"] = case(
            VALIDATE, (where, f"{key}: {got}"), set_field("measures", key, '["count"]', "CFSS01")
        )
        if key != "id":
            cases[f"measure {key} = {{table}}"] = case(
                VALIDATE, (where, f"{key}: got {{'a': 1}}"), set_field("measures", key, "{ a = 1 }", "CFSS01")
            )
    for key in SCORECARD_FIELDS:
        cases[f"scorecard {key} = [list]"] = case(
            VALIDATE,
            ("card.toml, [scorecard]", f"{key}: got ['count']"),
            set_field("scorecard", key, '["count"]'),
        )
    cases["sections = text"] = case(
        "validate -t card.yaml -d data.csv",
        ("card.yaml: sections: got 'x'", "a non-empty list of [[sections]] tables"),
        edit("card.yaml", "\nsections:\n", "\nsections: x\nold_sections:\n"),
    )
    return cases


# --- definition files as a whole ------------------------------------------------------------------

YAML_BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)
FILE_CASES = {
    "yaml alias bomb": case(
        "validate -t bomb.yaml -d data.csv",
        ("bomb.yaml", "more than 200,000 values once its aliases (*name) are expanded"),
        write("bomb.yaml", YAML_BOMB),
    ),
    "yaml nested 100 deep": case(
        "validate -t deep.yaml -d data.csv",
        ("deep.yaml", "nested more than 64 deep"),
        write("deep.yaml", "a: " + "[" * 100),
    ),
    "yaml nested 10,000 deep": case(
        "validate -t deep.yaml -d data.csv",
        # libyaml's scanner stops at 1,000 levels in some builds, the depth check at 64 in others
        ("deep.yaml: not ", "nest"),
        write("deep.yaml", "a: " + "[" * 10_000),
    ),
    "yaml python tag": case(
        "validate -t tag.yaml -d data.csv",
        ("tag.yaml: not valid YAML", "python/object"),
        write("tag.yaml", "scorecard: !!python/object/apply:os.system [echo hi]\n"),
    ),
    "yaml list at the top": case(
        "validate -t list.yaml -d data.csv",
        ("list.yaml", "top level must be a mapping"),
        write("list.yaml", "- a\n- b\n"),
    ),
    "yaml control character in the title": case(
        "validate -t card.yaml -d data.csv",
        ("card.yaml, [scorecard]: title", "U+0001 at character 12"),
        edit("card.yaml", "title: Performance Scorecard", 'title: "Performance\\x01 Scorecard"'),
    ),
    "toml nested 1,000 deep": case(
        "validate -t deep.toml -d data.csv",
        ("deep.toml: not valid TOML here: lists and tables nested too deeply",),
        write("deep.toml", "a = " + "[" * 1000 + "]" * 1000),
    ),
    "toml not UTF-8": case(
        "validate -t latin.toml -d data.csv",
        ("latin.toml: not valid TOML: not UTF-8 text", "at byte 24"),
        write("latin.toml", b'[scorecard]\ntitle = "Caf\xe9"\n'),
    ),
    "definition of 5 MB": case(
        "validate -t huge.toml -d data.csv",
        ("huge.toml: a definition file of at most 4.0 MB (this one is 5.0 MB)",),
        sparse("huge.toml", 5 * MB),
    ),
    "definition is a folder": case(
        "validate -t folder.toml -d data.csv",
        ("folder.toml: a definition file, not a folder or device",),
        lambda folder: (folder / "folder.toml").mkdir(),
    ),
}

# --- data: CSV -------------------------------------------------------------------------------------

CSV_CASES = {
    "a 200,000-character field": case(
        VALIDATE,
        ("data.csv, row 1088", "not readable as CSV", "field larger than field limit"),
        data_rows("CFSS01,actual,2022-09," + "9" * 200_000),
    ),
    "two value columns": case(
        VALIDATE,
        ("data.csv, row 1: header", "each column once: value is columns 4 and 5"),
        data_rows("CFSS01,actual,2023-03,139,140", header="measure,series,period,value,value"),
    ),
    "two measure columns": case(
        VALIDATE,
        ("data.csv, row 1: header", "measure is columns 1 and 2"),
        data_rows("CFSS01,CFSS02,2023-03,139", header="measure,measure,period,value"),
    ),
    "full-width digits in a period": case(
        VALIDATE,
        ("data.csv, row 1088 (measure CFSS01): period: got '２０２２-０９'", "a month YYYY-MM"),
        data_rows("CFSS01,actual,２０２２-０９,100"),
    ),
    "full-width digits in a value": case(
        VALIDATE,
        ("data.csv, row 1088 (measure CFSS01): value: got '１００'", "a number"),
        data_rows("CFSS01,actual,2022-09,１００"),
    ),
    "a 100,000-character value is echoed cut": case(
        VALIDATE,
        ("data.csv, row 1088 (measure CFSS01): value: got 'xxxx", "... (100,000 characters); a number"),
        data_rows("CFSS01,actual,2022-09," + "x" * 100_000),
    ),
    "a 100,000-character measure id": case(
        VALIDATE,
        ("data.csv, row 1088: measure: got 'MMMM", "(100,000 characters)"),
        data_rows("M" * 100_000 + ",actual,2022-09,1"),
    ),
    "NUL in a measure id": case(
        VALIDATE,
        ("data.csv, row 1088: measure: got 'CFSS01\\x00'",),
        data_rows("CFSS01\x00,actual,2022-09,1"),
    ),
    "an infinite value": case(
        VALIDATE,
        ("data.csv, row 1088 (measure CFSS01): value: got '1e999'", "a finite number"),
        data_rows("CFSS01,actual,2022-09,1e999"),
    ),
    "month 13": case(
        VALIDATE,
        ("data.csv, row 1088 (measure CFSS01): period: got '2022-13'",),
        data_rows("CFSS01,actual,2022-13,1"),
    ),
    "a value twice": case(
        VALIDATE,
        ("data.csv, row 1088 (measure CFSS01): period: got '2023-03'", "is also on row 7"),
        data_rows("CFSS01,actual,2023-03,1"),
    ),
    "an empty data file": case(VALIDATE, ("data.csv: the file is empty",), write("data.csv", "")),
    "data of 300 MB": case(
        VALIDATE,
        ("data.csv: a data file of at most 64.0 MB (this one is 300.0 MB)",),
        sparse("data.csv", 300 * MB),
    ),
    "data is a folder": case(
        "validate -t card.toml -d d.csv",
        ("d.csv: a data file, not a folder or device",),
        lambda folder: (folder / "d.csv").mkdir(),
    ),
    "data of another type": case(
        "validate -t card.toml -d data.json", ("data.json: file type: got '.json'",), write("data.json", "{}")
    ),
}

BENCHMARK = '\n[[benchmarks]]\nid = "band"\nlabel = "Band"\nname = "Quartile band"\nkind = "quartile"\n'
NOTE_CASES = {
    "benchmark text starting =": case(
        VALIDATE,
        ("data.csv, row 1088 (measure CFSS01): value: got '=1+1'", "does not start with ="),
        both(
            edit("card.toml", "\n[[sections]]", BENCHMARK + "\n[[sections]]"),
            data_rows("CFSS01,band,2023-03,=1+1"),
        ),
    ),
    "benchmark text with a control character": case(
        VALIDATE,
        ("data.csv, row 1088 (measure CFSS01): value: got 'A\\x07'", "U+0007 at character 2"),
        both(
            edit("card.toml", "\n[[sections]]", BENCHMARK + "\n[[sections]]"),
            data_rows("CFSS01,band,2023-03,A\x07"),
        ),
    ),
}

# --- data: XLSX ------------------------------------------------------------------------------------

XLSX = "validate -t card.toml -d data.xlsx"
XLSX_CASES = {
    "xlsx: not a zip": case(
        XLSX, ("data.xlsx: not a readable .xlsx file", "not a zip"), write("data.xlsx", "measure,series\n")
    ),
    "xlsx: cut short": case(XLSX, ("data.xlsx: not a readable .xlsx file",), Package(truncate=True)),
    "xlsx: corrupt sheet inside a valid zip": case(
        XLSX, ("data.xlsx: not a readable .xlsx file (ParseError",), Package(replace={SHEET: cut_in_half})
    ),
    "xlsx: corrupt styles": case(
        XLSX,
        ("data.xlsx: not a readable .xlsx file",),
        Package(replace={"xl/styles.xml": b"<styleSheet><numFmts count='1'>"}),
    ),
    "xlsx: shared strings inflate 1,000 times": case(
        XLSX,
        (
            "data.xlsx: not a readable .xlsx file (refused unread",
            "xl/sharedStrings.xml inflates",
            "a zip bomb",
        ),
        Package(stream={"xl/sharedStrings.xml": (b"<si><t>" + b"a" * 65_536, 160)}),
    ),
    "xlsx: a DTD with entities": case(
        XLSX, ("data.xlsx", "declares a DTD (<!DOCTYPE or <!ENTITY)"), Package(replace={SHEET: with_dtd})
    ),
    "xlsx: a formula without a saved result": case(
        XLSX,
        ("data.xlsx, cell D3: formula: got '=D2+1'", "this formula has no saved result"),
        Package(replace={SHEET: with_uncached_formula}),
    ),
    "xlsx: 300 MB": case(XLSX, ("data.xlsx: a data file of at most 64.0 MB",), sparse("data.xlsx", 300 * MB)),
}

# --- outputs ---------------------------------------------------------------------------------------

OUTPUT_CASES = {
    "-o the data file": case(
        "build -t card.toml -d data.csv -o data.csv --force",
        ("data.csv: file name: got '.csv'", "a file name ending .xlsx"),
    ),
    "-o the definition": case(
        "build -t card.toml -d data.csv -o card.toml --force",
        ("card.toml: file name", "a file name ending .xlsx"),
    ),
    "-o an xlsx data file": case(
        "build -t card.toml -d data.xlsx -o data.xlsx --force", ("data.xlsx: is an input of this command",)
    ),
    "-o a link to the data file": case(
        "build -t card.toml -d data.xlsx -o link.xlsx --force",
        ("link.xlsx: is an input of this command (data.xlsx)",),
        lambda folder: os.link(folder / "data.xlsx", folder / "link.xlsx"),
    ),
    "-o out.csv": case("build -t card.toml -d data.csv -o out.csv", ("out.csv: file name", ".xlsx")),
    "-o out.xlsm": case("build -t card.toml -d data.csv -o out.xlsm", ("out.xlsm: file name: got '.xlsm'",)),
    "-o a folder": case(
        "build -t card.toml -d data.csv -o dir.xlsx --force",
        ("dir.xlsx: is a folder",),
        lambda folder: (folder / "dir.xlsx").mkdir(),
    ),
    "-o into a missing folder": case(
        "build -t card.toml -d data.csv -o nowhere/out.xlsx",
        ("nowhere/out.xlsx: the folder nowhere does not exist",),
    ),
    "--pdf over the data": case(
        "build -t card.toml -d data.csv -o out.xlsx --pdf data.csv --force",
        ("data.csv: file name", "a file name ending .pdf"),
    ),
    "--from-workbook onto itself": case(
        "build --from-workbook board.xlsx -o board.xlsx --force", ("board.xlsx: is an input of this command",)
    ),
    "refresh an .xlsm": case(
        "refresh board.xlsm",
        ("board.xlsm: file name: got '.xlsm'", "a file name ending .xlsx"),
        lambda folder: (folder / "board.xlsm").write_bytes((folder / "board.xlsx").read_bytes()),
    ),
    "refresh -o the definition": case("refresh board.xlsx -o card.toml", ("card.toml: file name",)),
    "refresh: a zip bomb": case(
        "refresh board.xlsx -o new.xlsx",
        ("board.xlsx: not a readable .xlsx file (refused unread", "a zip bomb"),
        Package(stream={"xl/sharedStrings.xml": (b"<si><t>" + b"a" * 65_536, 160)}, file="board.xlsx"),
    ),
    "refresh: a DTD": case(
        "refresh board.xlsx -o new.xlsx",
        ("board.xlsx: not a readable .xlsx file", "declares a DTD"),
        Package(replace={"xl/workbook.xml": with_dtd}, file="board.xlsx"),
    ),
    "refresh: a sheet cut short": case(  # the Cover, which a refresh reads (the story it rewrites whole)
        "refresh board.xlsx -o new.xlsx",
        ("board.xlsx: not a readable .xlsx file (ParseError",),
        Package(replace={"xl/worksheets/sheet2.xml": cut_in_half}, file="board.xlsx"),
    ),
    "send: a sheet cut short": case(
        SEND,
        ("board.xlsx: check: xl/worksheets/sheet1.xml: is not well-formed XML", "board.xlsx: not sent"),
        Package(replace={SHEET: cut_in_half}, file="board.xlsx"),
    ),
    "dfe-extract -o an existing file": case(
        "dfe-extract -o data.csv --la 940", ("data.csv", "a folder to write the authority files into")
    ),
}

# --- numbers on the command line ------------------------------------------------------------------

NUMBER_CASES = {
    "--publish full-width": case(f"{BUILD} --publish ５", ("argument --publish: got '５'", "a whole number")),
    "--publish 0": case(
        f"{BUILD} --publish 0", ("command line: --publish: got 0", "a whole number from 1 to")
    ),
    "--max-size nan": case("check board.xlsx --max-size nan", ("argument --max-size: got 'nan'",)),
    "--max-size full-width": case("check board.xlsx --max-size ５", ("argument --max-size: got '５'",)),
    "--smtp-port words": case(f"{SEND} --smtp-port many", ("argument --smtp-port: got 'many'",)),
    "--jobs 0": case("batch board.toml --jobs 0", ("argument -j/--jobs: got '0'",)),
    "dfe-extract --la full-width": case("dfe-extract -o dfeout --la ９４０", ("old_la_code: got '９４０'",)),
    "batch period full-width": case(
        "batch fw.toml --jobs 1",
        ("fw.toml, [for_each]: period: got '２０２３-０３'",),
        write("fw.toml", '[defaults]\noutput_folder = "out"\n\n[for_each]\nperiod = "２０２３-０３"\n'),
    ),
    "--period full-width": case(
        f"{VALIDATE} -p ２０２３-０３", ("command line: --period: got '２０２３-０３'", "a month YYYY-MM")
    ),
}

# --- databases: a query can only read ------------------------------------------------------------

SQL = "validate -t card.toml -d source.toml"
SQL_CASES = {
    "sql: DROP TABLE": case(
        SQL,
        ("kpi.db, measure CFSS01: the query failed", "opened read-only, so a query may only read"),
        sql_source({"CFSS01": "DROP TABLE kpi"}),
    ),
    "sql: ATTACH a new file": case(
        SQL, ("kpi.db, measure CFSS01", "opened read-only"), sql_source({"CFSS01": "ATTACH 'new.db' AS x"})
    ),
    "sql: VACUUM INTO a new file": case(
        SQL, ("kpi.db, measure CFSS01", "opened read-only"), sql_source({"CFSS01": "VACUUM INTO 'copy.db'"})
    ),
    "sql: PRAGMA query_only = 0": case(
        SQL, ("kpi.db, measure CFSS01", "opened read-only"), sql_source({"CFSS01": "PRAGMA query_only = 0"})
    ),
    "sql: INSERT": case(
        SQL,
        ("kpi.db, measure CFSS01", "opened read-only"),
        sql_source({"CFSS01": "INSERT INTO kpi VALUES ('2023-04', 1)"}),
    ),
    "sql: a URI asking to write": case(
        SQL,
        ("a SQLite URI filename", "always opened read-only"),
        write("source.toml", '[sql]\nurl = "sqlite:///file:kpi.db?mode=rw"\n'),
    ),
}

# --- mail: headers hold one line ------------------------------------------------------------------

MAIL_CASES = {
    "subject with U+2028": case(
        SEND + " --subject " + shlex.quote("Board pack\u2028Bcc: all@example.org"), ("subject", "one line")
    ),
    "subject with CR LF": case(
        SEND + " --subject " + shlex.quote("Board\r\nBcc: x@example.org"), ("subject", "one line")
    ),
    "recipient with a line break": case(
        "send board.xlsx --from me@example.org --dry-run outbox --to "
        + shlex.quote("a@example.org\u2028b@example.org"),
        ("--to: got 'a@example.org\\u2028b@example.org'",),
    ),
}

# --- check: a package too large to read -----------------------------------------------------------

CHECK_CASES = {
    "check: a zip bomb is not read": case(
        "check data.xlsx",
        ("not inspected: its part xl/sharedStrings.xml inflates", "schema not checked"),
        Package(stream={"xl/sharedStrings.xml": (b"<si><t>" + b"a" * 65_536, 160)}),
        code=1,
    ),
    "check: a DTD": case(
        "check data.xlsx",
        ("holds a DTD", "unreadable-part"),
        Package(replace={"xl/workbook.xml": with_dtd}),
        code=1,
    ),
    "check: not a workbook": case(
        "check data.csv",
        ("data.csv", "not one"),
    ),
}

# --- batch: everything checkable is checked before anything is written ------------------------------

EMAIL = '\n[email]\nto = "{email}"\nfrom = "me@example.org"\nsubject = "{title}: {period}"\n'
LIST_BATCH = (
    '[defaults]\ntemplate = "card.toml"\ndata = ["data.csv"]\noutput_folder = "out"\n'
    'output = "{code}/{period}.xlsx"\n\n[for_each]\norganisation = "las.csv"\nperiod = "2023-03"\n'
)
LAS = "code,organisation,email\na,Alpha Trust,a@example.org\n"
BATCH = "batch b.toml --jobs 1 --email-dry-run outbox"
BATCH_CASES = {
    "batch: an address with a line break in the list": case(
        BATCH,
        ("b.toml, [email]: to ({email}): got 'b@example.org\\r\\nBcc: all@example.org'",),
        both(
            write("b.toml", LIST_BATCH + EMAIL),
            write("las.csv", LAS + 'b,Beta,"b@example.org\r\nBcc: all@example.org"\n'),
        ),
    ),
    "batch: an address with U+2028 in the list": case(
        BATCH,
        ("b.toml, [email]: to ({email})",),
        both(
            write("b.toml", LIST_BATCH + EMAIL),
            write("las.csv", LAS + "b,Beta,b@example.org\u2028c@example.org\n"),
        ),
    ),
    "batch: a subject with a line break": case(
        BATCH,
        ("b.toml, [email]: subject", "a subject on one line of text (U+2028"),
        both(
            write("b.toml", LIST_BATCH + EMAIL.replace("{title}: {period}", "{title}\\u2028Bcc: x")),
            write("las.csv", LAS),
        ),
    ),
    "batch: an organisation with a control character": case(
        "batch b.toml --jobs 1",
        ("b.toml: organisation: got 'Beta\\x07 Trust'", "U+0007 at character 5"),
        both(write("b.toml", LIST_BATCH), write("las.csv", LAS + "b,Beta\x07 Trust,b@example.org\n")),
    ),
    "batch: an organisation starting =": case(
        "batch b.toml --jobs 1",
        ("b.toml: organisation: got '=Beta'", "does not start with ="),
        both(write("b.toml", LIST_BATCH), write("las.csv", LAS + "b,=Beta,b@example.org\n")),
    ),
    "batch: every job fails before building (no manifest is left)": case(
        "batch b.toml --jobs 1",
        ("a/2023-03.xlsx", "nowhere.csv: no such data file"),
        both(write("b.toml", LIST_BATCH.replace("data.csv", "nowhere.csv")), write("las.csv", LAS)),
        code=1,
    ),
    "batch: a batch file of 5 MB": case(
        "batch big.toml",
        ("big.toml: a batch file of at most 4.0 MB (this one is 5.0 MB)",),
        sparse("big.toml", 5 * MB),
    ),
    "batch: an organisation list of 70 MB": case(
        "batch b.toml --jobs 1",
        ("b.toml, [for_each]: organisation: got 'las.csv'", "a list of organisations of at most 64.0 MB"),
        both(write("b.toml", LIST_BATCH), sparse("las.csv", 70 * MB)),
    ),
    "batch: a quoted line break in a name is one field": case(
        BATCH,
        ("b.toml, [email]: to ({email}): got 'not an address'",),
        both(write("b.toml", LIST_BATCH + EMAIL), write("las.csv", LAS + 'b,"Beta\nTrust",not an address\n')),
    ),
}

CASES: dict[str, Case] = {
    **_text_cases(),
    **_header_cases(),
    **_sheet_cases(),
    **_type_cases(),
    **FILE_CASES,
    **CSV_CASES,
    **NOTE_CASES,
    **XLSX_CASES,
    **OUTPUT_CASES,
    **NUMBER_CASES,
    **SQL_CASES,
    **MAIL_CASES,
    **CHECK_CASES,
    **BATCH_CASES,
}


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory, sample_book: Path) -> Path:
    folder = tmp_path_factory.mktemp("pristine")
    make_work_folder(folder, sample_book)
    return folder


def prepared(pristine: Path, folder: Path, bad: Case) -> dict[str, tuple[int, str]]:
    for path in pristine.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    if bad.change is not None:
        bad.change(folder)
    return snapshot(folder)


def run_in_process(command: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = cli.main(shlex.split(command))
    except SystemExit as stop:  # argparse's usage errors
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def test_the_corpus_is_large() -> None:
    assert len(CASES) >= 100


@pytest.mark.parametrize("name", list(CASES))
def test_refused_clearly_and_nothing_changes(
    name: str,
    pristine: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = CASES[name]
    monkeypatch.chdir(tmp_path)
    for key, value in bad.env.items():
        monkeypatch.setenv(key, value)
    before = prepared(pristine, tmp_path, bad)
    code, message = run_in_process(bad.command, capsys)
    assert code == bad.code, message
    for fragment in bad.fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message[:3000]}"
    assert "Traceback" not in message
    assert len(message) < 4000, "messages stay short, however large the bad value"
    assert snapshot(tmp_path) == before, "a refused command changed or created a file"


SAMPLE = (
    "title: U+0001",
    "--organisation of 300 characters",
    "sheet: History (Excel's own)",
    "measure unit = [list]",
    "yaml alias bomb",
    "a 200,000-character field",
    "xlsx: corrupt sheet inside a valid zip",
    "-o the data file",
    "sql: ATTACH a new file",
    "subject with U+2028",
    "--publish full-width",
    "check: a zip bomb is not read",
)


@pytest.mark.parametrize("name", SAMPLE)
def test_a_sample_in_real_processes(name: str, pristine: Path, tmp_path: Path) -> None:
    bad = CASES[name]
    before = prepared(pristine, tmp_path, bad)
    result = run_cli(*shlex.split(bad.command), cwd=tmp_path, env={**os.environ, **bad.env})
    message = result.stderr + result.stdout
    assert result.returncode == bad.code, message
    assert "Traceback" not in message
    for fragment in bad.fragments:
        assert fragment in message
    assert snapshot(tmp_path) == before
    assert sys.executable  # the same interpreter as the tests
