"""The command line: a thin shell over the library. User errors become a message and exit code 2,
never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from scorecard_xl import __version__
from scorecard_xl.errors import InputError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=30)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="scorecard-xl",
        formatter_class=_formatter,
        description="Board-ready performance scorecard workbooks from a definition and tidy data.",
        epilog="examples:\n  scorecard-xl build                 # the bundled sample -> ./scorecard.xlsx\n"
        "  scorecard-xl validate -t my.toml -d data.csv\n\n"
        "Run 'scorecard-xl COMMAND --help' for each command's options.",
    )
    parser.add_argument("--version", action="version", version=f"scorecard-xl {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    build = commands.add_parser(
        "build",
        help="build a scorecard workbook",
        formatter_class=_formatter,
        description="Build a scorecard workbook (.xlsx) from a definition and data. With no "
        "arguments, builds the bundled sample (Northamptonshire Children's Trust, March 2023).",
        epilog="examples:\n  scorecard-xl build\n"
        "  scorecard-xl build -t my_scorecard.toml -d data.csv -p 2023-03 -o board_march.xlsx\n"
        "  scorecard-xl build -o scorecard.xlsx --force   # replace last run's file",
    )
    _inputs(build)
    build.add_argument(
        "-o", "--output", default="scorecard.xlsx", help="workbook to write (default: %(default)s)"
    )
    build.add_argument("--force", action="store_true", help="replace the output file if it exists")
    build.set_defaults(run=_run_build)

    validate = commands.add_parser(
        "validate",
        help="check a definition and data without writing anything",
        formatter_class=_formatter,
        description="Check a definition and its data and report every problem found. Writes nothing.",
        epilog="examples:\n  scorecard-xl validate\n  scorecard-xl validate -t my_scorecard.toml -d data.csv",
    )
    _inputs(validate)
    validate.set_defaults(run=_run_validate)
    return parser


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


def _run_build(args: argparse.Namespace) -> int:
    from scorecard_xl.build import build

    result = build(args.output, args.template, args.data, args.period, force=args.force)
    totals = _totals(result.scorecard)
    print(
        f"wrote {result.path} ({result.size:,} bytes): {result.scorecard.period.long_label}, {totals}"
    )
    return EXIT_OK


def _run_validate(args: argparse.Namespace) -> int:
    from scorecard_xl.build import load_inputs, parse_period
    from scorecard_xl.model import build_scorecard

    inputs = load_inputs(args.template, args.data)
    scorecard = build_scorecard(inputs.definition, inputs.dataset, parse_period(args.period))
    definition = inputs.definition
    months = scorecard.available_months
    print(
        f"ok: {definition.source} ({len(definition.measures)} measures in {len(definition.sections)} sections), "
        f"data {months[0].iso} to {months[-1].iso}; {scorecard.period.iso}: {_totals(scorecard)}"
    )
    return EXIT_OK


def _totals(scorecard: object) -> str:
    from scorecard_xl.model import Scorecard, tally

    assert isinstance(scorecard, Scorecard)
    t = tally(scorecard.rows)
    return f"{t.red} red, {t.amber} amber, {t.green} green, {t.not_judged} not judged"


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
        print("scorecard-xl: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
