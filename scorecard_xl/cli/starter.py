"""The starter `scorecard-xl init` writes: a small commented definition and its data, to edit into
one's own scorecard. They are the files in samples/starter (package data), copied as they are, so
what is written is what the tests build.
"""

from __future__ import annotations

from pathlib import Path

from scorecard_xl.atomic import write_atomically
from scorecard_xl.errors import ARGUMENTS, InputError, Problem
from scorecard_xl.inputs.bundled import samples_folder

STARTER = "starter"  # the folder in samples/
FILES = ("definition.toml", "data.csv", "next_month.csv")  # next_month.csv: March's rows, to refresh with


def starter_folder() -> Path:
    return samples_folder() / STARTER


def write_starter(folder: str | Path, force: bool = False) -> list[Path]:
    """Write the starter's files into `folder` (made if missing); returns their paths. Files already
    there are never replaced unless `force`: they may be the analyst's own by now."""
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise InputError.of(ARGUMENTS, "", "FOLDER", str(target), "a folder to write the starter files into")
    paths = [target / name for name in FILES]
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise InputError(
            [Problem(str(p), "", "", None, "already exists; pass `force` to replace it") for p in existing]
        )
    target.mkdir(parents=True, exist_ok=True)
    for path in paths:
        write_atomically(path, (starter_folder() / path.name).read_bytes())
    return paths
