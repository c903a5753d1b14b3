"""Workbooks that leave the building: PDF through LibreOffice, protective marking, protection."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from scorecard_xl.cli import main

A4_LANDSCAPE = ("841.89", "595.304")


@pytest.fixture
def folder(in_tmp: Path) -> Path:
    return in_tmp


def pdf_info(pdf: Path) -> tuple[int, set[tuple[str, str]]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    )
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])  # type: ignore[index]
    sizes = set(re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info.stdout))
    return pages, sizes


@pytest.mark.libreoffice
def test_build_pdf_prints_the_board_pack(folder: Path) -> None:
    assert main(["build", "--pdf"]) == 0
    pdf = folder / "scorecard.pdf"
    pages, sizes = pdf_info(pdf)
    assert sizes == {A4_LANDSCAPE}  # the paper the definition names, never enlarged
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    printed = text.split("\f")[:-1]
    assert len(printed) == pages
    # cover, summary, the sections sharing pages, definitions; no per-section sheets, no Data table
    assert 10 <= pages <= 18
    for number, page in enumerate(printed, start=1):
        assert f"Page {number} of {pages}" in page
    # every section is printed, sections sharing the Scorecard's pages (the grid's header on each)
    headings = [p for p in printed if re.search(r"\bRef\s+Measure\s+Oct 22", p)]
    assert 2 <= len(headings) <= 4
    for section in ("Children and Family Support Services", "Caseloads & Staffing", "Care Leavers"):
        assert sum(section in page for page in headings) == 1, section
    assert "#REF" not in text and "Err:" not in text


def test_marking_reaches_headers_footers_and_properties(folder: Path) -> None:
    assert main(["build", "--marking", "OFFICIAL-SENSITIVE"]) == 0
    book = openpyxl.load_workbook(folder / "scorecard.xlsx")
    for ws in book.worksheets:
        assert (
            "OFFICIAL-SENSITIVE" in ws.oddHeader.center.text
            and "OFFICIAL-SENSITIVE" in ws.oddFooter.center.text
        )
    assert {p.name: p.value for p in book.custom_doc_props.props}[
        "Protective marking"
    ] == "OFFICIAL-SENSITIVE"
    assert book["Cover"]["A4"].value == "OFFICIAL-SENSITIVE"  # under the title, in A1


def test_protection_locks_sheets_and_structure_but_not_commentary(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCORECARD_XL_PROTECT_PASSWORD", "board-2023")
    assert main(["build", "--protect"]) == 0
    path = folder / "scorecard.xlsx"
    with zipfile.ZipFile(path) as archive:
        assert re.search(
            r'<workbookProtection workbookPassword="[0-9A-F]{4}" lockStructure="1"/>',
            archive.read("xl/workbook.xml").decode(),
        )
        assert "board-2023" not in b"".join(archive.read(n) for n in archive.namelist()).decode("latin-1")
    book = openpyxl.load_workbook(path)
    ws = book["Scorecard"]
    assert ws.protection.sheet and all(s.protection.sheet for s in book.worksheets)
    header = next(r for r in ws.iter_rows(min_row=1, max_row=10) if r[0].value == "Ref")
    commentary = next(c for c in header if c.value == "Commentary").column_letter
    assert ws[f"{commentary}8"].protection.locked is False  # analysts still type commentary
    assert ws["C8"].protection.locked is True  # figures cannot be overwritten by accident


def test_protection_needs_a_password_from_the_environment(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCORECARD_XL_PROTECT_PASSWORD", raising=False)
    assert main(["build", "--protect"]) == 2
    assert not (folder / "scorecard.xlsx").exists()


def test_a_workbook_built_with_every_option_passes_check(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scorecard_xl.checks.check import check_workbook

    monkeypatch.setenv("SCORECARD_XL_PROTECT_PASSWORD", "board-2023")
    argv = [
        "build",
        "--organisation",
        "Board copy",
        "--marking",
        "OFFICIAL-SENSITIVE",
        "--publish",
        "--protect",
    ]
    assert main(argv) == 0
    assert [str(f) for f in check_workbook(folder / "scorecard.xlsx")] == []
