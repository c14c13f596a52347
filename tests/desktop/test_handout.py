"""Handouts as a nurse prints them: read back from the PDF with pypdf."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, QSizeF, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.app import make_application
from desktop.handout import LARGE_HEADING_PT, LARGE_PT, keep_ending_together
from desktop.handout_dialog import HandoutDialog
from desktop.main import main
from desktop.settings import Settings
from desktop.window import Location, MainWindow
from index.glossary import DEFINITIONS_LABEL
from index.model import DISCLAIMER_SHORT
from index.render.document import DocumentRenderer, entry_for_href
from index.render.handout import ABOUT_HEADING, chosen_sections
from index.session import Session
from tests.conftest import write

GIST = "acs-treating-gist"
TARGETED = "targeted-therapy-for-gastrointestinal-stromal-tumor"
NCI = "nci-small-intestine-cancer-treatment"
NCI_TREATMENT = [
    "treatment-of-small-intestine-adenocarcinoma",
    "treatment-of-small-intestine-leiomyosarcoma",
    "treatment-of-recurrent-small-intestine-cancer",
]


def pages_text(path: Path) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(path).pages]


def squash(text: str) -> str:
    """Without spaces: PDF text extraction splits some kerned words ("T argeted")."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))  # and ligatures: ﬀ ff


def contains(text: str, phrase: str) -> bool:
    return squash(phrase) in squash(text)


def print_pdf(tmp_path: Path, *args: str, name: str = "handout.pdf") -> Path:
    make_application()
    out = tmp_path / name
    assert main(["print", *args, "-o", str(out)]) == 0
    return out


def marked_terms(core: Session, doc_id: str, section_ids: list[str] | None) -> list[str]:
    """The terms a reader sees marked (links to the glossary) in these sections."""
    doc = core.library.get(doc_id)
    renderer = DocumentRenderer(core.glossary)
    terms = set()
    for section in chosen_sections(doc, section_ids):
        for href in re.findall(r'href="(glossary:[^"]+)"', renderer.section_html(section)):
            terms.add(entry_for_href(core.glossary, href).term)
    return sorted(terms, key=str.casefold)


def loose(phrase: str) -> str:
    """A pattern for `phrase` that allows the spaces PDF extraction adds or drops."""
    return r"\s*".join(re.escape(c) for c in squash(phrase))


def appendix_terms(pages: list[str], header: str) -> list[str]:
    """The bold terms of "Words to know", read from the pages without their running text."""
    running = re.compile(loose(header) + r".*?Page\s*\d+\s*of\s*\d+")
    text = " ".join(running.sub(" ", page) for page in pages)
    words = re.split(loose("Words to know"), text, maxsplit=1)[1]
    words = re.split(loose("About this handout"), words, maxsplit=1)[0]
    found = re.findall(r"(?:^|\. |\) )([^.:()]+?) ?: ", " " + words.strip())
    return [squash(t) for t in found]


def test_chosen_sections_are_printed_and_the_others_are_not(
    tmp_path: Path, bundled_session: Session
) -> None:
    out = print_pdf(tmp_path, GIST, "--section", TARGETED)
    text = " ".join(pages_text(out))
    for wanted in (
        "Imatinib (Gleevec)",
        "Sunitinib (Sutent)",
        "Regorafenib (Stivarga)",
        "Regorafenib can slow tumor growth",
    ):
        assert contains(text, wanted)
    for other in (
        "Surgery for small GISTs",
        "Choosing your surgeon",
        "Embolization",
        "Radiation Therapy for Gastrointestinal",
    ):
        assert not contains(text, other)
    assert contains(text, "4 of the 33 sections")


def test_every_page_has_the_title_and_its_number(tmp_path: Path) -> None:
    out = print_pdf(
        tmp_path, GIST, "--section", TARGETED, "--clinic", "Riverside", "--phone", "555-0142"
    )
    pages = pages_text(out)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert contains(text, "Treating Gastrointestinal Stromal Tumors")
        assert contains(text, f"Page {number} of {len(pages)}")
        assert contains(text, "Printed ") and contains(text, "Riverside · 555-0142")
    # A file manager or PDF viewer shows the document's title, not "untitled".
    assert PdfReader(out).metadata.title == "Treating Gastrointestinal Stromal Tumors"


def test_words_to_know_lists_exactly_the_marked_terms(
    tmp_path: Path, bundled_session: Session
) -> None:
    out = print_pdf(tmp_path, GIST, "--section", TARGETED)
    expected = marked_terms(bundled_session, GIST, [TARGETED])
    assert "imatinib" in expected and "ablation" not in expected
    header = "Treating Gastrointestinal Stromal Tumors · American Cancer Society"
    found = appendix_terms(pages_text(out), header)
    assert found == [squash(t) for t in expected]  # alphabetical, each once


