"""The one place that defines what goes into the Whoosh index.

One index entry per section. Bump SCHEMA_VERSION whenever a field or an
analyzer changes: an index built with another version is rebuilt.
"""

from __future__ import annotations

from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

SCHEMA_VERSION = 4


def make_schema() -> Schema:
    stemmed = StemmingAnalyzer()  # lower case, stop words out, Porter stems ("tumors" -> "tumor")
    return Schema(
        # "doc#section": the unique key of an entry.
        key=ID(unique=True, stored=True),
        # Document id: deleting one document's entries on change, and grouping results.
        doc=ID(stored=True),
        # Section anchor, to open the section from a result.
        section=ID(stored=True),
        # Position in the document, so equal scores keep reading order.
        order=NUMERIC(stored=True),
        # Document title: a match here says most about relevance.
        title=TEXT(analyzer=stemmed, stored=True, field_boost=3.0),
        # The section's own heading: weighted above the title, because every section of a
        # document shares its title and the heading is what tells them apart (MedQuAD
        # section MRR@10 0.793 at 2.5, 0.807 at 4.0; document hit@1 unchanged).
        # Only its words that the title lacks, and those saying what kind of answer the
        # section gives (index/search/store.py); the heading as written is in `path`.
        heading=TEXT(analyzer=stemmed, field_boost=4.0),
        # Headings of the enclosing sections: a section about "side effects" under "Imatinib".
        context=TEXT(analyzer=stemmed, field_boost=1.5),
        # Headings from the top down, as JSON, for showing where a hit is.
        path=STORED(),
        # The section's text; stored because snippets are cut from it.
        body=TEXT(analyzer=stemmed, stored=True),
        # The same words unstemmed: the vocabulary "did you mean" suggests from
        # (a stemmed field would suggest stems, and spelling=True there breaks fuzzy terms).
        words=TEXT(analyzer=StandardAnalyzer(minsize=3)),
        # Canonical cancer types of the document, primary first.
        types=KEYWORD(stored=True, commas=True, lowercase=True),
        # The document's primary cancer type: what the type filter matches (the other
        # listed types say what else it touches on, and are often tagging noise).
        primary=ID(stored=True),
        # The kinds of answer the section's own heading says it gives ("treatment",
        # "side effects", ...), and those its enclosing headings name (index/search/intents.py).
        intents=KEYWORD(stored=True, commas=True),
        context_intents=STORED(),
        # "article" or "comments": readers' comments rank below the article itself.
        kind=ID(stored=True),
        # Filters: who wrote it, for whom, in which language.
        source=ID(stored=True),
        # government, cancer charity, professional body, clinic, patient's view, other.
        source_kind=ID(stored=True),
        audience=ID(stored=True),
        language=ID(stored=True),
    )
