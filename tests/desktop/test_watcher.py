"""The library watcher: folder watches and a stat pass off the window's thread."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings, QTimer
from pytestqt.qtbot import QtBot

import index.stamps
from desktop import watcher as watcher_module
from desktop.settings import Settings
from desktop.watcher import LibraryWatcher
from tests.conftest import write
from tests.desktop.test_window import open_window, tree_rows
from tests.index.test_stamps import library

INTERVAL_MS = 50


@pytest.fixture
def watchers() -> Iterator[list[LibraryWatcher]]:
    made: list[LibraryWatcher] = []
    yield made
    for w in made:
        w.stop()


def start(
    qtbot: QtBot, made: list[LibraryWatcher], paths: list[str], delay_ms: int = 50
) -> tuple[LibraryWatcher, list[float]]:
    """A watcher following `paths`, once its first pass has taken note of them; and
    the times `changed` fired."""
    w = LibraryWatcher(delay_ms, interval_ms=INTERVAL_MS)
    made.append(w)
    fired: list[float] = []
    w.changed.connect(lambda: fired.append(time.monotonic()))
    w.watch(paths)
    folders = {p for p in paths if Path(p).is_dir()}
    qtbot.waitUntil(lambda: set(w.watched_folders()) == folders, timeout=5000)
    return w, fired


def test_an_edit_to_any_of_3000_files_fires_changed_once(
    qtbot: QtBot, tmp_path: Path, watchers: list[LibraryWatcher]
) -> None:
    paths = library(tmp_path / "clinic", 3000)
    w, fired = start(qtbot, watchers, paths)
    # Only folders take a watch of the system's; every file is followed all the same.
    assert len(w.watched_folders()) == 31 and set(w.watched()) == set(paths)
    edited = tmp_path / "clinic" / "part29" / "doc2917.md"
    with qtbot.waitSignal(w.changed, timeout=3000):
        edited.write_bytes(b"# Leaflet 2917\n\nWritten in place, no rename.\n")
    qtbot.wait(10 * INTERVAL_MS)  # several more passes
    assert len(fired) == 1


def test_saving_in_several_writes_fires_once_when_quiet(
    qtbot: QtBot, tmp_path: Path, watchers: list[LibraryWatcher]
) -> None:
    doc = write(tmp_path / "clinic" / "diet.md", "# Diet\n\nSmall meals.\n")
    _w, fired = start(qtbot, watchers, [str(doc.parent), str(doc)], delay_ms=300)
    for n in range(5):  # over several passes
        doc.write_text(f"# Diet\n\nSmall meals, version {n}.\n", encoding="utf-8")
        qtbot.wait(INTERVAL_MS)
    qtbot.waitUntil(lambda: len(fired) == 1, timeout=3000)
    qtbot.wait(600)
    assert len(fired) == 1


def test_a_new_file_in_a_nested_folder_is_noticed(
    qtbot: QtBot, tmp_path: Path, watchers: list[LibraryWatcher]
) -> None:
    deep = tmp_path / "clinic" / "a" / "b" / "c"
    doc = write(deep / "port.md", "# Port\n\nFlush it.\n")
    paths = [
        str(tmp_path / "clinic"),
        str(deep.parent.parent),
        str(deep.parent),
        str(deep),
        str(doc),
    ]
    w, fired = start(qtbot, watchers, paths)
    with qtbot.waitSignal(w.changed, timeout=3000):
        write(deep / "diet.md", "# Diet\n\nSmall meals.\n")
    # The folder watch and the stat pass both saw it: the window reads the library once.
    qtbot.wait(10 * INTERVAL_MS)
    assert len(fired) == 1


def test_a_folder_the_system_will_not_watch_is_still_followed(
    qtbot: QtBot, tmp_path: Path, watchers: list[LibraryWatcher], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the system's watches spent (or on a share whose changes come from another
    computer), the stat pass sees a file added and a file written in place."""
    monkeypatch.setattr(
        watcher_module.QFileSystemWatcher, "addPaths", lambda self, paths: list(paths)
    )
    deep = tmp_path / "clinic" / "a" / "b"
    doc = write(deep / "port.md", "# Port\n\nFlush it.\n")
    w = LibraryWatcher(50, interval_ms=INTERVAL_MS)
    watchers.append(w)
    w.watch([str(tmp_path / "clinic"), str(deep.parent), str(deep), str(doc)])
    qtbot.wait(5 * INTERVAL_MS)
    assert w.watched_folders() == []
    with qtbot.waitSignal(w.changed, timeout=3000):
        write(deep / "diet.md", "# Diet\n\nSmall meals.\n")
    with qtbot.waitSignal(w.changed, timeout=3000):
        doc.write_text("# Port\n\nFlush it every month.\n", encoding="utf-8")


def test_a_file_changed_since_the_library_read_it_fires_changed(
    qtbot: QtBot, tmp_path: Path, watchers: list[LibraryWatcher]
) -> None:
    doc = write(tmp_path / "clinic" / "diet.md", "# Diet\n\nSmall meals.\n")
    port = write(tmp_path / "clinic" / "port.md", "# Port\n\nFlush it.\n")
    when_read = {str(p): index.stamps.stamp(str(p))[0] for p in (doc, port)}
    doc.write_text("# Diet\n\nSmall meals, often.\n", encoding="utf-8")  # before watching
    w = LibraryWatcher(50, interval_ms=INTERVAL_MS)
    watchers.append(w)
    fired: list[int] = []
    w.changed.connect(lambda: fired.append(1))
    w.watch([str(doc.parent), str(doc), str(port)], when_read)
    qtbot.waitUntil(lambda: fired == [1], timeout=3000)
    qtbot.wait(10 * INTERVAL_MS)
    assert fired == [1]


