"""The startup snapshot: a restart skips reading the library, never shows stale text."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from index import library as library_module
from index import snapshot as snapshot_module
from index.paths import cache_dir
from index.session import Session, open_session
from index.snapshot import Snapshot, fingerprint, load_snapshot, save_snapshot, snapshot_path
from tests.conftest import documents_read, write


def start(folder: Path, index_dir: Path, first_doc: str = "") -> tuple[Session, dict[str, str]]:
    """What the window does on one start: open from the snapshot if it can, render
    the first page, keep a snapshot (with that page) for the next start."""
    session = open_session([folder], bundled=False, index_dir=index_dir, use_snapshot=True)
    doc = first_doc or session.first_document() or ""
    pages = {doc: session.page(doc)}
    session.save_snapshot([doc])
    session.close()
    return session, pages


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    folder = tmp_path / "clinic"
    write(folder / "alpha.md", "# Alpha\n\n## Care\n\nThe first version of the text.\n")
    write(folder / "beta.txt", "Beta\n\nPlain text about chemotherapy.\n")
    return folder


def test_a_restart_reads_no_document_and_shows_the_same_page(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, pages = start(clinic, tmp_path / "ix")
    assert "first version" in pages["alpha"]

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the library was read again")

    monkeypatch.setattr(library_module, "load_library", no_reading)
    again, pages_again = start(clinic, tmp_path / "ix")
    assert [d.id for d in again.library.documents] == ["alpha", "beta"]
    assert pages_again == pages
    assert again.glossary.lookup("chemotherapy") is not None


def test_an_edited_added_or_removed_document_is_read_again(clinic: Path, tmp_path: Path) -> None:
    start(clinic, tmp_path / "ix")
    write(clinic / "alpha.md", "# Alpha\n\n## Care\n\nThe second, longer version of the text.\n")
    session, pages = start(clinic, tmp_path / "ix")
    assert "second, longer version" in pages["alpha"]

    write(clinic / "gamma.md", "# Gamma\n\nNew.\n")
    session, _ = start(clinic, tmp_path / "ix")
    assert [d.id for d in session.library.documents] == ["alpha", "beta", "gamma"]

    (clinic / "beta.txt").unlink()
    session, _ = start(clinic, tmp_path / "ix")
    assert [d.id for d in session.library.documents] == ["alpha", "gamma"]


def test_after_one_edit_only_that_document_is_read_again(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(clinic / "gamma.md", "# Gamma\n\nAbout radiation therapy.\n")
    _, pages = start(clinic, tmp_path / "ix", first_doc="beta")
    read = documents_read(monkeypatch)
    write(clinic / "alpha.md", "# Alpha\n\n## Care\n\nThe second version of the text.\n")
    session = open_session([clinic], bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
    assert read == ["alpha"]
    assert not session.from_snapshot
    assert "second version" in session.page("alpha")
    assert session.pages["beta"] == pages["beta"]  # an unchanged document's page is kept
    assert session.glossary.lookup("chemotherapy") is not None
    session.save_snapshot(["beta"])  # and that reading is the next start's snapshot
    session.close()
    again = open_session([clinic], bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
    assert again.from_snapshot and read == ["alpha"]
    assert "second version" in again.page("alpha")


def test_a_snapshot_of_other_code_is_not_taken_over_in_part(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start(clinic, tmp_path / "ix")
    resources = tmp_path / "resources"
    write(resources / "glossary" / "extra.yaml", "[]\n")
    monkeypatch.setenv("ONCOREF_RESOURCES", str(resources))
    write(clinic / "alpha.md", "# Alpha\n\nEdited.\n")
    read = documents_read(monkeypatch)
    open_session([clinic], bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
    assert sorted(read) == ["alpha", "beta"]


def test_the_page_to_open_is_rendered_when_the_snapshot_lacks_it(
    clinic: Path, tmp_path: Path
) -> None:
    start(clinic, tmp_path / "ix", first_doc="alpha")
    _, pages = start(clinic, tmp_path / "ix", first_doc="beta")
    assert "chemotherapy" in pages["beta"]


def test_fingerprint_sees_changes_to_documents_and_resources(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = fingerprint([clinic])
    assert fingerprint([clinic]) == before
    path = clinic / "alpha.md"
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    assert fingerprint([clinic]) != before
    resources = tmp_path / "resources"
    write(resources / "glossary" / "extra.yaml", "[]\n")
    monkeypatch.setenv("ONCOREF_RESOURCES", str(resources))
    with_resources = fingerprint([clinic])
    write(resources / "glossary" / "extra.yaml", "[] # edited\n")
    assert fingerprint([clinic]) != with_resources


@pytest.mark.parametrize(
    "content",
    [b"", b"not a pickle at all", b"\x80\x05\x95 truncated", b"\x80\x04K\x01."],
    ids=["empty", "text", "truncated", "another-object"],
)
def test_a_damaged_snapshot_is_a_miss_not_an_error(
    clinic: Path, tmp_path: Path, content: bytes
) -> None:
    path = write(tmp_path / "damaged.snapshot", content)
    assert load_snapshot(path, fingerprint([clinic])) is None
    _, pages = start(clinic, tmp_path / "ix")
    assert "first version" in pages["alpha"]


def test_a_snapshot_of_other_files_is_not_used(clinic: Path, tmp_path: Path) -> None:
    session = open_session([clinic], bundled=False, index_dir=tmp_path / "ix")
    path = tmp_path / "s.snapshot"
    assert save_snapshot(path, Snapshot(fingerprint([clinic]), session, {"alpha": "<p>x</p>"}))
    assert load_snapshot(path, fingerprint([clinic])) is not None
    assert load_snapshot(path, fingerprint([clinic, tmp_path / "elsewhere"])) is None


def test_an_unwritable_cache_only_costs_speed(
    clinic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = write(tmp_path / "blocked", "a file where the cache folder should be")
    session = open_session([clinic], bundled=False, index_dir=tmp_path / "ix")
    assert not save_snapshot(blocked / "s.snapshot", Snapshot(fingerprint([clinic]), session))
    assert "could not save the startup cache" in capsys.readouterr().err


class _Planted:
    """Unpickling this would leave a file behind: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (self.marker, "code ran"))  # type: ignore[return-value]


