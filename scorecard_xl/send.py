"""Email a built workbook (and optionally its PDF) to the board: `scorecard-xl send`.

The subject and body are filled in from the workbook itself (organisation, period, RAG counts),
read with openpyxl in read-only mode: the workbook is never modified. Everything that can be checked
before connecting is checked first and reported at once (addresses, files, templates, options);
a workbook that fails `check` is refused unless forced; then the message goes out over SMTP with
STARTTLS and a verified certificate, or is written as .eml files for a dry run.

Passwords come from the environment (SCORECARD_XL_SMTP_PASSWORD) or the system keyring (service
"scorecard-xl", the SMTP user as user name), never from a file or an argument, so they stay out of
shell history, scripts and process listings. Every failure is an InputError (exit code 2 on the
command line) raised before any message is handed over, so nothing is sent.
"""

from __future__ import annotations

import io
import os
import re
import smtplib
import socket
import ssl
import string
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formataddr, formatdate, getaddresses, make_msgid
from pathlib import Path
from typing import Any

from scorecard_xl.atomic import write_atomically
from scorecard_xl.errors import InputError, ProblemList, RefusedByCheck
from scorecard_xl.layout.record import PERIOD_TEXT, SHOWN
from scorecard_xl.periods import Month

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

PASSWORD_ENV = "SCORECARD_XL_SMTP_PASSWORD"
CAFILE_ENV = "SCORECARD_XL_SMTP_CAFILE"
KEYRING_SERVICE = "scorecard-xl"
DEFAULT_PORT = 587
DEFAULT_TIMEOUT = 30.0
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PDF_TYPE = ("application", "pdf")

# The fields a subject or body template may use, with what each holds (for the sample).
FIELDS: dict[str, str] = {
    "title": "the scorecard's title (Performance Scorecard)",
    "organisation": "the organisation (Northamptonshire Children's Trust)",
    "period": "the month shown (March 2023)",
    "year": "the reporting year (2022-23)",
    "marking": "the protective marking (OFFICIAL)",
    "measures": "how many measures (93)",
    "red": "measures judged red (18)",
    "amber": "measures judged amber (6)",
    "green": "measures judged green (14)",
    "not_judged": "measures with no RAG: no target, or no figure (55)",
    "filename": "the workbook's file name (scorecard.xlsx)",
}
DEFAULT_SUBJECT = "{title} – {organisation} – {period}"
DEFAULT_BODY = """\
Please find attached the {title} for {organisation}, {period} (year {year}).

Of {measures} measures: {red} red, {amber} amber and {green} green against target; {not_judged} not \
judged (no target, or no figure this period).

The workbook ({filename}) opens in Excel, Excel Online and LibreOffice. The Cover sheet has the \
contents and the key to the colours and arrows; the Summary sheet lists every measure off target.
"""
_PDF_NOTE = "A PDF copy for reading on screen or paper is attached too.\n"
_TEMPLATE_KEYS = ("subject", "body")

# A practical address check (not the whole of RFC 5322): a local part, one @, and a domain of
# letters, digits and hyphens with a dotted top-level name. Catches typos before connecting.
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\Z")
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\Z")
_COMMENT = re.compile(r"(?:^|\s)#.*")
_ADDRESS_RULE = (
    "email addresses such as jo.bloggs@example.gov.uk or 'Jo Bloggs <jo.bloggs@example.gov.uk>', "
    "separated by commas (quote a name holding a comma)"
)