def test_no_stat_pass_runs_on_the_window_thread_and_nothing_fires_when_nothing_changed(
    qtbot: QtBot, tmp_path: Path, watchers: list[LibraryWatcher], monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    real = index.stamps.stamp

    def recorded(path: str) -> tuple[index.stamps.Stamp, bool]:
        threads.append(threading.get_ident())
        return real(path)

    monkeypatch.setattr(index.stamps, "stamp", recorded)
    paths = library(tmp_path / "clinic", 300)
    _w, fired = start(qtbot, watchers, paths)
    qtbot.waitUntil(lambda: len(threads) >= 5 * len(paths), timeout=5000)  # five passes
    assert threading.main_thread().ident not in threads
    assert fired == []


def test_a_slow_share_never_holds_the_window(
    qtbot: QtBot, tmp_path: Path, watchers: list[LibraryWatcher], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each stat takes 60 ms: watching, the window's event loop and stopping stay
    quick, and a slow pass makes the next one wait the longer."""
    starts: list[float] = []
    real = index.stamps.stamp

    def slow(path: str) -> tuple[index.stamps.Stamp, bool]:
        if path.endswith("doc0000.md"):
            starts.append(time.monotonic())
        time.sleep(0.06)
        return real(path)

    monkeypatch.setattr(index.stamps, "stamp", slow)
    paths = library(tmp_path / "clinic", 1)  # 3 paths: a pass takes about 0.18 s
    w = LibraryWatcher(50, interval_ms=INTERVAL_MS)
    watchers.append(w)
    ticks: list[float] = []
    clock = QTimer(interval=10)
    clock.timeout.connect(lambda: ticks.append(time.monotonic()))
    clock.start()
    began = time.monotonic()
    w.watch(paths)
    assert time.monotonic() - began < 0.05
    qtbot.waitUntil(lambda: len(starts) >= 3, timeout=10000)
    clock.stop()
    # The window's event loop kept turning all the while (a pass on its thread would
    # hold it for 0.18 s).
    assert max(b - a for a, b in itertools.pairwise(ticks)) < 0.12
    # A pass of 0.18 s earns a rest of 4 times as long before the next, not 50 ms.
    assert min(b - a for a, b in itertools.pairwise(starts)) > 0.7
    began = time.monotonic()
    w.stop()
    assert time.monotonic() - began < 0.05


def test_a_watcher_deleted_ends_its_stat_pass_thread(qtbot: QtBot, tmp_path: Path) -> None:
    before = set(threading.enumerate())
    doc = write(tmp_path / "clinic" / "diet.md", "# Diet\n\nSmall meals.\n")
    w = LibraryWatcher(50, interval_ms=INTERVAL_MS)
    w.watch([str(doc.parent), str(doc)])
    qtbot.waitUntil(lambda: w.watched_folders() == [str(doc.parent)], timeout=5000)
    (passes,) = [t for t in threading.enumerate() if t not in before]
    assert passes.name == "library stat pass" and passes.is_alive()
    shiboken6.delete(w)  # as when the window that owns it is deleted
    qtbot.waitUntil(lambda: not passes.is_alive(), timeout=3000)


def test_the_window_reads_the_library_again_only_when_a_file_changed(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "clinic"
    paths = library(folder, 200)
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.folders = [folder]
    window = open_window(qtbot, settings, tmp_path / "index", watch_delay_ms=50)
    qtbot.waitUntil(lambda: set(window.watcher.watched()) == set(paths), timeout=5000)
    reads: list[int] = []
    window.library_changed.connect(lambda: reads.append(1))
    qtbot.wait(6 * watcher_module.STAT_INTERVAL_MS)  # several passes, nothing changed
    assert reads == []
    last = folder / "part01" / "doc0199.md"
    with qtbot.waitSignal(window.library_changed, timeout=10000):
        last.write_bytes(b"# Eating well after surgery\n\nSmall meals, often.\n")  # in place
    assert "Eating well after surgery" in [label for label, _, _ in tree_rows(window)]
    qtbot.wait(4 * watcher_module.STAT_INTERVAL_MS)
    assert reads == [1]


def test_a_stopped_watcher_collected_later_with_its_window_is_deleted_quietly(
    qtbot: QtBot, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The garbage collector may empty the stat pass thread's object before the
    watcher's C++ side is deleted (both in one cycle with a window): deleting it
    then must not touch what is gone. It once raised, then crashed the process."""
    doc = write(tmp_path / "clinic" / "diet.md", "# Diet\n\nSmall meals.\n")
    w = LibraryWatcher(50, interval_ms=INTERVAL_MS)
    w.watch([str(doc.parent), str(doc)])
    qtbot.waitUntil(lambda: w.watched_folders() == [str(doc.parent)], timeout=5000)
    w.stop()  # as the window does on closing
    passes = w._passes
    thread = passes._thread
    assert thread is not None
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=3000)  # then it can be collected
    passes.__dict__.clear()  # as the collector clears an object of a cycle
    shiboken6.delete(w)
    assert "Traceback" not in capfd.readouterr().err