def test_terms_print_as_plain_words_and_no_glossary_leaves_the_appendix_out(
    tmp_path: Path,
) -> None:
    out = print_pdf(tmp_path, GIST, "--section", TARGETED, "--no-glossary")
    text = " ".join(pages_text(out))
    assert not contains(text, "Words to know") and contains(text, "imatinib")
    for page in PdfReader(out).pages:
        for annotation in page.get("/Annots") or []:
            uri = annotation.get_object().get("/A", {}).get("/URI", "")
            assert not str(uri).startswith("glossary:")


def test_large_print_has_fewer_words_per_page(tmp_path: Path) -> None:
    args = [NCI, *[a for s in NCI_TREATMENT for a in ("--section", s)]]
    normal = pages_text(print_pdf(tmp_path, *args, name="normal.pdf"))
    large = pages_text(print_pdf(tmp_path, *args, "--large-print", name="large.pdf"))
    assert len(large) > len(normal)
    assert len(large[0].split()) < 0.75 * len(normal[0].split())


def test_the_source_address_is_printed_with_a_qr_code(tmp_path: Path) -> None:
    out = print_pdf(tmp_path, NCI, "--section", NCI_TREATMENT[0])
    last = PdfReader(out).pages[-1]
    assert contains(last.extract_text(), "cancer.gov/types/small-intestine")
    assert len(last.images) == 1
    assert contains(pages_text(out)[-1], "not medical advice")
    assert contains(pages_text(out)[0], "Last reviewed 30 December 2025")


def test_bad_requests_say_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_application()
    assert main(["print", GIST, "--section", "no-such-part", "-o", str(tmp_path / "x.pdf")]) == 3
    assert "no section 'no-such-part'" in capsys.readouterr().err
    assert main(["print", "no-such-document", "-o", str(tmp_path / "x.pdf")]) == 3
    missing = tmp_path / "missing-folder" / "x.pdf"
    assert main(["print", GIST, "-o", str(missing)]) == 5
    assert "could not write" in capsys.readouterr().err
    mine = write(tmp_path / "letter.pdf", b"%PDF- someone's letter")
    assert main(["print", GIST, "-o", str(mine)]) == 5
    assert "add --force" in capsys.readouterr().err
    assert mine.read_bytes() == b"%PDF- someone's letter"
    assert main(["print", GIST, "-o", str(mine), "--force"]) == 0
    assert mine.read_bytes().startswith(b"%PDF-1")
    assert not (tmp_path / "x.pdf").exists()


def test_the_composer_prints_the_section_being_read(
    qtbot: QtBot, tmp_path: Path, bundled_session: Session
) -> None:
    make_application()
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.clinic = "Riverside Cancer Centre"
    settings.phone = "555-0142"
    window = MainWindow(index_dir=bundled_session.index_dir, settings=settings)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=20000):
        window.show()
    window.open_location(Location(GIST, "sunitinib-sutent"))
    assert window.print_action.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = window.handout_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.chosen() == ["sunitinib-sutent"]
    assert dialog.summary.text() == "1 of 33 sections"
    dialog.set_chosen([TARGETED])
    assert dialog.summary.text() == "4 of 33 sections"
    dialog.large_print.click()
    assert dialog.save(tmp_path / "composed.pdf")
    pages = pages_text(tmp_path / "composed.pdf")
    text = " ".join(pages)
    assert contains(text, "Imatinib (Gleevec)") and not contains(text, "Choosing your surgeon")
    assert contains(text, "Given to you by Riverside Cancer Centre · 555-0142")
    assert all(contains(p, f"Page {n} of {len(pages)}") for n, p in enumerate(pages, start=1))
    assert settings.large_print  # remembered for next time
    dialog.close()
    QApplication.processEvents()


# -- what the paper says about its text -------------------------------------------------

BLOG = "ronny-allan-small-intestine-nets"


def test_every_page_says_it_is_not_medical_advice_and_how_old_the_text_is(
    tmp_path: Path,
) -> None:
    pages = pages_text(print_pdf(tmp_path, GIST, "--section", TARGETED))
    for text in pages:
        assert contains(text, DISCLAIMER_SHORT)
        assert contains(text, "Date not stated · Printed")
    first, last = pages[0], pages[-1]
    assert contains(first, "Date not stated. This page does not say when it was written")
    assert contains(last, "Licence: © American Cancer Society. All rights reserved.")
    assert contains(last, "Source: American Cancer Society (cancer charity)")
    assert not contains(" ".join(pages), "supplied by")


