"""`scorecard-xl check`: the sample passes; each deliberately bad workbook gets exactly its finding.

Bad workbooks are written with xlsxwriter, or by rewriting zip parts for what xlsxwriter cannot make
(formulas without cached values, hidden names, external link parts, people in threaded comments,
the folder Excel saved from). Every case also runs openxml-audit, so a crafted workbook that is
itself malformed would show up as an unexpected "schema" finding.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from scorecard_xl.checks.check import check_workbook
from scorecard_xl.checks.findings import CHECKS
from scorecard_xl.checks.report import CELLS_LISTED, codes
from scorecard_xl.checks.rules import external_reference, local_path, name_holds_data, personal_property_name
from scorecard_xl.cli import main
from scorecard_xl.inputs.text_rules import formula_starter
from tests.cli_process import run_cli

ORG = "Acme Children's Trust"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

Edit = Callable[[Workbook, Worksheet], None]
Parts = dict[str, bytes]


def make_book(path: Path, edit: Edit | None = None) -> Path:
    """A small clean workbook: the organisation as author and on the first sheet, a cached formula."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"author": ORG, "company": ORG, "title": "Board scorecard"})
    cover = workbook.add_worksheet("Cover")
    cover.write_string("A1", ORG)
    cover.write_string("A2", "Referrals")
    cover.write_number("B2", 120)
    cover.write_formula("C2", "=B2*2", None, 240)
    if edit:
        edit(workbook, cover)
    workbook.close()
    return path


def repack(path: Path, edit: Callable[[Parts], None]) -> Path:
    """Rewrite the workbook's zip parts in place through `edit` (a test-only helper)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    edit(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def replace(parts: Parts, name: str, old: str, new: str) -> None:
    text = parts[name].decode("utf-8")
    assert old in text, f"{old!r} not in {name}"
    parts[name] = text.replace(old, new, 1).encode("utf-8")


def add_part(parts: Parts, name: str, content_type: str, data: str | bytes, rel_type: str = "") -> None:
    """Add a part with its content type and, given `rel_type`, a relationship from the workbook."""
    parts[name] = data.encode("utf-8") if isinstance(data, str) else data
    replace(
        parts,
        "[Content_Types].xml",
        "</Types>",
        f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>',
    )
    if rel_type:
        target = name.removeprefix("xl/")
        replace(
            parts,
            "xl/_rels/workbook.xml.rels",
            "</Relationships>",
            f'<Relationship Id="rId90" Type="{rel_type}" Target="{target}"/></Relationships>',
        )


def check_json(path: Path, *args: str) -> tuple[int, list[dict[str, str]]]:
    """`scorecard-xl check PATH --json ARGS` in this process: the exit code and the findings."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", str(path), "--json", *args])
    document: dict[str, Any] = json.loads(out.getvalue())
    assert document["clean"] == (code == 0)
    findings: list[dict[str, str]] = document["findings"]
    return code, findings


def found_codes(findings: list[dict[str, str]]) -> set[str]:
    return {f["code"] for f in findings}


# --- the generator's own output passes -------------------------------------------------------------


def test_the_sample_passes_check(sample_book: Path) -> None:
    done = run_cli("check", str(sample_book))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == (
        f"{sample_book}: ok: no macros, links, hidden content, personal data or other problems found"
    )
    assert done.stderr == ""


