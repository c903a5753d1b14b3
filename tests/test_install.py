"""The path a new user takes: scorecard-xl built as a wheel and installed in a fresh virtual
environment (not this checkout), then the README's first commands run from an empty folder."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.checkout_wheel import checkout_wheel
from tests.conftest import REPO

pytestmark = pytest.mark.slow(seconds=15)  # (tests/conftest.py runs these first)


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    # No PYTHONPATH: the fresh environment must find scorecard-xl in its own site-packages only.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, env=env)
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding scorecard-xl from its wheel; its dependencies are this environment's
    (listed in a .pth file: no network, and none of this checkout's editable install)."""
    folder = tmp_path_factory.mktemp("install")
    wheel = checkout_wheel()
    venv = folder / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=folder)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=folder)
    site = Path(
        run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=folder).stdout.strip()
    )
    (site / "dependencies_from_the_test_environment.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv


def test_the_wheel_builds_the_sample_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    python, cli = installed / "bin" / "python", installed / "bin" / "scorecard-xl"
    where = run(python, "-c", "import scorecard_xl; print(scorecard_xl.__file__)", cwd=tmp_path).stdout
    assert where.startswith(str(installed)), where  # the wheel's copy, not this checkout
    built = run(cli, "build", cwd=tmp_path)
    assert (
        built.stdout.startswith("wrote scorecard.xlsx (")
        and (tmp_path / "scorecard.xlsx").stat().st_size > 50_000
    )
    assert "18 red, 6 amber, 14 green" in built.stdout


def test_the_wheel_runs_the_readme_benchmarking_commands(installed: Path, tmp_path: Path) -> None:
    cli = installed / "bin" / "scorecard-xl"
    run(cli, "dfe-extract", "--la", "940", "-o", "dfe_data", cwd=tmp_path)
    run(cli, "batch", "dfe_data/batch.toml", "--jobs", "1", "--quiet", cwd=tmp_path)
    assert [p.name for p in (tmp_path / "dfe_data" / "workbooks").glob("*.xlsx")] == [
        "940_north-northamptonshire.xlsx"
    ]


def test_the_wheel_takes_a_dataframe_as_a_notebook_would(installed: Path, tmp_path: Path) -> None:
    code = (
        "import pandas, scorecard_xl as sx\n"
        f"frame = pandas.read_csv({str(REPO / 'samples' / 'nct_2022_23' / 'data.csv')!r}, dtype=str,"
        " keep_default_na=False)\n"
        "result = sx.build('notebook.xlsx', 'nct_monthly', frame)\n"
        "print(len(sx.frame_of(result.scorecard)))"
    )
    assert run(installed / "bin" / "python", "-c", code, cwd=tmp_path).stdout.strip() == "93"


def test_the_wheel_needs_the_schema_audit_everywhere_but_pyodide(installed: Path) -> None:
    """check's schema audit is a dependency, so a fresh build passes check on a plain install; it
    needs lxml, which Pyodide cannot install, hence the marker."""
    from importlib.metadata import PathDistribution

    site = next((installed / "lib").glob("python3*/site-packages"))
    (info,) = site.glob("scorecard_xl-*.dist-info")
    requires = PathDistribution(info).requires or []
    audit = [r for r in requires if r.startswith("openxml-audit") and "extra ==" not in r]
    assert audit == ['openxml-audit>=0.8; sys_platform != "emscripten"'], requires


def test_a_fresh_build_from_the_wheel_passes_check(installed: Path, tmp_path: Path) -> None:
    cli = installed / "bin" / "scorecard-xl"
    run(cli, "build", cwd=tmp_path)
    checked = run(cli, "check", "scorecard.xlsx", cwd=tmp_path)  # exit code 0: run() insists
    assert checked.stdout.startswith("scorecard.xlsx: ok"), checked.stdout


def test_the_wheel_starts_a_scorecard_and_carries_its_docs(installed: Path, tmp_path: Path) -> None:
    cli = installed / "bin" / "scorecard-xl"
    run(cli, "init", "my_card", cwd=tmp_path)
    built = run(cli, "build", "-t", "my_card/definition.toml", "-d", "my_card/data.csv", cwd=tmp_path)
    assert "February 2023" in built.stdout
    run(cli, "refresh", "scorecard.xlsx", "--data", "my_card/next_month.csv", cwd=tmp_path)
    listed = run(cli, "docs", cwd=tmp_path).stdout
    folder = Path(listed.splitlines()[0].split(" in ", 1)[1].rstrip(":"))
    assert folder.is_relative_to(installed), listed  # the wheel's copy, not this checkout's
    assert sorted(p.name for p in folder.glob("*.md")) == ["batch.md", "formats.md", "security.md"]
    assert run(cli, "docs", "formats", cwd=tmp_path).stdout.startswith("# Input formats")
    assert run(cli, "docs", "readme", cwd=tmp_path).stdout.startswith("# scorecard-xl")