def test_an_overdue_review_the_licence_and_whose_definitions_are_printed(
    tmp_path: Path,
) -> None:
    # Reviewed 30 December 2025, quarterly: overdue from April 2026 on.
    pages = pages_text(print_pdf(tmp_path, NCI, "--section", NCI_TREATMENT[0]))
    assert all(contains(p, "Last reviewed 30 December 2025 (review overdue)") for p in pages)
    assert contains(pages[0], "Review overdue. This page is past its planned review (quarterly)")
    text = " ".join(pages)
    assert contains(text, "Licence: Public domain (U.S. National Cancer Institute)")
    assert not contains(text, "public_domain")
    after = squash(text).split(squash("Words to know"), 1)[1]
    byline = f"These are {DEFINITIONS_LABEL}; they are not from NCI."
    assert after.startswith(squash(byline))


def test_the_blog_is_labelled_on_paper_and_its_comments_stay_out_unless_picked(
    tmp_path: Path,
) -> None:
    pages = pages_text(print_pdf(tmp_path, BLOG))
    view = "A patient's view, not medical advice."
    assert all(contains(p, view) for p in pages)  # in every footer
    assert contains(pages[0].split("Page 1 of")[0], view + " This is one person's experience")
    text = " ".join(pages)
    assert contains(text, "running the bowel") and not contains(text, "too many to count")
    picked = " ".join(
        pages_text(
            print_pdf(
                tmp_path,
                BLOG,
                "--section",
                "overview",
                "--section",
                "readers-comments",
                name="c.pdf",
            )
        )
    )
    assert contains(picked, "Readers' comments: written by people who read the post.")
    assert contains(picked, "too many to count")


def test_the_whole_summary_leaves_out_pages_about_the_summary(tmp_path: Path) -> None:
    # README's example in large print: 24 pages, 29 with them. In normal print:
    out = print_pdf(tmp_path, NCI, "--no-glossary")
    text = " ".join(pages_text(out))
    for gone in (
        "About This PDQ Summary",
        "Permission to Use This Summary",
        "<MM/DD/YYYY>",
        "Go to Health Professional Version",
        "This animation shows",
        "To Learn More About Small Intestine Cancer",
    ):
        assert not contains(text, gone), gone
    assert contains(text, "Treatment of Recurrent Small Intestine Cancer")
    assert len(PdfReader(out).pages) < 12  # 12 pages with them (10 without)


def font_sizes(path: Path) -> dict[float, list[str]]:
    """The text of a PDF by the size it is printed at, in points."""
    sizes: dict[float, list[str]] = {}
    for page in PdfReader(path).pages:

        def visit(text, cm, tm, font, size) -> None:  # type: ignore[no-untyped-def]
            if text.strip():
                points = round(size * (tm[3] or 1) * (cm[3] or 1), 1)
                sizes.setdefault(points, []).append(text.strip())

        page.extract_text(visitor_text=visit)
    return sizes


def test_in_large_print_no_heading_is_smaller_than_the_text(tmp_path: Path) -> None:
    args = [NCI, *[a for s in NCI_TREATMENT for a in ("--section", s)]]
    sizes = font_sizes(print_pdf(tmp_path, *args, "--section", "surgery", "--large-print"))
    body = max(sizes, key=lambda s: len(sizes[s]))
    assert body == pytest.approx(LARGE_PT, abs=0.1)
    running = [
        "Small Intestine Cancer Treatment - NCI · NCI",
        "Last reviewed 30 December 2025 (review overdue) · Printed 3 December 2026",
        "Page 1 of 9",
        DISCLAIMER_SHORT,
    ]
    assert not any("…" in t for texts in sizes.values() for t in texts)  # nothing cut short

    def letters(text: str) -> str:
        return re.sub(r"[\d\s]", "", text)

    allowed = " ".join(letters(t) for t in running)
    for size, texts in sizes.items():
        if size < LARGE_PT - 0.1:  # only the header and footer are smaller than the text
            assert all(letters(t) in allowed for t in texts), texts
    headings = [size for size, texts in sizes.items() if size > LARGE_PT + 0.1]
    assert len(headings) >= 3  # title, sections and sub-sections, each at least the text
    assert any("urgery" in t for t in sizes[min(headings)])  # "Surgery" is an h5
    assert all(size >= LARGE_PT for size in LARGE_HEADING_PT)


