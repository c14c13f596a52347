"""What a library covers: its cancer types, documents, sources and dates (no Qt).

The home page and the About box both say it; so the words agree, they come from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape

from index.contents import OTHER_DOCUMENTS
from index.model import Document, Library
from index.taxonomy import Taxonomy

LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish", "de": "German"}

# Said on the home page: what nobody should look for here. Our own words, plain.
NOT_COVERED = [
    "Cancer types not listed above. If yours is not here, ask your care team where to "
    "read about it.",
    "Advice about you. OncoRef cannot say which treatment is right for you, or what your "
    "test results mean.",
    "Emergencies. If you feel very unwell, call your care team or emergency services now.",
    "News. Documents are as they were on the date shown; newer research may not be in them yet.",
    "Costs, insurance, or where to get care.",
]


@dataclass
class DocumentCover:
    id: str
    title: str
    source: str
    reviewed: dt.date | None
    license: str
    bundled: bool
    also: list[str] = field(default_factory=list)  # other cancer types it is about


@dataclass
class TypeCover:
    name: str
    documents: list[DocumentCover] = field(default_factory=list)


@dataclass
class Coverage:
    types: list[TypeCover]
    documents: int
    sections: int
    sources: list[str]
    languages: list[str]
    oldest: dt.date | None
    newest: dt.date | None
    undated: int


_LICENCE_NAMES = {
    "public_domain": "Public domain",
    "public-domain": "Public domain",
    "cc-by-4.0": "CC BY 4.0",
    "cc-by-sa-4.0": "CC BY-SA 4.0",
}


def licence_label(text: str) -> str:
    """A document's licence as a person reads it ("public_domain": "Public domain")."""
    return _LICENCE_NAMES.get(text.strip().lower(), text.strip()) or "not given"


def _cover(doc: Document, taxonomy: Taxonomy) -> DocumentCover:
    return DocumentCover(
        id=doc.id,
        title=doc.title,
        source=doc.meta.source or "source not given",
        reviewed=doc.meta.last_reviewed,
        license=licence_label(doc.meta.license),
        bundled=doc.bundled,
        also=[taxonomy.describe(t).name for t in doc.meta.cancer_types[1:]],
    )


def coverage(library: Library, taxonomy: Taxonomy) -> Coverage:
    """Cancer types A-Z (documents without one last), documents by title."""
    by_type: dict[str, list[Document]] = {}
    for doc in library.documents:
        primary = doc.meta.cancer_types[0] if doc.meta.cancer_types else ""
        name = taxonomy.describe(primary).name if primary else OTHER_DOCUMENTS
        by_type.setdefault(name, []).append(doc)
    types = [
        TypeCover(
            name,
            [_cover(d, taxonomy) for d in sorted(by_type[name], key=lambda d: d.title.casefold())],
        )
        for name in sorted(by_type, key=lambda n: (n == OTHER_DOCUMENTS, n.casefold()))
    ]
    dates = [d.meta.last_reviewed for d in library.documents if d.meta.last_reviewed]
    sources = sorted({d.meta.source for d in library.documents if d.meta.source}, key=str.casefold)
    languages = sorted(
        {LANGUAGE_NAMES.get(d.meta.language, d.meta.language) for d in library.documents} - {""}
    )
    return Coverage(
        types=types,
        documents=len(library.documents),
        sections=sum(len(d.sections) for d in library.documents),
        sources=sources,
        languages=languages,
        oldest=min(dates) if dates else None,
        newest=max(dates) if dates else None,
        undated=len(library.documents) - len(dates),
    )


def date_text(day: dt.date | None) -> str:
    """As the reader and handouts write dates (5 March 2026)."""
    return f"{day.day} {day:%B %Y}" if day else "date not given"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary_html(cover: Coverage) -> str:
    """One paragraph: how many documents, on what, from whom, of when."""
    if not cover.documents:
        return "<p>The library is empty: no documents were found.</p>"
    named = [t.name for t in cover.types if t.name != OTHER_DOCUMENTS]
    parts = [
        f"{plural(cover.documents, 'document')} ({plural(cover.sections, 'section')})",
        f" about {plural(len(named), 'cancer type')}" if named else "",
        f", from {plural(len(cover.sources), 'source')}" if cover.sources else "",
    ]
    text = "The library holds " + "".join(parts) + "."
    if cover.languages:
        text += f" Written in {', '.join(cover.languages)}."
    if cover.oldest and cover.newest:
        when = (
            date_text(cover.newest)
            if cover.oldest == cover.newest
            else f"{date_text(cover.oldest)} to {date_text(cover.newest)}"
        )
        text += f" Last reviewed by their writers: {when}"
        text += f" ({cover.undated} of them give no date)." if cover.undated else "."
    elif cover.undated:
        text += " The documents do not say when they were last reviewed."
    return f"<p>{escape(text)}</p>"


def documents_table_html(cover: Coverage, licence: bool = False) -> str:
    """Every document by cancer type, with its source and date (and licence)."""
    out = []
    for cancer_type in cover.types:
        out.append(f"<h3>{escape(cancer_type.name)}</h3>")
        out.append('<table cellspacing="0" cellpadding="3" width="100%">')
        head = "<th align=left>Document</th><th align=left>Source</th><th align=left>Reviewed</th>"
        if licence:
            head += "<th align=left>Licence</th>"
        out.append(f"<tr>{head}</tr>")
        for doc in cancer_type.documents:
            also = (
                f"<br><small>Also about: {escape(', '.join(doc.also))}</small>" if doc.also else ""
            )
            row = (
                f'<td><a href="doc:{escape(doc.id)}">{escape(doc.title)}</a>{also}</td>'
                f"<td>{escape(doc.source)}</td><td>{escape(date_text(doc.reviewed))}</td>"
            )
            if licence:
                row += f"<td>{escape(doc.license)}</td>"
            out.append(f"<tr>{row}</tr>")
        out.append("</table>")
    return "\n".join(out)
