"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, an ephemeral port), with STARTTLS on a
throwaway certificate authority and AUTH PLAIN/LOGIN, recording what it is sent.

Registered as a plugin in conftest.py, so its fixtures serve every test module: `certificates`
(session), `start_server` (start_server(tls=True, **smtp_options) -> Server), `server` (one server
with STARTTLS and login) and `env` (the right password in the environment, no keyring).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import ssl
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "scorecard", "correct horse battery staple"
SENDER = "performance@example.org"
# aiosmtpd warns when a server takes AUTH without TLS: exactly what these tests set up to refuse or allow.
PLAIN_SERVER_WARNING = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


# --- a throwaway certificate authority and a server certificate for localhost / 127.0.0.1 -------


@dataclass(frozen=True)
class Certificates:
    ca: Path  # what the client must be told to trust
    chain: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    folder = tmp_path_factory.mktemp("tls")
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_public = ca_key.public_key()
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("scorecard-xl test CA"))
        .issuer_name(_name("scorecard-xl test CA"))
        .public_key(ca_public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = Certificates(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    paths.ca.write_bytes(ca.public_bytes(pem))
    paths.chain.write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    paths.key.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


# --- the server -----------------------------------------------------------------------------------


@dataclass
class Delivered:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Recorder:
    """The server's handler: records greetings, logins and what is delivered; refuses some addresses."""

    refuse: set[str] = field(default_factory=set)
    greetings: int = 0
    logins: list[str] = field(default_factory=list)
    delivered: list[Delivered] = field(default_factory=list)

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: Any
    ) -> Any:
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.delivered.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 Accepted"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        self.logins.append(mechanism)
        good = isinstance(data, LoginPassword) and (data.login, data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        )
        return AuthResult(success=good, handled=False)


class _Controller(Controller):
    """aiosmtpd's threaded controller on an ephemeral port (it assumes a fixed one)."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class Server:
    port: int
    recorder: Recorder


@pytest.fixture
def start_server(certificates: Certificates) -> Iterator[Any]:
    """start_server(tls=True, **smtp_options) -> Server: an SMTP server needing login, with STARTTLS
    unless tls=False."""
    running: list[Controller] = []

    def start(tls: bool = True, **extra: Any) -> Server:
        recorder = Recorder()
        options: dict[str, Any] = {"auth_required": True, "authenticator": recorder.authenticate, **extra}
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(certificates.chain, certificates.key)
            options.update(tls_context=context, require_starttls=True, auth_require_tls=True)
        else:
            options.update(auth_require_tls=False)
        controller = _Controller(
            recorder, hostname="127.0.0.1", port=0, server_hostname="localhost", ready_timeout=10, **options
        )
        controller.start()
        running.append(controller)
        return Server(controller.port, recorder)

    yield start
    for controller in running:
        controller.stop()


@pytest.fixture
def server(start_server: Any) -> Server:
    return start_server()  # type: ignore[no-any-return]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The right password in the environment, no CA file from outside, and no keyring."""
    monkeypatch.setenv("SCORECARD_XL_SMTP_PASSWORD", PASSWORD)
    monkeypatch.delenv("SCORECARD_XL_SMTP_CAFILE", raising=False)
    monkeypatch.setitem(sys.modules, "keyring", None)  # `import keyring` fails, as when not installed
    return monkeypatch


def attachments(message: EmailMessage) -> dict[str, tuple[str, bytes]]:
    found = {}
    for part in message.iter_attachments():
        assert isinstance(part, EmailMessage)
        content = part.get_payload(decode=True)
        assert isinstance(content, bytes)
        found[str(part.get_filename())] = (part.get_content_type(), content)
    return found
