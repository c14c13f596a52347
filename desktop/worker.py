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

from index.model import SearchResult

if TYPE_CHECKING:
    from index.core import Core


class CoreWorker(QObject):
    opened = Signal(object, object, dict)  # Core, DocumentRenderer, {doc id: first page HTML}
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
        the top of the tree). The index waits for prepare_search(), so the window's
        first paint does not compete with it."""
        try:
            # Imported here, on this thread, so the window never waits for them.
            from desktop.contents import first_document
            from index.core import open_core
            from index.render import DocumentRenderer

            core = open_core(libraries, bundled=self.bundled, index_dir=self.index_dir)
            renderer = DocumentRenderer(core.glossary)
            doc = core.library.get(first_doc) or core.library.get(
                first_document(core.library, core.taxonomy) or ""
            )
            pages = {doc.id: renderer.document_html(doc)} if doc else {}
        except Exception as exc:  # a library must never take the window down
            self.failed.emit(f"The library could not be opened: {exc}")
            return
        self._opening = core
        self.opened.emit(core, renderer, pages)

    @Slot()
    def prepare_search(self) -> None:
        """Bring the index of the newest library up to date; then searches run."""
        core, self._opening = self._opening, None
        if core is None or QThread.currentThread().isInterruptionRequested():
            return
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

    def close(self) -> None:
        if self.core is not None:
            self.core.close()
            self.core = None


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
