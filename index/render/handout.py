"""What goes on a printed handout, as HTML: no Qt here (desktop/handout.py prints it).

A handout is some sections of one document, chosen by a nurse, for a patient to
take home: the title, who gave it to them, the sections, the definitions of the
words we mark in them ("Words to know"), and where the text came from, with the
original address as a QR code so it can be found online later.

Glossary marks print as plain words; colours are not relied on (black-and-white
printers); the screen's style sheet is not used.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from index.model import DISCLAIMER, Document, GlossaryEntry, Section
from index.render.document import DocumentRenderer, long_date

_TERM_LINK = re.compile(r'<a [^>]*\bclass="term"[^>]*>(.*?)</a>', re.S)


@dataclass
class HandoutOptions:
    sections: Sequence[str] | None = None  # ids; None: the whole document
    large_print: bool = False
    words_to_know: bool = True
    clinic: str = ""
    phone: str = ""
    printed: dt.date = field(default_factory=dt.date.today)


class UnknownSection(ValueError):
    pass


def chosen_sections(doc: Document, ids: Sequence[str] | None) -> list[Section]:
    """The sections named (each with the sections inside it), in reading order."""
    if ids is None:
        return list(doc.sections)
    unknown = [i for i in ids if doc.section(i) is None]
    if unknown:
        raise UnknownSection(
            f"{doc.id} has no section {', '.join(repr(u) for u in unknown)} "
            f"(see `oncoref outline {doc.id}`)"
        )
    wanted = set(ids)
    chosen = []
    for section in doc.sections:
        if section.id in wanted or section.parent in wanted:
            wanted.add(section.id)  # a section brings the sections inside it along
            chosen.append(section)
    return chosen


def plain_terms(markup: str) -> str:
    """Glossary links as the plain words they mark."""
    return _TERM_LINK.sub(r"\1", markup)


@dataclass
class Handout:
    doc: Document
    sections: list[Section]
    words: list[GlossaryEntry]  # the appendix, A-Z (empty when not asked for)
    body_html: str  # everything but the page headers and footers
    options: HandoutOptions

    @property
    def title(self) -> str:
        return self.doc.title

    def running_text(self) -> tuple[str, str]:
        """The header and footer lines for every page (the page number is added when
        printing): title and source; review and print dates."""
        meta = self.doc.meta
        header = meta.title + (f" · {meta.source}" if meta.source else "")
        reviewed = (
            f"Last reviewed {long_date(meta.last_reviewed)}"
            if meta.last_reviewed
            else "Review date not stated"
        )
        printed = f"Printed {long_date(self.options.printed)}"
        return header, " · ".join(p for p in (reviewed, printed) if p)


def build_handout(renderer: DocumentRenderer, doc: Document, options: HandoutOptions) -> Handout:
    sections = chosen_sections(doc, options.sections)
    rendered = [renderer.section_html(s) for s in sections]
    words = renderer.linked_entries(rendered) if options.words_to_know else []
    parts = [f'<h1 class="title">{html.escape(doc.title)}</h1>']
    given = " · ".join(html.escape(p) for p in (options.clinic, options.phone) if p)
    if given:
        parts.append(f'<p class="given">Given to you by {given}</p>')
    if options.sections is not None and len(sections) < len(doc.sections):
        parts.append(
            f'<p class="part">{len(sections)} of the {len(doc.sections)} sections of this '
            "document, chosen for you.</p>"
        )
    parts.extend(plain_terms(markup) for markup in rendered)
    if words:
        parts.append(words_html(words))
    parts.append(about_html(doc))
    return Handout(doc, sections, words, "\n".join(parts), options)


def words_html(entries: Iterable[GlossaryEntry]) -> str:
    rows = [
        f'<p class="word"><b>{html.escape(e.term)}</b>: {html.escape(e.definition)}</p>'
        for e in entries
    ]
    return '<h2 class="appendix">Words to know</h2>\n' + "\n".join(rows)


def about_html(doc: Document) -> str:
    """Where the text came from; the QR code image is named `qr` (added when printed)."""
    meta = doc.meta
    facts = []
    if meta.source:
        facts.append(f"<b>Source:</b> {html.escape(meta.source)}")
    if meta.last_reviewed:
        facts.append(f"<b>Last reviewed:</b> {long_date(meta.last_reviewed)}")
    if meta.license:
        facts.append(f"<b>Licence:</b> {html.escape(meta.license)}")
    parts = ['<h2 class="about">About this handout</h2>']
    if facts:
        parts.append('<p class="about">' + "<br>".join(facts) + "</p>")
    if meta.url:
        parts.append(
            '<table class="qr" cellpadding="0" cellspacing="0"><tr>'
            '<td class="qr"><img src="qr" width="96" height="96"></td>'
            '<td class="qr-text">To read the original online, scan the code or go to:<br>'
            f"<b>{html.escape(meta.url)}</b></td></tr></table>"
        )
    parts.append(f'<p class="note">{html.escape(DISCLAIMER)}</p>')
    return "\n".join(parts)
