"""What a layout needs beyond the model: when, from what, and the analyst's commentary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from scorecard_xl.inputs.data_table import TableRow
from scorecard_xl.inputs.options import Options
from scorecard_xl.inputs.sources import SourceInfo
from scorecard_xl.model.scorecard import Scorecard
from scorecard_xl.workbook.fields import publication_note


@dataclass(frozen=True)
class BuildContext:
    """What a build knows besides the scorecard: when, from which files, with which options."""

    generated_at: dt.datetime  # timezone-aware; fixed by SOURCE_DATE_EPOCH for repeatable bytes
    generator: str  # "scorecard-xl 0.2.0"
    definition_location: str  # the definition, as refresh should find it (see build.record_location)
    sources: tuple[SourceInfo, ...]
    data_locations: tuple[str, ...] = ()  # the data files, as refresh should find them
    commentary: Mapping[str, str] = field(default_factory=dict)  # measure id -> text
    options: Options = field(default_factory=Options)  # recorded on the Cover for refresh to repeat
    picked: str = ""  # the Cover's "Period to show": a period asked for, or "" for the latest
    data_rows: tuple[TableRow, ...] = ()  # the Data table: every value of the data
    # What the refresh that laid this out brought, in words for the Cover's data status ("" for a
    # build): the workbook itself says a refresh went well, so no runtime needs a dialog for it.
    refreshed: str = ""
    previous: Scorecard | None = None  # the period before, from the same data: what changed (story)

    @property
    def publication(self) -> str:
        """What the publication profile did, said on the Cover ("" when not published)."""
        return publication_note(self.options.publish)

    @property
    def generated_text(self) -> str:
        return self.generated_at.strftime("%d %B %Y %H:%M %Z").lstrip("0")
