"""A snapshot of an opened library, so that the next start skips reading and parsing.

The window's worker saves the parsed library, glossary, synonyms and taxonomy,
with the HTML of the page it opened on, in the user's cache folder. The next
start uses the snapshot while every file it was made from (documents, sidecars,
the folders holding them, our resources, the core's own code) still has the
same size and modification time; anything else is a miss, and the library is
read as usual. A snapshot that cannot be read is a miss too, never an error.

Snapshots are pickles in the user's own cache folder, which only the user (and
this program) writes to, like the index beside it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index import __version__
from index.paths import resources_dir

if TYPE_CHECKING:
    from index.session import Session

FORMAT = 2
Fingerprint = tuple[tuple[str, int, int], ...]


@dataclass
class Snapshot:
    """A parsed library and the files it was made from."""

    fingerprint: Fingerprint
    session: Session
    pages: dict[str, str] = field(default_factory=dict)  # document id: rendered HTML


def fingerprint(roots: Sequence[Path]) -> Fingerprint:
    """Size and modification time of everything a snapshot depends on.

    A folder's time changes when a file is added, removed or renamed in it, so
    new documents are seen without reading any of them."""
    stamps: list[tuple[str, int, int]] = [(f"oncoref {__version__}", FORMAT, 0)]
    code = Path(__file__).resolve().parent
    _stamp_tree(code, stamps, lambda name: name.endswith(".py"))
    _stamp_tree(resources_dir(), stamps, lambda name: name.endswith((".yaml", ".yml")))
    for root in roots:
        _stamp_tree(Path(root), stamps, lambda name: True)
    return tuple(stamps)


def _stamp_tree(
    top: Path, stamps: list[tuple[str, int, int]], wanted: Callable[[str], bool]
) -> None:
    visited: set[tuple[int, int]] = set()
    pending = [top]
    while pending:
        folder = pending.pop()
        try:
            info = folder.stat()
        except OSError:
            stamps.append((str(folder), -1, -1))
            continue
        if (info.st_dev, info.st_ino) in visited:
            continue
        visited.add((info.st_dev, info.st_ino))
        stamps.append((str(folder), 0, info.st_mtime_ns))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            stamps.append((str(folder), -2, -2))
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            try:
                if entry.is_dir():
                    pending.append(Path(entry.path))
                elif wanted(entry.name):
                    stat = entry.stat()
                    stamps.append((entry.path, stat.st_size, stat.st_mtime_ns))
            except OSError:
                stamps.append((entry.path, -1, -1))


def snapshot_path(index_dir: Path) -> Path:
    """Beside the library's index, under the same key."""
    return index_dir.with_name(index_dir.name + ".snapshot")


def load_snapshot(path: Path, current: Fingerprint) -> Snapshot | None:
    """The snapshot at `path` if it was made from exactly these files, else None."""
    try:
        with path.open("rb") as f:
            snapshot = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # damaged, or written by another version: read the library instead
        return None
    if not isinstance(snapshot, Snapshot) or snapshot.fingerprint != current:
        return None
    return snapshot


def save_snapshot(path: Path, snapshot: Snapshot) -> bool:
    """Write atomically; a cache that cannot be written only costs speed."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as f:
            pickle.dump(snapshot, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return True
    except Exception as exc:
        print(f"oncoref: could not save the startup cache {path}: {exc}", file=sys.stderr)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
