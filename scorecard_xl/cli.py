"""The command line: a thin shell over the library.

User errors (InputError) become a message and exit code 2, never a traceback. Every command has
--help with an example (a test checks).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scorecard_xl import __version__
from scorecard_xl.errors import InputError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors on exit code 2 as documented."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


@dataclass(frozen=True)
class Command:
    name: str
    summary: str
    description: str
    examples: tuple[str, ...]
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _inputs(parser: argparse.ArgumentParser) -> None:
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
        "-p", "--period", help="month to show, YYYY-MM (default: the latest month in the data)"
    )


def _build_arguments(parser: argparse.ArgumentParser) -> None:
    _inputs(parser)
    parser.add_argument(
        "-o", "--output", default="scorecard.xlsx", help="workbook to write (default: %(default)s)"
    )
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")


def _run_build(args: argparse.Namespace) -> int:
    from scorecard_xl.build import build

    result = build(args.output, args.template, args.data, args.period, force=args.force)
    scorecard = result.scorecard
    print(f"wrote {result.path} ({result.size:,} bytes): {scorecard.period.long_label}, {_totals(scorecard)}")
    return EXIT_OK


def _run_validate(args: argparse.Namespace) -> int:
    from scorecard_xl.build import load_inputs, parse_period
    from scorecard_xl.model import build_scorecard

    inputs = load_inputs(args.template, args.data)
    scorecard = build_scorecard(inputs.definition, inputs.dataset, parse_period(args.period))
    definition, months = inputs.definition, scorecard.available_months
    print(
        f"ok: {definition.source}, {len(definition.measures)} measures in {len(definition.sections)} sections"
    )
    print(f"data: {months[0].iso} to {months[-1].iso}")
    print(f"{scorecard.period.iso}: {_totals(scorecard)}")
    return EXIT_OK


def _totals(scorecard: object) -> str:
    from scorecard_xl.model import Scorecard, tally

    assert isinstance(scorecard, Scorecard)
    t = tally(scorecard.rows)
    return f"{t.red} red, {t.amber} amber, {t.green} green, {t.not_judged} not judged"


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
        ),
        _build_arguments,
        _run_build,
    ),
    Command(
        "validate",
        "check a definition and data without writing anything",
        "Check a definition and its data, reporting every problem at once. Writes nothing. Exit code "
        "0 when the inputs are good, 2 when not.",
        ("scorecard-xl validate", "scorecard-xl validate -t my_scorecard.toml -d data.csv -p 2023-03"),
        _inputs,
        _run_validate,
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
    try:
        return int(args.run(args))
    except InputError as error:
        print(f"scorecard-xl {args.command}: {error.message()}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("scorecard-xl: interrupted; no file was changed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
