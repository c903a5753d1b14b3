"""Sending a workbook: everything checked first and reported at once, then composed and delivered
(or written as .eml files)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scorecard_xl.errors import ARGUMENTS, InputError, ProblemList
from scorecard_xl.inputs.text_rules import control_character, line_break
from scorecard_xl.send.addresses import (
    addresses_from_file,
    bare_address,
    checked_sender,
    parse_addresses,
    unique_addresses,
)
from scorecard_xl.send.book import BookFacts, check_file, read_facts, refuse_if_check_fails
from scorecard_xl.send.message import (
    DEFAULT_BODY,
    DEFAULT_SUBJECT,
    PDF_NOTE,
    PDF_TYPE,
    XLSX_TYPE,
    Outgoing,
    compose,
    read_templates,
    render_template,
    write_eml,
)
from scorecard_xl.send.smtp import SmtpServer, check_server, deliver, smtp_password


@dataclass(frozen=True)
class SendResult:
    messages: tuple[Outgoing, ...]
    facts: BookFacts
    sent_via: str | None = None  # "host:port" when sent
    written: tuple[Path, ...] = field(default=())  # the .eml files of a dry run

    @property
    def recipients(self) -> int:
        return len({r.lower() for m in self.messages for r in m.recipients})


@dataclass(frozen=True)
class Mail:
    """What goes with a workbook, already checked: sender, recipients and the subject and body
    templates (fields from FIELDS). With `one_each`, each `to` gets a message of their own."""

    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    subject: str = DEFAULT_SUBJECT
    body: str = DEFAULT_BODY
    one_each: bool = False


def send_book(
    book: str | Path,
    *,
    to: Sequence[str] = (),
    to_file: str | Path | None = None,
    cc: Sequence[str] = (),
    sender: str | None = None,
    subject: str | None = None,
    body: str | None = None,
    template: str | Path | None = None,
    pdf: str | Path | None = None,
    server: SmtpServer | None = None,
    dry_run: str | Path | None = None,
    one_each: bool = False,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> SendResult:
    """Email `book` (and `pdf`) to the recipients, or with `dry_run` write the messages as .eml files
    in that folder and send nothing. Raises InputError, before anything is sent, naming every
    problem found. `progress(step)` is told each step as it starts (check, compose, send)."""
    server = server or SmtpServer()
    book_path = Path(book)
    problems = ProblemList()
    check_file(problems, book_path, "workbook", ".xlsx")
    pdf_path = Path(pdf) if pdf is not None else None
    if pdf_path is not None:
        check_file(problems, pdf_path, "pdf", ".pdf")
    recipients = parse_addresses(problems, ARGUMENTS, "to", to)
    if to_file is not None:
        recipients += addresses_from_file(problems, Path(to_file))
    copies = parse_addresses(problems, ARGUMENTS, "cc", cc)
    if not recipients and not problems:
        problems.add(
            ARGUMENTS, "", "to", None, "one or more recipients (`to` addresses or a `to_file` of them)"
        )
    if one_each and copies:
        problems.add(
            ARGUMENTS,
            "",
            "cc",
            ", ".join(cc),
            "no `cc` with `one_each` (each message goes to one `to` address)",
        )
    from_address = checked_sender(problems, sender, server.user)
    templates = read_templates(problems, subject, body, template)
    check_server(problems, server, dry_run)
    folder = Path(dry_run) if dry_run is not None else None
    if folder is not None and folder.exists() and not folder.is_dir():
        problems.add(
            ARGUMENTS, "", "dry_run", str(folder), "a folder to write the .eml files in (this is a file)"
        )
    problems.raise_if_any()
    # The password before the slower steps: a missing one is reported at once.
    password = smtp_password(server.user) if folder is None and server.user else None
    mail = Mail(from_address, tuple(recipients), tuple(copies), templates[0], templates[1], one_each)
    return mail_book(
        book_path,
        mail,
        pdf=pdf_path,
        server=server,
        password=password,
        dry_run=folder,
        force=force,
        progress=progress,
    )


def mail_book(
    book: Path,
    mail: Mail,
    *,
    pdf: Path | None = None,
    server: SmtpServer | None = None,
    password: str | None = None,
    dry_run: Path | None = None,
    eml_stem: str | None = None,
    force: bool = False,
    override: str = "force",
    progress: Callable[[str], None] | None = None,
) -> SendResult:
    """Compose the messages for one workbook (and its PDF) and send them through `server`, or with
    `dry_run` write them in that folder as .eml files named after `eml_stem` (default: the
    workbook's name). Unless `force`, a workbook failing check is refused (`override` is the
    parameter the message suggests). `mail` and `server` are already checked (as `send_book` does).
    Raises InputError, with nothing sent, when the workbook is refused or the server fails."""
    step = progress or (lambda text: None)
    book_bytes = book.read_bytes()
    if not force:
        refuse_if_check_fails(book, override, progress)
        if book.read_bytes() != book_bytes:  # what is attached must be what was checked
            raise InputError.of(str(book), "", "", None, "changed while it was checked; try again")
    step("composing the message")
    facts = read_facts(book_bytes, book.name)
    pdf_bytes = pdf.read_bytes() if pdf is not None else None
    if pdf_bytes is not None and pdf is not None and not pdf_bytes.startswith(b"%PDF-"):
        raise InputError.of(str(pdf), "", "pdf", None, "a PDF file (it does not start %PDF-)")
    subject_text = render_template(mail.subject, facts, "subject").strip()
    if mail.subject == DEFAULT_SUBJECT and facts.marking.upper() not in ("", "OFFICIAL"):
        subject_text = f"[{facts.marking}] {subject_text}"  # OFFICIAL-SENSITIVE is marked in the subject
    broken = line_break(subject_text) or control_character(subject_text)
    if broken:  # a header holds one line: U+2028 and the like would end it (or make email raise)
        raise InputError.of("subject", "", "", subject_text, f"a subject on one line of text ({broken})")
    body_text = render_template(mail.body, facts, "body")
    if pdf_bytes is not None and mail.body == DEFAULT_BODY:
        body_text += "\n" + PDF_NOTE
    attachments = [(book.name, XLSX_TYPE, book_bytes)]
    if pdf is not None and pdf_bytes is not None:
        attachments.append((pdf.name, PDF_TYPE, pdf_bytes))
    recipients = unique_addresses(mail.to)
    copies = [
        c
        for c in unique_addresses(mail.cc)
        if bare_address(c).lower() not in {bare_address(r).lower() for r in recipients}
    ]
    groups = [[r] for r in recipients] if mail.one_each else [recipients]
    messages = tuple(
        compose(mail.sender, group, copies, subject_text, body_text, attachments) for group in groups
    )
    if dry_run is not None:
        step(f"writing the .eml files to {dry_run}")
        written = write_eml(messages, dry_run, eml_stem or book.stem, mail.one_each)
        return SendResult(messages, facts, written=written)
    server = server or SmtpServer()
    step(f"sending through {server.label}")
    deliver(messages, server, password)
    return SendResult(messages, facts, sent_via=server.label)
