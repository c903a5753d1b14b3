"""The documentation installed with scorecard-xl, so a wheel's user has it too: docs/*.md travel as
package data (scorecard_xl.docs), the README as the package's description. `scorecard-xl docs`
lists them; `scorecard-xl docs NAME` prints one.
"""

from __future__ import annotations

from pathlib import Path

from scorecard_xl.errors import ARGUMENTS, InputError
from scorecard_xl.inputs.bundled import CHECKOUT, package_folder

GUIDES = {  # name: (file in docs/, what it covers)
    "formats": ("formats.md", "the definition and data formats, field by field"),
    "batch": ("batch.md", "batch files: many workbooks in one command"),
    "security": ("security.md", "what a workbook may read, and the limits on what is read"),
}
README = "readme"  # every command, from building a workbook to sending it


def docs_folder() -> Path:
    return package_folder("docs")


def guide_path(name: str) -> Path:
    return docs_folder() / GUIDES[name][0]


def doc_text(name: str) -> str:
    """The text of a guide, or of the README: the checkout's file, or the installed description."""
    key = name.lower().removesuffix(".md")
    if key == README:
        if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "README.md").is_file():
            return (CHECKOUT / "README.md").read_text(encoding="utf-8")
        from importlib.metadata import metadata

        return str(metadata("scorecard-xl").json.get("description", ""))  # the wheel's long description
    if key not in GUIDES:
        accepted = ", ".join([README, *GUIDES])
        raise InputError.of(ARGUMENTS, "", "NAME", name, f"one of {accepted}")
    return guide_path(key).read_text(encoding="utf-8")


def listing() -> str:
    """Where each guide is installed, and how to print them."""
    lines = [f"scorecard-xl's documentation, in {docs_folder()}:"]
    lines += [f"  {file:<12} {about}" for file, about in GUIDES.values()]
    lines.append("Print one with: scorecard-xl docs NAME  (NAME: readme, " + ", ".join(GUIDES) + ")")
    return "\n".join(lines)
