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


# -- equivalences: only true synonyms widen a search ---------------------------


@pytest.mark.parametrize(
    ("query", "not_also"),
    [
        ("carcinoid", "neuroendocrine tumour"),  # one kind of NET, not all of them
        ("lump", "tumour"),  # a lump is not always a tumour
        ("risk", "risk factor"),
        ("spread", "metastasis"),  # spread is not always metastasis
        ("bowel cancer", "small intestine"),  # colorectal cancer in UK and Canadian usage
        ("chemotherapy", "systemic therapy"),
        ("net", "neuroendocrine tumour"),  # an everyday word typed in lower case
        ("si", "small intestine"),
    ],
)
def test_no_false_equivalences(bundled_session: Session, query: str, not_also: str) -> None:
    alternatives = bundled_session.synonyms.alternatives(query)
    assert not_also not in alternatives


def test_an_abbreviation_typed_in_capitals_means_its_long_form(bundled_session: Session) -> None:
    assert "neuroendocrine tumour" in bundled_session.synonyms.alternatives("net", "NET")
    assert bundled_session.synonyms.alternatives("net", "net") == ["net"]


def test_bowel_cancer_does_not_bring_small_intestine_sections(bundled_session: Session) -> None:
    result = bundled_session.searcher().search("bowel cancer", prefix=False)
    assert result.notice and "colon and rectal cancer" in result.notice
    assert result.hits == []


def test_lay_words_find_what_documents_say(bundled_session: Session) -> None:
    tummy = top(bundled_session, "tummy pain", prefix=False)
    assert tummy[0] == (NCI, "signs-and-symptoms-of-small-intestine-cancer-include")
    came_back = {d for d, _ in top(bundled_session, "my cancer came back", prefix=False)[:3]}
    assert came_back & {NCI, "ccs-recurrent-small-intestine-cancer"}


# -- the type filter and the library's coverage --------------------------------

NCI = "nci-small-intestine-cancer-treatment"


def test_the_type_filter_uses_the_primary_type_only(bundled_session: Session) -> None:
    # The NCI summary also lists breast, skin and liver: tagging noise, not its subject.
    result = bundled_session.searcher().search("chemotherapy", types=["breast"], prefix=False)
    assert result.hits == []
    assert result.notice == "The library has no document about breast cancer."
    small = {d for d, _ in top(bundled_session, "chemotherapy", types=["small intestine"])}
    assert NCI in small and "acs-treating-gist" not in small  # GIST is its primary type


def test_a_cancer_type_the_library_lacks_is_said_first(bundled_session: Session) -> None:
    result = bundled_session.searcher().search("breast cancer", prefix=False)
    assert result.notice is not None
    assert result.notice.startswith("The library has no document about breast cancer.")
    # Only what mentions it, not every section that says "cancer".
    assert 0 < len(result.hits) < 5
    for hit in result.hits:
        section = bundled_session.library.get(hit.doc).section(hit.section)
        assert "breast" in (section.heading + section.text).casefold()


def test_no_notice_for_a_type_the_library_covers_or_a_body_part(bundled_session: Session) -> None:
    searcher = bundled_session.searcher()
    assert searcher.search("small intestine cancer").notice is None
    assert searcher.search("gist spread to the liver").notice is None  # a place, not a type


# -- where each hit comes from -------------------------------------------------


def test_hits_name_their_source_and_its_kind(bundled_session: Session) -> None:
    hits = bundled_session.searcher().search("tumours", limit=100).hits
    kinds = {h.doc: (h.source, h.source_kind) for h in hits}
    assert kinds[NCI] == ("NCI", "government")
    assert kinds["acs-treating-gist"] == ("American Cancer Society", "cancer charity")
    blog = kinds["ronny-allan-small-intestine-nets"]
    assert blog == ("Ronny Allan (patient advocate blog)", "patient's view")


# -- misspellings --------------------------------------------------------------


def test_a_misspelt_drug_is_found_with_the_other_words(bundled_session: Session) -> None:
    result = bundled_session.searcher().search("sunitnib side effects", prefix=False)
    assert result.hits[0].section == "sunitinib-sutent"
    assert result.did_you_mean == "sunitinib side effects"
    assert "sunitinib" in (result.message or "")


def test_a_body_part_two_letters_off_is_found(bundled_session: Session) -> None:
    result = bundled_session.searcher().search("abdmen pain", prefix=False)
    assert result.did_you_mean == "abdomen pain"
    first = bundled_session.library.get(result.hits[0].doc).section(result.hits[0].section)
    assert "abdom" in first.text.casefold() and "pain" in first.text.casefold()


def test_a_rare_word_spelt_right_is_never_corrected_into_a_common_one(
    bundled_session: Session,
) -> None:
    # "concern" is in the library once; "cancer", two letters away, is everywhere.
    result = bundled_session.searcher().search("concern", prefix=False)
    assert result.did_you_mean is None and result.message is None
    assert len(result.hits) == 1 and "concern" in result.hits[0].snippet


# -- the kind of answer a question asks for ------------------------------------


def _doc(title: str, source_type: str, sections: dict[str, str]) -> str:
    body = "".join(f"## {heading}\n\n{text}\n\n" for heading, text in sections.items())
    return (
        f"---\ntitle: {title}\nsourceType: {source_type}\ncancerTypes: [wobble]\n---\n"
        f"# {title}\n\n{body}"
    )


