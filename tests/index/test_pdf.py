"""PDF import: the corpus PDFs recover their structure; bad and hostile PDFs give plain problems."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from benchmarks.import_pdf import CORPUS, score_file
from index.formats import pdf
from index.library import load_document, load_library
from index.model import Severity
from tests.conftest import write

CORPUS_PDFS = sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS_PDFS, reason="needs ../shared/corpus/import")
@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.name)
def test_corpus_pdf_recovers_its_headings_and_sentences_without_page_furniture(path: Path) -> None:
    score, _ = score_file(path)
    assert score.loaded and not score.errors, score.errors
    assert score.heading_recall >= 0.90, score.missing_headings
    assert score.sentence_recall >= 0.95, score.missing_sentences
    assert not score.leaks


# -- PDFs made here -------------------------------------------------------------------

_FONTS = {"/F1": "/Helvetica", "/F2": "/Helvetica-Bold"}


def _escape(text: str) -> str:
    """A PDF string; the ligature ﬁ is code 1 of the fonts' encoding, as typesetters do."""
    text = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return text.replace("ﬁ", "\\001").replace("\u2022", "\\225")  # WinAnsi's bullet


def make_pdf(pages: list[list[tuple[int, int, str, int, bool]]]) -> PdfWriter:
    """A PDF whose pages show (x, y, text, size, bold) lines in Helvetica."""
    writer = PdfWriter()
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        fonts = DictionaryObject()
        for key, base in _FONTS.items():
            font_dict = DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Font"),
                    NameObject("/Subtype"): NameObject("/Type1"),
                    NameObject("/BaseFont"): NameObject(base),
                    NameObject("/Encoding"): DictionaryObject(
                        {
                            NameObject("/BaseEncoding"): NameObject("/WinAnsiEncoding"),
                            NameObject("/Differences"): ArrayObject(
                                [NumberObject(1), NameObject("/fi")]
                            ),
                        }
                    ),
                }
            )
            fonts[NameObject(key)] = writer._add_object(font_dict)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        ops = []
        for x, y, text, size, bold in lines:
            font = "/F2" if bold else "/F1"
            ops.append(f"BT {font} {size} Tf {x} {y} Td ({_escape(text)}) Tj ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    return writer


def to_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


LEFT = [
    "Radiation therapy uses high-energy x-rays to kill",
    "cancer cells. It is given in short daily visits over",
    "several weeks, and each visit takes a few minutes.",
]
RIGHT = [
    "Chemotherapy uses drugs to stop the growth of",
    "cancer cells. It may be given by mouth or into a",
    "vein, in cycles of treatment and rest periods.",
]


def leaflet() -> PdfWriter:
    """Three pages: a title, bold headings, two columns, a running header and page numbers."""
    pages = []
    for number in range(1, 4):
        lines = [(72, 760, "Clinic Leaflet on Treatment", 9, False)]
        if number == 1:
            lines.append((72, 700, "Treatment Choices", 24, True))
        lines.append((72, 660, f"Part {number} of the treatment", 14, True))
        for i, text in enumerate(LEFT):
            lines.append((72, 630 - 12 * i, text, 9, False))
        for i, text in enumerate(RIGHT):
            lines.append((330, 630 - 12 * i, text, 9, False))
        lines.append((72, 560, "The side effects are often treat-", 9, False))
        lines.append((72, 548, "able with medicine from the ﬁrst day.", 9, False))
        lines.append((300, 40, str(number), 9, False))
        pages.append(lines)
    return make_pdf(pages)


def tagged() -> PdfWriter:
    """One tagged page whose structure tree orders what the drawing order does not.

    The paragraph is drawn first, at the top; the tree puts the heading before it.
    A list item is tagged L/LI/LBody, the running footer is an artifact."""
    writer = make_pdf([[]])
    page = writer.pages[0]
    ops = [
        "/P <</MCID 1>> BDC BT /F1 11 Tf 72 700 Td"
        " (Most side effects go away after treatment.) Tj ET EMC",
        "/H1 <</MCID 0>> BDC BT /F2 18 Tf 72 650 Td (Side effects) Tj ET EMC",
        "/LBody <</MCID 2>> BDC BT /F1 11 Tf 90 620 Td (Tiredness that lasts for weeks.) Tj ET EMC",
        "/Artifact BMC BT /F1 9 Tf 72 40 Td (Clinic footer 1 of 1) Tj ET EMC",
    ]
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    page_ref = page.indirect_reference

    def element(role: str, kids: Any) -> Any:
        return writer._add_object(
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/StructElem"),
                    NameObject("/S"): NameObject(role),
                    NameObject("/Pg"): page_ref,
                    NameObject("/K"): kids,
                }
            )
        )

    body = element("/LBody", NumberObject(2))
    item = element("/LI", ArrayObject([body]))
    items = element("/L", ArrayObject([item]))
    heading = element("/H1", NumberObject(0))
    paragraph = element("/P", NumberObject(1))
    document = element("/Document", ArrayObject([heading, paragraph, items]))
    root = DictionaryObject(
        {NameObject("/Type"): NameObject("/StructTreeRoot"), NameObject("/K"): document}
    )
    writer._root_object[NameObject("/StructTreeRoot")] = writer._add_object(root)
    writer._root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)}
    )
    return writer


