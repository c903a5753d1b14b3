"""The inspection `check_workbook` makes of a package: its sheets, names, cells, links, parts,
relationships, properties and comments, each problem a finding in the report (the checks by
code are listed in check.py)."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from scorecard_xl.checks.report import CELLS_LISTED, Report, preview, sheet_where
from scorecard_xl.checks.rules import (
    AUTO_MACRO,
    BUILT_IN_NAME,
    external_reference,
    local_path,
    name_holds_data,
    norm,
    personal_property_name,
)
from scorecard_xl.inputs.text_rules import formula_starter
from scorecard_xl.workbook.ooxml import Package
from scorecard_xl.workbook.ooxml import attribute as _attribute
from scorecard_xl.workbook.ooxml import child as _child
from scorecard_xl.workbook.ooxml import children as _children
from scorecard_xl.workbook.ooxml import descendants as _descendants
from scorecard_xl.workbook.ooxml import local as _local
from scorecard_xl.workbook.ooxml import string_item as _string_item
from scorecard_xl.workbook.ooxml import unescape as _unescape

# A contact's address and nothing more (no subject or body to fill in): a published copy's Cover.
PLAIN_MAILTO = re.compile(r"mailto:[^?&#%\s@]+@[^?&#%\s@]+\Z", re.IGNORECASE)


class InspectedPackage(Package):
    """The package, its unreadable parts reported as findings."""

    def __init__(self, archive: zipfile.ZipFile, report: Report) -> None:
        super().__init__(archive, lambda part, message: report.add("unreadable-part", part, message))
        self.report = report


REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class _Sheet:
    name: str
    state: str  # "visible", "hidden" or "veryHidden"
    part: str | None
    kind: str  # the relationship type's last segment: worksheet, chartsheet, xlMacrosheet, ...


class Inspection:
    def __init__(
        self,
        package: InspectedPackage,
        workbook: str,
        main_type: str,
        report: Report,
        organisation: Sequence[str],
    ) -> None:
        self.package = package
        self.workbook = workbook
        self.main_type = main_type
        self.report = report
        self.organisation = {norm(name) for name in organisation if name.strip()}
        self.first_sheet_texts: set[str] = set()
        self.sheets: list[_Sheet] = []
        self.sheet_of_part: dict[str, str] = {}
        self.hyperlink_cells: dict[tuple[str, str], str] = {}  # (sheet part, r:id) -> cell

    def run(self) -> None:
        root = self.package.xml(self.workbook)
        self._macros()
        if root is not None:
            self._sheets(root)
            self._names(root)
            self._workbook_details(root)
        self._sheet_contents()
        self._external_parts()
        self._relationships()
        self._properties()
        self._comments()

    def add(self, code: str, where: str, message: str) -> None:
        self.report.add(code, where, message)

    def is_organisation(self, value: str) -> bool:
        return not value.strip() or norm(value) in self.organisation or norm(value) in self.first_sheet_texts

    # macros ----------------------------------------------------------------------------------------

    def _macros(self) -> None:
        if "macroenabled" in self.main_type.lower():
            self.add(
                "macros",
                self.workbook,
                f"the workbook's type is macro-enabled ({self.main_type}); save it as an Excel "
                "Workbook (.xlsx)",
            )
        projects = {
            name
            for name in self.package.names()
            if posixpath.basename(name).lower() == "vbaproject.bin"
            or self.package.content_type(name).lower() == "application/vnd.ms-office.vbaproject"
        }
        for name in sorted(projects):
            self.add("macros", name, "a VBA project (macro code) is inside the workbook")

    # workbook.xml ----------------------------------------------------------------------------------

    def _sheets(self, root: ET.Element) -> None:
        targets = {rel.id: rel for rel in self.package.rels(self.workbook)}
        for node in _descendants(root, "sheet"):
            name = node.get("name") or "?"
            rel = targets.get(_attribute(node, "id", namespaced=True) or "")
            part = rel.target if rel and not rel.external and self.package.has(rel.target) else None
            kind = rel.type.rsplit("/", 1)[-1] if rel else ""
            sheet = _Sheet(name, node.get("state") or "visible", part, kind)
            self.sheets.append(sheet)
            if part:
                self.sheet_of_part[part.lower()] = name
            if sheet.state in ("hidden", "veryHidden"):
                how = (
                    "very hidden: only VBA or an XML editor shows it, but its content travels"
                    if sheet.state == "veryHidden"
                    else "hidden: anyone can unhide it and read it"
                )
                self.add("hidden-sheet", sheet_where(name), f"the sheet is {how}; delete it or show it")
            if kind.lower() in ("xlmacrosheet", "xlintlmacrosheet"):
                self.add("macros", sheet_where(name), "an Excel 4 macro sheet (macro code)")
            elif kind.lower() == "dialogsheet":
                self.add("macros", sheet_where(name), "an Excel 5 dialog sheet (used only by macros)")

    def _name_where(self, node: ET.Element) -> str:
        name = node.get("name") or "?"
        scope = node.get("localSheetId")
        if scope is not None and scope.isdigit() and int(scope) < len(self.sheets):
            return f"name '{name}' ({sheet_where(self.sheets[int(scope)].name)})"
        return f"name '{name}'"

    def _names(self, root: ET.Element) -> None:
        for node in _descendants(root, "definedName"):
            name = node.get("name") or ""
            formula = node.text or ""
            where = self._name_where(node)
            if name.startswith(("_xlfn.", "_xlpm.")):
                continue  # Excel's placeholders for newer functions and LAMBDA parameters
            if AUTO_MACRO.match(name):
                self.add("macros", where, "runs a macro when the workbook opens or closes")
            if (node.get("hidden") or "").lower() in ("1", "true") and not name.startswith(BUILT_IN_NAME):
                self.add("hidden-name", where, f"the name is hidden; it holds {preview(formula)}")
            held = name_holds_data(formula)
            if held:
                self.add("name-holds-data", where, f"holds {held} ({preview(formula)}), not a cell reference")
            why = external_reference(formula)
            if why:
                self.add("external-link", where, f"{why}: {preview(formula)}")
            elif local_path(formula):
                self.add("local-path", where, f"holds a local path: {preview(formula)}")

    def _workbook_details(self, root: ET.Element) -> None:
        for node in _descendants(root, "absPath"):
            url = node.get("url") or ""
            if local_path(url):
                self.add(
                    "local-path",
                    self.workbook,
                    f"records the folder it was saved from: {preview(url)}; save a copy with "
                    "File > Save As, or remove it (Inspect Document)",
                )
        for node in _descendants(root, "fileSharing"):
            user = node.get("userName") or ""
            if user and not self.is_organisation(user):
                self.add(
                    "personal-metadata",
                    f"{self.workbook} (write reservation)",
                    f"names user {user!r}; remove the reservation (Save As > Tools > General Options)",
                )

    # sheet contents ---------------------------------------------------------------------------------

    def _sheet_contents(self) -> None:
        strings = self._shared_strings()
        first_visible = next((s for s in self.sheets if s.state == "visible"), None)
        for sheet in self.sheets:
            if sheet.part and sheet.kind == "worksheet":
                self._worksheet(sheet, strings, collect=sheet is first_visible)
                self.report.close_sheet(sheet.name)

    def _shared_strings(self) -> list[str]:
        parts = [r.target for r in self.package.rels(self.workbook) if r.type.endswith("/sharedStrings")]
        root = self.package.xml(parts[0]) if parts and self.package.has(parts[0]) else None
        return [] if root is None else [_string_item(si) for si in _children(root, "si")]

    def _worksheet(self, sheet: _Sheet, strings: list[str], collect: bool) -> None:
        assert sheet.part is not None
        data = self.package.read(sheet.part)
        if data is None or not self.package.safe_xml(sheet.part, data):
            return
        try:
            for _, node in ET.iterparse(io.BytesIO(data), events=("end",)):
                name = _local(node.tag)
                if name == "c":
                    self._cell(sheet, node, strings, collect)
                    node.clear()
                elif name == "row":
                    node.clear()
                elif name == "hyperlink":
                    rid = _attribute(node, "id", namespaced=True)
                    if rid:
                        self.hyperlink_cells[(sheet.part.lower(), rid)] = node.get("ref") or ""
        except ET.ParseError as error:
            self.add("unreadable-part", sheet.part, f"is not well-formed XML: {error}")

    def _cell(self, sheet: _Sheet, node: ET.Element, strings: list[str], collect: bool) -> None:
        ref = node.get("r") or "?"
        kind = node.get("t") or "n"
        formula = _child(node, "f")
        value = _child(node, "v")
        if formula is not None:
            why = external_reference(formula.text or "")
            if why:
                self.report.add_cell(
                    "external-link", sheet.name, ref, f"the formula {why}: {preview(formula.text or '')}"
                )
            elif local_path(formula.text or ""):
                self.report.add_cell(
                    "local-path",
                    sheet.name,
                    ref,
                    f"the formula holds a local path: {preview(formula.text or '')}",
                )
            if value is None:
                self.report.add_cell(
                    "no-cached-value",
                    sheet.name,
                    ref,
                    "the formula has no cached result: mail previews and some viewers show 0; open and "
                    "save the workbook in Excel (or LibreOffice) to calculate it",
                )
        text: str | None = None
        if kind == "s" and value is not None and (value.text or "").strip().isdigit():
            index = int((value.text or "").strip())
            text = strings[index] if index < len(strings) else None
        elif kind == "inlineStr":
            inline = _child(node, "is")
            text = _string_item(inline) if inline is not None else None
        elif kind == "str" and value is not None:
            text = _unescape(value.text or "")
        if text is None:
            return
        if collect and formula is None:
            self.first_sheet_texts.add(norm(text))
        if formula_starter(text):
            self.report.add_cell(
                "csv-injection",
                sheet.name,
                ref,
                f"text starts with {text[0]!r}: {preview(text)}; opened from a CSV export it would run "
                "as a formula; reword it or start it with a space",
            )
        if local_path(text):
            self.report.add_cell("local-path", sheet.name, ref, f"text holds a local path: {preview(text)}")

    # links and embedded files -----------------------------------------------------------------------

    def _external_parts(self) -> None:
        for part in sorted(
            set(self._under("xl/externalLinks/") + self.package.parts_of_type("externalLink"))
        ):
            if not part.lower().endswith(".xml"):
                continue
            targets = [r.target for r in self.package.rels(part) if r.external]
            root = self.package.xml(part)
            kind = "another workbook"
            if root is not None and any(True for _ in _descendants(root, "ddeLink")):
                kind = "another program (DDE)"
            elif root is not None and any(True for _ in _descendants(root, "oleLink")):
                kind = "an OLE object"
            target = f" {preview(targets[0])}" if targets else ""
            self.add(
                "external-link",
                part,
                f"the workbook links to {kind}{target}; break the link (Data > Edit Links > Break Link)",
            )
        for part in self._under("xl/connections.xml"):
            root = self.package.xml(part)
            for node in [] if root is None else _descendants(root, "connection"):
                source = node.get("sourceFile") or node.get("odcFile") or ""
                detail = f" to {preview(source)}" if source else ""
                self.add(
                    "external-link",
                    part,
                    f"data connection {node.get('name') or '?'!r}{detail}; remove it (Data > Queries & "
                    "Connections)",
                )
        for part in self._under("xl/embeddings/"):
            self.add(
                "embedded-object",
                part,
                "a file is embedded in the workbook and travels whole with it; delete the object",
            )

    def _under(self, prefix: str) -> list[str]:
        return sorted(name for name in self.package.names() if name.lower().startswith(prefix.lower()))

    def _relationships(self) -> None:
        for rels_part in sorted(n for n in self.package.names() if n.lower().endswith(".rels")):
            folder = posixpath.dirname(posixpath.dirname(rels_part))
            source = posixpath.join(folder, posixpath.basename(rels_part)[: -len(".rels")])
            if source.lower().startswith("xl/externallinks/"):
                continue  # reported with the external link part
            for rel in self.package.rels_from(rels_part, folder):
                if not rel.external:
                    continue
                if rel.type.endswith("/hyperlink"):
                    if PLAIN_MAILTO.match(rel.target):
                        continue  # a contact's address (a published copy's Cover): opens an email
                    cell = self.hyperlink_cells.get((source.lower(), rel.id))
                    sheet = self.sheet_of_part.get(source.lower())
                    where = f"{sheet_where(sheet)}!{cell}" if sheet and cell else source
                    self.add(
                        "external-hyperlink",
                        where,
                        f"hyperlink to {preview(rel.target)}: make sure the recipient may follow it "
                        "(links to places in the workbook are fine)",
                    )
                else:
                    self.add(
                        "external-link",
                        source,
                        f"points outside the workbook ({rel.type.rsplit('/', 1)[-1]}): {preview(rel.target)}",
                    )

    # properties and comments --------------------------------------------------------------------------

    def _properties(self) -> None:
        for rel in self.package.rels(""):
            if rel.external or not self.package.has(rel.target):
                continue
            kind = rel.type.rsplit("/", 1)[-1]
            if kind in ("core-properties", "metadata/core-properties"):
                self._property_part(rel.target, {"creator": "creator", "lastModifiedBy": "last modified by"})
            elif kind == "extended-properties":
                self._property_part(rel.target, {"Manager": "manager", "Company": "company"})
            elif kind == "custom-properties":
                self._custom_properties(rel.target)

    def _property_part(self, part: str, personal: dict[str, str]) -> None:
        root = self.package.xml(part)
        if root is None:
            return
        for node in root.iter():
            name, value = _local(node.tag), (node.text or "").strip()
            if not value:
                continue
            if name in personal and not self.is_organisation(value):
                self.add(
                    "personal-metadata",
                    f"property '{personal[name]}'",
                    f"is {value!r}, not the organisation: if it names a person, clear it (File > Info > "
                    "Properties, or Check for Issues > Inspect Document)",
                )
            elif local_path(value):
                self.add("local-path", f"property '{name}'", f"holds a local path: {preview(value)}")

    def _custom_properties(self, part: str) -> None:
        root = self.package.xml(part)
        if root is None:
            return
        for node in _children(root, "property"):
            name = node.get("name") or ""
            value = " ".join((v.text or "").strip() for v in node.iter() if v is not node).strip()
            if personal_property_name(name) and value and not self.is_organisation(value):
                self.add(
                    "personal-metadata",
                    f"custom property {name!r}",
                    f"is {preview(value)}: if it names a person, delete the property (File > Info > "
                    "Properties > Advanced > Custom)",
                )
            elif local_path(value):
                self.add("local-path", f"custom property {name!r}", f"holds a local path: {preview(value)}")

    def _comments(self) -> None:
        for sheet in self.sheets:
            if not sheet.part:
                continue
            for rel in self.package.rels(sheet.part):
                if rel.type.endswith("/comments") and not rel.external and self.package.has(rel.target):
                    self._comment_part(sheet.name, rel.target)
        persons = set(self.package.parts_of_type("person+xml")) | set(self._under("xl/persons/"))
        for part in sorted(p for p in persons if p.lower().endswith(".xml")):
            root = self.package.xml(part)
            for node in [] if root is None else _descendants(root, "person"):
                name = node.get("displayName") or ""
                user = node.get("userId") or ""
                if (name or user) and not (self.is_organisation(name) and self.is_organisation(user)):
                    account = f" (account {user!r})" if user and user != name else ""
                    self.add(
                        "comment-author",
                        part,
                        f"threaded comments by {name!r}{account}; delete the comments or their thread",
                    )

    def _comment_part(self, sheet: str, part: str) -> None:
        root = self.package.xml(part)
        if root is None:
            return
        authors_node = _child(root, "authors")
        authors = [] if authors_node is None else [a.text or "" for a in _children(authors_node, "author")]
        cells: dict[str, list[str]] = {}
        comment_list = _child(root, "commentList")
        for comment in [] if comment_list is None else _children(comment_list, "comment"):
            ref = comment.get("ref") or "?"
            index = comment.get("authorId") or ""
            author = authors[int(index)] if index.isdigit() and int(index) < len(authors) else ""
            if author and not author.startswith("tc=") and not self.is_organisation(author):
                cells.setdefault(author, []).append(ref)
            text_node = _child(comment, "text")
            text = _string_item(text_node) if text_node is not None else ""
            if local_path(text):
                where = f"{sheet_where(sheet)}!{ref}"
                self.add("local-path", where, f"comment holds a local path: {preview(text)}")
        for author, refs in cells.items():
            listed = ", ".join(refs[:CELLS_LISTED]) + (", …" if len(refs) > CELLS_LISTED else "")
            self.add(
                "comment-author",
                f"{sheet_where(sheet)}!{refs[0]}",
                f"comment author {author!r} ({len(refs)} comment{'s' * (len(refs) != 1)}: {listed}); "
                "delete the comments, or remove personal information (Inspect Document)",
            )
