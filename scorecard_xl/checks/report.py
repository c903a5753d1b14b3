"""Collecting a check's findings, and saying them: one `Finding` per problem, cells of one kind on
one sheet listed up to CELLS_LISTED and then counted; the command's lines or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict

from scorecard_xl.a1 import quote_sheet
from scorecard_xl.checks.findings import CHECKS, Finding, Severity

CELLS_LISTED = 10  # findings of one kind listed cell by cell on one sheet; the rest are counted


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
            self.add(code, f"{sheet_where(sheet)}!{cell}", message)

    def close_sheet(self, sheet: str) -> None:
        for (code, name), count in self._per_sheet.items():
            if name == sheet and count > CELLS_LISTED:
                more = count - CELLS_LISTED
                self.add(
                    code,
                    sheet_where(sheet),
                    f"{more} more cell{'s' * (more != 1)} like the above ({self.checks[code][1]})",
                )


def sheet_where(sheet: str) -> str:
    return f"Sheet {quote_sheet(sheet)}"


def preview(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


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


def codes(findings: Iterable[Finding]) -> set[str]:
    """The finding codes present (handy for tests and scripts)."""
    return {finding.code for finding in findings}
