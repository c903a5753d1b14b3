"""The command line: a thin shell over the library. `main` holds the commands, their help and
examples, and turns errors into messages and exit codes; `commands` what each command takes and
runs (`delivery_commands` for check, send and batch; `argument_types` the numbers they read);
`words` the command line's words for the library's parameters.
"""

from scorecard_xl.cli.main import COMMANDS, main

__all__ = ["COMMANDS", "main"]
