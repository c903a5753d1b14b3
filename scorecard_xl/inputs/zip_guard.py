"""An .xlsx package judged from its zip directory and the first bytes of its parts, before any part
is parsed: the guard `check` and the data reader share.

A 1 MB file can hold parts that inflate to gigabytes (a zip bomb), and an XML part can declare
entities that expand without end; both are refused in milliseconds, before openpyxl or the schema
auditor would spend minutes and gigabytes on them. Python's zipfile never inflates a part past the
size the directory declares (it checks the CRC at the end), so the declared sizes are what count.
No Office part needs a DTD, so one is refused wherever it appears.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import TypeVar

from scorecard_xl.errors import InputError
from scorecard_xl.inputs.input_files import MEGABYTE, megabytes

T = TypeVar("T")

PART_LIMIT = 200 * MEGABYTE  # one part, inflated; a 10 MB workbook's largest part is about 100 MB
TOTAL_LIMIT = 500 * MEGABYTE  # every part together, inflated
RATIO_LIMIT = 100  # inflated size / stored size; worksheets compress 10 to 30 times, bombs 1,000+
RATIO_FLOOR = 1 * MEGABYTE  # smaller parts may compress as they like: they cannot hurt
ENTRY_LIMIT = 10_000  # parts in the package; a workbook has a few per sheet
PROLOG_LIMIT = 64 * 1024  # bytes read from an XML part to find its root element (and any DTD)
XML_SUFFIXES = (".xml", ".rels", ".vml")


def package_problem(archive: zipfile.ZipFile) -> str | None:
    """Why the package must not be read at all, in words for a message; None when it may be."""
    entries = archive.infolist()
    if len(entries) > ENTRY_LIMIT:
        return f"it holds {len(entries):,} parts (at most {ENTRY_LIMIT:,})"
    total = 0
    for info in entries:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > RATIO_LIMIT:
            return (
                f"its part {info.filename} inflates {ratio:,.0f} times, from "
                f"{megabytes(info.compress_size)} to {megabytes(info.file_size)} (at most {RATIO_LIMIT} "
                "times): a zip bomb, not a workbook"
            )
        if info.file_size > PART_LIMIT:
            limit = megabytes(PART_LIMIT)
            return f"its part {info.filename} inflates to {megabytes(info.file_size)} (at most {limit})"
    if total > TOTAL_LIMIT:
        return f"its parts inflate to {megabytes(total)} together (at most {megabytes(TOTAL_LIMIT)})"
    return None


def holds_dtd(xml: bytes) -> bool:
    """Does this XML (or its start) declare a DTD or entities?"""
    return b"<!DOCTYPE" in xml or b"<!ENTITY" in xml


def prolog_problem(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """Why an XML part must not be parsed (a DTD before its root element), or None. Reads only up
    to the root element's start, at most PROLOG_LIMIT bytes."""
    head = b""
    with archive.open(info) as stream:
        while len(head) < PROLOG_LIMIT:
            chunk = stream.read(4096)
            if not chunk:
                break
            head += chunk
            if _root_start(head) >= 0:
                break
    root = _root_start(head)
    before = head if root < 0 else head[:root]
    if holds_dtd(before):
        return f"its part {info.filename} declares a DTD (<!DOCTYPE or <!ENTITY), which no workbook needs"
    if root < 0 and head.strip():
        return f"its part {info.filename} has no XML element in its first {PROLOG_LIMIT // 1024} KB"
    return None


def xml_parts_problem(archive: zipfile.ZipFile) -> str | None:
    """The first XML part that must not be parsed, and why; None when every one may be."""
    for info in archive.infolist():
        if info.filename.lower().endswith(XML_SUFFIXES) and not info.is_dir():
            found = prolog_problem(archive, info)
            if found:
                return found
    return None


def _root_start(head: bytes) -> int:
    """Where the first element's start tag begins (after the declaration, comments and any DTD),
    or -1 if `head` does not reach it."""
    position = 0
    while True:
        position = head.find(b"<", position)
        if position < 0 or position + 1 >= len(head):
            return -1
        following = head[position + 1 : position + 2]
        if following not in (b"?", b"!"):
            return position
        position += 1


def open_package(content: bytes, name: str) -> zipfile.ZipFile:
    """An .xlsx file's package, once judged safe to read (package_problem, xml_parts_problem); else
    an InputError naming the file `name`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise unreadable(name, f"not a zip package: {error}") from None
    refused = package_problem(archive) or read_safely(name, lambda: xml_parts_problem(archive))
    if refused:
        raise unreadable(name, f"refused unread: {refused}")
    return archive


def read_safely(name: str, read: Callable[[], T]) -> T:
    """Run `read`; anything a corrupt package makes openpyxl or the XML parser raise becomes a
    message naming the file (openpyxl raises a dozen kinds, from KeyError to ParseError)."""
    try:
        return read()
    except InputError:
        raise
    except (MemoryError, RecursionError):
        raise unreadable(name, "too large or too deeply nested to read") from None
    except Exception as error:
        raise unreadable(name, f"{type(error).__name__}: {' '.join(str(error).split())[:200]}") from None


def unreadable(name: str, why: str) -> InputError:
    return InputError.of(name, "", "", None, f"not a readable .xlsx file ({why}); save it again from Excel")
