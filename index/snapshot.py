"""A snapshot of an opened library, so that the next start skips reading and parsing.

The window's worker saves the parsed library, glossary, synonyms and taxonomy,
with the HTML of the page it opened on, in the user's cache folder. The next
start uses the snapshot while every file it was made from (documents, sidecars,
the folders holding them, our resources, the core's own code) still has the
same size and modification time. When only documents changed (our code and
resources did not), the snapshot's unchanged documents are taken over and just
the changed, added or removed files are read: one edit costs one document's
parse, not the library's. A snapshot that cannot be read is a miss, never an
error: the library is read as usual.

A snapshot is a pickle, and loading a pickle can run code: so each is sealed
with a keyed hash (BLAKE2b) under a random key of this user's, kept in their
data folder, never beside the snapshot. A snapshot planted in a shared or
`--index-dir` folder, or damaged, fails the check and is never unpickled.

The window reads the snapshot it opened last, and checks its seal, on a thread of
its own while Qt loads (`preload`): reading the file and hashing it let go of
Python's lock, so at a restart they cost no time at all.

The sections' compressed text, most of a snapshot's bytes, is kept beside the
pickle as out-of-band buffers (pickle protocol 5) and handed back as views of the
file read, not copied into thousands of new objects: at 1,000 documents this
cuts the time a fresh process takes to unpickle a snapshot from about 42 ms to 25.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index import __version__
from index.files import write_atomically
from index.paths import cache_dir, data_dir, resources_dir

if TYPE_CHECKING:
    from index.session import Session

FORMAT = 4
# As index.library.MAX_FOLDER_DEPTH (imported there would load the loaders on every start).
MAX_FOLDER_DEPTH = 64
Fingerprint = tuple[tuple[str, int, int], ...]
_MAGIC = b"ONCOREF\x04"
_KEY_FILE = "snapshot.key"
# In the cache folder: the path of the snapshot opened last (what `preload` reads).
_LAST_FILE = "last-snapshot"
_SEAL_BYTES = 32


@dataclass
class Snapshot:
    """A parsed library and the files it was made from."""

    fingerprint: Fingerprint
    session: Session
    pages: dict[str, str] = field(default_factory=dict)  # document id: rendered HTML
    # The part of the fingerprint that is our code and resources: while it is the
    # same, the snapshot's unchanged documents can be taken over one by one.
    base: Fingerprint = ()


def base_fingerprint() -> Fingerprint:
    """Size and modification time of our code and resources: what every parsed
    document and the glossary, synonyms and taxonomy depend on."""
    stamps: list[tuple[str, int, int]] = [(f"oncoref {__version__}", FORMAT, 0)]
    code = Path(__file__).resolve().parent
    _stamp_tree(code, stamps, lambda name: name.endswith(".py"))
    _stamp_tree(resources_dir(), stamps, lambda name: name.endswith((".yaml", ".yml")))
    return tuple(stamps)


def fingerprint(roots: Sequence[Path], base: Fingerprint | None = None) -> Fingerprint:
    """Size and modification time of everything a snapshot depends on: `base` (our
    code and resources, made here when None), then every file of the library.

    A folder's time changes when a file is added, removed or renamed in it, so
    new documents are seen without reading any of them."""
    stamps = list(base_fingerprint() if base is None else base)
    for root in roots:
        _stamp_tree(Path(root), stamps, lambda name: True)
    return tuple(stamps)


def changed_files(old: Fingerprint, new: Fingerprint) -> list[str] | None:
    """The files and folders whose size or time differ between two fingerprints of
    the same names; None when a name was added, removed or renamed, or could not be
    read (then the library must be walked again)."""
    if len(old) != len(new):
        return None
    changed = []
    for (name, size, time), (new_name, new_size, new_time) in zip(old, new, strict=True):
        if name != new_name or new_size < 0:
            return None
        if size != new_size or time != new_time:
            changed.append(name)
    return changed


def _stamp_tree(
    top: Path, stamps: list[tuple[str, int, int]], wanted: Callable[[str], bool]
) -> None:
    try:
        inside = top.resolve()
    except (OSError, RuntimeError):
        inside = top
    visited: set[tuple[int, int]] = set()
    pending = [(top, 0)]
    while pending:
        folder, depth = pending.pop()
        if depth > MAX_FOLDER_DEPTH:
            continue  # the library skips it too
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
                    # As the library: a link to a folder is followed only inside `top`.
                    if not entry.is_symlink() or Path(entry.path).resolve().is_relative_to(inside):
                        pending.append((Path(entry.path), depth + 1))
                elif wanted(entry.name):
                    stat = entry.stat()
                    stamps.append((entry.path, stat.st_size, stat.st_mtime_ns))
            except (OSError, RuntimeError):
                stamps.append((entry.path, -1, -1))


def snapshot_path(index_dir: Path) -> Path:
    """Beside the library's index, under the same key."""
    return index_dir.with_name(index_dir.name + ".snapshot")


