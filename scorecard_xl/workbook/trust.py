"""The trust boundary: what a workbook may ask for, and what only the person running scorecard-xl
(the operator: a command-line option, the environment, a server's configuration, this computer's
list of trusted folders) may allow. docs/security.md tells it in full.

A workbook arrives by email, from a shared drive or an upload, so it is treated as Excel treats a
file from the internet: it may say which of its own data files to read, never which other files
on the computer. Concretely, the Cover's "Data files" may name files:
- relative to the workbook's own folder, without '..' (desktop Excel, the command line);
- relative to SCORECARD_XL_BASE_DIR (a server, where a workbook has no folder);
- among the files imported into /data, only when running in xlwings Lite (Pyodide);
- anywhere inside a folder the operator trusts (SCORECARD_XL_TRUSTED_FOLDERS, or the list
  `scorecard-xl trust add FOLDER` keeps for this computer), as Excel has Trusted Locations.
Anything else (an absolute path, '..', a UNC share, a URL, '~', a symbolic link leading out) is
refused before any file is touched, with a message that is the same whether or not the file
exists. A database source (.toml) named by a workbook runs SQL, so it is read only when the
operator allows SQL for the run. And a workbook may not ask for less suppression than the
operator's floor.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from scorecard_xl.errors import InputError
from scorecard_xl.inputs.input_files import read_capped
from scorecard_xl.inputs.options import Options, check_publish
from scorecard_xl.workbook.fields import Where

BASE_DIR_ENV = "SCORECARD_XL_BASE_DIR"  # a server's folder of the data files its workbooks name
TRUSTED_FOLDERS_ENV = "SCORECARD_XL_TRUSTED_FOLDERS"  # folders (os.pathsep between) workbooks may read
ALLOW_SQL_ENV = "SCORECARD_XL_ALLOW_SQL"  # 1: database sources a workbook names may be read
PUBLISH_FLOOR_ENV = "SCORECARD_XL_PUBLISH_FLOOR"  # the least suppression a workbook may ask for
DEFAULT_PUBLISH_FLOOR = 5  # the DfE's convention: counts from 1 to 5 are suppressed
LITE_FOLDER = Path("/data")  # where xlwings Lite puts the files an analyst imports
TRUSTED_FILE = "trusted-folders.txt"
TRUSTED_FILE_LIMIT = 64 * 1024
DATA_SUFFIXES = (".csv", ".xlsx")
SQL_SUFFIX = ".toml"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
SHARE, ABSOLUTE, CLIMBS = (
    "it names a network share",
    "it is an absolute path",
    "it climbs out of the folder with '..'",
)


def in_pyodide() -> bool:
    """Running in xlwings Lite (Pyodide, in the browser), where /data holds the imported files."""
    return sys.platform == "emscripten"


def config_folder(environ: Mapping[str, str] | None = None) -> Path:
    """Where scorecard-xl keeps this computer's settings for the person using it."""
    env = os.environ if environ is None else environ
    if sys.platform == "win32" and env.get("APPDATA"):
        return Path(env["APPDATA"]) / "scorecard-xl"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "scorecard-xl"
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "scorecard-xl"


def trusted_folders_file(environ: Mapping[str, str] | None = None) -> Path:
    return config_folder(environ) / TRUSTED_FILE