def test_the_sample_built_by_the_cli_passes_check(tmp_path: Path) -> None:
    book = tmp_path / "scorecard.xlsx"
    built = run_cli("build", "-o", str(book))
    assert built.returncode == 0, built.stderr
    done = run_cli("check", str(book), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == {"file": str(book), "clean": True, "findings": []}


def test_a_clean_workbook_with_near_misses_passes(tmp_path: Path) -> None:
    """Everything here looks like a problem to a careless rule, and is not one."""

    def edit(workbook: Workbook, cover: Worksheet) -> None:
        cover.write_string("A3", "-")  # the missing-value token
        cover.write_string("A4", "-5")  # a plain number written as text
        cover.write_string("A5", "+3.2")
        cover.write_string("A6", "-1,234.5")
        cover.write_string("A7", "-12%")
        cover.write_number("A8", -5)  # a negative number stored as a number
        cover.write_string("A9", "– no target")  # an en dash, not a minus
        cover.write_string("A10", " =not a formula")  # a leading space stops it
        cover.write_string("A11", "../data/data.csv")  # relative, as scorecard-xl records files
        cover.write_string("A12", "20/21 and/or 2021/22; ratio A:B; https://example.org as text")
        cover.write_url("A13", "internal:'Data'!A1", string="Go to Data")
        cover.write_comment("A2", "A note with no author")
        data = workbook.add_worksheet("Data")
        data.write_row("A1", ["Ref", "Value"])
        data.write_row("A2", ["CR01", 5])
        data.autofilter("A1:B2")  # Excel's hidden _xlnm._FilterDatabase name
        data.repeat_rows(0)  # _xlnm.Print_Titles
        workbook.define_name("scxl_period", "='Cover'!$B$2")
        workbook.define_name("Data!local_range", "=Data!$A$1:$B$2")
        workbook.define_name("broken", "=#REF!")
        workbook.set_custom_property("Protective marking", "OFFICIAL")
        workbook.set_custom_property("Generator", "scorecard-xl 0.1.0")

    book = repack(
        make_book(tmp_path / "clean.xlsx", edit),
        # a shared string no cell uses: not exported, so not a finding
        lambda parts: replace(parts, "xl/sharedStrings.xml", "</sst>", "<si><t>=unused</t></si></sst>"),
    )
    code, findings = check_json(book)
    assert (code, findings) == (0, [])


# --- each bad workbook gets exactly its finding ------------------------------------------------------


def hidden_sheet(workbook: Workbook, cover: Worksheet) -> None:
    workbook.add_worksheet("Old figures").hide()


def very_hidden_sheet(workbook: Workbook, cover: Worksheet) -> None:
    workbook.add_worksheet("Lookup").very_hidden()


def texts_in_cells(*texts: str) -> Edit:
    """Each text in column D from row 5 down."""

    def edit(workbook: Workbook, cover: Worksheet) -> None:
        for row, text in enumerate(texts, start=4):
            cover.write_string(row, 3, text)

    return edit


def properties(**values: str) -> Edit:
    def edit(workbook: Workbook, cover: Worksheet) -> None:
        workbook.set_properties({"author": ORG, "company": ORG, **values})

    return edit


def custom_property(name: str, value: str) -> Edit:
    def edit(workbook: Workbook, cover: Worksheet) -> None:
        workbook.set_custom_property(name, value)

    return edit


def comment_by(author: str) -> Edit:
    def edit(workbook: Workbook, cover: Worksheet) -> None:
        cover.write_comment("B2", "Figure to be confirmed with the team.", {"author": author})

    return edit


def comment_text(text: str) -> Edit:
    def edit(workbook: Workbook, cover: Worksheet) -> None:
        cover.write_comment("B2", text)

    return edit


def named(name: str, value: str) -> Edit:
    def edit(workbook: Workbook, cover: Worksheet) -> None:
        workbook.define_name(name, value)

    return edit


def external_hyperlink(workbook: Workbook, cover: Worksheet) -> None:
    cover.write_url("D5", "https://example.org/report", string="Full report")


def formula(text: str, value: object = 0) -> Edit:
    def edit(workbook: Workbook, cover: Worksheet) -> None:
        cover.write_formula("D5", text, None, value)

    return edit


XLSXWRITER_CASES: dict[str, tuple[Edit, set[str]]] = {
    "hidden sheet": (hidden_sheet, {"hidden-sheet"}),
    "very hidden sheet": (very_hidden_sheet, {"hidden-sheet"}),
    "name holding a number": (named("Stash", "=0.05"), {"name-holds-data"}),
    "name holding text": (named("Stash", '="Jane Smith 07700 900123"'), {"name-holds-data"}),
    "name holding an array": (named("Stash", "={1,2,3}"), {"name-holds-data"}),
    "text starting with =, +, -, @, tab, CR": (
        texts_in_cells('=HYPERLINK("x","click")', "+44 20 7946 0000", "-2+3+cmd", "@SUM(A1)", "\t=1", "\r=1"),
        {"csv-injection"},
    ),
    "local paths in cells": (
        texts_in_cells(
            "Source: C:\\Users\\jsmith\\Desktop\\figures.xlsx",
            "/home/jsmith/scorecard/data.csv",
            "\\\\fileserver\\performance\\march.xlsx",
        ),
        {"local-path"},
    ),
    "person as author": (properties(author="Jane Smith"), {"personal-metadata"}),
    "person as manager": (properties(manager="Jane Smith"), {"personal-metadata"}),
    "laptop as company": (properties(company="JSMITH-LAPTOP"), {"personal-metadata"}),
    "owner custom property": (custom_property("Owner", "jane.smith@example.org"), {"personal-metadata"}),
    "sensitivity label owner": (
        custom_property("MSIP_Label_0a1b_Owner", "jane.smith@example.org"),
        {"personal-metadata"},
    ),
    "local path in a property": (
        properties(comments="Saved from C:\\Users\\jsmith\\Documents"),
        {"local-path"},
    ),
    "comment by a person": (comment_by("Jane Smith"), {"comment-author"}),
    "local path in a comment": (comment_text("See S:\\Performance\\2023\\notes.docx"), {"local-path"}),
    "Auto_Open name": (named("Auto_Open", "=Cover!$A$1"), {"macros"}),
    "external hyperlink": (external_hyperlink, {"external-hyperlink"}),
    "URL in a formula": (
        formula('=HYPERLINK("https://example.org/report","Full report")', "Full report"),
        {"external-link"},
    ),
    "DDE in a formula": (formula("=cmd|' /C calc'!A0"), {"external-link"}),
    "workbook name in a formula": (formula("='[Budget.xlsx]Sheet1'!A1"), {"external-link"}),
}  # fmt: skip


CELLS = {"text starting with =, +, -, @, tab, CR": 6, "local paths in cells": 3}


@pytest.mark.parametrize("case", list(XLSXWRITER_CASES))
def test_bad_workbook_made_with_xlsxwriter(tmp_path: Path, case: str) -> None:
    edit, expected = XLSXWRITER_CASES[case]
    code, findings = check_json(make_book(tmp_path / "bad.xlsx", edit))
    assert code == 1
    assert found_codes(findings) == expected, findings
    assert all(f["severity"] == CHECKS[f["code"]][0] for f in findings)
    if case in CELLS:  # one finding per cell, naming it
        assert [f["where"] for f in findings] == [f"Sheet 'Cover'!D{5 + i}" for i in range(CELLS[case])]


def no_cached_value(parts: Parts) -> None:
    replace(parts, "xl/worksheets/sheet1.xml", "<f>B2*2</f><v>240</v>", "<f>B2*2</f>")


def hidden_name(parts: Parts) -> None:
    replace(
        parts,
        "xl/workbook.xml",
        "</sheets>",
        '</sheets><definedNames><definedName name="Lookup" hidden="1">\'Cover\'!$A$1:$B$2</definedName>'
        "</definedNames>",
    )


def inline_string(parts: Parts) -> None:
    replace(
        parts,
        "xl/worksheets/sheet1.xml",
        '<c r="B2"><v>120</v></c>',
        '<c r="B2" t="inlineStr"><is><t>=2+5</t></is></c>',
    )


EXTERNAL_LINK = (
    f'<externalLink xmlns="{MAIN}" xmlns:r="{REL}"><externalBook r:id="rId1"><sheetNames>'
    '<sheetName val="Sheet1"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1">'
    '<cell r="A1"><v>5</v></cell></row></sheetData></sheetDataSet></externalBook></externalLink>'
)


def external_link(parts: Parts) -> None:
    add_part(
        parts,
        "xl/externalLinks/externalLink1.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml",
        EXTERNAL_LINK,
        f"{REL}/externalLink",
    )
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL}/externalLinkPath" Target="https://example.org/budget.xlsx" '
        'TargetMode="External"/></Relationships>'
    ).encode()
    replace(
        parts,
        "xl/workbook.xml",
        "</sheets>",
        '</sheets><externalReferences><externalReference r:id="rId90"/></externalReferences>',
    )
    replace(parts, "xl/worksheets/sheet1.xml", "<f>B2*2</f><v>240</v>", "<f>[1]Sheet1!A1</f><v>5</v>")


