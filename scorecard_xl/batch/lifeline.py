"""A worker ends when the batch's main process ends, however it ends.

A main process killed with SIGKILL (or by the out-of-memory killer) runs no clean-up, and its pool
workers, idle on their task queue, would wait forever, re-parented to init. So each worker, as it
starts, asks Linux to kill it when its parent dies (prctl PR_SET_PDEATHSIG, through ctypes), and,
on every system, runs a watchdog thread that exits as soon as the parent's sentinel closes or the
parent process id changes (a re-parented orphan). A worker ended this way may leave a temporary
file half-written; the next write to that output removes it (atomic.remove_leftovers), and the
next batch run recovers any file it had already replaced (batch.intents).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_INTERVAL = 1.0  # seconds between checks of the parent's process id


def exit_with_parent() -> None:
    """Call in a worker as it starts (the pool's initializer)."""
    parent_pid = os.getppid()
    if sys.platform.startswith("linux"):
        _die_with_parent_on_linux()
        if os.getppid() != parent_pid:  # the parent died before the request was made
            os._exit(1)
    parent = multiprocessing.parent_process()
    sentinel = parent.sentinel if parent is not None else None
    threading.Thread(target=_watch, args=(parent_pid, sentinel), daemon=True, name="lifeline").start()


def _die_with_parent_on_linux() -> None:
    with contextlib.suppress(OSError, AttributeError):  # no libc by that name: the watchdog still works
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _watch(parent_pid: int, sentinel: int | None) -> None:
    pause = threading.Event()
    while True:
        try:
            if sentinel is not None and multiprocessing.connection.wait([sentinel], timeout=WATCH_INTERVAL):
                os._exit(1)  # the parent's end of the pipe closed: it is gone
        except (OSError, ValueError):
            sentinel = None  # cannot be waited on here: the process id check alone
        if sentinel is None:
            pause.wait(WATCH_INTERVAL)
        if os.getppid() != parent_pid:
            os._exit(1)
