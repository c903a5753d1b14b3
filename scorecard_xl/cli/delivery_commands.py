"""The commands for what leaves the building: `check` (is a workbook safe to send), `send` (email it)
and `batch` (many workbooks, perhaps emailed): their arguments and the library calls they run.
Like commands.py, nothing heavier than argparse is imported until a command runs."""

from __future__ import annotations

import argparse
import sys

from scorecard_xl.cli.argument_types import at_least_one, number, whole_number
from scorecard_xl.cli.commands import EXIT_FAILED, EXIT_OK


def send_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("book", metavar="BOOK.xlsx", help="a workbook made by scorecard-xl build")
    who = parser.add_argument_group("recipients")
    who.add_argument(
        "--to", action="append", default=[], metavar="ADDRESS", help="recipient; repeat for several"
    )
    who.add_argument("--to-file", metavar="FILE", help="text file of recipients, one a line (# comments)")
    who.add_argument(
        "--cc", action="append", default=[], metavar="ADDRESS", help="copy to; repeat for several"
    )
    who.add_argument("--from", dest="sender", metavar="ADDRESS", help="sender (default: --smtp-user)")
    who.add_argument("--one-each", action="store_true", help="a separate message to each --to address")
    what = parser.add_argument_group("message")
    what.add_argument("--subject", help="subject template, fields in braces: {title}, {period}, {red}, ...")
    what.add_argument("--body", help="body template (a --template file is easier for several lines)")
    what.add_argument("--template", metavar="FILE", help="TOML file with subject and/or body templates")
    what.add_argument("--pdf", metavar="FILE", help="attach this PDF of the workbook too")
    server = parser.add_argument_group(
        "mail server", "The password is read from $SCORECARD_XL_SMTP_PASSWORD or the system keyring."
    )
    server.add_argument("--smtp-host", metavar="HOST", help="mail server to send through")
    server.add_argument(
        "--smtp-port", type=whole_number, default=587, metavar="PORT", help="(default: %(default)s)"
    )
    server.add_argument("--smtp-user", metavar="USER", help="log in as USER (default: no login)")
    server.add_argument(
        "--cafile", metavar="PEM", help="extra trusted CA certificates (default: $SCORECARD_XL_SMTP_CAFILE)"
    )
    server.add_argument(
        "--timeout", type=number, default=30.0, metavar="SECONDS", help="(default: %(default)g)"
    )
    server.add_argument(
        "--insecure-no-tls", action="store_true", help="no STARTTLS: a test server on localhost only"
    )
    parser.add_argument(
        "--dry-run", metavar="DIR", help="write the messages to DIR as .eml files; send nothing"
    )
    parser.add_argument("--force", action="store_true", help="send even if the workbook fails check")


def run_send(args: argparse.Namespace) -> int:
    from scorecard_xl.progress import Status
    from scorecard_xl.send import SmtpServer, send_book

    server = SmtpServer(
        args.smtp_host, args.smtp_port, args.smtp_user, args.cafile, args.timeout, args.insecure_no_tls
    )
    with Status("scorecard-xl send") as status:  # (a terminal only: check and the server take seconds)
        result = send_book(
            args.book,
            to=args.to,
            to_file=args.to_file,
            cc=args.cc,
            sender=args.sender,
            subject=args.subject,
            body=args.body,
            template=args.template,
            pdf=args.pdf,
            server=server,
            dry_run=args.dry_run,
            one_each=args.one_each,
            force=args.force,
            progress=status.step,
        )
    count = len(result.messages)
    messages = f"{count} message{'s' if count != 1 else ''}"
    subject = result.messages[0].message["Subject"]
    if result.written:
        print(f"wrote {messages} (nothing sent): {', '.join(str(p) for p in result.written)}")
    else:
        people = f"{result.recipients} recipient{'s' if result.recipients != 1 else ''}"
        print(f"sent {messages} to {people} via {result.sent_via}: {subject}")
    return EXIT_OK


