"""The four seed documents load into structure a careful reader would recognise."""

from __future__ import annotations

import pytest

from index.model import Document
from index.paths import bundled_library_dir
from index.session import Session
from tests.conftest import SEEDS

SEED_COPIES = {
    "000_b1bad7fe56304133.txt": "nci-small-intestine-cancer-treatment.md",
    "001_aadc4980c00b5d17.txt": "ccs-recurrent-small-intestine-cancer.txt",
    "002_50d8c45c3050755e.txt": "acs-treating-gist.txt",
    "003_e04bccc13daeee6c.txt": "ronny-allan-small-intestine-nets.txt",
}


def doc(core: Session, doc_id: str) -> Document:
    document = core.library.get(doc_id)
    assert document is not None, f"{doc_id} did not load"
    return document


def headings(document: Document, level: int | None = None) -> list[str]:
    return [s.heading for s in document.sections if level is None or s.level == level]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="needs ../shared/corpus/seeds")
@pytest.mark.parametrize(("seed", "copy"), sorted(SEED_COPIES.items()))
def test_bundled_copies_keep_the_seed_text_unchanged(seed: str, copy: str) -> None:
    assert (bundled_library_dir() / copy).read_bytes() == (SEEDS / seed).read_bytes()


def test_bundled_library_loads_without_problems(bundled_session: Session) -> None:
    assert [str(p) for p in bundled_session.library.problems] == []
    assert len(bundled_session.library.documents) == 4
    assert all(d.bundled for d in bundled_session.library.documents)


def test_nci_document_has_its_front_matter_and_nested_sections(bundled_session: Session) -> None:
    nci = doc(bundled_session, "nci-small-intestine-cancer-treatment")
    assert nci.title == "Small Intestine Cancer Treatment - NCI"
    assert nci.meta.cancer_types[0] == "small intestine"
    assert nci.meta.last_reviewed is not None and nci.meta.review_frequency == "quarterly"
    # The heading that only repeats the title is not a section of its own.
    assert nci.sections[0].heading != nci.title
    stages = next(s for s in nci.sections if s.heading == "Stages of Small Intestine Cancer")
    children = [s for s in nci.sections if s.parent == stages.id]
    assert len(children) >= 5 and all(c.level == stages.level + 1 for c in children)
    surgery = nci.section("surgery")
    assert surgery is not None and surgery.level == 4


def test_nci_links_become_glossary_references_and_plain_text(bundled_session: Session) -> None:
    nci = doc(bundled_session, "nci-small-intestine-cancer-treatment")
    refs = {r.nci_id for s in nci.sections for r in s.glossary_refs}
    assert len(refs) == 105
    body = "\n".join(s.body for s in nci.sections)
    assert "glossary:nci-46582" in body
    assert "popDefinition" not in body and "](/" not in body  # relative links are plain text
    assert "nci-media.cancer.gov" not in body  # remote images are never fetched...
    assert "Drawing of the small intestine showing the duodenum" in body  # ...their alt text stays
    assert "Go to Health Professional Version" in body


def test_gist_pdf_text_becomes_articles_with_their_subsections(bundled_session: Session) -> None:
    gist = doc(bundled_session, "acs-treating-gist")
    assert headings(gist, 1) == [
        "Treating Gastrointestinal Stromal Tumors",
        "Surgery for Gastrointestinal Stromal Tumor",
        "Ablation and Embolization to Treat Gastrointestinal Stromal Tumors",
        "Targeted Therapy for Gastrointestinal Stromal Tumor",
        "Chemotherapy for Gastrointestinal Stromal Tumor",
        "Radiation Therapy for Gastrointestinal Stromal Tumor",
        "Treatment Choices for Gastrointestinal Stromal Tumor Based on Tumor Spread",
    ]
    targeted = next(s for s in gist.sections if s.heading.startswith("Targeted Therapy"))
    assert [s.heading for s in gist.sections if s.parent == targeted.id] == [
        "Imatinib (Gleevec)",
        "Sunitinib (Sutent)",
        "Regorafenib (Stivarga)",
    ]
    # A heading broken over two lines is one heading.
    assert (
        "Tumors that are not removable or have spread to distant sites (unresectable tumors)"
        in headings(gist, 2)
    )


def test_gist_bullets_are_attached_to_their_items(bundled_session: Session) -> None:
    gist = doc(bundled_session, "acs-treating-gist")
    body = "\n".join(s.body for s in gist.sections)
    assert "●" not in body
    side_effects = gist.section("possible-side-effects")
    assert side_effects is not None
    items = [ln for ln in side_effects.body.splitlines() if ln.startswith("- ")]
    assert items[0] == "- Nausea and vomiting"
    assert len(items) == 8
    ablation = gist.section("ablation")
    assert ablation is not None
    assert (
        "- Cryosurgery (cryotherapy), which destroys a tumor by freezing it using a thin metal "
        "probe. This method sometimes requires general anesthesia"
    ) in ablation.body


def test_gist_hard_wrapped_lines_are_joined_into_paragraphs(bundled_session: Session) -> None:
    gist = doc(bundled_session, "acs-treating-gist")
    surgery = gist.section("surgery-for-larger-gists")
    assert surgery is not None
    assert "might also remove tumors that have spread elsewhere in the abdomen" in surgery.text


def test_canadian_page_gets_back_the_headings_it_lost(bundled_session: Session) -> None:
    ccs = doc(bundled_session, "ccs-recurrent-small-intestine-cancer")
    assert headings(ccs) == [
        "Overview",
        "Chemotherapy",
        "Targeted therapy",
        "Immunotherapy",
        "Radiation therapy",
        "Surgery",
        "Clinical trials",
        "Expert review and references",
    ]
    chemo = ccs.section("chemotherapy")
    assert chemo is not None
    assert "- FOLFOX – leucovorin (folinic acid)" in chemo.body
    assert "Last medical review" not in "\n".join(s.text for s in ccs.sections)


def test_blog_keeps_comments_apart_and_drops_site_chrome(bundled_session: Session) -> None:
    blog = doc(bundled_session, "ronny-allan-small-intestine-nets")
    text = "\n".join(s.text for s in blog.sections)
    for chrome in (
        "Like this page",
        "bloggers like this",
        "MonsterInsights",
        "Follow me on twitter",
    ):
        assert chrome not in text
    comments = [s for s in blog.sections if s.kind == "comments"]
    assert len(comments) == 1
    assert "too many to count" in comments[0].text
    articles = "\n".join(s.text for s in blog.sections if s.kind == "article")
    assert "too many to count" not in articles
    assert "running the bowel" in articles
    assert "Disclaimer" in headings(blog)
