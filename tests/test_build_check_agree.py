"""Build and check agree on text a CSV export would run as a formula: one rule (text_rules), so a
definition the build accepts gives a workbook check passes, and whatever the build cannot refuse
(commentary an analyst typed, a data file's name) it warns about, cell for cell, as check does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scorecard_xl.checks.check import check_workbook
from scorecard_xl.errors import InputError
from scorecard_xl.generate.sequence import build
from scorecard_xl.inputs.text_rules import formula_starter
from tests.hostile_files import SAMPLE_DATA, TEMPLATE, set_field, toml_string

TEXTS = ["=1+1", "+44 7700 900000", "-x", "@SUM(A1)", "\tx", "-5", "+3.2%", "-", "- improving", "x=1", "ok"]


def csv_injection_cells(book: Path) -> set[str]:
    findings = check_workbook(book, auditor="true")  # the schema is not the point here
    return {f.where for f in findings if f.code == "csv-injection"}


@pytest.mark.parametrize("text", TEXTS)
def test_a_title_is_refused_exactly_when_check_would_flag_it(text: str, tmp_path: Path) -> None:
    shutil.copy(TEMPLATE, tmp_path / "card.toml")
    set_field("measures", "title", toml_string("Title"), "CFSS01")(tmp_path)
    card = (tmp_path / "card.toml").read_text(encoding="utf-8")
    (tmp_path / "card.toml").write_text(card.replace('title = "Title"', f"title = {toml_string(text)}"))
    book = tmp_path / "board.xlsx"
    if formula_starter(text.strip()):
        with pytest.raises(InputError, match="does not start with =, \\+, - or @"):
            build(book, tmp_path / "card.toml", [SAMPLE_DATA])
        assert not book.exists()
    else:
        result = build(book, tmp_path / "card.toml", [SAMPLE_DATA])
        assert result.warnings == ()
        assert csv_injection_cells(book) == set()


def test_commentary_is_warned_about_cell_for_cell_as_check_flags_it(tmp_path: Path) -> None:
    texts = ["=1+1", "-5", "- improving", "x=1", "\tx", "-"]  # three flagged, each in two cells
    commentary = {f"CFSS{n + 1:02d}": text for n, text in enumerate(texts)}
    data = tmp_path / "+data.csv"  # a file name shown on the Cover
    shutil.copy(SAMPLE_DATA, data)
    result = build(tmp_path / "board.xlsx", TEMPLATE, [data], commentary=commentary)
    warned = {w.split(": ", 1)[0].replace("'", "") for w in result.warnings}
    flagged = {where.replace("Sheet ", "").replace("'", "") for where in csv_injection_cells(result.path)}
    assert len(warned) == 7 and warned == flagged  # and the Cover's cell naming +data.csv
