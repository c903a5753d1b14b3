"""`scorecard-xl send` against a real SMTP server (aiosmtpd) started here on 127.0.0.1, with STARTTLS
on a throwaway certificate authority and AUTH PLAIN/LOGIN: what arrives is parsed back and compared
with the files; every refusal is exit code 2 with a clear message and nothing delivered. The server
and its fixtures (certificates, start_server, server, env) are in tests/smtp_server.py."""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import subprocess
import sys
import types
import zipfile
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from smtp_server import (
    PASSWORD,
    PLAIN_SERVER_WARNING,
    SENDER,
    USER,
    Certificates,
    Recorder,
    Server,
    attachments,
)

from scorecard_xl.checks.check import check_workbook  # the command relies on it: no skipping if it is missing
from scorecard_xl.cli import main
from scorecard_xl.send import PDF_TYPE, XLSX_TYPE

BOARD = ["chair@example.org", "Jo Bloggs <jo.bloggs@example.org>"]
SUBJECT = "Performance Scorecard – Northamptonshire Children's Trust – March 2023"
PDF_BYTES = b"%PDF-1.7\n% made up for the test\n\x00\x01\xfe\xff binary bytes\r\n%%EOF\n"


# --- helpers --------------------------------------------------------------------------------------


@pytest.fixture
def book(sample_book: Path, tmp_path: Path) -> Path:
    """A copy of the sample workbook (March 2023), which passes check."""
    path = tmp_path / "board march.xlsx"
    shutil.copy(sample_book, path)
    return path


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "board march.pdf"
    path.write_bytes(PDF_BYTES)
    return path


def send(
    capsys: pytest.CaptureFixture[str],
    *args: str,
    server: Server | None = None,
    certificates: Certificates | None = None,
    check: bool = False,
) -> tuple[int, str, str]:
    """Run `scorecard-xl send ARGS` in process; with `server`, point it there and log in. Without
    `check`, passes --force: check runs openxml-audit, which takes seconds, and only the tests
    about check (and the first) need it."""
    argv = ["send", *args, *([] if check else ["--force"])]
    if server is not None:
        argv += ["--smtp-host", "127.0.0.1", "--smtp-port", str(server.port), "--smtp-user", USER]
        argv += ["--from", SENDER, "--timeout", "10"]
    if certificates is not None:
        argv += ["--cafile", str(certificates.ca)]
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def to_board() -> list[str]:
    return [arg for address in BOARD for arg in ("--to", address)]


def assert_refused(result: tuple[int, str, str], *fragments: str) -> None:
    code, out, err = result
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in:\n{err}"