@dataclass(frozen=True)
class BookFacts:
    """What the message says about a workbook, read from the workbook itself."""

    filename: str
    title: str
    organisation: str
    period: str  # "March 2023"
    year: str  # "2022-23"
    marking: str
    measures: int
    red: int
    amber: int
    green: int
    not_judged: int

    def fields(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in FIELDS}


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send. The password is never stored here: see `smtp_password`."""

    host: str | None = None
    port: int = DEFAULT_PORT
    user: str | None = None
    cafile: str | None = None  # extra trusted CA certificates (PEM); default $SCORECARD_XL_SMTP_CAFILE
    timeout: float = DEFAULT_TIMEOUT
    insecure_no_tls: bool = False  # local test servers only

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Outgoing:
    """One message and its envelope."""

    message: EmailMessage
    sender: str
    recipients: tuple[str, ...]


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
) -> SendResult:
    """Email `book` (and `pdf`) to the recipients, or with `dry_run` write the messages as .eml files
    in that folder and send nothing. Raises InputError, before anything is sent, naming every
    problem found."""
    server = server or SmtpServer()
    book_path = Path(book)
    problems = ProblemList()
    _check_file(problems, book_path, "workbook", ".xlsx")
    pdf_path = Path(pdf) if pdf is not None else None
    if pdf_path is not None:
        _check_file(problems, pdf_path, "--pdf", ".pdf")
    recipients = parse_addresses(problems, "command line", "--to", to)
    if to_file is not None:
        recipients += _addresses_from_file(problems, Path(to_file))
    copies = parse_addresses(problems, "command line", "--cc", cc)
    if not recipients and not problems:
        problems.add(
            "command line", "", "--to", None, "one or more recipients (--to ADDRESS or --to-file FILE)"
        )
    if one_each and copies:
        problems.add(
            "command line",
            "",
            "--cc",
            ", ".join(cc),
            "no --cc with --one-each (each message goes to one --to)",
        )
    from_address = _sender(problems, sender, server.user)
    templates = _templates(problems, subject, body, template)
    _check_server(problems, server, dry_run)
    folder = Path(dry_run) if dry_run is not None else None
    if folder is not None and folder.exists() and not folder.is_dir():
        problems.add(
            str(folder), "", "--dry-run", None, "a folder to write the .eml files in (this is a file)"
        )
    problems.raise_if_any()
    # The password before the slower steps: a missing one is reported at once.
    password = smtp_password(server.user) if folder is None and server.user else None
    mail = Mail(from_address, tuple(recipients), tuple(copies), templates[0], templates[1], one_each)
    return mail_book(
        book_path, mail, pdf=pdf_path, server=server, password=password, dry_run=folder, force=force
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
) -> SendResult:
    """Compose the messages for one workbook (and its PDF) and send them through `server`, or with
    `dry_run` write them in that folder as .eml files named after `eml_stem` (default: the
    workbook's name). Unless `force`, a workbook failing check is refused (`override` is the
    parameter the message suggests). `mail` and `server` are already checked (as `send_book` does).
    Raises InputError, with nothing sent, when the workbook is refused or the server fails."""
    book_bytes = book.read_bytes()
    if not force:
        refuse_if_check_fails(book, override)
        if book.read_bytes() != book_bytes:  # what is attached must be what was checked
            raise InputError.of(str(book), "", "", None, "changed while it was checked; try again")
    facts = read_facts(book_bytes, book.name)
    pdf_bytes = pdf.read_bytes() if pdf is not None else None
    if pdf_bytes is not None and pdf is not None and not pdf_bytes.startswith(b"%PDF-"):
        raise InputError.of(str(pdf), "", "--pdf", None, "a PDF file (it does not start %PDF-)")
    subject_text = render_template(mail.subject, facts, "subject").strip()
    if mail.subject == DEFAULT_SUBJECT and facts.marking.upper() not in ("", "OFFICIAL"):
        subject_text = f"[{facts.marking}] {subject_text}"  # OFFICIAL-SENSITIVE is marked in the subject
    if "\n" in subject_text or "\r" in subject_text:
        raise InputError.of("subject", "", "", subject_text, "a subject on one line")
    body_text = render_template(mail.body, facts, "body")
    if pdf_bytes is not None and mail.body == DEFAULT_BODY:
        body_text += "\n" + _PDF_NOTE
    attachments = [(book.name, XLSX_TYPE, book_bytes)]
    if pdf is not None and pdf_bytes is not None:
        attachments.append((pdf.name, PDF_TYPE, pdf_bytes))
    recipients = _unique(mail.to)
    copies = [
        c for c in _unique(mail.cc) if _address(c).lower() not in {_address(r).lower() for r in recipients}
    ]
    groups = [[r] for r in recipients] if mail.one_each else [recipients]
    messages = tuple(
        compose(mail.sender, group, copies, subject_text, body_text, attachments) for group in groups
    )
    if dry_run is not None:
        written = write_eml(messages, dry_run, eml_stem or book.stem, mail.one_each)
        return SendResult(messages, facts, written=written)
    server = server or SmtpServer()
    deliver(messages, server, password)
    return SendResult(messages, facts, sent_via=server.label)


# --- the workbook ---------------------------------------------------------------------------------


def _check_file(problems: ProblemList, path: Path, what: str, suffix: str) -> None:
    if not path.exists():
        problems.add(str(path), "", what, None, f"an existing {suffix} file (there is no such file)")
    elif not path.is_file():
        problems.add(str(path), "", what, None, f"a {suffix} file (this is a folder)")
    elif path.suffix.lower() != suffix:
        problems.add(str(path), "", what, path.suffix or None, f"a {suffix} file")


def refuse_if_check_fails(path: Path, override: str = "force") -> None:
    """Refuse a workbook that `scorecard-xl check` finds fault with: the board should not get it.
    `override` is the parameter that sends it anyway, named in the message."""
    from scorecard_xl.check import check_workbook

    findings = check_workbook(path)
    if findings:
        raise RefusedByCheck(str(path), [str(finding) for finding in findings], override)


def read_facts(content: bytes, filename: str) -> BookFacts:
    """The organisation, period and RAG counts of a scorecard-xl workbook, read without changing it:
    the Cover's period cell (defined name scxl_period_text) with the title and organisation above it
    and the marking below; the period shown (scxl_shown); the Summary's "All sections" row."""
    import openpyxl

    def refuse(detail: str) -> InputError:
        return InputError.of(filename, "", "", None, f"a workbook built by scorecard-xl build: {detail}")

    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it does not read (sparklines); reading values is all we do.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # a zip or XML error: whatever it is, the file is not a workbook
        raise refuse(f"cannot be read as .xlsx ({type(error).__name__}: {error})") from None
    try:
        names = book.defined_names
        if PERIOD_TEXT not in names or SHOWN not in names:
            raise refuse(f"it has no defined names {PERIOD_TEXT} and {SHOWN}")
        sheet_name, row, col = _name_cell(names[PERIOD_TEXT])
        if sheet_name not in book.sheetnames or row < 3:
            raise refuse(f"its name {PERIOD_TEXT} does not point at the Cover's period")
        cover = [
            r[0]
            for r in book[sheet_name].iter_rows(
                min_row=row - 2, max_row=row + 1, min_col=col, max_col=col, values_only=True
            )
        ]
        title, organisation, period_text, marking = (cover + [None] * 4)[:4]
        shown_sheet, shown_row, shown_col = _name_cell(names[SHOWN])
        shown = next(
            book[shown_sheet].iter_rows(
                min_row=shown_row, max_row=shown_row, min_col=shown_col, max_col=shown_col, values_only=True
            )
        )[0]
        try:
            month = Month.parse(str(shown))
        except ValueError:
            raise refuse(f"the period shown ({SHOWN}) is {shown!r}, not a month YYYY-MM") from None
        if not title or not organisation:
            raise refuse("the Cover has no title and organisation above the period")
        year = re.search(r"\(year ([^)]+)\)", str(period_text or ""))
        counts = _summary_counts(book, refuse)
    finally:
        book.close()
    return BookFacts(
        filename=filename,
        title=str(title).strip(),
        organisation=str(organisation).strip(),
        period=month.long_label,
        year=year[1] if year else "",
        marking=str(marking or "").strip(),
        **counts,
    )


