"""Scores for every section a query matches, read a word at a time.

Whoosh scores a query section by section: a tree of matcher objects is asked for
each section's number, score and next posting. For a question of a few words, each
looked for in four fields, that was about 15 µs for every section matched, most of
a search's time. Here each word's postings are read a block at a time and its
score added into one table: the same BM25F scores, from the same statistics
(those of Whoosh's own scorer for the word), in a small part of the time.

Words (Term) and their combinations (Or, And, AndNot) are scored here; any other
kind of query (a phrase) is scored by Whoosh's own matchers. Whoosh 2.7.4 is pinned:
reading postings by block and lengths by column uses its codec's internals, and
anything else falls back to its public matcher interface.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate, repeat
from typing import Any

from whoosh import query as Q
from whoosh import searching
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import WrappingMatcher
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length

from index.model import Cancelled

Scores = dict[int, float]
# Phrases whose scores are kept for the searches that follow (see TermScorer._matched).
KEPT_QUERIES = 16


class TermScorer:
    """Scores queries on one Whoosh searcher (and caches what its segments hold for
    good: field lengths and deleted sections, read once each)."""

    def __init__(self, searcher: searching.Searcher) -> None:
        self._searcher = searcher
        self._leaves: list[tuple[searching.Searcher, int]] = list(searcher.leaf_searchers())
        self._lengths: dict[tuple[int, str], bytes | None] = {}
        self._deleted: dict[int, frozenset[int]] = {}
        self._kept: dict[Q.Query, Scores] = {}  # _matched's, the most recent last
        self._cancelled: Callable[[], bool] | None = None
        # The sections of each word read by the last scores(): (offset, numbers) a block.
        self._read: dict[tuple[str, bytes], list[tuple[int, Sequence[int]]]] = {}

    def scores(self, query: Q.Query, cancelled: Callable[[], bool] | None = None) -> Scores:
        """Every section (number in the index) the query matches, with its score as
        Whoosh's matchers give it. `cancelled()` is asked after each word's postings
        in each segment: once it says true, Cancelled is raised."""
        self._cancelled = cancelled
        self._read = {}
        return self._scores(query)

    def matching(self, query: Q.Query, among: set[int]) -> set[int]:
        """Which of the sections `among` (undeleted ones) the query matches: for words
        the last scores() read, from what it read."""
        kind = type(query)
        if kind is Q.Term:
            found: set[int] = set()
            for offset, ids in self._term_ids(query):
                found.update(ids if offset == 0 else (d + offset for d in ids))
            return found & among
        if _summed(query):
            found = set()
            for sub in query.subqueries:
                found |= self.matching(sub, among)
            return found
        if kind is Q.And:
            for sub in query.subqueries:
                among = self.matching(sub, among)
            return among
        return {d for d in self._matched(query) if d in among}

    # -- combining -----------------------------------------------------------------

    def _scores(self, query: Q.Query) -> Scores:
        kind = type(query)
        if kind is Q.Term or _summed(query):
            found: Scores = {}
            self._add(query, 1.0, found)
            return found
        if kind is Q.And:
            subs = query.subqueries
            if not subs:
                return {}
            if len(subs) == 1:
                return self._scores(subs[0])
            parts = sorted((self._scores(sub) for sub in subs), key=len)
            boost = query.boost
            return {
                docnum: sum(part[docnum] for part in parts) * boost
                for docnum in parts[0]
                if all(docnum in part for part in parts[1:])
            }
        if kind is Q.AndNot:
            wanted = self._scores(query.a)
            unwanted = self._scores(query.b)
            return {d: s for d, s in wanted.items() if d not in unwanted}
        return dict(self._matched(query))  # (kept for later searches: not to be changed)

    def _add(self, query: Q.Query, weight: float, found: Scores) -> None:
        """Adds the scores of a sum of words (Or, Term), times `weight`, to `found`."""
        kind = type(query)
        if kind is Q.Term:
            self._add_term(query, weight * query.boost, found)
        elif _summed(query):
            subs = query.subqueries
            if len(subs) > 1:  # as Whoosh: a compound of one is its one part, unboosted
                weight *= query.boost
            for sub in subs:
                self._add(sub, weight, found)
        else:
            for docnum, score in self._scores(query).items():
                found[docnum] = found.get(docnum, 0.0) + score * weight

    def _matched(self, query: Q.Query) -> Scores:
        """Whoosh's own matchers, for queries other than words (phrases). Their scores
        are kept for the next few searches: as a question is typed, each keystroke
        asks again for the phrases of the words before it, and a phrase of common
        words ("acute leukemia") costs a look at each section holding them all."""
        found = self._kept.pop(query, None)
        if found is None:
            found = {}
            for searcher, offset in self._leaves:
                matcher = query.matcher(searcher, searcher.context())
                while matcher.is_active():
                    found[matcher.id() + offset] = matcher.score()
                    matcher.next()
                self._check()
        self._kept[query] = found  # the newest last
        while len(self._kept) > KEPT_QUERIES:
            del self._kept[next(iter(self._kept))]
        return found

    # -- one word ------------------------------------------------------------------

    def _add_term(self, query: Q.Term, weight: float, found: Scores) -> None:
        text = self._text(query)
        if text is None:
            return
        field = query.fieldname
        read = self._read.setdefault((field, text), [])
        for searcher, offset, reader, matcher, leaf in self._postings(field, text):
            scorer = searcher.weighting.scorer(searcher, field, text)
            lengths = self._field_lengths(reader, field)
            if type(scorer) is BM25FScorer and type(leaf) is W3LeafMatcher and lengths is not None:
                deleted = self._deleted_in(reader) if leaf is not matcher else frozenset()
                for ids, weights in _blocks(leaf):
                    read.append((offset, ids))
                    _add_block(ids, weights, scorer, lengths, deleted, offset, weight, found)
            else:
                ids = []
                while matcher.is_active():
                    ids.append(matcher.id())
                    docnum = ids[-1] + offset
                    found[docnum] = found.get(docnum, 0.0) + scorer.score(matcher) * weight
                    matcher.next()
                read.append((offset, ids))
            self._check()

    def _term_ids(self, query: Q.Term) -> list[tuple[int, Sequence[int]]]:
        """The section numbers of a word's postings, block by block with the offset of
        their segment (deleted sections may be included)."""
        text = self._text(query)
        if text is None:
            return []
        key = (query.fieldname, text)
        if key not in self._read:
            read = self._read[key] = []
            for _, offset, _, matcher, leaf in self._postings(*key):
                if type(leaf) is W3LeafMatcher:
                    read += ((offset, ids) for ids, _ in _blocks(leaf))
                else:
                    read.append((offset, list(matcher.all_ids())))
        return self._read[key]

    def _postings(
        self, field: str, text: bytes
    ) -> Iterator[tuple[searching.Searcher, int, Any, Any, Any]]:
        """For each segment holding the word: its searcher, the offset of its section
        numbers, its reader, the word's postings, and those postings without the
        filter Whoosh puts around them when the segment has deleted sections."""
        for searcher, offset in self._leaves:
            reader = searcher.reader()
            if (field, text) in reader:
                matcher = reader.postings(field, text)
                leaf = matcher.child if isinstance(matcher, WrappingMatcher) else matcher
                yield searcher, offset, reader, matcher, leaf

    def _text(self, query: Q.Term) -> bytes | None:
        """A word as the index keeps it, or None if it can't be there."""
        schema = self._searcher.schema
        if query.fieldname not in schema:
            return None
        try:
            text: bytes = schema[query.fieldname].to_bytes(query.text)
        except ValueError:
            return None
        return text

    def _field_lengths(self, reader: Any, field: str) -> bytes | None:
        """The length byte of `field` for each section of a segment (as Whoosh keeps
        them: one byte a section in a column), or None when they can't be read so."""
        key = (id(reader), field)
        if key not in self._lengths:
            data = None
            if isinstance(reader, SegmentReader):
                try:
                    column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                    if column is not None:
                        count = min(column._count, reader.doc_count_all())
                        data = bytes(column._dbfile.get(column._basepos, count))
                        data += bytes(reader.doc_count_all() - count)
                except AttributeError:
                    data = None
            self._lengths[key] = data
        return self._lengths[key]

    def _deleted_in(self, reader: Any) -> frozenset[int]:
        key = id(reader)
        if key not in self._deleted:
            self._deleted[key] = frozenset(
                d for d in range(reader.doc_count_all()) if reader.is_deleted(d)
            )
        return self._deleted[key]

    def _check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise Cancelled