@pytest.fixture(scope="module")
def small_library(tmp_path_factory: pytest.TempPathFactory) -> Session:
    from index.session import open_session
    from tests.conftest import write

    root = tmp_path_factory.mktemp("small-library")
    write(
        root / "wobble.md",
        _doc(
            "Wobble syndrome",
            "02_nci_core",
            {
                # Says "treated" more often than the Treatment section does.
                "Symptoms": "Wobble syndrome makes people dizzy. Dizziness is treated when "
                "it is bad, and falls are treated at once.",
                "Therapy": "Doctors give rest, fluids and ear exercises for wobble syndrome.",
                "Outlook": "Most people with wobble syndrome get better within weeks.",
            },
        ),
    )
    write(
        root / "reviewed.md",
        _doc("Living with ear crystals", "03_charity", {"Ear crystals": "Ear crystals move."}),
    )
    write(
        root / "blog.md",
        _doc("My ear crystals", "05_patient_blog", {"Ear crystals": "Ear crystals move."}),
    )
    write(
        root / "diary.md",
        _doc(
            "A diary",
            "05_patient_blog",
            {"Otoliths": "Otoliths, otoliths: my otoliths are ear crystals."},
        ),
    )
    session = open_session([root], bundled=False, index_dir=tmp_path_factory.mktemp("small-ix"))
    yield session
    session.close()


def test_a_how_is_it_treated_question_finds_the_treatment_section(small_library: Session) -> None:
    hits = small_library.searcher().search("how is wobble syndrome treated?", prefix=False).hits
    assert [h.heading for h in hits][:1] == ["Therapy"]  # a heading that names treatment
    hits = small_library.searcher().search("what is the outlook for wobble syndrome").hits
    assert hits[0].heading == "Outlook"
    hits = small_library.searcher().search("signs of wobble syndrome", prefix=False).hits
    assert hits[0].heading == "Symptoms"


def test_a_heading_of_the_right_kind_helps_only_a_section_on_the_subject(
    small_library: Session,
) -> None:
    # Dizziness is treated in the Symptoms section; the Therapy section never names it.
    hits = small_library.searcher().search("how is dizziness treated", prefix=False).hits
    assert hits[0].heading == "Symptoms"


def test_a_reviewed_source_ranks_above_a_blog_saying_the_same(small_library: Session) -> None:
    hits = small_library.searcher().search("ear crystals move", prefix=False).hits
    assert [h.doc for h in hits[:2]] == ["reviewed", "blog"]
    assert hits[1].score / hits[0].score == pytest.approx(0.9, abs=0.01)  # a mild prior


def test_the_source_prior_is_mild(small_library: Session) -> None:
    # A blog that answers clearly better still comes first.
    hits = small_library.searcher().search("otoliths", prefix=False).hits
    assert hits[0].doc == "diary"


# -- as you type --------------------------------------------------------------


def test_the_word_being_typed_finds_what_the_person_is_typing_toward(
    bundled_session: Session,
) -> None:
    hits = bundled_session.search("chemoth").hits
    assert hits and all("chemotherapy" in h.heading.casefold() for h in hits[:2])
    assert "<b>chemotherapy</b>" in hits[0].snippet.casefold()
    # Completed from the words as written, so a stem the index keeps shorter
    # ("radiation" is indexed as "radiat") is still found while it is typed.
    hits = bundled_session.search("radiati").hits
    assert hits and hits[0].heading.casefold().startswith("radiation therapy")


def test_the_word_being_typed_stands_for_a_few_words_only(bundled_session: Session) -> None:
    from index.search.searcher import PREFIX_WORDS

    result = bundled_session.search("can")
    # "can" itself and the few most used words starting with it, not all of them.
    assert "cancer" in result.snippet_terms
    assert len(result.snippet_terms) <= PREFIX_WORDS + 1
    # A word of one or two letters is not completed at all.
    for typed in ("c", "ch", "gleevec s", "gleevec si"):
        completed = bundled_session.search(typed).snippet_terms
        assert completed == bundled_session.search(typed, prefix=False).snippet_terms


def test_snippets_made_later_equal_those_made_with_the_search(bundled_session: Session) -> None:
    eager = bundled_session.search("surgery side effects", limit=30, snippets=30)
    lazy = bundled_session.search("surgery side effects", limit=30, snippets=5)
    assert len(eager.hits) == len(lazy.hits) == 30
    assert all(h.snippet for h in lazy.hits[:5]) and not any(h.snippet for h in lazy.hits[5:])
    later = bundled_session.snippets(lazy, range(5, 40))  # rows past the end are left out
    assert sorted(later) == list(range(5, 30))
    assert [h.snippet for h in lazy.hits[:5]] + [later[n] for n in range(5, 30)] == [
        h.snippet for h in eager.hits
    ]
    assert any("<b>" in s for s in later.values())


def test_a_search_superseded_while_it_runs_stops(
    bundled_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.model import Cancelled

    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) >= 3  # a newer keystroke arrives while the third word is read

    with pytest.raises(Cancelled):
        bundled_session.search("cancer treatment", limit=40, cancelled=cancelled)
    assert len(asked) == 3  # it stopped there, not at the end
    assert not bundled_session.repairs  # not taken for a damaged index
    # Not superseded, the same search answers in full.
    asked.clear()
    result = bundled_session.search("cancer treatment", limit=40, cancelled=lambda: False)
    assert len(result.hits) == 40


def test_a_search_that_can_be_stopped_keeps_its_cancer_type_filter(
    bundled_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.model import Cancelled

    hits = bundled_session.search("surgery", types=["gist"], cancelled=lambda: False).hits
    assert hits and {h.doc for h in hits} == {"acs-treating-gist"}
    asked: list[int] = []
    with pytest.raises(Cancelled):
        bundled_session.search(
            "surgery", types=["gist"], cancelled=lambda: asked.append(1) or len(asked) >= 2
        )
    assert len(asked) == 2