def _name_cell(name: Any) -> tuple[str, int, int]:
    """The sheet, 1-based row and column of a defined name's first cell."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    sheet, reference = next(iter(name.destinations))
    column, row = coordinate_from_string(reference.split(":")[0].replace("$", ""))
    return str(sheet), int(row), int(column_index_from_string(column))


_COUNT_COLUMNS = {
    "Measures": "measures",
    "Red": "red",
    "Amber": "amber",
    "Green": "green",
    "No target": "not_judged",
}


def _summary_counts(book: Any, refuse: Callable[[str], InputError]) -> dict[str, int]:
    """The Summary's "All sections" row, by the column headers above it."""
    if "Summary" not in book.sheetnames:
        raise refuse("it has no Summary sheet")
    columns: dict[str, int] = {}
    for values in book["Summary"].iter_rows(values_only=True):
        if not columns and set(_COUNT_COLUMNS) <= set(values):
            columns = {key: values.index(header) for header, key in _COUNT_COLUMNS.items()}
        elif columns and "All sections" in values:
            counts = {key: values[index] for key, index in columns.items()}
            if not all(isinstance(v, (int, float)) and v == int(v) for v in counts.values()):
                raise refuse(f"the Summary's 'All sections' counts are not whole numbers: {counts}")
            return {key: int(value) for key, value in counts.items()}
    raise refuse("the Summary sheet has no 'All sections' row under Measures, Red, Amber, Green, No target")