@dataclass(frozen=True)
class Trust:
    """What the operator allows a workbook beyond its own folder: see the module docstring."""

    folders: tuple[Path, ...] = ()  # trusted data folders, resolved
    base_dir: Path | None = None  # SCORECARD_XL_BASE_DIR
    allow_sql: bool = False  # database sources named by a workbook may be read
    publish_floor: int = DEFAULT_PUBLISH_FLOOR
    lite: bool = False  # running in xlwings Lite: /data is a root

    @classmethod
    def from_environment(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        allow_sql: bool = False,
        folders: Sequence[str | Path] = (),
    ) -> Trust:
        """The operator's settings: the environment, this computer's trusted folders (the file
        `scorecard-xl trust` keeps), and what the command line adds (`allow_sql`, `folders`)."""
        env = os.environ if environ is None else environ
        listed = [*folders, *_env_folders(env), *read_trusted_folders(trusted_folders_file(env))]
        base = env.get(BASE_DIR_ENV, "").strip()
        return cls(
            folders=tuple(dict.fromkeys(_resolved(Path(folder)) for folder in listed)),
            base_dir=_resolved(Path(base)) if base else None,
            allow_sql=allow_sql or env.get(ALLOW_SQL_ENV, "").strip() == "1",
            publish_floor=_floor(env),
            lite=in_pyodide(),
        )

    def roots(self, workbook_folder: Path | None) -> list[Path]:
        """The folders a workbook's plain file names are looked for in, in order."""
        found = [workbook_folder, self.base_dir, LITE_FOLDER if self.lite else None]
        return list(dict.fromkeys(_resolved(root) for root in found if root is not None))

    def locate(self, name: str, workbook_folder: Path | None, where: Where) -> Path | None:
        """The data file a workbook names, if it may be read and exists; None when it may but is not
        there (the refresh then works from the Data table); InputError when it may not be read,
        raised before any file is touched (see the module docstring)."""
        suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
        if suffix == SQL_SUFFIX and not self.allow_sql:
            raise where.error(
                name,
                "a .csv or .xlsx data file: a database source (.toml) named by a workbook runs SQL, so "
                "it is read only when the person running scorecard-xl allows it for the run "
                f"(`allow_sql`, or {ALLOW_SQL_ENV}=1)",
            )
        if suffix not in (*DATA_SUFFIXES, SQL_SUFFIX):
            raise where.error(name, "a .csv or .xlsx data file")
        reason = outside_reason(name)
        if reason is None:
            return self._within_roots(name, workbook_folder, where)
        target = self._trusted_target(name, workbook_folder)
        if target is None:
            raise self._refusal(name, reason, where)
        resolved = target.resolve()
        if not any(_inside(resolved, folder) for folder in self.folders):
            raise self._refusal(name, reason, where)
        return resolved if resolved.is_file() else None

    def may_read(self, path: Path, workbook_folder: Path | None) -> bool:
        """May a file the workbook leads to (a SQLite database its source names) be read: is it,
        resolved, inside one of the roots or a trusted folder?"""
        resolved = path.resolve()
        return any(_inside(resolved, root) for root in (*self.roots(workbook_folder), *self.folders))

    def check_options(self, options: Options, where: Where) -> None:
        """A workbook may raise its suppression, never lower it below the operator's floor."""
        threshold = options.publish
        if threshold is not None and threshold < self.publish_floor:
            raise where.error(
                f"publish {threshold}",
                f"publish {self.publish_floor} or more: a workbook may not ask for less suppression "
                f"than {self.publish_floor} for itself; the person running scorecard-xl may allow "
                f"less for a run with {PUBLISH_FLOOR_ENV}={threshold}",
            )

    def _within_roots(self, name: str, workbook_folder: Path | None, where: Where) -> Path | None:
        relative = PurePosixPath(name.replace("\\", "/"))
        for root in self.roots(workbook_folder):
            for candidate in (root.joinpath(*relative.parts), root / relative.name):
                resolved = candidate.resolve()
                if not _inside(resolved, root) and not any(_inside(resolved, f) for f in self.folders):
                    raise self._refusal(name, "it leads out of the folder through a link", where)
                if resolved.is_file():
                    return resolved
        return None

    def _trusted_target(self, name: str, workbook_folder: Path | None) -> Path | None:
        """Where an absolute or '..' name points, worked out from the text alone (the disk is not
        touched), if that is inside a trusted folder; else None. A URL, '~', a control character or
        a path absolute only on another system (C:\\ on Linux) is never inside one."""
        if not self.folders or outside_reason(name) not in (ABSOLUTE, CLIMBS, SHARE):
            return None
        if Path(name).is_absolute():  # (a UNC share is absolute on Windows, not on Linux)
            path = Path(name)
        elif _windows_drive(name) or name.replace("\\", "/").startswith("/"):
            return None
        elif workbook_folder or self.base_dir:
            path = (workbook_folder or self.base_dir or Path()) / name.replace("\\", "/")
        else:
            return None
        lexical = Path(os.path.normpath(path))
        return lexical if any(_inside(lexical, folder) for folder in self.folders) else None

    def _refusal(self, name: str, reason: str, where: Where) -> InputError:
        home = "in xlwings Lite, a file imported into /data" if self.lite else "in the workbook's own folder"
        return where.error(
            name,
            f"a data file {home}, named relative to it (such as data.csv or data/april.csv); not read, "
            f"since {reason}. To read data files from another folder, trust it on this computer: "
            f"scorecard-xl trust add FOLDER (or set {TRUSTED_FOLDERS_ENV}), then type the file's path "
            "in Data files",
        )


def outside_reason(name: str) -> str | None:
    """Why a name from a workbook may point outside its folder (in words for a message), or None
    for a plain relative name such as data.csv or data/april.csv. Decided from the text alone."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "it holds a control character"
    slashed = name.replace("\\", "/")
    if slashed.startswith("//"):
        return SHARE
    if _windows_drive(name) or slashed.startswith("/"):
        return ABSOLUTE
    if _SCHEME.match(name):
        return "it is a web address or URI"
    if name.startswith("~"):
        return "it names a home folder"
    if ".." in slashed.split("/"):
        return CLIMBS
    return None


def _windows_drive(name: str) -> bool:
    return bool(PureWindowsPath(name).drive) or bool(re.match(r"^[A-Za-z]:", name))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _resolved(path: Path) -> Path:
    return path.expanduser().resolve()


def _env_folders(env: Mapping[str, str]) -> list[str]:
    return [part for part in env.get(TRUSTED_FOLDERS_ENV, "").split(os.pathsep) if part.strip()]


def _floor(env: Mapping[str, str]) -> int:
    text = env.get(PUBLISH_FLOOR_ENV, "").strip()
    if not text:
        return DEFAULT_PUBLISH_FLOOR
    number = int(text) if text.isascii() and text.isdigit() else None
    floor = check_publish(number if number is not None else text, "environment", "", PUBLISH_FLOOR_ENV)
    return floor or DEFAULT_PUBLISH_FLOOR


def read_trusted_folders(path: Path) -> list[str]:
    """The folders listed in this computer's trusted-folders file (one a line, # comments); none
    when there is no file."""
    if not path.is_file():
        return []
    content = read_capped(path, TRUSTED_FILE_LIMIT, "trusted-folders file")
    folders = []
    for number, line in enumerate(content.decode("utf-8", errors="replace").splitlines(), start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if not Path(entry).is_absolute():
            raise InputError.of(str(path), f"line {number}", "folder", entry, "an absolute folder path")
        folders.append(entry)
    return folders
