"""What goes on a printed handout, as HTML: no Qt here (desktop/handout.py prints it).

A handout is some sections of one document, chosen by a nurse, for a patient to
take home: the title, who gave it to them, warnings about the text (no date, an
overdue review, a patient's view), the sections, the definitions of the words we
mark in them ("Words to know", said to be ours), and where the text came from,
with the original address as a QR code so it can be found online later.

Sections about the document rather than the disease (how to cite it, who may
reuse it) and readers' comments are left out unless picked (see boilerplate.py);
sentences pointing at what paper lacks (a picture, a web page) are left out.

Glossary marks print as plain words; colours are not relied on (black-and-white
printers); the screen's style sheet is not used.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from index.boilerplate import extra_sections, own_extra_ids, usual_sections, without_pointers
from index.glossary import definitions_note
from index.model import (
    DISCLAIMER,
    DISCLAIMER_SHORT,
    Document,
    GlossaryEntry,
    Section,
    SectionKind,
)
from index.provenance import (
    DATE_NOT_STATED,
    DATE_NOT_STATED_NOTE,
    PATIENT_VIEW,
    is_patient_view,
    overdue_note,
    readable_licence,
    source_kind,
)
from index.render.care_notes import care_notes_html, questions_html
from index.render.document import DocumentRenderer, long_date

ABOUT_HEADING = "About this handout"
_TERM_LINK = re.compile(r'<a [^>]*\bclass="term"[^>]*>(.*?)</a>', re.S)


@dataclass
class HandoutOptions:
    sections: Sequence[str] | None = None  # ids; None: the whole document
    large_print: bool = False
    words_to_know: bool = True
    clinic: str = ""
    phone: str = ""
    printed: dt.date = field(default_factory=dt.date.today)
    notes: str = ""  # from the care team, for this patient (index/render/care_notes.py)
    appointment: str = ""
    questions: bool = False  # a blank "Your questions" area after the sections


class UnknownSection(ValueError):
    pass


def chosen_sections(
    doc: Document, ids: Sequence[str] | None, own_extra: set[str] | None = None
) -> list[Section]:
    """The sections named, in reading order, each with the sections inside it except
    those about the document itself or readers' comments (unless the named section
    is such a one). None: the whole document as a handout usually has it.
    `own_extra` is `own_extra_ids(doc)`, when the caller has it already."""
    if ids is None:
        ids = usual_sections(doc)
    unknown = [i for i in ids if doc.section(i) is None]
    if unknown:
        raise UnknownSection(
            f"{doc.id} has no section {', '.join(repr(u) for u in unknown)} "
            f"(see `oncoref outline {doc.id}`)"
        )
    own = own_extra_ids(doc) if own_extra is None else own_extra
    wanted = set(ids)
    extra: set[str] = set()  # chosen sections that are about the document
    chosen = []
    for section in doc.sections:
        named = section.id in wanted
        brought = section.parent in wanted and (section.parent in extra or section.id not in own)
        if named or brought:
            wanted.add(section.id)  # a section brings the sections inside it along
            if section.id in own or section.parent in extra:
                extra.add(section.id)
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
        printing): title and source; review (or its lack) and print dates."""
        meta = self.doc.meta
        header = meta.title + (f" · {meta.source}" if meta.source else "")
        if meta.last_reviewed:
            reviewed = f"Last reviewed {long_date(meta.last_reviewed)}"
            if overdue_note(meta, self.options.printed):
                reviewed += " (review overdue)"
        else:
            reviewed = DATE_NOT_STATED
        printed = f"Printed {long_date(self.options.printed)}"
        return header, " · ".join(p for p in (reviewed, printed) if p)

    def footer_note(self) -> str:
        """The short not-medical-advice note under every page's footer."""
        if is_patient_view(self.doc.meta):
            return f"{PATIENT_VIEW}. Talk with your care team."
        return DISCLAIMER_SHORT


def build_handout(renderer: DocumentRenderer, doc: Document, options: HandoutOptions) -> Handout:
    sections = chosen_sections(doc, options.sections)
    printed = [s.replace(body=without_pointers(s.body)) for s in sections]
    rendered = [_section_html(renderer, s) for s in printed]
    words = renderer.linked_entries(rendered) if options.words_to_know else []
    parts = [f'<h1 class="title">{html.escape(doc.title)}</h1>']
    given = " · ".join(html.escape(p) for p in (options.clinic, options.phone) if p)
    if given:
        parts.append(f'<p class="given">Given to you by {given}</p>')
    parts.extend(care_notes_html(options.notes, options.appointment))
    parts.extend(warnings_html(doc, options.printed))
    if options.sections is None and len(sections) < len(doc.sections):
        parts.append(f'<p class="part">{html.escape(left_out_note(doc, sections))}</p>')
    elif len(sections) < len(doc.sections):
        parts.append(
            f'<p class="part">{len(sections)} of the {len(doc.sections)} sections of this '
            "document, chosen for you.</p>"
        )
    parts.extend(plain_terms(markup) for markup in rendered)
    if options.questions:
        parts.append(questions_html())
    if words:
        parts.append(words_html(words, doc.meta.source))
    parts.append(about_html(doc, options.printed))
    return Handout(doc, sections, words, "\n".join(parts), options)


