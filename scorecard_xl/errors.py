"""User-facing errors: each problem names where it is, the field, the bad value and what is allowed.

Library code raises `InputError` (never warns and carries on); the CLI turns it into a message and
exit code 2 without a traceback.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ECHO_LIMIT = 80  # characters of a bad value repeated in a message: enough to find it, never a flood
ARGUMENTS = "arguments"  # the source of a problem with what was passed: the caller's arguments


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, precise enough to fix without reading code."""

    source: str  # file name, or ARGUMENTS (what the caller passed), or "environment"
    where: str  # "measure CFSS01", "row 17", "section cfss"; "" for the whole file
    field: str  # the field or column; "" when not about one field
    value: object  # the offending value as found; None when the value is absent
    expected: str  # what would be accepted

    def __str__(self) -> str:
        parts = [self.source]
        if self.where:
            parts.append(_plain(self.where))
        head = ", ".join(parts)
        got = f"got {echo(self.value)}" if self.value is not None else ("missing" if self.field else "")
        detail = ": ".join(p for p in (_plain(self.field), got) if p)
        return f"{head}: {detail}; {self.expected}" if detail else f"{head}: {self.expected}"


class _Echo(reprlib.Repr):
    """reprlib, bounded for messages: a long text keeps its start and says how long it was; a nested
    value (a YAML alias bomb, say) shows a few items of a few levels, however large it is."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxlist, self.maxdict, self.maxtuple, self.maxset = 2, 4, 4, 4, 4
        self.maxother = ECHO_LIMIT

    def repr_str(self, x: str, level: int) -> str:
        if len(x) <= ECHO_LIMIT:
            return repr(x)
        return f"{x[:ECHO_LIMIT]!r}... ({len(x):,} characters)"


_ECHO = _Echo()


def _plain(text: str) -> str:
    """A name from the input (a field, a measure id) as a message shows it: cut, and with any
    control character escaped so it cannot disturb the terminal."""
    if not text.isprintable():
        text = repr(text)[1:-1]
    return text if len(text) <= ECHO_LIMIT else f"{text[:ECHO_LIMIT]}... ({len(text):,} characters)"


def echo(value: object) -> str:
    """The value for a message, cut to a sensible length (see ECHO_LIMIT)."""
    shown = _ECHO.repr(value)
    return shown if len(shown) <= 2 * ECHO_LIMIT else shown[: 2 * ECHO_LIMIT] + "..."


class InputError(Exception):
    """Bad input from the user: one or more problems, all reported together."""

    def __init__(self, problems: Sequence[Problem], omitted: int = 0) -> None:
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.omitted = omitted  # further problems found but not kept (see ProblemList.KEPT)
        super().__init__(self.message())

    @classmethod
    def of(cls, source: str, where: str, field: str, value: object, expected: str) -> InputError:
        """The error for one problem: `InputError.of("data.csv", "row 17", "value", "abc", "a number")`
        is `InputError([Problem("data.csv", "row 17", "value", "abc", "a number")])`."""
        return cls([Problem(source, where, field, value, expected)])

    def message(self, limit: int = 50) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        more = len(self.problems) + self.omitted - limit
        if more > 0:
            lines.append(f"... and {more} more problem{'s' if more != 1 else ''}")
        return "\n".join(lines)


class OutputExists(InputError):
    """An output file exists and `force` was not given. The library says so in its own words
    (`force=True`); the command line names its own flags instead (`--output`, `--force`)."""

    def __init__(self, path: str, why: str = "may hold commentary typed into it") -> None:
        self.path = path
        self.why = why
        super().__init__([Problem(path, "", "", None, f"already exists and {why}; {self.remedy()}")])

    def remedy(self, output: str = "another output path", force: str = "force=True") -> str:
        return f"choose {output}, or pass {force} to replace it"


class RefusedByCheck(InputError):
    """A workbook `check` finds fault with, refused for sending; `override` is the library parameter
    that sends it anyway, which the command line names as its own flag."""

    def __init__(self, path: str, findings: Sequence[str], override: str = "force") -> None:
        self.path = path
        self.findings = tuple(findings)
        self.override = override
        super().__init__([*self.finding_problems(), self.refusal(f"{override}=True")])

    def finding_problems(self) -> list[Problem]:
        return [Problem(self.path, "", "", None, f"check: {finding}") for finding in self.findings]

    def refusal(self, override: str) -> Problem:
        count = len(self.findings)
        return Problem(
            self.path,
            "",
            "",
            None,
            f"not sent: it fails check ({count} finding{'s' if count != 1 else ''} above); "
            f"fix it and rebuild, or pass {override} to send it anyway",
        )

    def message_with(self, override: str, limit: int = 50) -> str:
        """The message with `override` (a command-line flag) in place of the library parameter."""
        return InputError([*self.finding_problems(), self.refusal(override)]).message(limit)


class ProblemList:
    """Collects problems while validating so all of them can be reported at once."""

    KEPT = 1_000  # problems kept whole; a million bad rows are counted, not held (50 are shown)

    def __init__(self) -> None:
        self._problems: list[Problem] = []
        self._omitted = 0

    @property
    def full(self) -> bool:
        """True once further problems are only counted: spare the work of describing them."""
        return len(self._problems) >= self.KEPT

    def add(self, source: str, where: str, field: str, value: object, expected: str) -> None:
        if self.full:
            self._omitted += 1
        else:
            self._problems.append(Problem(source, where, field, value, expected))

    def extend(self, problems: Iterable[Problem]) -> None:
        self._problems.extend(problems)

    def __bool__(self) -> bool:
        return bool(self._problems)

    def raise_if_any(self) -> None:
        if self._problems:
            raise InputError(self._problems, self._omitted)
