"""The command line: a thin shell over the library. The commands, their help and examples
(COMMANDS), the parser, and main, which turns errors into messages and exit codes; what each
command takes and runs is in commands.py.

User errors (InputError) become a message and exit code 2, never a traceback. Every command has
--help with an example (a test checks).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple

from scorecard_xl import __version__
from scorecard_xl.cli import commands, delivery_commands

# Nothing heavier than argparse is imported here (nor in cli_commands): `scorecard-xl --help` must
# start at once. Each command imports what it needs when it runs.

EXIT_USAGE = 2  # a usage error or bad input: a message, no traceback
EXIT_BROKEN_PIPE = 141  # the reader closed the pipe (see main)


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors on exit code 2 as documented."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


class Command(NamedTuple):
    """A command: its name, its help (a line, a paragraph, examples), its arguments and its run."""

    name: str
    summary: str
    description: str
    examples: tuple[str, ...]
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: list[Command] = [
    Command(
        "build",
        "build a scorecard workbook",
        "Build a scorecard workbook (.xlsx) from a definition and data. With no arguments, builds the "
        "bundled sample (Northamptonshire Children's Trust, March 2023) to ./scorecard.xlsx. The file "
        "is written atomically; an existing file is only replaced with --force.",
        (
            "scorecard-xl build",
            "scorecard-xl build -t my_scorecard.toml -d data.csv -p 2023-03 -o board_march.xlsx",
            "scorecard-xl build --force            # replace last run's scorecard.xlsx",
            "scorecard-xl build --from-workbook february.xlsx -o march.xlsx   # keep the commentary",
            "scorecard-xl build --pdf --marking OFFICIAL-SENSITIVE   # and the board pack as a PDF",
            "scorecard-xl build --viewer libreoffice -o board.xlsx   # trends drawn for LibreOffice",
        ),
        commands.build_arguments,
        commands.run_build,
    ),
    Command(
        "init",
        "write a starter definition and data to make your own scorecard from",
        "Write a small scorecard to start from into FOLDER: definition.toml (eight measures of "
        "different units and polarities, targets, a quarterly measure, a cumulative measure judged "
        "against its share of the year's target, a percentage worked out from two counts, each "
        "field commented and "
        "pointing at docs/formats.md), data.csv (April 2022 to February 2023) and next_month.csv "
        "(March's rows, to try a refresh). It builds as written. Existing files are only replaced "
        "with --force.",
        (
            "scorecard-xl init my_card && "
            "scorecard-xl build -t my_card/definition.toml -d my_card/data.csv -o my_card.xlsx",
            "scorecard-xl refresh my_card.xlsx --data my_card/next_month.csv   # March arrives",
        ),
        commands.init_arguments,
        commands.run_init,
    ),
    Command(
        "validate",
        "check a definition and data without writing anything",
        "Check a definition and its data, reporting every problem at once. Writes nothing. Exit code "
        "0 when the inputs are good, 2 when not.",
        ("scorecard-xl validate", "scorecard-xl validate -t my_scorecard.toml -d data.csv -p 2023-03"),
        commands.input_arguments,
        commands.run_validate,
    ),
    Command(
        "refresh",
        "refresh a workbook from its data, without Excel",
        "Refresh a workbook made by scorecard-xl, without Excel (for scheduled runs): from the "
        "definition on its Setup sheet and the rows of its Data table, with the rows of --data files "
        "and of the files named on its Cover (when found) folded in first. Shows the month given, else "
        "the month picked on the Cover, else the latest. The workbook is rebuilt with xlsxwriter, "
        "commentary carried over by measure, and written atomically; the old file is kept as "
        "BOOK.previous.xlsx. A refresh that would show less than the workbook does now is refused "
        "unless --allow-shrink. Data files named on the Cover are read only from the workbook's own "
        "folder, $SCORECARD_XL_BASE_DIR or a trusted folder (scorecard-xl trust); a database source "
        "only with --allow-sql (docs/security.md).",
        (
            "scorecard-xl refresh board.xlsx",
            "scorecard-xl refresh board.xlsx --data april.csv      # fold in April's rows",
            "scorecard-xl refresh board.xlsx --period 2023-02 -o board_february.xlsx",
            "scorecard-xl refresh board.xlsx --allow-sql           # its Cover names kpi_source.toml",
        ),
        commands.refresh_arguments,
        commands.run_refresh,
    ),
    Command(
        "trust",
        "list, add or remove the folders whose data files workbooks may read",
        "A workbook may name data files in its own folder only (its Cover's Data files cell): it is "
        "a file from someone else. To refresh a workbook whose data is kept elsewhere, trust that "
        "folder on this computer, as Excel trusts locations: every workbook refreshed here (the "
        "command line and the desktop add-in) may then read data files below it. The list is kept "
        "in your own settings folder, which no workbook can name; $SCORECARD_XL_TRUSTED_FOLDERS adds "
        "more for a run (a server). See docs/security.md.",
        (
            "scorecard-xl trust                              # list the trusted folders",
            "scorecard-xl trust add C:/Users/me/performance/data",
            "scorecard-xl trust remove C:/Users/me/performance/data",
        ),
        commands.trust_arguments,
        commands.run_trust,
    ),
    Command(
        "lite",
        "write requirements.txt and main.py for xlwings Lite (Refresh with no local Python)",
        "Write the requirements.txt and main.py an analyst pastes into xlwings Lite, the free Excel "
        "add-in from the Office store that runs Python inside Excel on Windows, Mac and the web: its "
        "scripts Refresh, Change period, Check data (changes nothing) and Refresh anyway work as the "
        "ribbon add-in's buttons do, with no local Python and no macros. scorecard-xl is installed "
        "in Lite from an https:// address (--wheel URL) or your organisation's index (--index), named in "
        "requirements.txt, or from a wheel imported into Lite's /data (default). Prints the steps.",
        (
            "scorecard-xl lite --wheel https://intranet.example.gov.uk/py/scorecard_xl-0.2.0-py3-none-any.whl",
            "scorecard-xl lite --index",
            "scorecard-xl lite -o lite --wheel dist/scorecard_xl-0.2.0-py3-none-any.whl",
        ),
        commands.lite_arguments,
        commands.run_lite,
    ),
    Command(
        "addin",
        "write the Excel add-in (scorecard_xl.xlam) and say how to install it",
        "Write scorecard_xl.xlam, xlwings' ribbon add-in with a Scorecard tab (Refresh, Change period), "
        "and print the install steps. Workbooks themselves stay macro-free .xlsx.",
        ("scorecard-xl addin", "scorecard-xl addin -o C:/Users/me/Addins/scorecard_xl.xlam --force"),
        commands.addin_arguments,
        commands.run_addin,
    ),
    Command(
        "send",
        "email a workbook (and its PDF) to the board",
        "Email a workbook made by scorecard-xl, and optionally its PDF, to a list of recipients. The "
        "subject and body are filled in from the workbook (organisation, period, red/amber/green "
        "counts); --subject, --body or a --template file override them, with fields {title}, "
        "{organisation}, {period}, {year}, {marking}, {measures}, {red}, {amber}, {green}, "
        "{not_judged}, {filename}. Addresses are checked before connecting; a workbook that fails "
        "check is refused unless --force. Sends over SMTP with STARTTLS and a verified certificate; "
        "the password comes from $SCORECARD_XL_SMTP_PASSWORD or the system keyring (service "
        "scorecard-xl), never an argument. --dry-run DIR writes .eml files instead.",
        (
            "scorecard-xl send board.xlsx --to chair@example.gov.uk --from me@example.gov.uk --dry-run out",
            "scorecard-xl send board.xlsx --pdf board.pdf --to-file board.txt --smtp-host smtp.office365.com "
            "--smtp-user performance@example.gov.uk   # sent from the user's address",
            "scorecard-xl send board.xlsx --to-file board.txt --template email.toml "
            "--smtp-host mail.example.gov.uk --cafile council-ca.pem",
        ),
        delivery_commands.send_arguments,
        delivery_commands.run_send,
    ),
    Command(
        "check",
        "say whether a workbook is safe to send outside the organisation",
        "Check a workbook before it leaves the organisation: macros, links to other files, hidden "
        "sheets and names, names holding data, embedded files, formulas without cached results, text "
        "that a CSV export would run as a formula, personal names and local paths in properties, "
        "comments and cells, schema errors (openxml-audit) and file size. Reads the file only. One "
        "line per finding; exit code 0 when there are none, 1 when there are, 2 when BOOK is not a "
        "readable .xlsx. With --accessibility, checks the accessibility rules instead.",
        (
            "scorecard-xl check scorecard.xlsx",
            'scorecard-xl check board.xlsx --max-size 5 --organisation "Northamptonshire Children\'s Trust"',
            "scorecard-xl check board.xlsx --json > findings.json",
            "scorecard-xl check published.xlsx --accessibility   # can everyone read it? (build --publish)",
        ),
        delivery_commands.check_arguments,
        delivery_commands.run_check,
    ),
    Command(
        "batch",
        "build many workbooks from a batch file, in parallel",
        "Build every workbook a batch file describes (periods, audience variants, organisations; "
        "docs/batch.md), several at once in separate processes. A job that fails is reported and the "
        "others finish. Workbooks whose inputs have not changed since the last run are skipped; "
        "manifest.json in the output folder records each one's SHA-256 and inputs. A file the batch "
        "did not write is never replaced. pdf = true in the batch file prints each board pack to a "
        "PDF too; with --send each workbook is then emailed as its [email] table says. Exit code 0 "
        "when every job succeeded, 1 when any failed (or was not sent), 2 for a bad batch file.",
        (
            "scorecard-xl batch board_pack.toml",
            "scorecard-xl batch board_pack.toml --dry-run      # list the jobs, write nothing",
            "scorecard-xl batch all_las.toml --jobs 4 --force  # rebuild everything, 4 at a time",
            "scorecard-xl batch board_pack.toml --email-dry-run outbox   # then --send to send them",
        ),
        delivery_commands.batch_arguments,
        delivery_commands.run_batch,
    ),
    Command(
        "docs",
        "say where the documentation is installed, or print a guide",
        "The documentation travels with scorecard-xl: the definition and data formats (formats), "
        "batch files (batch), what a workbook may read (security) and the README (readme). With no "
        "NAME, lists where they are; with a NAME, prints it.",
        ("scorecard-xl docs", "scorecard-xl docs formats | less"),
        commands.docs_arguments,
        commands.run_docs,
    ),
    Command(
        "dfe-extract",
        "one tidy data file per local authority from the DfE's published statistics",
        "Read the DfE's published children's social care files once and write, for each authority, "
        "a tidy CSV for the dfe_benchmark scorecard: its values by year, the mean of its 10 "
        "statistical neighbours, its region and England, and its quartile band and rank among all "
        "authorities (LAIT's method). Also writes authorities.csv (code, organisation, file) and "
        "batch.toml, a batch building every authority's workbook into FOLDER/workbooks.",
        (
            "scorecard-xl dfe-extract -o dfe_data && scorecard-xl batch dfe_data/batch.toml",
            "scorecard-xl dfe-extract --la 940 --la 941 -o dfe_data && "
            "scorecard-xl build -t dfe_benchmark -d dfe_data/940.csv --organisation 'North Northamptonshire'",
        ),
        commands.extract_arguments,
        commands.run_extract,
    ),
    Command(
        "nhs-ae-extract",
        "one tidy data file per NHS provider from NHS England's A&E statistics",
        "Read NHS England's monthly A&E attendances and emergency admissions (the bundled national "
        "file, April 2016 to March 2019, or --source) once and write, for each provider with a major "
        "(type 1) A&E department, a tidy CSV of its counts for the nhs_ae scorecard (attendances by "
        "department type, patients over four hours, admissions; the percentages are worked out from "
        "them). Also writes providers.csv (code, organisation, file) and batch.toml, a batch building "
        "every provider's workbook into FOLDER/workbooks.",
        (
            "scorecard-xl nhs-ae-extract -o nhs_data && scorecard-xl batch nhs_data/batch.toml",
            "scorecard-xl nhs-ae-extract --provider RJ1 -o nhs_data && "
            "scorecard-xl build -t nhs_ae -d nhs_data/RJ1.csv -o rj1.xlsx",
        ),
        commands.nhs_extract_arguments,
        commands.run_nhs_extract,
    ),
]


def build_parser() -> argparse.ArgumentParser:
    def formatter(prog: str) -> argparse.HelpFormatter:
        return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)

    def examples(lines: Sequence[str]) -> str:
        return "examples:\n" + "\n".join(f"  {line}" for line in lines)

    parser = _Parser(
        prog="scorecard-xl",
        formatter_class=formatter,
        description="Board-ready performance scorecard workbooks from a definition and tidy data.",
        epilog=examples([c.examples[0] for c in COMMANDS])
        + "\n\nRun 'scorecard-xl COMMAND --help' for more.",
    )
    parser.add_argument("--version", action="version", version=f"scorecard-xl {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        sub = commands.add_parser(
            command.name,
            help=command.summary,
            description=command.description,
            epilog=examples(command.examples),
            formatter_class=formatter,
        )
        command.arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE
    from scorecard_xl.errors import InputError

    try:
        return int(args.run(args))
    except InputError as error:
        from scorecard_xl.cli.words import in_cli_words

        print(f"scorecard-xl {args.command}: {in_cli_words(error)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("scorecard-xl: interrupted; no file was changed", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped reading (`scorecard-xl refresh book.xlsx | head -1`): reports are
        # printed once the files are written, so only the rest of the report is lost. No traceback,
        # and nothing more flushed to the closed pipe at exit; 141 is what a shell reports for any
        # program a closed pipe stops (128 + SIGPIPE).
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    raise SystemExit(main())
