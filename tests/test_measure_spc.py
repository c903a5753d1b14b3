"""SPC in the definition and the model: `spc` in [scorecard] and per measure, and each measure's
chart over every period of the data up to the one shown, read as scorecard_xl.spc.xmr reads it."""

from __future__ import annotations

import pytest

from scorecard_xl.errors import InputError
from scorecard_xl.inputs.data import build_dataset
from scorecard_xl.inputs.definition_reader import parse_definition
from scorecard_xl.inputs.periods import Month
from scorecard_xl.inputs.sources import RawRecord
from scorecard_xl.model.scorecard import build_scorecard
from scorecard_xl.spc import xmr

HEAD = {"id": "ward", "version": "1", "title": "Ward", "organisation": "Trust", "spc": True}


def definition(head: dict[str, object] | None = None, **measures: dict[str, object]) -> object:
    base = {"section": "s", "title": "A measure", "unit": "count", "polarity": "high"}
    raw = {
        "scorecard": {**HEAD, **(head or {})},
        "sections": [{"id": "s", "title": "Section"}],
        "measures": [{"id": mid, **base, **fields} for mid, fields in measures.items()],
    }
    return parse_definition(raw, "ward.toml")


def records(measure: str, values: list[object], start: str = "2021-04") -> list[RawRecord]:
    first = Month.parse(start)
    return [
        RawRecord("data.csv", n + 2, measure, "actual", first.shift(n).iso, value)
        for n, value in enumerate(values)
    ]


SHIFTED = [10, 12, 11, 9, 10, 11, 12, 10, 9, 11, 10, 12, 11, 15, 16, 15, 17, 16, 15, 16]  # up 7 at the end


def test_the_definition_reads_spc_for_the_scorecard_and_each_measure() -> None:
    card = definition(
        {"spc": {"shift": 7, "trend": 7}},
        A={},
        B={"spc": False},
        C={
            "spc": {
                "baseline": 12,
                "recalculate": ["2022-04"],
                "ghosts": ["2021-06"],
                "conflict": "improvement",
            }
        },
    )
    a, b, c = card.measures  # type: ignore[attr-defined]
    assert card.spc.shift == 7 and a.spc == card.spc and b.spc is None  # type: ignore[attr-defined]
    assert (c.spc.baseline, c.spc.recalculate, c.spc.ghosts, c.spc.conflict, c.spc.shift) == (
        12, ("2022-04",), ("2021-06",), "improvement", 7,
    )  # fmt: skip
    assert definition({"spc": False}, A={}).measures[0].spc is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("head", "measure", "says"),
    [
        ({"spc": {"shift": 5}}, {}, "[scorecard.spc]: shift: got 5; a whole number from 6 to 8"),
        ({"spc": "yes"}, {}, "[scorecard]: spc: got 'yes'; true, false, or a table"),
        ({}, {"spc": {"ghosts": ["April"]}}, "measure A, spc: ghosts: got 'April'; a list of periods"),
        ({}, {"spc": {"colour": "red"}}, "measure A, spc: colour: got 'red'; an unknown field"),
        ({"spc": False}, {"spc": {"baseline": 12}}, "the scorecard shows no SPC"),
    ],
)
def test_bad_spc_settings_are_named(head: dict[str, object], measure: dict[str, object], says: str) -> None:
    with pytest.raises(InputError) as error:
        definition(head, A=measure)
    assert says in str(error.value)


def test_a_measure_is_charted_over_every_month_of_the_data_not_only_those_shown() -> None:
    card = definition(A={"target": 14.0})
    data = build_dataset(card, records("A", SHIFTED), [])  # type: ignore[arg-type]
    row = build_scorecard(card, data).rows[0]  # type: ignore[arg-type]
    assert row.spc is not None and len(row.spc.periods) == 20 and len(row.months) == 6
    expected = xmr([float(v) for v in SHIFTED], improvement="up", target=14.0)
    assert row.spc.chart == expected
    assert row.spc.chart.variation == "improvement high"
    assert row.spc.chart.assurance == "hit and miss"


def test_an_earlier_period_charts_only_the_data_up_to_it() -> None:
    card = definition(A={})
    data = build_dataset(card, records("A", SHIFTED), [])  # type: ignore[arg-type]
    row = build_scorecard(card, data, Month.parse("2022-03")).rows[0]  # type: ignore[arg-type]
    assert row.spc is not None and row.spc.periods[-1].iso == "2022-03" and len(row.spc.periods) == 12
    assert row.spc.chart.variation is None  # 12 points: the mean only, no icons


def test_tokens_are_gaps_and_a_quarterly_measure_charts_its_quarters() -> None:
    card = definition(A={"polarity": "low"}, Q={"frequency": "quarterly"})
    values: list[object] = [*SHIFTED[:5], "n/a", *SHIFTED[6:]]
    quarters = [
        n if Month.parse("2021-04").shift(i).month in (3, 6, 9, 12) else None for i, n in enumerate(range(20))
    ]
    rows = records("A", values) + [r for r in records("Q", quarters) if r.value is not None]
    data = build_dataset(card, rows, [])  # type: ignore[arg-type]
    a, q = build_scorecard(card, data).rows  # type: ignore[attr-defined]
    assert a.spc.chart.points[5].value is None and a.spc.chart.improvement == "down"
    assert [p.iso for p in q.spc.periods] == [
        "2021-06",
        "2021-09",
        "2021-12",
        "2022-03",
        "2022-06",
        "2022-09",
    ]


def test_a_measure_without_polarity_shows_neither() -> None:
    card = definition(A={"polarity": "none"})
    data = build_dataset(card, records("A", SHIFTED), [])  # type: ignore[arg-type]
    row = build_scorecard(card, data).rows[0]  # type: ignore[arg-type]
    assert row.spc.chart.variation == "neither high" and row.spc.chart.assurance is None