def saved_from_folder(parts: Parts) -> None:
    replace(
        parts,
        "xl/workbook.xml",
        "<bookViews>",
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:Choice Requires="x15"><x15ac:absPath xmlns:x15ac="http://schemas.microsoft.com/office/'
        'spreadsheetml/2010/11/ac" url="C:\\Users\\jsmith\\Documents\\"/></mc:Choice>'
        "</mc:AlternateContent><bookViews>",
    )


def threaded_comment_person(parts: Parts) -> None:
    add_part(
        parts,
        "xl/persons/person.xml",
        "application/vnd.ms-excel.person+xml",
        '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" '
        f'xmlns:x="{MAIN}"><person displayName="Jane Smith" id="{{3E5B8C9A-2F6D-4B1E-9C7A-1D2E3F4A5B6C}}" '
        'userId="jane.smith@example.org" providerId="AD"/></personList>',
        "http://schemas.microsoft.com/office/2017/10/relationships/person",
    )


def personal_last_modified_by(parts: Parts) -> None:
    replace(
        parts,
        "docProps/core.xml",
        f"<cp:lastModifiedBy>{ORG}</cp:lastModifiedBy>",
        "<cp:lastModifiedBy>Jane Smith</cp:lastModifiedBy>",
    )


def embedded_file(parts: Parts) -> None:
    add_part(
        parts,
        "xl/embeddings/Microsoft_Word_Document1.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x05\x06" + bytes(18),
    )


