"""Plain data the core hands to its callers (the command line, the window, tests).

Nothing here knows about Whoosh, Qt or files on disk.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from pickle import PickleBuffer
from typing import Any, SupportsIndex

# Said wherever a patient reads or takes home our content.
DISCLAIMER = "Information, not medical advice. Talk with your care team about your own situation."
DISCLAIMER_SHORT = "Information, not medical advice. Talk with your care team."

# Links to glossary entries in rendered documents: `glossary:SLUG` or `glossary:nci-NNN`.
GLOSSARY_SCHEME = "glossary:"


class Cancelled(Exception):
    """Long work was asked to stop: reading a library or indexing when the program is
    closing, a search when a newer keystroke has superseded it."""


# Called between documents by long work; raises Cancelled when it should stop.
Checkpoint = Callable[[], None]


class SectionKind(StrEnum):
    ARTICLE = "article"
    COMMENTS = "comments"  # readers' comments under a blog post


class Severity(StrEnum):
    # An error means the document is wrong and `oncoref check` fails; it may still load.
    ERROR = "error"
    # A warning means we repaired or guessed something; the document loads.
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """Something wrong with one file, said so that a clinic's IT person can fix it."""

    path: Path
    message: str
    action: str = ""
    line: int | None = None
    field: str | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: {self.severity.value}: "
        if self.field:
            text += f"field '{self.field}': "
        text += self.message
        if self.action:
            text += f" ({self.action})"
        return text


@dataclass(frozen=True)
class GlossaryRef:
    """A word in the text that a source linked to a dictionary entry."""

    text: str
    nci_id: str


class Section:
    """One heading and the text under it, up to the next heading of any level.

    The Markdown and the plain text are kept compressed and unpacked when read: a
    clinic's library can hold hundreds of megabytes of text, of which the window
    shows one page at a time (and the start-up snapshot loads the library whole).
    """

    __slots__ = ("_packed", "glossary_refs", "heading", "id", "kind", "level", "parent")

    def __init__(
        self,
        id: str,  # anchor, unique within the document and stable across rebuilds
        heading: str,
        level: int,  # 1 is the top level inside a document
        parent: str | None,  # id of the enclosing section
        body: str,  # safe Markdown: glossary links are `glossary:nci-NNN`, no raw HTML
        text: str,  # plain text of the body, for search and snippets
        kind: SectionKind = SectionKind.ARTICLE,
        glossary_refs: list[GlossaryRef] | None = None,
    ) -> None:
        self.id = id
        self.heading = heading
        self.level = level
        self.parent = parent
        self.kind = kind
        self.glossary_refs = glossary_refs if glossary_refs is not None else []
        self._packed = _pack(body, text)

    @property
    def body(self) -> str:
        return _unpack(self._packed)[0]

    @property
    def text(self) -> str:
        return _unpack(self._packed)[1]

    def replace(self, **changes: Any) -> Section:
        """A copy with some fields changed (as dataclasses.replace)."""
        fields = {name: getattr(self, name) for name in _SECTION_FIELDS}
        unknown = set(changes) - set(fields)
        if unknown:
            raise TypeError(f"Section has no field {', '.join(sorted(unknown))}")
        return Section(**{**fields, **changes})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Section):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in _SECTION_FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it replaces

    def __repr__(self) -> str:
        return f"Section(id={self.id!r}, heading={self.heading!r}, level={self.level})"

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, tuple[Any, ...]]:
        # Pickled as its fields in one tuple: the start-up snapshot unpickles thousands.
        # From protocol 5 the compressed text goes as a buffer, which the snapshot keeps
        # beside the pickle and hands back as a view of the file it read: no copy made.
        state = (self.id, self.heading, self.level, self.parent, self.kind, self.glossary_refs)
        packed: Packed | PickleBuffer = self._packed
        if not isinstance(packed, tuple):
            packed = PickleBuffer(packed) if int(protocol) >= 5 else bytes(packed)
        return _unpickled_section, (*state, packed)


def _unpickled_section(
    id: str,
    heading: str,
    level: int,
    parent: str | None,
    kind: SectionKind,
    glossary_refs: list[GlossaryRef],
    packed: Packed,
) -> Section:
    section = Section.__new__(Section)
    section.id, section.heading, section.level, section.parent = id, heading, level, parent
    section.kind, section.glossary_refs, section._packed = kind, glossary_refs, packed
    return section


# A section's text as kept: compressed (bytes, or a view of a snapshot's file), or as it
# is when short.
Packed = bytes | memoryview | tuple[str, str]
_SECTION_FIELDS = ("id", "heading", "level", "parent", "body", "text", "kind", "glossary_refs")
# Below this many characters a section's text is kept as it is: compressing gains little.
_PACK_FROM = 200


def _pack(body: str, text: str) -> Packed:
    if len(body) + len(text) < _PACK_FROM:
        return (body, text)
    raw_body = body.encode("utf-8", "surrogatepass")
    raw = len(raw_body).to_bytes(8, "little") + raw_body + text.encode("utf-8", "surrogatepass")
    return zlib.compress(raw, 1)  # the fastest level: 4-5x smaller on our documents


def _unpack(packed: Packed) -> tuple[str, str]:
    if isinstance(packed, tuple):
        return packed
    raw = zlib.decompress(packed)
    size = int.from_bytes(raw[:8], "little")
    return (
        raw[8 : 8 + size].decode("utf-8", "surrogatepass"),
        raw[8 + size :].decode("utf-8", "surrogatepass"),
    )


