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

from scorecard_xl.cli.argument_types import whole_number

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
        type=whole_number,
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
