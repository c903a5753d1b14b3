"""The library's front door: `import scorecard_xl` and everything a user needs is one attribute away,
loaded only when used; errors speak the library's words (parameters), the command line its own (flags)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import scorecard_xl
from scorecard_xl.errors import InputError, OutputExists, Problem
from tests.conftest import SAMPLE, TEMPLATE

HEAVY = ("scorecard_xl.generate.sequence", "xlsxwriter", "openpyxl", "pandas", "xlwings", "yaml")


def modules_loaded_by(code: str) -> set[str]:
    listing = "import sys; print('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{listing}"], capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def test_every_public_name_is_reachable_from_the_package() -> None:
    from scorecard_xl.generate import sequence
    from scorecard_xl.inputs import options

    for name in scorecard_xl.__all__:
        assert getattr(scorecard_xl, name) is not None, name
    assert scorecard_xl.build is sequence.build  # the function, not a module of the same name
    assert scorecard_xl.Options is options.Options
    assert callable(scorecard_xl.refresh_file) and callable(scorecard_xl.run_batch)
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = scorecard_xl.nonsense  # type: ignore[attr-defined]


def test_importing_the_package_loads_nothing_heavy() -> None:
    loaded = modules_loaded_by("import scorecard_xl")
    assert not [m for m in HEAVY if m in loaded]


def test_command_line_help_loads_nothing_heavy() -> None:
    loaded = modules_loaded_by(
        "import contextlib, io\nfrom scorecard_xl.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['build', '--help'])"
    )
    assert not [m for m in HEAVY if m in loaded]


def test_one_problem_helper_is_the_long_form() -> None:
    short = InputError.of("data.csv", "row 17", "value", "abc", "a number")
    long = InputError([Problem("data.csv", "row 17", "value", "abc", "a number")])
    assert short.problems == long.problems
    assert str(short) == "data.csv, row 17: value: got 'abc'; a number"


def test_build_refuses_an_existing_file_in_library_words(tmp_path: Path) -> None:
    existing = tmp_path / "board.xlsx"
    existing.write_bytes(b"commentary typed last month")
    with pytest.raises(OutputExists) as refused:
        scorecard_xl.build(existing, TEMPLATE, [SAMPLE / "data.csv"])
    message = refused.value.message()
    assert "force=True" in message and "--" not in message, message
    assert existing.read_bytes() == b"commentary typed last month"


def test_the_command_line_names_its_flags_instead(tmp_path: Path) -> None:
    from tests.cli_process import run_cli

    (tmp_path / "board.xlsx").write_bytes(b"commentary typed last month")
    result = run_cli("build", "-o", "board.xlsx", cwd=tmp_path)
    assert result.returncode == 2
    assert "choose another --output, or pass --force to replace it" in result.stderr
    assert "force=True" not in result.stderr


def test_every_package_is_listed_for_the_wheel() -> None:
    """A sub-package missing from pyproject's list installs from a checkout but not from the wheel."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "scorecard_xl").rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)


def test_a_build_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    import gc

    assert gc.isenabled()
    scorecard_xl.build(tmp_path / "a.xlsx", TEMPLATE, [SAMPLE / "data.csv"])
    assert gc.isenabled()
    gc.disable()
    try:
        scorecard_xl.build(tmp_path / "b.xlsx", TEMPLATE, [SAMPLE / "data.csv"])
        assert not gc.isenabled()  # a caller's choice is theirs
    finally:
        gc.enable()


def test_missing_data_is_a_problem_with_the_arguments_in_library_words(tmp_path: Path) -> None:
    definition = tmp_path / "card.toml"
    definition.write_bytes(TEMPLATE.read_bytes())
    with pytest.raises(InputError) as raised:
        scorecard_xl.build(tmp_path / "out.xlsx", definition)
    assert str(raised.value).startswith("arguments: data: missing; one or more data files")
    assert "command line" not in str(raised.value)  # the command line says that in its own words


def test_send_book_and_check_workbook_speak_in_parameters_the_command_line_in_flags(tmp_path: Path) -> None:
    """The library names its own parameters (`server.host`, max_size_mb); only the CLI says --flags."""
    from scorecard_xl.send import SmtpServer
    from tests.cli_process import run_cli

    book = tmp_path / "board.xlsx"
    scorecard_xl.build(book, TEMPLATE, [SAMPLE / "data.csv"])
    with pytest.raises(InputError) as raised:
        scorecard_xl.send_book(book, cc=["x@example.org"], one_each=True, server=SmtpServer(port=0))
    said = str(raised.value)
    assert "arguments: to: missing" in said and "`to_file`" in said, said
    assert "arguments: server.host: missing" in said and "`dry_run`" in said, said
    assert "arguments: server.port: got 0" in said and "no `cc` with `one_each`" in said, said
    assert "--" not in said and "command line" not in said, said
    with pytest.raises(InputError) as raised:
        scorecard_xl.check_workbook(book, max_size_mb=0)
    assert str(raised.value).startswith("arguments: max_size_mb: got 0"), raised.value

    flags = ("--cc", "x@example.org", "--one-each", "--smtp-port", "0")
    result = run_cli("send", str(book), *flags, cwd=tmp_path)
    assert result.returncode == 2
    for flagged in ("command line: --to: missing", "--to-file", "command line: --smtp-host: missing",
                    "--dry-run", "command line: --smtp-port: got 0", "no --cc with --one-each"):  # fmt: skip
        assert flagged in result.stderr, result.stderr
    assert "`" not in result.stderr and "server." not in result.stderr, result.stderr


def test_validate_is_a_library_call_that_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`scorecard-xl validate` as a library call: the sample loads and is judged; nothing is written;
    bad input raises InputError naming the file, as build would."""
    monkeypatch.chdir(tmp_path)
    checked = scorecard_xl.validate(TEMPLATE, [SAMPLE / "data.csv"], "2023-02")
    assert isinstance(checked, scorecard_xl.Validation)
    assert len(checked.inputs.definition.measures) == 93
    assert checked.scorecard.period.iso == "2023-02"
    assert checked.periods[-1].iso == "2023-03" and checked.periods == tuple(sorted(checked.periods))
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError) as refused:
        scorecard_xl.validate(TEMPLATE, [SAMPLE / "data.csv"], "March")
    assert refused.value.problems[0].field == "period"