def test_a_tagged_pdf_is_read_in_the_order_and_with_the_roles_of_its_tags(tmp_path: Path) -> None:
    document, problems = load_bytes(tmp_path, "tagged.pdf", to_bytes(tagged()))
    assert document is not None and not problems
    [section] = document.sections
    assert section.heading == "Side effects"
    assert (
        section.text
        == "Most side effects go away after treatment.\nTiredness that lasts for weeks."
    )
    assert "- Tiredness that lasts for weeks." in section.body  # a list item
    assert "footer" not in section.text


def load_bytes(tmp_path: Path, name: str, data: bytes):  # type: ignore[no-untyped-def]
    path = write(tmp_path / name, data)
    return load_document(path, path.stem)


def test_a_made_leaflet_has_its_title_headings_columns_in_order_and_no_furniture(
    tmp_path: Path,
) -> None:
    document, problems = load_bytes(tmp_path, "leaflet.pdf", to_bytes(leaflet()))
    assert document is not None and not problems
    assert document.title == "Treatment Choices"
    assert [s.heading for s in document.sections] == [
        f"Part {n} of the treatment" for n in (1, 2, 3)
    ]
    text = document.sections[0].text
    # Down the left column, then the right; words broken at a line end joined; ligature spelled out.
    assert text.index("few minutes.") < text.index("Chemotherapy uses drugs")
    assert "high-energy x-rays to kill cancer cells." in text
    assert "often treatable with medicine from the first day." in text
    every = " ".join(s.text + " " + s.heading for s in document.sections)
    assert "Clinic Leaflet" not in every  # the running header
    assert not any(
        line.strip().isdigit() for s in document.sections for line in s.text.splitlines()
    )


def test_an_untagged_pdf_takes_its_title_source_and_language_from_its_metadata(
    tmp_path: Path,
) -> None:
    writer = make_pdf([[(72, 700, "Eat small meals often when food tastes strange.", 11, False)]])
    writer.add_metadata({"/Title": "Eating Well", "/Author": "Example Clinic"})
    writer._root_object[NameObject("/Lang")] = TextStringObject("es-MX")
    document, problems = load_bytes(tmp_path, "meta.pdf", to_bytes(writer))
    assert document is not None and not problems
    assert document.title == "Eating Well"
    assert document.meta.source == "Example Clinic"
    assert document.meta.language == "es"


def test_a_stale_metadata_title_gives_way_to_the_title_on_the_page(tmp_path: Path) -> None:
    writer = leaflet()
    writer.add_metadata({"/Title": "Leaflet template 2019"})  # not on the pages
    document, _ = load_bytes(tmp_path, "stale.pdf", to_bytes(writer))
    assert document is not None and document.title == "Treatment Choices"


def test_table_of_contents_lines_are_left_out(tmp_path: Path) -> None:
    page = [
        (72, 700, "Contents", 16, True),
        (72, 670, "Side effects .................... 2", 11, False),
        (72, 650, "Eating well ..................... 3", 11, False),
        (72, 600, "Side effects", 16, True),
        (72, 570, "Most side effects go away after treatment ends.", 11, False),
    ]
    document, _ = load_bytes(tmp_path, "toc.pdf", to_bytes(make_pdf([page])))
    assert document is not None
    assert not any("...." in s.text for s in document.sections)
    assert "Most side effects go away after treatment ends." in document.sections[-1].text


def test_a_sidecar_title_wins_over_the_pdf(tmp_path: Path) -> None:
    writer = leaflet()
    writer.add_metadata({"/Title": "Our Treatment Leaflet"})
    write(tmp_path / "side.meta.yaml", "title: Treatment at the clinic\n")
    document, _ = load_bytes(tmp_path, "side.pdf", to_bytes(writer))
    assert document is not None and document.title == "Treatment at the clinic"


