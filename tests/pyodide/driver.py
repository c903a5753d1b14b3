"""The Python half of tests/pyodide/run.mjs: runs INSIDE Pyodide, never in CPython.

run.mjs loads this file once, calls `install` with the wheel files it was given, then `run` once per
request line. Wheels are unpacked into site-packages, which is what micropip does with a pure-Python
wheel once it has downloaded it (no network here, and the npm package ships no micropip).
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import io
import json
import os
import site
import sys
import time
import traceback
import zipfile
from pathlib import Path
from typing import Any

from pyodide.code import eval_code_async  # type: ignore[import-not-found]

_calls = 0


def install(paths: list[str]) -> str:
    """Unpack each wheel into site-packages; answer the installed distributions as JSON."""
    target = site.getsitepackages()[0]
    installed = []
    for path in paths:
        with zipfile.ZipFile(path) as wheel:
            wheel.extractall(target)
        name, version = Path(path).name.split("-")[:2]
        installed.append(f"{name}=={version}")
    importlib.invalidate_caches()
    return json.dumps(
        {
            "installed": installed,
            "python": sys.version.split()[0],
            "platform": sys.platform,
        }
    )


def _jsonable(value: Any) -> Any:
    # bytes cross as base64; tests/pyodide_runner.py turns {"__bytes__": ...} back into bytes.
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"__bytes__": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot send {type(value).__name__} back from Pyodide: return JSON, bytes or a set")


async def run(request_json: str) -> str:
    """Run one request's code in a fresh namespace, in a fresh folder holding its files, with its
    environment variables set for the call; answer the last expression's value as JSON."""
    global _calls
    _calls += 1
    request = json.loads(request_json)
    folder = Path(f"/tmp/call{_calls}")
    for name, data in request.get("files", {}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
    folder.mkdir(parents=True, exist_ok=True)
    saved_env = dict(os.environ)
    os.environ.update(request.get("env", {}))
    old_cwd = os.getcwd()
    os.chdir(folder)
    output = io.StringIO()
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(output):
            value = await eval_code_async(request["code"], globals={"__name__": "__main__"})
        seconds = time.perf_counter() - started
        answer = {"ok": True, "result": value, "seconds": seconds, "stdout": output.getvalue()}
        return json.dumps(answer, default=_jsonable)
    except BaseException:
        return json.dumps({"ok": False, "error": traceback.format_exc(), "stdout": output.getvalue()})
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
