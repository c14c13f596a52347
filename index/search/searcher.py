"""Answering searches: forgiving of how people type, fast, and never raising.

Queries are built directly as Whoosh query objects (no query parser), so no
input can be a syntax error: words, "quoted phrases" and -excluded words are
understood and everything else is treated as text.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from whoosh import highlight, searching
from whoosh import query as Q
from whoosh.analysis import StemmingAnalyzer
from whoosh.index import FileIndex
from whoosh.reading import MultiReader

from index.glossary import Glossary
from index.model import GlossaryEntry, QueryTerms, SearchHit, SearchResult, SectionKind
from index.synonyms import Synonyms
from index.taxonomy import Taxonomy

MAX_QUERY_CHARS = 500
MAX_WORDS = 32
# Fields a word is looked for in. Their weights are in the schema (field_boost).
TEXT_FIELDS = ("title", "heading", "context", "body")
PREFIX_FIELDS = ("title", "heading", "body")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([\w][\w\'’.-]*)', re.U)
_OPERATORS = {"and", "or", "not", "near"}
# Words of a question that say nothing about the subject ("what is", "how do I").
_QUESTION_WORDS = {
    "what",
    "whats",
    "who",
    "how",
    "why",
    "which",
    "where",
    "does",
    "do",
    "did",
    "is",
    "are",
    "about",
    "tell",
    "me",
    "i",
    "there",
    "any",
    "should",
}
# Readers' comments under a blog post are kept, but rank below the articles.
COMMENTS_WEIGHT = 0.5
_QUESTION = re.compile(
    r"^(?:what|who)(?:\s+is|\s+are|'s)\s+(?:an?\s+|the\s+)?(.+?)\s*\??$"
    r"|^(?:define|meaning of)\s+(.+)$",
    re.I,
)
EXAMPLE = "for example: imatinib side effects"


@dataclass
class _Unit:
    """One thing the person asked for: a word or phrase and its synonyms."""

    alternatives: list[str]
    phrase: bool
    exclude: bool = False
    prefix: bool = False

    @property
    def text(self) -> str:
        return self.alternatives[0]


def _matches(terms: set[str], prefix: str | None, matched: set[str | bytes]) -> bool:
    words = {m.decode("utf-8") if isinstance(m, bytes) else m for m in matched}
    return bool(terms & words) or (prefix is not None and any(w.startswith(prefix) for w in words))


class _SnippetFormatter(highlight.Formatter):  # type: ignore[misc]  # Whoosh is untyped
    """Matched words in <b>, everything else HTML-escaped."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        word: str = highlight.get_text(text, token, replace)
        return "<b>" + html.escape(word) + "</b>"

    def _text(self, text: str) -> str:
        return html.escape(text)