def with_hidden_sheet(source: Path, target: Path) -> Path:
    """A copy of a scorecard workbook with its Definitions sheet hidden (check refuses hidden sheets)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/workbook.xml":
                assert b'<sheet name="Definitions"' in data
                data = data.replace(b'<sheet name="Definitions"', b'<sheet name="Definitions" state="hidden"')
            new.writestr(item, data)
    return target


# --- sending --------------------------------------------------------------------------------------


def test_sends_the_workbook_and_pdf_over_starttls_with_login(
    capsys: pytest.CaptureFixture[str],
    env: Any,
    server: Server,
    certificates: Certificates,
    book: Path,
    pdf: Path,
) -> None:
    before = (book.read_bytes(), book.stat().st_mtime_ns)
    result = send(
        capsys, str(book), *to_board(), "--cc", "clerk@example.org", "--pdf", str(pdf),
        server=server, certificates=certificates, check=True,
    )  # fmt: skip
    code, out, err = result
    assert code == 0, err
    assert out == f"sent 1 message to 3 recipients via 127.0.0.1:{server.port}: {SUBJECT}\n"
    assert server.recorder.logins and server.recorder.logins[0] in ("PLAIN", "LOGIN")
    [delivered] = server.recorder.delivered
    assert delivered.mail_from == SENDER
    assert delivered.rcpt_tos == ["chair@example.org", "jo.bloggs@example.org", "clerk@example.org"]
    message = delivered.message
    assert message["Subject"] == SUBJECT
    assert message["From"] == SENDER
    assert message["To"] == "chair@example.org, Jo Bloggs <jo.bloggs@example.org>"
    assert message["Cc"] == "clerk@example.org"
    assert message["Date"] and message["Message-ID"].endswith("@example.org>")
    assert attachments(message) == {
        "board march.xlsx": ("/".join(XLSX_TYPE), before[0]),
        "board march.pdf": ("/".join(PDF_TYPE), PDF_BYTES),
    }
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Of 93 measures: 18 red, 6 amber and 14 green against target; 55 not judged" in text
    assert "Northamptonshire Children's Trust, March 2023 (year 2022-23)" in text
    assert "A PDF copy" in text
    assert (book.read_bytes(), book.stat().st_mtime_ns) == before  # the workbook is never modified


def test_one_message_each_and_addresses_from_a_file(
    capsys: pytest.CaptureFixture[str],
    env: Any,
    server: Server,
    certificates: Certificates,
    book: Path,
    tmp_path: Path,
) -> None:
    board = tmp_path / "board.txt"
    board.write_text(
        "# the board, March 2023\nchair@example.org\n\n"
        " Jo Bloggs <jo.bloggs@example.org>; vice@example.org\nChair@Example.org  # twice: sent once\n",
        encoding="utf-8",
    )
    code, out, err = send(
        capsys, str(book), "--to-file", str(board), "--one-each", server=server, certificates=certificates
    )
    assert code == 0, err
    assert out.startswith("sent 3 messages to 3 recipients")
    delivered = server.recorder.delivered
    assert [d.rcpt_tos for d in delivered] == [
        ["chair@example.org"],
        ["jo.bloggs@example.org"],
        ["vice@example.org"],
    ]
    assert [d.message["To"] for d in delivered] == [
        "chair@example.org",
        "Jo Bloggs <jo.bloggs@example.org>",
        "vice@example.org",
    ]
    assert all(
        attachments(d.message) == {"board march.xlsx": ("/".join(XLSX_TYPE), book.read_bytes())}
        for d in delivered
    )


def test_subject_and_body_from_a_template_file(
    capsys: pytest.CaptureFixture[str],
    env: Any,
    server: Server,
    certificates: Certificates,
    book: Path,
    tmp_path: Path,
) -> None:
    template = tmp_path / "email.toml"
    template.write_text(
        'subject = "{organisation}: {red} red in {period}"\n'
        'body = """\nDear board,\n\n'
        '{filename}: {red}/{amber}/{green} of {measures}, {not_judged:>3} n/j.\n"""\n',
        encoding="utf-8",
    )
    code, _, err = send(
        capsys, str(book), "--to", "chair@example.org", "--template", str(template),
        "--subject", "{title} {{draft}} for {period}", server=server, certificates=certificates,
    )  # fmt: skip
    assert code == 0, err
    [delivered] = server.recorder.delivered
    assert delivered.message["Subject"] == "Performance Scorecard {draft} for March 2023"  # --subject wins
    body = delivered.message.get_body(("plain",))
    assert body is not None
    assert (
        body.get_content().replace("\r\n", "\n")
        == "Dear board,\n\nboard march.xlsx: 18/6/14 of 93,  55 n/j.\n"
    )


def test_password_from_the_keyring(
    capsys: pytest.CaptureFixture[str],
    env: pytest.MonkeyPatch,
    server: Server,
    certificates: Certificates,
    book: Path,
) -> None:
    asked = []

    def get_password(service: str, user: str) -> str | None:
        asked.append((service, user))
        return PASSWORD if (service, user) == ("scorecard-xl", USER) else None

    env.delenv("SCORECARD_XL_SMTP_PASSWORD")
    env.setitem(sys.modules, "keyring", types.SimpleNamespace(get_password=get_password))
    code, _, err = send(
        capsys, str(book), "--to", "chair@example.org", server=server, certificates=certificates
    )
    assert code == 0, err
    assert asked == [("scorecard-xl", USER)]
    assert len(server.recorder.delivered) == 1


