"""Importing the files clinics have (HTML, DOCX, NCI PDQ XML, ...): the import corpus
scored by its README's rules, the structure and fields of each kind, and `oncoref show`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from benchmarks.import_quality import (
    IMPORT_CORPUS,
    expectation_files,
    has_loader,
    heading_recall,
    score_file,
)
from desktop.main import main
from index.library import load_document, load_library
from index.model import Document, Metadata, Section
from index.render.plain import plain_text
from index.session import open_session
from tests.conftest import write

CORPUS_FILES = expectation_files() if IMPORT_CORPUS.is_dir() else []
# Scored once a format reads their kind (a file of a kind no format reads yet is
# reported by the benchmark as "no loader").
READABLE = [f for f in CORPUS_FILES if has_loader(f)]


@pytest.mark.skipif(not READABLE, reason="needs ../shared/corpus/import")
@pytest.mark.parametrize("path", READABLE, ids=[f.name for f in READABLE])
def test_corpus_file_loads_with_its_headings_and_sentences_and_no_furniture(path: Path) -> None:
    score = score_file(path)
    assert score.loaded, score.errors
    assert score.title_ok, score.title
    assert score.heading_recall >= 0.90, score.missing_headings
    assert score.sentence_recall >= 0.95, score.missing_sentences
    assert not score.absent_found


@pytest.mark.skipif(not CORPUS_FILES, reason="needs ../shared/corpus/import")
def test_every_html_docx_and_pdq_file_of_the_corpus_has_a_loader() -> None:
    kinds = {f.name for f in READABLE}
    for name in (f.name for f in CORPUS_FILES):
        if name.endswith((".html", ".htm", ".docx", ".xml")):
            assert name in kinds


def _doc(sections: list[tuple[str, int, str | None]]) -> Document:
    return Document(
        "d",
        Path("d.md"),
        Metadata(title="T"),
        [Section(i, i, level, parent, "", "") for i, level, parent in sections],
        "",
    )


def test_heading_score_wants_the_right_parent_and_no_sibling_as_parent() -> None:
    nested = _doc([("a", 1, None), ("b", 2, "a"), ("c", 1, None)])
    flat = _doc([("a", 1, None), ("b", 1, None), ("c", 1, None)])
    swallowed = _doc([("a", 1, None), ("b", 2, "a"), ("c", 3, "b")])
    expected = [(1, "a"), (2, "b"), (1, "c")]
    assert heading_recall(nested, expected)[0] == 1.0
    assert heading_recall(flat, expected)[0] == pytest.approx(2 / 3)
    assert heading_recall(swallowed, expected)[0] == pytest.approx(2 / 3)
    assert heading_recall(nested, [(1, "1. a"), (1, "zzz")])[0] == 0.5


# -- each kind, on files made here -----------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Living with lymphoedema | Example Cancer Charity</title>
<meta name="description" content="How to look after your arm after breast surgery.">
<meta name="author" content="Nurse Team">
<meta property="og:site_name" content="Example Cancer Charity">
<meta property="article:modified_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://example.org/lymphoedema">
</head><body>
<div id="cookie-banner"><p>We use cookies to improve your visit.</p><button>Accept</button></div>
<header class="site-header"><a href="/">Home</a><nav><ul><li><a href="/a">About us</a></li>
<li><a href="/b">Donate now</a></li><li><a href="/c">Shop</a></li></ul></nav></header>
<main>
<article>
<h1>Living with lymphoedema</h1>
<div class="share-buttons"><a href="https://x.example/share">Share on X</a></div>
<p>Lymphoedema is <strong>swelling</strong> that can happen after surgery to the
<a class="definition" href="/Common/PopUps/popDefinition.aspx?id=46305&amp;version=Patient">lymph
nodes</a>.</p>
<h2>Looking after your skin</h2>
<p>Keep the skin clean and <em>moisturised</em> every day.</p>
<ol><li>Wash gently.</li><li>Dry well<ul><li>between the fingers</li></ul></li></ol>
<h3>Signs of infection</h3>
<table><tr><th>Sign</th><th>What to do</th></tr>
<tr><td>Redness</td><td>Call the clinic</td></tr></table>
<h2>Related articles</h2>
<ul class="related"><li><a href="/x">Hair loss</a></li><li><a href="/y">Fatigue</a></li>
<li><a href="/z">Diet</a></li></ul>
</article>
<section id="comments"><h2>Comments</h2><p>Great read, thanks for sharing this!</p></section>
</main>
<aside><h2>Newsletter</h2><p>Subscribe to our newsletter for updates.</p></aside>
<footer><p>Registered charity 123456. Privacy policy.</p></footer>
</body></html>
"""


