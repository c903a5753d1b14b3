"""Shared fixtures: the bundled sample built once per test session, with a fixed build time; and,
from smtp_server.py, a real SMTP server for the email tests."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from scorecard_xl.pipeline import load_inputs, render

# xlwings reads its licence when first imported. The remote engine the refresh tests use is xlwings
# PRO, free under the PolyForm Noncommercial licence (government bodies qualify).
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

# The SMTP server's fixtures (certificates, start_server, server, env) for test_send and
# test_batch_publish: tests/smtp_server.py, imported by name as pytest puts this folder on sys.path.
pytest_plugins = ["smtp_server"]

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "nct_2022_23"
TEMPLATE = REPO / "workbook_templates" / "nct_monthly.toml"
FIXED_TIME = dt.datetime(2023, 4, 12, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="session")
def sample_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample scorecard (March 2023) written to a file."""
    inputs = load_inputs(TEMPLATE, [SAMPLE / "data.csv"])
    _, content = render(inputs, generated_at=FIXED_TIME)
    path = tmp_path_factory.mktemp("sample") / "scorecard.xlsx"
    path.write_bytes(content)
    return path