def data_connection(parts: Parts) -> None:
    add_part(
        parts,
        "xl/connections.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml",
        f'<connections xmlns="{MAIN}"><connection id="1" name="Budget query" type="1" '
        'sourceFile="https://example.org/budget.dqy" refreshedVersion="6" saveData="1">'
        '<dbPr connection="DSN=Budget" command="SELECT 1"/></connection></connections>',
        f"{REL}/connections",
    )


def schema_error(parts: Parts) -> None:
    replace(parts, "xl/worksheets/sheet1.xml", "<sheetData>", "<sheetData><bogus/>")


REWRITTEN_CASES: dict[str, tuple[Callable[[Parts], None], set[str]]] = {
    "formula without a cached value": (no_cached_value, {"no-cached-value"}),
    "hidden name": (hidden_name, {"hidden-name"}),
    "inline string starting with =": (inline_string, {"csv-injection"}),
    "external link part and formula": (external_link, {"external-link"}),
    "folder saved from": (saved_from_folder, {"local-path"}),
    "person in threaded comments": (threaded_comment_person, {"comment-author"}),
    "person as last modified by": (personal_last_modified_by, {"personal-metadata"}),
    "embedded file": (embedded_file, {"embedded-object"}),
    "data connection": (data_connection, {"external-link"}),
    "schema error": (schema_error, {"schema"}),
}


@pytest.mark.parametrize("case", list(REWRITTEN_CASES))
def test_bad_workbook_made_by_rewriting_parts(tmp_path: Path, case: str) -> None:
    edit, expected = REWRITTEN_CASES[case]
    book = repack(make_book(tmp_path / "bad.xlsx"), edit)
    code, findings = check_json(book)
    assert code == 1
    assert found_codes(findings) == expected, findings


@pytest.fixture(scope="session")
def vba_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The VBA project of xlwings' quickstart workbook (any real vbaProject.bin will do)."""
    spec = importlib.util.find_spec("xlwings")
    assert spec and spec.submodule_search_locations, "xlwings is missing: run the README's test command"
    quickstart = Path(next(iter(spec.submodule_search_locations))) / "quickstart.xlsm"
    target = tmp_path_factory.mktemp("vba") / "vbaProject.bin"
    with zipfile.ZipFile(quickstart) as archive:
        target.write_bytes(archive.read("xl/vbaProject.bin"))
    return target


def test_macros(tmp_path: Path, vba_project: Path) -> None:
    def edit(workbook: Workbook, cover: Worksheet) -> None:
        workbook.add_vba_project(str(vba_project))

    code, findings = check_json(make_book(tmp_path / "macros.xlsm", edit))
    assert code == 1
    assert found_codes(findings) == {"macros"}, findings
    wheres = {f["where"] for f in findings}
    assert wheres == {"xl/workbook.xml", "xl/vbaProject.bin"}  # the type and the project itself


def test_macros_in_a_file_named_xlsx(tmp_path: Path, vba_project: Path) -> None:
    """A VBA project left in a workbook renamed to .xlsx is still found."""
    book = make_book(tmp_path / "renamed.xlsx")
    repack(book, lambda parts: parts.__setitem__("xl/vbaProject.bin", vba_project.read_bytes()))
    code, findings = check_json(book)
    assert code == 1
    assert found_codes(findings) == {"macros"}, findings


