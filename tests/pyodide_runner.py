"""Run Python inside real Pyodide (the runtime xlwings Lite uses) from the tests, and the same code in
CPython, so the two can be compared.

    from pyodide_runner import run_in_cpython, run_in_pyodide
    run_in_pyodide("import sys; sys.platform")                                  # 'emscripten'
    run_in_pyodide("open('a.txt').read()", files={"a.txt": b"hi"})             # 'hi'
    run_in_pyodide("from scorecard_xl import render, load_inputs; render(load_inputs())[1]",
                   env={"SOURCE_DATE_EPOCH": "1681291800"})                     # the .xlsx bytes

The code runs in a fresh namespace (top-level await allowed), in a fresh folder holding `files`, with
`env` set for the call; the value of its last expression comes back through JSON (bytes stay bytes;
tuples become lists; modules stay imported between calls, as in Lite's one interpreter). One
Node process serves the whole test session: Pyodide starts once and installs, from local wheel files,
scorecard-xl (built from this checkout) and the pure-Python packages it needs: xlsxwriter, openpyxl,
et-xmlfile, and xlwings, whose remote engine (`xw.Book(json=payload)`, `book.json()`) runs there
unchanged. Their versions are those installed in this Python, so both runtimes run the same code.
Nothing is fetched from the network inside Pyodide; the wheels are downloaded once, by pip, into
tests/pyodide/wheels/. Node and `npm ci --prefix tests/pyodide` are required (tests/run.sh installs
them): when missing, the call fails and says so; it never skips.
"""

from __future__ import annotations

import ast
import asyncio
import atexit
import base64
import importlib.metadata
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from checkout_wheel import checkout_wheel

REPO = Path(__file__).resolve().parent.parent
HARNESS = REPO / "tests" / "pyodide"
WHEEL_CACHE = HARNESS / "wheels"
PYODIDE_PYTHON = "3.12"  # Pyodide 0.27.5's Python: dependency wheels (pure Python) are chosen for it
# Each Pyodide the tests run: its folder holds the pyodide npm package (npm ci there). "pinned" is
# 0.27.5, what the tests always ran; "latest" the newest xlwings Lite runs (314.x, Python 3.14).
PYODIDES = {"pinned": HARNESS, "latest": REPO / "tests" / "pyodide-latest"}
DEPENDENCIES = ("xlsxwriter", "openpyxl", "et-xmlfile", "xlwings")
# xlwings reads its licence on import; its remote engine is free for noncommercial use (as conftest.py).
DEFAULT_ENV = {"XLWINGS_LICENSE_KEY": "noncommercial"}
INSTALL_HINT = (
    "install Node.js 20 with npm, then run `npm ci --prefix tests/pyodide` and `npm ci --prefix "
    "tests/pyodide-latest` (tests/run.sh does both)"
)


class PyodideError(AssertionError):
    """The code raised inside Pyodide (the message is its traceback), or Pyodide could not run."""