def test_cafile_from_the_environment(
    capsys: pytest.CaptureFixture[str],
    env: pytest.MonkeyPatch,
    server: Server,
    certificates: Certificates,
    book: Path,
) -> None:
    env.setenv("SCORECARD_XL_SMTP_CAFILE", str(certificates.ca))
    code, _, err = send(capsys, str(book), "--to", "chair@example.org", server=server)
    assert code == 0, err
    assert len(server.recorder.delivered) == 1


@PLAIN_SERVER_WARNING
def test_insecure_no_tls_only_for_a_local_test_server(
    capsys: pytest.CaptureFixture[str], env: Any, start_server: Any, book: Path
) -> None:
    plain = start_server(tls=False)
    code, _, err = send(capsys, str(book), "--to", "chair@example.org", "--insecure-no-tls", server=plain)
    assert code == 0, err
    assert len(plain.recorder.delivered) == 1
    refused = send(
        capsys, str(book), "--to", "chair@example.org", "--insecure-no-tls",
        "--smtp-host", "smtp.example.org", "--from", SENDER,
    )  # fmt: skip
    assert_refused(refused, "--insecure-no-tls: got 'smtp.example.org'; only with a local test server")


# --- refusals: exit code 2, a clear message, nothing delivered ---------------------------------


def test_wrong_password(
    capsys: pytest.CaptureFixture[str],
    env: pytest.MonkeyPatch,
    server: Server,
    certificates: Certificates,
    book: Path,
) -> None:
    env.setenv("SCORECARD_XL_SMTP_PASSWORD", "wrong")
    result = send(capsys, str(book), *to_board(), server=server, certificates=certificates)
    assert_refused(
        result,
        f"127.0.0.1:{server.port}: the server refused the user name or password for 'scorecard' (535",
        "SCORECARD_XL_SMTP_PASSWORD",
        "nothing was sent",
    )
    assert "wrong" not in result[2]
    assert server.recorder.logins and server.recorder.delivered == []


def test_no_password_anywhere(
    capsys: pytest.CaptureFixture[str],
    env: pytest.MonkeyPatch,
    server: Server,
    certificates: Certificates,
    book: Path,
) -> None:
    env.delenv("SCORECARD_XL_SMTP_PASSWORD")
    result = send(capsys, str(book), *to_board(), server=server, certificates=certificates)
    assert_refused(
        result,
        "the password for SMTP user 'scorecard'",
        "SCORECARD_XL_SMTP_PASSWORD",
        "keyring set scorecard-xl scorecard",
    )
    assert server.recorder.greetings == 0  # refused before connecting


