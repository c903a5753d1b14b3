"""Reading an .xlsx package safely: its parts, content types and relationships, and the small XML
helpers both `check` (is it safe to send?) and `accessibility` (can everyone read it?) use.

Only reads: parts are parsed with zipfile and xml.etree, a part with a DTD is refused (no Office part
needs one), and a part too large to inspect is reported, not read.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from scorecard_xl.inputs.zip_guard import PART_LIMIT, holds_dtd


def local(tag: str) -> str:
    """An element or attribute name without its namespace (transitional and strict alike)."""
    return tag.rsplit("}", 1)[-1]


def children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    return (child for child in element if local(child.tag) == name)


def child(element: ET.Element, name: str) -> ET.Element | None:
    return next(children(element, name), None)


def descendants(element: ET.Element, name: str) -> Iterator[ET.Element]:
    return (node for node in element.iter() if local(node.tag) == name)


def attribute(element: ET.Element, name: str, namespaced: bool = False) -> str | None:
    """An attribute by local name; `namespaced` for r:id and the like."""
    for key, value in element.attrib.items():
        if local(key) == name and (key.startswith("{") == namespaced):
            return value
    return None


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """OOXML's _xHHHH_ escapes (carriage returns and control characters in strings)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def string_item(element: ET.Element) -> str:
    """The text of a shared string item or inline string: its runs, without phonetic guides."""
    texts: list[str] = []
    for child in element:
        name = local(child.tag)
        if name == "t":
            texts.append(child.text or "")
        elif name == "r":
            texts.extend(t.text or "" for t in children(child, "t"))
    return unescape("".join(texts))


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str  # a part name (resolved) for internal targets; as written for external ones
    external: bool


class Package:
    def __init__(self, archive: zipfile.ZipFile, problem: Callable[[str, str], None]) -> None:
        """`problem(part, message)` hears of every part that cannot be read."""
        self.archive = archive
        self.problem = problem
        self.parts = {info.filename.lower(): info for info in archive.infolist() if not info.is_dir()}
        self._types = self._content_types()

    def has(self, part: str) -> bool:
        return part.lower() in self.parts

    def names(self) -> list[str]:
        return [info.filename for info in self.parts.values()]

    def read(self, part: str) -> bytes | None:
        info = self.parts.get(part.lower())
        if info is None:
            return None
        if info.file_size > PART_LIMIT:
            self.problem(info.filename, "too large to inspect")
            return None
        try:
            return self.archive.read(info)
        except (zipfile.BadZipFile, RuntimeError, OSError, ValueError, NotImplementedError) as error:
            self.problem(info.filename, f"cannot be read: {error}")
            return None

    def xml(self, part: str) -> ET.Element | None:
        data = self.read(part)
        return None if data is None else self.parse(part, data)

    def parse(self, part: str, data: bytes) -> ET.Element | None:
        if not self.safe_xml(part, data):
            return None
        try:
            return ET.fromstring(data)
        except ET.ParseError as error:
            self.problem(part, f"is not well-formed XML: {error}")
            return None

    def safe_xml(self, part: str, data: bytes) -> bool:
        """Refuse DTDs (entity expansion): no Office part has one."""
        if holds_dtd(data):
            self.problem(part, "holds a DTD, which no workbook part needs; not read")
            return False
        return True

    def _content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        root = self.xml("[Content_Types].xml")
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        if root is not None:
            for node in children(root, "Default"):
                defaults[(node.get("Extension") or "").lower()] = node.get("ContentType") or ""
            for node in children(root, "Override"):
                overrides[(node.get("PartName") or "").lstrip("/").lower()] = node.get("ContentType") or ""
        return defaults, overrides

    def content_type(self, part: str) -> str:
        defaults, overrides = self._types
        if part.lower() in overrides:
            return overrides[part.lower()]
        return defaults.get(posixpath.splitext(part)[1].lstrip(".").lower(), "")

    def parts_of_type(self, fragment: str) -> list[str]:
        """Parts whose content type contains `fragment` (case-insensitive)."""
        return [name for name in self.names() if fragment.lower() in self.content_type(name).lower()]

    def rels(self, part: str) -> list[Relationship]:
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", f"{name}.rels")
        return self.rels_from(rels_part, folder) if self.has(rels_part) else []

    def rels_from(self, rels_part: str, folder: str) -> list[Relationship]:
        root = self.xml(rels_part)
        if root is None:
            return []
        found = []
        for node in children(root, "Relationship"):
            target = node.get("Target") or ""
            external = (node.get("TargetMode") or "").lower() == "external"
            if not external:
                joined = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                target = posixpath.normpath(joined)
            found.append(Relationship(node.get("Id") or "", node.get("Type") or "", target, external))
        return found

    def workbook_part(self) -> str | None:
        for rel in self.rels(""):
            if rel.type.endswith("/officeDocument") and not rel.external and self.has(rel.target):
                return self.parts[rel.target.lower()].filename
        return None
