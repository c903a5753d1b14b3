"""The path a new user takes: scorecard-xl built as a wheel and installed in a fresh virtual
environment (not this checkout), then the README's first commands run from an empty folder."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import REPO


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
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", folder / "wheels", REPO, cwd=folder)
    (wheel,) = (folder / "wheels").glob("scorecard_xl-*.whl")
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