def check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("book", metavar="BOOK.xlsx", help="the workbook to check (never changed)")
    parser.add_argument(
        "--max-size",
        type=number,
        default=10.0,
        metavar="MB",
        help="largest file that may be sent, in MB of 1,048,576 bytes (default: %(default)g)",
    )
    parser.add_argument(
        "--organisation",
        action="append",
        metavar="NAME",
        help="a name that is not a person (author, company, comment author); repeat for several "
        "(default: any text on the first sheet, where scorecard-xl shows the organisation)",
    )
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument(
        "--accessibility",
        action="store_true",
        help="check instead whether everyone can read it: the Analysis Function's rules for statistics "
        "in spreadsheets (title and language, title in A1, named tables with alt text, no merged or "
        "blank cells in tables, [x]/[c] shorthand explained, nothing by colour or in headers alone, "
        "100%% zoom, cursor in A1); each finding says where and how to fix it",
    )


def run_check(args: argparse.Namespace) -> int:
    from scorecard_xl.checks.check import check_workbook
    from scorecard_xl.checks.report import format_findings

    if args.accessibility:
        from scorecard_xl.checks.accessibility import (
            check_accessibility,
            format_accessibility,
            published_note,
        )

        findings = check_accessibility(args.book)
        if args.json:
            print(format_findings(args.book, findings, as_json=True))
        else:
            print(format_accessibility(args.book, findings, published_note(args.book)))
        return EXIT_FAILED if findings else EXIT_OK
    from scorecard_xl.progress import Status

    with Status("scorecard-xl check") as status:  # (a terminal only: the schema audit takes seconds)
        findings = check_workbook(
            args.book, max_size_mb=args.max_size, organisation=args.organisation or (), progress=status.step
        )
    print(format_findings(args.book, findings, as_json=args.json))
    return EXIT_FAILED if findings else EXIT_OK


def batch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("batch_file", metavar="BATCH.toml", help="the batch file (docs/batch.md)")
    parser.add_argument(
        "-j",
        "--jobs",
        type=at_least_one,
        metavar="N",
        help="workbooks built at once, each in its own process (default: the number of CPUs); "
        "1 builds them one by one in this process",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="rebuild every workbook, even unchanged ones (a file the batch did not write is "
        "still never replaced)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="list the jobs and what each would do; write nothing"
    )
    parser.add_argument(
        "--manifest",
        metavar="PATH",
        help="the manifest to read and write (default: manifest.json in the output folder)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress and no summary table; failures only"
    )
    email = parser.add_argument_group(
        "email",
        "After the builds, email each workbook built or skipped (never a failed one), with its PDF,\n"
        "as the batch file's [email] table says. The password is read from\n"
        "$SCORECARD_XL_SMTP_PASSWORD or the system keyring.",
    )
    how = email.add_mutually_exclusive_group()
    how.add_argument("--send", action="store_true", help="send the emails through [email] smtp_host")
    how.add_argument(
        "--email-dry-run", metavar="DIR", help="write the emails to DIR as .eml files; send nothing"
    )
    email.add_argument(
        "--force-send", action="store_true", help="email workbooks even if they fail scorecard-xl check"
    )


def run_batch(args: argparse.Namespace) -> int:
    from scorecard_xl.batch import dry_run_table, email_failures, failures, run_batch, summary
    from scorecard_xl.cli.words import in_cli_words

    report = run_batch(
        args.batch_file,
        jobs=args.jobs,
        force=args.force,
        dry_run=args.dry_run,
        manifest=args.manifest,
        progress=None if args.quiet else sys.stderr,
        send=args.send,
        email_dry_run=args.email_dry_run,
        force_send=args.force_send,
    )
    if report.dry_run:
        print(dry_run_table(report))
    elif not args.quiet:
        print(summary(report))
    problems = failures(report)
    if problems:
        verb = "would fail" if report.dry_run else "failed"
        print(f"scorecard-xl batch: {len(problems)} job(s) {verb}:", file=sys.stderr)
        print("\n".join(problems), file=sys.stderr)
    unsent = email_failures(report, in_cli_words)
    if unsent:
        print(f"scorecard-xl batch: {len(unsent)} workbook(s) not sent:", file=sys.stderr)
        print("\n".join(unsent), file=sys.stderr)
    if report.interrupted:
        print("scorecard-xl batch: interrupted; the manifest lists what was built", file=sys.stderr)
        return 130
    return EXIT_OK if report.dry_run or report.ok else EXIT_FAILED