def test_a_saved_web_page_keeps_its_article_and_drops_what_is_around_it(tmp_path: Path) -> None:
    path = write(tmp_path / "lymph.html", PAGE)
    document, problems = load_document(path, "lymph")
    assert document is not None and not problems
    assert document.format == "html"
    assert document.title == "Living with lymphoedema"
    outline = [(s.level, s.heading) for s in document.sections]
    assert outline == [
        (1, "Introduction"),
        (1, "Looking after your skin"),
        (2, "Signs of infection"),
    ]
    text = " ".join(s.heading + " " + plain_text(s.body) for s in document.sections)
    assert "swelling that can happen after surgery to the lymph nodes." in text
    intro = document.sections[0]
    assert "[lymph nodes](glossary:nci-46305)" in intro.body
    assert [r.nci_id for r in intro.glossary_refs] == ["46305"]
    assert "- Wash gently." in plain_text(document.sections[1].body)
    assert "  - between the fingers" in plain_text(document.sections[1].body)
    assert "Redness | Call the clinic" in plain_text(document.sections[2].body)
    for chrome in ("cookies", "Donate", "Share on", "Hair loss", "Related", "Great read",
                   "newsletter", "charity 123456"):  # fmt: skip
        assert chrome.lower() not in text.lower(), chrome
    meta = document.meta
    assert meta.source == "Example Cancer Charity" and meta.extra["author"] == "Nurse Team"
    assert meta.language == "en-GB" and meta.url == "https://example.org/lymphoedema"
    assert meta.last_reviewed == dt.date(2024, 3, 5)
    assert meta.extra["description"].startswith("How to look after")


def test_a_page_without_landmarks_is_read_whole_and_titled_from_its_metadata(
    tmp_path: Path,
) -> None:
    page = (
        "<html><head><title>Eating well - Clinic</title></head><body>"
        "<p>Small meals help.</p><h3>Snacks</h3><p>Keep snacks near.</p>"
        "<p><b>Fruit</b></p><p>Fresh or dried.</p><p><b>Note:</b></p><p>Ask us.</p></body></html>"
    )
    document, _ = load_document(write(tmp_path / "eat.htm", page), "eat")
    assert document is not None and document.title == "Eating well"
    # A bold line alone is a heading under the last one; "Note:" reads as a lead-in.
    assert [(s.level, s.heading) for s in document.sections] == [
        (1, "Introduction"),
        (1, "Snacks"),
        (2, "Fruit"),
    ]


def test_a_pdq_summary_gives_sections_fields_and_glossary_links(tmp_path: Path) -> None:
    xml = """<?xml version="1.0" encoding="utf-8"?>
<Summary id="CDR0000999">
  <SummaryMetaData>
    <SummaryType>Treatment</SummaryType><SummaryAudience>Patients</SummaryAudience>
    <SummaryLanguage>English</SummaryLanguage>
    <SummaryURL xref="https://www.cancer.gov/types/example">Example (PDQ): Treatment</SummaryURL>
    <MainTopics><TermRef ref="CDR1">stomach cancer</TermRef></MainTopics>
  </SummaryMetaData>
  <SummaryTitle>Stomach Cancer Treatment</SummaryTitle>
  <SummarySection><Title>General Information</Title>
    <SummarySection>
      <SectMetaData><SectionType>Internal label</SectionType></SectMetaData>
      <KeyPoint>Stomach cancer forms in the lining of the stomach.</KeyPoint>
      <Para>It is also called <GlossaryTermRef href="CDR0000045214">gastric
        cancer</GlossaryTermRef>.<MediaLink ref="CDR2"><Caption>The stomach.</Caption>
        </MediaLink></Para>
      <ItemizedList><ListItem>Pain.</ListItem><ListItem>Nausea.</ListItem></ItemizedList>
    </SummarySection>
  </SummarySection>
  <DateLastModified>2011-08-18</DateLastModified>
</Summary>"""
    path = write(tmp_path / "CDR999.xml", xml.encode("utf-16"))
    document, problems = load_document(path, "CDR999")
    assert document is not None and not problems and document.format == "pdq-xml"
    assert document.title == "Stomach Cancer Treatment"
    general, key_point = document.sections
    assert key_point.parent == general.id
    assert key_point.heading == "Stomach cancer forms in the lining of the stomach."
    assert "[gastric cancer](glossary:nci-45214)" in key_point.body
    assert key_point.glossary_refs[0].nci_id == "45214"
    assert "Internal label" not in key_point.body and "The stomach." in key_point.text
    assert plain_text(key_point.body).endswith("- Pain.\n- Nausea.")
    meta = document.meta
    assert meta.audience == "patient" and meta.language == "en"
    assert meta.last_reviewed == dt.date(2011, 8, 18) and meta.cancer_types == ["stomach cancer"]
    assert meta.url == "https://www.cancer.gov/types/example"