def test_a_workbook_above_the_size_limit(tmp_path: Path) -> None:
    book = make_book(tmp_path / "big.xlsx")
    code, findings = check_json(book, "--max-size", "0.001")
    assert code == 1
    assert found_codes(findings) == {"too-large"}
    assert check_json(book, "--max-size", "10")[0] == 0


def test_without_openxml_audit_the_schema_is_reported_unchecked(tmp_path: Path) -> None:
    book = make_book(tmp_path / "book.xlsx")
    findings = check_workbook(book, auditor=tmp_path / "no-such-program")
    assert codes(findings) == {"schema-unchecked"}
    assert "not installed" in findings[0].message


def test_an_unreadable_part(tmp_path: Path) -> None:
    book = repack(
        make_book(tmp_path / "book.xlsx"),
        lambda parts: replace(parts, "docProps/app.xml", "</Properties>", "</Propertie>"),
    )
    findings = check_workbook(book)
    assert "unreadable-part" in codes(findings)
    assert codes(findings) <= {"unreadable-part", "schema"}


def test_a_dtd_is_not_expanded(tmp_path: Path) -> None:
    laughs = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    book = repack(
        make_book(tmp_path / "book.xlsx"),
        lambda parts: replace(parts, "docProps/app.xml", "<Properties", laughs + "<Properties"),
    )
    findings = check_workbook(book)
    dtd = [f for f in findings if f.code == "unreadable-part"]
    assert dtd and "DTD" in dtd[0].message


# --- one finding per problem, where it is ------------------------------------------------------------


def test_findings_name_the_sheet_and_cell_in_one_line_each(tmp_path: Path) -> None:
    def edit(workbook: Workbook, cover: Worksheet) -> None:
        data = workbook.add_worksheet("S47's data")
        data.write_string("B7", "=1+1")
        data.write_string("C9", "C:\\Users\\jsmith\\x.csv")

    book = make_book(tmp_path / "scorecard.xlsx", edit)
    done = run_cli("check", str(book))
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{book}: Sheet 'S47''s data'!B7: text starts with '=': '=1+1';")
    assert lines[0].endswith("[warning: csv-injection]")
    assert lines[1].startswith(f"{book}: Sheet 'S47''s data'!C9: text holds a local path:")
    assert lines[2] == f"{book}: not safe to send as it is: 1 error, 1 warning"
    assert len(lines) == 3


def test_many_cells_are_listed_up_to_a_limit_then_counted(tmp_path: Path) -> None:
    def edit(workbook: Workbook, cover: Worksheet) -> None:
        for row in range(CELLS_LISTED + 5):
            cover.write_string(row + 10, 0, f"=A{row}")

    findings = check_workbook(make_book(tmp_path / "book.xlsx", edit))
    assert [f.code for f in findings] == ["csv-injection"] * (CELLS_LISTED + 1)
    assert findings[-1].where == "Sheet 'Cover'"
    assert findings[-1].message.startswith("5 more cells like the above")


def test_the_organisation_can_be_named(tmp_path: Path) -> None:
    book = make_book(tmp_path / "book.xlsx", properties(author="Acme Board Services"))
    assert found_codes(check_json(book)[1]) == {"personal-metadata"}
    assert check_json(book, "--organisation", "acme board services")[0] == 0


def test_check_never_changes_the_file(tmp_path: Path) -> None:
    book = make_book(tmp_path / "book.xlsx", hidden_sheet)
    before = (hashlib.sha256(book.read_bytes()).hexdigest(), book.stat().st_mtime_ns)
    assert check_json(book)[0] == 1
    assert (hashlib.sha256(book.read_bytes()).hexdigest(), book.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


# --- user errors: exit code 2 -------------------------------------------------------------------------


def not_a_zip(path: Path) -> None:
    path.write_text("measure,value\nCR01,5\n", encoding="utf-8")


def old_format(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))


