"""The published copy is a release (issue 20): what leaves the building carries none of the
analyst's tools (searched for in every part of the file), says what a release says of itself on
its Cover, has a Contents and a Notes sheet and says on every sheet how many tables it holds, and
is still judged by `check` (its counts) and `send` (its facts) though it carries no refresh record.
The sample and the NHS sample, built through the real command line."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from scorecard_xl.send.book import read_facts
from tests.cli_process import run_cli

# What only the analyst's workbook has: the period picker and its list, instructions to refresh,
# the layout signature, the options and file paths, the Setup sheet with the definition's text and
# comments, and the refresh record's defined names.
TOOLS = (
    "Period to show",
    "Months in the data",
    "Refresh",
    "Layout",
    "Built with",
    "Record version",
    "Data files",
    "Setup",
    "the project's seed",  # a comment of the sample's definition
    "workbook_templates",
    ".toml",
    "data.csv",
    'scxl_period"',
    "scxl_periods",
    "scxl_layout",
    "scxl_options",
    "scxl_definition_text",
    "scxl_geometry",
    "scxl_0_",  # a refresh block's name
)
SAMPLES = {"sample": [], "nhs": ["-t", "nhs_ae"]}


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("released")
    books = {}
    for name, args in SAMPLES.items():
        books[name] = folder / f"{name}.xlsx"
        done = run_cli("build", *args, "--publish", "-o", str(books[name]), cwd=folder)
        assert done.returncode == 0, done.stderr
    return books


def texts_of(path: Path) -> str:
    """Every part of the package, as text (XML: cell text, names, properties, tables)."""
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


@pytest.mark.parametrize("name", SAMPLES)
def test_no_part_of_the_file_holds_the_analysts_tools(released: dict[str, Path], name: str) -> None:
    text = texts_of(released[name])
    found = {tool for tool in TOOLS if tool in text.replace("pageSetup", "page")}
    assert not found, f"{name}: {sorted(found)}"
    assert "mailto:performance@example" in text  # (the contact's link is there)


@pytest.mark.parametrize("name", SAMPLES)
def test_the_cover_says_what_a_release_says_of_itself(released: dict[str, Path], name: str) -> None:
    book = openpyxl.load_workbook(released[name], data_only=True)  # read only: never saved
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"] and "Setup" not in book.sheetnames
    cover = {row[0]: row[1] for row in book["Cover"].iter_rows(values_only=True) if row[0]}
    for label in ("Published", "Next release", "Source", "Contact", "Email", "Publication"):
        assert cover.get(label), f"{name}: {label}"
    email = next(c for row in book["Cover"].iter_rows() for c in row if c.value == cover["Email"])
    assert email.hyperlink is not None and email.hyperlink.target == f"mailto:{cover['Email']}"
    assert "sheet has no tables" in " ".join(str(v) for v in cover)
    contents = [row for row in book["Contents"].iter_rows(values_only=True) if row[0]]
    assert not any("trend" in str(row[1]).lower() for row in contents if row[1]), "no trends here"


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sheet_says_how_many_tables_it_holds(released: dict[str, Path], name: str) -> None:
    book = openpyxl.load_workbook(released[name], data_only=True)
    for sheet in book.worksheets:
        tables = len(sheet.tables)
        said = str(sheet["A4"].value or "") if sheet.title != "Cover" else str(sheet["A5"].value)
        expected = {0: "no tables", 1: "one table"}.get(tables, f"has {tables} tables")
        assert expected in said, f"{name}: {sheet.title}: {said!r}"


@pytest.mark.parametrize("name", SAMPLES)
def test_the_release_passes_check_and_check_accessibility(released: dict[str, Path], name: str) -> None:
    """Nothing the safety check minds (the contact's mailto: link is fine), and every rule."""
    for args in ((), ("--accessibility",)):
        done = run_cli("check", str(released[name]), *args)
        assert done.returncode == 0, done.stdout + done.stderr


def test_check_still_finds_a_count_put_back_into_a_release(released: dict[str, Path], tmp_path: Path) -> None:
    """A release has no definition file to say which measures are counts: its Definitions table
    does. A 3 typed over a [c] in the Data table is found."""
    with zipfile.ZipFile(released["sample"]) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    names = parts["xl/workbook.xml"].decode()
    data_sheet = 1 + re.findall(r'<sheet name="([^"]+)"', names).index("Data")
    part = f"xl/worksheets/sheet{data_sheet}.xml"
    sheet = parts[part].decode()
    strings = re.findall(r"<si><t[^>]*>([^<]*)</t></si>", parts["xl/sharedStrings.xml"].decode())
    suppressed = strings.index("[c]")
    cell = re.search(rf'<c r="(D\d+)"[^>]*t="s"[^>]*><v>{suppressed}</v></c>', sheet)
    assert cell
    parts[part] = sheet.replace(cell[0], f'<c r="{cell[1]}"><v>3</v></c>', 1).encode()
    edited = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(edited, "w") as archive:
        for n, content in parts.items():
            archive.writestr(n, content)
    done = run_cli("check", str(edited))
    assert done.returncode == 1 and "unsuppressed-count" in done.stdout, done.stdout


def test_send_reads_a_releases_facts(released: dict[str, Path]) -> None:
    facts = read_facts(released["sample"].read_bytes(), "sample.xlsx")
    assert (facts.period, facts.red, facts.amber) == ("March 2023", 18, 6)


def test_a_release_is_never_refreshed_and_says_how_the_next_is_made(
    released: dict[str, Path], tmp_path: Path
) -> None:
    book = str(released["sample"])
    for command in (
        ("refresh", book, "-o", str(tmp_path / "x.xlsx")),
        ("build", "--from-workbook", book, "-o", str(tmp_path / "y.xlsx")),
    ):
        done = run_cli(*command)
        assert done.returncode == 2 and "is a published copy" in done.stderr, done.stderr
        assert "scorecard-xl build --from-workbook ANALYST.xlsx --publish" in done.stderr
    assert not list(tmp_path.iterdir())


def test_the_notes_sheet_holds_the_key_and_the_notes_on_the_data(released: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(released["sample"].read_bytes()), data_only=True)
    notes = book["Notes"]
    assert set(notes.tables) == {"Key", "Data_notes"}
    rows = {row[0]: row[1] for row in notes.iter_rows(values_only=True) if row[0]}
    assert rows["[c]"] and rows["[x] in RAG"] and "Not judged" not in rows  # (the shorthand, in a release)
    assert "CR07, CR08, CIC03: The source scorecard showed 0%" in rows["Note 1"]
    definitions = [row for row in book["Definitions"].iter_rows(values_only=True) if row[0] == "CR08"]
    assert definitions and str(definitions[0][-1]).endswith("See data note 1.")
