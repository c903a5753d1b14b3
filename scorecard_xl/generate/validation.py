"""Validating a definition and its data without writing anything: what `scorecard-xl validate`
says, as a library call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scorecard_xl.generate.loading import DataInput, Inputs, load_inputs, requested_period
from scorecard_xl.inputs.periods import Period
from scorecard_xl.model.scorecard import Scorecard, build_scorecard


@dataclass(frozen=True)
class Validation:
    """A definition and its data that load, and the scorecard they make for the period asked for."""

    inputs: Inputs
    scorecard: Scorecard

    @property
    def periods(self) -> tuple[Period, ...]:
        """Every period the data has values for, oldest first."""
        return tuple(self.scorecard.available)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a build would warn of about the data and the period shown (NaN read as blanks, a
        month most measures lack)."""
        return (*self.inputs.warnings, *self.scorecard.warnings)


def validate(
    template: str | Path | None = None,
    data: DataInput | Sequence[DataInput] | None = None,
    period: str | None = None,
) -> Validation:
    """Load a definition (default: the bundled sample) and its data and work out the scorecard for
    `period` (default: the latest complete one), writing nothing. Raises InputError naming every
    problem, as `build` would."""
    inputs = load_inputs(template, data)
    scorecard = build_scorecard(
        inputs.definition, inputs.dataset, requested_period(period, inputs.definition)
    )
    return Validation(inputs, scorecard)
