"""Scores read a word at a time are the scores Whoosh's own matchers give."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import query as Q
from whoosh.index import create_in

from index.model import Cancelled
from index.search.schema import make_schema
from index.search.scoring import TermScorer
from index.session import Session

QUESTIONS = [
    "What are the side effects of imatinib?",
    "how is stomach cancer treated",
    "gist surgery -children",
    '"targeted therapy" for gastrointestinal stromal tumours',
    "chemo",
    "what is a biopsy",
    "radiati",
    "tiredness after treatment",
]


def whoosh_scores(searcher: object, query: Q.Query) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}  # type: ignore[attr-defined]


def assert_same(ours: dict[int, float], theirs: dict[int, float]) -> None:
    assert ours.keys() == theirs.keys()
    for docnum, score in theirs.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-9), docnum


@pytest.mark.parametrize("text", QUESTIONS)
def test_the_bundled_library_scores_as_whoosh_scores_it(
    bundled_session: Session, text: str
) -> None:
    searcher = bundled_session.searcher()
    units = searcher._units(text, prefix=not text.startswith("what"))
    query = searcher._build(units)
    assert query is not None
    whoosh = searcher._searcher
    theirs = whoosh_scores(whoosh, query)
    assert theirs  # each question finds something
    assert_same(TermScorer(whoosh).scores(query), theirs)


def test_segments_deleted_entries_phrases_and_boosts_score_as_whoosh(tmp_path: Path) -> None:
    ix = create_in(str(tmp_path), make_schema())
    texts = [
        ("a", "Side effects of imatinib", "Imatinib can cause side effects such as swelling."),
        ("b", "Treating stomach cancer", "Surgery is the main treatment. Side effects vary."),
        ("c", "Biopsy", "A biopsy takes a small piece of tissue to look at."),
        ("d", "Fatigue", "Tiredness is a common side effect of cancer treatment."),
    ]
    for batch in (texts[:2], texts[2:], [("e", "Swelling", "Swelling of the legs and effects.")]):
        with ix.writer() as writer:  # one segment a batch
            for key, title, body in batch:
                writer.add_document(key=key, doc=key, title=title, heading=title, body=body)
    with ix.writer() as writer:
        writer.delete_by_term("key", "b")  # deleted, not purged
    queries = [
        Q.Or([Q.Term("body", "effect"), Q.Term("title", "effect", boost=0.5)]),
        Q.Or([Q.Phrase("body", ["side", "effect"], slop=1), Q.Term("heading", "swell")]),
        Q.And([Q.Or([Q.Term("body", "effect"), Q.Term("body", "cancer")]), Q.Term("body", "side")]),
        Q.AndNot(Q.Term("body", "effect"), Q.Term("title", "imatinib")),
        Q.Or([Q.Or([Q.Term("body", "tissu", boost=0.9)]), Q.Term("body", "nothing")], boost=2.0),
        # Coordination is Whoosh's to score (and its matchers score it).
        Q.Or([Q.Term("body", "effect"), Q.Term("body", "swell")], scale=0.5),
        Q.And([Q.Or([Q.Term("body", "side"), Q.Term("body", "leg")], minmatch=2)]),
    ]
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 3
        assert searcher.reader().has_deletions()
        scorer = TermScorer(searcher)
        for query in queries:
            assert_same(scorer.scores(query), whoosh_scores(searcher, query))
        assert all(
            searcher.stored_fields(d)["key"] != "b"
            for d in scorer.scores(Q.Term("body", "surgeri")) | scorer.scores(queries[0])
        )
        asked: list[int] = []

        def cancelled() -> bool:
            asked.append(1)
            return len(asked) >= 2

        with pytest.raises(Cancelled):  # asked after each word's postings in each segment
            scorer.scores(queries[0], cancelled)
        assert len(asked) == 2


def test_phrase_scores_are_kept_for_the_next_keystrokes(
    bundled_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.search import scoring

    whoosh = bundled_session.searcher()._searcher
    scorer = TermScorer(whoosh)
    looked: list[str] = []
    matcher = Q.Phrase.matcher

    def counted(self: Q.Phrase, *args: object) -> object:
        looked.append(" ".join(self.words))
        return matcher(self, *args)

    monkeypatch.setattr(Q.Phrase, "matcher", counted)
    phrase = Q.Phrase("body", ["side", "effect"], slop=1)
    typed = Q.Or([phrase, Q.Term("body", "imatinib")])
    first = scorer.scores(typed)
    assert looked and first == TermScorer(whoosh).scores(typed)
    looked.clear()
    assert scorer.scores(Q.Or([phrase, Q.Term("body", "imatinib"), Q.Term("body", "gist")]))
    assert looked == []  # the phrase was not looked for again
    for n in range(scoring.KEPT_QUERIES):  # other phrases push it out
        scorer.scores(Q.Phrase("body", ["side", f"x{n}"]))
    looked.clear()
    assert scorer.scores(typed) == first
    assert looked == ["side effect"] * len(whoosh.leaf_searchers())
