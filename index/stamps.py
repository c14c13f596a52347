"""Size and modification time: what tells the library's files have changed.

A file's stamp is its size and modification time in nanoseconds; a folder's is
its modification time alone (a folder's size means nothing from one file system
to another), and it changes when an entry in it is added, removed or renamed.
A path that cannot be read has the stamp GONE. The start-up snapshot's
fingerprint and the loader's stamp of each document use the same definition
(tests/index/test_stamps.py holds them to it).

A StatPass compares the stamps of a list of paths (the session's watch list)
pass by pass, so that an edit to any of them is seen without a watch per file:
file watches run out (inotify's per-user budget on Linux, one open file per
watch on the BSDs), and changes made on a network share by another computer
never reach them at all.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping

Stamp = tuple[int, int]  # size (0 for a folder), modification time in nanoseconds
GONE: Stamp = (-1, -1)


def stamp_of(info: os.stat_result) -> Stamp:
    """The stamp of what `os.stat` said about a file or folder."""
    if stat.S_ISDIR(info.st_mode):
        return (0, info.st_mtime_ns)
    return (info.st_size, info.st_mtime_ns)


def stamp(path: str) -> tuple[Stamp, bool]:
    """The stamp of `path` (links followed), and whether it is a folder."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):  # gone, unreadable, or a name the system refuses
        return GONE, False
    return stamp_of(info), stat.S_ISDIR(info.st_mode)


class StatPass:
    """The stamps of `paths`, compared with those of the pass before.

    The first pass only records them (taking those in `seen` where a path was
    already known, so that a change made while the list was being renewed is
    still reported); each later pass returns the paths whose stamp differs from
    the one before, and records the new ones, so a change is reported once."""

    def __init__(self, paths: Iterable[str], seen: Mapping[str, Stamp] | None = None) -> None:
        self.paths = list(dict.fromkeys(paths))
        self.seen: dict[str, Stamp] = {}
        self.folders: list[str] = []  # the paths that were folders when first seen
        self.passes = 0
        self._known = dict(seen or {})

    def known(self) -> dict[str, Stamp]:
        """The newest stamp of every path seen, for the list that replaces this one."""
        return {**self._known, **self.seen}

    def run(self, stop: Callable[[], bool] | None = None) -> list[str]:
        """One pass: the paths changed since the last one. `stop` is asked between
        paths; when it says so, the pass ends early (the rest are compared at the
        next pass)."""
        changed: list[str] = []
        for path in self.paths:
            if stop is not None and stop():
                return changed
            now, is_folder = stamp(path)
            before = self.seen.get(path)
            if before is None:  # the first time this list sees it
                before = self._known.pop(path, now)
                if is_folder:
                    self.folders.append(path)
            if now != before:
                changed.append(path)
            self.seen[path] = now
        self.passes += 1
        self._known = {}
        return changed
