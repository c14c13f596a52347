"""Search answers what a person types, including typos, synonyms and nonsense."""

from __future__ import annotations

import pytest

from index.session import Session


def top(core: Session, query: str, **kwargs) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    result = core.searcher().search(query, **kwargs)
    return [(h.doc, h.section) for h in result.hits]


def test_gleevec_side_effects_finds_the_imatinib_section_first(bundled_session: Session) -> None:
    result = bundled_session.searcher().search("gleevec side effects")
    first = result.hits[0]
    assert (first.doc, first.section) == ("acs-treating-gist", "imatinib-gleevec")
    assert first.path == [
        "Targeted Therapy for Gastrointestinal Stromal Tumor",
        "Imatinib (Gleevec)",
    ]
    assert "<b>" in first.snippet


def test_tumour_and_tumor_find_the_same_documents(bundled_session: Session) -> None:
    british = {h.doc for h in bundled_session.searcher().search("tumour", limit=50).hits}
    american = {h.doc for h in bundled_session.searcher().search("tumor", limit=50).hits}
    assert british == american
    assert "nci-small-intestine-cancer-treatment" in british  # NCI only ever says "tumor"


def test_a_misspelling_gets_a_suggestion_and_its_results(bundled_session: Session) -> None:
    result = bundled_session.searcher().search("imatinab", prefix=False)
    assert result.did_you_mean == "imatinib"
    assert result.hits and result.hits[0].section == "imatinib-gleevec"
    assert "imatinib" in (result.message or "")


def test_small_bowel_finds_small_intestine_documents(bundled_session: Session) -> None:
    docs = {d for d, _ in top(bundled_session, "small bowel")}
    assert "nci-small-intestine-cancer-treatment" in docs


def test_the_last_word_is_a_prefix_while_typing(bundled_session: Session) -> None:
    typing = bundled_session.searcher().search("imatin")
    assert typing.did_you_mean is None  # a word being typed is not a misspelling
    assert ("acs-treating-gist", "imatinib-gleevec") in [(h.doc, h.section) for h in typing.hits]
    finished = bundled_session.searcher().search("imatin", prefix=False)
    assert finished.did_you_mean == "imatinib"


def test_results_are_grouped_by_document(bundled_session: Session) -> None:
    docs = [d for d, _ in top(bundled_session, "surgery", limit=30)]
    seen: list[str] = []
    for d in docs:
        if not seen or seen[-1] != d:
            assert d not in seen, f"{d} appears in two separate groups: {docs}"
            seen.append(d)


def test_filter_by_cancer_type_uses_canonical_names_and_aliases(bundled_session: Session) -> None:
    docs = {d for d, _ in top(bundled_session, "surgery", limit=50, types=["GIST"])}
    assert docs == {"acs-treating-gist"}


def test_a_glossary_term_brings_its_definition(bundled_session: Session) -> None:
    result = bundled_session.searcher().search("what is msi-h")
    assert result.definition is not None and result.definition.term == "MSI-H"
    assert result.hits[0].doc == "ccs-recurrent-small-intestine-cancer"


def test_readers_comments_rank_below_the_article(bundled_session: Session) -> None:
    hits = bundled_session.searcher().search("tumours", limit=100).hits
    blog = [h.section for h in hits if h.doc == "ronny-allan-small-intestine-nets"]
    assert blog and blog[0] != "readers-comments"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "*",
        "AND",
        "OR NOT",
        '"unbalanced',
        "((((",
        "x" * 10_000,
        "a" * 300,
        "-",
        "--",
        '"',
        "\x00",
        "🙂",
        "tumour " * 200,
        "NOT tumour",
    ],
)
def test_absurd_queries_answer_calmly(bundled_session: Session, query: str) -> None:
    result = bundled_session.searcher().search(query)
    assert result.hits or result.message  # never an empty answer with nothing to say


def test_an_excluded_word_removes_sections(bundled_session: Session) -> None:
    with_word = top(bundled_session, "imatinib", limit=50)
    without = top(bundled_session, "imatinib -sunitinib", limit=50)
    assert ("acs-treating-gist", "sunitinib-sutent") in with_word
    assert ("acs-treating-gist", "sunitinib-sutent") not in without
