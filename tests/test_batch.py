"""`scorecard-xl batch`: many workbooks from one batch file, built in parallel processes.

The runs go through the real command line in a new process (exit codes, worker processes, the
progress lines on stderr), with small definitions and data written here, and the bundled sample
(six months, 2022-10 to 2023-03). Planning and the batch-file checks are tested in-process."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from scorecard_xl import batch
from scorecard_xl.batch import Progress, load_batch, plan, worker
from scorecard_xl.batch.manifest import MANIFEST_FORMAT
from scorecard_xl.cli import main
from scorecard_xl.errors import InputError
from tests.cli_process import run_cli
from tests.conftest import CARD, REPO, data_csv, statuses

SAMPLE_MONTHS = ["2022-10", "2022-11", "2022-12", "2023-01", "2023-02", "2023-03"]


# Two organisations, each with its own data file; two months each: four workbooks.
BATCH = """\
[defaults]
template = "card.toml"
data = ["data/{code}.csv"]
output_folder = "out"
output = "{code}/{period}.xlsx"

[for_each]
organisation = [{ code = "a" }, { code = "b" }]
period = "2023-02..2023-03"
"""
OUTPUTS = ["a/2023-02.xlsx", "a/2023-03.xlsx", "b/2023-02.xlsx", "b/2023-03.xlsx"]
USER_BYTES = b"a workbook someone else made, with commentary typed into it"


@pytest.fixture
def work(batch_inputs: Path) -> Path:
    """batch_inputs (card.toml, data/a.csv, data/b.csv) with batch.toml (BATCH)."""
    (batch_inputs / "batch.toml").write_text(BATCH, encoding="utf-8")
    return batch_inputs


def run(folder: Path, *args: str, batch_file: str = "batch.toml") -> subprocess.CompletedProcess[str]:
    """`scorecard-xl batch BATCH ARGS --jobs 2`, in a new process, in `folder`."""
    return run_cli("batch", batch_file, "--jobs", "2", *args, cwd=folder)


def manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """The manifest's entries by output path."""
    document = json.loads((folder / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert document["format"] == MANIFEST_FORMAT
    return {entry["path"] or entry["job"]: entry for entry in document["outputs"]}


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every workbook under out/: modification time (ns) and bytes."""
    return {
        p.relative_to(folder / "out").as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted((folder / "out").rglob("*.xlsx"))
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- running ------------------------------------------------------------------------------------


def test_sample_for_each_period_gives_six_workbooks(tmp_path: Path) -> None:
    (tmp_path / "batch.toml").write_text(
        '[defaults]\noutput_folder = "out"\n\n[for_each]\nperiod = "all"\n', encoding="utf-8"
    )
    result = run(tmp_path)
    assert result.returncode == 0, result.stderr
    names = [f"northamptonshire-childrens-trust/{month}/scorecard.xlsx" for month in SAMPLE_MONTHS]
    assert statuses(result) == dict.fromkeys(names, "built")
    assert "6 workbooks: 6 built, 0 failed" in result.stdout
    entries = manifest(tmp_path)
    assert sorted(entries) == names
    for name in names:
        path, entry = tmp_path / "out" / name, entries[name]
        assert entry["status"] == "built" and entry["error"] is None
        assert entry["sha256"] == sha256(path) and entry["size"] == path.stat().st_size
        assert entry["definition"] == "nct_monthly"  # a bundled template is recorded by name
        assert len(entry["fingerprint"]) == 64
        with zipfile.ZipFile(path) as book:  # a whole workbook, not a temporary or partial file
            assert "xl/workbook.xml" in book.namelist()
    assert not [p for p in (tmp_path / "out").rglob("*") if p.name.startswith(".")]


def test_broken_jobs_are_reported_and_the_others_finish(work: Path) -> None:
    (work / "batch.toml").write_text(
        BATCH.replace('{ code = "b" }]', '{ code = "b" }, { code = "c" }]').replace(
            '"2023-02..2023-03"', '"2023-02..2023-04"'
        ),
        encoding="utf-8",
    )  # there is no data/c.csv, and no data for 2023-04
    result = run(work)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    found = statuses(result)
    assert {name for name, status in found.items() if status == "built"} == set(OUTPUTS)
    assert {name for name, status in found.items() if status == "failed"} == {
        "a/2023-04.xlsx",
        "b/2023-04.xlsx",
        "c/2023-02.xlsx",
        "c/2023-03.xlsx",
        "c/2023-04.xlsx",
    }
    assert "9 workbooks: 4 built, 5 failed" in result.stdout
    entries = manifest(work)
    assert "no such data file" in entries["c/2023-02.xlsx"]["error"]
    assert "period: got '2023-04'" in entries["a/2023-04.xlsx"]["error"]
    assert entries["a/2023-04.xlsx"]["status"] == "failed" and entries["a/2023-04.xlsx"]["sha256"] is None
    assert "c/2023-02.xlsx:\n    " in result.stderr and "no such data file" in result.stderr
    assert sorted(snapshot(work)) == OUTPUTS


def test_a_rerun_skips_unchanged_jobs(work: Path) -> None:
    assert run(work).returncode == 0
    before = snapshot(work)
    result = run(work)
    assert result.returncode == 0, result.stderr
    assert statuses(result) == dict.fromkeys(OUTPUTS, "skipped")
    assert "4 workbooks: 4 skipped, 0 failed" in result.stdout
    assert snapshot(work) == before  # not even rewritten with the same bytes
    assert {e["status"] for e in manifest(work).values()} == {"skipped"}


def test_changing_a_data_file_rebuilds_only_its_jobs(work: Path) -> None:
    assert run(work).returncode == 0
    before = snapshot(work)
    (work / "data" / "b.csv").write_text(data_csv(30), encoding="utf-8")
    result = run(work)
    assert result.returncode == 0, result.stderr
    assert statuses(result) == {
        "a/2023-02.xlsx": "skipped",
        "a/2023-03.xlsx": "skipped",
        "b/2023-02.xlsx": "built",
        "b/2023-03.xlsx": "built",
    }
    after = snapshot(work)
    assert after["a/2023-02.xlsx"] == before["a/2023-02.xlsx"]
    assert after["a/2023-03.xlsx"] == before["a/2023-03.xlsx"]
    assert after["b/2023-03.xlsx"] != before["b/2023-03.xlsx"]
    entries = manifest(work)
    assert entries["b/2023-03.xlsx"]["sha256"] == sha256(work / "out" / "b" / "2023-03.xlsx")


def test_changing_a_parameter_or_the_definition_rebuilds(work: Path) -> None:
    assert run(work).returncode == 0
    (work / "card.toml").write_text(CARD.format(organisation="Renamed Trust"), encoding="utf-8")
    result = run(work)
    assert statuses(result) == dict.fromkeys(OUTPUTS, "built")


def test_force_rebuilds_every_job(work: Path) -> None:
    assert run(work).returncode == 0
    result = run(work, "--force")
    assert result.returncode == 0, result.stderr
    assert statuses(result) == dict.fromkeys(OUTPUTS, "built")
    entries = manifest(work)
    for name in OUTPUTS:
        assert entries[name]["status"] == "built"
        assert entries[name]["sha256"] == sha256(work / "out" / name)


def test_two_jobs_with_one_output_are_refused_before_anything_runs(work: Path) -> None:
    (work / "batch.toml").write_text(BATCH.replace("{code}/{period}.xlsx", "{code}.xlsx"), encoding="utf-8")
    result = run(work)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "batch.toml: output: got 'a.xlsx'; one job per output file, but 2 jobs write it" in result.stderr
    assert "output: got 'b.xlsx'" in result.stderr  # every clash, at once
    assert "{period}" in result.stderr
    assert not (work / "out").exists()


def test_a_file_the_batch_did_not_write_is_never_replaced(work: Path) -> None:
    (work / "out" / "a").mkdir(parents=True)
    theirs = work / "out" / "a" / "2023-03.xlsx"
    theirs.write_bytes(USER_BYTES)
    for args in ((), ("--force",)):
        result = run(work, *args)
        assert result.returncode == 1
        assert statuses(result)["a/2023-03.xlsx"] == "failed"
        assert "exists and was not written by this batch" in result.stderr
        assert theirs.read_bytes() == USER_BYTES
    assert statuses(result)["a/2023-02.xlsx"] == "built"  # the others still run
    assert manifest(work)["a/2023-03.xlsx"]["sha256"] is None  # and it is not claimed


def test_a_workbook_changed_since_the_batch_wrote_it_is_never_replaced(work: Path) -> None:
    assert run(work).returncode == 0
    typed_into = work / "out" / "b" / "2023-02.xlsx"
    edited = typed_into.read_bytes() + b"commentary"
    typed_into.write_bytes(edited)
    result = run(work, "--force")
    assert result.returncode == 1
    assert "has changed since this batch wrote it" in result.stderr
    assert typed_into.read_bytes() == edited
    assert statuses(result) == {**dict.fromkeys(OUTPUTS, "built"), "b/2023-02.xlsx": "failed"}


def test_a_failed_rebuild_keeps_the_batch_owning_its_workbook(work: Path) -> None:
    assert run(work).returncode == 0
    good = (work / "data" / "a.csv").read_text(encoding="utf-8")
    before = snapshot(work)
    (work / "data" / "a.csv").write_text(good.replace(",11\n", ",abc\n"), encoding="utf-8")
    result = run(work)
    assert result.returncode == 1
    assert "value: got 'abc'" in result.stderr
    assert snapshot(work) == before  # the old workbooks are untouched
    entry = manifest(work)["a/2023-02.xlsx"]
    assert entry["status"] == "failed" and entry["fingerprint"] is None
    assert entry["sha256"] == sha256(work / "out" / "a" / "2023-02.xlsx")  # still the batch's own
    (work / "data" / "a.csv").write_text(good.replace(",11\n", ",15\n"), encoding="utf-8")
    result = run(work)
    assert result.returncode == 0, result.stderr
    assert statuses(result)["a/2023-02.xlsx"] == "built"


def test_dry_run_lists_the_jobs_and_writes_nothing(work: Path) -> None:
    result = run(work, "--dry-run")
    assert result.returncode == 0, result.stderr
    for name in OUTPUTS:
        assert name in result.stdout
    assert "4 jobs: 4 would build; nothing was written" in result.stdout
    assert not (work / "out").exists()


def test_progress_is_one_line_per_finished_job_when_not_a_terminal(work: Path) -> None:
    result = run(work)
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == 4 and "\r" not in result.stderr
    assert lines[-1].startswith("[4/4] built ")
    quiet = run(work, "--quiet", "--force")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""


def test_progress_redraws_one_line_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress(stream, 3)
    job = batch.Job("a/2023-03.xlsx", None, None, (), "2023-03", "", {})
    progress.finished(batch.JobResult(job, batch.BUILT, 0.5))
    progress.finished(batch.JobResult(job, batch.FAILED, error="broken"))
    progress.close()
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1
    assert "2/3: 1 done, 1 failed, 0:00  a/2023-03.xlsx" in text


def test_manifest_path_can_be_given(work: Path) -> None:
    result = run(work, "--manifest", "elsewhere/record.json")
    assert result.returncode == 0, result.stderr
    document = json.loads((work / "elsewhere" / "record.json").read_text(encoding="utf-8"))
    assert sorted(e["path"] for e in document["outputs"]) == [f"../out/{name}" for name in OUTPUTS]
    assert not (work / "out" / "manifest.json").exists()
    assert statuses(run(work, "--manifest", "elsewhere/record.json")) == dict.fromkeys(OUTPUTS, "skipped")


# --- the batch file -----------------------------------------------------------------------------


def write_batch(folder: Path, text: str) -> Path:
    path = folder / "batch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_in_a_batch_file_is_reported_at_once(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_batch(
        work,
        """\
[defaults]
template = "card.toml"
ouput = "x.xlsx"
params = { period = "2023-01" }

[for_each]
period = "March"
variant = ["board"]
""",
    )
    assert main(["batch", str(work / "batch.toml")]) == 2
    err = capsys.readouterr().err
    assert "batch.toml, [defaults]: ouput: got 'x.xlsx'; an unknown field" in err
    assert "params.period: got '2023-01'; 'period' is set by the batch" in err
    assert "[for_each]: period: got 'March'" in err
    assert "[for_each]: variant: got 'board'; a variant defined in a [variants.NAME] table" in err
    assert not (work / "out").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("{code}/{period}.xlsx", "{la_code}/{period}.xlsx"), "output/name: got '{la_code}'"),
        (("data/{code}.csv", "data/{la}.csv"), "template/data: got '{la}'"),
        (("{code}/{period}.xlsx", "../{code}-{period}.xlsx"), "inside the output folder"),
        (("{code}/{period}.xlsx", "{code}/{period}.csv"), "a file name ending .xlsx"),
        (("{code}/{period}.xlsx", "/tmp/{code}-{period}.xlsx"), "inside the output folder"),
        (('period = "2023-02..2023-03"', 'period = "2023-03..2023-02"'), "from an earlier month"),
        (("[for_each]", "[for_each]\ncolour = 1"), "[for_each]: colour: got 1; an unknown field"),
    ],
)
def test_a_bad_batch_file_is_refused_with_exit_code_2(
    work: Path, capsys: pytest.CaptureFixture[str], change: tuple[str, str], message: str
) -> None:
    write_batch(work, BATCH.replace(*change))
    assert main(["batch", str(work / "batch.toml")]) == 2
    assert message in capsys.readouterr().err
    assert not (work / "out").exists()


def test_a_missing_batch_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml: no such batch file" in capsys.readouterr().err


def test_periods_all_latest_ranges_and_lists(tmp_path: Path) -> None:
    def periods(spec: str) -> list[str | None]:
        text = f'[defaults]\noutput = "{{period}}.xlsx"\n\n[for_each]\nperiod = {spec}\n'
        return [job.period for job in plan(load_batch(write_batch(tmp_path, text)))]

    assert periods('"all"') == SAMPLE_MONTHS
    assert periods('"latest"') == ["2023-03"]
    assert periods('"2022-11..2023-01"') == ["2022-11", "2022-12", "2023-01"]
    assert periods('["2023-03", "2022-10..2022-11", "2023-03"]') == ["2023-03", "2022-10", "2022-11"]


def test_unreadable_data_for_all_periods_is_one_failed_job(work: Path) -> None:
    text = BATCH.replace('{ code = "b" }', '{ code = "c" }').replace('"2023-02..2023-03"', '"all"')
    jobs = plan(load_batch(write_batch(work, text.replace("{code}/{period}", "{variant}/{code}/{period}"))))
    assert [(j.name, j.problem is None) for j in jobs] == [
        ("a/2023-01.xlsx", True),  # an empty {variant} leaves no empty folder name
        ("a/2023-02.xlsx", True),
        ("a/2023-03.xlsx", True),
        ("c: all periods", False),
    ]
    assert jobs[-1].output is None and "c.csv: no such data file" in (jobs[-1].problem or "")


def test_variants_organisations_and_explicit_jobs(work: Path) -> None:
    (work / "public.toml").write_text(CARD.format(organisation="Test Trust"), encoding="utf-8")
    (work / "las.csv").write_text("code,name\na,Alpha\nb,Beta Council\n", encoding="utf-8")
    batch_file = write_batch(
        work,
        """\
[defaults]
template = "card.toml"
data = ["data/{code}.csv"]
output_folder = "out"
output = "{variant}/{code}/{period}.xlsx"
params = { tier = "upper" }

[variants.board]
params = { audience = "Board" }

[variants.public]
template = "public.toml"
output = "public/{organisation_slug}-{period}.xlsx"

[for_each]
variant = "all"
organisation = "las.csv"
period = "2023-03"

[[jobs]]
name = "special {code}"
variant = "board"
params = { code = "b", name = "Beta" }
period = "2023-01"
output = "special.xlsx"
""",
    )
    # Both organisations' public workbooks take their name from the one definition: a clash.
    with pytest.raises(InputError, match=r"output: got 'public/test-trust-2023-03\.xlsx'"):
        plan(load_batch(batch_file))
    text = batch_file.read_text(encoding="utf-8").replace("{organisation_slug}", "{name}")
    jobs = plan(load_batch(write_batch(work, text)))
    out = work / "out"
    assert [(j.name, j.output) for j in jobs] == [
        ("board/a/2023-03.xlsx", out / "board/a/2023-03.xlsx"),
        ("board/b/2023-03.xlsx", out / "board/b/2023-03.xlsx"),
        ("public/Alpha-2023-03.xlsx", out / "public/Alpha-2023-03.xlsx"),
        ("public/Beta Council-2023-03.xlsx", out / "public/Beta Council-2023-03.xlsx"),
        ("special b", out / "special.xlsx"),
    ]
    board_a, _, public_a, _, special = jobs
    assert board_a.params == {"tier": "upper", "audience": "Board", "code": "a", "name": "Alpha"}
    assert board_a.definition == work / "card.toml" and public_a.definition == work / "public.toml"
    assert board_a.data == (work / "data" / "a.csv",)
    assert special.data == (work / "data" / "b.csv",) and special.period == "2023-01"
    assert special.variant == "board" and special.params["audience"] == "Board"


def test_inputs_are_loaded_once_per_worker_for_jobs_that_share_them(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    real = worker.load_inputs

    def counting(*args: Any) -> Any:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(worker, "load_inputs", counting)
    worker._CACHE.clear()
    report = batch.run_batch(work / "batch.toml", jobs=1)  # in this process, so the calls are seen
    assert [r.status for r in report.results] == ["built"] * 4
    assert len(calls) == 2  # one load per organisation's data, not one per workbook


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["batch", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "--dry-run" in out and "--jobs" in out and "--manifest" in out


def test_the_first_examples_in_the_docs_plan_the_sample_months(tmp_path: Path) -> None:
    for document, section in (
        ("README.md", "### Many workbooks at once"),
        ("docs/batch.md", "## A first batch file"),
    ):
        text = (REPO / document).read_text(encoding="utf-8").split(section, 1)[1]
        block = text.split("```toml\n", 1)[1].split("```", 1)[0]
        jobs = plan(load_batch(write_batch(tmp_path, block)))
        assert [job.period for job in jobs] == SAMPLE_MONTHS, document
        assert jobs[0].name == "northamptonshire-childrens-trust/2022-10/scorecard.xlsx"


# --- options from the batch file ------------------------------------------------------------------


def test_publish_and_protect_reach_every_job_from_the_batch_file(work: Path) -> None:
    import os

    import openpyxl

    (work / "data" / "a.csv").write_text(
        data_csv(3), encoding="utf-8"
    )  # counts 3, 4, 5 and their YTD 12: suppressed
    options = 'output = "{code}/{period}.xlsx"\npublish = true\nprotect = true\n'
    (work / "batch.toml").write_text(
        BATCH.replace('output = "{code}/{period}.xlsx"\n', options), encoding="utf-8"
    )
    without_password = {k: v for k, v in os.environ.items() if k != "SCORECARD_XL_PROTECT_PASSWORD"}
    refused = run_cli("batch", "batch.toml", cwd=work, env=without_password)
    assert refused.returncode == 2 and "SCORECARD_XL_PROTECT_PASSWORD" in refused.stderr, refused.stderr
    assert not (work / "out").exists()  # refused before anything was written

    result = run_cli(
        "batch",
        "batch.toml",
        "--jobs",
        "2",
        cwd=work,
        env={**without_password, "SCORECARD_XL_PROTECT_PASSWORD": "pw"},
    )
    assert result.returncode == 0, result.stderr
    for output in OUTPUTS:
        book = openpyxl.load_workbook(work / "out" / output)
        assert book.security is not None and book.security.lockStructure
        assert all(sheet.protection.sheet for sheet in book.worksheets)
    book = openpyxl.load_workbook(work / "out" / "a" / "2023-03.xlsx", read_only=True)
    rows = [row for row in book["Data"].iter_rows(values_only=True) if row[0] == "M1"]
    book.close()
    # The Data table: Measure, Series, Period, Value, Title, Section.
    suppressed = [row for row in rows if row[1] == "actual" and row[2] in ("2023-01", "2023-02", "2023-03")]
    assert [row[3] for row in suppressed] == ["[c]"] * 3  # published: the GSS shorthand
    assert not any(row[3] in (3, 4, 5, 12) for row in rows)  # nor their year-to-date sum


def test_a_bad_publish_value_names_the_field_and_what_is_accepted(work: Path) -> None:
    text = BATCH.replace("[for_each]", "publish = 0\n\n[for_each]")
    (work / "batch.toml").write_text(text, encoding="utf-8")
    result = run(work)
    assert result.returncode == 2
    assert "batch.toml, [defaults]: publish: got 0; true (counts 1 to 5 become c)" in result.stderr, (
        result.stderr
    )
