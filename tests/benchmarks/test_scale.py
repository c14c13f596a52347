"""The scale benchmark's libraries: the same every time, and not copies of one text."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.scale import make_library, read_sources
from index.library import load_library
from tests.conftest import MEDQUAD

pytestmark = pytest.mark.skipif(not MEDQUAD.is_dir(), reason="needs ../shared/corpus")

SIZE = 140  # the 116 real documents and 24 made up


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.md"))}


def test_the_same_seed_makes_the_same_library_and_another_seed_another(tmp_path: Path) -> None:
    first = _files(make_library(tmp_path / "a", SIZE))
    again = _files(make_library(tmp_path / "b", SIZE))
    other = _files(make_library(tmp_path / "c", SIZE, seed=18))
    assert len(first) == SIZE
    assert first == again
    assert first != other


def test_made_up_documents_are_varied_and_load_without_problems(tmp_path: Path) -> None:
    folder = make_library(tmp_path / "library", SIZE)
    real = {source.name for source in read_sources()}
    made_up = [p for p in folder.rglob("*.md") if p.parent != folder]
    assert len(made_up) == SIZE - len(real)
    assert {p.name for p in folder.glob("*.md")} == real  # the real ones, verbatim
    library = load_library(sorted({p.parent for p in made_up}))
    assert library.problems == []
    assert len(library.documents) == len(made_up)
    titles = {d.title for d in library.documents}
    types = {d.meta.cancer_types[0] for d in library.documents}
    assert len(titles) == len(made_up)
    assert len(types) > len(made_up) // 2
    sections = [
        "\n\n".join(paragraphs)
        for path in made_up
        for _, paragraphs in read_sources(path.parent, [path.name])[0].sections
    ]
    real_sections = {"\n\n".join(p) for s in read_sources() for _, p in s.sections}
    assert len(set(sections)) > 0.9 * len(sections)  # no document is another's copy
    # Most sections recombine two documents' paragraphs: not any real section's text.
    assert sum(s not in real_sections for s in sections) > len(sections) // 2
