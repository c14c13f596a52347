"""Answering searches: forgiving of how people type, fast, and never raising.

Queries are built directly as Whoosh query objects (no query parser), so no
input can be a syntax error: words, "quoted phrases" and -excluded words are
understood and everything else is treated as text.
"""

from __future__ import annotations

import functools
import heapq
import html
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from whoosh import highlight, searching
from whoosh import query as Q
from whoosh.analysis import STOP_WORDS, StemmingAnalyzer, Token
from whoosh.index import FileIndex
from whoosh.lang import porter
from whoosh.reading import MultiReader

from index.glossary import Glossary
from index.model import (
    GlossaryEntry,
    QueryTerms,
    SearchHit,
    SearchResult,
    SectionKind,
)
from index.search.intents import query_intents
from index.search.scoring import TermScorer
from index.sources import RANK_WEIGHT
from index.synonyms import Synonyms
from index.taxonomy import Taxonomy

MAX_QUERY_CHARS = 500
MAX_WORDS = 32
# Fields a word is looked for in. Their weights are in the schema (field_boost).
TEXT_FIELDS = ("title", "heading", "context", "body")
PREFIX_FIELDS = ("title", "heading", "body")
_NAMING = ("title", "heading")
# The word being typed stands for the library's words it starts, at most this many,
# the most widely used first ("chemoth": chemotherapy, chemotherapies, ...). All of
# them (a few hundred for "can") each matching most sections made a keystroke slow.
PREFIX_WORDS = 6
# A completion in more than this share of the sections is looked for in titles and
# headings only: in the body it says little ("can": cancer) and costs a look at most
# sections (MedQuAD questions with their last word half typed find the right document
# first more often so, 0.923 against 0.919).
PREFIX_BODY_SHARE = 0.01
# Snippets come from the first part of a section only (analysed again to find the words).
SNIPPET_CHARS = 6000
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
    # Pronouns and helping words of a question as people type it ("can they ...",
    # "will my ..."): they say nothing about the subject either.
    "my",
    "mine",
    "they",
    "them",
    "their",
    "we",
    "our",
    "you",
    "your",
    "it",
    "its",
    "can",
    "could",
    "would",
    "will",
    "shall",
    "might",
    "please",
}
# Sections a search scores before ranking them again, per result asked for.
CANDIDATES = 3
COORD_FLOOR = 0.3
COORD_POWER = 2.0
# Readers' comments under a blog post are kept, but rank below the articles.
COMMENTS_WEIGHT = 0.5
_QUESTION = re.compile(
    r"^(?:what|who)(?:\s+is|\s+are|'s)\s+(?:an?\s+|the\s+)?(.+?)\s*\??$"
    r"|^(?:define|meaning of)\s+(.+)$",
    re.I,
)
EXAMPLE = "for example: imatinib side effects"
# A section whose own heading says it gives the kind of answer the question asks for
# ("how is it treated?" -> "Treatment options") ranks this much higher; one inside
# such a section (its enclosing heading says so) a little higher.
INTENT_WEIGHT = 1.6
CONTEXT_INTENT_WEIGHT = 1.2
# Words that make a place name a cancer type: "breast cancer", "liver tumour".
_CANCER_WORDS = {
    "cancer",
    "cancers",
    "tumour",
    "tumours",
    "tumor",
    "tumors",
    "carcinoma",
    "carcinomas",
    "neoplasm",
    "neoplasms",
    "malignancy",
}
_DISEASE_ENDINGS = ("oma", "omas", "emia", "aemia")


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


class _Found:
    """A section a search matched: its number in the index, score and stored fields."""

    __slots__ = ("docnum", "fields", "score")

    def __init__(self, docnum: int, score: float, fields: dict[str, Any]) -> None:
        self.docnum = docnum
        self.score = score
        self.fields = fields

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)


def _by_score(item: tuple[int, float]) -> tuple[float, int]:
    return item[1], -item[0]


