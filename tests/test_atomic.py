"""Atomic writes: recognisable temporary files, and the leftovers of a killed write removed by the
next write to the same file (only those: older than this process, from a process that is gone)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from scorecard_xl.atomic import TEMPORARY_MARK, copy_atomically, remove_leftovers, write_atomically
from tests.cli_process import run_cli

LONG_AGO = time.time() - 3600


def temporary(folder: Path, target: str, pid: int, when: float = LONG_AGO, tag: str = "abc123") -> Path:
    path = folder / f".{target}{TEMPORARY_MARK}{pid}-{tag}.tmp"
    path.write_bytes(b"half a workbook")
    os.utime(path, (when, when))
    return path


def finished_pid() -> int:
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


def test_only_a_dead_writers_old_leftovers_for_this_target_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scorecard_xl import atomic

    living = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    time.sleep(1.5)  # its file is written after it started, as a real writer's is
    monkeypatch.setattr(atomic, "_STARTED", time.time() + 2)  # as if this process started later
    try:
        dead = finished_pid()
        gone = temporary(tmp_path, "board.xlsx", dead)
        still_writing = temporary(tmp_path, "board.xlsx", living.pid, when=time.time())
        another_target = temporary(tmp_path, "other.xlsx", dead)
        newer_than_us = temporary(tmp_path, "board.xlsx", dead + 1, when=time.time() + 5)
        # The id of a writer killed an hour ago, now another process's (ids wrap on a busy machine).
        reused_id = temporary(tmp_path, "board.xlsx", living.pid, when=LONG_AGO, tag="old999")
        write_atomically(tmp_path / "board.xlsx", b"the new workbook")
        assert not gone.exists() and not reused_id.exists()
        assert still_writing.exists() and another_target.exists() and newer_than_us.exists()
        assert (tmp_path / "board.xlsx").read_bytes() == b"the new workbook"
        assert remove_leftovers(tmp_path / "board.xlsx") == []
    finally:
        living.kill()
        living.wait()


def test_a_write_killed_half_way_is_cleaned_up_by_the_next_build(tmp_path: Path) -> None:
    """A real process killed with SIGKILL in the middle of writing, then a real build."""
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys, time
                from pathlib import Path
                from scorecard_xl import atomic
                def slowly(stream):
                    stream.write(b"PK half a workbook")
                    stream.flush()
                    print("writing", flush=True)
                    time.sleep(60)
                atomic._replace(Path(sys.argv[1]), slowly, 0o644)
                """
            ),
            str(tmp_path / "scorecard.xlsx"),
        ],
        stdout=subprocess.PIPE,
    )
    assert writer.stdout is not None and writer.stdout.readline() == b"writing\n"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    leftovers = list(tmp_path.glob(f".scorecard.xlsx{TEMPORARY_MARK}*.tmp"))
    assert len(leftovers) == 1 and not (tmp_path / "scorecard.xlsx").exists()
    time.sleep(0.05)  # the build starts after the leftover was last written
    built = run_cli("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["scorecard.xlsx"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_copy_atomically_keeps_bytes_permissions_and_times(tmp_path: Path) -> None:
    source = tmp_path / "board.xlsx"
    source.write_bytes(b"the analyst's workbook")
    os.chmod(source, 0o640)
    os.utime(source, (LONG_AGO, LONG_AGO))
    backup = tmp_path / "board.previous.xlsx"
    backup.write_bytes(b"an older backup")
    copy_atomically(source, backup)
    assert backup.read_bytes() == source.read_bytes()
    assert backup.stat().st_mode & 0o777 == 0o640
    assert abs(backup.stat().st_mtime - LONG_AGO) < 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.previous.xlsx", "board.xlsx"]


def test_clearing_a_batchs_intents_removes_what_a_killed_worker_half_wrote(tmp_path: Path) -> None:
    """A worker killed while recording an intent leaves its temporary file in the intents folder;
    once the manifest records the job, nothing of the folder is left (even if the job was skipped)."""
    from scorecard_xl.batch.intents import clear_intents, intents_folder, record_intent

    folder = intents_folder(tmp_path / "manifest.json")
    output = tmp_path / "board.xlsx"
    record_intent(folder, output, b"the new workbook")
    (entry,) = folder.iterdir()
    temporary(folder, entry.name, finished_pid())
    clear_intents(folder, [output])
    assert not folder.exists()