def test_about_this_handout_is_kept_on_one_page(qtbot: QtBot) -> None:
    make_application()
    doc = QTextDocument()
    doc.setHtml(
        "<p>text</p>" * 30
        + f"<h2>{ABOUT_HEADING}</h2><p>Source: X</p><p>QR</p><p>Not medical advice.</p>"
    )
    layout = doc.documentLayout()
    blocks = {}
    block = doc.begin()
    while block.isValid():
        blocks[block.text()] = block
        block = block.next()
    top = layout.blockBoundingRect(blocks[ABOUT_HEADING]).top()
    page = top + 30  # the heading near the foot of a page: the note falls on the next
    doc.setPageSize(QSizeF(400, page))
    assert layout.blockBoundingRect(doc.lastBlock()).bottom() > page
    keep_ending_together(doc, page, ABOUT_HEADING)
    moved = layout.blockBoundingRect(blocks[ABOUT_HEADING]).top()
    assert page <= moved < page + 40  # at the top of the next page
    assert layout.blockBoundingRect(doc.lastBlock()).bottom() < 2 * page


def test_the_composer_leaves_out_sections_about_the_document(
    qtbot: QtBot, tmp_path: Path, bundled_session: Session
) -> None:
    make_application()
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    renderer = DocumentRenderer(bundled_session.glossary)
    nci = bundled_session.library.get(NCI)
    dialog = HandoutDialog(nci, renderer, None, settings)
    qtbot.addWidget(dialog)

    def ticked(section: str) -> bool:
        return dialog._items[section].checkState(0) == Qt.CheckState.Checked

    assert not ticked("about-this-pdq-summary") and not ticked("permission-to-use-this-summary")
    assert not ticked("to-learn-more-about-small-intestine-cancer")
    assert ticked("surgery") and ticked("treatment-of-recurrent-small-intestine-cancer")
    assert dialog.chosen() == ["small-intestine-cancer-treatment-pdq-patient-version"]
    assert dialog.summary.text() == "32 of 42 sections"
    # Ticked by hand, a section about the document is printed too.
    dialog._items["permission-to-use-this-summary"].setCheckState(0, Qt.CheckState.Checked)
    assert dialog.chosen()[-1] == "permission-to-use-this-summary"
    assert dialog.summary.text() == "33 of 42 sections"
    # Reading the citation and opening the composer does not tick it.
    again = HandoutDialog(nci, renderer, "permission-to-use-this-summary", settings)
    qtbot.addWidget(again)
    assert again.chosen() == ["small-intestine-cancer-treatment-pdq-patient-version"]
    blog = HandoutDialog(bundled_session.library.get(BLOG), renderer, None, settings)
    qtbot.addWidget(blog)
    assert "readers-comments" not in blog.chosen() and len(blog.chosen()) == 4


def test_the_composer_opens_and_closes_its_preview_and_print_dialog(
    qtbot: QtBot, tmp_path: Path, bundled_session: Session
) -> None:
    """The preview paints on a printer that must outlive it (it once did not: a crash)."""
    import gc

    from PySide6.QtPrintSupport import QPrintPreviewWidget

    from desktop.handout_dialog import HandoutDialog

    make_application()
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    doc = bundled_session.library.get(GIST)
    assert doc is not None
    dialog = HandoutDialog(doc, bundled_session.renderer(), "sunitinib-sutent", settings)
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(2):  # a second preview after the first is closed
        dialog.preview_button.click()
        preview = dialog.preview_dialog
        assert preview is not None
        qtbot.waitUntil(preview.isVisible)
        gc.collect()  # what freed the printer under the preview before
        pages = preview.findChild(QPrintPreviewWidget)
        pages.updatePreview()  # paints the handout again, on the kept printer
        QApplication.processEvents()
        assert pages.pageCount() >= 1
        preview.close()
        qtbot.waitUntil(lambda preview=preview: not preview.isVisible())
    dialog.print_button.click()
    chooser = dialog.print_dialog
    assert chooser is not None
    qtbot.waitUntil(chooser.isVisible)
    gc.collect()
    chooser.reject()
    qtbot.waitUntil(lambda: not chooser.isVisible())
    assert dialog.isVisible()
    dialog.close()
    QApplication.processEvents()


def test_a_pdf_that_cannot_be_written_in_full_is_a_failure_and_nothing_is_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import desktop.handout as handout_module

    make_application()
    assert main(["print", GIST, "-o", "/dev/full", "--force"]) == 5
    assert "not a file" in capsys.readouterr().err
    good = print_pdf(tmp_path, GIST, name="good.pdf")
    before = good.read_bytes()
    capsys.readouterr()
    check = handout_module._check_complete

    def disk_full(pdf: Path) -> None:
        os.truncate(pdf, 100)  # the disk took only the start of the file
        check(pdf)

    monkeypatch.setattr(handout_module, "_check_complete", disk_full)
    assert main(["print", GIST, "-o", str(good), "--force"]) == 5
    assert "disk full" in capsys.readouterr().err
    assert good.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
