"""The glossary's content, and the terms the reader marks with it."""

from __future__ import annotations

import re

import pytest

from index.glossary import CATEGORIES, load_glossary, normalize_term
from index.model import Section
from index.render.document import DocumentRenderer, TermMarker
from index.session import Session
from index.synonyms import load_synonyms
from tests.index.readability import grade, syllables

GLOSSARY, GLOSSARY_PROBLEMS = load_glossary()
MAX_DEFINITION_CHARS = 300


def test_every_entry_loads_with_the_required_fields() -> None:
    assert GLOSSARY_PROBLEMS == []
    assert len(GLOSSARY) >= 150
    for entry in GLOSSARY.entries:
        assert entry.term and entry.definition, entry
        assert entry.category in CATEGORIES, entry.term
        assert entry.related, f"{entry.term} names no related terms"


def test_definitions_are_short_plain_sentences() -> None:
    for entry in GLOSSARY.entries:
        definition = entry.definition
        assert len(definition) <= MAX_DEFINITION_CHARS, entry.term
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", definition) if s]
        assert 1 <= len(sentences) <= 3, entry.term
        assert definition[0].isupper() and definition.endswith("."), entry.term
        # The word itself is not the explanation.
        assert normalize_term(entry.term) != normalize_term(definition.rstrip(".")), entry.term


def test_no_two_entries_claim_the_same_name() -> None:
    owners: dict[str, str] = {}
    for entry in GLOSSARY.entries:
        for name in {normalize_term(n) for n in [entry.term, *entry.aliases]}:
            assert name not in owners, f"'{name}' is claimed by {owners[name]} and {entry.term}"
            owners[name] = entry.term


def test_related_terms_and_brand_names_lead_somewhere() -> None:
    for entry in GLOSSARY.entries:
        for name in entry.related:
            assert GLOSSARY.lookup(name) is not None, f"{entry.term}: related '{name}'"
    for brand, generic in [
        ("gleevec", "imatinib"),
        ("Sutent", "sunitinib"),
        ("Keytruda", "pembrolizumab"),
        ("Xeloda", "capecitabine"),
        ("5-FU", "fluorouracil"),
    ]:
        entry = GLOSSARY.lookup(brand)
        assert entry is not None and entry.term == generic
        assert brand.casefold() in entry.definition.casefold() or brand == "5-FU"


def test_every_nci_dictionary_link_in_the_library_resolves(bundled_session: Session) -> None:
    ids = {
        r.nci_id
        for d in bundled_session.library.documents
        for s in d.sections
        for r in s.glossary_refs
    }
    assert len(ids) == 105
    missing = sorted(i for i in ids if bundled_session.glossary.by_nci_id(i) is None)
    assert missing == []


def test_inflected_link_text_finds_the_base_entry(bundled_session: Session) -> None:
    refs = {
        r.text: r.nci_id
        for d in bundled_session.library.documents
        for s in d.sections
        for r in s.glossary_refs
    }
    assert bundled_session.glossary.by_nci_id(refs["organs"]).term == "organ"
    assert bundled_session.glossary.lookup("organs").term == "organ"
    assert bundled_session.glossary.lookup("metastases").term == "metastasis"


def _library_words(core: Session) -> str:
    texts = [s.heading + " " + s.text for d in core.library.documents for s in d.sections]
    texts += [" ".join([e.term, *e.aliases, e.definition]) for e in core.glossary.entries]
    return " " + normalize_term(" ".join(texts)) + " "


def test_every_synonym_group_names_words_the_library_uses(bundled_session: Session) -> None:
    synonyms, problems = load_synonyms()
    assert problems == []
    words = _library_words(bundled_session)
    for group in synonyms.groups:
        assert any(f" {w} " in words for w in group), f"no word of {group} is in the library"


@pytest.mark.parametrize(
    ("doc", "terms"),
    [
        ("acs-treating-gist", {"imatinib", "embolization", "mitotic rate", "KIT"}),
        ("ccs-recurrent-small-intestine-cancer", {"FOLFOX", "MSI-H", "NTRK gene fusion", "stent"}),
        ("ronny-allan-small-intestine-nets", {"running the bowel", "multifocal", "carcinoid"}),
        ("nci-small-intestine-cancer-treatment", {"organ", "sign", "anastomosis"}),
    ],
)
def test_medical_words_in_every_seed_are_marked(
    bundled_session: Session, doc: str, terms: set
) -> None:
    renderer = DocumentRenderer(bundled_session.glossary)
    document = bundled_session.library.get(doc)
    marked = {e.term for e in renderer.entries_in(document.sections)}
    assert terms <= marked


def section(body: str, heading: str = "Treatment") -> Section:
    return Section("s", heading, 1, None, body, body)


def marked(body: str) -> list[str]:
    html = DocumentRenderer(GLOSSARY).section_html(section(body))
    return re.findall(r'<a class="term" href="glossary:[^"]+">([^<]+)</a>', html)


def test_marking_prefers_the_longest_term_and_whole_words() -> None:
    assert marked("Small intestine cancer is rare.") == ["Small intestine cancer"]
    assert marked("The internet is not a network of NETs.") == ["NETs"]
    assert marked("A net result.") == []  # abbreviations match as written only
    assert marked("Chemotherapy-related tiredness") == []  # part of a longer word


def test_only_the_first_mention_in_a_section_is_marked() -> None:
    assert marked("A tumour. Another tumour, and tumours.") == ["tumour"]