def _summed(query: Q.Query) -> bool:
    """Whether a query's score is the sum of its parts' (an Or without coordination)."""
    return type(query) is Q.Or and not query.scale and not query.minmatch


def _blocks(matcher: Any) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """A word's postings a block at a time: section numbers and weights, as the
    matcher's own _read_ids() and _read_weights() make them (with C loops)."""
    while matcher.is_active():
        matcher._read_data()
        ids, weights = matcher._data[0], matcher._data[1]
        if not matcher._byteids:
            ids = tuple(accumulate(ids))
        if weights is None or isinstance(weights, float):
            # One weight for all, kept as a 32-bit float as Whoosh keeps weights.
            weights = repeat(array("f", [1.0 if weights is None else weights])[0], len(ids))
        yield ids, weights
        matcher._next_block()


def _add_block(
    ids: Sequence[int],
    weights: Sequence[float],
    scorer: BM25FScorer,
    lengths: bytes,
    deleted: frozenset[int],
    offset: int,
    weight: float,
    found: Scores,
) -> None:
    """Adds a word's BM25F score in each section of one block of its postings. The
    sum is Whoosh's bm25() as written (whoosh.scoring), with the part that depends on
    the field's length worked out once for each of its 256 length bytes."""
    idf, b, k1 = scorer.idf, scorer.B, scorer.K1
    k1_plus_1 = k1 + 1
    norms = _norms(k1, b, scorer.avgfl)
    get = found.get
    for docnum, tf in zip(ids, weights, strict=True):
        if deleted and docnum in deleted:
            continue
        score = idf * ((tf * k1_plus_1) / (tf + norms[lengths[docnum]]))
        docnum += offset
        found[docnum] = get(docnum, 0.0) + score * weight


@functools.lru_cache(maxsize=64)
def _norms(k1: float, b: float, avgfl: float) -> list[float]:
    return [k1 * ((1 - b) + b * byte_to_length(n) / avgfl) for n in range(256)]
