"""Email a built workbook (and optionally its PDF) to the board: `scorecard-xl send`.

The subject and body are filled in from the workbook itself (organisation, period, RAG counts),
read as a refresh reads it (workbook/snapshot.py): the workbook is never modified. Everything
that can be checked
before connecting is checked first and reported at once (addresses, files, templates, options);
a workbook that fails `check` is refused unless forced; then the message goes out over SMTP with
STARTTLS and a verified certificate, or is written as .eml files for a dry run.

Passwords come from the environment (SCORECARD_XL_SMTP_PASSWORD) or the system keyring (service
"scorecard-xl", the SMTP user as user name), never from a file or an argument, so they stay out of
shell history, scripts and process listings. Every failure is an InputError (exit code 2 on the
command line) raised before any message is handed over, so nothing is sent.

One concept per module:

    book.py       the workbook: facts for the message, and the check that lets it go
    addresses.py  email addresses          message.py  templates, MIME, .eml files
    smtp.py       the server and delivery  sending.py  send_book and mail_book: all of them in order
"""

from scorecard_xl.send.addresses import parse_addresses, valid_address
from scorecard_xl.send.book import FIELDS, BookFacts, read_facts, refuse_if_check_fails
from scorecard_xl.send.message import (
    DEFAULT_BODY,
    DEFAULT_SUBJECT,
    PDF_TYPE,
    XLSX_TYPE,
    Outgoing,
    compose,
    render_template,
    template_problem,
    write_eml,
)
from scorecard_xl.send.sending import Mail, SendResult, mail_book, send_book
from scorecard_xl.send.smtp import (
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    PASSWORD_ENV,
    SmtpServer,
    deliver,
    smtp_password,
)

__all__ = [
    "DEFAULT_BODY",
    "DEFAULT_PORT",
    "DEFAULT_SUBJECT",
    "DEFAULT_TIMEOUT",
    "FIELDS",
    "PASSWORD_ENV",
    "PDF_TYPE",
    "XLSX_TYPE",
    "BookFacts",
    "Mail",
    "Outgoing",
    "SendResult",
    "SmtpServer",
    "compose",
    "deliver",
    "mail_book",
    "parse_addresses",
    "read_facts",
    "refuse_if_check_fails",
    "render_template",
    "send_book",
    "smtp_password",
    "template_problem",
    "valid_address",
    "write_eml",
]
