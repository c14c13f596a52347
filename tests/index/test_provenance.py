"""Who says it, how old it is, on what terms, and what a handout leaves out:
as a patient sees it on screen and on paper (the HTML; PDFs are read back in
tests/desktop/test_handout.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from index.boilerplate import extra_sections, pointer_rule, without_pointers
from index.glossary import DEFINITIONS_LABEL
from index.model import Document, Metadata, Section
from index.provenance import is_patient_view, readable_licence, source_kind
from index.render.document import DocumentRenderer, header_html
from index.render.handout import HandoutOptions, build_handout, chosen_sections
from index.session import Session

GIST = "acs-treating-gist"
CCS = "ccs-recurrent-small-intestine-cancer"
NCI = "nci-small-intestine-cancer-treatment"
BLOG = "ronny-allan-small-intestine-nets"


def text_of(markup: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", markup).replace("&#x27;", "'").split())


@pytest.mark.parametrize(
    ("value", "source", "shown"),
    [
        ("public_domain", "NCI", "Public domain (U.S. National Cancer Institute)"),
        ("Public Domain", "", "Public domain"),
        (
            "© Canadian Cancer Society; supplied by the product owner for bundling",
            "Canadian Cancer Society",
            "© Canadian Cancer Society. All rights reserved.",
        ),
        ("(c) Ronny Allan; bundled with permission", "", "© Ronny Allan. All rights reserved."),
        ("CC-BY-4.0", "", "Creative Commons Attribution 4.0 (CC BY 4.0)"),
        ("some_house_licence", "", "Some house licence"),
        ("  ", "NCI", ""),
    ],
)
def test_licences_read_as_words(value: str, source: str, shown: str) -> None:
    assert readable_licence(value, source) == shown


def test_source_kinds_come_from_the_source_type() -> None:
    assert source_kind("02_nci_core") == "Government health agency"
    assert source_kind("03_charity") == "Cancer charity"
    assert source_kind("05_patient_blog") == "Patient's blog"
    assert source_kind("") == source_kind("07_unknown") == ""
    assert is_patient_view(Metadata("t", source_type="05_patient_blog"))
    assert not is_patient_view(Metadata("t", source_type="03_charity"))


def test_the_reader_header_warns_of_no_date_and_labels_the_blog(bundled_session: Session) -> None:
    library = bundled_session.library
    for doc_id in (GIST, CCS, BLOG):
        header = text_of(header_html(library.get(doc_id)))
        assert "Date not stated." in header, doc_id
        assert "supplied by" not in header and "All rights reserved." in header
    blog = text_of(header_html(library.get(BLOG)))
    assert "A patient's view, not medical advice." in blog
    assert "patient's view" not in text_of(header_html(library.get(GIST)))
    nci = text_of(header_html(library.get(NCI), today=dt.date(2026, 12, 3)))
    assert "Date not stated" not in nci and "public_domain" not in nci
    assert "Licence: Public domain (U.S. National Cancer Institute)" in nci
    assert "past its planned review (quarterly)" in nci
    current = text_of(header_html(library.get(NCI), today=dt.date(2026, 1, 5)))
    assert "past its planned review" not in current


def test_sections_about_the_document_are_found_by_kind_not_by_file(
    bundled_session: Session,
) -> None:
    nci = extra_sections(bundled_session.library.get(NCI))
    assert {
        "about-this-pdq-summary",
        "permission-to-use-this-summary",  # inside it, and the citation template
        "to-learn-more-about-small-intestine-cancer",
        "treatment-for-small-intestine-cancer-may-cause-side-effects",  # "visit our ... page"
    } <= set(nci)
    assert nci["about-this-pdq-summary"] == "about this summary"
    for kept in ("key-points", "surgery", "treatment-of-small-intestine-adenocarcinoma"):
        assert kept not in nci
    assert extra_sections(bundled_session.library.get(BLOG)) == {
        "readers-comments": "readers' comments"
    }
    assert extra_sections(bundled_session.library.get(CCS)) == {
        "expert-review-and-references": "reviewers and references"
    }
    assert extra_sections(bundled_session.library.get(GIST)) == {}
    # The same kinds of text in a document of one's own.
    mine = Document(
        "mine",
        None,  # type: ignore[arg-type]
        Metadata("Mine"),
        [
            Section("a", "Living with it", 1, None, "Eat well.", "Eat well."),
            Section("b", "How to cite this page", 1, None, "Cite as X.", "Cite as X."),
            Section("c", "Learn more", 1, None, "Ask us.", "Ask us."),
        ],
        "f",
    )
    assert set(extra_sections(mine)) == {"b", "c"}


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        ("[Go to Health Professional Version](/types/x)", "other version"),
        ("This animation shows how cancer cells travel.", "animation or video"),
        ("For information, visit our [Side Effects](<https://x.org>) page.", "visit our page"),
        ("Find out more about chemotherapy for small intestine adenocarcinoma.", "find out more"),
        ("For more information about surgery, see Cancer Surgery.", "for more information, see"),
        ("The tumour may block the intestine.", None),
        ("See the General Information section for the tests.", None),
    ],
)
def test_pointers_to_what_paper_lacks_are_named(sentence: str, rule: str | None) -> None:
    assert pointer_rule(sentence) == rule


def test_pointers_leave_the_rest_of_a_paragraph() -> None:
    body = (
        "Go to Health Professional Version\n\n"
        "It folds to fit. *Drawing of the small intestine showing the ileum.*\n\n"
        "This is called metastatic cancer. This animation shows how cells travel.\n\n"
        "For more information on small intestine cancer, see the following:\n\n"
        "- Gastrointestinal Neuroendocrine Tumors Treatment\n\n"
        "Risk factors include the following:\n\n- Crohn disease."
    )
    assert without_pointers(body) == (
        "It folds to fit.\n\nThis is called metastatic cancer.\n\n"
        "Risk factors include the following:\n\n- Crohn disease."
    )


def test_a_whole_document_handout_leaves_out_what_is_about_the_document(
    bundled_session: Session,
) -> None:
    nci = bundled_session.library.get(NCI)
    printed = {s.id for s in chosen_sections(nci, None)}
    assert "treatment-of-small-intestine-adenocarcinoma" in printed and "surgery" in printed
    assert not printed & {"about-this-pdq-summary", "permission-to-use-this-summary"}
    # The top section brings the disease sections along, but not the boilerplate.
    top = "small-intestine-cancer-treatment-pdq-patient-version"
    assert {s.id for s in chosen_sections(nci, [top])} == printed
    # Asked for by name, a section about the document comes with its own parts.
    about = [s.id for s in chosen_sections(nci, ["about-this-pdq-summary"])]
    assert about[0] == "about-this-pdq-summary" and "permission-to-use-this-summary" in about
    handout = build_handout(DocumentRenderer(bundled_session.glossary), nci, HandoutOptions())
    for boilerplate in (
        "<MM/DD/YYYY>",
        "&lt;MM/DD/YYYY&gt;",
        "Go to Health Professional Version",
        "This animation shows",
        "Drawing of the small intestine",
        "visit our",
        "Permission to Use",
    ):
        assert boilerplate not in handout.body_html
    assert (
        "This handout leaves out the parts about the document itself (such as how to cite it)."
        in text_of(handout.body_html)
    )


def test_readers_comments_are_printed_only_when_picked_and_then_captioned(
    bundled_session: Session,
) -> None:
    blog = bundled_session.library.get(BLOG)
    renderer = DocumentRenderer(bundled_session.glossary)
    usual = build_handout(renderer, blog, HandoutOptions())
    assert "too many to count" not in usual.body_html
    assert "Readers&#x27; comments" not in usual.body_html
    text = text_of(usual.body_html)
    assert "This handout leaves out readers' comments." in text
    assert text.count("A patient's view, not medical advice.") == 2  # at the top, and at the end
    assert usual.footer_note().startswith("A patient's view, not medical advice.")
    picked = build_handout(
        renderer, blog, HandoutOptions(sections=["overview", "readers-comments"])
    )
    text = text_of(picked.body_html)
    assert "too many to count" in text
    assert "Readers' comments: written by people who read the post." in text
    assert text.index("Readers' comments: written") < text.index("too many to count")


def test_printed_words_to_know_say_whose_definitions_they_are(bundled_session: Session) -> None:
    nci = bundled_session.library.get(NCI)
    renderer = DocumentRenderer(bundled_session.glossary)
    handout = build_handout(renderer, nci, HandoutOptions(sections=["surgery"]))
    words = text_of(handout.body_html.split("Words to know", 1)[1])
    assert words.startswith(f"These are {DEFINITIONS_LABEL}; they are not from NCI.")
    about = text_of(handout.body_html.split("About this handout", 1)[1])
    assert "Licence: Public domain (U.S. National Cancer Institute)" in about
    undated = build_handout(renderer, bundled_session.library.get(GIST), HandoutOptions())
    assert "Date: date not stated" in text_of(undated.body_html)
    assert "Date not stated." in text_of(undated.body_html.split("</h1>", 1)[1])[:200]
    assert undated.running_text()[1].startswith("Date not stated · Printed ")
    late = HandoutOptions(sections=["surgery"], printed=dt.date(2026, 12, 3))
    overdue = build_handout(renderer, nci, late)
    assert overdue.running_text()[1].startswith("Last reviewed 30 December 2025 (review overdue)")
    assert "Review overdue." in text_of(overdue.body_html)


def test_the_command_line_says_when_there_is_no_date_and_whose_definitions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from desktop.main import main

    assert main(["outline", GIST]) == 0
    assert "· date not stated" in capsys.readouterr().out.splitlines()[1]
    assert main(["outline", NCI]) == 0
    assert "date not stated" not in capsys.readouterr().out
    assert main(["define", "gleevec"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"({DEFINITIONS_LABEL}.)"
