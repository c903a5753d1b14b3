"""The command line's words for the library's errors: parameters become flags, the caller's
arguments become "command line", and a refusal names the flag that overrides it."""

from __future__ import annotations

import dataclasses
import re

from scorecard_xl.errors import ARGUMENTS, InputError, OutputExists, Problem, RefusedByCheck

# The library's parameters (build's, send_book's, and SmtpServer's as server.NAME) and the flags
# that give them: a message names `name` in backticks, or a problem with an argument has it as field.
FLAGS = {
    "data": "--data",
    "period": "--period",
    "organisation": "--organisation",
    "marking": "--marking",
    "publish": "--publish",
    "viewer": "--viewer",
    "output": "--output",
    "max_size_mb": "--max-size",
    "to": "--to",
    "to_file": "--to-file",
    "cc": "--cc",
    "one_each": "--one-each",
    "sender": "--from",
    "subject": "--subject",
    "body": "--body",
    "template": "--template",
    "pdf": "--pdf",
    "dry_run": "--dry-run",
    "force": "--force",
    "allow_shrink": "--allow-shrink",
    "allow_sql": "--allow-sql",
    "server.host": "--smtp-host",
    "server.port": "--smtp-port",
    "server.user": "--smtp-user",
    "server.timeout": "--timeout",
    "server.cafile": "--cafile",
    "server.insecure_no_tls": "--insecure-no-tls",
}
_NAMED = re.compile(r"`([a-z_.]+)`")


def in_cli_words(error: InputError) -> str:
    """The library's message, with this command line's flags where the library names parameters."""

    def flags(text: str) -> str:
        return _NAMED.sub(lambda m: FLAGS.get(m[1], m[0]), text)

    def reworded(problem: Problem) -> Problem:
        if problem.source == ARGUMENTS:  # what was passed: the command line
            problem = dataclasses.replace(
                problem, source="command line", field=FLAGS.get(problem.field, problem.field)
            )
        return dataclasses.replace(problem, expected=flags(problem.expected))

    if not isinstance(error, (OutputExists, RefusedByCheck)):
        error = InputError([reworded(p) for p in error.problems])
    if isinstance(error, OutputExists):
        return f"{error.path}: already exists and {error.why}; {error.remedy('another --output', '--force')}"
    if isinstance(error, RefusedByCheck):
        return error.message_with("--force-send" if error.override == "force_send" else "--force")
    return error.message()