def test_links_and_headings_are_left_alone() -> None:
    html = DocumentRenderer(GLOSSARY).section_html(
        section("[imatinib study](https://example.org) and imatinib", heading="Imatinib")
    )
    assert html.count('class="term"') == 1
    assert '<h2><a name="s"></a>Imatinib</h2>' in html


def test_everyday_words_are_only_explained_where_a_source_links_them() -> None:
    assert marked("Signs of a condition in the diet.") == []
    html = DocumentRenderer(GLOSSARY).section_html(section("[signs](glossary:nci-750109)"))
    assert 'href="glossary:sign"' in html


def test_an_unknown_dictionary_link_becomes_plain_text() -> None:
    html = DocumentRenderer(GLOSSARY).section_html(section("see [word](glossary:nci-1) here"))
    assert "<p>see word here</p>" in html


def test_hostile_markdown_stays_text() -> None:
    html = DocumentRenderer(GLOSSARY).section_html(
        section("<script>alert(1)</script> [x](javascript:alert(1)) tumour")
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert 'href="glossary:tumour"' in html


def test_marker_handles_odd_text() -> None:
    marker = TermMarker(GLOSSARY)
    assert marker.find("") == []
    assert marker.find("’’’ --- \x00") == []
    [(start, end, entry)] = marker.find("Crohn’s disease")
    assert (start, end, entry.term) == (0, 15, "Crohn disease")


# -- reading level and medical content ------------------------------------------------

# Definitions whose drug names alone put them over grade 8 (combinations of three or
# four chemotherapy drugs, each named so a patient can match it to their plan).
READING_LEVEL_EXCEPTIONS = {"FOLFOX", "FOLFIRI", "FOLFOXIRI", "CAPOX"}
MAX_GRADE = 8.0
MAX_MEAN_GRADE = 6.0


def test_the_reading_level_formula_counts_as_people_do() -> None:
    counts = {"cancer": 2, "tumour": 2, "make": 1, "table": 2, "wanted": 2, "cells": 1}
    counts |= {"radiation": 4, "chemotherapy": 5, "bacteria": 4, "people": 2, "tissue": 2}
    assert {w: syllables(w) for w in counts} == counts
    assert grade("The cat sat on the mat. It was a good cat.") < 1
    hard = (
        "Gastrointestinal stromal tumours demonstrate heterogeneous immunohistochemical "
        "characteristics necessitating comprehensive molecular characterization."
    )
    assert grade(hard) > 20


def test_every_definition_is_easy_to_read() -> None:
    grades = {e.term: grade(e.definition) for e in GLOSSARY.entries}
    too_hard = {t: round(g, 1) for t, g in grades.items() if g > MAX_GRADE}
    assert set(too_hard) <= READING_LEVEL_EXCEPTIONS, too_hard
    assert all(grades[t] <= 12 for t in READING_LEVEL_EXCEPTIONS)
    assert sum(grades.values()) / len(grades) <= MAX_MEAN_GRADE


@pytest.mark.parametrize(
    ("term", "says", "does_not_say"),
    [
        ("metastatic cancer", ["stage 4", "nearby parts"], ["also called stage 4 or advanced"]),
        ("gene", ["not passed down", "during life"], []),
        ("mutation", ["not passed down"], []),
        ("neuroendocrine tumour", ["spread"], []),
        ("grade", ["dividing", "Ki-67"], []),
        ("regorafenib", ["other drugs or trials"], ["last"]),
        ("adenocarcinoma", ["one of the most common"], []),
        ("small intestine cancer", ["five", "GIST"], []),
        ("side effect", ["some last", "years"], ["Most go away"]),
        ("targeted therapy", ["side effects"], []),
        ("FOLFOXIRI", ["more intensive"], ["stronger"]),
        ("MSI-H", ["Some of these tumours"], ["respond well"]),
        ("liver", [], ["cancer", "Cancer"]),
        ("barium", ["barium sulfate"], []),
        ("radio waves", [], ["harmless", "safe"]),
        ("standard treatment", ["widely used"], ["works best"]),
        ("complementary medicine", [], ["Tell your", "should"]),
        ("Crohn disease", ["risk is still small"], []),
        ("systemic chemotherapy", ["targeted drugs"], []),
        ("PET scan", ["other things"], []),
        ("radiation therapy", ["inside the body"], ["aimed at one part"]),
        ("diarrhea", ["passed more often"], ["often more often"]),
        ("pembrolizumab", ["MSI-H", "cannot fix errors in their DNA"], []),
        ("dostarlimab", ["dMMR", "cannot fix errors in their DNA"], []),
    ],
)
def test_definitions_say_what_is_true_and_no_more(
    term: str, says: list[str], does_not_say: list[str]
) -> None:
    entry = GLOSSARY.lookup(term)
    assert entry is not None and entry.term == term
    for words in says:
        assert words in entry.definition, (term, words)
    for words in does_not_say:
        assert words not in entry.definition, (term, words)


def test_other_names_mean_the_same_thing() -> None:
    # A lump or a mass is not always a tumour; "neuroendocrine cancer" and "neoplasm"
    # take in fast-growing carcinomas too; MSI is not MSI-H; systemic therapy is more
    # than chemotherapy.
    for name in ("lump", "mass", "neuroendocrine cancer", "neuroendocrine neoplasm", "MSI"):
        assert GLOSSARY.lookup(name) is None, name
    assert GLOSSARY.lookup("systemic therapy") is None
    assert GLOSSARY.lookup("NET").term == "neuroendocrine tumour"
    assert GLOSSARY.lookup("microsatellite instability-high").term == "MSI-H"
