"""The test suite's own rules, checked: a test that runs LibreOffice says so with the `libreoffice`
marker (so `pytest -m "not libreoffice"` is a quick run without it)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

LIBREOFFICE_USE = re.compile(
    r"sample_pdf|convert_to_pdf|print_pdf|write_pdf|soffice|PDF_BATCH|pdf = true"
    r"|[\'\"](?:build|refresh)[\'\"][^\n]*[\'\"]--pdf[\'\"]"  # send --pdf attaches a PDF it is given
)


def marked(function: ast.FunctionDef, marker: str) -> bool:
    return any(marker in ast.unparse(decorator) for decorator in function.decorator_list)


def test_every_test_that_runs_libreoffice_is_marked() -> None:
    users, unmarked = [], []
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        module_marked = re.search(r"^pytestmark = .*libreoffice", source, re.M) is not None
        if path.name == Path(__file__).name:
            continue
        for node in ast.parse(source).body:
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
                continue
            if LIBREOFFICE_USE.search(ast.unparse(node)):
                users.append(node.name)
                if not (module_marked or marked(node, "libreoffice")):
                    unmarked.append(f"{path.name}::{node.name}")
    assert len(users) >= 8  # the rendering, publishing and batch PDF tests at least
    assert unmarked == []
