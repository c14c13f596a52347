"""The format registry: one rule for what a document is, for the loader and the watcher."""

from __future__ import annotations

from pathlib import Path

from index import formats
from index.library import load_library
from index.session import open_session
from tests.conftest import write


def test_suffixes_match_in_any_case_and_sidecars_and_folder_notes_are_not_documents() -> None:
    assert formats.format_for("Diet.MD") is formats.format_for("diet.md") is not None
    assert formats.format_for("NOTES.TXT") is not None
    assert formats.format_for("notes.txt.meta.yaml") is None
    assert formats.is_sidecar("NOTES.META.YAML")
    for name in ("README.md", "sources.md", "LICENSE.txt", ".hidden.md", "photo.jpg"):
        assert not formats.is_document(name), name
    assert formats.is_watched("Diet.MD") and formats.is_watched("diet.meta.yaml")
    assert not formats.is_watched("README.md") and not formats.is_watched("photo.jpg")


def test_the_library_and_the_watch_list_agree(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    write(folder / "Diet.MD", "---\ntitle: Eating well\n---\nSmall meals.\n")
    write(folder / "sub" / "Port.TXT", "Port care\n\nFlush it monthly.\n")
    write(folder / "sub" / "Port.meta.yaml", "title: Caring for your port\n")
    write(folder / "README.md", "# About this folder\n")
    write(folder / "photo.jpg", b"\xff\xd8\xff")
    library = load_library([folder])
    loaded = {d.path for d in library.documents}
    assert loaded == {folder / "Diet.MD", folder / "sub" / "Port.TXT"}
    session = open_session([folder], bundled=False, index_dir=tmp_path / "ix")
    watched = set(session.watch_list())
    assert {str(p) for p in loaded} <= watched
    assert str(folder / "sub" / "Port.meta.yaml") in watched
    assert str(folder / "sub") in watched
    assert str(folder / "README.md") not in watched and str(folder / "photo.jpg") not in watched
    assert [d.title for d in library.documents] == ["Eating well", "Caring for your port"]
    assert not any("README" in str(p.path) for p in library.problems)


def test_a_sidecar_wins_over_what_the_file_says_and_its_problems_name_the_sidecar(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "clinic"
    write(folder / "diet.md", "---\ntitle: From the file\nlicense: ours\n---\nText.\n")
    write(folder / "diet.meta.yaml", "title: From the sidecar\nlastReviewed: someday\n")
    library = load_library([folder])
    (doc,) = library.documents
    assert doc.title == "From the sidecar" and doc.meta.license == "ours"
    (problem,) = [p for p in library.problems if p.field == "lastReviewed"]
    assert problem.path == folder / "diet.meta.yaml" and problem.line == 2
