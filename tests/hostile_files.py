"""Making bad inputs for the hostile-input corpus: a work folder holding the sample's definition and
data (as TOML, YAML, CSV, XLSX and a SQLite database), edits to them, and a snapshot of the folder
to prove a refused command changed nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
import sys
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbook_templates" / "nct_monthly.toml"
SAMPLE_DATA = ROOT / "samples" / "nct_2022_23" / "data.csv"

Change = Callable[[Path], None]  # what to do to the work folder before the command runs


def make_work_folder(folder: Path, sample_book: Path) -> None:
    """card.toml, card.yaml, data.csv, data.xlsx, kpi.db (+ source.toml) and board.xlsx (a built
    workbook), all of the sample."""
    import openpyxl
    import yaml

    shutil.copy(TEMPLATE, folder / "card.toml")
    shutil.copy(SAMPLE_DATA, folder / "data.csv")
    shutil.copy(sample_book, folder / "board.xlsx")
    definition = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    (folder / "card.yaml").write_text(yaml.safe_dump(definition, sort_keys=False), encoding="utf-8")
    rows = list(csv.reader(io.StringIO(SAMPLE_DATA.read_text(encoding="utf-8"))))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "data"
    for row in rows:
        sheet.append(row)
    book.save(folder / "data.xlsx")
    with sqlite3.connect(folder / "kpi.db") as db:
        db.execute("CREATE TABLE kpi (period TEXT, value REAL)")
        db.executemany("INSERT INTO kpi VALUES (?, ?)", [("2023-02", 120.0), ("2023-03", 139.0)])
    db.close()


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file below `folder`: its size and content hash (size and time for huge sparse files)."""
    found: dict[str, tuple[int, str]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            size = path.stat().st_size
            digest = (
                hashlib.sha256(path.read_bytes()).hexdigest()
                if size < 64 * 1024 * 1024
                else str(path.stat().st_mtime_ns)
            )
            found[str(path.relative_to(folder))] = (size, digest)
        elif path.is_dir():
            found[str(path.relative_to(folder)) + "/"] = (0, "")
    return found


# --- changes ---------------------------------------------------------------------------------------


def edit(name: str, old: str, new: str) -> Change:
    def change(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def write(name: str, content: str | bytes) -> Change:
    def change(folder: Path) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return change


def made_by(name: str, make: Callable[[Path], None]) -> Change:
    """A file made by `make(path)` (for binary files built with zipfile and the like)."""

    def change(folder: Path) -> None:
        make(folder / name)

    return change


def both(*changes: Change) -> Change:
    def change(folder: Path) -> None:
        for one in changes:
            one(folder)

    return change


def toml_string(text: str) -> str:
    """`text` as a TOML basic string, every non-printable character escaped."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable() and ch != "\x7f":
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04X}")
    return '"' + "".join(out) + '"'


def set_field(table: str, key: str, value: str, item: str | None = None, name: str = "card.toml") -> Change:
    """Set `key = value` (a TOML value, written as is) in [table], or in the [[table]] whose id is
    `item`, replacing any line that set it before."""

    def change(folder: Path) -> None:
        path = folder / name
        lines = path.read_text(encoding="utf-8").split("\n")
        header = f"[[{table}]]" if item else f"[{table}]"
        start = next(
            i
            for i, line in enumerate(lines)
            if line.strip() == header
            and (item is None or any(ln.strip() == f'id = "{item}"' for ln in lines[i + 1 : i + 3]))
        )
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
        block = [ln for ln in lines[start + 1 : end] if ln.split("=")[0].strip() != key]
        lines[start + 1 : end] = [f"{key} = {value}", *block]
        path.write_text("\n".join(lines), encoding="utf-8")

    return change


def data_rows(*rows: str, name: str = "data.csv", header: str = "measure,series,period,value") -> Change:
    """A data file of the sample's rows with `rows` (CSV lines) added at the end; with a different
    `header`, a file of just `header` and `rows`."""

    def change(folder: Path) -> None:
        path = folder / name
        if header == "measure,series,period,value":
            text = path.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(rows) + "\n"
        else:
            text = header + "\n" + "\n".join(rows) + "\n"
        path.write_text(text, encoding="utf-8")

    return change


def sparse(name: str, size: int) -> Change:
    """A file of `size` bytes that takes no disk space (for the size caps)."""

    def change(folder: Path) -> None:
        with (folder / name).open("wb") as stream:
            stream.truncate(size)

    return change


def sql_source(queries: Mapping[str, str]) -> Change:
    return write(
        "source.toml",
        '[sql]\nurl = "sqlite:///kpi.db"\n[sql.queries]\n'
        + "".join(f"{m} = {json.dumps(q)}\n" for m, q in queries.items()),
    )


# --- xlsx packages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Package:
    """data.xlsx (or another of the work folder's workbooks) rebuilt with parts replaced, added or
    cut short."""

    replace: Mapping[str, bytes | Callable[[bytes], bytes]] = field(default_factory=dict)
    stream: Mapping[str, tuple[bytes, int]] = field(default_factory=dict)  # part -> (chunk, times)
    truncate: bool = False
    file: str = "data.xlsx"

    def __call__(self, folder: Path) -> None:
        source = folder / self.file
        original = zipfile.ZipFile(io.BytesIO(source.read_bytes()))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in original.infolist():
                if info.filename in self.stream:
                    continue
                data = original.read(info)
                change = self.replace.get(info.filename)
                if change is not None:
                    data = change(data) if callable(change) else change
                out.writestr(info.filename, data)
            for part, (chunk, times) in self.stream.items():
                with out.open(part, "w", force_zip64=True) as stream:
                    for _ in range(times):
                        stream.write(chunk)
        content = buffer.getvalue()
        source.write_bytes(content[: len(content) // 2] if self.truncate else content)


def with_dtd(xml: bytes) -> bytes:
    entities = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    return b'<?xml version="1.0"?>\n' + entities.encode() + xml.split(b"?>", 1)[-1]


def cut_in_half(xml: bytes) -> bytes:
    return xml[: len(xml) // 2]


def with_uncached_formula(xml: bytes) -> bytes:
    """The sheet with one value cell turned into a formula Excel never calculated (as openpyxl writes)."""
    cell = xml.index(b'<c r="D3"')
    end = xml.index(b"</c>", cell) + len(b"</c>")
    return xml[:cell] + b'<c r="D3"><f>D2+1</f><v></v></c>' + xml[end:]