def test_a_planted_snapshot_never_runs_code(clinic: Path, tmp_path: Path) -> None:
    import pickle

    start(clinic, tmp_path / "ix")  # a real snapshot, sealed with this user's key
    path = snapshot_path(tmp_path / "ix")
    marker = tmp_path / "marker"
    body = pickle.dumps(_Planted(marker))
    sealed = path.read_bytes()
    path.write_bytes(sealed[:40] + body)  # the magic and another file's seal
    _, pages = start(clinic, tmp_path / "ix")
    assert not marker.exists()
    assert "first version" in pages["alpha"]
    key = Path(os.environ["ONCOREF_DATA_DIR"]) / "snapshot.key"
    assert key.stat().st_mode & 0o077 == 0  # the key is the user's alone
    assert not str(key).startswith(str(tmp_path / "ix"))


def test_a_save_cut_short_by_a_kill_leaves_no_file_behind_for_good(
    clinic: Path, tmp_path: Path
) -> None:
    import subprocess
    import sys

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    ).stdout.strip()
    path = snapshot_path(tmp_path / "ix")
    stale = write(path.with_name(f"{path.name}.{gone}.tmp"), b"\x00" * 4096)
    live = write(path.with_name(f"{path.name}.{os.getppid()}.tmp"), b"in progress")
    start(clinic, tmp_path / "ix")
    assert not stale.exists() and live.exists()
    assert path.exists()