def _pip(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "-q"],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise PyodideError(f"pip {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def dependency_wheels() -> list[Path]:
    """The pure-Python wheels of scorecard-xl's run-time packages, each at the version this Python has,
    downloaded once into tests/pyodide/wheels/."""
    wheels = []
    for name in DEPENDENCIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            raise PyodideError(f"{name} is not installed here: pip install -e '.[test]'") from None
        stem = name.replace("-", "_").lower()
        found = [p for p in WHEEL_CACHE.glob("*.whl") if p.name.lower().startswith(f"{stem}-{version}-")]
        if not found:
            WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
            # --platform any: only a pure-Python wheel will do; Pyodide cannot load a compiled one.
            _pip(
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--platform",
                "any",
                "--python-version",
                PYODIDE_PYTHON,
                "-d",
                str(WHEEL_CACHE),
                f"{name}=={version}",
            )
            found = [p for p in WHEEL_CACHE.glob("*.whl") if p.name.lower().startswith(f"{stem}-{version}-")]
        if not found:
            raise PyodideError(f"pip found no pure-Python wheel of {name}=={version}")
        wheels.append(found[0])
    return wheels


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__bytes__"}:
            return base64.b64decode(value["__bytes__"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


class PyodideSession:
    """One Node process running Pyodide with the wheels installed; `run` sends it code."""

    def __init__(self, wheels: list[Path], timeout: float = 300, folder: Path = HARNESS) -> None:
        node = shutil.which("node")
        if node is None:
            raise PyodideError(f"Node.js is not installed: {INSTALL_HINT}")
        if not (folder / "node_modules" / "pyodide" / "pyodide.mjs").exists():
            raise PyodideError(f"the pyodide npm package is not installed in {folder}: {INSTALL_HINT}")
        self._stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in close())
        self._process = subprocess.Popen(
            [node, str(HARNESS / "run.mjs"), f"--pyodide={folder}", *map(str, wheels)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )
        self._lock = threading.Lock()
        self.ready: dict[str, Any] = self._read(timeout)

    def _read(self, timeout: float) -> dict[str, Any]:
        stdout: IO[str] | None = self._process.stdout
        assert stdout is not None
        timer = threading.Timer(timeout, self._process.kill)  # a hung Pyodide fails the test, never hangs it
        timer.start()
        try:
            line = stdout.readline()
        finally:
            timer.cancel()
        if not line:
            self._stderr.seek(0)
            code = self._process.poll()
            raise PyodideError(
                f"the Pyodide runner stopped (exit code {code}):\n{self._stderr.read()[-3000:]}"
            )
        answer: dict[str, Any] = json.loads(line)
        return answer

    def run_raw(
        self,
        code: str,
        files: Mapping[str, bytes] | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 300,
    ) -> dict[str, Any]:
        """The runner's whole answer: ok, result (still JSON-encoded), seconds, stdout or error."""
        request = {
            "code": code,
            "files": {name: base64.b64encode(data).decode("ascii") for name, data in (files or {}).items()},
            "env": {**DEFAULT_ENV, **(env or {})},
        }
        with self._lock:
            stdin = self._process.stdin
            assert stdin is not None
            try:
                stdin.write(json.dumps(request) + "\n")
                stdin.flush()
            except BrokenPipeError:
                pass  # _read reports the runner's exit and its stderr
            return self._read(timeout)

    def run(
        self,
        code: str,
        files: Mapping[str, bytes] | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 300,
    ) -> Any:
        """The value of the code's last expression; PyodideError with the traceback if it raised."""
        answer = self.run_raw(code, files, env, timeout)
        if not answer["ok"]:
            raise PyodideError(f"inside Pyodide:\n{answer['error']}")
        return _decode(answer["result"])

    def close(self) -> None:
        if self._process.poll() is None:
            if self._process.stdin:
                self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdout:
            self._process.stdout.close()
        self._stderr.close()


_sessions: dict[str, PyodideSession] = {}


def installed_wheels() -> list[Path]:
    """The wheels every session installs: scorecard-xl's, built once per test run from this
    checkout (checkout_wheel), then its run-time dependencies'."""
    return [checkout_wheel(), *dependency_wheels()]


def session(pyodide: str = "pinned") -> PyodideSession:
    """The test session's Pyodide (a key of PYODIDES), started on first use and shared."""
    if pyodide not in _sessions:
        if not _sessions:
            atexit.register(_close)
        _sessions[pyodide] = PyodideSession(installed_wheels(), folder=PYODIDES[pyodide])
    return _sessions[pyodide]


def _close() -> None:
    for started in _sessions.values():
        started.close()
    _sessions.clear()


def run_in_pyodide(
    code: str,
    files: Mapping[str, bytes] | None = None,
    env: Mapping[str, str] | None = None,
    pyodide: str = "pinned",
) -> Any:
    """Run `code` inside Pyodide (see the module's docstring) and return its last expression's value;
    `pyodide` picks which (PYODIDES)."""
    return session(pyodide).run(code, files, env)


def run_in_cpython(
    code: str, files: Mapping[str, bytes] | None = None, env: Mapping[str, str] | None = None
) -> Any:
    """The same as run_in_pyodide, in this process's CPython: a fresh namespace, a fresh folder holding
    `files`, `env` set for the call and restored after, top-level await allowed. Returns the value
    through the same JSON, so both runtimes' answers compare like for like."""
    tree = ast.parse(code)
    if tree.body and isinstance(tree.body[-1], ast.Expr):  # keep the last expression's value
        last = tree.body[-1]
        tree.body[-1] = ast.Assign([ast.Name("__result__", ast.Store())], last.value)
        ast.fix_missing_locations(ast.copy_location(tree.body[-1], last))
    # Top-level await, as in Pyodide (and Lite's async scripts).
    compiled = compile(tree, "<cpython>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    saved_env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="cpython-call-") as folder:
        for name, data in (files or {}).items():
            path = Path(folder) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.environ.update({**DEFAULT_ENV, **(env or {})})
        old_cwd = os.getcwd()
        os.chdir(folder)  # not contextlib.chdir: Python 3.10 is supported
        try:
            pending = eval(compiled, namespace)
            if inspect.iscoroutine(pending):
                asyncio.run(pending)
        finally:
            os.chdir(old_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
    value = namespace.get("__result__")
    return _decode(json.loads(json.dumps(value, default=_to_json)))


def _to_json(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"__bytes__": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot send {type(value).__name__} back: return JSON, bytes or a set")
