"""NCI PDQ cancer information summaries, as NCI publishes them in XML.

A summary (`<Summary>`) has its metadata (`SummaryMetaData`: audience, language,
description, address, main topics), a title, and nested `SummarySection`s. A
section's heading is its `Title`, or, in patient summaries, its first
`KeyPoint`; a section with neither continues the one around it. `SectMetaData`
labels are for NCI's own use and never text. Glossary terms
(`GlossaryTermRef href="CDR0000045333"`) become `glossary:nci-45333` links, as
the NCI seed's dictionary links do; pictures (`MediaLink`) keep their caption only.

The XML is read by lxml with entities never expanded, no DTD loaded and no
network: a file that declares entities is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

from index.formats import Parsed, Source
from index.formats.blocks import Inline, ListBlock, ListItem, Outline, nci_id_from_cdr
from index.formats.markup import squash_spaces
from index.model import Problem

_ROOT = re.compile(r"<Summary[\s>]")
_LANGUAGES = {"english": "en", "spanish": "es", "español": "es"}
_AUDIENCES = {"patients": "patient", "health professionals": "health professional"}
# Nesting past this is read as flat text.
_MAX_DEPTH = 100
_SKIP = {"SectMetaData", "SummaryMetaData", "PdqKey", "ReplacementFor", "Comment"}
_LISTS = {"ItemizedList", "OrderedList"}


def recognise(head: bytes) -> bool:
    """Whether the start of an .xml file is a PDQ summary (its root is <Summary>)."""
    for bom, encoding in (
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xef\xbb\xbf", "utf-8"),
    ):
        if head.startswith(bom):
            text = head[len(bom) :].decode(encoding, errors="ignore")
            break
    else:
        if head[:2] in (b"<\x00", b"\x00<"):  # UTF-16 without its mark
            text = head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="ignore")
        else:
            text = head.decode("utf-8", errors="ignore")
    return bool(_ROOT.search(text))


def parse(source: Source) -> Parsed:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(source.data, parser=parser)
    except etree.XMLSyntaxError as exc:
        if "entit" in str(exc.msg).lower():  # libxml2 stops entity expansion itself
            return _entities_refused(source)
        line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
        return Parsed(
            [],
            problems=[
                Problem(source.path, f"not well-formed XML: {exc.msg}", "skipped", line=line)
            ],
        )
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        return _entities_refused(source)
    if _local(root.tag) != "Summary":
        return Parsed(
            [],
            problems=[Problem(source.path, "XML file, but not an NCI PDQ summary", "skipped")],
        )
    fields = _fields(root)
    title = _text(root.find("SummaryTitle")) or None
    outline = Outline()
    walker = _Walker(outline)
    for section in root.findall("SummarySection"):
        walker.section(section, 1, 0)
    return Parsed(outline.sections(title or ""), fields, title=title)


def _entities_refused(source: Source) -> Parsed:
    return Parsed(
        [],
        problems=[
            Problem(
                source.path,
                "the XML declares entities, which OncoRef never expands",
                "skipped; PDQ summaries have none",
            )
        ],
    )


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element: Any) -> str:
    return squash_spaces("".join(element.itertext())) if element is not None else ""


def _fields(root: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"source": "NCI"}
    meta = root.find("SummaryMetaData")
    if meta is not None:
        audience = _text(meta.find("SummaryAudience"))
        if audience:
            fields["audienceLevel"] = _AUDIENCES.get(audience.lower(), audience.lower())
        language = _text(meta.find("SummaryLanguage"))
        if language:
            fields["language"] = _LANGUAGES.get(language.lower(), language)
        description = _text(meta.find("SummaryDescription"))
        if description:
            fields["description"] = description
        kind = _text(meta.find("SummaryType"))
        if kind:
            fields["summaryType"] = kind
        address = meta.find("SummaryURL")
        if address is not None:
            url = (address.get("xref") or "").strip()
            if re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
                fields["url"] = url
        topics = [_text(t) for t in meta.iterfind("MainTopics/TermRef")]
        if topics := [t for t in topics if t]:
            fields["cancerTypes"] = topics
    modified = _text(root.find("DateLastModified"))
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", modified)
    if match:
        with contextlib.suppress(ValueError):
            fields["lastReviewed"] = dt.date(*(int(g) for g in match.groups()))
    if root.get("id"):
        fields["pdqId"] = root.get("id")
    return fields


class _Walker:
    def __init__(self, outline: Outline) -> None:
        self.outline = outline

    def section(self, element: Any, level: int, depth: int) -> None:
        """A SummarySection: its heading (Title, else its first KeyPoint), then its
        content; a section without either continues the one it is in."""
        children = [c for c in element if _local(c.tag) not in _SKIP]
        has_title = any(_local(c.tag) == "Title" for c in children)
        headed = False
        sublevel = level
        for child in children:
            name = _local(child.tag)
            if name == "Title" and not headed:
                self.outline.heading(level, _text(child))
                headed = True
                sublevel = level + 1
            elif name == "KeyPoint":
                if not has_title and not headed:
                    self.outline.heading(level, _text(child))
                    headed = True
                    sublevel = level + 1
                else:  # a key point inside a titled section heads what follows it
                    self.outline.heading(sublevel, _text(child))
            elif name == "SummarySection":
                if depth < _MAX_DEPTH:
                    self.section(child, sublevel if headed else level, depth + 1)
                else:
                    self.outline.paragraph(_inline_text(_text(child)))
            else:
                self.block(child, depth + 1)

    def block(self, element: Any, depth: int) -> None:
        name = _local(element.tag)
        if name in _SKIP:
            return
        if name == "Para" or name == "Note":
            self.outline.paragraph(self.inline(element, depth))
        elif name in _LISTS:
            title = element.find("ListTitle")
            if title is not None:
                self.outline.paragraph(self.inline(title, depth))
            self.outline.add_list(self.list_block(element, depth))
        elif name == "Table":
            self.table(element, depth)
        elif name == "MediaLink":
            self.outline.paragraph(self.caption(element, depth))
        elif name == "ReferenceSection":
            block = ListBlock(ordered=True)
            for citation in element.iterfind("Citation"):
                block.items.append(ListItem(self.inline(citation, depth)))
            self.outline.add_list(block)
        elif name in ("Title", "ListTitle"):
            self.outline.paragraph(self.inline(element, depth))
        elif depth < _MAX_DEPTH and len(element):
            for child in element:
                self.block(child, depth + 1)
        else:
            self.outline.paragraph(self.inline(element, depth))

    def caption(self, element: Any, depth: int) -> Inline:
        out = Inline()
        caption = element.find("Caption")
        if caption is not None:
            out.emphasis(self.inline(caption, depth))
        return out

    def list_block(self, element: Any, depth: int) -> ListBlock:
        block = ListBlock(ordered=_local(element.tag) == "OrderedList")
        for item in element:
            if _local(item.tag) != "ListItem":
                continue
            entry = ListItem()
            entry.content.text(item.text)
            for part in item:
                name = _local(part.tag)
                if name in _LISTS and depth < _MAX_DEPTH:
                    entry.sublists.append(self.list_block(part, depth + 1))
                else:
                    if name == "Para":
                        entry.content.text(" ")
                    self._inline_child(part, entry.content, depth + 1)
                entry.content.text(part.tail)
            block.items.append(entry)
        return block

    def table(self, element: Any, depth: int) -> None:
        title = element.find("Title")
        if title is not None:
            heading = Inline()
            heading.emphasis(self.inline(title, depth), strong=True)
            self.outline.paragraph(heading)
        rows = []
        for row in element.iter("Row"):
            rows.append(
                [self.inline(entry, depth) for entry in row if _local(entry.tag) == "entry"]
            )
        self.outline.table(rows)
        for note in element.iter("TableNote"):
            self.outline.paragraph(self.inline(note, depth))

    def inline(self, element: Any, depth: int) -> Inline:
        out = Inline()
        out.text(element.text)
        for child in element:
            self._inline_child(child, out, depth + 1)
            out.text(child.tail)
        return out

    def _inline_child(self, element: Any, out: Inline, depth: int) -> None:
        name = _local(element.tag)
        if depth > _MAX_DEPTH:
            out.text(_text(element))
        elif name in _SKIP:
            return
        elif name == "GlossaryTermRef":
            nci_id = nci_id_from_cdr(element.get("href") or "")
            inner = self.inline(element, depth)
            if nci_id:
                out.glossary(inner, nci_id)
            else:
                out.extend(inner)
        elif name == "ExternalRef":
            out.link(self.inline(element, depth), element.get("xref") or "")
        elif name == "Emphasis":
            out.emphasis(self.inline(element, depth))
        elif name == "Strong":
            out.emphasis(self.inline(element, depth), strong=True)
        elif name == "Reference":
            index = (element.get("refidx") or "").strip()
            if index:
                out.text(f"[{index}]")
        elif name == "LOERef":
            out.text(" [" + _text(element) + "]")
        elif name == "MediaLink":
            caption = element.find("Caption")
            if caption is not None:
                out.text(" ")
                out.emphasis(self.inline(caption, depth))
                out.text(" ")
        elif name in _LISTS:
            out.text(" ")
            for item in element.iterfind("ListItem"):
                out.extend(self.inline(item, depth))
                out.text(" ")
        elif name in ("Para", "Note"):
            out.text(" ")
            out.extend(self.inline(element, depth))
            out.text(" ")
        else:
            out.extend(self.inline(element, depth))


def _inline_text(text: str) -> Inline:
    out = Inline()
    out.text(text)
    return out