def _blake2b(key: bytes) -> Any:
    # The BLAKE2 module itself: importing hashlib would load OpenSSL at every start.
    try:
        from _blake2 import blake2b
    except ImportError:  # another Python than CPython
        from hashlib import blake2b
    return blake2b(key=key, digest_size=_SEAL_BYTES)


def _key(create: bool) -> bytes | None:
    """This user's sealing key (made once, readable by them alone), or None."""
    path = data_dir() / _KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == _SEAL_BYTES:
            return key
    except FileNotFoundError:
        pass
    except OSError:
        return None
    if not create:
        return None
    # Made beside and renamed into place, so a kill never leaves a short key (which
    # would end snapshots for good); a damaged key is replaced the same way.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, os.urandom(_SEAL_BYTES), private=True)
    except OSError:
        return None
    return _key(create=False)


def _seal(key: bytes, parts: Sequence[bytes | memoryview]) -> bytes:
    mac = _blake2b(key)
    for part in parts:  # no joined copy of it all
        mac.update(part)
    return bytes(mac.digest())


# A sealed snapshot file, read: the size of each buffer, the pickle, the buffers.
_Sealed = tuple[list[int], bytes, bytes]


def _read_sealed(path: Path) -> _Sealed | None:
    """The snapshot file at `path` if this user sealed it, else None.

    After the seal: the number of buffers, the size of each and the pickle's size
    (8 bytes each, this machine's order), the pickle, then the buffers one after
    another (the sections' compressed text, see Section.__reduce_ex__). The pickle
    and the buffers are read apart: sections keep views of the buffers, and the
    pickle is let go once unpickled."""
    key = _key(create=False)
    if key is None:
        return None
    head = len(_MAGIC) + _SEAL_BYTES
    try:
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            first = f.read(head + 8)
            count = int.from_bytes(first[head:], sys.byteorder)
            if len(first) != head + 8 or first[: len(_MAGIC)] != _MAGIC or 8 * count > size:
                return None
            listed = f.read(8 * (count + 1))
            if len(listed) != 8 * (count + 1):
                return None
            sizes = memoryview(listed).cast("Q").tolist()
            body = f.read(sizes[-1]) if sizes[-1] <= size else b""
            texts = f.read()
    except OSError:
        return None
    if len(body) != sizes[-1] or len(texts) != sum(sizes[:-1]):
        return None
    # A plain comparison: the seal guards against a planted file, and nobody can time it.
    if first[len(_MAGIC) : head] != _seal(key, [first[head:], listed, body, texts]):
        return None
    return sizes[:-1], body, texts


def _unpickled(sealed: _Sealed) -> Snapshot | None:
    """The snapshot in a sealed file, or None if it holds none we can use. Each
    buffer is handed to the pickle as a view of the buffers read: tens of MB are
    not copied into thousands of objects at every start."""
    sizes, body, texts = sealed
    view, at = memoryview(texts), 0
    buffers = []
    for size in sizes:
        buffers.append(view[at : at + size])
        at += size
    collecting = gc.isenabled()
    gc.disable()  # unpickling makes many objects and no cycles: collecting only costs time
    try:
        snapshot = pickle.loads(body, buffers=buffers)
    except Exception:  # written by another version of the code: read the library instead
        return None
    finally:
        if collecting:
            gc.enable()
    return snapshot if isinstance(snapshot, Snapshot) else None


