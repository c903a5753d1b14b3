"""Progress on a terminal: one line on stderr, redrawn in place, saying what a long step is doing
and for how long; nothing at all when the stream is not a terminal (piped, a log, CI), so output
that scripts read never carries it. The batch's counted progress draws with the same line.

A step that is one long wait (openxml-audit's schema check, an SMTP server) keeps its elapsed
seconds ticking from a background thread, so the line never looks stuck.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from types import TracebackType
from typing import TextIO

TICK = 0.5  # seconds between redraws of a step's elapsed time


class TerminalLine:
    """A line of text on `stream` redrawn in place (a carriage return and padding), cut to the
    terminal's width so it never wraps. `active` is false, and drawing does nothing, when the
    stream is not a terminal."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.active = bool(stream is not None and _is_terminal(stream))
        self._width = 0
        self._lock = threading.Lock()

    def draw(self, text: str) -> None:
        if not self.active or self.stream is None:
            return
        with self._lock:
            text = text[: max(shutil.get_terminal_size().columns - 1, 40)]
            self.stream.write("\r" + text.ljust(self._width))
            self.stream.flush()
            self._width = len(text)

    def end(self, keep: bool = False) -> None:
        """Finish the line: keep its text (a newline after it) or rub it out, so what the command
        prints next starts at the left margin."""
        if not self.active or self.stream is None or not self._width:
            return
        with self._lock:
            self.stream.write("\n" if keep else "\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def bar(done: int, total: int, width: int = 20) -> str:
    """`[#####...............]`: `done` of `total` as a bar of `width` characters."""
    filled = width * done // total if total else width
    return f"[{'#' * filled}{'.' * (width - filled)}]"


def clock(seconds: float) -> str:
    """Elapsed time as minutes and seconds: 0:07, 2:15."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


class Status:
    """What a command is doing, for a person watching a terminal: `step("checking the schema")`
    shows `scorecard-xl check: checking the schema 0:03`, ticking; `count(3, 153, "940")` a bar.
    A context manager: leaving it rubs the line out. Silent unless `stream` is a terminal
    (default: stderr)."""

    def __init__(self, command: str, stream: TextIO | None = None) -> None:
        self.command = command
        self.line = TerminalLine(sys.stderr if stream is None else stream)
        self.started = time.monotonic()
        self._text = ""
        self._step_started = self.started
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    @property
    def active(self) -> bool:
        return self.line.active

    def step(self, text: str) -> None:
        """A step begins: say what it is, with its elapsed time kept ticking until the next one."""
        if not self.active:
            return
        self._text, self._step_started = text, time.monotonic()
        self._draw()
        if self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="scorecard-xl progress", daemon=True)
            self._ticker.start()

    def count(self, done: int, total: int, current: str = "") -> None:
        """`done` of `total` items finished, `current` the one in hand: a bar and the time so far."""
        if not self.active:
            return
        now = f": {current}" if current else ""
        self._text = f"{bar(done, total)} {done}/{total}{now}"
        self._step_started = self.started
        self._draw()

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        self.line.end()

    def __enter__(self) -> Status:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _draw(self) -> None:
        self.line.draw(f"{self.command}: {self._text} {clock(time.monotonic() - self._step_started)}")

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            self._draw()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream is no terminal
        return False
