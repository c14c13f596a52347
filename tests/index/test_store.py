"""The index is built once, reused, updated per document, and rebuilt when damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.cli import parse, run
from index.glossary import load_glossary
from index.library import load_library
from index.search.searcher import Searcher
from index.search.store import MANIFEST, IndexStore
from index.synonyms import load_synonyms
from index.taxonomy import load_taxonomy
from tests.conftest import write


def doc(title: str, body: str) -> str:
    return f"---\ntitle: {title}\ncancerTypes: [stomach]\n---\n# {title}\n\n## Part one\n\n{body}\n"


def setup(tmp_path: Path) -> tuple[Path, IndexStore]:
    lib = tmp_path / "lib"
    write(lib / "alpha.md", doc("Alpha", "Pancreas enzymes help digestion."))
    write(lib / "beta.md", doc("Beta", "Radiotherapy planning uses a simulation scan."))
    taxonomy, _ = load_taxonomy()
    return lib, IndexStore(tmp_path / "index", taxonomy)


def found(store_ix, word: str) -> list[str]:  # type: ignore[no-untyped-def]
    searcher = Searcher(store_ix, load_synonyms()[0], load_glossary()[0], load_taxonomy()[0])
    try:
        return sorted({h.doc for h in searcher.search(word, prefix=False).hits})
    finally:
        searcher.close()


def test_first_open_builds_and_the_next_reuses_it(tmp_path: Path) -> None:
    lib, store = setup(tmp_path)
    ix, report = store.ensure(load_library([lib]))
    assert report.action == "built" and report.sections == 2  # one "Part one" per document
    ix.close()
    ix, report = store.ensure(load_library([lib]))
    assert report.action == "opened"
    assert found(ix, "enzymes") == ["alpha"]


def test_changed_added_and_removed_documents_update_only_their_entries(tmp_path: Path) -> None:
    lib, store = setup(tmp_path)
    store.ensure(load_library([lib]))[0].close()
    write(lib / "alpha.md", doc("Alpha", "Pancreas enzymes and insulin."))
    write(lib / "gamma.md", doc("Gamma", "Endoscopy looks inside the gut."))
    (lib / "beta.md").unlink()
    ix, report = store.ensure(load_library([lib]))
    assert report.action == "updated"
    assert (report.changed, report.added, report.removed) == (["alpha"], ["gamma"], ["beta"])
    assert found(ix, "insulin") == ["alpha"]
    assert found(ix, "endoscopy") == ["gamma"]
    assert found(ix, "simulation") == []


def test_incremental_updates_give_the_same_answers_as_a_full_rebuild(tmp_path: Path) -> None:
    lib, store = setup(tmp_path)
    store.ensure(load_library([lib]))[0].close()
    write(lib / "beta.md", doc("Beta", "Radiotherapy and enzymes."))
    incremental, _ = store.ensure(load_library([lib]))
    rebuilt_store = IndexStore(tmp_path / "fresh", store.taxonomy)
    rebuilt, _ = rebuilt_store.ensure(load_library([lib]))
    for word in ("enzymes", "radiotherapy", "pancreas", "simulation"):
        assert found(incremental, word) == found(rebuilt, word)


# Whoosh leaves the damaged file it failed to read open until garbage collection.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_corrupt_index_is_detected_and_rebuilt(tmp_path: Path) -> None:
    lib, store = setup(tmp_path)
    store.ensure(load_library([lib]))[0].close()
    for segment in (tmp_path / "index").glob("*.seg"):
        segment.write_bytes(b"garbage")
    for toc in (tmp_path / "index").glob("*.toc"):
        toc.write_bytes(b"garbage")
    ix, report = store.ensure(load_library([lib]))
    assert report.action == "built" and "cannot be opened" in report.reason
    assert found(ix, "enzymes") == ["alpha"]


def test_a_half_finished_update_is_rebuilt(tmp_path: Path) -> None:
    lib, store = setup(tmp_path)
    store.ensure(load_library([lib]))[0].close()
    manifest = tmp_path / "index" / MANIFEST
    manifest.write_text(manifest.read_text().replace('"ready"', '"updating"'))
    _, report = store.ensure(load_library([lib]))
    assert report.action == "built" and "did not finish" in report.reason


def test_a_rebuild_leaves_no_temporary_folders_behind(tmp_path: Path) -> None:
    lib, store = setup(tmp_path)
    (tmp_path / "index.tmp-crashed").mkdir()
    store.rebuild(load_library([lib]))[0].close()
    store.rebuild(load_library([lib]))[0].close()
    # The lock file that lets two programs take turns stays; nothing temporary does.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index", "index.lock", "lib"]


def test_many_incremental_updates_rank_exactly_as_a_clean_build(tmp_path: Path) -> None:
    lib, store = setup(tmp_path)
    words = ["chemotherapy", "surgery", "nausea", "pancreas", "scan", "fatigue", "diet"]
    for n in range(8):
        body = " ".join(words[(n + k) % len(words)] for k in range(n + 3))
        write(lib / f"doc{n}.md", doc(f"Doc {n}", f"{body}. Ask your care team."))
    store.ensure(load_library([lib]))[0].close()
    for round_ in range(6):  # edit, add and remove documents, one update at a time
        n = round_ % 8
        write(lib / f"doc{n}.md", doc(f"Doc {n}", f"{words[round_ % 7]} and more {round_}."))
        store.ensure(load_library([lib]))[0].close()
        extra = lib / f"extra{round_}.md"
        write(extra, doc(f"Extra {round_}", "chemotherapy fatigue nausea " * (round_ + 1)))
        store.ensure(load_library([lib]))[0].close()
        extra.unlink()
    updated, _ = store.ensure(load_library([lib]))
    clean, _ = IndexStore(tmp_path / "clean", store.taxonomy).rebuild(load_library([lib]))
    searchers = [
        Searcher(ix, load_synonyms()[0], load_glossary()[0], load_taxonomy()[0])
        for ix in (updated, clean)
    ]
    try:
        for query in ["chemotherapy", "nausea fatigue", "scan", "care team", "diet surgery"]:
            a, b = (
                [(h.doc, h.section, round(h.score, 3)) for h in s.search(query, prefix=False).hits]
                for s in searchers
            )
            assert a == b, query
    finally:
        for s in searchers:
            s.close()


def test_one_edit_in_a_large_index_leaves_the_rest_of_it_as_written(tmp_path: Path) -> None:
    lib, store = setup(tmp_path)
    for n in range(120):
        write(lib / f"leaflet{n}.md", doc(f"Leaflet {n}", f"Advice number {n} about fatigue."))
    store.ensure(load_library([lib]))[0].close()
    written = {p.name for p in (tmp_path / "index").glob("*.seg")}
    write(lib / "alpha.md", doc("Alpha", "Pancreas enzymes and insulin."))
    ix, report = store.ensure(load_library([lib]))
    assert report.action == "updated" and found(ix, "insulin") == ["alpha"]
    assert written <= {p.name for p in (tmp_path / "index").glob("*.seg")}  # not rewritten
    ix.close()
    for n in range(3):  # more deleted entries than the share kept: they are purged
        write(lib / f"leaflet{n}.md", doc(f"Leaflet {n}", f"Changed advice {n}."))
    ix, report = store.ensure(load_library([lib]))
    assert ix.doc_count_all() == ix.doc_count() == report.sections == 122
    assert found(ix, "changed") == ["leaflet0", "leaflet1", "leaflet2"]
    ix.close()


def test_a_manifest_nested_too_deep_to_read_is_damage_not_a_crash(tmp_path: Path) -> None:
    lib, store = setup(tmp_path)
    store.ensure(load_library([lib]))[0].close()
    (tmp_path / "index" / MANIFEST).write_text("[" * 100_000 + "]" * 100_000)
    ix, report = store.ensure(load_library([lib]))
    assert report.action == "built" and "damaged" in report.reason
    assert found(ix, "enzymes") == ["alpha"]


@pytest.mark.parametrize("kind", ["a folder of someone's files", "a file"])
def test_an_index_folder_that_holds_something_else_is_never_replaced(
    tmp_path: Path, kind: str
) -> None:
    lib, _ = setup(tmp_path)
    target = tmp_path / "Documents"
    if kind == "a file":
        write(target, "my notes")
    else:
        write(target / "letter.txt", "Dear Doctor")
        write(target / "photos" / "scan.jpg", b"\xff\xd8\xff")
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    for command in (["index"], ["index", "--rebuild"], ["search", "enzymes"]):
        args = [*command, "--no-bundled", "--library", str(lib), "--index-dir", str(target)]
        code = run(parse(args))
        assert code == 4, command
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    if kind == "a file":
        assert target.read_text() == "my notes"
    else:
        assert (target / "letter.txt").read_text() == "Dear Doctor"


def test_an_empty_folder_or_an_earlier_index_may_be_used(tmp_path: Path) -> None:
    lib, _ = setup(tmp_path)
    (tmp_path / "empty").mkdir()
    ix, report = IndexStore(tmp_path / "empty", load_taxonomy()[0]).ensure(load_library([lib]))
    assert report.action == "built" and found(ix, "enzymes") == ["alpha"]
    ix.close()
    write(tmp_path / "empty" / MANIFEST, "damaged")
    ix, report = IndexStore(tmp_path / "empty", load_taxonomy()[0]).ensure(load_library([lib]))
    assert report.action == "built"  # our own damaged index is rebuilt
    ix.close()


def test_two_builds_of_one_index_at_once_take_turns_twenty_times_over(tmp_path: Path) -> None:
    """As two programs sharing a cache folder do (a window and `oncoref index
    --rebuild`): each takes the index's lock in turn, neither removes the other's
    build, and both end with the same, whole index."""
    import threading

    lib, _ = setup(tmp_path)
    library = load_library([lib])
    taxonomy = load_taxonomy()[0]
    for round_ in range(20):
        folder = tmp_path / f"shared-{round_}"
        failures: list[BaseException] = []
        counts: list[int] = []

        def build(
            rebuild: bool,
            folder: Path = folder,
            failures: list[BaseException] = failures,
            counts: list[int] = counts,
        ) -> None:
            try:
                store = IndexStore(folder, taxonomy)
                ix, _ = store.rebuild(library) if rebuild else store.ensure(library)
                counts.append(ix.doc_count())
                ix.close()
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=build, args=(n % 2 == 0,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == [] and counts == [2, 2], round_
        assert not list(tmp_path.glob(f"shared-{round_}.tmp-*"))
        ix, report = IndexStore(folder, taxonomy).ensure(library)
        assert report.action == "opened" and found(ix, "enzymes") == ["alpha"]