def _read(path: Path) -> Snapshot | None:
    data = _read_sealed(path)
    return _unpickled(data) if data is not None else None


class _Preload:
    """A snapshot being read, checked and unpickled on a thread of its own."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.snapshot: Snapshot | None = None
        self._thread = threading.Thread(target=self._read, name="snapshot preload", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        self.snapshot = _read(self.path)

    def result(self) -> Snapshot | None:
        self._thread.join()
        return self.snapshot


_preloaded: _Preload | None = None
_remembering = False  # set by preload(): this process keeps the note of the last one


def preload() -> None:
    """Start reading the snapshot this program opened last; `load_snapshot` of the
    same path takes it over (once). From now on, the snapshot loaded or saved is
    noted as the one to preload next time. Anything that goes wrong is a miss, as
    in load_snapshot."""
    global _preloaded, _remembering
    _remembering = True
    try:
        last = Path((cache_dir() / _LAST_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeError, ValueError):
        return
    _preloaded = _Preload(last)


def _remember(path: Path) -> None:
    """Note `path` as the snapshot to preload next time (written only when it changes)."""
    if not _remembering:
        return  # the command line and tests leave the window's note alone
    last = cache_dir() / _LAST_FILE
    with contextlib.suppress(OSError, UnicodeError, ValueError):
        if last.read_text(encoding="utf-8") == str(path):
            return
    with contextlib.suppress(OSError, ValueError):
        last.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(last, str(path).encode("utf-8"))


def load_snapshot(path: Path, current: Fingerprint | None = None) -> Snapshot | None:
    """The snapshot at `path` if this user sealed it (and, given `current`, it was
    made from exactly these files), else None (a miss: the library is read instead)."""
    global _preloaded
    ahead, _preloaded = _preloaded, None  # taken once, or let go
    snapshot = ahead.result() if ahead is not None and ahead.path == path else _read(path)
    if snapshot is None:
        return None
    _remember(path)
    if current is not None and snapshot.fingerprint != current:
        return None
    return snapshot


def save_snapshot(path: Path, snapshot: Snapshot) -> bool:
    """Seal and write atomically; a cache that cannot be written only costs speed."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    _remove_stale(path)
    try:
        key = _key(create=True)
        if key is None:
            raise OSError(f"no key to seal it with in {data_dir()}")
        buffers: list[pickle.PickleBuffer] = []
        body = pickle.dumps(snapshot, protocol=5, buffer_callback=buffers.append)
        raws = [buffer.raw() for buffer in buffers]
        sizes = [len(raws), *(raw.nbytes for raw in raws), len(body)]
        parts: list[bytes | memoryview] = [
            b"".join(size.to_bytes(8, sys.byteorder) for size in sizes),
            body,
            *raws,
        ]
        seal = _seal(key, parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as f:
            f.write(_MAGIC)
            f.write(seal)
            f.writelines(parts)
        os.replace(tmp, path)
        _remember(path)
        return True
    except Exception as exc:
        print(f"oncoref: could not save the startup cache {path}: {exc}", file=sys.stderr)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False


def _remove_stale(path: Path) -> None:
    """Half-written snapshots left by a process that was killed while saving (they can
    be as large as the library): each names its writer, and one whose writer is gone
    is removed."""
    for tmp in path.parent.glob(f"{path.name}.*.tmp"):
        pid = tmp.name[len(path.name) + 1 : -len(".tmp")]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
            continue  # still running: its save is in progress
        except ProcessLookupError:
            pass
        except OSError:
            continue  # running as someone else, or cannot tell: leave it
        with contextlib.suppress(OSError):
            tmp.unlink()
