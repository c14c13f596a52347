"""The session, run on a thread of its own so the window never waits for it.

The worker only moves Session calls off the window's thread: opening the
library (from the start-up snapshot when nothing changed), reloading it,
bringing the index up to date and searching. Each search carries a serial
number; one that a newer keystroke has superseded is skipped before it runs,
stops while it runs, and its late answer is not sent. A search's answer goes
out with the snippets of its first rows; the others follow in small batches.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal, Slot

from index.model import Cancelled, SearchResult

if TYPE_CHECKING:
    from index.session import Session

# Rows of a search's answer sent with their snippet (about what the results list shows
# at once), and how many more are made between two looks for a newer keystroke.
FIRST_SNIPPETS = 12
SNIPPET_BATCH = 4
# How long the worker waits at most for the window to have shown what it sent before it
# makes more snippets (see SessionWorker.shown).
SHOWN_WAIT_S = 0.25


class SessionWorker(QObject):
    opened = Signal(object, dict)  # Session, {doc id: first page HTML}
    # The paths whose change means the library must be read again, and their stamps
    # when read ({path: (size, mtime_ns)}).
    watching = Signal(list, object)
    indexed = Signal(object)  # Session, now searchable
    progress = Signal(str)
    results = Signal(int, object)  # serial, SearchResult
    # serial, {row: snippet HTML} for rows sent without one (object: a dict signal
    # would go through QVariantMap, whose keys are strings)
    snippets = Signal(int, object)
    failed = Signal(str)

    def __init__(self, bundled: bool, index_dir: Path | None) -> None:
        super().__init__()
        self.bundled = bundled
        self.index_dir = index_dir
        self.session: Session | None = None  # the searchable one
        self._opening: Session | None = None  # shown, not yet indexed
        self._first_page: list[str] = []  # the page a snapshot keeps
        self._latest = 0
        self._lock = threading.Lock()
        # Set by the window once it has shown the last answer or snippets sent.
        self._shown = threading.Event()
        self.wait_for_shown = 0.0  # seconds; the window sets SHOWN_WAIT_S

    # Called from the window's thread once it has shown (and painted) what was sent.
    # The snippets still to make wait for it: with the worker running Python at the
    # same time, the window took 26-53 ms to show 40 results instead of 2-3 ms (each
    # of its calls into Qt lets the worker take the interpreter).
    def shown(self) -> None:
        self._shown.set()

    def _sent(self, serial: int) -> None:
        """Wait until the window has shown what was just sent (or a newer keystroke
        came, or SHOWN_WAIT_S passed)."""
        waited = 0.0
        while waited < self.wait_for_shown and not self.stale(serial):
            if self._shown.wait(0.02):
                return
            waited += 0.02

    # Called from the window's thread: the newest query wins.
    def supersede(self, serial: int) -> None:
        with self._lock:
            self._latest = max(self._latest, serial)

    def stale(self, serial: int) -> bool:
        with self._lock:
            return serial < self._latest

    @Slot(list, str)
    def open(self, folders: list[Path], first_doc: str) -> None:
        """Read the library (or take the newest session's unchanged documents) and
        render the page the window opens on (`first_doc`, or the top of the tree).
        The index waits for prepare_search(), so the window's first paint does not
        compete with it."""
        try:
            newest = self._opening or self.session
            if newest is not None and newest.folders == [p.expanduser() for p in folders]:
                session = newest.reload(checkpoint=_checkpoint)
            else:
                # Imported here, on this thread, so the window never waits for it.
                from index.session import open_session

                session = open_session(
                    folders,
                    bundled=self.bundled,
                    index_dir=self.index_dir,
                    use_snapshot=True,
                    checkpoint=_checkpoint,
                )
            doc = session.library.get(first_doc) or session.library.get(
                session.first_document() or ""
            )
            pages = {doc.id: session.page(doc.id)} if doc is not None else {}
        except Cancelled:
            return  # the window is closing
        except Exception as exc:  # a library must never take the window down
            self.failed.emit(f"The library could not be opened: {exc}")
            return
        self._opening = session
        self._first_page = list(pages)
        self.opened.emit(session, pages)

    @Slot()
    def prepare_search(self) -> None:
        """Save the start-up snapshot, list what to watch, then bring the index of the
        newest library up to date; then searches run. (After the first paint: the
        watch list walks the clinic's folders.)"""
        self._save_snapshot()
        session, self._opening = self._opening, None
        if session is None or QThread.currentThread().isInterruptionRequested():
            return
        try:
            self.watching.emit(session.watch_list(), session.read_stamps())
        except Exception as exc:  # a folder that cannot be walked only costs watching
            self.progress.emit(f"Changes to the library folders are not followed: {exc}")
        import index.render.document  # noqa: F401  (so the window's first use does not wait)

        try:
            session.searcher(progress=self.progress.emit, checkpoint=_checkpoint)
        except Cancelled:
            return  # the window is closing; the index is left as it was
        except Exception as exc:
            self.failed.emit(f"Search is not available: the index could not be built ({exc}).")
            return
        old, self.session = self.session, session
        if old is not None and old is not session:
            old.close()
        self.indexed.emit(session)

    @Slot(int, str, list)
    def search(self, serial: int, text: str, types: list[str]) -> None:
        session = self.session
        if session is None or self.stale(serial):
            return
        try:
            result = session.search(
                text,
                types=types,
                snippets=FIRST_SNIPPETS,
                cancelled=lambda: self.stale(serial),
            )
        except Cancelled:
            return  # a newer keystroke superseded it while it ran
        except Exception as exc:
            result = SearchResult(text, [], message=f"Search failed: {exc}")
        if self.stale(serial):
            return
        self._shown.clear()
        self.results.emit(serial, result)
        for start in range(FIRST_SNIPPETS, len(result.hits), SNIPPET_BATCH):
            self._sent(serial)
            if self.stale(serial):
                return
            made = session.snippets(result, range(start, start + SNIPPET_BATCH))
            if made and not self.stale(serial):
                self._shown.clear()
                self.snippets.emit(serial, made)

    def _save_snapshot(self) -> None:
        if self._opening is not None:
            self._opening.save_snapshot(self._first_page)

    def close(self) -> None:
        """After the thread has stopped. A window closed before the search was prepared
        still leaves the snapshot for the next start."""
        self._save_snapshot()
        for session in (self._opening, self.session):
            if session is not None:
                session.close()
        self._opening = self.session = None


def _checkpoint() -> None:
    """Between documents: stop reading or indexing when the window is closing."""
    if QThread.currentThread().isInterruptionRequested():
        raise Cancelled


class WorkerThread(QThread):
    """A QThread that owns a SessionWorker and shuts it down cleanly."""

    def __init__(self, worker: SessionWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        worker.moveToThread(self)

    def stop(self) -> None:
        """Ask the work in progress to stop (it does so between two documents), then
        wait for it: a thread still running when the window is destroyed would end
        the program with an error."""
        self.requestInterruption()
        self.quit()
        self.wait()
        self.worker.close()
