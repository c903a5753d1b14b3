"""Is a workbook safe to send outside the organisation? `check_workbook` says, and why not.

It only reads: the package's zip parts are parsed with zipfile and xml.etree (never opened with a
library that could save them), and `openxml-audit` reads the file for the schema check. Each
problem is one `Finding`, naming the sheet and cell (or the part, name or property) where it is.

The checks, by finding code (README, "Checking a workbook before it leaves", says what to do):

- macros: a VBA project, a macro-enabled workbook type, an Excel 4 macro or dialog sheet, or an
  Auto_Open style name;
- external-link: links to other workbooks (external link parts, `[1]Sheet!A1` or `[Book.xlsx]`
  references and DDE in formulas or names), URLs in formulas or names, data connections, and
  any other part that points outside the package;
- external-hyperlink: a hyperlink to a web address or file (`#'Sheet'!A1` links inside the workbook
  are fine, as is a plain mailto: address, a published copy's contact);
- hidden-sheet, hidden-name, name-holds-data: content a reader does not see (a name holds data when
  its formula is an array or a constant: number, text or TRUE/FALSE, with no cell reference);
- embedded-object: a file embedded in the workbook (it travels with it, whole);
- no-cached-value: a formula (`<f>`) without a cached result (`<v>`): mail previews show 0; an
  empty cached result (`<v></v>`) counts as cached;
- csv-injection: text starting with =, +, -, @, tab or carriage return, which a spreadsheet
  opening a CSV export runs as a formula; except a lone "-" (a missing-value token) and a plain
  number written as text ("-5", "+3.2", "-1,234.5", "-12%"), which can only become that number;
- personal-metadata: creator, last modified by, manager or company that is not empty and not the
  organisation; custom properties named like a person's (author, owner, e-mail, ...); the user
  named in a write-reservation;
- comment-author: comment (note) authors and threaded-comment people other than the organisation;
- local-path: an absolute local path (C:\\..., \\\\server\\share, file:, /home/, /Users/, ...) in
  cell text, formulas, comments, defined names, properties or the folder Excel saved the
  workbook from (paths relative to the workbook's folder, as scorecard-xl records them, are fine);
- schema / schema-unchecked: what `openxml-audit -f microsoft365` reports, or why it did not run;
- too-large: above the size limit (default 10 MB, 1 MB = 1,048,576 bytes);
- unreadable-part: a part that cannot be read (corrupt, or XML with a DTD, which no part needs).

"The organisation" is any name given in `organisation`, and any cell's whole text on the first
visible sheet (scorecard-xl puts the organisation on the Cover): metadata repeating what the
workbook already shows tells a reader nothing new.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NoReturn
from xml.etree import ElementTree as ET

from scorecard_xl.checks.findings import CHECKS, Finding, Severity
from scorecard_xl.checks.rules import (
    AUTO_MACRO,
    BUILT_IN_NAME,
    external_reference,
    local_path,
    name_holds_data,
    norm,
    personal_property_name,
)
from scorecard_xl.checks.schema_audit import audit
from scorecard_xl.errors import ARGUMENTS, InputError
from scorecard_xl.inputs.text_rules import formula_starter
from scorecard_xl.inputs.zip_guard import package_problem
from scorecard_xl.workbook.ooxml import Package
from scorecard_xl.workbook.ooxml import attribute as _attribute
from scorecard_xl.workbook.ooxml import child as _child
from scorecard_xl.workbook.ooxml import children as _children
from scorecard_xl.workbook.ooxml import descendants as _descendants
from scorecard_xl.workbook.ooxml import local as _local
from scorecard_xl.workbook.ooxml import string_item as _string_item
from scorecard_xl.workbook.ooxml import unescape as _unescape

DEFAULT_MAX_SIZE_MB = 10.0
# A contact's address and nothing more (no subject or body to fill in): a published copy's Cover.
PLAIN_MAILTO = re.compile(r"mailto:[^?&#%\s@]+@[^?&#%\s@]+\Z", re.IGNORECASE)
MEGABYTE = 1024 * 1024
CELLS_LISTED = 10  # findings of one kind listed cell by cell on one sheet; the rest are counted


def check_workbook(
    path: str | Path,
    *,
    max_size_mb: float = DEFAULT_MAX_SIZE_MB,
    organisation: Sequence[str] = (),
    auditor: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Finding]:
    """Every finding for the workbook at `path`; empty when it is safe to send.

    `organisation`: names that are not a person (see the module docstring for the default).
    `auditor`: the openxml-audit program (default: the one installed with scorecard-xl, else on
    PATH or beside this Python). `progress(step)` is told each step as it starts (the command line
    shows it on a terminal: the schema audit takes seconds).
    Raises InputError when `path` is not a readable .xlsx workbook or `max_size_mb` is not above 0.
    """
    path = Path(path)
    if not max_size_mb > 0:
        raise InputError.of(ARGUMENTS, "", "max_size_mb", max_size_mb, "a size in MB above 0")
    require_workbook_file(path)
    step = progress or (lambda text: None)
    step("reading the workbook")
    report = Report()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        _refuse(path, f"an Excel workbook (.xlsx): {error}")
    with archive:
        refused = package_problem(archive)
        if refused:  # inflating it would take minutes and gigabytes: nothing is read or audited
            report.add("unreadable-part", "", f"not inspected: {refused}")
            report.add("schema-unchecked", "", "schema not checked: the package was not read")
        else:
            package = _Package(archive, report)
            workbook = package.workbook_part()
            if workbook is None:
                _refuse(path, "an Excel workbook (.xlsx); this package holds no workbook")
            main_type = package.content_type(workbook)
            if "binary" in main_type:
                _refuse(path, "an .xlsx workbook; this is a binary (.xlsb) workbook")
            _Inspection(package, workbook, main_type, report, organisation).run()
    if not refused:
        _published_counts(path, report)
        step("checking the schema with openxml-audit")
        report.findings.extend(audit(path, auditor))
    size = path.stat().st_size
    if size > max_size_mb * MEGABYTE:
        report.add(
            "too-large",
            "",
            f"the file is {size / MEGABYTE:.1f} MB, above the {max_size_mb:g} MB limit: mail systems "
            "often refuse attachments this large (and encoding adds a third in transit)",
        )
    return report.findings


def _published_counts(path: Path, report: Report) -> None:
    """unsuppressed-count: a published copy showing a count it says it suppresses."""
    from scorecard_xl.checks.suppression import unsuppressed_counts

    found = unsuppressed_counts(path)
    if found is None:
        return
    threshold, hits = found
    for sheet, cell, measure, value in hits:
        report.add_cell(
            "unsuppressed-count",
            sheet,
            cell,
            f"{measure} shows {value:g}, a count from 1 to {threshold}, which this published copy says "
            "it shows as [c]: it was edited or refreshed with less suppression; build it again with "
            "--publish",
        )
    for sheet in dict.fromkeys(sheet for sheet, _, _, _ in hits):
        report.close_sheet(sheet)


def format_findings(book: str, findings: Sequence[Finding], as_json: bool = False) -> str:
    """The command's output: one line per finding and a summary line, or a JSON document."""
    if as_json:
        document = {"file": book, "clean": not findings, "findings": [asdict(f) for f in findings]}
        return json.dumps(document, indent=2, ensure_ascii=False)
    if not findings:
        return f"{book}: ok: no macros, links, hidden content, personal data or other problems found"
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    lines = [f"{book}: {finding}" for finding in findings]
    lines.append(
        f"{book}: not safe to send as it is: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    )
    return "\n".join(lines)


# --- the file itself ----------------------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _refuse(path: Path, expected: str) -> NoReturn:
    raise InputError.of(str(path), "", "", None, expected)


def require_workbook_file(path: Path) -> None:
    """Refuse (InputError) anything but a readable .xlsx file, saying what it is instead."""

    def refuse(expected: str) -> NoReturn:
        _refuse(path, expected)

    if not path.exists():
        refuse("no such file: a workbook (.xlsx) to check")
    if not path.is_file():
        refuse("a workbook file (.xlsx), not a folder")
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError as error:
        refuse(f"a readable workbook (.xlsx): {error.strerror or error}")
    if head == OLE_MAGIC:
        refuse(
            "an .xlsx workbook; this is a password-protected or old-format (.xls) workbook, which "
            "cannot be inspected: save it as .xlsx without a password to open"
        )
    if not zipfile.is_zipfile(path):
        refuse("an Excel workbook (.xlsx); this file is not one")


# --- collecting findings ------------------------------------------------------------------------------


class Report:
    """Findings as they are found, against a table of checks (code -> severity, what it is)."""

    def __init__(self, checks: Mapping[str, tuple[Severity, str]] | None = None) -> None:
        self.checks = checks or CHECKS
        self.findings: list[Finding] = []
        self._per_sheet: dict[tuple[str, str], int] = {}

    def add(self, code: str, where: str, message: str) -> None:
        self.findings.append(Finding(code, self.checks[code][0], where, message))

    def add_cell(self, code: str, sheet: str, cell: str, message: str) -> None:
        """A finding in a cell; past CELLS_LISTED of one code on a sheet, only counted."""
        key = (code, sheet)
        seen = self._per_sheet.get(key, 0)
        self._per_sheet[key] = seen + 1
        if seen < CELLS_LISTED:
            self.add(code, f"{_sheet_where(sheet)}!{cell}", message)

    def close_sheet(self, sheet: str) -> None:
        for (code, name), count in self._per_sheet.items():
            if name == sheet and count > CELLS_LISTED:
                more = count - CELLS_LISTED
                self.add(
                    code,
                    _sheet_where(sheet),
                    f"{more} more cell{'s' * (more != 1)} like the above ({self.checks[code][1]})",
                )


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _sheet_where(sheet: str) -> str:
    return f"Sheet {_quote(sheet)}"


def _preview(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# --- the package: parts, content types, relationships (scorecard_xl.workbook.ooxml) ---


class _Package(Package):
    """The package, its unreadable parts reported as findings."""

    def __init__(self, archive: zipfile.ZipFile, report: Report) -> None:
        super().__init__(archive, lambda part, message: report.add("unreadable-part", part, message))
        self.report = report


# --- the inspection -------------------------------------------------------------------------------

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class _Sheet:
    name: str
    state: str  # "visible", "hidden" or "veryHidden"
    part: str | None
    kind: str  # the relationship type's last segment: worksheet, chartsheet, xlMacrosheet, ...


class _Inspection:
    def __init__(
        self, package: _Package, workbook: str, main_type: str, report: Report, organisation: Sequence[str]
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
                self.add("hidden-sheet", _sheet_where(name), f"the sheet is {how}; delete it or show it")
            if kind.lower() in ("xlmacrosheet", "xlintlmacrosheet"):
                self.add("macros", _sheet_where(name), "an Excel 4 macro sheet (macro code)")
            elif kind.lower() == "dialogsheet":
                self.add("macros", _sheet_where(name), "an Excel 5 dialog sheet (used only by macros)")

    def _name_where(self, node: ET.Element) -> str:
        name = node.get("name") or "?"
        scope = node.get("localSheetId")
        if scope is not None and scope.isdigit() and int(scope) < len(self.sheets):
            return f"name '{name}' ({_sheet_where(self.sheets[int(scope)].name)})"
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
                self.add("hidden-name", where, f"the name is hidden; it holds {_preview(formula)}")
            held = name_holds_data(formula)
            if held:
                self.add(
                    "name-holds-data", where, f"holds {held} ({_preview(formula)}), not a cell reference"
                )
            why = external_reference(formula)
            if why:
                self.add("external-link", where, f"{why}: {_preview(formula)}")
            elif local_path(formula):
                self.add("local-path", where, f"holds a local path: {_preview(formula)}")

    def _workbook_details(self, root: ET.Element) -> None:
        for node in _descendants(root, "absPath"):
            url = node.get("url") or ""
            if local_path(url):
                self.add(
                    "local-path",
                    self.workbook,
                    f"records the folder it was saved from: {_preview(url)}; save a copy with "
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
                    "external-link", sheet.name, ref, f"the formula {why}: {_preview(formula.text or '')}"
                )
            elif local_path(formula.text or ""):
                self.report.add_cell(
                    "local-path",
                    sheet.name,
                    ref,
                    f"the formula holds a local path: {_preview(formula.text or '')}",
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
                f"text starts with {text[0]!r}: {_preview(text)}; opened from a CSV export it would run "
                "as a formula; reword it or start it with a space",
            )
        if local_path(text):
            self.report.add_cell("local-path", sheet.name, ref, f"text holds a local path: {_preview(text)}")

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
            target = f" {_preview(targets[0])}" if targets else ""
            self.add(
                "external-link",
                part,
                f"the workbook links to {kind}{target}; break the link (Data > Edit Links > Break Link)",
            )
        for part in self._under("xl/connections.xml"):
            root = self.package.xml(part)
            for node in [] if root is None else _descendants(root, "connection"):
                source = node.get("sourceFile") or node.get("odcFile") or ""
                detail = f" to {_preview(source)}" if source else ""
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
                    where = f"{_sheet_where(sheet)}!{cell}" if sheet and cell else source
                    self.add(
                        "external-hyperlink",
                        where,
                        f"hyperlink to {_preview(rel.target)}: make sure the recipient may follow it "
                        "(links to places in the workbook are fine)",
                    )
                else:
                    self.add(
                        "external-link",
                        source,
                        f"points outside the workbook ({rel.type.rsplit('/', 1)[-1]}): "
                        f"{_preview(rel.target)}",
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
                self.add("local-path", f"property '{name}'", f"holds a local path: {_preview(value)}")

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
                    f"is {_preview(value)}: if it names a person, delete the property (File > Info > "
                    "Properties > Advanced > Custom)",
                )
            elif local_path(value):
                self.add("local-path", f"custom property {name!r}", f"holds a local path: {_preview(value)}")

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
                where = f"{_sheet_where(sheet)}!{ref}"
                self.add("local-path", where, f"comment holds a local path: {_preview(text)}")
        for author, refs in cells.items():
            listed = ", ".join(refs[:CELLS_LISTED]) + (", …" if len(refs) > CELLS_LISTED else "")
            self.add(
                "comment-author",
                f"{_sheet_where(sheet)}!{refs[0]}",
                f"comment author {author!r} ({len(refs)} comment{'s' * (len(refs) != 1)}: {listed}); "
                "delete the comments, or remove personal information (Inspect Document)",
            )


def codes(findings: Iterable[Finding]) -> set[str]:
    """The finding codes present (handy for tests and scripts)."""
    return {finding.code for finding in findings}