def test_unreachable_server(capsys: pytest.CaptureFixture[str], env: Any, book: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = send(capsys, str(book), *to_board(), server=Server(port, Recorder()))
    assert_refused(
        result, f"127.0.0.1:{port}: connection refused", "--smtp-host and --smtp-port", "nothing was sent"
    )


def test_server_that_never_answers_times_out(
    capsys: pytest.CaptureFixture[str], env: Any, book: Path
) -> None:
    with socket.socket() as silent:  # accepts connections (the kernel does) but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        argv = [str(book), *to_board(), "--smtp-host", "127.0.0.1", "--smtp-port", str(port)]
        result = send(capsys, *argv, "--from", SENDER, "--timeout", "0.5")
    assert_refused(result, "no answer within 0.5 seconds", "--timeout", "nothing was sent")


@PLAIN_SERVER_WARNING
def test_server_without_starttls(
    capsys: pytest.CaptureFixture[str], env: Any, start_server: Any, certificates: Certificates, book: Path
) -> None:
    plain = start_server(tls=False)
    result = send(capsys, str(book), *to_board(), server=plain, certificates=certificates)
    assert_refused(result, "the server does not offer STARTTLS", "nothing was sent")
    assert plain.recorder.logins == [] and plain.recorder.delivered == []  # the password never left


def test_untrusted_certificate(
    capsys: pytest.CaptureFixture[str], env: Any, server: Server, book: Path
) -> None:
    result = send(capsys, str(book), *to_board(), server=server)
    assert_refused(result, "the server's certificate is not trusted", "--cafile", "nothing was sent")
    assert server.recorder.logins == [] and server.recorder.delivered == []


def test_a_message_too_large_for_the_server(
    capsys: pytest.CaptureFixture[str], env: Any, start_server: Any, certificates: Certificates, book: Path
) -> None:
    small = start_server(data_size_limit=50_000)  # advertised as SIZE 50000; the workbook is larger
    result = send(capsys, str(book), *to_board(), server=small, certificates=certificates)
    assert_refused(
        result, "the server would not take a message of", f"bytes from {SENDER} (552", "nothing was sent"
    )
    assert small.recorder.delivered == []


def test_a_server_needing_a_login_when_none_is_given(
    capsys: pytest.CaptureFixture[str], env: Any, server: Server, certificates: Certificates, book: Path
) -> None:
    argv = [str(book), *to_board(), "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port)]
    result = send(capsys, *argv, "--from", SENDER, "--cafile", str(certificates.ca))
    assert_refused(result, "(530 5.7.0 Authentication required); it needs a login: pass --smtp-user")
    assert server.recorder.delivered == []


def test_a_refused_recipient_stops_the_whole_send(
    capsys: pytest.CaptureFixture[str], env: Any, server: Server, certificates: Certificates, book: Path
) -> None:
    server.recorder.refuse.add("jo.bloggs@example.org")
    result = send(capsys, str(book), *to_board(), "--one-each", server=server, certificates=certificates)
    assert_refused(result, "refused recipient jo.bloggs@example.org (550 5.1.1 No such mailbox here)")
    assert server.recorder.delivered == []  # not even chair@, whose message would have gone first


def test_invalid_addresses_are_all_reported_before_connecting(
    capsys: pytest.CaptureFixture[str],
    env: Any,
    server: Server,
    certificates: Certificates,
    book: Path,
    tmp_path: Path,
) -> None:
    board = tmp_path / "board.txt"
    board.write_text("chair@example.org\nvice.example.org\n", encoding="utf-8")
    result = send(
        capsys, str(book), "--to", "chair@example", "--to", "Smith, John <j@example.org>",
        "--to-file", str(board), "--cc", "clerk@@example.org", server=server, certificates=certificates,
    )  # fmt: skip
    assert_refused(
        result,
        "command line: --to: got 'chair@example'; email addresses such as",
        "command line: --to: got 'Smith, John <j@example.org>'",
        f"{board}, line 2: address: got 'vice.example.org'",
        "command line: --cc: got 'clerk@@example.org'",
    )
    assert server.recorder.greetings == 0


def test_missing_workbook_and_pdf(capsys: pytest.CaptureFixture[str], env: Any, tmp_path: Path) -> None:
    result = send(
        capsys, str(tmp_path / "nowhere.xlsx"), "--to", "chair@example.org",
        "--pdf", str(tmp_path / "no.pdf"), "--dry-run", str(tmp_path / "out"), "--from", SENDER,
    )  # fmt: skip
    assert_refused(result, "nowhere.xlsx: workbook: missing; an existing .xlsx file", "no.pdf: pdf: missing")
    assert not (tmp_path / "out").exists()


def test_unknown_template_field(
    capsys: pytest.CaptureFixture[str], env: Any, book: Path, tmp_path: Path
) -> None:
    result = send(
        capsys, str(book), "--to", "chair@example.org", "--from", SENDER,
        "--subject", "{organization} {period}", "--dry-run", str(tmp_path / "out"),
    )  # fmt: skip
    assert_refused(
        result, "subject: got '{organization} {period}'", "unknown field {organization}", "{organisation}"
    )


def test_workbook_failing_check_is_refused_unless_forced(
    capsys: pytest.CaptureFixture[str],
    env: Any,
    server: Server,
    certificates: Certificates,
    book: Path,
    tmp_path: Path,
) -> None:
    hidden = with_hidden_sheet(book, tmp_path / "hidden.xlsx")
    assert check_workbook(hidden), "check should find fault with a hidden sheet"
    result = send(capsys, str(hidden), *to_board(), server=server, certificates=certificates, check=True)
    assert_refused(
        result,
        "hidden.xlsx: check: Sheet 'Definitions'",
        "hidden-sheet",
        "not sent: it fails check",
        "--force",
    )
    assert server.recorder.greetings == 0

    code, _, err = send(
        capsys, str(hidden), *to_board(), "--force", server=server, certificates=certificates, check=True
    )
    assert code == 0, err
    [delivered] = server.recorder.delivered
    assert attachments(delivered.message)["hidden.xlsx"][1] == hidden.read_bytes()


def test_a_workbook_made_elsewhere_with_a_hidden_sheet_is_refused(
    capsys: pytest.CaptureFixture[str], env: Any, tmp_path: Path
) -> None:
    path = tmp_path / "other.xlsx"
    with xlsxwriter.Workbook(str(path)) as workbook:
        workbook.add_worksheet("Visible").write(0, 0, "hello")
        workbook.add_worksheet("Secret").hide()
    dry_run = ("--to", "chair@example.org", "--from", SENDER, "--dry-run", str(tmp_path))
    result = send(capsys, str(path), *dry_run, check=True)
    assert_refused(result, "other.xlsx: check:", "not sent: it fails check")
    forced = send(capsys, str(path), *dry_run, "--force", check=True)
    assert_refused(forced, "other.xlsx: a workbook built by scorecard-xl build")
    assert list(tmp_path.glob("*.eml")) == []


# --- dry run --------------------------------------------------------------------------------------


def test_dry_run_writes_eml_files_and_sends_nothing(book: Path, pdf: Path, tmp_path: Path) -> None:
    """Through the real command line: no server, no password needed."""
    outbox = tmp_path / "outbox"
    result = subprocess.run(
        [sys.executable, "-m", "scorecard_xl.cli", "send", str(book), "--pdf", str(pdf),
         "--to", BOARD[1], "--to", "vice@example.org", "--from", f"Performance Team <{SENDER}>",
         "--one-each", "--dry-run", str(outbox)],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    files = sorted(outbox.iterdir())
    assert [f.name for f in files] == [
        "board march to jo.bloggs@example.org.eml",
        "board march to vice@example.org.eml",
    ]
    assert result.stdout == f"wrote 2 messages (nothing sent): {files[0]}, {files[1]}\n"
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["Subject"] == SUBJECT
    assert message["From"] == f"Performance Team <{SENDER}>"
    assert message["To"] == BOARD[1]
    assert attachments(message) == {
        "board march.xlsx": ("/".join(XLSX_TYPE), book.read_bytes()),
        "board march.pdf": ("/".join(PDF_TYPE), PDF_BYTES),
    }


def test_official_sensitive_is_marked_in_the_default_subject(
    capsys: pytest.CaptureFixture[str], env: Any, book: Path, tmp_path: Path
) -> None:
    marked = tmp_path / "sensitive.xlsx"
    with zipfile.ZipFile(book) as old, zipfile.ZipFile(marked, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, old.read(item.filename).replace(b">OFFICIAL<", b">OFFICIAL-SENSITIVE<"))
    outbox = str(tmp_path / "out")
    code, _, err = send(
        capsys, str(marked), "--to", "chair@example.org", "--from", SENDER, "--dry-run", outbox
    )
    assert code == 0, err
    message = email.message_from_bytes(
        (tmp_path / "out" / "sensitive.eml").read_bytes(), policy=email.policy.default
    )
    assert message["Subject"] == f"[OFFICIAL-SENSITIVE] {SUBJECT}"


def test_help_says_where_the_password_comes_from(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["send", "--help"])
    out = capsys.readouterr().out
    assert (
        "examples:" in out
        and "--dry-run" in out
        and "SCORECARD_XL_SMTP_PASSWORD" in out
        and "--cafile" in out
    )
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "send" in capsys.readouterr().out
