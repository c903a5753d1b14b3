"""Shared fixtures: the bundled sample built once per test session, with a fixed build time; and,
from smtp_server.py, a real SMTP server for the email tests."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.sequence import render

# xlwings reads its licence when first imported. The remote engine the refresh tests use is xlwings
# PRO, free under the PolyForm Noncommercial licence (government bodies qualify).
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

# The SMTP server's fixtures (certificates, start_server, server, env) for test_send and
# test_batch_publish: tests/smtp_server.py, imported by name as pytest puts this folder on sys.path.
pytest_plugins = ["smtp_server"]

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "nct_2022_23"
TEMPLATE = REPO / "workbook_templates" / "nct_monthly.toml"
SAMPLE_DATA = SAMPLE / "data.csv"
FIXED_TIME = dt.datetime(2023, 4, 12, 9, 30, tzinfo=dt.timezone.utc)
FIXED_EPOCH = {"SOURCE_DATE_EPOCH": str(int(FIXED_TIME.timestamp()))}  # the environment that fixes it


@pytest.fixture(autouse=True)
def operator_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the trusted folders of the person running the tests (their settings folder),
    nor their environment's operator settings: each test says what it trusts."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "settings"))
    for name in (
        "SCORECARD_XL_TRUSTED_FOLDERS",
        "SCORECARD_XL_ALLOW_SQL",
        "SCORECARD_XL_PUBLISH_FLOOR",
        "SCORECARD_XL_BASE_DIR",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def sample_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample scorecard (March 2023) written to a file."""
    inputs = load_inputs(TEMPLATE, [SAMPLE / "data.csv"])
    _, content = render(inputs, generated_at=FIXED_TIME)
    path = tmp_path_factory.mktemp("sample") / "scorecard.xlsx"
    path.write_bytes(content)
    return path


# --- a small scorecard for batch tests: two measures, two organisations' data files ----------------

CARD = """\
[scorecard]
id = "test"
version = "1"
title = "Test scorecard"
organisation = "{organisation}"

[[sections]]
id = "main"
title = "Main"

[[measures]]
id = "M1"
section = "main"
title = "Referrals"
unit = "count"
polarity = "high"

[[measures]]
id = "M2"
section = "main"
title = "Visits on time"
unit = "percent"
polarity = "high"
"""


def data_csv(first: int = 10) -> str:
    rows = ["measure,series,period,value"]
    for offset, month in enumerate(["2023-01", "2023-02", "2023-03"]):
        rows.append(f"M1,actual,{month},{first + offset}")
        rows.append(f"M2,actual,{month},{60 + offset}%")
    return "\n".join(rows) + "\n"


@pytest.fixture
def batch_inputs(tmp_path: Path) -> Path:
    """A folder with card.toml (CARD, organisation Test Trust), data/a.csv and data/b.csv."""
    (tmp_path / "card.toml").write_text(CARD.format(organisation="Test Trust"), encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text(data_csv(10), encoding="utf-8")
    (tmp_path / "data" / "b.csv").write_text(data_csv(20), encoding="utf-8")
    return tmp_path


def statuses(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """Job -> status, from the summary table on stdout."""
    found = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1] in ("built", "skipped", "failed"):
            found[parts[0]] = parts[1]
    return found


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder, made the current folder (as an analyst runs the command line in one)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow modules first, longest first (in collection order otherwise): pytest-xdist hands
    tests out in this order, so a 50-second test no longer starts last and runs on alone."""

    def seconds(item: pytest.Item) -> float:
        marker = item.get_closest_marker("slow")
        return float(marker.kwargs.get("seconds", 1)) if marker else 0.0

    items.sort(key=seconds, reverse=True)  # (stable: a module's tests stay together, in order)
