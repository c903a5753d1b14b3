"""TOML files: the one place that chooses tomllib (Python 3.11+) or tomli, and the reader of one
table's typed fields that records every problem rather than stopping at the first. The definition
and the batch file both read their tables through it."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from scorecard_xl.errors import InputError, ProblemList
from scorecard_xl.inputs.input_files import DEFINITION_LIMIT, not_utf8, read_capped
from scorecard_xl.inputs.values import NUMBER_LIMIT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["TableReader", "parse_toml", "read_toml", "shown", "tomllib"]


def read_toml(path: Path, what: str, limit: int = DEFINITION_LIMIT) -> Mapping[str, Any]:
    """The TOML file at `path` (a `what`, such as "batch file"), read within `limit` bytes and
    parsed, or InputError: missing, too large, not UTF-8, not TOML, nested too deeply."""
    return parse_toml(read_capped(path, limit, what), path.name)


def parse_toml(content: bytes, name: str) -> Mapping[str, Any]:
    """A TOML document as a mapping, or InputError naming `name` and what is wrong with it."""
    try:
        return cast("Mapping[str, Any]", tomllib.loads(content.decode("utf-8-sig")))
    except UnicodeDecodeError as error:
        raise InputError.of(name, "", "", None, f"not valid TOML: {not_utf8(error)}") from None
    except RecursionError:
        raise InputError.of(
            name, "", "", None, "not valid TOML here: lists and tables nested too deeply"
        ) from None
    except ValueError as error:  # tomllib.TOMLDecodeError
        raise InputError.of(name, "", "", None, f"not valid TOML: {error}") from None


def shown(value: object) -> object:
    """A value as a message shows it: text and numbers as they are, anything else as its text."""
    return value if isinstance(value, (str, int, float)) or value is None else str(value)


def _sane(number: float) -> bool:
    """Finite and of a size a scorecard can show (TOML reads inf, nan and 1e308 as numbers)."""
    return math.isfinite(number) and abs(number) <= NUMBER_LIMIT


class TableReader:
    """Reads typed fields from one table (`where`, such as "[defaults]" or "measure CR06") of the
    file `source`, adding a problem to `problems` for each field that is wrong and returning a
    placeholder, so that every problem in the file is reported at once."""

    def __init__(
        self, raw: object, source: str, where: str, problems: ProblemList, allowed: Sequence[str]
    ) -> None:
        self.source, self.where, self.problems = source, where, problems
        self.raw: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        if not isinstance(raw, Mapping):
            self.problem("", raw, "a table with the fields " + ", ".join(allowed))
        for key in self.raw:
            if key not in allowed:
                self.problem(key, self.raw[key], "an unknown field; accepted: " + ", ".join(allowed))

    def problem(self, field: str, value: object, expected: str) -> None:
        self.problems.add(self.source, self.where, field, value, expected)

    def text(
        self,
        field: str,
        default: str | None = None,
        pattern: re.Pattern[str] | None = None,
        expected: str = "text",
    ) -> str:
        """A required field of text (matching `pattern`), stripped; "" after a problem."""
        value = self.raw.get(field, default)
        if value is None:
            self.problem(field, None, f"required: {expected}")
            return ""
        if not isinstance(value, str) or not value.strip() or (pattern and not pattern.match(value)):
            self.problem(field, value, expected)
            return ""
        return value.strip()

    def optional_text(self, field: str) -> str | None:
        """A field of text that may be left out (None); None after a problem too."""
        value = self.raw.get(field)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(field, value, "text")
            return None
        return value

    def choice(self, field: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.raw.get(field, default)
        if value not in choices:
            expected = "one of " + ", ".join(choices)
            self.problem(field, value, expected if value is not None else f"required: {expected}")
            return choices[0]
        return str(value)

    def integer(self, field: str, default: int | None, low: int, high: int) -> int:
        value = self.raw.get(field, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(field, value, f"a whole number from {low} to {high}")
            return low
        return value

    def boolean(self, field: str) -> bool | None:
        value = self.raw.get(field)
        if value is not None and not isinstance(value, bool):
            self.problem(field, value, "true or false")
            return None
        return value

    def number(self, field: str, expected: str, whole: bool = False) -> float | None:
        value = self.raw.get(field)
        if value is None:
            return None
        kinds = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not _sane(value):
            self.problem(field, value, expected)
            return None
        return value
