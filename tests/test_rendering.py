"""The built sample opened by real programs: LibreOffice prints it, openxml-audit validates it."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from scorecard_xl.checks.schema_audit import find_auditor
from scorecard_xl.errors import InputError
from scorecard_xl.write.libreoffice import convert_to_pdf

A3_LANDSCAPE = (1190.55, 841.89)  # points


@pytest.fixture(scope="module")
def sample_pdf(sample_book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice is missing: run the README's test command, which installs it")
    return convert_to_pdf([sample_book], tmp_path_factory.mktemp("pdf"))[0]


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def page_sizes(pdf: Path) -> set[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    )
    return {
        (float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info.stdout)
    }


@pytest.mark.libreoffice
def test_every_page_is_a3_landscape(sample_pdf: Path) -> None:
    assert page_sizes(sample_pdf) == {A3_LANDSCAPE}


@pytest.mark.libreoffice
def test_scorecard_pages_fit_one_page_wide(sample_pdf: Path) -> None:
    """Every page that prints the grid's header row shows its first and last column."""
    grid_pages = [p for p in pdf_pages(sample_pdf) if re.search(r"\bRef\s+Measure\s+Oct 22", p)]
    assert len(grid_pages) >= 12  # the Scorecard sheet and a sheet per section
    for page in grid_pages:
        header = next(line for line in page.splitlines() if re.search(r"\bRef\s+Measure\s+Oct 22", line))
        assert "Commentary" in header, header
        assert "21/22" in header, header


@pytest.mark.libreoffice
def test_no_cell_too_narrow_for_its_value(sample_pdf: Path) -> None:
    """No ### anywhere, on pages that do show the figures (so it cannot pass on blank pages)."""
    pages = pdf_pages(sample_pdf)
    assert not [p for p in pages if "###" in p]
    text = "\f".join(pages)
    assert len(pages) >= 14  # the Cover, the Summary, a page per section at least, the Definitions
    for shown in ("1,639", "Northamptonshire Children's Trust", "Red", "Amber", "Green"):
        assert shown in text, shown


@pytest.mark.libreoffice
def test_marking_and_page_numbers_on_every_page(sample_pdf: Path) -> None:
    pages = pdf_pages(sample_pdf)
    for number, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL") >= 2, f"page {number} lacks the marking in header and footer"
        assert f"Page {number} of {len(pages)}" in page


@pytest.mark.libreoffice
def test_the_sheets_not_meant_for_paper_print_one_page_each(sample_pdf: Path) -> None:
    """The Data table (1,086 rows) and the Setup sheet's definition (1,300 lines) are for the screen
    and Refresh: printing the whole workbook gives their notes, a page each (it gave 24 and 28)."""
    pages = pdf_pages(sample_pdf)
    headers = [page.splitlines()[0].split()[-1] if page.strip() else "" for page in pages]
    assert headers.count("Data") == 1 and headers.count("Setup") == 1, headers
    data = pages[headers.index("Data")]
    assert "On paper only these lines print" in data and "CFSS01" not in data
    assert len(pages) <= 30


def test_openxml_audit_finds_nothing(sample_book: Path) -> None:
    audit = find_auditor()  # as check finds it: on PATH, or beside this Python (a venv not on PATH)
    assert audit, "openxml-audit is missing: run the README's test command"
    done = subprocess.run([audit, "-f", "microsoft365", str(sample_book)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Errors: 0" in done.stdout


@pytest.mark.libreoffice
def test_a_failed_libreoffice_run_is_tried_again_with_a_fresh_profile(
    sample_book: Path, tmp_path: Path
) -> None:
    """LibreOffice once crashed starting beside another conversion. Here its first run really fails
    (the profile it is given is a file, not a folder: "User installation could not be completed");
    the second, with a fresh profile, converts the workbook."""
    broken = tmp_path / "broken-profile"
    broken.write_text("not a folder")
    profiles = iter([contextlib.nullcontext(str(broken)), tempfile.TemporaryDirectory()])
    [pdf] = convert_to_pdf([sample_book], tmp_path / "out", fresh_profile=lambda: next(profiles))
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.libreoffice
def test_a_second_failure_is_reported_with_what_libreoffice_said(sample_book: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken-profile"
    broken.write_text("not a folder")
    with pytest.raises(InputError) as caught:
        convert_to_pdf(
            [sample_book], tmp_path / "out", fresh_profile=lambda: contextlib.nullcontext(str(broken))
        )
    message = caught.value.message()
    assert "could not convert scorecard.pdf" in message and "exit code" in message, message