def test_a_damaged_key_is_replaced_and_snapshots_work_again(clinic: Path, tmp_path: Path) -> None:
    key = Path(os.environ["ONCOREF_DATA_DIR"]) / "snapshot.key"
    write(key, b"short")  # as a kill between making and writing it could leave it
    start(clinic, tmp_path / "ix")  # saves a snapshot under a new key
    assert len(key.read_bytes()) == 32
    session = open_session([clinic], bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
    assert session.from_snapshot


@pytest.fixture
def window_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """As the window's process: the snapshot opened last is read ahead (the module's
    state goes back as it was after the test)."""
    monkeypatch.setattr(snapshot_module, "_remembering", False)
    monkeypatch.setattr(snapshot_module, "_preloaded", None)


def test_a_restart_takes_over_the_snapshot_read_ahead_while_qt_loads(
    clinic: Path, tmp_path: Path, window_start: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot_module.preload()  # a first start: nothing was opened before, nothing is read
    assert snapshot_module._preloaded is None
    start(clinic, tmp_path / "ix")
    assert (cache_dir() / "last-snapshot").read_text() == str(snapshot_path(tmp_path / "ix"))

    snapshot_module.preload()
    ahead = snapshot_module._preloaded
    assert ahead is not None and ahead.result() is not None

    def no_reading(path: Path) -> None:
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr(snapshot_module, "_read", no_reading)
    session, pages = start(clinic, tmp_path / "ix")
    assert session.from_snapshot and "first version" in pages["alpha"]
    assert snapshot_module._preloaded is None  # taken once, not kept


def test_a_snapshot_read_ahead_for_other_folders_is_let_go(
    clinic: Path, tmp_path: Path, window_start: None
) -> None:
    other = tmp_path / "other"
    write(other / "gamma.md", "# Gamma\n\nAbout radiation therapy.\n")
    start(clinic, tmp_path / "ix")
    snapshot_module.preload()  # not noted yet: the first start just did
    start(other, tmp_path / "other-ix")  # the folders were changed in Settings
    snapshot_module.preload()
    assert snapshot_module._preloaded is not None
    assert snapshot_module._preloaded.path == snapshot_path(tmp_path / "other-ix")

    session, pages = start(clinic, tmp_path / "ix")
    assert session.from_snapshot and "first version" in pages["alpha"]
    assert snapshot_module._preloaded is None
    assert (cache_dir() / "last-snapshot").read_text() == str(snapshot_path(tmp_path / "ix"))


def test_a_planted_snapshot_is_not_unpickled_ahead_either(
    clinic: Path, tmp_path: Path, window_start: None
) -> None:
    import pickle

    snapshot_module.preload()
    start(clinic, tmp_path / "ix")
    path = snapshot_path(tmp_path / "ix")
    marker = tmp_path / "marker"
    path.write_bytes(path.read_bytes()[:40] + pickle.dumps(_Planted(marker)))
    snapshot_module.preload()
    assert snapshot_module._preloaded is not None
    assert snapshot_module._preloaded.result() is None
    assert not marker.exists()
    _, pages = start(clinic, tmp_path / "ix")
    assert "first version" in pages["alpha"]


@pytest.mark.parametrize("note", [b"", b"\xff\xfe not text", b"/nowhere/at/all.snapshot"])
def test_a_damaged_note_of_the_last_snapshot_is_a_miss(
    clinic: Path, tmp_path: Path, window_start: None, note: bytes
) -> None:
    write(cache_dir() / "last-snapshot", note)
    snapshot_module.preload()
    if snapshot_module._preloaded is not None:
        assert snapshot_module._preloaded.result() is None
    _, pages = start(clinic, tmp_path / "ix")
    assert "first version" in pages["alpha"]


def test_the_command_line_leaves_the_windows_note_alone(clinic: Path, tmp_path: Path) -> None:
    start(clinic, tmp_path / "ix")
    start(clinic, tmp_path / "ix")
    assert not (cache_dir() / "last-snapshot").exists()


def _as_read(session: Session) -> tuple[list[tuple[str, str, tuple[int, ...]]], list[str]]:
    """What a person would see of a library: each document's title and stamp (its
    text with it), and the problems listed in order."""
    library = session.library
    shown = [
        (d.id, d.title + "".join(s.text for s in d.sections), d.stamp) for d in library.documents
    ]
    return shown, [str(p) for p in session.problems]


def _walked(folder: Path, tmp_path: Path) -> Session:
    """The same folder read from the start, as a first start would."""
    return open_session([folder], bundled=False, index_dir=tmp_path / "walk")


def _save_by_renaming(path: Path, text: str) -> None:
    """As many editors save: a new file beside, renamed over the old one (the
    folder's time changes; its names do not)."""
    write(path.with_name(path.name + ".new"), text)
    os.replace(path.with_name(path.name + ".new"), path)


EDITS = {
    "in place": lambda clinic: write(
        clinic / "alpha.md", "# Alpha\n\n## Care\n\nThe second version.\n"
    ),
    "saved by renaming": lambda clinic: _save_by_renaming(
        clinic / "alpha.md", "# Alpha\n\n## Care\n\nThe second version.\n"
    ),
    "its sidecar": lambda clinic: write(clinic / "beta.meta.yaml", "title: Beta, retitled\n"),
    "one with a problem, still wrong": lambda clinic: write(
        clinic / "delta.md",
        "---\ntitle: Delta\nsummary: [broken further down\n---\n# Delta\n\nNew.\n",
    ),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_an_edited_document_is_read_again_without_walking_the_library(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Callable[[Path], None]
) -> None:
    write(clinic / "beta.meta.yaml", "title: Beta from its sidecar\n")
    write(clinic / "delta.md", "---\ntitle: [broken\n---\n# Delta\n\nText.\n")
    write(clinic / "notes.xlsx", "not a document")
    start(clinic, tmp_path / "ix")
    edit(clinic)
    read = documents_read(monkeypatch)
    monkeypatch.setattr(library_module, "load_library", _no_walk)
    session = open_session([clinic], bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
    assert len(read) == 1  # the one document edited, or the one its sidecar is of
    monkeypatch.undo()
    assert _as_read(session) == _as_read(_walked(clinic, tmp_path))


def _no_walk(*args: object, **kwargs: object) -> None:
    raise AssertionError("the whole library was walked")


BIGGER_CHANGES = {
    "a document added": lambda clinic: write(clinic / "gamma.md", "# Gamma\n\nNew.\n"),
    "a document removed": lambda clinic: (clinic / "beta.txt").unlink(),
    "a document renamed": lambda clinic: (clinic / "beta.txt").rename(clinic / "bravo.txt"),
    "a document that no longer reads": lambda clinic: write(clinic / "alpha.md", b"\x00\x01"),
    "a problem that was not there": lambda clinic: write(
        clinic / "alpha.md", "---\ntitle: [broken\n---\n# Alpha\n\nText.\n"
    ),
    "a file that is not a document": lambda clinic: write(clinic / "notes.xlsx", "other"),
}


@pytest.mark.parametrize("change", BIGGER_CHANGES.values(), ids=BIGGER_CHANGES.keys())
def test_other_changes_walk_the_library_and_give_what_a_first_start_gives(
    clinic: Path, tmp_path: Path, change: Callable[[Path], None]
) -> None:
    write(clinic / "notes.xlsx", "not a document")
    write(
        clinic / "delta.md", "---\ntitle: [broken\n---\n# Delta\n\nTaken over, problem and all.\n"
    )
    start(clinic, tmp_path / "ix")
    change(clinic)
    session = open_session([clinic], bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
    assert _as_read(session) == _as_read(_walked(clinic, tmp_path))


def test_a_reload_in_a_running_window_reads_an_edit_without_a_walk(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = open_session([clinic], bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
    _save_by_renaming(clinic / "alpha.md", "# Alpha\n\n## Care\n\nEdited while it was open.\n")
    read = documents_read(monkeypatch)
    monkeypatch.setattr(library_module, "load_library", _no_walk)
    again = session.reload()
    assert read == ["alpha"]
    assert "Edited while it was open" in again.page("alpha")
    write(clinic / "gamma.md", "# Gamma\n\nAdded while it was open.\n")
    monkeypatch.undo()
    latest = again.reload()  # a file added: the folders are walked
    assert _as_read(latest) == _as_read(_walked(clinic, tmp_path))
    assert [d.id for d in latest.library.documents] == ["alpha", "beta", "gamma"]


def _edited_after_a_start(
    folders: list[Path], tmp_path: Path, edit: Callable[[], None]
) -> tuple[Session, Session]:
    """A restart and a reload of the running session after `edit`, against the same
    folders read from the start."""
    running = open_session(folders, bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
    running.save_snapshot()
    edit()
    restarted = open_session(folders, bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
    assert not restarted.from_snapshot
    walked = open_session(folders, bundled=False, index_dir=tmp_path / "walk")
    assert _as_read(running.reload()) == _as_read(walked)
    return restarted, walked


@pytest.mark.parametrize("inner", ["sub", ""], ids=["a folder inside another", "a folder twice"])
def test_an_edit_read_from_overlapping_folders_is_never_stale(
    clinic: Path, tmp_path: Path, inner: str
) -> None:
    write(clinic / "sub" / "x.md", "# X\n\nThe first text.\n")
    folders = [clinic, clinic / inner] if inner else [clinic, clinic]
    restarted, walked = _edited_after_a_start(
        folders, tmp_path, lambda: write(clinic / "sub" / "x.md", "# X\n\nThe edited text.\n")
    )
    assert _as_read(restarted) == _as_read(walked)
    assert "edited text" in restarted.page("sub/x")


def test_a_sidecar_that_links_out_of_the_library_keeps_its_problems(
    clinic: Path, tmp_path: Path
) -> None:
    outside = write(tmp_path / "elsewhere" / "alpha.meta.yaml", "title: From outside\n")
    (clinic / "alpha.meta.yaml").symlink_to(outside)
    restarted, walked = _edited_after_a_start(
        [clinic], tmp_path, lambda: write(clinic / "alpha.md", "# Alpha\n\nEdited.\n")
    )
    assert _as_read(restarted) == _as_read(walked)
    assert sum("outside the library" in str(p) for p in restarted.problems) >= 1


def test_an_edit_saved_while_a_document_is_read_again_is_read_next_time(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = open_session([clinic], bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
    write(clinic / "alpha.md", "# Alpha\n\nVersion two.\n")
    real = library_module.load_guarded

    def saved_meanwhile(path: Path, doc_id: str, root: Path | None) -> object:
        read = real(path, doc_id, root)
        write(clinic / "alpha.md", "# Alpha\n\nVersion three, saved during the read.\n")
        return read

    monkeypatch.setattr(library_module, "load_guarded", saved_meanwhile)
    again = running.reload()
    monkeypatch.undo()
    assert "Version two" in again.page("alpha")
    write(clinic / "gamma.md", "# Gamma\n\nAdded: the folders are walked.\n")
    assert "Version three" in again.reload().page("alpha")  # its stamp is the older one


def _long_text(topic: str, n: int) -> str:
    """A page long enough that each section's text is kept compressed."""
    said = " ".join(f"Sentence {i} about {topic}, said plainly for a patient." for i in range(n))
    return f"# {topic.title()}\n\n## What it is\n\n{said}\n\n## Questions to ask\n\n{said}\n"


def test_long_sections_come_back_word_for_word_restart_after_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compressed section text is kept beside the pickle and handed back as a view of
    the file read: it must survive being saved again, and a document read again."""
    clinic = tmp_path / "clinic"
    write(clinic / "alpha.md", _long_text("radiation", 40))
    write(clinic / "beta.md", _long_text("fatigue", 60))
    start(clinic, tmp_path / "ix")
    restarted, _ = start(clinic, tmp_path / "ix")  # from the snapshot, saved again
    assert restarted.from_snapshot
    write(clinic / "beta.md", _long_text("nausea", 50))
    read = documents_read(monkeypatch)
    edited, _ = start(clinic, tmp_path / "ix")  # alpha taken over, beta read again
    assert read == ["beta"]
    again = open_session([clinic], bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
    assert again.from_snapshot
    fresh = _walked(clinic, tmp_path)
    for session in (restarted, edited, again):
        assert [d.id for d in session.library.documents] == ["alpha", "beta"]
    assert _as_read(again) == _as_read(fresh)
    body = {s.id: s.body for s in fresh.library.get("alpha").sections}
    assert {s.id: s.body for s in again.library.get("alpha").sections} == body
    assert "Sentence 39 about radiation" in again.library.get("alpha").sections[-1].text


def test_a_section_read_from_a_snapshot_copies_and_pickles_as_any_other(
    tmp_path: Path,
) -> None:
    import copy
    import pickle

    clinic = tmp_path / "clinic"
    write(clinic / "alpha.md", _long_text("radiation", 40))
    start(clinic, tmp_path / "ix")
    session = open_session([clinic], bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
    assert session.from_snapshot
    section = session.library.documents[0].sections[-1]
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(section, protocol=protocol)) == section
    assert copy.copy(section) == section
    assert copy.deepcopy(section).text == section.text


def _resealed(path: Path, change: Callable[[bytes], bytes]) -> None:
    """The snapshot at `path` with its contents after the seal changed, and sealed
    again with this user's key (as a bug of ours, not a stranger, would leave it)."""
    head = len(snapshot_module._MAGIC) + snapshot_module._SEAL_BYTES
    data = path.read_bytes()
    rest = change(data[head:])
    key = snapshot_module._key(create=False)
    assert key is not None
    seal = snapshot_module._seal(key, [rest])
    path.write_bytes(snapshot_module._MAGIC + seal + rest)


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "cut short": lambda rest: rest[: len(rest) // 2],
    "bytes added": lambda rest: rest + b"\0" * 9,
    "no buffers listed": lambda rest: rest[:0],
    "a count past the file's end": lambda rest: (2**60).to_bytes(8, "little") + rest[8:],
    "the largest count": lambda rest: b"\xff" * 8 + rest[8:],
    "a buffer longer than the file": lambda rest: rest[:8] + b"\xff" * 8 + rest[16:],
}


@pytest.mark.parametrize("change", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_sealed_snapshot_that_does_not_hold_together_is_a_miss(
    tmp_path: Path, change: Callable[[bytes], bytes]
) -> None:
    clinic = tmp_path / "clinic"
    write(clinic / "alpha.md", _long_text("radiation", 40))
    start(clinic, tmp_path / "ix")
    _resealed(snapshot_path(tmp_path / "ix"), change)
    session = open_session([clinic], bundled=False, index_dir=tmp_path / "ix", use_snapshot=True)
    assert not session.from_snapshot
    assert "Sentence 39 about radiation" in session.library.documents[0].sections[-1].text