class _SnippetFormatter(highlight.Formatter):  # type: ignore[misc]  # Whoosh is untyped
    """Matched words in <b>, everything else HTML-escaped."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        word: str = highlight.get_text(text, token, replace)
        return "<b>" + html.escape(word) + "</b>"

    def _text(self, text: str) -> str:
        return html.escape(text)


_WORD = re.compile(r"\w+(\.?\w+)*", re.U)  # the index's tokenizer (StemmingAnalyzer's)
_stem = functools.lru_cache(maxsize=50_000)(porter.stem)


def _marked_tokens(text: str, marked: frozenset[str]) -> Iterator[Token]:
    """The tokens of `text` as the index's analyzer makes them (lower case, stop words
    and one-letter words kept unstemmed, others stemmed), each `matched` when its
    term is in `marked`: the analyzer's chain of generators in one loop (a snippet
    takes a third less time). One token object is reused, as Whoosh does."""
    token = Token(positions=True, chars=True, removestops=False, mode="index")
    token.boost = 1.0
    for pos, match in enumerate(_WORD.finditer(text)):
        word = match.group(0).lower()
        token.stopped = len(word) < 2 or word in STOP_WORDS
        token.text = word if token.stopped else _stem(word)
        token.matched = token.text in marked
        token.pos = pos
        token.startchar, token.endchar = match.span()
        yield token


_HIGHLIGHTER = highlight.Highlighter(
    fragmenter=highlight.ContextFragmenter(maxchars=220, surround=70, charlimit=SNIPPET_CHARS),
    formatter=_SnippetFormatter(),
)


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
        self._scorer = TermScorer(self._searcher)
        self._analyzer = StemmingAnalyzer()
        self._completed: dict[str, list[tuple[str, tuple[str, ...]]]] = {}  # _completions

    def close(self) -> None:
        self._searcher.close()

    # -- public -----------------------------------------------------------------

    def search(
        self,
        text: str,
        limit: int = 10,
        types: list[str] | None = None,
        prefix: bool = True,
        snippets: int | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> SearchResult:
        """Ranked section hits for what a person typed, grouped by document.

        Only the first `snippets` hits (all when None) get their snippet; the others
        have "" until snippets() makes theirs. While the sections are collected,
        `cancelled()` is asked now and then: once it says true (a newer keystroke),
        the search stops and raises Cancelled."""
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
        did_you_mean = self._correct(units)
        missing, required = self._coverage(raw, types or [])
        hits, marked = self._run(
            units, limit, types, query_intents(raw), required, snippets, cancelled
        )
        if hits and did_you_mean and message is None:
            message = f"Showing results for “{did_you_mean}”."
        if not hits and message is None:
            message = "Nothing found. Try fewer or different words, " + EXAMPLE + "."
            if types:
                message = "Nothing found for this cancer type. Try searching all types."
        notice = None
        if missing:
            notice = f"The library has no document about {missing}."
            if required and hits:
                notice += " These sections mention it."
            elif required:
                notice = notice[:-1] + ", and nothing in it mentions it."
        return SearchResult(
            text, hits, did_you_mean, definition, message, self._terms(units), notice, marked
        )

    def snippets(self, result: SearchResult, rows: Iterable[int]) -> dict[int, str]:
        """The snippets of these rows of a result, as search() makes them (rows out of
        range, or whose section is no longer in the index, are left out)."""
        made: dict[int, str] = {}
        for row in rows:
            if not 0 <= row < len(result.hits):
                continue
            hit = result.hits[row]
            docnum = self._searcher.document_number(key=f"{hit.doc}#{hit.section}")
            if docnum is not None:
                body = self._searcher.stored_fields(docnum).get("body", "")
                made[row] = self._snippet(body, result.snippet_terms)
        return made

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
        tokens: list[tuple[str, bool, bool, str]] = []  # (text, is_phrase, exclude, as typed)
        for match in _TOKEN.finditer(text):
            if match.group(2) is not None:
                phrase = " ".join(match.group(2).split())
                if phrase:
                    tokens.append((phrase.casefold(), True, bool(match.group(1)), phrase))
            else:
                typed = match.group(4).strip(".'’-")
                word = typed.casefold()
                if word and word not in _OPERATORS:
                    tokens.append((word, False, bool(match.group(3)), typed))
        if any(not t[1] and t[0] not in _QUESTION_WORDS for t in tokens):
            tokens = [t for t in tokens if t[1] or t[0] not in _QUESTION_WORDS]
        synonyms = self.synonyms
        units: list[_Unit] = []
        i = 0
        while i < len(tokens):
            word, is_phrase, exclude, typed = tokens[i]
            if is_phrase or exclude:
                units.append(_Unit(synonyms.alternatives(word, typed), is_phrase, exclude))
                i += 1
                continue
            # Longest run of plain words that the synonym list knows as one phrase.
            for n in range(min(synonyms.longest, len(tokens) - i), 0, -1):
                run = tokens[i : i + n]
                if any(t[1] or t[2] for t in run):
                    continue
                phrase = " ".join(t[0] for t in run)
                typed = " ".join(t[3] for t in run)
                if n == 1 or synonyms.known(phrase, typed):
                    units.append(_Unit(synonyms.alternatives(phrase, typed), n > 1))
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
        seen: set[tuple[str, ...]] = set()
        for n, alternative in enumerate(unit.alternatives):
            # Ways of saying it that come to the same index terms ("recur", "recurs") count once.
            words = tuple(t.text for t in self._analyzer(alternative))
            if not words or words in seen:
                continue
            seen.add(words)
            boost = 1.0 if n == 0 else 0.9
            fields = [
                q for f in TEXT_FIELDS if (q := self._field_query(f, alternative)) is not None
            ]
            for sub in fields:
                sub.boost = boost
            parts.append(Q.Or(fields))
        if unit.prefix:
            stem = re.sub(r"[^\w]", "", unit.text)
            if len(stem) >= 3:
                completions = [
                    Q.Term(f, w, boost=0.5) for w, fields in self._completions(stem) for f in fields
                ]
                if completions:
                    parts.append(Q.Or(completions))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Q.Or(parts)

    def _completions(self, prefix: str) -> list[tuple[str, tuple[str, ...]]]:
        """The index terms of the PREFIX_WORDS words of the library that start with
        `prefix` and are in the most sections (the words are read unstemmed, so that
        "radiati" finds "radiation", indexed as "radiat"), with the fields each is
        looked for in."""
        if prefix not in self._completed:
            words = self._searcher.reader().iter_prefix("words", prefix)
            common = heapq.nlargest(PREFIX_WORDS, ((i.doc_frequency(), w) for w, i in words))
            found = (w.decode("utf-8") if isinstance(w, bytes) else w for _, w in common)
            terms = dict.fromkeys(t.text for w in found for t in self._analyzer(w))
            most = PREFIX_BODY_SHARE * self._searcher.doc_count()
            if len(self._completed) > 1000:
                self._completed.clear()
            self._completed[prefix] = [
                (t, PREFIX_FIELDS if self._searcher.doc_frequency("body", t) <= most else _NAMING)
                for t in terms
            ]
        return self._completed[prefix]

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

    def _run(
        self,
        units: list[_Unit],
        limit: int,
        types: list[str] | None,
        intents: frozenset[str] = frozenset(),
        required: list[str] | None = None,
        snippets: int | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[list[SearchHit], frozenset[str]]:
        """The hits, and the index terms their snippets mark."""
        query = self._build(units)
        if query is None:
            return [], frozenset()
        if required:
            musts = [Q.Or([Q.Term(f, stem) for f in TEXT_FIELDS]) for stem in required]
            query = Q.And([query, *musts])
        filter_query = None
        if types:
            # The primary type only: the other types a document lists are what it
            # touches on (or tagging noise), not what it is about.
            filter_query = Q.Or([Q.Term("primary", self.taxonomy.canonical(t)) for t in types])
        scores = self._scorer.scores(query, cancelled)
        if filter_query is not None:
            allowed = set(self._searcher.docs_for_query(filter_query))
            scores = {d: s for d, s in scores.items() if d in allowed}
        # The best, the earlier section of two equally good (as Whoosh's collector).
        best_first = heapq.nlargest(limit * CANDIDATES, scores.items(), key=_by_score)
        found = [_Found(d, s, self._searcher.stored_fields(d)) for d, s in best_first]
        # Words with nothing to look for ("the", "of") neither count nor make up the subject.
        wanted = [u for u in units if not u.exclude and any(self._unit_terms(u))]
        # The words naming the subject, apart from the cue words of the question ("symptoms",
        # "treated"): a section gains from its heading's kind only if it is about the subject.
        cues = [query_intents(u.text) for u in wanted]
        weights = [self._rarity(self._unit_terms(u)[0]) for u in wanted]
        total = sum(weights) or 1.0
        # Which of the words each section has: asked of the sections kept only.
        has = (
            self._having(wanted, [h.docnum for h in found])
            if len(wanted) > 1 or intents
            else [set() for _ in wanted]
        )
        best: dict[str, float] = {}
        rows = []
        for hit in found:
            score = hit.score * (
                COMMENTS_WEIGHT if hit.get("kind") == SectionKind.COMMENTS else 1.0
            )
            score *= RANK_WEIGHT.get(hit.get("source_kind", ""), 1.0)
            kinds = set(hit.get("intents", "").split(","))
            if len(wanted) > 1:
                # Coordination, each word counted by how rare it is: a section that
                # lacks the one unusual word asked about ("larotrectinib") loses more
                # than one that lacks a word found everywhere ("cancer").
                # A cue word ("causes") is answered by a heading that gives that kind
                # of answer ("Risk factors"), whether or not the section uses the word.
                share = sum(
                    w
                    for w, docs, cue in zip(weights, has, cues, strict=True)
                    if hit.docnum in docs or cue & kinds
                )
                score *= (COORD_FLOOR + (1 - COORD_FLOOR) * share / total) ** COORD_POWER
            subject = all(
                hit.docnum in docs for docs, cue in zip(has, cues, strict=True) if not cue
            )
            if intents and subject:
                kinds.discard("")
                if intents & kinds:
                    # A heading about that one thing answers it best; one that names
                    # several kinds ("recur after it has been treated") a little less.
                    score *= 1 + (INTENT_WEIGHT - 1) * len(intents & kinds) / len(kinds)
                elif intents & set(hit.get("context_intents", "").split(",")):
                    score *= CONTEXT_INTENT_WEIGHT
            best[hit["doc"]] = max(best.get(hit["doc"], 0.0), score)
            rows.append((score, hit))
        # Grouped by document: documents in order of their best section, sections by score.
        rows.sort(key=lambda r: (-best[r[1]["doc"]], r[1]["doc"], -r[0], r[1]["order"]))
        # Snippets mark the words asked for (not those excluded), whichever field they
        # were found in: a word being typed may be looked for in headings only.
        asked = [q for u in units if not u.exclude and (q := self._unit_query(u)) is not None]
        marked = frozenset(
            text.decode("utf-8") if isinstance(text, bytes) else text
            for q in asked
            for _, text in q.iter_all_terms()
        ) | frozenset(required or [])
        shown = limit if snippets is None else max(0, snippets)
        hits = [
            self._hit(h, score, marked if n < shown else None)
            for n, (score, h) in enumerate(rows[:limit])
        ]
        return hits, marked

    def _having(self, units: list[_Unit], docnums: list[int]) -> list[set[int]]:
        """For each unit, which of these sections (numbers in the index) have its words
        (see _words_query), from the postings the search has just read (Whoosh's own
        record of the words matched costs a look at every section)."""
        among = set(docnums)
        queries = [self._words_query(u) for u in units]
        return [set() if q is None else self._scorer.matching(q, among) for q in queries]

    def _words_query(self, unit: _Unit) -> Q.Query | None:
        """A section has a unit's words when it has one of its ways of saying it, all
        its words in one field (near each other or not)."""
        parts: list[Q.Query] = []
        for words in dict.fromkeys(
            tuple(t.text for t in self._analyzer(alt)) for alt in unit.alternatives
        ):
            if len(words) == 1:
                parts += [Q.Term(f, words[0]) for f in TEXT_FIELDS]
            elif words:
                parts += [Q.And([Q.Term(f, w) for w in words]) for f in TEXT_FIELDS]
        _, prefix = self._unit_terms(unit)
        if prefix is not None and len(prefix) >= 3:
            parts += [Q.Term(f, w) for w, fields in self._completions(prefix) for f in fields]
        return Q.Or(parts) if parts else None

    def _rarity(self, terms: set[str]) -> float:
        """How telling a match on any of these terms is: the idf of the rarest in the text."""
        if not terms:
            return 1.0
        return float(max(self._searcher.idf("body", term) for term in terms))

    def _unit_terms(self, unit: _Unit) -> tuple[set[str], str | None]:
        """The index terms a unit can match, and its prefix while typing."""
        terms = {t.text for alt in unit.alternatives for t in self._analyzer(alt)}
        return terms, (re.sub(r"[^\w]", "", unit.text) if unit.prefix else None)

    def _hit(self, hit: Any, score: float, marked: frozenset[str] | None) -> SearchHit:
        path = json.loads(hit["path"])
        return SearchHit(
            doc=hit["doc"],
            title=hit["title"],
            section=hit["section"],
            heading=path[-1] if path else "",
            path=path,
            score=round(float(score), 4),
            snippet=self._snippet(hit.get("body", ""), marked) if marked is not None else "",
            source=hit.get("source", ""),
            source_kind=hit.get("source_kind", ""),
        )

    def _snippet(self, body: str, marked: frozenset[str]) -> str:
        """Up to two passages of a section's text with the matched words in <b>, or its
        start when none is found there."""
        snippet = ""
        if marked:
            # The fragmenter stops at SNIPPET_CHARS: analysing all of a long section
            # again for its snippet was half the time of a search.
            matched = _HIGHLIGHTER._merge_matched_tokens(_marked_tokens(body, marked))
            fragments = _HIGHLIGHTER.fragmenter.fragment_tokens(body, matched)
            # The two best passages, the earlier of two equally good (Whoosh's own
            # choice between them goes by where they are in memory), in reading order.
            scored = ((_HIGHLIGHTER.scorer(f), -f.startchar, f) for f in fragments)
            best = heapq.nlargest(2, scored, key=lambda s: s[:2])
            chosen = sorted((f for score, _, f in best if score >= 1), key=lambda f: f.startchar)
            snippet = _HIGHLIGHTER.formatter.format(chosen) or ""
        if not snippet:
            cut = body[:220].rsplit(" ", 1)[0] if len(body) > 220 else body
            snippet = html.escape(cut) + (" …" if len(body) > len(cut) else "")
        return " ".join(snippet.split())

    # -- helping -----------------------------------------------------------------

    def _known(self, word: str, as_prefix: bool) -> bool:
        if self._searcher.doc_frequency("words", word) > 0:
            return True
        # Another form of a word the library has ("blocked" where it says "block").
        stems = [t.text for t in self._analyzer(word)]
        if stems and self._searcher.doc_frequency("body", stems[0]) > 0:
            return True
        if self.synonyms.known(word) or self.glossary.lookup(word) is not None:
            return True
        if self.taxonomy.known(word) is not None:
            return True
        if as_prefix:
            return (
                next(iter(self._searcher.reader().expand_prefix("words", word)), None) is not None
            )
        return False

    def _correct(self, units: list[_Unit]) -> str | None:
        """Misspelt words are looked for as the library spells them too (their nearest
        word within one letter, or two in a word of six letters or more), and the
        query as corrected is returned for "did you mean". A word the library, the
        glossary, the synonyms or the cancer types know is never changed, however rare."""
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
            maxdist = 2 if len(word) >= 6 else 1
            suggestions = corrector.suggest(word, limit=1, maxdist=maxdist, prefix=1)
            if suggestions:
                fix = suggestions[0]
                words.append(fix)
                changed = True
                for alternative in self.synonyms.alternatives(fix):
                    if alternative not in unit.alternatives:
                        unit.alternatives.append(alternative)
                unit.prefix = False
            else:
                words.append(word)
        return " ".join(words) if changed else None

    def _coverage(self, text: str, types: list[str]) -> tuple[str | None, list[str]]:
        """The cancer type the query (or the type filter) names that no document is
        about, if any; and the stems a section must then contain: those naming it."""
        for type_id in types:
            if not self._covers(type_id, [type_id]):
                return _lower(self.taxonomy.describe(type_id).name), []
        named = self._named_types(text)
        if not named or any(self._covers(t, words) for t, words in named):
            return None, []
        type_id, words = named[0]
        stems = sorted({t.text for t in self._analyzer(" ".join(words))})
        return _lower(self.taxonomy.describe(type_id).name), stems

    def _named_types(self, text: str) -> list[tuple[str, list[str]]]:
        """Cancer types the text names ("breast cancer", "melanoma"), with the words that
        name the type apart from "cancer" and the like."""
        words = re.findall(r"[\w'’-]+", text.casefold())
        found = []
        i = 0
        while i < len(words):
            for n in range(min(5, len(words) - i), 0, -1):
                run = words[i : i + n]
                type_id = self.taxonomy.known(" ".join(run))
                if type_id is None:
                    continue
                after = words[i + n] if i + n < len(words) else ""
                if any(_is_cancer_word(w) for w in run) or after in _CANCER_WORDS:
                    naming = [w for w in run if w not in _CANCER_WORDS] or run
                    found.append((type_id, naming))
                    i += n - 1
                    break
            i += 1
        return found

    def _covers(self, type_id: str, words: list[str]) -> bool:
        """Whether some document is about this type: its primary type, or its title
        names it."""
        canonical = self.taxonomy.canonical(type_id)
        if self._searcher.doc_frequency("primary", canonical) > 0:
            return True
        stems = [t.text for t in self._analyzer(" ".join(words))]
        return bool(stems) and all(self._searcher.doc_frequency("title", s) > 0 for s in stems)

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


def _is_cancer_word(word: str) -> bool:
    return word in _CANCER_WORDS or word.endswith(_DISEASE_ENDINGS)


def _lower(name: str) -> str:
    """ "Breast cancer" -> "breast cancer" in a sentence; "GIST" stays as it is."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


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
