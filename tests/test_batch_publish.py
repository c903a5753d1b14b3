"""`scorecard-xl batch` publishing: `pdf = true` prints each board pack through the real LibreOffice,
and an `[email]` table with `--send` (or `--email-dry-run DIR`) emails each workbook built or
skipped in the run, through a real SMTP server (tests/smtp_server.py: aiosmtpd, STARTTLS on a
throwaway CA, login). The small definition and data are conftest's (batch_inputs); a few jobs each, since a
LibreOffice conversion takes seconds."""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import os
import subprocess
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from smtp_server import SENDER, USER, Certificates, Server, attachments

from scorecard_xl.cli import main
from scorecard_xl.send import PDF_TYPE, XLSX_TYPE
from tests.cli_process import run_cli
from tests.conftest import statuses

pytestmark = pytest.mark.slow(seconds=15)  # (tests/conftest.py runs these first)

XLSX, PDF = "/".join(XLSX_TYPE), "/".join(PDF_TYPE)

# Organisation a: two months, each with its PDF; organisation b: one month, no PDF.
PDF_BATCH = """\
[defaults]
template = "card.toml"
data = ["data/{code}.csv"]
output_folder = "out"
output = "{code}/{period}.xlsx"
pdf = true

[for_each]
organisation = [{ code = "a", email = "alpha@example.org" }]
period = "2023-02..2023-03"

[[jobs]]
params = { code = "b", email = "beta@example.org" }
period = "2023-03"
pdf = false

[email]
to = "{email}"
from = "performance@example.org"
subject = "{title}, {period}"
"""

# One workbook per organisation in las.csv, each emailed to its own address; c has no data file.
EMAIL_BATCH = """\
[defaults]
template = "card.toml"
data = ["data/{code}.csv"]
output_folder = "out"
output = "{code}/{period}.xlsx"

[for_each]
organisation = "las.csv"
period = "2023-03"

[email]
to = "{email}"
cc = ["clerk@example.org"]
from = "Performance Team <performance@example.org>"
subject = "{title} for {organisation}: {period}"
body = \"\"\"
Dear board members,

{filename}, for {period}, is attached: {red} red, {amber} amber, {green} green.
\"\"\"
"""
LAS = (
    "code,name,email\n"
    "a,Alpha Board,alpha@example.org\n"
    'b,Beta Board,"Beta Chair <beta@example.org>; vice@example.org"\n'
    "c,Gamma Board,gamma@example.org\n"
)


@pytest.fixture
def work(batch_inputs: Path) -> Path:
    """batch_inputs (card.toml, data/a.csv and data/b.csv; no data/c.csv) with las.csv."""
    (batch_inputs / "las.csv").write_text(LAS, encoding="utf-8")
    return batch_inputs