def word_document(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")


USER_ERRORS: dict[str, tuple[Callable[[Path], None] | None, str]] = {
    "missing file": (None, "no such file"),
    "a folder": (lambda path: path.mkdir(), "not a folder"),
    "not a zip": (not_a_zip, "this file is not one"),
    "old or encrypted workbook": (old_format, "password-protected or old-format (.xls)"),
    "zip without a workbook": (word_document, "this package holds no workbook"),
}


@pytest.mark.parametrize("case", list(USER_ERRORS))
def test_user_errors(tmp_path: Path, case: str) -> None:
    make, fragment = USER_ERRORS[case]
    path = tmp_path / "book.xlsx"
    if make:
        make(path)
    done = run_cli("check", str(path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"scorecard-xl check: {path}: ")
    assert fragment in done.stderr


def test_a_bad_size_limit_is_a_user_error(tmp_path: Path) -> None:
    done = run_cli("check", str(make_book(tmp_path / "book.xlsx")), "--max-size", "0")
    assert done.returncode == 2
    assert "--max-size: got 0.0; a size in MB above 0" in done.stderr


# --- the rules themselves -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("=1+1", True), ("+1+1", True), ("-1+1", True), ("@SUM(A1)", True), ("\tx", True),
        ("\rx", True), ("-", False), ("--", True), ("-5", False), ("+3.2", False), ("-1,234.5", False),
        ("-12%", False), ("-.5", False), ("-%", True), ("-1e5", True), ("- bullet", True),
        ("=5", True), ("n/a", False), ("– dash", False), (" =1", False), ("", False),
    ],
)  # fmt: skip
def test_csv_injection_rule(text: str, starts: bool) -> None:
    assert formula_starter(text) is starts


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("C:\\Users\\jsmith", True), ("c:/users/jsmith/x.csv", True), ("see D:\\Data", True),
        ("\\\\server\\share\\x", True), ("file:///tmp/x", True), ("/home/jsmith/x", True),
        ("(/Users/jane/x)", True), ("/Volumes/USB/x", True), ("../home/jsmith/x.csv", False),
        ("data/data.csv", False), ("20/21", False), ("https://example.org/home/x", False),
        ("Q1:/Q2", False), ("ratio A:B", False), ("profile: x", False),
    ],
)  # fmt: skip
def test_local_path_rule(text: str, found: bool) -> None:
    assert local_path(text) is found


@pytest.mark.parametrize(
    ("formula", "why"),
    [
        ("[1]Sheet1!A1", "another workbook"), ("SUM('[2]My sheet'!A1:A3)", "another workbook"),
        ("[1]!Rate", "another workbook"), ("'C:\\x\\[Budget.xlsx]Sheet1'!A1", "another workbook"),
        ("cmd|' /C calc'!A0", "DDE"), ('WEBSERVICE("https://example.org")', "URL"),
        ("Table1[2019]", None), ("Table1[[#This Row],[2019]]", None), ("SUM(Data!A1:A3)", None),
        ('HYPERLINK("#\'Scorecard\'!B"&MATCH(A22,\'Scorecard\'!$A:$A,0),"Go")', None),
        ('"a|b"&A1', None),
    ],
)  # fmt: skip
def test_external_reference_rule(formula: str, why: str | None) -> None:
    found = external_reference(formula)
    assert (found is None) if why is None else (found is not None and why in found)


@pytest.mark.parametrize(
    ("formula", "held"),
    [
        ("0.05", "a constant"), ("=-1.5E+3", "a constant"), ("TRUE", "a constant"), ('"text"', "text"),
        ('="a"&"b"', "text"), ("{1,2;3,4}", "an array constant"), ('={"a","b"}', "an array constant"),
        ("'Cover'!$B$3:$B$3", None), ("Sheet1!$A:$A,Sheet1!$1:$1", None), ("1:3", None),
        ("#REF!", None), ("Sheet1!#REF!", None), ("OFFSET(Data!$A$1,0,0,COUNTA(Data!$A:$A),1)", None),
        ("A1*2", None), ("Rate*2", None),
    ],
)  # fmt: skip
def test_name_holds_data_rule(formula: str, held: str | None) -> None:
    assert name_holds_data(formula) == held


@pytest.mark.parametrize(
    ("name", "personal"),
    [
        ("Owner", True), ("MSIP_Label_0a1b_Owner", True), ("Prepared by", True), ("AuthorEmail", True),
        ("Name", True), ("Protective marking", False), ("Scorecard definition", False),
        ("Generator", False), ("Scorecard name", False), ("Department", False),
    ],
)  # fmt: skip
def test_personal_property_name_rule(name: str, personal: bool) -> None:
    assert personal_property_name(name) is personal
