"""A package's prebuilt index: used read-only, searched together with the clinic's own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop.main import main
from index.paths import resources_dir
from index.search.store import MANIFEST, build_prebuilt
from index.session import Session, open_session
from tests.conftest import write

QUERIES = ["gleevec", "surgery", "side effects of chemotherapy", "carcinoid", "diet"]


def tree_state(top: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(top)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(top.rglob("*"))
    }


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of resources/ with the bundled library's index built into it, as a
    package ships it."""
    folder = tmp_path_factory.mktemp("package") / "resources"
    shutil.copytree(resources_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    core = open_session()  # the bundled library alone
    try:
        report = build_prebuilt(core.library, core.taxonomy, folder / "index")
    finally:
        core.close()
    assert report.sections == sum(len(d.sections) for d in core.library.documents)
    return folder


@pytest.fixture
def installed(packaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The package's resources, with the user's cache empty; read-only where the
    file system can say so (root ignores the mode, so tests compare the tree too)."""
    monkeypatch.setenv("ONCOREF_RESOURCES", str(packaged))
    return packaged


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    folder = tmp_path / "clinic"
    write(
        folder / "diet-after-surgery.md",
        "---\ntitle: Eating after bowel surgery\ncancerTypes: [small intestine]\n---\n"
        "# Eating after bowel surgery\n\n## First weeks\n\n"
        "Small meals, plenty of fluids; your dietitian will suggest foods low in fibre.\n\n"
        "## Gleevec and food\n\nTake Gleevec with a meal and a large glass of water.\n",
    )
    return folder


def hits(core: Session, query: str) -> list[tuple[str, str, float]]:
    """Whole words, as the command line searches. (The window also completes the word
    being typed; Whoosh scores such a completion per index segment.)"""
    result = core.searcher().search(query, limit=30, prefix=False)
    return [(h.doc, h.section, h.score) for h in result.hits]


def test_first_launch_searches_the_prebuilt_index_and_writes_nothing_beside_it(
    installed: Path, tmp_path: Path
) -> None:
    before = tree_state(installed)
    core = open_session()
    try:
        result = core.searcher().search("gleevec")
        report = core.index_report
    finally:
        core.close()
    assert result.hits and result.hits[0].doc == "acs-treating-gist"
    assert report is not None and report.prebuilt == installed / "index"
    assert report.prebuilt_sections == sum(len(d.sections) for d in core.library.documents)
    assert not core.index_dir.exists(), "no index was built in the cache"
    assert tree_state(installed) == before


def test_clinic_documents_are_indexed_in_the_cache_and_ranked_with_the_bundled_ones(
    installed: Path, clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree_state(installed)
    together = open_session([clinic])
    try:
        combined = {q: hits(together, q) for q in [*QUERIES, "dietitian fibre"]}
        report = together.index_report
        # Spelling help draws on the words of both indexes.
        assert together.searcher().search("imatinab").did_you_mean == "imatinib"
        assert together.searcher().search("dietitan").did_you_mean == "dietitian"
    finally:
        together.close()
    assert report is not None and report.prebuilt is not None
    assert report.sections == 2, "only the clinic's two sections were indexed in the cache"
    assert (together.index_dir / MANIFEST).exists()
    assert tree_state(installed) == before
    gleevec_docs = {doc for doc, _, _ in combined["gleevec"]}
    assert {"acs-treating-gist", "diet-after-surgery"} <= gleevec_docs
    assert combined["dietitian fibre"][0][:2] == ("diet-after-surgery", "first-weeks")

    # The same library in one index of its own ranks and scores every hit the same.
    monkeypatch.delenv("ONCOREF_RESOURCES")  # the source checkout, which has no prebuilt index
    single = open_session([clinic], index_dir=tmp_path / "single")
    try:
        assert single.searcher() and single.index_report.prebuilt is None  # type: ignore[union-attr]
        for query, expected in combined.items():
            assert hits(single, query) == expected, query
    finally:
        single.close()


def test_a_prebuilt_index_that_no_longer_matches_is_not_used(
    installed: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    library = tmp_path / "edited"
    shutil.copytree(installed, library)
    gist = library / "library" / "acs-treating-gist.txt"
    gist.write_text(gist.read_text(encoding="utf-8") + "\nPomegranate juice.\n")
    monkeypatch.setenv("ONCOREF_RESOURCES", str(library))
    core = open_session()
    try:
        result = core.searcher().search("pomegranate", prefix=False)
        report = core.index_report
    finally:
        core.close()
    assert report is not None and report.prebuilt is None
    assert "changed since it was built" in report.prebuilt_note
    assert {h.doc for h in result.hits} == {"acs-treating-gist"}


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda ix: (ix / MANIFEST).write_text("{not json"), "manifest is damaged"),
        (lambda ix: (ix / MANIFEST).unlink(), "has no manifest"),
        (
            lambda ix: (ix / MANIFEST).write_text(
                json.dumps({**json.loads((ix / MANIFEST).read_text()), "sections": 1})
            ),
            "does not match its manifest",
        ),
    ],
)
def test_a_damaged_prebuilt_index_falls_back_to_the_cache(
    installed: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, damage, reason: str
) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "damaged"
    shutil.copytree(installed, copy)
    damage(copy / "index")
    monkeypatch.setenv("ONCOREF_RESOURCES", str(copy))
    core = open_session()
    try:
        assert core.searcher().search("gleevec").hits
        report = core.index_report
    finally:
        core.close()
    assert report is not None and report.prebuilt is None and reason in report.prebuilt_note
    assert report.action == "built"


def test_the_index_command_says_which_index_it_used(
    installed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index"]) == 0
    out = capsys.readouterr().out
    assert "prebuilt index" in out and "read-only" in out
    assert str(installed / "index") in out
    assert "built from scratch" not in out
