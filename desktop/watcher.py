"""Watching the clinic's library folders: a change, once they are quiet, means reload.

Two means, as neither alone sees every change:

- folder watches (QFileSystemWatcher) tell at once when a file is added, removed
  or renamed in a folder (an editor saving through a temporary file and a rename
  is such a change);
- a stat pass, on a thread of its own, compares the size and modification time of
  every document, sidecar and folder of the library every few seconds: it sees a
  file written in place, in a library of any size, and changes made on a network
  share by another computer, which no watch reports.

Files are not watched one by one: each watch costs a slot of a limited budget
(inotify's watches per user on Linux, shared by every program; an open file per
watch on the BSDs), and when it runs out the rest go unwatched without a word.

The window's thread never reads the disk here: a share that answers slowly makes
the stat pass slow, never the window, and the next pass waits the longer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence

import shiboken6
from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal

from index.stamps import Stamp, StatPass

# How often the stat pass runs (from the end of one pass to the start of the next).
STAT_INTERVAL_MS = 2000
# After a slow pass, the pass thread rests this many times as long before the next.
REST_FACTOR = 4
# Within a pass, a short sleep every so many paths hands Python's interpreter lock to
# the window's thread (otherwise it may wait a switch interval each time, see
# desktop.app).
YIELD_EVERY = 100
YIELD_S = 0.0005
# Folder watches are added a few at a time, for at most this long per turn of the
# window's event loop (each costs 10 to 40 us on a local disk, a round trip on a share).
ADD_BUDGET_S = 0.005


class LibraryWatcher(QObject):
    """Follows the folders and files the session lists; `changed` fires once the
    changes have stopped for `delay_ms` (saving a file is often several writes)."""

    changed = Signal()

    def __init__(
        self,
        delay_ms: int,
        parent: QObject | None = None,
        interval_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._touched)
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(self.changed)
        self._adding: list[str] = []
        self._added = 0  # how many of them are added
        self._add_timer = QTimer(self, singleShot=True, interval=0)
        self._add_timer.timeout.connect(self._add_folders)
        self._paths: list[str] = []
        self._generation = 0
        # The pass thread speaks through a child of the watcher, so it never holds the
        # watcher itself (it may outlive it by the length of a slow pass). On the
        # watcher's end the thread is stopped before its children are deleted, and it
        # emits only while not stopped, under the same lock.
        self._relay = _Relay(self)
        self._relay.found.connect(self._found, Qt.ConnectionType.QueuedConnection)
        self._relay.folders.connect(self._folders, Qt.ConnectionType.QueuedConnection)
        interval = STAT_INTERVAL_MS if interval_ms is None else interval_ms
        self._passes = _StatThread(self._relay, interval / 1000)
        self.destroyed.connect(self._passes.stop)

    def watch(self, paths: Sequence[str], seen: Mapping[str, Stamp] | None = None) -> None:
        """Follow these paths (documents, sidecars, folders) instead of those before.
        `seen`: their stamps when the library was read (Session.read_stamps), so
        that a change since then is seen. The disk is not read here: the pass
        thread stamps them, then says which are folders to watch."""
        self._generation += 1
        self._paths = list(paths)
        self._passes.watch(self._generation, self._paths, dict(seen or {}))

    def watched(self) -> list[str]:
        """The paths followed (by the stat pass, and by a folder watch when a folder)."""
        return list(self._paths)

    def watched_folders(self) -> list[str]:
        return list(self._watcher.directories())

    def stop(self) -> None:
        """No more passes (the window is closing). Never waits for a pass under way."""
        self._passes.stop()
        self._timer.stop()

    def _touched(self, _path: str) -> None:
        self._timer.start()
        self._passes.poke()  # so that what else changed is seen within the same quiet time

    def _found(self, _paths: list[str]) -> None:
        self._timer.start()

    def _folders(self, generation: int, folders: list[str]) -> None:
        """The folders of the newest list, as the pass thread found them: watched from
        now on, a few at a time."""
        if generation != self._generation:
            return  # a newer list is being stamped
        wanted = set(folders)
        current = self._watcher.directories()
        gone = [p for p in current if p not in wanted]
        if gone:
            self._watcher.removePaths(gone)
        have = set(current)
        self._adding, self._added = [p for p in folders if p not in have], 0
        self._add_folders()

    def _add_folders(self) -> None:
        """Add folder watches until ADD_BUDGET_S is spent, then let the window draw and
        go on at the next turn. A folder the system will not watch (its budget spent)
        is still followed by the stat pass."""
        until = time.monotonic() + ADD_BUDGET_S
        while self._added < len(self._adding) and time.monotonic() < until:
            end = min(self._added + 8, len(self._adding))
            self._watcher.addPaths(self._adding[self._added : end])
            self._added = end
        if self._added < len(self._adding):
            self._add_timer.start()


class _Relay(QObject):
    """Signals from the pass thread to the window's thread."""

    found = Signal(list)  # paths whose stamp changed
    folders = Signal(int, list)  # the list's number, the paths in it that are folders


