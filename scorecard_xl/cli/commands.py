"""What each command of the command line takes and does: its arguments (argparse) and the library
call it runs, with the report it prints. The table of commands, their help and examples, and the
parsing and error handling around them are in main.py.

Nothing heavier than argparse is imported here: `scorecard-xl --help` must start at once. Each
command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (the annotations only: --help must not import the pipeline)
    from scorecard_xl.inputs.options import Options
    from scorecard_xl.workbook.trust import Trust

EXIT_OK, EXIT_FAILED = 0, 1  # what a command returns: done, or done with problems found (check, batch)


def input_arguments(parser: argparse.ArgumentParser) -> None:
    """The definition, data and period, as build and validate take them."""
    parser.add_argument(
        "-t",
        "--template",
        help="definition file (.toml/.yaml) or bundled template name (default: nct_monthly)",
    )
    parser.add_argument(
        "-d",
        "--data",
        action="append",
        help="data file (.csv/.xlsx); repeat for several (default: the template's sample data)",
    )
    parser.add_argument(
        "-p", "--period", help="month to show, YYYY-MM (default: the latest month complete enough to show)"
    )


def build_arguments(parser: argparse.ArgumentParser) -> None:
    input_arguments(parser)
    parser.add_argument(
        "-o", "--output", default="scorecard.xlsx", help="workbook to write (default: %(default)s)"
    )
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")
    parser.add_argument(
        "--from-workbook",
        metavar="BOOK",
        help="carry this earlier workbook's commentary over; its definition and data are the defaults",
    )
    parser.add_argument(
        "--pdf",
        nargs="?",
        const="",
        metavar="PDF",
        help="also print the board pack to PDF with LibreOffice (default name: the workbook's, .pdf)",
    )
    parser.add_argument(
        "--marking",
        help="protective marking for headers, footers and properties "
        "(default: the definition's), e.g. OFFICIAL-SENSITIVE",
    )
    parser.add_argument(
        "--organisation", help="organisation named in the workbook (default: the definition's)"
    )
    parser.add_argument(
        "--publish",
        nargs="?",
        type=_whole_number,
        const=5,
        metavar="N",
        help="publication profile: counts from 1 to N (default 5), and what would reveal them, become [c]; "
        "laid out as the Analysis Function asks of published statistics (check it: check --accessibility)",
    )
    parser.add_argument(
        "--protect",
        action="store_true",
        help="protect sheets and structure with the password in $SCORECARD_XL_PROTECT_PASSWORD "
        "(commentary and the period picker stay editable)",
    )
    parser.add_argument(
        "--allow-sql",
        action="store_true",
        help="with --from-workbook: read a database source (.toml) the old workbook's Cover names "
        "(it runs that file's SQL; also $SCORECARD_XL_ALLOW_SQL=1)",
    )
    parser.add_argument(
        "--viewer",
        choices=("excel", "libreoffice"),
        default="excel",
        help="the program the workbook will be opened in (default: %(default)s): for libreoffice, "
        "trends are drawn as pictures (LibreOffice misdraws sparklines; Excel's Refresh cannot "
        "redraw pictures, so refresh such a workbook with `scorecard-xl refresh`)",
    )


def _options(args: argparse.Namespace) -> Options:
    from scorecard_xl.errors import ARGUMENTS
    from scorecard_xl.inputs.options import Options

    return Options.make(
        marking=args.marking,
        organisation=args.organisation,
        publish=args.publish,
        protect=args.protect,
        viewer=args.viewer,
        source=ARGUMENTS,
    )


def run_build(args: argparse.Namespace) -> int:
    from pathlib import Path

    from scorecard_xl.generate.sequence import build

    options = _options(args)
    pdf = (args.pdf or str(Path(args.output).with_suffix(".pdf"))) if args.pdf is not None else None
    if args.from_workbook:
        from scorecard_xl.refresh.without_excel import build_from_workbook

        result = build_from_workbook(
            args.from_workbook,
            args.output,
            args.template,
            args.data,
            args.period,
            force=args.force,
            options=options,
            pdf=pdf,
            trust=_trust(args),
        )
    else:
        result = build(
            args.output, args.template, args.data, args.period, force=args.force, options=options, pdf=pdf
        )
    _wrote(result)
    if pdf:
        print(f"wrote {pdf}")
    return EXIT_OK


def _wrote(result: object) -> None:
    from scorecard_xl.generate.sequence import BuildResult

    assert isinstance(result, BuildResult)
    scorecard = result.scorecard
    print(f"wrote {result.path} ({result.size:,} bytes): {scorecard.period.long_label}, {_totals(scorecard)}")
    for warning in result.warnings:  # what check would flag: said now, not when the pack is sent
        print(f"scorecard-xl: warning: {result.path}: {warning}", file=sys.stderr)


def refresh_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("book", metavar="BOOK.xlsx", help="a workbook made by scorecard-xl")
    parser.add_argument(
        "-p", "--period", help="month to show, YYYY-MM (default: picked on the Cover, or latest)"
    )
    parser.add_argument(
        "-d",
        "--data",
        action="append",
        default=[],
        help="a data file (.csv/.xlsx) whose rows are folded into the workbook's Data table first; repeat "
        "for several (the files named on the Cover are read too, when found)",
    )
    parser.add_argument(
        "-o",
        "--output",
        help="write here instead of replacing BOOK (replacing keeps the old file as BOOK.previous.xlsx)",
    )
    parser.add_argument(
        "--allow-shrink",
        action="store_true",
        help="refresh even if the workbook would then show less (an earlier latest month, measures "
        "without figures)",
    )
    parser.add_argument(
        "--allow-sql",
        action="store_true",
        help="read a database source (.toml) the Cover names: it runs that file's SQL, so a workbook "
        "alone may not ask for it (also $SCORECARD_XL_ALLOW_SQL=1)",
    )


def _trust(args: argparse.Namespace) -> Trust:
    """What the person running this command allows a workbook (workbook.trust)."""
    from scorecard_xl.workbook.trust import Trust

    return Trust.from_environment(allow_sql=bool(getattr(args, "allow_sql", False)))


def run_refresh(args: argparse.Namespace) -> int:
    from scorecard_xl.refresh.without_excel import refresh_file

    result = refresh_file(
        args.book, args.period, args.output, args.data, args.allow_shrink, trust=_trust(args)
    )
    _wrote(result)
    if result.plan is not None:
        print(f"  {result.plan.data_summary}")
    if result.backup is not None:
        print(f"  the previous version is kept as {result.backup}")
    return EXIT_OK


def lite_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", default="scorecard_lite", help="folder to write them into (default: %(default)s)"
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--wheel",
        help="where Lite installs scorecard-xl from: an https:// address that allows Lite's origin "
        "(named in requirements.txt; main.py is then one line), or a .whl file (copied beside them, "
        "to import into Lite's /data; default: the wheel of this version, imported there)",
    )
    source.add_argument(
        "--index",
        action="store_true",
        help="Lite installs scorecard-xl by name from your organisation's package index (self-hosted "
        "Lite's XLWINGS_PYPI_INDEX_URL)",
    )
    parser.add_argument("--force", action="store_true", help="replace the files if they exist")


def run_lite(args: argparse.Namespace) -> int:
    from scorecard_xl.refresh.lite_files import install_steps, write_lite_files

    files = write_lite_files(args.output, args.wheel, args.force, args.index)
    written = [files.main, files.requirements, *([files.wheel] if files.wheel else [])]
    print("wrote " + ", ".join(str(p) for p in written) + "\n")
    url = args.wheel if args.wheel and str(args.wheel).startswith(("https://", "http://")) else None
    print(install_steps(files, url, args.index))
    return EXIT_OK


def init_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder", metavar="FOLDER", help="the folder to write them into (made if missing), e.g. my_card"
    )
    parser.add_argument("--force", action="store_true", help="replace the files if they exist")


def run_init(args: argparse.Namespace) -> int:
    from pathlib import Path

    from scorecard_xl.cli.starter import write_starter

    paths = write_starter(args.folder, args.force)
    print("wrote " + ", ".join(str(p) for p in paths))
    definition, data, next_month = (Path(p).as_posix() for p in paths)
    book = f"{Path(args.folder).resolve().name or 'my_scorecard'}.xlsx"
    print(f"next: scorecard-xl build -t {definition} -d {data} -o {book}")
    print(f"then: scorecard-xl refresh {book} --data {next_month}   (March's rows)")
    print("every field: scorecard-xl docs formats")
    return EXIT_OK


def docs_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "name",
        nargs="?",
        metavar="NAME",
        help="print this one: readme, formats, batch or security (default: list where they are)",
    )


def run_docs(args: argparse.Namespace) -> int:
    from scorecard_xl.cli.documentation import doc_text, listing

    print(doc_text(args.name) if args.name else listing())
    return EXIT_OK


def trust_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        nargs="?",
        choices=("list", "add", "remove"),
        default="list",
        help="list the trusted folders (the default), add one, or remove one",
    )
    parser.add_argument("folder", nargs="?", metavar="FOLDER", help="the folder to add or remove")


def run_trust(args: argparse.Namespace) -> int:
    from scorecard_xl.workbook.trusted_folders import add_folder, listed_folders, remove_folder

    if args.action != "list" and not args.folder:
        from scorecard_xl.errors import ARGUMENTS, InputError

        raise InputError.of(ARGUMENTS, "", "FOLDER", None, f"the folder to {args.action}")
    if args.action == "add":
        print(f"trusted: {add_folder(args.folder)}")
    elif args.action == "remove":
        print(f"no longer trusted: {remove_folder(args.folder)}")
    file, folders = listed_folders()
    print(f"trusted data folders ({file}):" if folders else f"no trusted data folders ({file})")
    for folder in folders:
        print(f"  {folder}")
    return EXIT_OK


def addin_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", default="scorecard_xl.xlam", help="add-in to write (default: %(default)s)"
    )
    parser.add_argument("--force", action="store_true", help="replace the add-in file if it exists")


def run_addin(args: argparse.Namespace) -> int:
    from scorecard_xl.refresh.addin import INSTALL_STEPS, write_addin

    path = write_addin(args.output, args.force)
    print(f"wrote {path}\n")
    print(INSTALL_STEPS.format(path=path))
    return EXIT_OK


def run_validate(args: argparse.Namespace) -> int:
    from scorecard_xl.generate.validation import validate

    checked = validate(args.template, args.data, args.period)
    definition, months, scorecard = checked.inputs.definition, checked.periods, checked.scorecard
    print(
        f"ok: {definition.source}, {len(definition.measures)} measures in {len(definition.sections)} sections"
    )
    print(f"data: {months[0].iso} to {months[-1].iso}")
    print(f"{scorecard.period.iso}: {_totals(scorecard)}")
    for warning in checked.warnings:  # as a build would say them
        print(f"scorecard-xl: warning: {warning}", file=sys.stderr)
    return EXIT_OK


def extract_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", default="dfe_data", help="folder to write (default: %(default)s)")
    parser.add_argument("--source", help="folder of DfE files (default: the bundled copy, samples/dfe_csc)")
    parser.add_argument(
        "--la",
        action="append",
        metavar="CODE",
        help="old LA code such as 940; repeat "
        "for several (default: every authority in the statistical neighbour model)",
    )


def run_extract(args: argparse.Namespace) -> int:
    from scorecard_xl.extracts.dfe_per_authority import AUTHORITIES_FILE, BATCH_FILE, extract
    from scorecard_xl.progress import Status

    with Status("scorecard-xl dfe-extract") as status:  # (a terminal only: 7-26 s)
        done = extract(args.output, args.source, args.la, progress=status.count)
    print(f"wrote {done.authorities} authority files, {AUTHORITIES_FILE} and {BATCH_FILE} to {done.folder}")
    for gap in done.gaps:
        print(f"  no data: {gap}")
    print(f"next: scorecard-xl batch {(done.folder / BATCH_FILE).as_posix()}")
    return EXIT_OK


def nhs_extract_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", default="nhs_ae_data", help="folder to write (default: %(default)s)"
    )
    parser.add_argument(
        "--source",
        help="the national A&E file (default: the bundled copy, samples/nhs_ae/ae_attendances.csv)",
    )
    parser.add_argument(
        "--provider",
        action="append",
        default=[],
        metavar="CODE",
        help="an ODS code such as RJ1; repeat for several (default: every provider with a major A&E)",
    )


def run_nhs_extract(args: argparse.Namespace) -> int:
    from scorecard_xl.extracts.nhs_ae import BATCH_FILE, PROVIDERS_FILE, extract

    done = extract(args.output, args.source, args.provider)
    print(f"wrote {done.providers} provider files, {PROVIDERS_FILE} and {BATCH_FILE} to {done.folder}")
    print(f"next: scorecard-xl batch {(done.folder / BATCH_FILE).as_posix()}")
    return EXIT_OK


def _totals(scorecard: object) -> str:
    from scorecard_xl.model.scorecard import Scorecard, tally

    assert isinstance(scorecard, Scorecard)
    t = tally(scorecard.rows)
    return f"{t.red} red, {t.amber} amber, {t.green} green, {t.not_judged} not judged"


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
        "--smtp-port", type=_whole_number, default=587, metavar="PORT", help="(default: %(default)s)"
    )
    server.add_argument("--smtp-user", metavar="USER", help="log in as USER (default: no login)")
    server.add_argument(
        "--cafile", metavar="PEM", help="extra trusted CA certificates (default: $SCORECARD_XL_SMTP_CAFILE)"
    )
    server.add_argument(
        "--timeout", type=_number, default=30.0, metavar="SECONDS", help="(default: %(default)g)"
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
        type=_number,
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
        type=_at_least_one,
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


def _whole_number(text: str) -> int:
    """An argument that is a whole number written in ASCII digits (int() alone would read the
    full-width "５" as 5)."""
    body = text.strip()
    if not body.removeprefix("-").isascii() or not body.removeprefix("-").isdigit():
        raise argparse.ArgumentTypeError(f"got {text!r}; a whole number such as 5")
    return int(body)


def _number(text: str) -> float:
    """An argument that is a number written in ASCII (float() alone reads "１.５", "nan" and "inf")."""
    body = text.strip()
    try:
        number = float(body) if body.isascii() and not body.isalpha() else float("nan")
    except ValueError:
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"got {text!r}; a number such as 2.5")
    return number


def _at_least_one(text: str) -> int:
    number = _whole_number(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"got {text!r}; a whole number, 1 or more")
    return number


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