class Searcher:
    """Keeps one Whoosh searcher open for the life of the program (it is much faster).

    Several indexes (the bundled library's prebuilt one and the clinic's own) are
    searched as one: their segments are read together, so every hit is scored
    with the same word statistics and the rankings mix fairly."""

    def __init__(
        self,
        ix: FileIndex | Sequence[FileIndex],
        synonyms: Synonyms,
        glossary: Glossary,
        taxonomy: Taxonomy,
    ) -> None:
        self.indexes = [ix] if isinstance(ix, FileIndex) else list(ix)
        self.synonyms = synonyms
        self.glossary = glossary
        self.taxonomy = taxonomy
        if len(self.indexes) == 1:
            self._searcher = self.indexes[0].searcher()
        else:
            segments = [leaf for i in self.indexes for leaf, _ in i.reader().leaf_readers()]
            self._searcher = searching.Searcher(MultiReader(segments))
        self._analyzer = StemmingAnalyzer()

    def close(self) -> None:
        self._searcher.close()

    # -- public -----------------------------------------------------------------

    def search(
        self,
        text: str,
        limit: int = 10,
        types: list[str] | None = None,
        prefix: bool = True,
    ) -> SearchResult:
        """Ranked section hits for what a person typed, grouped by document."""
        raw = text if isinstance(text, str) else ""
        message = None
        if len(raw) > MAX_QUERY_CHARS:
            raw = raw[:MAX_QUERY_CHARS]
            message = (
                f"Your search was long; only its first {MAX_QUERY_CHARS} characters were used."
            )
        units = self._units(raw, prefix)
        if len(units) > MAX_WORDS:
            units = units[:MAX_WORDS]
            message = f"Your search was long; only its first {MAX_WORDS} words were used."
        definition = self._definition(raw)
        if not any(not u.exclude for u in units):
            return SearchResult(
                query=text,
                hits=[],
                definition=definition,
                message="Type a word or two to search for, " + EXAMPLE + ".",
            )
        limit = max(1, min(int(limit), 200))
        hits = self._run(units, limit, types)
        did_you_mean = self._did_you_mean(units)
        if not hits and did_you_mean:
            corrected = self._units(did_you_mean, prefix=False)
            hits = self._run(corrected, limit, types)
            if hits:
                units = corrected
                message = f"No results for “{raw.strip()}”. Showing results for “{did_you_mean}”."
        if not hits and message is None:
            message = "Nothing found. Try fewer or different words, " + EXAMPLE + "."
            if types:
                message = "Nothing found for this cancer type. Try searching all types."
        return SearchResult(text, hits, did_you_mean, definition, message, self._terms(units))

    def _terms(self, units: list[_Unit]) -> QueryTerms:
        stems: set[str] = set()
        prefixes: list[str] = []
        for unit in units:
            if not unit.exclude:
                terms, prefix = self._unit_terms(unit)
                stems |= terms
                if prefix:
                    prefixes.append(prefix)
        return QueryTerms(frozenset(stems), tuple(prefixes))

    # -- understanding the query -----------------------------------------------

    def _units(self, text: str, prefix: bool) -> list[_Unit]:
        tokens: list[tuple[str, bool, bool]] = []  # (text, is_phrase, exclude)
        for match in _TOKEN.finditer(text):
            if match.group(2) is not None:
                phrase = " ".join(match.group(2).split())
                if phrase:
                    tokens.append((phrase.casefold(), True, bool(match.group(1))))
            else:
                word = match.group(4).strip(".'’-").casefold()
                if word and word not in _OPERATORS:
                    tokens.append((word, False, bool(match.group(3))))
        if any(not t[1] and t[0] not in _QUESTION_WORDS for t in tokens):
            tokens = [t for t in tokens if t[1] or t[0] not in _QUESTION_WORDS]
        units: list[_Unit] = []
        i = 0
        while i < len(tokens):
            word, is_phrase, exclude = tokens[i]
            if is_phrase or exclude:
                units.append(_Unit(self.synonyms.alternatives(word), is_phrase, exclude))
                i += 1
                continue
            # Longest run of plain words that the synonym list knows as one phrase.
            for n in range(min(self.synonyms.longest, len(tokens) - i), 0, -1):
                run = tokens[i : i + n]
                if any(t[1] or t[2] for t in run):
                    continue
                phrase = " ".join(t[0] for t in run)
                if n == 1 or self.synonyms.known(phrase):
                    units.append(_Unit(self.synonyms.alternatives(phrase), n > 1))
                    i += n
                    break
        if units and prefix and text[-1:].isalnum():
            last = units[-1]
            if not last.phrase and not last.exclude and len(last.text) >= 3:
                last.prefix = True
        return units

    def _field_query(self, fieldname: str, phrase: str) -> Q.Query | None:
        words = [t.text for t in self._analyzer(phrase)]
        if not words:
            return None
        if len(words) == 1:
            return Q.Term(fieldname, words[0])
        return Q.Phrase(fieldname, words, slop=1)

    def _unit_query(self, unit: _Unit) -> Q.Query | None:
        parts: list[Q.Query] = []
        for n, alternative in enumerate(unit.alternatives):
            boost = 1.0 if n == 0 else 0.9
            for fieldname in TEXT_FIELDS:
                sub = self._field_query(fieldname, alternative)
                if sub is not None:
                    sub.boost = boost
                    parts.append(sub)
        if unit.prefix:
            stem = re.sub(r"[^\w]", "", unit.text)
            if len(stem) >= 3:
                for fieldname in PREFIX_FIELDS:
                    parts.append(Q.Prefix(fieldname, stem, boost=0.5))
        if not parts:
            return None
        return Q.Or(parts)

    def _build(self, units: list[_Unit]) -> Q.Query | None:
        wanted = [q for u in units if not u.exclude and (q := self._unit_query(u)) is not None]
        unwanted = [q for u in units if u.exclude and (q := self._unit_query(u)) is not None]
        if not wanted:
            return None
        # Coordination (more of the words ranks higher) is applied to the hits in _run:
        # Whoosh's own Or(scale=...) gives a score of 0 when some word matches nothing.
        main: Q.Query = wanted[0] if len(wanted) == 1 else Q.Or(wanted)
        if unwanted:
            main = Q.AndNot(main, Q.Or(unwanted))
        return main

    # -- running it -----------------------------------------------------------

    def _run(self, units: list[_Unit], limit: int, types: list[str] | None) -> list[SearchHit]:
        query = self._build(units)
        if query is None:
            return []
        filter_query = None
        if types:
            filter_query = Q.Or([Q.Term("types", self.taxonomy.canonical(t)) for t in types])
        results = self._searcher.search(query, limit=limit * 3, filter=filter_query, terms=True)
        results.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=70)
        results.formatter = _SnippetFormatter()
        unit_terms = [self._unit_terms(u) for u in units if not u.exclude]
        best: dict[str, float] = {}
        rows = []
        for hit in results:
            score = hit.score * (
                COMMENTS_WEIGHT if hit.get("kind") == SectionKind.COMMENTS else 1.0
            )
            if len(unit_terms) > 1:
                matched = {term for _, term in hit.matched_terms()}
                found = sum(1 for terms, prefix in unit_terms if _matches(terms, prefix, matched))
                score *= 0.5 + 0.5 * found / len(unit_terms)
            best[hit["doc"]] = max(best.get(hit["doc"], 0.0), score)
            rows.append((score, hit))
        # Grouped by document: documents in order of their best section, sections by score.
        rows.sort(key=lambda r: (-best[r[1]["doc"]], r[1]["doc"], -r[0], r[1]["order"]))
        return [self._hit(h, score) for score, h in rows[:limit]]

    def _unit_terms(self, unit: _Unit) -> tuple[set[str], str | None]:
        """The index terms a unit can match, and its prefix while typing."""
        terms = {t.text for alt in unit.alternatives for t in self._analyzer(alt)}
        return terms, (re.sub(r"[^\w]", "", unit.text) if unit.prefix else None)

    def _hit(self, hit: Any, score: float) -> SearchHit:
        snippet = hit.highlights("body", top=2) or ""
        if not snippet:
            body = hit.get("body", "")
            cut = body[:220].rsplit(" ", 1)[0] if len(body) > 220 else body
            snippet = html.escape(cut) + (" …" if len(body) > len(cut) else "")
        return SearchHit(
            doc=hit["doc"],
            title=hit["title"],
            section=hit["section"],
            heading=hit["heading"],
            path=json.loads(hit["path"]),
            score=round(float(score), 4),
            snippet=" ".join(snippet.split()),
        )

    # -- helping -----------------------------------------------------------------

    def _known(self, word: str, as_prefix: bool) -> bool:
        if self._searcher.doc_frequency("words", word) > 0:
            return True
        if self.synonyms.known(word) or self.glossary.lookup(word) is not None:
            return True
        if as_prefix:
            return (
                next(iter(self._searcher.reader().expand_prefix("words", word)), None) is not None
            )
        return False

    def _did_you_mean(self, units: list[_Unit]) -> str | None:
        corrector = None
        changed = False
        words = []
        for unit in units:
            word = unit.text
            if unit.exclude:
                continue
            if unit.phrase or not word.isalpha() or len(word) < 4 or self._known(word, unit.prefix):
                words.append(word)
                continue
            corrector = corrector or self._searcher.corrector("words")
            suggestions = corrector.suggest(word, limit=1, maxdist=2, prefix=1)
            if suggestions:
                words.append(suggestions[0])
                changed = True
            else:
                words.append(word)
        return " ".join(words) if changed else None

    def _definition(self, text: str) -> GlossaryEntry | None:
        cleaned = " ".join(text.split()).strip(" ?!.")
        if not cleaned or len(cleaned) > 80:
            return None
        entry = self.glossary.lookup(cleaned)
        if entry is None:
            match = _QUESTION.match(cleaned)
            if match:
                entry = self.glossary.lookup(match.group(1) or match.group(2))
        return entry


def matching_words(text: str, terms: QueryTerms) -> list[str]:
    """The words of `text` that a search with these terms matches (stems, synonyms,
    the word being typed), as written in `text`: what a reader highlights."""
    # An analyzer of its own: Whoosh reuses token objects, and the window's thread
    # may call this while the search thread uses the searcher's.
    analyzer = StemmingAnalyzer()
    found: dict[str, None] = {}
    for token in analyzer(text, chars=True):
        word = text[token.startchar : token.endchar]
        folded = word.casefold()
        if token.text in terms.stems or any(folded.startswith(p) for p in terms.prefixes):
            found[word] = None
    return list(found)
