"""`scorecard-xl init`: a starter definition and data that build as written, never written over
an analyst's files; and `scorecard-xl docs`, the documentation a wheel's user has. (From a wheel
installed in a fresh virtual environment: tests/test_install.py.)"""

from __future__ import annotations

from pathlib import Path

from scorecard_xl.cli.documentation import GUIDES, doc_text, docs_folder
from scorecard_xl.cli.starter import FILES, starter_folder
from scorecard_xl.inputs.definition_reader import load_definition
from tests.cli_process import run_cli


def test_init_writes_a_starter_that_builds_then_refreshes_as_written(tmp_path: Path) -> None:
    made = run_cli("init", "my_card", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in (tmp_path / "my_card").iterdir()) == sorted(FILES)
    assert "next: scorecard-xl build -t my_card/definition.toml -d my_card/data.csv" in made.stdout
    built = run_cli("build", "-t", "my_card/definition.toml", "-d", "my_card/data.csv", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    # (CIC03, adoptions, is red: 18 so far against 11/12 of the year's 24)
    assert "February 2023, 2 red, 1 amber, 2 green, 4 not judged" in built.stdout
    refreshed = run_cli("refresh", "scorecard.xlsx", "--data", "my_card/next_month.csv", cwd=tmp_path)
    assert refreshed.returncode == 0, refreshed.stderr
    assert "March 2023" in refreshed.stdout and "10 new and 0 revised" in refreshed.stdout
    checked = run_cli("check", "scorecard.xlsx", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout  # fit to send as built


def test_the_starter_shows_the_fields_an_analyst_needs() -> None:
    """A few measures of different units and polarities, a target, a quarterly measure, and a
    comment on each field pointing at the docs."""
    path = starter_folder() / "definition.toml"
    definition = load_definition(path)
    measures = definition.measures
    assert len({m.unit for m in measures}) >= 4 and {m.polarity for m in measures} >= {"high", "low", "none"}
    assert any(m.frequency == "quarterly" for m in measures)
    assert sum(m.target is not None for m in measures) >= 3
    assert any(m.ytd == "ratio" for m in measures)  # a percentage worked out from two counts
    assert any(m.ytd == "sum" and m.target.kind == "fixed" for m in measures)  # judged pro rata
    text = path.read_text(encoding="utf-8")
    assert "docs/formats.md" in text and "scorecard-xl docs formats" in text
    fields = [line for line in text.splitlines() if "=" in line and not line.lstrip().startswith("#")]
    commented = {line.split("=")[0].strip() for line in fields if "#" in line}
    assert commented >= {
        "id",
        "unit",
        "polarity",
        "frequency",
        "ytd",
        "target",
        "tolerance",
        "year_start_month",
    }


def test_init_never_writes_over_existing_files_without_force(tmp_path: Path) -> None:
    folder = tmp_path / "my_card"
    folder.mkdir()
    mine = folder / "data.csv"
    mine.write_text("measure,series,period,value\n", encoding="utf-8")
    refused = run_cli("init", "my_card", cwd=tmp_path)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"{Path('my_card') / 'data.csv'}: already exists; pass --force to replace it" in refused.stderr
    assert mine.read_text(encoding="utf-8") == "measure,series,period,value\n"
    assert sorted(p.name for p in folder.iterdir()) == ["data.csv"]  # nothing written at all
    forced = run_cli("init", "my_card", "--force", cwd=tmp_path)
    assert forced.returncode == 0 and mine.read_bytes() == (starter_folder() / "data.csv").read_bytes()
    (tmp_path / "a_file").write_text("", encoding="utf-8")
    not_a_folder = run_cli("init", "a_file", cwd=tmp_path)
    assert not_a_folder.returncode == 2 and "FOLDER: got 'a_file'; a folder" in not_a_folder.stderr


def test_docs_lists_the_guides_and_prints_one() -> None:
    listed = run_cli("docs")
    assert listed.returncode == 0 and str(docs_folder()) in listed.stdout
    for file, _ in GUIDES.values():
        assert file in listed.stdout and (docs_folder() / file).is_file()
    assert run_cli("docs", "formats").stdout.startswith("# Input formats")
    assert doc_text("readme").startswith("# scorecard-xl")
    wrong = run_cli("docs", "manual")
    assert (
        wrong.returncode == 2
        and "NAME: got 'manual'; one of readme, formats, batch, security" in wrong.stderr
    )
