"""The messages: subject and body templates filled in from the workbook, MIME with the
attachments, and .eml files for a dry run."""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid
from pathlib import Path

from scorecard_xl.atomic import write_atomically
from scorecard_xl.errors import ARGUMENTS, InputError, ProblemList
from scorecard_xl.inputs.input_files import LIST_LIMIT
from scorecard_xl.inputs.text_rules import control_character, line_break
from scorecard_xl.inputs.tomlfile import read_toml
from scorecard_xl.send.addresses import bare_address
from scorecard_xl.send.book import FIELDS, BookFacts

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PDF_TYPE = ("application", "pdf")

# The fields a subject or body template may use, with what each holds (for the sample).
DEFAULT_SUBJECT = "{title} – {organisation} – {period}"
DEFAULT_BODY = """\
Please find attached the {title} for {organisation}, {period} (year {year}).

Of {measures} measures: {red} red, {amber} amber and {green} green against target; {not_judged} not \
judged (no target, or no figure this period).

The workbook ({filename}) opens in Excel, Excel Online and LibreOffice. The Cover sheet has the \
contents and the key to the colours and arrows; the Summary sheet lists every measure off target.
"""
PDF_NOTE = "A PDF copy for reading on screen or paper is attached too.\n"
_TEMPLATE_KEYS = ("subject", "body")


# A practical address check (not the whole of RFC 5322): a local part, one @, and a domain of
# letters, digits and hyphens with a dotted top-level name. Catches typos before connecting.
@dataclass(frozen=True)
class Outgoing:
    """One message and its envelope."""

    message: EmailMessage
    sender: str
    recipients: tuple[str, ...]


def read_templates(
    problems: ProblemList, subject: str | None, body: str | None, template: str | Path | None
) -> tuple[str, str]:
    """The subject and body templates: `subject`/`body`, else the template file's, else the defaults.
    Each is checked for unknown fields now, before anything else happens."""
    from_file: dict[str, str] = {}
    if template is not None:
        from_file = _template_file(problems, Path(template))
    file_source = str(template) if template is not None else ARGUMENTS
    chosen: list[str] = []
    for key, given, default in (("subject", subject, DEFAULT_SUBJECT), ("body", body, DEFAULT_BODY)):
        text = given if given is not None else from_file.get(key, default)
        problem = template_problem(text, one_line=key == "subject")
        if problem:
            problems.add(ARGUMENTS if given is not None else file_source, "", key, text, problem)
        chosen.append(text)
    return chosen[0], chosen[1]


def _template_file(problems: ProblemList, path: Path) -> dict[str, str]:
    try:
        loaded = read_toml(path, "template file (TOML, with subject and body)", LIST_LIMIT)
    except InputError as error:
        problems.extend(error.problems)
        return {}
    found: dict[str, str] = {}
    for key, value in loaded.items():
        if key not in _TEMPLATE_KEYS:
            problems.add(str(path), "", key, value, "only the keys subject and body")
        elif not isinstance(value, str) or not value.strip():
            problems.add(str(path), "", key, value, "text")
        else:
            found[key] = value
    if not loaded:
        problems.add(str(path), "", "template", None, "subject, body or both")
    return found


def template_problem(text: str, one_line: bool = False) -> str | None:
    """Why `text` is not a usable template (str.format style, named fields only), or None.
    `one_line`: a subject, which no line break may end early (U+2028 as much as CR LF)."""
    broken = (line_break(text.strip()) or control_character(text)) if one_line else None
    if broken:
        return f"a subject on one line of text ({broken})"
    allowed = ", ".join(f"{{{name}}}" for name in FIELDS)
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as error:
        return f"a template with fields in braces ({error}; write {{{{ and }}}} for literal braces)"
    for _, name, _, _ in parts:
        if name is not None and name not in FIELDS:
            return f"fields from {allowed} (unknown field {{{name}}}; write {{{{ and }}}} for literal braces)"
    try:  # a format spec that does not suit the field's type, such as {organisation:d}
        text.format_map(_EXAMPLE.fields())
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        return f"a template whose formats suit its fields ({error})"
    return None


_EXAMPLE = BookFacts(
    "scorecard.xlsx", "Scorecard", "Organisation", "March 2023", "2022-23", "OFFICIAL", 9, 1, 2, 3, 3
)


def render_template(text: str, facts: BookFacts, what: str) -> str:
    try:
        return text.format_map(facts.fields())
    except (ValueError, KeyError, IndexError) as error:
        raise InputError.of(what, "", "", text, f"a template that fits its fields ({error})") from None


def compose(
    sender: str,
    to: Sequence[str],
    cc: Sequence[str],
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, tuple[str, str], bytes]],
) -> Outgoing:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=bare_address(sender).rpartition("@")[2])
    # Quoted-printable: readable in the raw message, and safe through servers without 8BITMIME.
    message.set_content(body if body.endswith("\n") else body + "\n", cte="quoted-printable")
    for name, (maintype, subtype), content in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    envelope: dict[str, str] = {}
    for text in (*to, *cc):
        address = bare_address(text)
        envelope.setdefault(address.lower(), address)
    return Outgoing(message, bare_address(sender), tuple(envelope.values()))


def write_eml(messages: Sequence[Outgoing], folder: Path, stem: str, one_each: bool) -> tuple[Path, ...]:
    """Each message as an .eml file (RFC 5322, CRLF line ends) that any mail program opens."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for outgoing in messages:
        name = f"{stem} to {outgoing.recipients[0]}.eml" if one_each else f"{stem}.eml"
        path = folder / re.sub(r'[\\/:*?"<>|]', "_", name)
        write_atomically(path, outgoing.message.as_bytes(policy=SMTP_POLICY))
        written.append(path)
    return tuple(written)
