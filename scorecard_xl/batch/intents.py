"""The batch's intents: what a worker is about to write, recorded before it replaces a file.

The manifest is saved by the main process after jobs finish, so a batch killed (SIGKILL, the
out-of-memory killer) between a worker's rename and the next save would leave workbooks the
manifest does not know, and the next run would refuse them as not its own. So before each
replacement the worker records the new file's SHA-256 here, one small file per output, written
atomically; the next run counts a file whose bytes match a recorded intent as the batch's own.
An intent is removed once the manifest records the job's result.

Kept beside the manifest in a hidden folder `.MANIFEST.intents/`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from scorecard_xl.atomic import remove_leftovers, write_atomically


def intents_folder(manifest: Path) -> Path:
    return manifest.parent / f".{manifest.name}.intents"


def _entry(folder: Path, output: Path) -> Path:
    key = hashlib.sha256(str(output.resolve()).encode("utf-8")).hexdigest()[:32]
    return folder / f"{key}.json"


def record_intent(folder: Path, output: Path, content: bytes) -> None:
    """Say, durably, that `output` is about to hold `content` (write_atomically flushes it)."""
    folder.mkdir(parents=True, exist_ok=True)
    entry = _entry(folder, output)
    digests = _digests(_read(entry))
    digests.add(hashlib.sha256(content).hexdigest())
    document = {"path": str(output.resolve()), "sha256": sorted(digests)}
    write_atomically(entry, json.dumps(document).encode("utf-8"))


def intended(folder: Path, output: Path) -> set[str]:
    """The SHA-256 of every content a run of this batch was about to write to `output`."""
    document = _read(_entry(folder, output))
    return _digests(document) if document.get("path") == str(output.resolve()) else set()


def clear_intents(folder: Path, outputs: Iterable[Path]) -> None:
    """Forget the intents for `outputs`: the manifest now records them."""
    for output in outputs:
        entry = _entry(folder, output)
        remove_leftovers(entry)  # a worker killed while recording it (its job may now be skipped)
        with contextlib.suppress(OSError):
            entry.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty


def _digests(document: dict[str, object]) -> set[str]:
    found = document.get("sha256")
    return {d for d in found if isinstance(d, str)} if isinstance(found, list) else set()


def _read(entry: Path) -> dict[str, object]:
    try:
        document = json.loads(entry.read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}
