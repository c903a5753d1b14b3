"""The schema check: `openxml-audit -f microsoft365` run on the file, its errors as findings.

openxml-audit is installed with scorecard-xl wherever it can be (it needs lxml, which Pyodide,
xlwings Lite's Python, cannot install), so it is run as a module of this Python first; a program
on PATH or beside this Python serves where it was installed on its own. Where none can run, check
says so (schema-unchecked) rather than passing the file.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

from scorecard_xl.checks.findings import CHECKS, Finding

SCHEMA_LISTED = 20  # openxml-audit errors listed one by one
AUDIT_TIMEOUT = 300  # seconds; openxml-audit takes 3 s on the sample, minutes on 100,000+ cells


def auditor_command() -> list[str] | None:
    """How to run openxml-audit: the module installed with scorecard-xl in this Python, else the
    program find_auditor finds; None when there is neither."""
    if importlib.util.find_spec("openxml_audit") is not None:
        return [sys.executable, "-m", "openxml_audit"]
    program = find_auditor()
    return [program] if program else None


def find_auditor() -> str | None:
    """openxml-audit: on PATH, or beside this Python (a virtual environment not on PATH)."""
    found = shutil.which("openxml-audit")
    if found:
        return found
    beside = Path(sys.executable).parent
    for name in ("openxml-audit", "openxml-audit.exe"):
        if (beside / name).is_file():
            return str(beside / name)
    return None


def audit(path: Path, auditor: str | Path | None) -> list[Finding]:
    """The schema findings for `path` (`auditor`: the program; default found by find_auditor)."""

    def unchecked(why: str) -> list[Finding]:
        return [Finding("schema-unchecked", CHECKS["schema-unchecked"][0], "", f"schema not checked: {why}")]

    if sys.platform == "emscripten":
        return unchecked("openxml-audit cannot run in Pyodide (no lxml, no subprocesses)")
    program = [str(auditor)] if auditor is not None else auditor_command()
    if not program or (auditor is not None and shutil.which(program[0]) is None):
        return unchecked(
            "openxml-audit is not installed (it comes with scorecard-xl: reinstall it, or pip install "
            "openxml-audit)"
        )
    command = [*program, "-f", "microsoft365", "--validator", "ooxml", "-o", "json", "-m", "0", str(path)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=AUDIT_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return unchecked(f"openxml-audit took longer than {AUDIT_TIMEOUT} s")
    except OSError as error:
        return unchecked(f"openxml-audit did not run: {error}")
    try:
        results = json.loads(done.stdout)
        result = results[0] if isinstance(results, list) else results
        errors = list(result.get("errors") or [])
    except (ValueError, TypeError, IndexError, AttributeError):
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return unchecked(f"openxml-audit's output could not be read (exit code {done.returncode}): {tail[0]}")
    findings = [_schema_finding(error) for error in errors[:SCHEMA_LISTED]]
    if len(errors) > SCHEMA_LISTED:
        findings.append(
            Finding("schema", "error", "", f"{len(errors) - SCHEMA_LISTED} more errors from openxml-audit")
        )
    if done.returncode != 0 and not findings:
        headline = str((result.get("verdict") or {}).get("headline") or f"exit code {done.returncode}")
        findings.append(Finding("schema", "error", "", f"openxml-audit: {headline}"))
    return findings


def _schema_finding(error: object) -> Finding:
    if not isinstance(error, dict):
        return Finding("schema", "error", "", f"openxml-audit: {error}")
    part = str(error.get("part_uri") or "").lstrip("/")
    node = str(error.get("path") or "")
    where = f"{part} {node}".strip()
    return Finding(
        "schema", "error", where, f"{error.get('description') or error}; Excel may repair or refuse it"
    )