def run(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`scorecard-xl batch batch.toml ARGS --jobs 2`, in a new process, in `folder`."""
    return run_cli("batch", "batch.toml", "--jobs", "2", *args, cwd=folder, env=env)


def batch_in_process(folder: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`scorecard-xl batch` in this process with --jobs 1 (the SMTP server's thread is here: no fork)."""
    code = main(["batch", str(folder / "batch.toml"), "--jobs", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def entries(folder: Path) -> dict[str, dict[str, Any]]:
    document = json.loads((folder / "out" / "manifest.json").read_text(encoding="utf-8"))
    return {entry["path"] or entry["job"]: entry for entry in document["outputs"]}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files(folder: Path, pattern: str) -> dict[str, tuple[int, bytes]]:
    """Every file matching `pattern` under `folder`: modification time (ns) and bytes."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob(pattern))
    }


def read_eml(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


# --- pdf = true ---------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_pdf_true_prints_each_pack_records_it_and_skips_it_when_unchanged(work: Path) -> None:
    (work / "batch.toml").write_text(PDF_BATCH, encoding="utf-8")
    out = work / "out"
    result = run(work, "--email-dry-run", "outbox")  # two LibreOffice runs at once, one per worker
    assert result.returncode == 0, result.stderr
    assert statuses(result) == dict.fromkeys(["a/2023-02.xlsx", "a/2023-03.xlsx", "b/2023-03.xlsx"], "built")
    assert sorted(files(out, "*.pdf")) == ["a/2023-02.pdf", "a/2023-03.pdf"]  # b asked for none
    assert "March 2023" in pdf_text(out / "a" / "2023-03.pdf")  # each PDF is its own month's pack
    assert "February 2023" in pdf_text(out / "a" / "2023-02.pdf")
    recorded = entries(work)
    for name in ("a/2023-02", "a/2023-03"):
        pdf = out / f"{name}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert recorded[f"{name}.xlsx"]["pdf"] == {
            "path": f"{name}.pdf",
            "size": pdf.stat().st_size,
            "sha256": sha256(pdf),
        }
    assert recorded["b/2023-03.xlsx"]["pdf"] is None
    # The email dry run attaches each job's workbook, and its PDF when it has one.
    message = read_eml(work / "outbox" / "a" / "2023-03.eml")
    assert message["To"] == "alpha@example.org" and message["Subject"] == "Test scorecard, March 2023"
    assert attachments(message) == {
        "2023-03.xlsx": (XLSX, (out / "a" / "2023-03.xlsx").read_bytes()),
        "2023-03.pdf": (PDF, (out / "a" / "2023-03.pdf").read_bytes()),
    }
    assert attachments(read_eml(work / "outbox" / "b" / "2023-03.eml")) == {
        "2023-03.xlsx": (XLSX, (out / "b" / "2023-03.xlsx").read_bytes())
    }

    # Unchanged, with its PDF there as written: skipped, nothing rewritten.
    before = {**files(out, "*.xlsx"), **files(out, "*.pdf")}
    again = run(work)
    assert again.returncode == 0, again.stderr
    assert set(statuses(again).values()) == {"skipped"}
    assert {**files(out, "*.xlsx"), **files(out, "*.pdf")} == before

    # A missing PDF rebuilds its job (workbook and PDF); a PDF changed since is never replaced.
    (out / "a" / "2023-02.pdf").unlink()
    edited = (out / "a" / "2023-03.pdf").read_bytes() + b"% annotated\n"
    (out / "a" / "2023-03.pdf").write_bytes(edited)
    third = run(work)
    assert third.returncode == 1
    assert statuses(third) == {
        "a/2023-02.xlsx": "built",
        "a/2023-03.xlsx": "failed",
        "b/2023-03.xlsx": "skipped",
    }
    assert "2023-03.pdf: has changed since this batch wrote it; it is never replaced" in third.stderr
    assert (out / "a" / "2023-03.pdf").read_bytes() == edited
    recorded = entries(work)
    assert recorded["a/2023-02.xlsx"]["pdf"]["sha256"] == sha256(out / "a" / "2023-02.pdf")
    failed = recorded["a/2023-03.xlsx"]
    assert failed["pdf"] == {"path": "a/2023-03.pdf", "size": None, "sha256": None}  # no longer the batch's
    assert failed["sha256"] == sha256(out / "a" / "2023-03.xlsx")  # the workbook still is

    # pdf turned off: PDFs stay where they are, and the batch's own stay recorded as its own.
    (work / "batch.toml").write_text(PDF_BATCH.replace("pdf = true", "pdf = false"), encoding="utf-8")
    fourth = run(work)
    assert fourth.returncode == 0, fourth.stderr
    assert statuses(fourth)["a/2023-03.xlsx"] == "built"  # it failed last run; its PDF is not needed now
    recorded = entries(work)
    assert recorded["a/2023-02.xlsx"]["pdf"]["sha256"] == sha256(out / "a" / "2023-02.pdf")
    assert recorded["a/2023-03.xlsx"]["pdf"] is None and (out / "a" / "2023-03.pdf").read_bytes() == edited


@pytest.mark.libreoffice
def test_a_pdf_that_cannot_be_printed_fails_its_job_and_keeps_the_workbook(work: Path) -> None:
    (work / "batch.toml").write_text(PDF_BATCH.replace("pdf = true", "pdf = false"), encoding="utf-8")
    assert run(work).returncode == 0
    out = work / "out"
    before = files(out, "*.xlsx")
    (work / "batch.toml").write_text(PDF_BATCH, encoding="utf-8")
    no_libreoffice = {**os.environ, "PATH": str(work / "data")}  # python is run by its full path
    result = run(work, env=no_libreoffice)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert statuses(result) == {
        "a/2023-02.xlsx": "failed",
        "a/2023-03.xlsx": "failed",
        "b/2023-03.xlsx": "skipped",
    }
    assert "a/2023-03.xlsx:\n    LibreOffice: is needed to make PDFs and was not found" in result.stderr
    assert files(out, "*.xlsx") == before and not list(out.rglob("*.pdf"))  # not replaced, no PDF
    recorded = entries(work)["a/2023-03.xlsx"]
    assert recorded["sha256"] == sha256(out / "a" / "2023-03.xlsx") and recorded["fingerprint"] is None


@pytest.mark.libreoffice
def test_a_pdf_the_batch_did_not_write_is_never_replaced(work: Path) -> None:
    (work / "batch.toml").write_text(PDF_BATCH, encoding="utf-8")
    (work / "out" / "a").mkdir(parents=True)
    theirs = work / "out" / "a" / "2023-02.pdf"
    theirs.write_bytes(b"%PDF-1.4 someone else's\n")
    result = run(work, "--dry-run")  # decided while planning: no LibreOffice needed to see it
    assert result.returncode == 0
    assert "a/2023-02.xlsx  2023-02  would fail" in result.stdout
    assert "2023-02.pdf: exists and was not written by this batch" in result.stderr


# --- [email] --------------------------------------------------------------------------------------


def test_email_dry_run_writes_one_message_per_built_workbook(work: Path) -> None:
    (work / "batch.toml").write_text(EMAIL_BATCH, encoding="utf-8")
    result = run(work, "--email-dry-run", "outbox", "--force-send")
    assert result.returncode == 1  # c has no data
    assert statuses(result) == {
        "a/2023-03.xlsx": "built",
        "b/2023-03.xlsx": "built",
        "c/2023-03.xlsx": "failed",
    }
    outbox = work / "outbox"
    assert sorted(p.relative_to(outbox).as_posix() for p in outbox.rglob("*")) == [
        "a",
        "a/2023-03.eml",
        "b",
        "b/2023-03.eml",
    ]  # and none for c, whose workbook failed
    assert "email: 2 written (2 messages as .eml files in outbox; nothing sent), 0 not sent" in result.stdout
    beta = read_eml(outbox / "b" / "2023-03.eml")
    assert beta["From"] == "Performance Team <performance@example.org>"
    assert beta["To"] == "Beta Chair <beta@example.org>, vice@example.org"
    assert beta["Cc"] == "clerk@example.org"
    assert beta["Subject"] == "Test scorecard for Test Trust: March 2023"
    body = beta.get_body(("plain",))
    assert body is not None and "2023-03.xlsx, for March 2023, is attached: 0 red" in body.get_content()
    assert attachments(beta) == {"2023-03.xlsx": (XLSX, (work / "out" / "b" / "2023-03.xlsx").read_bytes())}


def test_a_workbook_failing_check_is_not_sent_unless_forced(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A data file named '+a.csv' beside the workbook is named so on its Cover, text a CSV export
    # would run as a formula: the build warns and check refuses it. (An organisation starting '+' is
    # refused by the build.)
    (work / "out" / "plus").mkdir(parents=True)
    (work / "out" / "plus" / "+a.csv").write_bytes((work / "data" / "a.csv").read_bytes())
    plus = (
        '\n[[jobs]]\nparams = { code = "+a", organisation = "Alpha Trust", email = "a@example.org" }\n'
        'output = "plus/{period}.xlsx"\nperiod = "2023-03"\ndata = ["out/plus/+a.csv"]\n'
    )
    (work / "batch.toml").write_text(EMAIL_BATCH + plus, encoding="utf-8")
    code, out, err = batch_in_process(work, capsys, "--email-dry-run", str(work / "outbox"))
    assert code == 1
    assert "scorecard-xl batch: 1 workbook(s) not sent:\nplus/2023-03.xlsx:\n" in err
    assert "csv-injection" in err and "not sent: it fails check" in err and "--force-send" in err
    assert sorted(p.name for p in (work / "outbox").rglob("*.eml")) == ["2023-03.eml", "2023-03.eml"]  # a, b
    assert not (work / "outbox" / "plus").exists()
    assert "email: 2 written (2 messages as .eml files" in out and "1 not sent" in out
    code, out, err = batch_in_process(work, capsys, "--email-dry-run", str(work / "outbox"), "--force-send")
    assert (work / "outbox" / "plus" / "2023-03.eml").exists()
    assert "email: 3 written" in out and "0 not sent" in out


def send_settings(server: Server, certificates: Certificates) -> str:
    return (
        f'smtp_host = "127.0.0.1"\nsmtp_port = {server.port}\nsmtp_user = "{USER}"\n'
        f"cafile = {json.dumps(str(certificates.ca))}\ntimeout = 10\n"
    )


def test_send_delivers_each_workbook_to_its_own_recipients(
    work: Path, capsys: pytest.CaptureFixture[str], env: Any, server: Server, certificates: Certificates
) -> None:
    (work / "batch.toml").write_text(EMAIL_BATCH + send_settings(server, certificates), encoding="utf-8")
    code, out, err = batch_in_process(work, capsys, "--send")  # checked before sending: they pass
    assert code == 1, err  # c failed to build, and is not emailed
    assert "c/2023-03.xlsx:\n    " in err and "no such data file" in err
    delivered = server.recorder.delivered
    assert [(d.mail_from, d.rcpt_tos) for d in delivered] == [
        (SENDER, ["alpha@example.org", "clerk@example.org"]),
        (SENDER, ["beta@example.org", "vice@example.org", "clerk@example.org"]),
    ]
    for name, message in zip("ab", (d.message for d in delivered), strict=True):
        assert message["Subject"] == "Test scorecard for Test Trust: March 2023"
        workbook = (work / "out" / name / "2023-03.xlsx").read_bytes()
        assert attachments(message) == {"2023-03.xlsx": (XLSX, workbook)}
    rows = {line.split()[0]: line for line in out.splitlines() if line[:2] in ("a/", "b/", "c/")}
    assert rows["a/2023-03.xlsx"].endswith(" sent") and rows["b/2023-03.xlsx"].endswith(" sent")
    assert "sent" not in rows["c/2023-03.xlsx"]  # the table's email column
    assert f"email: 2 sent (2 messages via 127.0.0.1:{server.port}), 0 not sent" in out

    # Re-run: the workbooks are skipped but still sent; a refused recipient stops only its own job.
    server.recorder.refuse.add("vice@example.org")
    code, out, err = batch_in_process(work, capsys, "--send", "--force-send")
    assert code == 1
    assert len(delivered) == 3 and delivered[2].rcpt_tos == ["alpha@example.org", "clerk@example.org"]
    assert "b/2023-03.xlsx:\n    " in err and "refused recipient vice@example.org (550" in err
    assert "nothing was sent" in err
    assert "email: 1 sent (1 message via" in out and "1 not sent" in out


def test_send_needs_an_email_table_a_server_and_the_password_before_anything_is_built(
    work: Path, capsys: pytest.CaptureFixture[str], env: pytest.MonkeyPatch, certificates: Certificates
) -> None:
    no_email = EMAIL_BATCH.split("[email]")[0]
    (work / "batch.toml").write_text(no_email, encoding="utf-8")
    code, _, err = batch_in_process(work, capsys, "--send")
    assert code == 2 and "batch.toml: [email]: missing; an [email] table saying who gets the workbooks" in err
    (work / "batch.toml").write_text(EMAIL_BATCH, encoding="utf-8")
    code, _, err = batch_in_process(work, capsys, "--send")
    assert code == 2 and "batch.toml, [email]: smtp_host: missing; the mail server to send through" in err
    env.delenv("SCORECARD_XL_SMTP_PASSWORD")
    (work / "batch.toml").write_text(
        EMAIL_BATCH + 'smtp_host = "127.0.0.1"\nsmtp_user = "me"\n', encoding="utf-8"
    )
    code, _, err = batch_in_process(work, capsys, "--send")
    assert code == 2 and "the password for SMTP user 'me'" in err and "SCORECARD_XL_SMTP_PASSWORD" in err
    code, _, err = batch_in_process(work, capsys, "--send", "--dry-run")
    assert code == 2 and "--send: missing; not with --dry-run" in err
    assert not (work / "out").exists()  # nothing was built


def test_every_problem_in_the_email_table_is_reported_at_once(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "batch.toml").write_text(
        EMAIL_BATCH.split("[email]")[0] + "[email]\n"
        'to = ["{emial}", "chair@example"]\n'
        'cc = "clerk@example.org"\n'
        "one_each = true\n"
        'subject = "{organization}"\n'
        "smtp_port = 70000\n"
        'timeout = "soon"\n'
        'cafile = "no-such-ca.pem"\n'
        'reply_to = "x@example.org"\n',
        encoding="utf-8",
    )
    code, _, err = batch_in_process(work, capsys, "--email-dry-run", str(work / "outbox"))
    assert code == 2
    for fragment in (
        "[email]: reply_to: got 'x@example.org'; an unknown field",
        "[email]: to: got 'chair@example'; email addresses such as",
        "[email]: cc: got 'clerk@example.org'; no cc with one_each",
        "[email]: subject: got '{organization}'; fields from",
        "[email]: smtp_port: got 70000; a port number",
        "[email]: timeout: got 'soon'; a number of seconds",
        "[email]: cafile: got 'no-such-ca.pem'; a PEM file",
        "[email]: from: missing; the sender's address",
    ):
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    (work / "batch.toml").write_text(
        EMAIL_BATCH.replace('to = "{email}"', 'to = "{emial}"'), encoding="utf-8"
    )
    code, _, err = batch_in_process(work, capsys)
    assert code == 2 and "[email]: to: got '{emial}'; a parameter available to [email] to" in err
    assert "{email}" in err and not (work / "out").exists()


def test_an_empty_address_parameter_is_that_jobs_failure(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "las.csv").write_text("code,name,email\na,Alpha,alpha@example.org\nb,Beta,\n", encoding="utf-8")
    (work / "batch.toml").write_text(
        EMAIL_BATCH.replace('cc = ["clerk@example.org"]\n', ""), encoding="utf-8"
    )
    code, _, err = batch_in_process(work, capsys, "--email-dry-run", str(work / "outbox"), "--force-send")
    assert code == 1
    assert "b/2023-03.xlsx:\n    batch.toml, [email]: to: got '{email}'; an address for this job" in err
    assert [p.relative_to(work / "outbox").as_posix() for p in (work / "outbox").rglob("*.eml")] == [
        "a/2023-03.eml"
    ]
