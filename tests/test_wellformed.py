"""Every workbook any command writes is well-formed: every XML part parses and openxml-audit
(-f microsoft365) finds nothing, for inputs at every limit and full of the characters that break
XML: control characters in commentary, &, <, >, quotes, apostrophes, emoji and right-to-left text
in every field, titles that must be cut to sheet names, data files with such names."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from scorecard_xl.generate.sequence import build
from scorecard_xl.inputs.options import Options
from scorecard_xl.inputs.text_rules import CELL_LIMIT, LINE_LIMIT, cut_to, excel_length
from tests.cli_process import run_cli
from tests.hostile_files import SAMPLE_DATA, TEMPLATE

pytestmark = pytest.mark.slow(seconds=25)  # (tests/conftest.py runs these first)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

AWKWARD = "& < > \" ' é ß 😀 עברית ‮ _x0001_ "  # XML's specials, astral, RTL, a literal escape
CONTROL = "".join(chr(c) for c in range(32)) + "\x7f"  # every C0 control, DEL


def fill(text: str, length: int) -> str:
    """`text` repeated to exactly `length` characters as Excel counts them (an emoji is two)."""
    filled = cut_to(text * (length // len(text) + 1), length)
    return filled + "x" * (length - excel_length(filled))


def maximal_definition() -> dict[str, object]:
    """The sample definition with every text at its limit and full of awkward characters."""
    definition = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    head = definition["scorecard"]
    head["title"] = "Board " + "x" * (LINE_LIMIT - 6)
    head["organisation"] = "Trust " + "& " * 15 + "y" * 49  # 100 in a header, & counted twice
    head["marking"] = "OFFICIAL-SENSITIVE " + "m" * 31  # 50
    for number, section in enumerate(definition["sections"]):
        section.pop("sheet", None)
        # Titles that must be cut, that collide once cut, and that hold characters sheet names may not.
        section["title"] = f"Section [{number % 3}]: " + ("Ab: * ? / \\ " * 30)[: LINE_LIMIT - 16]
    definition["sections"][0]["sheet"] = "O'Brien's sheet – 😀 ok"
    definition["sections"][1]["title"] = "History"
    for number, measure in enumerate(definition["measures"]):
        measure["title"] = fill("Measure " + AWKWARD, LINE_LIMIT)
        # The longest definitions on a few measures: all 93 would pass the 4 MB definition file cap.
        measure["definition"] = fill("Counted\tline\n" + AWKWARD, CELL_LIMIT if number < 5 else 1_000)
    for comparator in definition["comparators"]:
        comparator["label"] = comparator["label"] + " " + AWKWARD
        comparator["name"] = fill("Neighbours " + AWKWARD, 1_000)
    return definition


def assert_wellformed(book: Path) -> None:
    """Every XML part parses, and openxml-audit reports no error."""
    with zipfile.ZipFile(book) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels", ".vml")):
                ET.fromstring(archive.read(name))  # raises on any malformed part
    program = shutil.which("openxml-audit") or str(Path(sys.executable).with_name("openxml-audit"))
    done = subprocess.run(
        [program, "-f", "microsoft365", "--validator", "ooxml", "-o", "json", "-m", "0", str(book)],
        capture_output=True,
        text=True,
        check=False,
    )
    results = json.loads(done.stdout)
    result = results[0] if isinstance(results, list) else results
    assert not result.get("errors"), json.dumps(result.get("errors")[:5], indent=1)


@pytest.fixture(scope="module")
def maximal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("maximal")
    (folder / "card.yaml").write_text(
        yaml.safe_dump(maximal_definition(), allow_unicode=True), encoding="utf-8"
    )
    shutil.copy(SAMPLE_DATA, folder / "data & <odd> 'name' é.csv")
    return folder


def test_a_build_at_every_limit_with_control_characters_in_commentary(maximal: Path) -> None:
    commentary = {
        "CFSS01": "Every control character: " + CONTROL + " and _x0041_ written as text",
        "CFSS02": fill("Long commentary " + AWKWARD + "\n", CELL_LIMIT),
        "CFSS03": "=1+1 typed as text",
    }
    book = maximal / "board.xlsx"
    build(
        book,
        maximal / "card.yaml",
        [maximal / "data & <odd> 'name' é.csv"],
        commentary=commentary,
        options=Options(publish=5, protect_password="p&<>'\"" + CONTROL),
    )
    assert_wellformed(book)


def test_every_command_writes_wellformed_workbooks(maximal: Path, tmp_path: Path) -> None:
    for path in maximal.iterdir():
        shutil.copy(path, tmp_path / path.name)
    data = "data & <odd> 'name' é.csv"
    env = {**os.environ, "SCORECARD_XL_PROTECT_PASSWORD": "secret"}
    built = run_cli(
        "build", "-t", "card.yaml", "-d", data, "-o", "first.xlsx", "--protect",
        "--organisation", "Org & <Co> 'x' " + "o" * 60, "--marking", "OFFICIAL & <SENSITIVE>",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    # The published copy is made from the analyst's workbook (a release is never refreshed).
    again = run_cli(
        "build", "--from-workbook", "first.xlsx", "--publish", "-o", "second.xlsx", cwd=tmp_path, env=env
    )
    assert again.returncode == 0, again.stderr
    refreshed = run_cli("refresh", "first.xlsx", "-p", "2023-01", "-o", "third.xlsx", cwd=tmp_path, env=env)
    assert refreshed.returncode == 0, refreshed.stderr
    for name in ("first.xlsx", "second.xlsx", "third.xlsx"):
        assert_wellformed(tmp_path / name)


def test_a_batch_and_the_add_in_write_wellformed_workbooks(maximal: Path, tmp_path: Path) -> None:
    """The batch's workers (organisations at their limits, published and protected) and the add-in."""
    for path in maximal.iterdir():
        shutil.copy(path, tmp_path / path.name)
    names = ["Org & <Co> 'x' " + "o" * 60, "Ünïcödé 😀 Trust " + "t" * 70]
    (tmp_path / "b.toml").write_text(
        '[defaults]\ntemplate = "card.yaml"\ndata = ["data & <odd> \'name\' é.csv"]\n'
        'output_folder = "out"\noutput = "{organisation_slug}/{period}.xlsx"\npublish = 5\nprotect = true\n'
        f'\n[for_each]\nperiod = "2023-03"\norganisation = {json.dumps(names, ensure_ascii=False)}\n',
        encoding="utf-8",
    )
    env = {**os.environ, "SCORECARD_XL_PROTECT_PASSWORD": "secret"}
    batch = run_cli("batch", "b.toml", "--jobs", "2", cwd=tmp_path, env=env)
    assert batch.returncode == 0, batch.stderr
    books = sorted((tmp_path / "out").rglob("*.xlsx"))
    assert len(books) == 2
    for book in books:
        assert_wellformed(book)
    addin = run_cli("addin", "-o", "scorecard_xl.xlam", cwd=tmp_path)
    assert addin.returncode == 0, addin.stderr
    with zipfile.ZipFile(tmp_path / "scorecard_xl.xlam") as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                ET.fromstring(archive.read(name))
