"""Bad and hostile HTML, DOCX and XML files: each loads safely or is refused with a
clear problem naming the file, nothing is fetched or run, and the rest loads."""

from __future__ import annotations

import io
import socket
import time
import zipfile
from pathlib import Path

import pytest

from index.library import load_document, load_library
from index.model import Severity
from index.render.document import DocumentRenderer
from index.render.plain import plain_text
from index.session import open_session
from tests.conftest import write


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach the network fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


HOSTILE_PAGE = """<html><head>
<script>alert("head")</script>
<meta http-equiv="refresh" content="0;url=http://evil.example/">
<base href="http://evil.example/">
</head>
<body onload="steal()">
<h1>Safe page</h1>
<p>Read <a href="javascript:alert(1)">this</a>, <a href="file:///etc/passwd">that</a>,
<a href="JaVaScRiPt:alert(2)">other</a>, <a href="data:text/html;base64,PHA+">data</a> and
<a href="https://example.org/ok">the site</a>.</p>
<img src="http://tracker.example/pixel.gif" alt="tracker pixel">
<iframe src="http://evil.example/frame"></iframe>
<script>document.write("<p>injected</p>")</script>
<object data="http://evil.example/x.swf">fallback object text</object>
<p style="display: none">hidden words</p>
<svg><script>alert(3)</script><text>svg words</text></svg>
<p onclick="steal()">Last <b onmouseover="x()">line</b>.</p>
</body></html>"""


def test_a_hostile_page_loads_as_text_with_only_web_links_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "page.html", HOSTILE_PAGE)
    document, problems = load_document(path, "page")
    assert document is not None
    body = "\n".join(s.body for s in document.sections)
    text = "\n".join(plain_text(s.body) for s in document.sections)
    assert "Read this, that, other, data and the site." in text
    assert "Last line." in text
    assert "[the site](<https://example.org/ok>)" in body
    bad_words = ["javascript", "JaVaScRiPt", "file:", "data:", "alert", "evil.example"]
    bad_words += ["tracker", "injected", "fallback object", "hidden words", "svg words", "steal"]
    for bad in bad_words:
        assert bad not in body, bad
    html = DocumentRenderer(_empty_glossary()).document_html(document)
    for bad in ("<img", "<iframe", "<script", "<object", "javascript:", "file:", "onload"):
        assert bad not in html.lower(), bad
    (warning,) = problems
    assert warning.path == path and warning.severity is Severity.WARNING
    assert "frames or objects" in warning.message and "never opened" in warning.action


def _empty_glossary():  # type: ignore[no-untyped-def]
    from index.glossary import Glossary

    return Glossary([])


def test_pages_that_are_empty_or_not_html_are_reported_not_fatal(tmp_path: Path) -> None:
    write(tmp_path / "empty.html", "")
    write(tmp_path / "blank.html", "<html><body>   </body></html>")
    write(tmp_path / "binary.htm", bytes(range(256)) * 20)
    write(tmp_path / "deep.html", "<div>" * 20000 + "deep text" + "</div>" * 20000)
    write(tmp_path / "good.html", "<h1>Good</h1><p>Fine.</p>")
    start = time.perf_counter()
    library = load_library([tmp_path])
    assert time.perf_counter() - start < 10
    ids = {d.id for d in library.documents}
    assert "good" in ids
    reported = {p.path.name for p in library.problems}
    assert {"empty.html", "blank.html"} <= reported
    assert all(p.path.name in reported or p.path.name == "good.html" for p in library.problems)


# -- DOCX ------------------------------------------------------------------------------