# --- addresses ------------------------------------------------------------------------------------


def valid_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at) and len(address) <= 254 and bool(_LOCAL.match(local)) and bool(_DOMAIN.match(domain))


def parse_addresses(
    problems: ProblemList, source: str, what: str, values: Sequence[str | tuple[str, str]]
) -> list[str]:
    """Addresses as 'Name <address>' or bare; several to a value separated by commas or semicolons
    (as Outlook copies them). A value may be (where, text), such as ("line 3", text) from a file.
    Each bad value is added to `problems`."""
    found: list[str] = []
    for item in values:
        where, value = item if isinstance(item, tuple) else ("", item)
        pairs = getaddresses([value.replace(";", ",")]) if "\n" not in value and "\r" not in value else []
        if not pairs or any(not valid_address(address) for _, address in pairs):
            problems.add(source, where, what, value, _ADDRESS_RULE)
            continue
        found.extend(formataddr((name, address)) for name, address in pairs)
    return found


def _addresses_from_file(problems: ProblemList, path: Path) -> list[str]:
    """One or more addresses a line; blank lines are skipped, and # starts a comment (at the start of
    a line or after a space)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.add(str(path), "", "--to-file", None, "an existing file of addresses, one a line")
        return []
    except (OSError, UnicodeDecodeError) as error:
        problems.add(str(path), "", "--to-file", None, f"a readable UTF-8 text file ({error})")
        return []
    lines = [
        (f"line {number}", line)
        for number, line in enumerate((_COMMENT.sub("", line).strip() for line in text.splitlines()), 1)
        if line
    ]
    found = parse_addresses(problems, str(path), "address", lines)
    if not lines:
        problems.add(str(path), "", "--to-file", None, "at least one address (the file has none)")
    return found


def _sender(problems: ProblemList, sender: str | None, user: str | None) -> str:
    if sender is None:
        if user and valid_address(user):
            return user
        problems.add(
            "command line", "", "--from", None, "the sender's address (needed unless --smtp-user is one)"
        )
        return ""
    checked = ProblemList()
    found = parse_addresses(checked, "command line", "--from", [sender])
    if len(found) > 1:
        checked.add("command line", "", "--from", sender, "one sender address")
    try:
        checked.raise_if_any()
    except InputError as error:
        problems.extend(error.problems)
        return ""
    return found[0]


def _address(text: str) -> str:
    return getaddresses([text])[0][1]


def _unique(addresses: Sequence[str]) -> list[str]:
    """The first of each address (compared without case), in order."""
    seen: dict[str, str] = {}
    for text in addresses:
        seen.setdefault(_address(text).lower(), text)
    return list(seen.values())


# --- templates ------------------------------------------------------------------------------------


def _templates(
    problems: ProblemList, subject: str | None, body: str | None, template: str | Path | None
) -> tuple[str, str]:
    """The subject and body templates: --subject/--body, else the template file's, else the defaults.
    Each is checked for unknown fields now, before anything else happens."""
    from_file: dict[str, str] = {}
    if template is not None:
        from_file = _template_file(problems, Path(template))
    file_source = str(template) if template is not None else "command line"
    chosen: list[str] = []
    for key, given, default in (("subject", subject, DEFAULT_SUBJECT), ("body", body, DEFAULT_BODY)):
        text = given if given is not None else from_file.get(key, default)
        problem = template_problem(text)
        if problem:
            problems.add("command line" if given is not None else file_source, "", key, text, problem)
        chosen.append(text)
    return chosen[0], chosen[1]


def _template_file(problems: ProblemList, path: Path) -> dict[str, str]:
    try:
        loaded = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        problems.add(str(path), "", "--template", None, "an existing TOML file with subject and body")
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        problems.add(str(path), "", "--template", None, f"a TOML file with subject and body ({error})")
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
        problems.add(str(path), "", "--template", None, "subject, body or both")
    return found


def template_problem(text: str) -> str | None:
    """Why `text` is not a usable template (str.format style, named fields only), or None."""
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


# --- messages -------------------------------------------------------------------------------------


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
    message["Message-ID"] = make_msgid(domain=_address(sender).rpartition("@")[2])
    # Quoted-printable: readable in the raw message, and safe through servers without 8BITMIME.
    message.set_content(body if body.endswith("\n") else body + "\n", cte="quoted-printable")
    for name, (maintype, subtype), content in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    envelope: dict[str, str] = {}
    for text in (*to, *cc):
        address = _address(text)
        envelope.setdefault(address.lower(), address)
    return Outgoing(message, _address(sender), tuple(envelope.values()))


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


# --- SMTP -----------------------------------------------------------------------------------------


def _check_server(problems: ProblemList, server: SmtpServer, dry_run: object) -> None:
    if dry_run is None and not server.host:
        problems.add(
            "command line", "", "--smtp-host", None, "the mail server to send through (or --dry-run DIR)"
        )
    if not 0 < server.port < 65536:
        problems.add("command line", "", "--smtp-port", server.port, "a port number such as 587")
    if not server.timeout > 0:
        problems.add("command line", "", "--timeout", server.timeout, "a number of seconds above 0")
    if server.insecure_no_tls and server.host and server.host.lower() not in LOCAL_HOSTS:
        problems.add(
            "command line",
            "",
            "--insecure-no-tls",
            server.host,
            f"only with a local test server ({', '.join(sorted(LOCAL_HOSTS))}); real servers need STARTTLS",
        )
    cafile = _cafile(server)
    if cafile and not Path(cafile).is_file():
        source = "command line" if server.cafile else "environment"
        problems.add(
            source, "", "--cafile" if server.cafile else CAFILE_ENV, cafile, "a PEM file of CA certificates"
        )


def _cafile(server: SmtpServer) -> str | None:
    return server.cafile or os.environ.get(CAFILE_ENV) or None


def smtp_password(user: str) -> str:
    """The SMTP password: $SCORECARD_XL_SMTP_PASSWORD, else the system keyring's entry for service
    "scorecard-xl" and `user` (when the optional `keyring` package is installed)."""
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    how = f"set {PASSWORD_ENV} in the environment"
    try:
        import keyring
    except ImportError:
        how += f" (or pip install keyring and store it with: keyring set {KEYRING_SERVICE} {user})"
    else:
        try:
            password = keyring.get_password(KEYRING_SERVICE, user)
        except Exception as error:  # keyring's backends raise their own errors; report any of them
            raise InputError.of(
                "keyring", "", "", None, f"a readable system keyring ({type(error).__name__}: {error}); {how}"
            ) from None
        if password:
            return str(password)
        how += f", or store it in the system keyring with: keyring set {KEYRING_SERVICE} {user}"
    raise InputError.of("environment", "", "password", None, f"the password for SMTP user {user!r}: {how}")


def tls_context(server: SmtpServer) -> ssl.SSLContext:
    """The system's trusted CAs, plus --cafile (or $SCORECARD_XL_SMTP_CAFILE) for an internal CA;
    certificates and host names are always verified."""
    context = ssl.create_default_context()
    cafile = _cafile(server)
    if cafile:
        try:
            context.load_verify_locations(cafile=cafile)
        except (OSError, ssl.SSLError) as error:
            raise InputError.of(
                cafile, "", "--cafile", None, f"a PEM file of CA certificates ({error})"
            ) from None
    return context


def deliver(messages: Sequence[Outgoing], server: SmtpServer, password: str | None) -> None:
    """Send every message in one session. Connection, TLS, login and every recipient are checked (the
    recipients with MAIL/RCPT then RSET) before the first message is handed over."""
    assert server.host is not None
    context = None if server.insecure_no_tls else tls_context(server)
    stage = "connecting"
    sent = 0
    try:
        # Host given here, not to connect(): STARTTLS checks the certificate against this name.
        with smtplib.SMTP(server.host, server.port, timeout=server.timeout) as smtp:
            stage = "greeting"
            smtp.ehlo()
            if context is not None:
                if not smtp.has_extn("starttls"):
                    raise _refusal(
                        server,
                        "the server does not offer STARTTLS, so the password and the workbook would cross "
                        "the network unencrypted; check --smtp-host and --smtp-port (587 is usual)",
                    )
                stage = "starting TLS"
                smtp.starttls(context=context)
                smtp.ehlo()
            if server.user is not None:
                stage = "logging in"
                if not smtp.has_extn("auth"):
                    raise _refusal(
                        server, "the server offers no login (AUTH); leave out --smtp-user if it needs none"
                    )
                smtp.login(server.user, password or "")
            stage = "checking recipients"
            _preflight(smtp, messages, server)
            stage = "sending"
            for outgoing in messages:
                smtp.send_message(outgoing.message, outgoing.sender, list(outgoing.recipients))
                sent += 1
            stage = "closing"
    except InputError:
        raise
    except smtplib.SMTPAuthenticationError as error:
        raise _refusal(
            server,
            f"the server refused the user name or password for {server.user!r} ({_reply(error)}); check "
            f"--smtp-user and the password in {PASSWORD_ENV} or the keyring",
        ) from None
    except ssl.SSLCertVerificationError as error:
        raise _refusal(
            server,
            f"the server's certificate is not trusted ({error.verify_message}); if your organisation uses "
            f"its own certificate authority, pass its certificate with --cafile (or set {CAFILE_ENV})",
        ) from None
    except (smtplib.SMTPException, TimeoutError) as error:
        if stage == "closing":
            return  # every message was accepted; a failed QUIT changes nothing
        # smtplib reports a timeout waiting for a reply as SMTPServerDisconnected, caused by the timeout.
        if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
            raise _refusal(
                server,
                f"no answer within {server.timeout:g} seconds while {stage}; check --smtp-host and "
                "--smtp-port (a server on port 465 expects TLS at once, not STARTTLS), or allow longer "
                "with --timeout",
                sent,
                len(messages),
            ) from None
        raise _refusal(server, f"{_what(stage)}: {_reply(error)}", sent, len(messages)) from None
    except ConnectionRefusedError:
        raise _refusal(
            server, "connection refused: nothing is listening there; check --smtp-host and --smtp-port"
        ) from None
    except socket.gaierror as error:
        raise _refusal(server, f"unknown host ({error.strerror}); check --smtp-host") from None
    except OSError as error:
        if stage == "closing":
            return
        raise _refusal(server, f"{_what(stage)}: {error.strerror or error}", sent, len(messages)) from None


def _preflight(smtp: smtplib.SMTP, messages: Sequence[Outgoing], server: SmtpServer) -> None:
    """Offer each message's sender, size and recipients, then reset: a refused address or a message
    too large stops the whole send before any message is handed over."""
    refused: list[str] = []
    for outgoing in messages:
        size = len(outgoing.message.as_bytes(policy=SMTP_POLICY))
        code, reply = smtp.mail(outgoing.sender, [f"SIZE={size}"] if smtp.has_extn("size") else [])
        if code != 250:
            hint = "; it needs a login: pass --smtp-user" if code == 530 and server.user is None else ""
            raise _refusal(
                server,
                f"the server would not take a message of {size:,} bytes from {outgoing.sender} "
                f"({code} {_text(reply)}){hint}",
            )
        for recipient in outgoing.recipients:
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                refused.append(f"{recipient} ({code} {_text(reply)})")
        smtp.rset()
    if refused:
        raise _refusal(
            server, f"the server refused recipient{'s' if len(refused) > 1 else ''} {', '.join(refused)}"
        )


def _refusal(server: SmtpServer, detail: str, sent: int = 0, total: int = 0) -> InputError:
    if sent:
        outcome = f"{sent} of {total} messages were sent before this; the rest were not"
    else:
        outcome = "nothing was sent"
    return InputError.of(server.label, "", "", None, f"{detail}; {outcome}")


def _what(stage: str) -> str:
    return {
        "connecting": "the server did not greet",
        "greeting": "the server failed the greeting",
        "starting TLS": "STARTTLS failed",
        "logging in": "login failed",
        "checking recipients": "checking the recipients failed",
        "sending": "the server did not accept the message",
    }.get(stage, stage)


def _reply(error: OSError) -> str:
    code = getattr(error, "smtp_code", None)
    message = getattr(error, "smtp_error", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "refused " + ", ".join(f"{r} ({c} {_text(m)})" for r, (c, m) in error.recipients.items())
    if code is not None:
        return f"{code} {_text(message)}".strip()
    return str(error) or type(error).__name__


def _text(reply: object) -> str:
    if isinstance(reply, bytes):
        return reply.decode("utf-8", "replace").replace("\n", " ")
    return str(reply or "")