def test_an_xml_file_that_is_not_a_pdq_summary_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "settings.xml", "<?xml version='1.0'?><config><a>1</a></config>")
    write(tmp_path / "ok.md", "---\ntitle: Ok\n---\nText.\n")
    library = load_library([tmp_path])
    assert [d.id for d in library.documents] == ["ok"]
    (problem,) = library.problems
    assert problem.path.name == "settings.xml" and "not an NCI PDQ summary" in problem.message


def _docx(path: Path, build) -> Path:  # type: ignore[no-untyped-def]
    import docx

    document = docx.Document()
    build(document)
    document.save(str(path))
    return path


def test_a_word_document_takes_headings_lists_and_properties_from_its_styles(
    tmp_path: Path,
) -> None:
    def build(d) -> None:  # type: ignore[no-untyped-def]
        d.core_properties.title = "After surgery"
        d.core_properties.author = "Day Unit"
        d.core_properties.language = "en-CA"
        d.add_paragraph("After surgery", style="Title")
        d.add_paragraph("Rest for two days.")
        d.add_heading("Wound care", level=1)
        d.add_paragraph("Keep it dry.", style="List Bullet")
        d.add_paragraph("Change the dressing.", style="List Bullet")
        d.add_paragraph("Daily.", style="List Bullet 2")
        d.add_heading("Pain", level=2)
        table = d.add_table(rows=2, cols=2)
        for r, row in enumerate([["Drug", "When"], ["Paracetamol", "Every 6 hours"]]):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        d.add_heading("Questions", level=1)
        d.add_paragraph("Call us.")
        d.add_paragraph().add_run("Out of hours").bold = True
        d.add_paragraph("Go to the emergency room.")

    path = _docx(tmp_path / "after.docx", build)
    document, problems = load_document(path, "after")
    assert document is not None and not problems and document.format == "docx"
    assert document.title == "After surgery"
    assert [(s.level, s.heading) for s in document.sections] == [
        (1, "Introduction"),
        (1, "Wound care"),
        (2, "Pain"),
        (1, "Questions"),
        (2, "Out of hours"),  # a bold line alone heads what follows it
    ]
    assert plain_text(document.sections[1].body) == (
        "- Keep it dry.\n- Change the dressing.\n  - Daily."
    )
    assert "Paracetamol | Every 6 hours" in plain_text(document.sections[2].body)
    assert document.meta.source == "Day Unit" and document.meta.language == "en-CA"


# -- oncoref show ----------------------------------------------------------------------


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    folder = tmp_path / "clinic"
    write(folder / "lymph.html", PAGE)
    return folder


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_show_json_has_the_documented_shape(
    capsys: pytest.CaptureFixture[str], clinic: Path, tmp_path: Path
) -> None:
    common = ["--no-bundled", "--library", str(clinic), "--index-dir", str(tmp_path / "i")]
    code, out, _ = _run(capsys, "show", "lymph", "--json", *common)
    data = json.loads(out)
    assert code == 0 and set(data) == {"doc", "title", "format", "sections"}
    assert data["doc"] == "lymph" and data["format"] == "html"
    for section in data["sections"]:
        assert set(section) == {"id", "heading", "level", "parent", "text"}
    skin = next(s for s in data["sections"] if s["heading"] == "Looking after your skin")
    # Its own text only (not "Signs of infection"), paragraphs apart, items as "- ".
    assert skin["text"].startswith("Keep the skin clean and moisturised every day.\n\n- Wash")
    assert "Redness" not in skin["text"]

    code, out, _ = _run(capsys, "show", "lymph.html", "--section", "signs-of-infection", *common)
    assert code == 0 and "## Signs of infection" in out and "Looking after" not in out


def test_show_exits_3_for_an_unknown_document_or_section(
    capsys: pytest.CaptureFixture[str], clinic: Path, tmp_path: Path
) -> None:
    common = ["--no-bundled", "--library", str(clinic), "--index-dir", str(tmp_path / "i")]
    code, _, err = _run(capsys, "show", "nothing-here", *common)
    assert code == 3 and "oncoref list" in err
    code, _, err = _run(capsys, "show", "lymph", "--section", "nope", *common)
    assert code == 3 and "oncoref outline lymph" in err


