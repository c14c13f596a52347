"""Stamps and the stat pass: an edit to any file of a large library is seen, once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from index.session import Session, open_session
from index.snapshot import fingerprint
from index.stamps import GONE, StatPass, stamp
from tests.conftest import write


def library(folder: Path, count: int) -> list[str]:
    """`count` documents in folders of 100: the folders and documents, as the
    session's watch list has them (the list itself is tested below)."""
    paths = [str(folder)]
    for n in range(count):
        doc = folder / f"part{n // 100:02d}" / f"doc{n:04d}.md"
        if n % 100 == 0:
            doc.parent.mkdir(parents=True)
            paths.append(str(doc.parent))
        doc.write_bytes(b"# Leaflet %d\n\nText.\n" % n)
        paths.append(str(doc))
    return paths


def test_an_edit_to_one_of_3000_files_is_reported_once(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    paths = library(folder, 3000)
    assert len(paths) == 1 + 30 + 3000  # the folder, its 30 folders, every document
    stat_pass = StatPass(paths)
    assert stat_pass.run() == []  # the first pass only takes note
    assert sorted(stat_pass.folders) == sorted(p for p in paths if not p.endswith(".md"))
    edited = folder / "part29" / "doc2917.md"
    edited.write_text("# Leaflet 2917\n\nNew text, a little longer.\n", encoding="utf-8")
    assert stat_pass.run() == [str(edited)]
    assert stat_pass.run() == []  # once


def test_a_change_of_time_alone_or_of_size_alone_is_a_change(tmp_path: Path) -> None:
    doc = write(tmp_path / "diet.md", "# Diet\n\nSmall meals.\n")
    stat_pass = StatPass([str(doc)])
    stat_pass.run()
    info = doc.stat()
    os.utime(doc, ns=(info.st_atime_ns, info.st_mtime_ns + 1))  # same size, 1 ns later
    assert stat_pass.run() == [str(doc)]
    mtime = doc.stat().st_mtime_ns
    doc.write_text("# Diet\n\nSmall meals, often.\n", encoding="utf-8")
    os.utime(doc, ns=(mtime, mtime))  # a longer file with the same time
    assert stat_pass.run() == [str(doc)]


def test_a_file_added_deep_down_changes_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    write(folder / "a" / "b" / "c" / "port.md", "# Port\n\nFlush it.\n")
    session = open_session([folder], bundled=False, index_dir=tmp_path / "ix", packs=False)
    stat_pass = StatPass(session.watch_list())
    stat_pass.run()
    write(folder / "a" / "b" / "c" / "diet.md", "# Diet\n\nSmall meals.\n")
    assert stat_pass.run() == [str(folder / "a" / "b" / "c")]


def test_a_missing_folder_coming_back_is_seen(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    write(folder / "diet.md", "# Diet\n\nSmall meals.\n")
    shutil.rmtree(folder)
    session = open_session([folder], bundled=False, index_dir=tmp_path / "ix", packs=False)
    paths = session.watch_list()
    assert str(folder) in paths and str(tmp_path) in paths
    stat_pass = StatPass(paths)
    stat_pass.run()
    assert stat_pass.seen[str(folder)] == GONE
    write(folder / "diet.md", "# Diet\n\nSmall meals.\n")
    assert set(stat_pass.run()) == {str(folder), str(tmp_path)}


def test_a_renewed_list_reports_what_changed_while_it_was_made(tmp_path: Path) -> None:
    """After a reload, the new list starts from the stamps the old one saw last: a
    file changed between the two is not taken as it is now."""
    diet = write(tmp_path / "diet.md", "# Diet\n\nSmall meals.\n")
    port = write(tmp_path / "port.md", "# Port\n\nFlush it.\n")
    old = StatPass([str(diet), str(port)])
    old.run()
    diet.write_text("# Diet\n\nSmall meals, often.\n", encoding="utf-8")
    new_doc = write(tmp_path / "new.md", "# New\n\nText.\n")
    renewed = StatPass([str(diet), str(port), str(new_doc)], old.known())
    assert renewed.run() == [str(diet)]
    assert renewed.run() == []


def test_stamps_and_the_snapshot_agree_on_what_a_change_is(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    write(folder / "diet.md", "# Diet\n\nSmall meals.\n")
    write(folder / "sub" / "port.txt", "Port\n\nFlush it.\n")
    write(folder / "sub" / "port.meta.yaml", "title: Caring for your port\n")
    stamps = {path: (size, mtime) for path, size, mtime in fingerprint([folder])}
    session = open_session([folder], bundled=False, index_dir=tmp_path / "ix", packs=False)
    listed = session.watch_list()
    assert len(listed) == 5  # two folders, two documents, one sidecar
    for path in listed:
        assert stamps[path] == stamp(path)[0], path


def test_the_bundled_folder_is_never_watched(bundled_session: Session) -> None:
    assert bundled_session.bundled_root is not None
    bundled = str(bundled_session.bundled_root)
    assert not [p for p in bundled_session.watch_list() if p.startswith(bundled)]


def test_a_file_changed_after_it_was_read_and_before_watching_is_seen(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    diet = write(folder / "diet.md", "# Diet\n\nSmall meals.\n")
    write(folder / "port.md", "# Port\n\nFlush it.\n")
    write(folder / "port.meta.yaml", "title: Caring for your port\n")
    session = open_session([folder], bundled=False, index_dir=tmp_path / "ix", packs=False)
    read = session.read_stamps()
    assert read[str(folder / "diet.meta.yaml")] == GONE  # it has none
    assert StatPass(session.watch_list(), read).run() == []  # nothing changed since
    diet.write_text("# Diet\n\nSmall meals, often.\n", encoding="utf-8")
    write(folder / "diet.meta.yaml", "title: Eating well\n")
    listed = session.watch_list()  # made after the changes
    # Documents and sidecars are compared with how they were read (folders with how
    # this list first finds them).
    assert sorted(StatPass(listed, read).run()) == [
        str(folder / "diet.md"),
        str(folder / "diet.meta.yaml"),
    ]
