"""The core, run on a thread of its own so the window never waits for it.

Loading the library, bringing the index up to date and searching all happen
here. Each search carries a serial number; one that a newer keystroke has
superseded is skipped before it runs, and its late answer is ignored by the
window (see SearchPanel).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal, Slot

from index.model import MARKDOWN_SUFFIXES, SIDECAR_SUFFIX, TEXT_SUFFIXES, SearchResult

if TYPE_CHECKING:
    from index.core import Core
    from index.snapshot import Snapshot


class CoreWorker(QObject):
    # Core, {doc id: first page HTML}, paths to watch for changes
    opened = Signal(object, dict, list)
    indexed = Signal(object)  # Core, now searchable
    progress = Signal(str)
    results = Signal(int, object)  # serial, SearchResult
    failed = Signal(str)

    def __init__(self, bundled: bool, index_dir: Path | None) -> None:
        super().__init__()
        self.bundled = bundled
        self.index_dir = index_dir
        self.core: Core | None = None
        self._opening: Core | None = None
        self._unsaved: tuple[Path, Snapshot] | None = None  # a snapshot to save once shown
        self._latest = 0
        self._lock = threading.Lock()

    # Called from the window's thread: the newest query wins.
    def supersede(self, serial: int) -> None:
        with self._lock:
            self._latest = max(self._latest, serial)

    def _stale(self, serial: int) -> bool:
        with self._lock:
            return serial < self._latest

    @Slot(list, str)
    def open(self, libraries: list[Path], first_doc: str) -> None:
        """Load the library and render the page the window opens on (`first_doc`, or
        the top of the tree), from the startup snapshot when nothing has changed. The
        index waits for prepare_search(), so the window's first paint does not compete
        with it; so does the renderer for other pages (the window makes it when needed)."""
        try:
            # Imported here, on this thread, so the window never waits for them.
            from desktop.contents import first_document
            from index.core import default_index_dir, library_roots, open_core
            from index.snapshot import Snapshot, fingerprint, load_snapshot, snapshot_path

            roots = library_roots(libraries, self.bundled)
            index_dir = Path(self.index_dir) if self.index_dir else default_index_dir(roots)
            stamp = fingerprint(roots)  # before reading, so a file changed meanwhile is a miss
            path = snapshot_path(index_dir)
            snapshot = load_snapshot(path, stamp)
            if snapshot is None:
                core = open_core(libraries, bundled=self.bundled, index_dir=index_dir)
                snapshot = Snapshot(stamp, core)
                changed = True
            else:
                core, changed = snapshot.core, False
                core.index_dir = index_dir
            doc = core.library.get(first_doc) or core.library.get(
                first_document(core.library, core.taxonomy) or ""
            )
            pages = {}
            if doc is not None:
                if doc.id not in snapshot.pages:
                    from index.render import DocumentRenderer

                    page = DocumentRenderer(core.glossary).document_html(doc)
                    snapshot.pages = {doc.id: page}
                    changed = True
                pages[doc.id] = snapshot.pages[doc.id]
        except Exception as exc:  # a library must never take the window down
            self.failed.emit(f"The library could not be opened: {exc}")
            return
        self._opening = core
        self._unsaved = (path, snapshot) if changed else None
        self.opened.emit(core, pages, watch_paths(libraries))

    @Slot()
    def prepare_search(self) -> None:
        """Save the startup snapshot, then bring the index of the newest library up to
        date; then searches run."""
        self._save_snapshot()
        core, self._opening = self._opening, None
        if core is None or QThread.currentThread().isInterruptionRequested():
            return
        import index.render  # noqa: F401  (so the window's first use does not wait for it)

        try:
            core.searcher(progress=self.progress.emit)
        except Exception as exc:
            self.failed.emit(f"Search is not available: the index could not be built ({exc}).")
            return
        old, self.core = self.core, core
        if old is not None and old is not core:
            old.close()
        self.indexed.emit(core)

    @Slot(int, str, list)
    def search(self, serial: int, text: str, types: list[str]) -> None:
        if self.core is None or self._stale(serial):
            return
        try:
            result = self.core.searcher().search(text, limit=40, types=types or None)
        except Exception as exc:
            result = SearchResult(text, [], message=f"Search failed: {exc}")
        if not self._stale(serial):
            self.results.emit(serial, result)

    def _save_snapshot(self) -> None:
        if self._unsaved is not None:
            from index.snapshot import save_snapshot

            save_snapshot(*self._unsaved)
            self._unsaved = None

    def close(self) -> None:
        """After the thread has stopped. A window closed before the search was prepared
        still leaves the snapshot for the next start."""
        self._save_snapshot()
        if self.core is not None:
            self.core.close()
            self.core = None


def watch_paths(folders: list[Path], limit: int = 2000) -> list[str]:
    """The clinic's folders (not the bundled one, which never changes) and the
    documents in them: a change to any of them reloads the library."""
    paths: list[str] = []
    for root in folders:
        if not root.is_dir():
            continue
        paths.append(str(root))
        for path in root.rglob("*"):
            if (
                path.is_dir()
                or path.suffix in MARKDOWN_SUFFIXES | TEXT_SUFFIXES
                or path.name.endswith(SIDECAR_SUFFIX)
            ):
                paths.append(str(path))
            if len(paths) >= limit:
                return paths
    return paths


class WorkerThread(QThread):
    """A QThread that owns a CoreWorker and shuts it down cleanly."""

    def __init__(self, worker: CoreWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        worker.moveToThread(self)

    def stop(self) -> None:
        self.requestInterruption()
        self.quit()
        self.wait(5000)
        self.worker.close()