# Every stat pass thread not yet stopped. Held here, one is never emptied by the
# garbage collector while its watcher is collected with a window (in whatever order
# the collector clears them), so the watcher's `destroyed` finds it whole. Once
# stopped it leaves, and `stop` asks nothing more of it: a stopped watcher collected
# later once found its thread's fields gone, and the process crashed.
_NOT_STOPPED: set[_StatThread] = set()


class _StatThread:
    """Runs stat passes over the newest list on a thread of its own.

    A daemon thread rather than a QThread: a stat on a share that has stopped
    answering can block for minutes, and a QThread must be waited for before it
    is destroyed, which would hang the window on closing."""

    def __init__(self, relay: _Relay, interval: float) -> None:
        self._relay = relay
        self._interval = interval
        self._lock = threading.Lock()
        self._next: tuple[int, list[str], dict[str, Stamp]] | None = None
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._asked = 0
        _NOT_STOPPED.add(self)

    def watch(self, generation: int, paths: list[str], seen: dict[str, Stamp]) -> None:
        with self._lock:
            self._next = (generation, paths, seen)
            if self._thread is None and not self._stopped.is_set():
                self._thread = threading.Thread(
                    target=self._run, name="library stat pass", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def poke(self) -> None:
        """Pass again now (after the rest a slow pass earns)."""
        self._wake.set()

    def stop(self) -> None:
        if self not in _NOT_STOPPED:
            return  # stopped already, and perhaps emptied by the collector since
        _NOT_STOPPED.discard(self)
        with self._lock:
            self._stopped.set()
        self._wake.set()

    def _tell(self, changed: list[str], generation: int, folders: list[str] | None) -> bool:
        """Send what a pass found to the window's thread; False once stopped."""
        with self._lock:
            if self._stopped.is_set() or not shiboken6.isValid(self._relay):
                return False
            if changed:
                self._relay.found.emit(changed)
            if folders is not None:
                self._relay.folders.emit(generation, folders)
        return True

    def _interrupted(self) -> bool:
        """Asked between two paths of a pass: whether to end it."""
        self._asked += 1
        if self._asked % YIELD_EVERY == 0:
            time.sleep(YIELD_S)
        return self._stopped.is_set() or self._next is not None

    def _run(self) -> None:
        current: StatPass | None = None
        generation = 0
        while not self._stopped.is_set():
            self._wake.clear()
            with self._lock:
                latest, self._next = self._next, None
            if latest is not None:
                # Compared with what the library read where it says, else with what
                # the last pass saw.
                generation, paths, seen = latest
                known = current.known() if current is not None else {}
                current = StatPass(paths, {**known, **seen})
            if current is None:
                self._wake.wait()
                continue
            first = current.passes == 0
            started = time.monotonic()
            changed = current.run(self._interrupted)
            took = time.monotonic() - started
            # What changed is told even when a newer list came meanwhile: the newer
            # list starts from the stamps just seen.
            folders = current.folders if first and current.passes else None
            if not self._tell(changed, generation, folders):
                return
            if self._next is not None:
                continue
            rest = REST_FACTOR * took
            if self._stopped.wait(rest):
                return
            self._wake.wait(max(0.0, self._interval - rest))