def test_a_password_protected_pdf_is_reported_plainly(tmp_path: Path) -> None:
    writer = leaflet()
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    document, problems = load_bytes(tmp_path, "locked.pdf", to_bytes(writer))
    assert document is None
    assert [p.message for p in problems] == ["PDF is password-protected"]
    assert problems[0].path.name == "locked.pdf" and problems[0].severity == Severity.ERROR


def test_a_pdf_locked_only_against_editing_still_loads(tmp_path: Path) -> None:
    writer = leaflet()
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    document, problems = load_bytes(tmp_path, "owner.pdf", to_bytes(writer))
    assert document is not None and not problems
    assert document.title == "Treatment Choices"


def test_truncated_garbage_and_empty_pdfs_each_give_a_problem_and_the_rest_loads(
    tmp_path: Path,
) -> None:
    good = to_bytes(leaflet())
    write(tmp_path / "good.pdf", good)
    write(tmp_path / "truncated.pdf", good[: len(good) // 3])
    write(tmp_path / "garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40)
    write(tmp_path / "not-a-pdf.pdf", b"Hello, this is plain text saved as .pdf\n")
    write(tmp_path / "empty.pdf", b"")
    library = load_library([tmp_path])
    assert [d.id for d in library.documents] == ["good"]
    messages = {p.path.name: p.message for p in library.problems}
    assert set(messages) == {"truncated.pdf", "garbage.pdf", "not-a-pdf.pdf", "empty.pdf"}
    assert messages["not-a-pdf.pdf"].startswith("not a PDF file")
    assert messages["empty.pdf"] == "file is empty"
    for name in ("truncated.pdf", "garbage.pdf"):
        assert messages[name].startswith("PDF "), messages[name]
        assert "Traceback" not in messages[name]


def test_scripts_and_attached_files_are_reported_and_never_opened(tmp_path: Path) -> None:
    writer = leaflet()
    script = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('opened');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
    writer.add_attachment("payload.txt", b"SECRET ATTACHED TEXT")
    document, problems = load_bytes(tmp_path, "scripted.pdf", to_bytes(writer))
    assert document is not None  # the text still loads
    warnings = sorted(p.message for p in problems)
    assert warnings == ["PDF contains attached files", "PDF contains scripts"]
    assert all(p.severity == Severity.WARNING for p in problems)
    every = " ".join(s.text for s in document.sections)
    assert "SECRET" not in every and "app.alert" not in every


def test_a_pdf_that_takes_too_long_is_given_up_with_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "TIME_BUDGET", 0.0)
    document, problems = load_bytes(tmp_path, "slow.pdf", to_bytes(leaflet()))
    assert document is None
    assert any("took too long" in p.message for p in problems)


def test_a_pdf_over_the_page_limit_keeps_its_first_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    document, problems = load_bytes(tmp_path, "long.pdf", to_bytes(leaflet()))
    assert document is not None
    assert [s.heading for s in document.sections] == [
        "Part 1 of the treatment",
        "Part 2 of the treatment",
    ]
    assert [p.message for p in problems] == ["PDF has 3 pages; only the first 2 were read"]


def test_sections_of_a_pdf_are_plain_data_for_the_snapshot(tmp_path: Path) -> None:
    import pickle

    document, _ = load_bytes(tmp_path, "leaflet.pdf", to_bytes(leaflet()))
    assert document is not None
    again = pickle.loads(pickle.dumps(document))
    assert again.sections == document.sections


def test_a_pdf_that_names_itself_nowhere_is_titled_by_its_first_words(tmp_path: Path) -> None:
    writer = make_pdf([[(72, 700, "Eat small meals often when food tastes strange.", 11, False)]])
    document, problems = load_bytes(tmp_path, "plain.pdf", to_bytes(writer))
    assert document is not None and not problems
    assert document.title == "Eat small meals often when food tastes strange."


def test_pages_too_large_to_parse_are_left_out_with_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "MAX_CONTENT_BYTES", 0)
    document, problems = load_bytes(tmp_path, "huge.pdf", to_bytes(leaflet()))
    assert document is None
    assert [p.message for p in problems] == [
        "PDF pages 1, 2, 3 too large to read",
        "PDF has no text left to read",
    ]


def test_a_pdf_of_images_only_says_it_has_no_text(tmp_path: Path) -> None:
    document, problems = load_bytes(tmp_path, "scan.pdf", to_bytes(make_pdf([[]])))
    assert document is None
    assert [p.message for p in problems] == [
        "PDF has no text to read (it may be scanned images only)"
    ]


def _page_with(ops: list[str]) -> bytes:
    writer = make_pdf([[]])
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("latin-1"))
    writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    return to_bytes(writer)