def left_out_note(doc: Document, printed: Sequence[Section]) -> str:
    """What a whole-document handout leaves out, in words."""
    shown = {s.id for s in printed}
    kinds = {
        "readers' comments" if rule == "readers' comments" else "about"
        for section_id, rule in extra_sections(doc).items()
        if section_id not in shown
    }
    parts = []
    if "about" in kinds:
        parts.append("the parts about the document itself (such as how to cite it)")
    if "readers' comments" in kinds:
        parts.append("readers' comments")
    return "This handout leaves out " + " and ".join(parts) + "."


def _section_html(renderer: DocumentRenderer, section: Section) -> str:
    markup = renderer.section_html(section)
    if section.kind is not SectionKind.COMMENTS:
        return markup
    heading, _, body = markup.partition("\n")
    caption = (
        '<p class="comments-note"><b>Readers\' comments:</b> written by people who read '
        "the post. Nobody has checked them; they are not medical advice.</p>"
    )
    return "\n".join((heading, caption, body))


def warnings_html(doc: Document, today: dt.date | None = None) -> list[str]:
    """What a reader must know before the text: whose view it is, and how old; in a
    ruled box, so it reads as a warning in black and white."""
    meta = doc.meta
    notes = []
    if is_patient_view(meta):
        notes.append(
            f"<b>{html.escape(PATIENT_VIEW)}.</b> This is one person's experience and "
            "opinion, written for a blog."
        )
    if meta.last_reviewed is None:
        notes.append(f"<b>{DATE_NOT_STATED}.</b> {html.escape(DATE_NOT_STATED_NOTE)}")
    overdue = overdue_note(meta, today)
    if overdue:
        notes.append(f"<b>Review overdue.</b> {html.escape(overdue)}")
    if not notes:
        return []
    cells = "".join(f'<p class="warning">{note}</p>' for note in notes)
    return [
        '<table class="warning" border="1" cellspacing="0" cellpadding="6" width="100%">'
        f"<tr><td>{cells}</td></tr></table>"
    ]


def words_html(entries: Iterable[GlossaryEntry], source: str = "") -> str:
    rows = [
        f'<p class="word"><b>{html.escape(e.term)}</b>: {html.escape(e.definition)}</p>'
        for e in entries
    ]
    note = f'<p class="byline">{html.escape(definitions_note(source))}</p>'
    return '<h2 class="appendix">Words to know</h2>\n' + note + "\n" + "\n".join(rows)


def about_html(doc: Document, today: dt.date | None = None) -> str:
    """Where the text came from; the QR code image is named `qr` (added when printed)."""
    meta = doc.meta
    facts = []
    if meta.source:
        kind = source_kind(meta.source_type, meta.source)
        kind = f" ({html.escape(kind.lower())})" if kind and not is_patient_view(meta) else ""
        facts.append(f"<b>Source:</b> {html.escape(meta.source)}{kind}")
    if meta.last_reviewed:
        overdue = " (review overdue)" if overdue_note(meta, today) else ""
        facts.append(f"<b>Last reviewed:</b> {long_date(meta.last_reviewed)}{overdue}")
    else:
        facts.append(f"<b>Date:</b> {DATE_NOT_STATED.lower()}")
    licence = readable_licence(meta.license, meta.source)
    if licence:
        facts.append(f"<b>Licence:</b> {html.escape(licence)}")
    parts = [f'<h2 class="about">{ABOUT_HEADING}</h2>']
    parts.append('<p class="about">' + "<br>".join(facts) + "</p>")
    if meta.url:
        parts.append(
            '<table class="qr" cellpadding="0" cellspacing="0"><tr>'
            '<td class="qr"><img src="qr" width="96" height="96"></td>'
            '<td class="qr-text">To read the original online, scan the code or go to:<br>'
            f"<b>{html.escape(meta.url)}</b></td></tr></table>"
        )
    note = DISCLAIMER
    if is_patient_view(meta):
        note = f"{PATIENT_VIEW}. Talk with your care team about your own situation."
    parts.append(f'<p class="note">{html.escape(note)}</p>')
    return "\n".join(parts)