def _docx_bytes(text: str = "Plain words.") -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("A heading", level=1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _rezip(data: bytes, extra: dict[str, bytes], replace: dict[str, bytes] | None = None) -> bytes:
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
        for name, content in extra.items():
            target.writestr(name, content)
    return out.getvalue()


def test_a_word_file_with_macros_loads_and_says_they_are_never_run(tmp_path: Path) -> None:
    data = _rezip(_docx_bytes(), {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro code"})
    path = write(tmp_path / "macro.docx", data)
    document, problems = load_document(path, "macro")
    assert document is not None and "Plain words." in document.sections[0].text
    (problem,) = problems
    assert problem.severity is Severity.WARNING and "macros" in problem.message
    assert "never run" in problem.action


def test_outside_links_in_a_word_file_are_never_followed(tmp_path: Path) -> None:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    document = docx.Document()
    paragraph = document.add_paragraph("See ")
    for target, label in (("file:///etc/passwd", "secrets"), ("https://example.org/", "site")):
        rel_id = document.part.relate_to(target, RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel_id)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = label
        run.append(text)
        link.append(run)
        paragraph._p.append(link)
        paragraph.add_run(" and ")
    template = (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
    )
    document.part.relate_to("http://evil.example/template.dotm", template, is_external=True)
    document.part.relate_to("file:///etc/passwd", RT.IMAGE, is_external=True)
    path = tmp_path / "links.docx"
    document.save(str(path))
    loaded, problems = load_document(path, "links")
    assert loaded is not None
    body = loaded.sections[0].body
    assert "secrets" in body and "passwd" not in body and "file:" not in body
    assert "[site](<https://example.org/>)" in body
    (problem,) = problems
    assert problem.severity is Severity.WARNING and "2 outside" in problem.message
    assert "never opened" in problem.action


def test_a_zip_bomb_named_docx_is_refused_before_it_is_inflated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = _rezip(_docx_bytes(), {"word/media/image1.png": bytes(4 * 1024 * 1024)})
    assert len(bomb) < 100_000  # 4 MB of zeros packs to a few kilobytes
    path = write(tmp_path / "bomb.docx", bomb)
    inflated: list[str] = []
    original = zipfile.ZipFile.open

    def watch(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object) -> object:
        inflated.append(str(getattr(name, "filename", name)))
        return original(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", watch)
    document, problems = load_document(path, "bomb")
    assert document is None
    (problem,) = problems
    assert problem.path == path and "zip bomb" in problem.message
    assert "word/media/image1.png" not in inflated


def test_damaged_encrypted_and_entity_laden_word_files_are_reported(tmp_path: Path) -> None:
    good = _docx_bytes()
    write(tmp_path / "truncated.docx", good[: len(good) // 2])
    write(tmp_path / "encrypted.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    write(tmp_path / "not-word.docx", _zip({"hello.txt": b"hi"}))
    laughs = _billion_laughs("w:document").replace(
        b"<w:document>",
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>",
    )
    write(tmp_path / "laughs.docx", _rezip(good, {}, {"word/document.xml": laughs}))
    write(tmp_path / "fine.docx", good)
    start = time.perf_counter()
    library = load_library([tmp_path])
    assert time.perf_counter() - start < 10
    assert "fine" in {d.id for d in library.documents}
    messages = {p.path.name: p.message for p in library.problems}
    assert "damaged" in messages["truncated.docx"]
    assert "password-protected" in messages["encrypted.docx"]
    assert "not a Word document" in messages["not-word.docx"]
    assert library.get("laughs") is None and "declares entities" in messages["laughs.docx"]


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


# -- XML -------------------------------------------------------------------------------


def _billion_laughs(root: str) -> bytes:
    lines = ['<?xml version="1.0"?>', f"<!DOCTYPE {root} [", ' <!ENTITY lol0 "lol">']
    for n in range(1, 10):
        lines.append(f' <!ENTITY lol{n} "' + f"&lol{n - 1};" * 10 + '">')
    lines.append("]>")
    lines.append(f"<{root}>")
    lines.append(f"</{root}>")
    return "\n".join(lines).encode()


def test_xml_entity_expansion_and_outside_entities_are_refused(tmp_path: Path) -> None:
    laughs = _billion_laughs("Summary").replace(
        b"<Summary>", b"<Summary><SummaryTitle>&lol9;</SummaryTitle>"
    )
    write(tmp_path / "laughs.xml", laughs)
    outside = (
        '<?xml version="1.0"?>\n<!DOCTYPE Summary [\n'
        ' <!ENTITY secret SYSTEM "file:///etc/passwd">\n'
        ' <!ENTITY remote SYSTEM "http://evil.example/x">\n]>\n'
        "<Summary><SummaryTitle>&secret;&remote;</SummaryTitle>"
        "<SummarySection><Title>T</Title><Para>p</Para></SummarySection></Summary>"
    )
    write(tmp_path / "outside.xml", outside)
    dtd = (
        '<?xml version="1.0"?>\n<!DOCTYPE Summary SYSTEM "http://evil.example/pdq.dtd">\n'
        "<Summary><SummaryTitle>With a DTD</SummaryTitle>"
        "<SummarySection><Title>Part</Title><Para>Words.</Para></SummarySection></Summary>"
    )
    write(tmp_path / "dtd.xml", dtd)
    write(tmp_path / "broken.xml", "<Summary><SummaryTitle>Cut off")
    write(tmp_path / "good.md", "---\ntitle: Good\n---\nText.\n")
    start = time.perf_counter()
    library = load_library([tmp_path])
    assert time.perf_counter() - start < 5
    assert {d.id for d in library.documents} == {"good", "dtd"}
    assert library.get("dtd").title == "With a DTD"  # type: ignore[union-attr]
    messages = {p.path.name: str(p) for p in library.problems}
    assert "declares entities" in messages["laughs.xml"]
    assert "declares entities" in messages["outside.xml"]
    assert "not well-formed" in messages["broken.xml"] and ":1:" in messages["broken.xml"]
    assert all("root:" not in m for m in messages.values())


def test_a_hostile_folder_opens_in_a_session_with_the_good_document_searchable(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "clinic"
    write(folder / "page.html", HOSTILE_PAGE)
    write(folder / "bomb.docx", _rezip(_docx_bytes(), {"word/x.bin": bytes(3 * 1024 * 1024)}))
    write(folder / "laughs.xml", _billion_laughs("Summary"))
    write(folder / "note.docx", _docx_bytes("Lymphoedema care at home."))
    session = open_session([folder], bundled=False, index_dir=tmp_path / "index")
    try:
        assert {d.id for d in session.library.documents} == {"page", "note"}
        assert [h.doc for h in session.search("lymphoedema").hits] == ["note"]
        failed = {p.path.name for p in session.library.errors}
        assert failed == {"bomb.docx", "laughs.xml"}
    finally:
        session.close()


def test_locked_damaged_and_scripted_epub_books(tmp_path: Path) -> None:
    from tests.index.test_import import make_epub

    write(tmp_path / "locked.epub", make_epub(["<p>Secret</p>"], ["OEBPS/text/c0.xhtml"]))
    write(tmp_path / "cut.epub", make_epub(["<p>x</p>"])[:200])
    scripted = make_epub(
        [
            '<h1>Diet</h1><script>alert(1)</script><p>Eat <a href="javascript:x()">well</a>.</p>'
            '<iframe src="http://evil.example/"></iframe>'
        ]
    )
    write(tmp_path / "diet.epub", scripted)
    library = load_library([tmp_path])
    assert [d.id for d in library.documents] == ["diet"]
    body = library.documents[0].sections[0].body
    assert "Eat well." in body and "alert" not in body and "javascript" not in body
    messages = {p.path.name: p.message for p in library.problems}
    assert "locked (DRM)" in messages["locked.epub"]
    assert "not an EPUB" in messages["cut.epub"]


def test_entities_declared_in_a_page_are_never_expanded(tmp_path: Path) -> None:
    laughs = _billion_laughs("html").replace(b"<html>", b"<html><body><p>&lol9; &lol9;</p>")
    outside = b'<!DOCTYPE html [<!ENTITY s SYSTEM "file:///etc/passwd">]><p>a &s; b</p>'
    for name, data in (("laughs.html", laughs), ("outside.html", outside)):
        document, _ = load_document(write(tmp_path / name, data), name)
        text = "" if document is None else " ".join(s.text for s in document.sections)
        assert text.count("lol") < 10 and "root:" not in text
