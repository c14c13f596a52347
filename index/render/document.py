"""Documents as HTML for the reader and for printed handouts.

The section bodies are safe Markdown (see markdown_loader); they are rendered by
markdown-it-py with raw HTML off, and every glossary term is marked as a
`glossary:SLUG` link: the links a source made (NCI's dictionary links) and, in
every document, the first mention per section of each term we define (longest
match first, whole words, never inside another link or a heading).

The HTML is the subset Qt's rich text understands, so it also prints as it reads.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from index.formats.markup import slugify
from index.model import GLOSSARY_SCHEME, Document, GlossaryEntry, Section, SectionKind

# markdown-it and the metadata reader are imported on first render: the window's
# first page usually comes from the startup snapshot (see snapshot.py).
if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from index.glossary import Glossary

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_MAX_TERM_WORDS = 6


def glossary_href(entry: GlossaryEntry) -> str:
    return GLOSSARY_SCHEME + slugify(entry.term)


def entry_for_href(glossary: Glossary, href: str) -> GlossaryEntry | None:
    """The entry a `glossary:` link points at (our slug or an NCI dictionary id)."""
    if not href.startswith(GLOSSARY_SCHEME):
        return None
    key = href[len(GLOSSARY_SCHEME) :]
    if key.startswith("nci-"):
        return glossary.by_nci_id(key[4:])
    return next((e for e in glossary.entries if slugify(e.term) == key), None)


def _exact_case(name: str) -> bool:
    """Abbreviations (GIST, NET, CT, dMMR) only match as written: 'net' is a word."""
    return any(c.isupper() for c in name[1:]) or (len(name) <= 4 and name.isupper())


def _inflections(words: list[str]) -> Iterable[list[str]]:
    *head, last = words
    yield words
    if not last[-1:].isalpha():
        return
    endings = ["s"]
    if last.endswith(("s", "x", "z", "ch", "sh")):
        endings.append("es")
    for ending in endings:
        yield [*head, last + ending]
    if last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
        yield [*head, last[:-1] + "ies"]


class TermMarker:
    """Finds glossary terms in running text by looking up runs of words."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self._folded: dict[tuple[str, ...], GlossaryEntry] = {}
        self._exact: dict[tuple[str, ...], GlossaryEntry] = {}
        self._longest: dict[str, int] = {}  # first word, folded -> most words a term has
        for entry in glossary.entries:
            if entry.link_only:
                continue
            for name in [entry.term, *entry.aliases]:
                words = _WORD.findall(name.replace("’", "'"))
                if not words or len(words) > _MAX_TERM_WORDS:
                    continue
                exact = _exact_case(name)
                table = self._exact if exact else self._folded
                for form in _inflections(words):
                    key = tuple(form) if exact else tuple(w.casefold() for w in form)
                    table.setdefault(key, entry)
                    first = form[0].casefold()
                    self._longest[first] = max(self._longest.get(first, 0), len(form))

    def find(self, text: str) -> list[tuple[int, int, GlossaryEntry]]:
        """Every term in `text` as (start, end, entry), longest match first, no overlaps."""
        words = list(_WORD.finditer(text.replace("’", "'")))
        found = []
        i = 0
        while i < len(words):
            match = None
            longest = self._longest.get(words[i].group().casefold(), 0)
            for n in range(min(longest, len(words) - i), 0, -1):
                run = words[i : i + n]
                if any(text[a.end() : b.start()].strip() for a, b in itertools.pairwise(run)):
                    continue  # only spaces may separate the words of one term
                exact = tuple(w.group() for w in run)
                entry = self._exact.get(exact) or self._folded.get(
                    tuple(w.casefold() for w in exact)
                )
                if entry is not None:
                    match = (run[0].start(), run[-1].end(), entry, n)
                    break
            if match is None:
                i += 1
            else:
                found.append(match[:3])
                i += match[3]
        return found


@dataclass
class RenderOptions:
    mark_terms: bool = True
    header: bool = True
    today: dt.date | None = None


