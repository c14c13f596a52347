"""EPUB e-books: the chapters in reading order, each read as a web page.

An EPUB is a zip of XHTML chapters with a package file (OPF) that lists them in
reading order (its spine) and holds the book's metadata (Dublin Core title,
creator, language, date, publisher). The zip is checked before anything is
inflated; each chapter goes through the HTML reader (scripts dropped, nothing
fetched); a book locked with DRM is reported, not read.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import Any
from urllib.parse import unquote

from index.formats import Parsed, Source
from index.formats.blocks import Outline, title_from_name
from index.formats.markup import squash_spaces
from index.formats.zipcheck import zip_refusal
from index.model import Problem

_DC = "{http://purl.org/dc/elements/1.1/}"
_CHAPTER_TYPES = {"application/xhtml+xml", "text/html", "application/xml"}


def parse(source: Source) -> Parsed:
    from lxml import etree

    from index.formats import html

    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return _refused(source, "not an EPUB book (damaged, or another kind of file)")
    with archive:
        refusal = zip_refusal(archive, "a book")
        if refusal:
            return _refused(source, refusal)
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True
        )
        try:
            container = etree.fromstring(archive.read("META-INF/container.xml"), parser=parser)
            rootfile = next(
                (e.get("full-path") for e in container.iter() if _local(e.tag) == "rootfile"), None
            )
            if not rootfile:
                return _refused(source, "an EPUB without a package file (OPF)")
            package = etree.fromstring(archive.read(rootfile), parser=parser)
        except KeyError as exc:
            return _refused(source, f"an EPUB part is missing ({exc})")
        except (etree.XMLSyntaxError, zipfile.BadZipFile) as exc:
            return _refused(source, f"the book's package is damaged ({exc})")
        chapters = _spine(package, posixpath.dirname(rootfile))
        if _locked(archive, parser, set(chapters)):
            return _refused(source, "the book is locked (DRM); only open books can be read")
        fields = _fields(package)
        outline = Outline()
        walker = html.Walker(outline)
        for name in chapters:
            try:
                data = archive.read(name)
            except (KeyError, zipfile.BadZipFile):
                continue
            root = html.parse_html(html.decode_html(data))
            if root is None:
                continue
            body = root.find("body")
            if body is None:
                continue
            html.prune(body)
            walker.blocks(body)
    title = fields.pop("title", None) or title_from_name(source.path)
    return Parsed(outline.sections(title), fields, title=title)


def _refused(source: Source, message: str) -> Parsed:
    return Parsed([], problems=[Problem(source.path, message, "skipped")])


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _spine(package: Any, base: str) -> list[str]:
    """The chapters' paths inside the zip, in reading order."""
    manifest: dict[str, tuple[str, str]] = {}
    for item in package.iter():
        if _local(item.tag) == "item" and item.get("id") and item.get("href"):
            manifest[item.get("id")] = (item.get("href"), item.get("media-type") or "")
    chapters: list[str] = []
    for ref in package.iter():
        if _local(ref.tag) != "itemref" or ref.get("idref") not in manifest:
            continue
        href, media = manifest[ref.get("idref")]
        if media in _CHAPTER_TYPES:
            path = posixpath.normpath(posixpath.join(base, unquote(href.split("#")[0])))
            if not path.startswith("../") and path not in chapters:
                chapters.append(path)
    return chapters


def _locked(archive: zipfile.ZipFile, parser: Any, chapters: set[str]) -> bool:
    """Whether chapters are encrypted (fonts alone may be, harmlessly)."""
    from lxml import etree

    try:
        encryption = etree.fromstring(archive.read("META-INF/encryption.xml"), parser=parser)
    except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile):
        return False
    for reference in encryption.iter():
        if _local(reference.tag) == "CipherReference":
            uri = unquote(reference.get("URI") or "")
            if uri in chapters or uri.lower().endswith((".xhtml", ".html", ".htm")):
                return True
    return False


def _fields(package: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}

    def first(name: str) -> str:
        element = package.find(f".//{_DC}{name}")
        return squash_spaces("".join(element.itertext())) if element is not None else ""

    if first("title"):
        fields["title"] = first("title")
    source = first("publisher") or first("creator")
    if source:
        fields["source"] = source
    if first("creator") and first("creator") != source:
        fields["author"] = first("creator")
    language = first("language")
    if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", language):
        fields["language"] = language
    if first("description"):
        fields["description"] = first("description")
    date = re.match(r"\d{4}-\d{2}-\d{2}", first("date"))
    if date:
        fields["published"] = date.group(0)
    return fields
