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

import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from scorecard_xl.checks.findings import Finding
from scorecard_xl.checks.inspection import InspectedPackage, Inspection
from scorecard_xl.checks.report import Report
from scorecard_xl.checks.schema_audit import audit
from scorecard_xl.checks.workbook_file import refuse_file, require_workbook_file
from scorecard_xl.errors import ARGUMENTS, InputError
from scorecard_xl.inputs.zip_guard import package_problem

DEFAULT_MAX_SIZE_MB = 10.0
MEGABYTE = 1024 * 1024


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
        refuse_file(path, f"an Excel workbook (.xlsx): {error}")
    with archive:
        refused = package_problem(archive)
        if refused:  # inflating it would take minutes and gigabytes: nothing is read or audited
            report.add("unreadable-part", "", f"not inspected: {refused}")
            report.add("schema-unchecked", "", "schema not checked: the package was not read")
        else:
            package = InspectedPackage(archive, report)
            workbook = package.workbook_part()
            if workbook is None:
                refuse_file(path, "an Excel workbook (.xlsx); this package holds no workbook")
            main_type = package.content_type(workbook)
            if "binary" in main_type:
                refuse_file(path, "an .xlsx workbook; this is a binary (.xlsb) workbook")
            Inspection(package, workbook, main_type, report, organisation).run()
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
