"""Email addresses: checked before connecting, from the command line, a file or the batch's [email]."""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.utils import formataddr, getaddresses
from pathlib import Path

from scorecard_xl.errors import ARGUMENTS, InputError, ProblemList
from scorecard_xl.inputs.input_files import LIST_LIMIT, read_capped
from scorecard_xl.inputs.text_rules import control_character, line_break

_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\Z")
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\Z")
_COMMENT = re.compile(r"(?:^|\s)#.*")
_ADDRESS_RULE = (
    "email addresses such as jo.bloggs@example.gov.uk or 'Jo Bloggs <jo.bloggs@example.gov.uk>', "
    "separated by commas (quote a name holding a comma)"
)


def valid_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at) and len(address) <= 254 and bool(_LOCAL.match(local)) and bool(_DOMAIN.match(domain))


def parse_addresses(
    problems: ProblemList, source: str, what: str, values: Sequence[str | tuple[str, str]]
) -> list[str]:
    """Addresses as 'Name <address>' or bare; several to a value separated by commas or semicolons
    (as Outlook copies them). A value may be (where, text), such as ("line 3", text) from a file.
    Each bad value is added to `problems`."""
    found: list[str] = []
    for item in values:
        where, value = item if isinstance(item, tuple) else ("", item)
        one_line = line_break(value) is None and control_character(value) is None
        pairs = getaddresses([value.replace(";", ",")]) if one_line else []
        if not pairs or any(not valid_address(address) for _, address in pairs):
            problems.add(source, where, what, value, _ADDRESS_RULE)
            continue
        found.extend(formataddr((name, address)) for name, address in pairs)
    return found


def addresses_from_file(problems: ProblemList, path: Path) -> list[str]:
    """One or more addresses a line; blank lines are skipped, and # starts a comment (at the start of
    a line or after a space)."""
    try:
        text = read_capped(path, LIST_LIMIT, "file of addresses, one a line").decode("utf-8-sig")
    except InputError as error:
        problems.extend(error.problems)
        return []
    except UnicodeDecodeError as error:
        problems.add(str(path), "", "to_file", None, f"a readable UTF-8 text file ({error})")
        return []
    lines = [
        (f"line {number}", line)
        for number, line in enumerate((_COMMENT.sub("", line).strip() for line in text.splitlines()), 1)
        if line
    ]
    found = parse_addresses(problems, str(path), "address", lines)
    if not lines:
        problems.add(str(path), "", "to_file", None, "at least one address (the file has none)")
    return found


def checked_sender(problems: ProblemList, sender: str | None, user: str | None) -> str:
    if sender is None:
        if user and valid_address(user):
            return user
        problems.add(
            ARGUMENTS, "", "sender", None, "the sender's address (needed unless `server.user` is one)"
        )
        return ""
    checked = ProblemList()
    found = parse_addresses(checked, ARGUMENTS, "sender", [sender])
    if len(found) > 1:
        checked.add(ARGUMENTS, "", "sender", sender, "one sender address")
    try:
        checked.raise_if_any()
    except InputError as error:
        problems.extend(error.problems)
        return ""
    return found[0]


def bare_address(text: str) -> str:
    return getaddresses([text])[0][1]


def unique_addresses(addresses: Sequence[str]) -> list[str]:
    """The first of each address (compared without case), in order."""
    seen: dict[str, str] = {}
    for text in addresses:
        seen.setdefault(bare_address(text).lower(), text)
    return list(seen.values())
