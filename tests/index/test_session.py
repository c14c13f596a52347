"""A session: one call opens the library; a reload reads only what changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from index import library as library_module
from index.session import open_session
from tests.conftest import write


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    folder = tmp_path / "clinic"
    write(folder / "alpha.md", "# Alpha\n\n## Care\n\nThe first version.\n")
    write(folder / "beta.txt", "Beta\n\nPlain text about chemotherapy.\n")
    write(folder / "gamma.md", "# Gamma\n\nMore text.\n")
    return folder


def test_a_reload_reads_only_the_changed_added_and_removed_documents(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = open_session([clinic], bundled=False, index_dir=tmp_path / "ix")
    before = {d.id: d for d in session.library.documents}
    write(clinic / "alpha.md", "# Alpha\n\n## Care\n\nThe second, longer version.\n")
    (clinic / "gamma.md").unlink()
    write(clinic / "delta.md", "# Delta\n\nNew.\n")
    read: list[str] = []
    real = library_module.load_document

    def counting(path: Path, doc_id: str, **kwargs):  # type: ignore[no-untyped-def]
        read.append(doc_id)
        return real(path, doc_id, **kwargs)

    monkeypatch.setattr(library_module, "load_document", counting)
    again = session.reload()
    assert sorted(read) == ["alpha", "delta"]
    assert [d.id for d in again.library.documents] == ["alpha", "beta", "delta"]
    assert again.library.get("beta") is before["beta"]  # taken over, not read again
    assert "second, longer" in again.page("alpha")
    assert session.library.get("gamma") is not None  # the old session is left as it was


def test_a_changed_sidecar_counts_as_a_change(clinic: Path, tmp_path: Path) -> None:
    session = open_session([clinic], bundled=False, index_dir=tmp_path / "ix")
    sidecar = write(clinic / "beta.meta.yaml", "title: Beta, renamed\n")
    os.utime(sidecar)
    assert session.reload().library.get("beta").title == "Beta, renamed"  # type: ignore[union-attr]


def test_search_carries_the_query_and_the_words_to_highlight(clinic: Path, tmp_path: Path) -> None:
    session = open_session([clinic], bundled=False, index_dir=tmp_path / "ix")
    result = session.search("chemo", prefix=True)
    assert result.query == "chemo"
    assert [h.doc for h in result.hits] == ["beta"]
    from index.search.searcher import matching_words

    assert matching_words("Chemotherapy is given", result.terms) == ["Chemotherapy"]
    session.close()


def flipped(segment: Path, original: bytes, step: int) -> None:
    """Three bytes flipped at `step` fortieths of the file."""
    data = bytearray(original)
    at = len(data) * step // 40
    data[at : at + 3] = bytes(b ^ 0xFF for b in data[at : at + 3])
    segment.write_bytes(bytes(data))


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # Whoosh leaves a damaged file open
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("disk_fault", [False, True], ids=["rewritten", "bit-rot"])
def test_bytes_flipped_anywhere_in_the_index_never_fail_a_search(
    clinic: Path, tmp_path: Path, disk_fault: bool
) -> None:
    """A segment file written by something else is seen at open (its size or time
    changed) and rebuilt; damage with the file's time unchanged (a disk fault) can
    show only when a search reads it: the search still answers."""
    good = tmp_path / "good"
    session = open_session([clinic], bundled=False, index_dir=good)
    assert session.search("chemotherapy", prefix=False).hits
    session.close()
    mended = 0
    for step in range(1, 40):
        shutil.rmtree(tmp_path / "ix", ignore_errors=True)
        shutil.copytree(good, tmp_path / "ix", copy_function=shutil.copy2)
        (segment,) = (tmp_path / "ix").glob("*.seg")
        info = segment.stat()
        flipped(segment, segment.read_bytes(), step)
        if disk_fault:
            os.utime(segment, ns=(info.st_atime_ns, info.st_mtime_ns))
        again = open_session([clinic], bundled=False, index_dir=tmp_path / "ix")
        result = again.search("chemotherapy", prefix=False)  # never raises
        if not disk_fault:
            assert [h.doc for h in result.hits] == ["beta"], step
        if result.message and "built again" in result.message:
            mended += 1
            assert [h.doc for h in result.hits] == ["beta"], step
            assert again.search("chemotherapy", prefix=False).message is None
        again.close()
    if not disk_fault:
        assert mended == 0  # rewritten files were rebuilt at open, before any search


def test_an_index_that_fails_when_searched_is_built_again_and_answers(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zlib

    from index.search.searcher import Searcher

    session = open_session([clinic], bundled=False, index_dir=tmp_path / "ix")
    session.searcher()
    real = Searcher.search
    reads: list[str] = []

    def damaged_once(self: Searcher, *args: object, **kwargs: object) -> object:
        reads.append("search")
        if len(reads) == 1:  # what a damaged stored block does when it is read
            raise zlib.error("Error -3 while decompressing data: invalid stored block lengths")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Searcher, "search", damaged_once)
    result = session.search("chemotherapy", prefix=False)
    assert [h.doc for h in result.hits] == ["beta"]
    assert result.message == "The search index was damaged and has been built again."
    assert session.index_report is not None and session.index_report.action == "built"
    assert "zlib" in session.repairs[0] or "decompressing" in session.repairs[0]
    session.close()
