"""Bookmarks and recently read, as files in the user's data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.bookmarks import (
    RECENT_LIMIT,
    PlaceList,
    PlacesFileError,
    bookmarks_path,
    read_places,
    recent_path,
)
from index.paths import data_dir


def test_the_lists_live_in_the_data_folder(tmp_path: Path) -> None:
    assert data_dir() == tmp_path / "data"
    assert bookmarks_path().parent == recent_path().parent == data_dir()


def test_bookmarks_are_kept_renamed_and_removed_across_sessions(tmp_path: Path) -> None:
    marks = PlaceList(bookmarks_path())
    marks.add("gist", "surgery", "Surgery — GIST")
    marks.add("gist", None, "GIST")
    marks.add("gist", "surgery", "again")  # already there: kept as it was
    marks.rename(0, "  My\tsurgery\x1b notes ")
    again = PlaceList(bookmarks_path())
    assert [(p.doc, p.section, p.name) for p in again.places] == [
        ("gist", "surgery", "My surgery notes"),
        ("gist", None, "GIST"),
    ]
    again.remove(0)
    assert [p.name for p in PlaceList(bookmarks_path()).places] == ["GIST"]
    # Written whole and put in place: no temporary file is left beside it.
    assert sorted(p.name for p in data_dir().iterdir()) == ["bookmarks.json"]


def test_recently_read_keeps_the_last_twenty_newest_first() -> None:
    recent = PlaceList(recent_path(), RECENT_LIMIT)
    for number in range(25):
        recent.read(f"doc{number}", "top", f"Doc {number}")
    # Moving on within one document replaces its entry: one read, one line.
    recent.read("doc24", "later", "Later — Doc 24")
    assert not recent.read("doc24", "later", "Later — Doc 24")  # no change, no write
    recent.read("doc10", "top", "Doc 10")  # read again: back to the top, once
    names = [p.name for p in PlaceList(recent_path(), RECENT_LIMIT).places]
    assert len(names) == RECENT_LIMIT
    assert names[:3] == ["Doc 10", "Later — Doc 24", "Doc 23"]
    assert names.count("Doc 10") == 1 and "Doc 4" not in names


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"places": [{"doc": "a", ', "line 1"),
        (b"\xff\xfe\x00garbage", "not text"),
        (b'["just", "a", "list"]', 'no "places" list'),
    ],
)
def test_a_damaged_file_is_set_aside_and_reported(content: bytes, reason: str) -> None:
    path = bookmarks_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    marks = PlaceList(path)
    assert marks.places == []
    assert marks.problem is not None
    assert str(path) in marks.problem and reason in marks.problem
    assert "bookmarks.json.damaged" in marks.problem
    assert (path.parent / "bookmarks.json.damaged").read_bytes() == content
    marks.add("gist", None, "GIST")  # and the list goes on working
    assert [p.name for p in PlaceList(path).places] == ["GIST"]


def test_readable_entries_of_a_damaged_file_are_kept() -> None:
    path = bookmarks_path()
    path.parent.mkdir(parents=True)
    good = {"doc": "gist", "section": "s1", "name": "Kept", "when": "2026-01-01T10:00:00"}
    path.write_text(json.dumps({"places": [good, {"name": "no doc"}, 42]}), encoding="utf-8")
    marks = PlaceList(path)
    assert [p.name for p in marks.places] == ["Kept"]
    assert marks.problem is not None and "2 entries without a document" in marks.problem
    assert [p.name for p in PlaceList(path).places] == ["Kept"]  # the good part was saved
    assert PlaceList(path).problem is None


def test_a_second_damaged_file_does_not_overwrite_the_first() -> None:
    path = bookmarks_path()
    path.parent.mkdir(parents=True)
    for text in ("first", "second"):
        path.write_text(text, encoding="utf-8")
        PlaceList(path)
    assert (path.parent / "bookmarks.json.damaged").read_text(encoding="utf-8") == "first"
    assert (path.parent / "bookmarks.json.damaged-2").read_text(encoding="utf-8") == "second"


def test_a_folder_that_cannot_be_written_is_reported_not_fatal(tmp_path: Path) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("", encoding="utf-8")
    marks = PlaceList(blocked / "bookmarks.json")
    marks.add("gist", None, "GIST")
    assert [p.name for p in marks.places] == ["GIST"]
    assert marks.problem is not None and "could not be saved" in marks.problem


def test_export_and_import_round_trip(tmp_path: Path) -> None:
    mine = PlaceList(bookmarks_path())
    mine.add("gist", "surgery", "Surgery")
    mine.add("nci", None, "NCI")
    exported = tmp_path / "elsewhere" / "my bookmarks.json"
    exported.parent.mkdir()
    mine.export_to(exported)
    theirs = PlaceList(tmp_path / "other.json")
    theirs.add("nci", None, "Their own name")
    assert theirs.import_from(exported) == 1  # the one they had is not doubled
    assert [p.name for p in theirs.places] == ["Their own name", "Surgery"]
    assert theirs.import_from(exported) == 0


def test_importing_a_file_that_is_not_bookmarks_names_it(tmp_path: Path) -> None:
    wrong = tmp_path / "photo.json"
    wrong.write_text('{"width": 3}', encoding="utf-8")
    marks = PlaceList(bookmarks_path())
    with pytest.raises(PlacesFileError, match=r"photo\.json"):
        marks.import_from(wrong)
    with pytest.raises(PlacesFileError, match="cannot be read"):
        read_places(tmp_path / "missing.json")
    assert marks.places == []


def test_without_a_file_nothing_is_written(tmp_path: Path) -> None:
    memory = PlaceList(None, RECENT_LIMIT)
    memory.read("gist", None, "GIST")
    memory.add("nci", None, "NCI")
    assert len(memory.places) == 2
    assert not data_dir().exists()
