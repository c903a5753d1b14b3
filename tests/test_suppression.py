"""The publication profile: small counts, and whatever would reveal them, are nowhere in the file."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest

from scorecard_xl.generate.loading import Inputs
from scorecard_xl.generate.sequence import render
from scorecard_xl.inputs.data import build_dataset
from scorecard_xl.inputs.definition_reader import parse_definition
from scorecard_xl.inputs.options import Options
from scorecard_xl.inputs.periods import Month
from scorecard_xl.inputs.sources import RawRecord
from scorecard_xl.model.suppression import SUPPRESSED, suppress
from tests.conftest import FIXED_TIME


def definition() -> Any:
    count = {"unit": "count", "polarity": "none", "section": "s", "ytd": "sum"}
    return parse_definition(
        {
            "scorecard": {"id": "pub", "version": "1", "title": "T", "organisation": "O", "months_shown": 3},
            "sections": [{"id": "s", "title": "Section"}],
            "measures": [
                {"id": "TOTAL", "title": "All referrals", **count, "total_of": ["BOYS", "GIRLS"]},
                {"id": "BOYS", "title": "Boys referred", **count},
                {"id": "GIRLS", "title": "Girls referred", **count},
                {
                    "id": "PCT",
                    "title": "Boys as % of all",
                    "unit": "percent",
                    "polarity": "none",
                    "section": "s",
                    "derived_from": ["BOYS", "TOTAL"],
                    "decimals": 4,
                },
            ],
        },
        "pub.toml",
    )


# April to June: boys 3 in May (small), so May's total of 99 less the 96 girls would give it away,
# as would the year's 6,433 boys less April's and June's. Distinctive numbers let the test search
# the whole file for them.
ROWS = [
    ("TOTAL", "actual", "2023-04", 4113),
    ("TOTAL", "actual", "2023-05", 99),
    ("TOTAL", "actual", "2023-06", 2513),
    ("BOYS", "actual", "2023-04", 4013),
    ("BOYS", "actual", "2023-05", 3),
    ("BOYS", "actual", "2023-06", 2417),
    ("GIRLS", "actual", "2023-04", 100),
    ("GIRLS", "actual", "2023-05", 96),
    ("GIRLS", "actual", "2023-06", 96),
    ("PCT", "actual", "2023-04", "97.5687%"),
    ("PCT", "actual", "2023-05", "3.0303%"),
    ("PCT", "actual", "2023-06", "96.1799%"),
    ("BOYS", "ytd", "2023-06", 6433),
]


def dataset() -> Any:
    records = [RawRecord("pub.csv", i + 2, m, s, p, v) for i, (m, s, p, v) in enumerate(ROWS)]
    return build_dataset(definition(), records, [])


def test_small_counts_and_what_reveals_them_become_c() -> None:
    published = suppress(definition(), dataset(), threshold=5)
    may = Month(2023, 5)
    assert published.of("BOYS").actual[may] == SUPPRESSED  # 3: primary
    assert published.of("PCT").actual[may] == SUPPRESSED  # 3.0303% = 3 / 99: worked out from it
    assert published.of("BOYS").ytd[Month(2023, 6)] == SUPPRESSED  # 6433 - 4013 - 2417 = 3
    # 99 - 96 = 3: the total would give it away, so the smallest other part (or the total) goes too
    assert SUPPRESSED in (published.of("GIRLS").actual[may], published.of("TOTAL").actual[may])
    assert published.of("BOYS").actual[Month(2023, 4)] == 4013.0  # nothing else changes
    assert published.of("PCT").actual[Month(2023, 6)] == pytest.approx(0.961799)
    assert dataset().of("BOYS").actual[may] == 3.0  # the original is untouched


def test_zero_is_not_suppressed() -> None:
    rows = [
        ("BOYS", "actual", "2023-04", 0),
        ("GIRLS", "actual", "2023-04", 7),
        ("TOTAL", "actual", "2023-04", 7),
    ]
    records = [RawRecord("pub.csv", i + 2, m, s, p, v) for i, (m, s, p, v) in enumerate(rows)]
    published = suppress(definition(), build_dataset(definition(), records, []), threshold=5)
    assert published.of("BOYS").actual[Month(2023, 4)] == 0.0


def test_no_suppressed_number_is_anywhere_in_the_file() -> None:
    inputs = Inputs(definition(), dataset(), __import__("pathlib").Path("pub.toml"), ())
    _, content = render(inputs, Month(2023, 6), generated_at=FIXED_TIME, options=Options(publish=5))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        everything = "\n".join(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
        )
    for secret in ("0.030303", "3.0303", ">6433<", "6,433"):  # the percentage and the YTD, however written
        assert secret not in everything, secret
    assert ">4013<" in everything  # the search would find a number that is there
    book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            if row and row[0] in ("BOYS", "PCT"):
                assert 3 not in row and 3.0 not in row and pytest.approx(0.030303, abs=1e-5) not in row, (
                    ws.title,
                    row,
                )
    cover = [c for row in book["Cover"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(c.startswith("Published version: counts from 1 to 5") for c in cover)