@pytest.mark.skipif(not READABLE, reason="needs ../shared/corpus/import")
def test_a_folder_of_each_kind_is_searchable_after_opening(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    folder.mkdir()
    kinds: dict[str, Path] = {}
    for path in READABLE:
        kinds.setdefault(path.suffix, path)
    for path in kinds.values():
        shutil.copyfile(path, folder / path.name)
    session = open_session([folder], bundled=False, index_dir=tmp_path / "index")
    try:
        formats = {d.format for d in session.library.documents}
        assert {"html", "docx", "pdq-xml"} <= formats
        assert not session.library.errors
        hits = session.search("lymph nodes").hits
        assert hits
    finally:
        session.close()


def make_epub(chapters: list[str], encrypted: tuple[str, ...] | list[str] = ()) -> bytes:
    """A small EPUB 3 book with these XHTML chapters."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="OEBPS/book.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        items = "".join(
            f'<item id="c{n}" href="text/c{n}.xhtml" media-type="application/xhtml+xml"/>'
            for n in range(len(chapters))
        )
        spine = "".join(f'<itemref idref="c{n}"/>' for n in reversed(range(len(chapters))))
        book.writestr(
            "OEBPS/book.opf",
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            "<dc:title>Coping with Fatigue</dc:title><dc:creator>Rehab Team</dc:creator>"
            "<dc:language>en</dc:language><dc:date>2023-05-01</dc:date></metadata>"
            f"<manifest>{items}</manifest><spine>{spine}</spine></package>",
        )
        for n, body in enumerate(chapters):
            book.writestr(
                f"OEBPS/text/c{n}.xhtml",
                '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
                f"<head><title>c{n}</title></head><body>{body}</body></html>",
            )
        if encrypted:
            refs = "".join(
                f'<EncryptedData><CipherData><CipherReference URI="{u}"/></CipherData>'
                "</EncryptedData>"
                for u in encrypted
            )
            book.writestr("META-INF/encryption.xml", f"<encryption>{refs}</encryption>")
    return out.getvalue()


def test_an_epub_book_reads_its_chapters_in_spine_order_with_its_metadata(
    tmp_path: Path,
) -> None:
    # The spine lists the chapters last to first: reading order is the spine's.
    book = make_epub(
        [
            "<h1>Rest</h1><p>Plan short rests.</p>",
            "<h1>Energy</h1><p>Fatigue is common.</p><h2>Why</h2><ul><li>Treatment</li></ul>",
        ]
    )
    document, problems = load_document(write(tmp_path / "fatigue.epub", book), "fatigue")
    assert document is not None and not problems and document.format == "epub"
    assert document.title == "Coping with Fatigue"
    assert [(s.level, s.heading) for s in document.sections] == [
        (1, "Energy"),
        (2, "Why"),
        (1, "Rest"),
    ]
    assert plain_text(document.sections[1].body) == "- Treatment"
    assert document.meta.source == "Rehab Team" and document.meta.language == "en"


def test_text_in_a_word_text_box_is_read_once(tmp_path: Path) -> None:
    from docx.oxml import parse_xml

    ns = (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"'
    )
    words = "<w:p><w:r><w:t>Call 555 0100 day or night.</w:t></w:r></w:p>"
    box = f"<w:txbxContent>{words}</w:txbxContent>"
    run = parse_xml(
        f'<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><wps:txbx>{box}</wps:txbx>'
        f"</mc:Choice><mc:Fallback><v:textbox>{box}</v:textbox></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )

    def build(d) -> None:  # type: ignore[no-untyped-def]
        d.add_paragraph("Before the box.")._p.append(run)
        d.add_paragraph("After the box.")

    document, _ = load_document(_docx(tmp_path / "box.docx", build), "box")
    assert document is not None
    assert plain_text(document.sections[0].body) == (
        "Before the box.\n\nCall 555 0100 day or night.\n\nAfter the box."
    )


def test_a_sidecar_wins_over_what_an_imported_file_says(tmp_path: Path) -> None:
    write(tmp_path / "lymph.html", PAGE)
    write(tmp_path / "lymph.meta.yaml", "title: Lymphoedema at home\ncancerTypes: [breast]\n")
    write(tmp_path / "CDR1.xml", "<Summary><SummaryTitle>Old</SummaryTitle><SummarySection>"
          "<Title>Part</Title><Para>Text.</Para></SummarySection></Summary>")  # fmt: skip
    write(tmp_path / "CDR1.meta.yaml", "title: New\nsource: Riverside Clinic\n")
    library = load_library([tmp_path])
    assert not library.problems
    page, summary = library.get("lymph"), library.get("CDR1")
    assert page is not None and summary is not None
    assert page.title == "Lymphoedema at home" and page.meta.cancer_types == ["breast"]
    assert page.meta.source == "Example Cancer Charity"  # what the sidecar leaves alone stays
    assert summary.title == "New" and summary.meta.source == "Riverside Clinic"
