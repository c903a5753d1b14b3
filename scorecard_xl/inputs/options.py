"""How a workbook is made beyond its inputs (organisation, marking, publication, protection, the
program it is for), and the words a workbook records them in on its Cover ("Built with") so a
refresh makes it the same way again.

Those words come back from a file someone else may have edited, so they are read as strictly as a
person's options are checked: `Options.make` (the command line, a batch file) and
`Options.from_text` (a workbook's Cover) apply the same rules, through `check_publish` for the one
that matters most (a publish threshold of 0 would switch suppression off).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Literal, cast

from scorecard_xl.errors import InputError, ProblemList
from scorecard_xl.inputs.text_rules import MARKING_LIMIT, ORGANISATION_LIMIT, text_problem

Viewer = Literal["excel", "libreoffice"]  # the programs a workbook can be laid out for (layout.profile)
VIEWER_NAMES: tuple[Viewer, ...] = ("excel", "libreoffice")
PUBLISH_LIMIT = 1_000_000  # counts 1 to N become c: a larger N is a typing slip, not a policy
PROTECT_PASSWORD_ENV = "SCORECARD_XL_PROTECT_PASSWORD"  # never a file or an argument others can see
NO_OPTIONS = "no options (the definition's settings)"  # what the Cover says when none were given
_OPTION_RE = re.compile(
    r'(organisation|marking) ("(?:[^"\\]|\\.)*")|(publish) ([0-9]{1,9})|(protected)|(viewer) (libreoffice)'
)
_WORDS = (
    'what scorecard-xl writes there: organisation "NAME"; marking "TEXT"; publish N; protected; '
    "viewer libreoffice"
)


def protect_password(why: str) -> str:
    """The protection password from the environment, or an InputError saying why it is needed."""
    password = os.environ.get(PROTECT_PASSWORD_ENV)
    if not password:
        raise InputError.of(
            "environment",
            "",
            PROTECT_PASSWORD_ENV,
            None,
            f"the password to protect {why} with; set it in the environment (never on the command "
            "line, where others can see it)",
        )
    return password


def check_publish(value: object, source: str, where: str = "", field: str = "publish") -> int | None:
    """A publish threshold as given (None: not published): a whole number from 1 to PUBLISH_LIMIT,
    wherever it comes from. 0 would suppress nothing while the workbook still says it is published."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= PUBLISH_LIMIT:
        raise InputError.of(source, where, field, value, f"a whole number from 1 to {PUBLISH_LIMIT:,}")
    return value


@dataclass(frozen=True)
class Options:
    """How a workbook is made beyond its inputs: for workbooks that leave the organisation."""

    marking: str | None = None  # replaces the definition's protective marking
    organisation: str | None = None  # replaces the definition's organisation (one workbook per LA)
    publish: int | None = None  # publication profile: counts 1..N become "c" (see suppression)
    protect_password: str | None = None  # protect sheets and structure; None leaves them open
    viewer: Viewer = "excel"  # the program the workbook is for

    @property
    def protect(self) -> bool:
        return self.protect_password is not None

    @classmethod
    def make(
        cls,
        *,
        marking: str | None = None,
        organisation: str | None = None,
        publish: int | None = None,
        protect: bool = False,
        viewer: str = "excel",
        source: str = "options",
    ) -> Options:
        """Options as a person gives them, on the command line or in a batch file, checked:
        `publish` N (counts 1 to N become c) is a whole number from 1 (check_publish); `protect`
        reads the password from the environment (SCORECARD_XL_PROTECT_PASSWORD), never from an
        argument; `viewer` is one of VIEWER_NAMES."""
        if viewer not in VIEWER_NAMES:
            raise InputError.of(source, "", "viewer", viewer, " or ".join(VIEWER_NAMES))
        options = cls(
            marking=marking or None,
            organisation=organisation or None,
            publish=check_publish(publish, source),
            protect_password=protect_password("the workbook (or leave out protect)") if protect else None,
            viewer=viewer,
        )
        options.check(source)
        return options

    def as_text(self) -> str:
        """The options in words a refresh reads back, recorded on the Cover (the password never,
        only that there is one): 'organisation "North Northamptonshire"; publish 5'. Plain words
        first, so no spreadsheet takes the cell for a formula."""
        parts = []
        if self.organisation or self.marking:
            import json  # only for words to quote: most builds have none

            if self.organisation:
                parts.append(f"organisation {json.dumps(self.organisation)}")
            if self.marking:
                parts.append(f"marking {json.dumps(self.marking)}")
        if self.publish is not None:
            parts.append(f"publish {self.publish}")
        if self.protect:
            parts.append("protected")
        if self.viewer != "excel":
            parts.append(f"viewer {self.viewer}")
        return "; ".join(parts)

    @classmethod
    def from_text(
        cls, text: str, source: str = "Cover", where: str = "", field: str = "Built with"
    ) -> Options:
        """Read back what `as_text` wrote (a protected workbook's password is not known), checked as
        `make` checks a person's options; anything else is an InputError naming `source`, `where`
        and `field`."""
        if not text or text == NO_OPTIONS:
            return cls()
        import json

        found: dict[str, str] = {}
        position = 0
        while position < len(text):
            match = _OPTION_RE.match(text, position)
            ends_well = match is not None and (match.end() == len(text) or text.startswith("; ", match.end()))
            key = (match[1] or match[3] or match[5] or match[6]) if match else ""
            if match is None or not ends_well or key in found:
                raise InputError.of(source, where, field, text, _WORDS)
            try:
                found[key] = json.loads(match[2]) if match[2] else (match[4] or match[7] or "")
            except ValueError:  # a quoted text JSON cannot read (a lone surrogate escape, say)
                raise InputError.of(source, where, field, text, _WORDS) from None
            position = match.end() + 2
        publish = found.get("publish")
        threshold = check_publish(int(publish), source, where, f"{field}: publish") if publish else None
        options = cls(
            marking=found.get("marking"),
            organisation=found.get("organisation"),
            publish=threshold,
            protect_password="" if "protected" in found else None,
            viewer=cast("Viewer", found.get("viewer", "excel")),  # (the pattern reads only these)
        )
        options.check(source, where)
        return options

    def check(self, source: str = "options", where: str = "") -> None:
        """Refuse an organisation or marking no workbook can hold (see text_rules): control
        characters, line breaks, too long for a header, or text a CSV export would run as a formula."""
        problems = ProblemList()
        for name, value, limit in (
            ("organisation", self.organisation, ORGANISATION_LIMIT),
            ("marking", self.marking, MARKING_LIMIT),
        ):
            wrong = text_problem(value, limit, in_header=True) if value else None
            if wrong:
                problems.add(source, where, name, value, wrong)
        problems.raise_if_any()

    def overridden_by(self, other: Options) -> Options:
        """These options with every setting `other` gives taking its place."""
        return Options(
            marking=other.marking or self.marking,
            organisation=other.organisation or self.organisation,
            publish=other.publish if other.publish is not None else self.publish,
            protect_password=other.protect_password if other.protect else self.protect_password,
            viewer=other.viewer if other.viewer != "excel" else self.viewer,
        )
