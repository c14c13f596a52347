"""Web pages saved as HTML: the article itself, with its headings, lists and tables.

The page is parsed with lxml's HTML parser (libxml2): nothing is fetched, no
script runs, frames, images and objects are dropped unread. What a saved page
has around its article (navigation, menus, share and subscribe buttons, cookie
notices, related-article lists, comments, headers and footers) is dropped by
what the page says of itself: its HTML5 elements (`nav`, `aside`, `footer`, ...),
ARIA roles, and the class and id names sites give such parts. The article is
then `<main>` (or the one `<article>`) when the page marks it, else the body.

The page's metadata (title, description, dates, author, site, language,
canonical address) becomes the document's fields; a sidecar still wins.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from index.formats import Parsed, Source
from index.formats.blocks import (
    Inline,
    ListBlock,
    ListItem,
    Outline,
    nci_id_from_cdr,
    nci_id_from_href,
    title_from_name,
)
from index.formats.markup import squash_spaces
from index.model import Problem, Severity

# Elements whose content is never text of the page.
_NEVER = {
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
    "embed", "applet", "svg", "math", "canvas", "video", "audio", "picture", "img", "map",
    "button", "input", "select", "textarea", "option", "label", "dialog", "head", "title",
    "meta", "link", "base", "source", "track", "param",
}  # fmt: skip
# Parts of a page around its article.
_CHROME_TAGS = {"nav", "aside", "footer", "header", "menu"}
_CHROME_ROLES = {
    "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar",
    "toolbar", "dialog", "alertdialog", "tablist",
}  # fmt: skip
# Words in class and id names that sites give to parts around the article.
_CHROME_WORDS = {
    "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "sidebar",
    "footer", "masthead", "cookie", "cookies", "consent", "gdpr", "share", "sharing",
    "sharethis", "addthis", "social", "subscribe", "subscription", "newsletter", "signup",
    "related", "recommended", "comment", "comments", "disqus", "advert", "advertisement",
    "ad", "ads", "promo", "popup", "modal", "skip", "skiplink", "pagination", "pager",
    "toolbar", "feedback", "survey", "sponsored", "outbrain", "taboola", "noprint",
    "dialog", "login", "signin", "byline", "tags", "tagcloud", "authorbox",
    "readmore", "readalso", "seealso", "moreon", "teasers",
    "backtotop", "onthispage", "toc",
}  # fmt: skip
_HIDDEN_WORDS = {"hidden", "sronly", "visuallyhidden", "screenreadertext", "srtext"}
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "blockquote", "pre", "ul", "ol", "dl", "dt",
    "dd", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "figure", "figcaption",
    "details", "summary", "address", "center", "form", "fieldset", "legend", "body",
    "caption", "li", "tr", "td", "th", "thead", "tbody", "tfoot", "hgroup",
}  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•)\s+")
# Nesting past this is read as flat text (libxml2 stops at 256 anyway).
_MAX_DEPTH = 200
# A block whose words are mostly links, with this many links or more, is a menu
# or a list of other articles.
_LINK_LIST_MIN = 3
_LINK_DENSITY = 0.6
# A paragraph this short that is nearly all link is a pointer to another article.
_TEASER_MAX = 200
_TEASER_DENSITY = 0.8


def parse(source: Source) -> Parsed:
    text = decode_html(source.data)
    problems: list[Problem] = []
    root = parse_html(text)
    if root is None:
        return Parsed([], problems=[Problem(source.path, "no HTML content found", "skipped")])
    fields = page_fields(root)
    body = root.find("body")
    if body is None:
        body = root
    title = _page_title(root, body, fields.pop("_page_title", None)) or title_from_name(source.path)
    if _count(body, ("iframe", "frame", "object", "embed", "applet")):
        problems.append(
            Problem(
                source.path,
                "the page has embedded frames or objects",
                "left out; they are never opened",
                severity=Severity.WARNING,
            )
        )
    prune(body)
    main = main_content(body)
    outline = Outline()
    Walker(outline).blocks(main)
    return Parsed(outline.sections(title or ""), fields, title=title, problems=problems)


def decode_html(data: bytes) -> str:
    """The page's text: by its byte-order mark, else the charset it declares, else
    UTF-8, else Windows-1252 (what browsers assume for old pages)."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").lstrip("\ufeff")
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
            name = "cp1252"  # as browsers read them
        try:
            return data.decode(name, errors="replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_html(text: str) -> Any:
    """An lxml tree of the page, or None when it has no elements at all."""
    text = _XML_DECLARATION.sub("", text, count=1)  # XHTML: lxml refuses it on str input
    if not text.strip():
        return None
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = etree.fromstring(text, parser=parser)
    except (etree.XMLSyntaxError, etree.ParserError, ValueError):
        return None
    return root


# -- metadata --------------------------------------------------------------------------


def page_fields(root: Any) -> dict[str, Any]:
    """Fields of the content model from the page's <head> and JSON-LD."""
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        key = element.get("name") or element.get("property") or element.get("itemprop") or ""
        key = key.strip().lower()
        content = squash_spaces(element.get("content") or "")
        if key and content and key not in meta:
            meta[key] = content
        equiv = (element.get("http-equiv") or "").strip().lower()
        if equiv == "content-language" and content:
            meta.setdefault("content-language", content)
    linked = _json_ld(root)
    fields: dict[str, Any] = {}

    def first(*keys: str) -> str | None:
        return next((meta[k] for k in keys if meta.get(k)), None)

    title_element = root.find(".//title")
    page_title = squash_spaces(_content(title_element)) if title_element is not None else ""
    fields["_page_title"] = (
        first("og:title", "dc.title", "dcterms.title", "twitter:title")
        or linked.get("headline")
        or linked.get("name")
        or page_title
        or None
    )
    description = first("description", "og:description", "dc.description", "dcterms.description")
    if description:
        fields["description"] = description
    site = first("og:site_name", "dc.publisher", "dcterms.publisher", "publisher")
    site = site or linked.get("publisher")
    author = first("author", "dc.creator", "dcterms.creator", "article:author", "citation_author")
    author = author or linked.get("author")
    if author and re.match(r"https?://", author):
        author = None  # a profile address, not a name
    if site or author:
        fields["source"] = site or author
    if author and author != fields.get("source"):
        fields["author"] = author
    reviewed = _date(first("lastreviewed", "dcterms.datereviewed", "last-reviewed"))
    reviewed = reviewed or _date(linked.get("lastReviewed"))
    modified = _date(
        first("article:modified_time", "dcterms.modified", "dc.date.modified", "last-modified")
    ) or _date(linked.get("dateModified"))
    published = _date(
        first(
            "article:published_time",
            "dcterms.created",
            "dc.date.created",
            "dcterms.date",
            "dc.date",
            "date",
            "citation_publication_date",
        )
    ) or _date(linked.get("datePublished"))
    if reviewed or modified or published:
        fields["lastReviewed"] = reviewed or modified or published
    if modified:
        fields["modified"] = modified.isoformat()
    if published:
        fields["published"] = published.isoformat()
    language = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    language = language or first("content-language", "dc.language", "og:locale", "language")
    if language and re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", language.strip()):
        fields["language"] = language.strip().replace("_", "-")
    canonical = None
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = (link.get("href") or "").strip()
            break
    canonical = canonical or first("og:url") or linked.get("url")
    if canonical and re.match(r"^https?://[^\s/]+\.[^\s]+$", canonical):
        fields["url"] = canonical
    return fields


def _json_ld(root: Any) -> dict[str, str]:
    """Plain fields of the page's schema.org description (read as data; never run)."""
    found: dict[str, str] = {}
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for item in _ld_items(data):
            for key in ("headline", "name", "lastReviewed", "dateModified", "datePublished", "url"):
                value = item.get(key)
                if isinstance(value, str) and value.strip():
                    found.setdefault(key, value.strip())
            for key in ("author", "publisher"):
                value = item.get(key)
                if isinstance(value, list) and value:
                    value = value[0]
                if isinstance(value, dict):
                    value = value.get("name")
                if isinstance(value, str) and value.strip():
                    found.setdefault(key, value.strip())
    return found


def _ld_items(data: Any) -> Iterator[dict[str, Any]]:
    items = data if isinstance(data, list) else [data]
    for item in items[:50]:
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (g for g in graph[:50] if isinstance(g, dict))


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _page_title(root: Any, body: Any, meta_title: str | None) -> str | None:
    """The article's own heading when the page has one, else its metadata title
    without the site's name."""
    for h1 in body.iter("h1"):
        if not _inside_chrome(h1):
            text = squash_spaces(_content(h1))
            if text:
                return text
    if meta_title:
        parts = _TITLE_SEPARATORS.split(meta_title)
        return max(parts[:2], key=len).strip() if len(parts) > 1 else meta_title.strip()
    return None


def _content(element: Any) -> str:
    """All the text inside an element."""
    return "".join(element.itertext())


def _inside_chrome(element: Any) -> bool:
    return any(ancestor.tag in ("nav", "footer", "aside") for ancestor in element.iterancestors())


def _count(root: Any, tags: tuple[str, ...]) -> int:
    return sum(1 for _ in root.iter(*tags))


# -- what is the article ---------------------------------------------------------------


def _words(element: Any) -> set[str]:
    """The words of an element's class and id names that say what it is: each name
    whole and its first and last parts ("share-bar", "site-footer", "cookieBanner").
    Words in the middle of a name are left out: a post's classes name its
    categories ("category-no-newsletter-rss"), not what the element is."""
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    words: set[str] = set()
    for token in names.split()[:30]:
        # "o-section--has-ads": what follows "--" is a state, not what it is
        token = token.split("--")[0]
        spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", token)
        parts = [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]
        if parts:
            words.update({"".join(parts), parts[0], parts[-1]})
    return words


def _hidden(element: Any) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = (element.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    # Only a class that hides on every screen: "hidden-xs" hides on small ones only.
    names = f"{element.get('class') or ''}".lower().replace("-", "").replace("_", "").split()
    return bool(set(names) & _HIDDEN_WORDS)


def _is_chrome(element: Any) -> bool:
    if element.tag in _CHROME_TAGS:
        return True
    role = (element.get("role") or "").strip().lower()
    if role in _CHROME_ROLES:
        return True
    return bool(_words(element) & _CHROME_WORDS)


def _text_length(element: Any) -> int:
    return len(squash_spaces(_content(element)))


def prune(body: Any) -> None:
    """Drop what is never text, what is hidden, and the parts around the article."""
    for element in list(body.iter(etree.Element)):
        if element.getparent() is None:
            continue
        if element.tag in _NEVER or not isinstance(element.tag, str):
            _drop(element)
    total = max(_text_length(body), 1)
    for element in list(body.iter(etree.Element)):
        if element.getparent() is None or element is body:
            continue
        if not _attached(element, body):
            continue
        if _hidden(element):
            _drop(element)
        elif _is_chrome(element) or (element.tag == "form" and _text_length(element) < 300):
            # A wrapper named "content-sidebar" may hold the article: keep what holds
            # the page's <main> or <article>, or most of its text.
            if element.tag not in _CHROME_TAGS and (
                _holds_article(element) or _text_length(element) > 0.6 * total
            ):
                continue
            _drop_orphaned_heading(element)
            headings = list(element.iter("h1"))
            if headings and element.tag != "nav":
                # An article's header: its title stays, bylines and share bars go.
                for heading in headings:
                    element.addprevious(heading)
                    heading.tail = None
            _drop(element)


def _holds_article(element: Any) -> bool:
    if element.tag in ("main", "article", "body") or element.get("role") in ("main", "article"):
        return True
    return any(
        True
        for e in element.iter("main", "article")
        if e is not element  # (iter includes the element itself)
    ) or any(True for e in element.iter() if e.get("role") == "main")


def _drop_orphaned_heading(element: Any) -> None:
    """A heading whose only content is a part being dropped ("Related articles")
    goes with it."""
    heading = element.getprevious()
    if heading is None or heading.tag not in _HEADINGS or (heading.tail or "").strip():
        return
    following = element.getnext()
    if (element.tail or "").strip():
        return
    if following is None or (
        following.tag in _HEADINGS and _HEADINGS[following.tag] <= _HEADINGS[heading.tag]
    ):
        _drop(heading)


def _attached(element: Any, body: Any) -> bool:
    return any(ancestor is body for ancestor in element.iterancestors())


def _drop(element: Any) -> None:
    """Remove an element, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def main_content(body: Any) -> Any:
    """The page's article: `<main>`, else the one `<article>`, else the body."""
    total = max(_text_length(body), 1)
    # A page's own <main> is trusted unless nearly empty; an <article> may be a teaser.
    for candidates, share, enough in (
        (list(body.iter("main")) + [e for e in body.iter() if e.get("role") == "main"], 0.1, 200),
        (list(body.iter("article")), 0.25, 500),
    ):
        if not candidates:
            continue
        best = max(candidates, key=_text_length)
        length = _text_length(best)
        if length >= share * total or length >= enough:
            h1_outside = [
                h for h in body.iter("h1") if best not in h.iterancestors() and h is not best
            ]
            if h1_outside and not list(best.iter("h1")):
                best.insert(0, h1_outside[0])  # the title, set above the article
            return best
    return body


# -- walking the article ---------------------------------------------------------------


class Walker:
    """Reads block content (an article, a book's chapter) into an Outline."""

    def __init__(self, outline: Outline) -> None:
        self.outline = outline
        self.inline = Inline()
        self._heading_level = 1  # of the last real heading: a bold line goes under it

    def flush(self) -> None:
        self.outline.paragraph(self.inline)
        self.inline = Inline()

    def blocks(self, element: Any, depth: int = 0) -> None:
        """Block content of `element`: its text and children, in order."""
        self.inline.text(element.text)
        children = list(element)
        for index, child in enumerate(children):
            tag = child.tag if isinstance(child.tag, str) else ""
            if depth > _MAX_DEPTH:
                self.inline.text(_content(child))
            elif tag in _HEADINGS or child.get("role") == "heading":
                self.flush()
                level = _HEADINGS.get(tag) or _int(child.get("aria-level"), 2)
                self._heading_level = level
                self.outline.heading(level, self._inline_of(child).plain())
            elif tag in ("ul", "ol", "menu"):
                self.flush()
                if not self._link_list(child):
                    self.outline.add_list(self._list(child, depth))
                elif index > 0 and children[index - 1].tag in _HEADINGS:
                    following = child.getnext()
                    if following is None or following.tag in _HEADINGS:
                        self.outline.drop_last_heading_if_empty()
            elif tag == "table":
                self.flush()
                self._table(child, depth)
            elif tag == "pre":
                self.flush()
                self.outline.code(_content(child))
            elif tag == "dl":
                self.flush()
                self._definitions(child, depth)
            elif tag == "br":
                if child.getnext() is not None and child.getnext().tag == "br":
                    self.flush()
                else:
                    self.inline.text(" ")
            elif tag == "hr":
                self.flush()
            elif tag in _BLOCK_TAGS:
                self.flush()
                if tag in ("div", "section", "p") and (
                    self._link_list(child, headed=False) or self._teaser(child)
                ):
                    pass  # a menu or "related articles" made of divs
                elif tag in ("p", "div") and self._bold_heading(child):
                    self.outline.heading(self._heading_level + 1, squash_spaces(_content(child)))
                elif tag in ("figcaption", "caption"):
                    caption = self._inline_of(child)
                    emphasis = Inline()
                    emphasis.emphasis(caption)
                    self.outline.paragraph(emphasis)
                else:
                    self.blocks(child, depth + 1)
                self.flush()
            else:
                self._inline(child, self.inline, depth + 1)
            self.inline.text(child.tail)
        if depth == 0:
            self.flush()

    def _link_list(self, element: Any, headed: bool = True) -> bool:
        """A list of links (a menu, "related articles"); with `headed` false, only one
        with no headings of its own. Dictionary links are words of the text."""
        if not headed and any(True for _ in element.iter(*_HEADINGS)):
            return False
        links = [a for a in element.iter("a") if not _is_glossary_link(a)]
        if len(links) < _LINK_LIST_MIN:
            return False
        text = _text_length(element)
        linked = sum(_text_length(a) for a in links)
        return text > 0 and linked / text >= _LINK_DENSITY

    def _bold_heading(self, element: Any) -> bool:
        """A paragraph that is one short bold line, not ending like a sentence, with
        more after it: a heading on a page made without heading tags."""
        children = [c for c in element if isinstance(c.tag, str)]
        if len(children) != 1 or children[0].tag not in ("strong", "b"):
            return False
        if (element.text or "").strip() or (children[0].tail or "").strip():
            return False
        if len(children[0]) or element.getnext() is None:
            return False
        text = squash_spaces(_content(element))
        return (
            0 < len(text) <= 100
            and len(text.split()) <= 12
            and not text.endswith((".", ",", ";", ":", "!"))
        )

    def _teaser(self, element: Any) -> bool:
        """A short paragraph that is all link: "Read also: <another article>"."""
        if any(True for e in element.iter(*_BLOCK_TAGS) if e is not element):
            return False
        links = [a for a in element.iter("a") if not _is_glossary_link(a)]
        text = _text_length(element)
        if not links or not text or text > _TEASER_MAX:
            return False
        return sum(_text_length(a) for a in links) / text >= _TEASER_DENSITY

    def _inline_of(self, element: Any, depth: int = 0) -> Inline:
        out = Inline()
        out.text(element.text)
        for child in element:
            self._inline(child, out, depth + 1)
            out.text(child.tail)
        return out

    def _inline(self, element: Any, out: Inline, depth: int) -> None:
        """Inline content; block elements met here (a <p> inside a <li>) add a space."""
        tag = element.tag if isinstance(element.tag, str) else ""
        if depth > _MAX_DEPTH:
            out.text(_content(element))
            return
        if tag in ("ul", "ol", "table", "dl"):
            out.text(" " + squash_spaces(_content(element)) + " ")
            return
        if tag == "br":
            out.text(" ")
            return
        inner = self._inline_of(element, depth)
        if tag in _BLOCK_TAGS:
            out.text(" ")
            out.extend(inner)
            out.text(" ")
        elif tag in ("em", "i", "cite", "dfn"):
            out.emphasis(inner)
        elif tag in ("strong", "b"):
            out.emphasis(inner, strong=True)
        elif tag == "a":
            glossary = _glossary_id(element)
            if glossary:
                out.glossary(inner, glossary)
            else:
                out.link(inner, element.get("href") or "")
        else:
            out.extend(inner)

    def _list(self, element: Any, depth: int) -> ListBlock:
        block = ListBlock(ordered=element.tag == "ol", start=_int(element.get("start"), 1))
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in ("ul", "ol") and depth < _MAX_DEPTH:
                # A list straight inside a list: it belongs to the item before it.
                if not block.items:
                    block.items.append(ListItem())
                block.items[-1].sublists.append(self._list(child, depth + 1))
            elif tag == "li":
                item = ListItem()
                item.content.text(child.text)
                for part in child:
                    part_tag = part.tag if isinstance(part.tag, str) else ""
                    if part_tag in ("ul", "ol") and depth < _MAX_DEPTH:
                        item.sublists.append(self._list(part, depth + 1))
                    else:
                        self._inline(part, item.content, depth + 1)
                    item.content.text(part.tail)
                block.items.append(item)
            elif tag:
                text = self._inline_of(child, depth)
                if not text.empty:
                    block.items.append(ListItem(text))
        return block

    def _table(self, table: Any, depth: int) -> None:
        rows = [r for r in table.iter("tr") if _nearest_table(r) is table]
        layout = any(
            cell.find(f".//{tag}") is not None
            for row in rows
            for cell in row
            for tag in ("h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "p")
        )
        caption = table.find("caption")
        if caption is not None:
            self.outline.paragraph(self._inline_of(caption, depth))
        if layout:  # a table used to lay out the page: read its cells as blocks
            for row in rows:
                for cell in row:
                    self.blocks(cell, depth + 1)
                    self.flush()
            return
        self.outline.table(
            [
                [self._inline_of(cell, depth) for cell in row if cell.tag in ("td", "th")]
                for row in rows
            ]
        )

    def _definitions(self, element: Any, depth: int) -> None:
        for child in element:
            if child.tag == "dt":
                term = Inline()
                term.emphasis(self._inline_of(child, depth), strong=True)
                self.outline.paragraph(term)
            elif child.tag == "dd":
                self.blocks(child, depth + 1)
                self.flush()


def _nearest_table(element: Any) -> Any:
    for ancestor in element.iterancestors():
        if ancestor.tag == "table":
            return ancestor
    return None


def _is_glossary_link(element: Any) -> bool:
    href = element.get("href") or ""
    return _glossary_id(element) is not None or nci_id_from_href(href) is not None


def _glossary_id(element: Any) -> str | None:
    for name in ("data-glossary-id", "data-cdr-id", "data-id"):
        value = element.get(name)
        if value and (name != "data-id" or "definition" in (element.get("class") or "")):
            found = nci_id_from_cdr(value)
            if found:
                return found
    return None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default
