"""Every example in the docs works as pasted: definitions load, batch files load, SQL sources parse.
(The first run of a newcomer is copying one of these.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomllib

from scorecard_xl.batch import load_batch
from scorecard_xl.inputs.definition_reader import load_definition
from scorecard_xl.inputs.sources.sql import sql_config
from tests.conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def toml_blocks(kind: str) -> list[tuple[str, str]]:
    """(where, text) of every ```toml block in the docs whose text has the table `kind`."""
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in re.finditer(r"```toml\n(.*?)```", text, re.S):
            if re.search(rf"^\[{re.escape(kind)}\]", match[1], re.M):
                line = text[: match.start()].count("\n") + 1
                found.append((f"{doc.name}:{line}", match[1]))
    return found


DEFINITIONS = toml_blocks("scorecard")
BATCHES = [b for b in toml_blocks("for_each") + toml_blocks("defaults") if "[scorecard]" not in b[1]]
BATCHES = list(dict(BATCHES).items())  # a block with both tables once
SQL = toml_blocks("sql")


def test_the_docs_have_the_examples_these_tests_check() -> None:
    assert len(DEFINITIONS) >= 1 and len(BATCHES) >= 3 and len(SQL) >= 1


@pytest.mark.parametrize(("where", "text"), DEFINITIONS, ids=[w for w, _ in DEFINITIONS])
def test_every_definition_example_loads(where: str, text: str, tmp_path: Path) -> None:
    path = tmp_path / "example.toml"
    path.write_text(text, encoding="utf-8")
    definition = load_definition(path)  # raises, naming every problem, if the example is wrong
    assert definition.measures, where


@pytest.mark.parametrize(("where", "text"), BATCHES, ids=[w for w, _ in BATCHES])
def test_every_batch_example_loads(where: str, text: str, tmp_path: Path) -> None:
    # An organisation CSV the example names is made from the columns its comment gives.
    named = re.search(r'organisation = "([^"]+\.csv)"\s*#[^\n]*?([a-z_]+(?:,[a-z_]+)+)', text)
    if named:
        columns = named[2].split(",")
        row = ",".join("x@example.gov.uk" if c == "email" else "x" for c in columns)
        (tmp_path / named[1]).write_text(",".join(columns) + "\n" + row + "\n", encoding="utf-8")
    path = tmp_path / "batch.toml"
    path.write_text(text, encoding="utf-8")
    assert load_batch(path).output_folder.is_relative_to(tmp_path), where


@pytest.mark.parametrize(("where", "text"), SQL, ids=[w for w, _ in SQL])
def test_every_sql_source_example_parses(where: str, text: str) -> None:
    config = sql_config(tomllib.loads(text)["sql"], where)
    assert config is not None