def test_sideways_margin_notes_are_dropped_and_a_page_set_sideways_is_read(
    tmp_path: Path,
) -> None:
    upright = [
        "BT /F2 16 Tf 72 700 Td (Eating well) Tj ET",
        "BT /F1 11 Tf 72 670 Td (Protein helps the body heal after surgery.) Tj ET",
        "BT /F1 7 Tf 0 1 -1 0 590 300 Tm (printed by the copy room on Monday) Tj ET",
    ]
    document, _ = load_bytes(tmp_path, "margin.pdf", _page_with(upright))
    assert document is not None
    text = " ".join(s.heading + " " + s.text for s in document.sections)
    assert "Protein helps the body heal after surgery." in text
    assert "copy room" not in text
    # The same page drawn turned a quarter turn, as landscape pages often are.
    turned = [
        "BT /F2 16 Tf 0 1 -1 0 100 72 Tm (Eating well) Tj ET",
        "BT /F1 11 Tf 0 1 -1 0 130 72 Tm (Protein helps the body heal after surgery.) Tj ET",
    ]
    document, problems = load_bytes(tmp_path, "turned.pdf", _page_with(turned))
    assert document is not None and not problems
    assert document.title == "Eating well"
    assert "Protein helps the body heal after surgery." in document.sections[0].text


def test_a_pdf_with_aes_protection_gets_a_plain_problem(tmp_path: Path) -> None:
    # Protected against changes only (no password to open), with AES-256: pypdf needs
    # a cipher library for AES, which we do not ship. Made with pypdf and cryptography.
    from pypdf._crypt_providers import crypt_provider

    data = (Path(__file__).parent / "data" / "aes-no-password.pdf").read_bytes()
    document, problems = load_bytes(tmp_path, "aes.pdf", data)
    if crypt_provider[0] != "local_crypt_fallback":  # a cipher library is installed here
        assert document is not None and document.sections[0].text == "Rest when you feel tired."
        return
    assert document is None
    assert [p.message for p in problems] == [pdf._AES]
    assert problems[0].severity == Severity.ERROR


def test_a_typed_document_has_its_capital_and_slightly_larger_headings(tmp_path: Path) -> None:
    body = "The clinic is open on weekdays from eight in the morning until six at night."
    page = [
        (72, 720, body, 11, False),
        (72, 690, "A.", 11, False),  # the letter apart from its heading, as a tab sets it
        (108, 690, "VISITING HOURS", 11, False),
        (72, 670, body, 11, False),
        (72, 640, "Parking", 12, False),  # one point larger than the text
        (72, 620, body, 11, False),
        (90, 600, "\u2022 Bring your card", 11, False),
        (72, 586, body, 11, False),
    ]
    document, _ = load_bytes(tmp_path, "typed.pdf", to_bytes(make_pdf([page])))
    assert document is not None
    headings = [s.heading for s in document.sections]
    assert headings[-2:] == ["A. VISITING HOURS", "Parking"]
    assert "- Bring your card\n\nThe clinic is open" in document.sections[-1].body


def test_a_script_behind_a_link_on_a_page_is_reported(tmp_path: Path) -> None:
    writer = leaflet()
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (72, 600, 200, 620)]),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.launchURL('x');"),
                }
            ),
        }
    )
    writer.pages[1][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    document, problems = load_bytes(tmp_path, "link.pdf", to_bytes(writer))
    assert document is not None
    assert [(p.message, p.severity) for p in problems] == [
        ("PDF contains scripts", Severity.WARNING)
    ]


def test_a_pdf_made_big_by_its_pictures_still_loads(tmp_path: Path) -> None:
    writer = leaflet()
    picture = DecodedStreamObject()
    picture.set_data(os.urandom(6 * 1024 * 1024))  # over the 5 MB limit of text documents
    writer._add_object(picture)
    data = to_bytes(writer)
    assert len(data) > 6 * 1024 * 1024
    document, problems = load_bytes(tmp_path, "photos.pdf", data)
    assert document is not None and not problems
    assert document.title == "Treatment Choices"