class DocumentRenderer:
    """One document (or some of its sections) as HTML, with terms marked."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.marker = TermMarker(glossary)

    @cached_property
    def _md(self) -> MarkdownIt:
        from index.formats.markdown import markdown_parser

        return markdown_parser()

    def document_html(
        self,
        doc: Document,
        sections: list[Section] | None = None,
        options: RenderOptions | None = None,
    ) -> str:
        options = options or RenderOptions()
        parts = [header_html(doc, options.today)] if options.header else []
        for section in doc.sections if sections is None else sections:
            parts.append(self.section_html(section, options.mark_terms))
        return "\n".join(parts)

    def section_html(self, section: Section, mark_terms: bool = True) -> str:
        level = min(section.level + 1, 6)
        kind = ' class="comments"' if section.kind is SectionKind.COMMENTS else ""
        heading = (
            f'<h{level}{kind}><a name="{html.escape(section.id)}"></a>'
            f"{html.escape(section.heading)}</h{level}>"
        )
        return heading + "\n" + self.body_html(section.body, mark_terms)

    def body_html(self, markdown: str, mark_terms: bool = True) -> str:
        tokens = self._md.parse(markdown)
        seen: set[str] = set()
        in_heading = False
        for token in tokens:
            if token.type == "heading_open":
                in_heading = True
            elif token.type == "heading_close":
                in_heading = False
            elif token.type == "inline" and token.children:
                token.children = self._inline(token.children, seen, mark_terms and not in_heading)
        html: str = self._md.renderer.render(tokens, self._md.options, {})
        return html

    def entries_in(self, sections: Iterable[Section]) -> list[GlossaryEntry]:
        """The glossary entries a reader would see marked in these sections, A-Z."""
        return self.linked_entries(self.body_html(section.body) for section in sections)

    def linked_entries(self, rendered: Iterable[str]) -> list[GlossaryEntry]:
        """The glossary entries that HTML made by this renderer links to, A-Z."""
        found: dict[str, GlossaryEntry] = {}
        for markup in rendered:
            for href in re.findall(r'href="(glossary:[^"]+)"', markup):
                entry = entry_for_href(self.glossary, html.unescape(href))
                if entry is not None:
                    found[entry.term] = entry
        return sorted(found.values(), key=lambda e: e.term.casefold())

    # -- inline tokens ---------------------------------------------------------

    def _inline(self, children: list[Token], seen: set[str], mark: bool) -> list[Token]:
        out: list[Token] = []
        depth = 0
        for token in children:
            if token.type == "link_open":
                depth += 1
                href = str(token.attrGet("href") or "")
                if href.startswith(GLOSSARY_SCHEME):
                    entry = entry_for_href(self.glossary, href)
                    if entry is None:  # a dictionary id we have no entry for: plain text
                        token = _html_token("")
                    else:
                        seen.add(entry.term)
                        token.attrSet("href", glossary_href(entry))
                        token.attrSet("class", "term")
            elif token.type == "link_close":
                depth -= 1
            elif token.type == "text" and depth == 0 and mark:
                out.extend(self._marked(token.content, seen))
                continue
            out.append(token)
        # An unresolved glossary link lost its opening tag; drop its closing one too.
        return _balance_links(out)

    def _marked(self, text: str, seen: set[str]) -> list[Token]:
        pieces: list[str] = []
        position = 0
        for start, end, entry in self.marker.find(text):
            if entry.term in seen:
                continue
            seen.add(entry.term)
            pieces.append(html.escape(text[position:start], quote=False))
            pieces.append(
                f'<a class="term" href="{glossary_href(entry)}">'
                f"{html.escape(text[start:end], quote=False)}</a>"
            )
            position = end
        if not pieces:
            return [_text_token(text)]
        pieces.append(html.escape(text[position:], quote=False))
        return [_html_token("".join(pieces))]


def _text_token(text: str) -> Token:
    from markdown_it.token import Token

    return Token("text", "", 0, content=text)


def _html_token(markup: str) -> Token:
    from markdown_it.token import Token

    return Token("html_inline", "", 0, content=markup)


def _balance_links(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    open_links = 0
    for token in tokens:
        if token.type == "link_open":
            open_links += 1
        elif token.type == "link_close":
            if open_links == 0:
                continue
            open_links -= 1
        out.append(token)
    return out


def header_html(doc: Document, today: dt.date | None = None) -> str:
    """Title, what kind of source it is, source, audience, review date, warnings (no
    date, an overdue review, a patient's view), licence, address, and the library
    pack it came from (name, version, "content as of" date)."""
    from index.provenance import (
        DATE_NOT_STATED,
        DATE_NOT_STATED_NOTE,
        PATIENT_VIEW,
        is_patient_view,
        overdue_note,
        readable_licence,
        source_kind,
    )

    meta = doc.meta
    lines = [f'<h1 class="title">{html.escape(meta.title)}</h1>']
    if is_patient_view(meta):
        lines.append(f'<p class="patient-view"><b>{html.escape(PATIENT_VIEW)}.</b></p>')
    facts = []
    if meta.source:
        kind = source_kind(meta.source_type, meta.source)
        kind = f" ({html.escape(kind.lower())})" if kind and not is_patient_view(meta) else ""
        facts.append(f"<b>Source:</b> {html.escape(meta.source)}{kind}")
    if meta.audience:
        facts.append(f"<b>For:</b> {html.escape(meta.audience)}")
    if meta.last_reviewed:
        facts.append(f"<b>Last reviewed:</b> {long_date(meta.last_reviewed)}")
    if facts:
        lines.append('<p class="meta">' + " &nbsp;·&nbsp; ".join(facts) + "</p>")
    if meta.last_reviewed is None:
        lines.append(
            f'<p class="undated"><b>{DATE_NOT_STATED}.</b> {html.escape(DATE_NOT_STATED_NOTE)}</p>'
        )
    overdue = overdue_note(meta, today)
    if overdue:
        lines.append(f'<p class="overdue">{html.escape(overdue)}</p>')
    more = []
    licence = readable_licence(meta.license, meta.source)
    if licence:
        more.append(f"<b>Licence:</b> {html.escape(licence)}")
    if meta.url:
        url = html.escape(meta.url)
        if meta.url.startswith(("https://", "http://")):
            url = f'<a class="external" href="{url}">{url}</a>'
        more.append(f"<b>Original:</b> {url}")
    if doc.pack is not None:
        pack = doc.pack
        publisher = f" from {html.escape(pack.publisher)}" if pack.publisher else ""
        more.append(
            f"<b>From the library update:</b> {html.escape(pack.title)}{publisher}, "
            f"version {pack.version}, content as of {long_date(pack.content_as_of)}"
        )
    if more:
        lines.append('<p class="meta">' + "<br>".join(more) + "</p>")
    return "\n".join(lines)


def long_date(day: dt.date) -> str:
    """As people write it: 5 March 2026."""
    return f"{day.day} {day:%B %Y}"
