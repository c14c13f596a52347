"""Whatever text arrives, loaders and search answer without raising."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.formats.markdown import load_markdown_sections
from index.formats.text import load_text_sections
from index.library import load_library
from index.session import Session
from tests.conftest import MEDQUAD

# Lines built from the pieces real documents are made of, plus anything at all.
LINE = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        [
            "",
            "●",
            "  • item",
            "# Heading",
            "Title Case Line",
            "ends with:",
            "1 thoughts on “x”",
            "Like this page please.",
            " Leading space title",
        ]
    ),
)
TEXT = st.lists(LINE, max_size=40).map("\n".join)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_plain_text_loader_never_raises_and_gives_valid_sections(text: str) -> None:
    _, sections = load_text_sections(text, None)
    for section in sections:
        assert section.id and section.level >= 1


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_markdown_loader_never_raises(text: str) -> None:
    sections = load_markdown_sections(text, "A title")
    assert len({s.id for s in sections}) == len(sections)  # anchors are unique


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_search_never_raises(bundled_session: Session, query: str) -> None:
    result = bundled_session.searcher().search(query)
    assert result.hits or result.message
    json.dumps([h.snippet for h in result.hits])


@pytest.mark.medquad
@pytest.mark.skipif(not MEDQUAD.is_dir(), reason="needs ../shared/corpus/medquad-cancergov")
def test_all_medquad_documents_load_with_the_sections_their_questions_name() -> None:
    library = load_library([MEDQUAD / "docs"])
    assert len(library.documents) == 116
    assert library.errors == []
    headings = {(d.id, s.heading) for d in library.documents for s in d.sections}
    for line in (MEDQUAD / "qrels.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert (row["doc"].removesuffix(".md"), row["section"]) in headings


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_a_sections_text_is_kept_exactly_however_it_is_stored(body: str, text: str) -> None:
    import pickle

    from index.model import Section, SectionKind

    section = Section("s", "Care", 2, "top", body, text, SectionKind.COMMENTS)
    again = pickle.loads(pickle.dumps(section))
    for each in (section, again, section.replace(heading="Other")):
        assert (each.body, each.text) == (body, text)
    assert again == section and again.kind is SectionKind.COMMENTS and again.parent == "top"
    assert section.replace(body=body + "x") != section


def test_a_library_takes_a_fraction_of_its_texts_size_in_a_snapshot() -> None:
    import pickle

    library = load_library([MEDQUAD])
    texts = sum(len(s.body) + len(s.text) for d in library.documents for s in d.sections)
    assert texts > 2_000_000
    assert len(pickle.dumps(library)) < texts / 3
