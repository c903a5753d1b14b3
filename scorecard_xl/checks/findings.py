"""What a check of a workbook finds: one `Finding` per problem, with its code and severity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

CHECKS: dict[str, tuple[Severity, str]] = {
    "macros": ("error", "VBA project, macro-enabled workbook type, macro sheet or Auto_Open name"),
    "external-link": ("error", "link to another workbook, file, URL, data connection or DDE"),
    "external-hyperlink": ("warning", "hyperlink to a web address or file outside the workbook"),
    "hidden-sheet": ("error", "hidden or very hidden sheet"),
    "hidden-name": ("error", "hidden defined name"),
    "name-holds-data": ("error", "defined name holding a constant or array instead of a reference"),
    "embedded-object": ("error", "file embedded in the workbook"),
    "no-cached-value": ("warning", "formula without a cached result (shows 0 in mail previews)"),
    "csv-injection": ("warning", "text a CSV export would turn into a formula"),
    "personal-metadata": ("warning", "document property naming a person"),
    "comment-author": ("warning", "comment author naming a person"),
    "local-path": ("error", "absolute local file path"),
    "schema": ("error", "openxml-audit schema or semantic error"),
    "schema-unchecked": ("warning", "the schema could not be checked"),
    "too-large": ("warning", "file above the size limit for mail"),
    "unreadable-part": ("error", "part that cannot be read"),
    "unsuppressed-count": ("error", "a count a published copy says it suppresses, shown"),
}


@dataclass(frozen=True)
class Finding:
    """One reason a workbook should not leave as it is."""

    code: str  # a key of CHECKS
    severity: Severity  # error: must not leave so; warning: a person should look
    where: str  # "Sheet 'Data'!B7", "name 'Rate'", "property 'creator'", a part; "" for the file
    message: str

    def __str__(self) -> str:
        text = f"{self.message} [{self.severity}: {self.code}]"
        return f"{self.where}: {text}" if self.where else text
