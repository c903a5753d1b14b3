"""A stored summary of the sample workbook, updated on purpose: every sheet's values and formats
hashed, its conditional formats, merges, tables and defined names, as openpyxl (an independent
reader) reads them. Two builds in one test run always agree with each other; this catches a change
that both would make (a lost column, a changed number format, a rule gone).

    python -m tests.golden_summary --update    # after a change meant to change the workbook

then read `git diff tests/golden/sample.json` and say why in the commit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import openpyxl

GOLDEN = Path(__file__).parent / "golden" / "sample.json"


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def summary(path: Path) -> dict[str, Any]:
    """What the workbook at `path` shows and how, sheet by sheet."""
    book = openpyxl.load_workbook(path)  # (not read-only: styles, rules and merges are read too)
    values = openpyxl.load_workbook(path, data_only=True)
    sheets: dict[str, Any] = {}
    for ws in book.worksheets:
        shown = values[ws.title]
        value_lines, format_lines = [], []
        for row in ws.iter_rows():
            for cell in row:
                value = shown[cell.coordinate].value
                if value is not None:
                    value_lines.append(f"{cell.coordinate}={value!r}")
                if cell.has_style:
                    font, fill = cell.font, cell.fill
                    format_lines.append(
                        f"{cell.coordinate} {cell.number_format} b{int(bool(font.b))} "
                        f"{font.color.rgb if font.color is not None else ''} "
                        f"{fill.fgColor.rgb if fill.fill_type else ''} {cell.alignment.horizontal}"
                    )
        rules = sorted(
            f"{rng.sqref} {rule.type} {rule.operator or ''} {','.join(rule.formula or [])} {rule.text or ''}"
            for rng in ws.conditional_formatting
            for rule in rng.rules
        )
        sheets[ws.title] = {
            "extent": ws.dimensions,
            "cells": len(value_lines),
            "values": _digest(value_lines),
            "formats": _digest(format_lines),
            "rules": len(rules),
            "rules_digest": _digest(rules),
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "tables": sorted(f"{name} {ref}" for name, ref in ws.tables.items()),
            "widths": _digest([f"{k} {d.width}" for k, d in sorted(ws.column_dimensions.items())]),
        }
    names = sorted(f"{name} {defined.attr_text}" for name, defined in book.defined_names.items())
    return {"sheets": sheets, "names": _digest(names), "name_count": len(names)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--update", action="store_true", help="write tests/golden/sample.json anew")
    args = parser.parse_args()
    import tempfile

    from scorecard_xl.generate.loading import load_inputs
    from scorecard_xl.generate.sequence import render
    from tests.conftest import FIXED_TIME, SAMPLE_DATA, TEMPLATE

    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "scorecard.xlsx"
        book.write_bytes(render(load_inputs(TEMPLATE, [SAMPLE_DATA]), generated_at=FIXED_TIME)[1])
        found = summary(book)
    text = json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if args.update:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
        print(f"wrote {GOLDEN}")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
