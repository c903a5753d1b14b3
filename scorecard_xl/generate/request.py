"""A build request: everything one workbook is made from, and laying it out (the scorecard for a
period and the workbook's layout, which build writes and refresh reuses)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scorecard_xl import __version__
from scorecard_xl.errors import InputError
from scorecard_xl.generate.allocation import bulk_allocation
from scorecard_xl.generate.loading import Inputs
from scorecard_xl.inputs.data_table import table_rows
from scorecard_xl.inputs.options import Options
from scorecard_xl.inputs.periods import Period
from scorecard_xl.layout import BuildContext, Profile, lay_out_workbook
from scorecard_xl.layout.profile import VIEWERS
from scorecard_xl.layout.sheet import WorkbookLayout
from scorecard_xl.model.scorecard import Scorecard, build_scorecard
from scorecard_xl.model.story import previous_scorecard

GENERATOR = f"scorecard-xl {__version__}"


@dataclass(frozen=True)
class BuildRequest:
    """Everything one workbook is made from, beyond the program itself: the same request, the
    same workbook. Build, refresh (in Excel and on the command line), `build --from-workbook` and
    batch each make one and hand it to `lay_out` (and `sequence.make_workbook` to write it)."""

    inputs: Inputs
    period: Period | None = None  # None: the latest complete period
    commentary: Mapping[str, str] | None = None  # by measure id, carried over
    generated_at: dt.datetime | None = None  # None: now (generation_time)
    workbook_folder: Path | None = None  # where the workbook will be: locations are recorded from there
    options: Options = field(default_factory=Options)
    picked: str | None = None  # the Cover's "Period to show": a period asked for, else Latest
    profile: Profile | None = None  # None: the program `options.viewer` names
    refreshed: str = ""  # what a refresh brought, for the Cover's data status


def generation_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds: the same inputs, the same bytes)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        except ValueError:
            raise InputError.of(
                "environment", "", "SOURCE_DATE_EPOCH", epoch, "whole seconds since 1970-01-01"
            ) from None
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@bulk_allocation()
def lay_out(request: BuildRequest) -> tuple[Scorecard, WorkbookLayout]:
    """The scorecard for the request's period and its workbook layout."""
    options = request.options
    options.check()
    inputs = request.inputs
    definition = inputs.definition
    if options.marking:
        definition = dataclasses.replace(definition, marking=options.marking)
    if options.organisation:
        definition = dataclasses.replace(definition, organisation=options.organisation)
    dataset = inputs.dataset
    profile = request.profile or VIEWERS[options.viewer]
    if options.publish is not None:
        from scorecard_xl.model.shorthand import in_shorthand
        from scorecard_xl.model.suppression import suppress  # (with its linear algebra: only when publishing)

        # A published copy: small numbers suppressed, then laid out as the Analysis Function's
        # guidance asks (the GSS shorthand [c], [x], ... and tables a screen reader can read).
        dataset = in_shorthand(suppress(definition, dataset, options.publish))
        profile = dataclasses.replace(profile, accessible=True)
    scorecard = build_scorecard(definition, dataset, request.period)
    definition_location, data_locations = inputs.locations(request.workbook_folder or Path.cwd())
    context = BuildContext(
        generated_at=request.generated_at or generation_time(),
        generator=GENERATOR,
        definition_location=definition_location,
        sources=inputs.dataset.sources,
        data_locations=data_locations,
        commentary=dict(request.commentary or {}),
        options=options,
        picked=request.picked or "",
        data_rows=tuple(table_rows(definition, dataset)),
        refreshed=request.refreshed,
        previous=previous_scorecard(definition, dataset, scorecard),
    )
    layout = lay_out_workbook(scorecard, context, profile)
    for sheet in layout.sheets:
        sheet.protected = options.protect
    return scorecard, layout
