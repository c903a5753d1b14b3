"""Every command explains itself: --help with a description and at least one example."""

from __future__ import annotations

import pytest

from scorecard_xl.cli import COMMANDS, main


@pytest.mark.parametrize("name", [c.name for c in COMMANDS])
def test_every_command_has_help_with_an_example(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([name, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert "examples:" in text and f"scorecard-xl {name}" in text.split("examples:")[1]
    command = next(c for c in COMMANDS if c.name == name)
    assert len(command.description) > 60 and command.examples


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_an_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["build", "--no-such-option"])
    assert exited.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err