@dataclass
class Metadata:
    """Front-matter fields (see DESIGN.md, Content model). Only `title` is required."""

    title: str
    cancer_types: list[str] = field(default_factory=list)  # first one is the primary type
    audience: str = ""
    citation: str = ""
    language: str = ""
    last_reviewed: dt.date | None = None
    license: str = ""
    review_frequency: str = ""
    source: str = ""
    source_type: str = ""
    status: str = ""
    tags: list[str] = field(default_factory=list)
    url: str = ""
    version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # unknown fields, kept as they are


@dataclass(frozen=True)
class PackOrigin:
    """The installed library pack a document came from, for the reader to say so."""

    id: str
    title: str
    version: int
    content_as_of: dt.date
    publisher: str = ""


@dataclass
class Document:
    """One document of a library: its metadata and its sections in reading order."""

    id: str  # path under its library root, without suffix, with forward slashes
    path: Path
    meta: Metadata
    sections: list[Section]
    fingerprint: str  # changes whenever the file, its sidecar or the loader changes
    bundled: bool = False
    format: str = "markdown"  # the name of the format that read it (index/formats)
    # Size and modification time of the file and its sidecar when read: a reload
    # reads again only the documents whose stamp has changed.
    stamp: tuple[int, ...] = ()
    pack: PackOrigin | None = None  # set when it comes from an installed library pack
    # What reading it found wrong (also in its library's problems, in the walk's
    # order): a document taken over unread keeps them, one read again replaces them.
    problems: tuple[Problem, ...] = ()

    @property
    def title(self) -> str:
        return self.meta.title

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def heading_path(self, section: Section) -> list[str]:
        """Headings from the top of the document down to `section`."""
        by_id = {s.id: s for s in self.sections}
        path = [section.heading]
        parent = section.parent
        seen = {section.id}
        while parent is not None and parent in by_id and parent not in seen:
            seen.add(parent)
            path.append(by_id[parent].heading)
            parent = by_id[parent].parent
        return list(reversed(path))

    def heading_paths(self) -> list[list[str]]:
        """heading_path of every section, in order, in one pass (a parent comes
        before the sections inside it)."""
        done: dict[str, list[str]] = {}
        paths = []
        for section in self.sections:
            above = done.get(section.parent, []) if section.parent is not None else []
            path = [*above, section.heading]
            done.setdefault(section.id, path)
            paths.append(path)
        return paths


@dataclass(frozen=True)
class SearchHit:
    """A section that answers a search, with a snippet to show."""

    doc: str
    title: str
    section: str
    heading: str
    path: list[str]
    score: float
    snippet: str  # HTML-escaped text; matched words are wrapped in <b>...</b>
    source: str = ""  # who published the document ("NCI", "Canadian Cancer Society", ...)
    # government, cancer charity, professional body, clinic, patient's view, or other
    source_kind: str = ""


@dataclass(frozen=True)
class GlossaryEntry:
    """A medical word explained in plain language."""

    term: str
    definition: str
    aliases: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    nci_id: str | None = None
    category: str = "other"
    # An everyday word ("sign", "diet"): explained where a document links it,
    # but not marked wherever it happens to appear.
    link_only: bool = False


@dataclass(frozen=True)
class QueryTerms:
    """What a query looks for, as index terms: its stems and synonyms, and the start
    of the word being typed. A reader highlights a section's words that match."""

    stems: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()


@dataclass
class SearchResult:
    """What a search found, or why it found nothing, with the query it answers."""

    query: str
    hits: list[SearchHit]
    did_you_mean: str | None = None
    definition: GlossaryEntry | None = None
    message: str | None = None  # for a person: why there is nothing, or what was changed
    terms: QueryTerms = QueryTerms()  # of the query whose hits these are
    # Said above the results: e.g. that the library has no document on a cancer type
    # the query names, so the hits only mention it.
    notice: str | None = None
    # The index terms a snippet marks: for snippets made later than the search.
    snippet_terms: frozenset[str] = frozenset()


@dataclass
class Library:
    """The documents read from a set of folders, and the problems met reading them."""

    roots: list[Path]
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Documents by id, made on first use and again when the list has changed length
    # (documents are only ever appended): a library may hold thousands.
    _by_id: dict[str, Document] = field(default_factory=dict, repr=False, compare=False)

    def get(self, doc_id: str) -> Document | None:
        if len(self._by_id) != len(self.documents):
            self._by_id = {}
            for d in self.documents:
                self._by_id.setdefault(d.id, d)
        return self._by_id.get(doc_id)

    def find(self, name: str) -> Document | None:
        """A document by id, by file name, or by a unique start of either."""
        wanted = name.strip().strip("/")
        exact = self.get(wanted)
        if exact:
            return exact
        stem, dot, suffix = wanted.rpartition(".")
        if dot and stem and "/" not in suffix and self.get(stem):  # a file name: "leaflet.docx"
            return self.get(stem)
        wanted = stem if dot and stem and "/" not in suffix and suffix.isalnum() else wanted
        matches = [
            d
            for d in self.documents
            if d.id.rsplit("/", 1)[-1] == wanted or d.id.startswith(wanted)
        ]
        return matches[0] if len(matches) == 1 else None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]
