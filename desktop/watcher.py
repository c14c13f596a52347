"""Watching the clinic's library folders: a change, once they are quiet, means reload."""

from __future__ import annotations

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal


class LibraryWatcher(QObject):
    """Watches the folders and files the session lists; `changed` fires once the
    changes have stopped for `delay_ms` (saving a file is often several writes)."""

    changed = Signal()

    def __init__(self, delay_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._touched)
        self._watcher.fileChanged.connect(self._touched)
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(self.changed)

    def watch(self, paths: list[str]) -> None:
        old = self._watcher.directories() + self._watcher.files()
        if old:
            self._watcher.removePaths(old)
        if paths:
            self._watcher.addPaths(paths)

    def watched(self) -> list[str]:
        return self._watcher.directories() + self._watcher.files()

    def _touched(self, _path: str) -> None:
        self._timer.start()
