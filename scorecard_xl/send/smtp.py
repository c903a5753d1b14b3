"""SMTP: the server settings, the password (environment or keyring, never an argument), STARTTLS
with a verified certificate, and delivery that fails before any message is handed over."""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

from scorecard_xl.errors import ARGUMENTS, InputError, ProblemList
from scorecard_xl.send.message import Outgoing

PASSWORD_ENV = "SCORECARD_XL_SMTP_PASSWORD"
CAFILE_ENV = "SCORECARD_XL_SMTP_CAFILE"
KEYRING_SERVICE = "scorecard-xl"
DEFAULT_PORT = 587
DEFAULT_TIMEOUT = 30.0
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


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


def check_server(problems: ProblemList, server: SmtpServer, dry_run: object) -> None:
    if dry_run is None and not server.host:
        problems.add(
            ARGUMENTS, "", "server.host", None, "the mail server to send through (or a `dry_run` folder)"
        )
    if not 0 < server.port < 65536:
        problems.add(ARGUMENTS, "", "server.port", server.port, "a port number such as 587")
    if not server.timeout > 0:
        problems.add(ARGUMENTS, "", "server.timeout", server.timeout, "a number of seconds above 0")
    if server.insecure_no_tls and server.host and server.host.lower() not in LOCAL_HOSTS:
        problems.add(
            ARGUMENTS,
            "",
            "server.insecure_no_tls",
            server.host,
            f"only with a local test server ({', '.join(sorted(LOCAL_HOSTS))}); real servers need STARTTLS",
        )
    cafile = _cafile(server)
    if cafile and not Path(cafile).is_file():
        source = ARGUMENTS if server.cafile else "environment"
        problems.add(
            source,
            "",
            "server.cafile" if server.cafile else CAFILE_ENV,
            cafile,
            "a PEM file of CA certificates",
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
    """The system's trusted CAs, plus `server.cafile` (or $SCORECARD_XL_SMTP_CAFILE) for an internal CA;
    certificates and host names are always verified."""
    context = ssl.create_default_context()
    cafile = _cafile(server)
    if cafile:
        try:
            context.load_verify_locations(cafile=cafile)
        except (OSError, ssl.SSLError) as error:
            raise InputError.of(
                ARGUMENTS if server.cafile else "environment",
                "",
                "server.cafile" if server.cafile else CAFILE_ENV,
                cafile,
                f"a PEM file of CA certificates ({error})",
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
                        "the network unencrypted; check `server.host` and `server.port` (587 is usual)",
                    )
                stage = "starting TLS"
                smtp.starttls(context=context)
                smtp.ehlo()
            if server.user is not None:
                stage = "logging in"
                if not smtp.has_extn("auth"):
                    raise _refusal(
                        server, "the server offers no login (AUTH); leave out `server.user` if it needs none"
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
            f"`server.user` and the password in {PASSWORD_ENV} or the keyring",
        ) from None
    except ssl.SSLCertVerificationError as error:
        raise _refusal(
            server,
            f"the server's certificate is not trusted ({error.verify_message}); if your organisation uses "
            f"its own certificate authority, pass its certificate as `server.cafile` (or set {CAFILE_ENV})",
        ) from None
    except (smtplib.SMTPException, TimeoutError) as error:
        if stage == "closing":
            return  # every message was accepted; a failed QUIT changes nothing
        # smtplib reports a timeout waiting for a reply as SMTPServerDisconnected, caused by the timeout.
        if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
            raise _refusal(
                server,
                f"no answer within {server.timeout:g} seconds while {stage}; check `server.host` and "
                "`server.port` (a server on port 465 expects TLS at once, not STARTTLS), or allow longer "
                "with `server.timeout`",
                sent,
                len(messages),
            ) from None
        raise _refusal(server, f"{_what(stage)}: {_reply(error)}", sent, len(messages)) from None
    except ConnectionRefusedError:
        raise _refusal(
            server, "connection refused: nothing is listening there; check `server.host` and `server.port`"
        ) from None
    except socket.gaierror as error:
        raise _refusal(server, f"unknown host ({error.strerror}); check `server.host`") from None
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
            hint = "; it needs a login: pass `server.user`" if code == 530 and server.user is None else ""
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
