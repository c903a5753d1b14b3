"""Input files read safely: a size cap checked before reading, and YAML parsed without tracebacks
or bombs (TOML: tomlfile).

A file that would take minutes or gigabytes to read is refused at once, with its size and the
limit. The limits are far above any real scorecard's inputs (the sample's definition is 40 KB, its
data 60 KB; the DfE extract for every authority is 10 MB) and are documented in docs/formats.md.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from scorecard_xl.errors import InputError, Problem

MEGABYTE = 1024 * 1024
DEFINITION_LIMIT = 4 * MEGABYTE  # a definition (.toml/.yaml) or a database source file
DATA_LIMIT = 64 * MEGABYTE  # a data file (.csv/.xlsx); a million rows is 30 MB of CSV, 0.5 GB in memory
BATCH_LIMIT = 4 * MEGABYTE  # a batch file
LIST_LIMIT = 64 * MEGABYTE  # a list a batch or send reads: organisations, addresses, templates


def megabytes(size: int) -> str:
    return f"{size / MEGABYTE:,.1f} MB" if size >= MEGABYTE else f"{size:,} bytes"


def read_capped(path: Path, limit: int, what: str, remedy: str = "") -> bytes:
    """The bytes of the `what` (such as "data file") at `path`, or InputError: missing, unreadable,
    not a file, or larger than `limit` (refused before reading when the size is known, and never
    read past the limit when it is not, as for a pipe)."""
    try:
        with path.open("rb") as stream:
            mode = os.fstat(stream.fileno())
            if stat.S_ISDIR(mode.st_mode) or not (stat.S_ISREG(mode.st_mode) or stat.S_ISFIFO(mode.st_mode)):
                raise _problem(path, f"a {what}, not a folder or device")
            if mode.st_size > limit:
                raise too_large(path, what, limit, mode.st_size, remedy)
            content = stream.read(limit + 1)
    except FileNotFoundError:
        raise _problem(path, f"no such {what}") from None
    except IsADirectoryError:
        raise _problem(path, f"a {what}, not a folder or device") from None
    except OSError as error:
        raise _problem(path, f"cannot read: {error.strerror or error}") from None
    if len(content) > limit:
        raise too_large(path, what, limit, None, remedy)
    return content


def too_large(path: Path | str, what: str, limit: int, size: int | None, remedy: str = "") -> InputError:
    found = f"this one is {megabytes(size)}" if size is not None else "this one is larger"
    expected = f"a {what} of at most {megabytes(limit)} ({found})"
    return _problem(path, expected + (f"; {remedy}" if remedy else ""))


def _problem(path: Path | str, expected: str) -> InputError:
    return InputError([Problem(str(path), "", "", None, expected)])


def parse_yaml(content: bytes, name: str) -> Mapping[str, Any]:
    """A YAML document whose top level is a mapping, or InputError (see safe_yaml for the limits)."""
    from scorecard_xl.inputs import safe_yaml

    try:
        loaded = safe_yaml.load(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise _problem(name, f"not valid YAML: {not_utf8(error)}") from None
    except safe_yaml.YamlTooLarge as error:
        raise _problem(
            name,
            f"not accepted: this YAML has {error}; at most {safe_yaml.NODE_LIMIT:,} values with aliases "
            f"expanded, nested at most {safe_yaml.DEPTH_LIMIT} deep",
        ) from None
    except RecursionError:
        raise _problem(name, "not valid YAML here: lists and tables nested too deeply") from None
    except Exception as error:  # yaml.YAMLError, without importing yaml on every path
        raise _problem(name, f"not valid YAML: {' '.join(str(error).split())[:300]}") from None
    if not isinstance(loaded, dict):
        raise _problem(name, "not valid YAML here: the top level must be a mapping (scorecard: ...)")
    return cast("Mapping[str, Any]", loaded)


def not_utf8(error: UnicodeDecodeError) -> str:
    return f"not UTF-8 text ({error.reason} at byte {error.start:,}); save it as UTF-8"
