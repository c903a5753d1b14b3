"""A batch killed with SIGKILL (the main process alone, or its whole process group, as the
out-of-memory killer or a closed terminal would): its workers exit, and the next run recovers by
itself, with every workbook built and recorded, no error, and no temporary file left behind.

Real processes killed with real signals, on Linux (the kill timings are what they are: each kill
lands while workers are building and replacing files)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_process import run_cli

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL and /proc: Linux"),
    pytest.mark.slow(seconds=16),
]

ORGANISATIONS = [f"Trust {letter}" for letter in "ABCDEFGH"]
BATCH = (
    '[defaults]\noutput_folder = "out"\noutput = "{organisation_slug}/{period}.xlsx"\n\n[for_each]\n'
    f'period = "all"\norganisation = {json.dumps(ORGANISATIONS)}\n'
)
JOBS = len(ORGANISATIONS) * 6  # the sample holds six months


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


def start(folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "scorecard_xl.cli", "batch", "batch.toml", "--jobs", "2", "--quiet"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, to kill as a group
    )


def kill_when_writing(process: subprocess.Popen[bytes], folder: Path, after: int, group: bool) -> list[int]:
    """SIGKILL `process` (and its group) once `after` more workbooks than now exist; returns its
    workers' process ids, gathered just before."""
    out = folder / "out"
    target = len(list(out.rglob("*.xlsx"))) + after if out.exists() else after
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if out.exists() and len(list(out.rglob("*.xlsx"))) >= target:
            break
        time.sleep(0.02)
    workers = children_of(process.pid)
    if group:
        os.killpg(process.pid, signal.SIGKILL)
    else:
        process.kill()
    process.wait()
    return workers


def test_killed_batches_leave_no_workers_and_the_next_run_recovers(tmp_path: Path) -> None:
    (tmp_path / "batch.toml").write_text(BATCH, encoding="utf-8")
    kills = [(2, False), (5, True), (3, False), (6, False), (4, True), (3, False)]
    for after, group in kills:
        process = start(tmp_path)
        workers = kill_when_writing(process, tmp_path, after, group)
        assert workers, "the kill came before any worker started"
        deadline = time.monotonic() + 10
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if alive(w)], "workers outlived the batch they worked for"
    final = run_cli("batch", "batch.toml", "--jobs", "2", cwd=tmp_path)
    assert final.returncode == 0, final.stderr
    assert "has changed since this batch wrote it" not in final.stderr
    assert f"{JOBS} workbooks: " in final.stdout and " 0 failed" in final.stdout
    document = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in document["outputs"]}
    books = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.xlsx"))
    assert len(books) == JOBS and sorted(entries) == books
    assert all(e["status"] in ("built", "skipped") and e["sha256"] for e in entries.values())
    leftovers = [p.name for p in tmp_path.rglob("*") if ".scxl-" in p.name or p.name.endswith(".intents")]
    assert leftovers == [], "temporary files or intents left behind"
    again = run_cli("batch", "batch.toml", "--jobs", "2", cwd=tmp_path)
    assert again.returncode == 0 and f"{JOBS} skipped" in again.stdout


def test_a_skipped_workbook_loses_the_temporary_file_a_killed_write_left(tmp_path: Path) -> None:
    """A process SIGKILLed while replacing a workbook leaves `.NAME.scxl-PID-*.tmp` beside it. The
    workbook itself is unchanged, so the next run without --force skips it: skipping must remove
    the leftover too, as a build would."""
    (tmp_path / "batch.toml").write_text(
        '[defaults]\noutput_folder = "out"\noutput = "{period}.xlsx"\n\n[for_each]\nperiod = "latest"\n',
        encoding="utf-8",
    )
    first = run_cli("batch", "batch.toml", "--jobs", "1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    (book,) = (tmp_path / "out").glob("*.xlsx")
    # A real writer, killed mid-write: it copies from a FIFO nobody writes to, so it waits inside
    # the atomic write, its temporary file made, until the kill.
    fifo = tmp_path / "never_written"
    os.mkfifo(fifo)
    code = "import sys; from pathlib import Path; from scorecard_xl.atomic import copy_atomically; "
    code += "copy_atomically(Path(sys.argv[1]), Path(sys.argv[2]))"
    writer = subprocess.Popen([sys.executable, "-c", code, str(fifo), str(book)])
    deadline = time.monotonic() + 30
    while not list(book.parent.glob(f".{book.name}.scxl-{writer.pid}-*.tmp")):
        assert time.monotonic() < deadline and writer.poll() is None, "the writer made no temporary file"
        time.sleep(0.02)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    (leftover,) = book.parent.glob(f".{book.name}.scxl-*.tmp")

    again = run_cli("batch", "batch.toml", "--jobs", "1", cwd=tmp_path)
    assert again.returncode == 0 and "1 skipped" in again.stdout, again.stdout + again.stderr
    assert not leftover.exists(), "the killed write's temporary file was left beside a skipped workbook"
