"""Relevance: do real patient questions find the section that answers them?

Two sets of questions:

* MedQuAD (729 questions over 116 NCI summaries). Section level: hit@1, hit@3,
  MRR@10; document level: hit@1. A hit on any of the equally correct places in
  qrels_alternates.jsonl counts too. Some question texts are asked of several
  documents ("What is (are) Breast Cancer ?" of four), so no ranking can be right
  for all of them: `document_hit@1_ceiling` is the best any ranking can score.
* Lay questions over the bundled library (benchmarks/lay_questions.yaml), worded
  as patients ask: hit@1, hit@3, MRR@10 at section level.

    python -m benchmarks.relevance [--limit-questions N] [--show-misses N]

Prints one JSON object (with per-question-type figures).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

from benchmarks.common import MEDQUAD, medquad_questions
from index.glossary import load_glossary
from index.library import load_library
from index.model import SearchHit
from index.paths import bundled_library_dir
from index.search.searcher import Searcher
from index.search.store import IndexStore
from index.synonyms import load_synonyms
from index.taxonomy import load_taxonomy


def correct_places() -> dict[str, set[tuple[str, str]]]:
    places: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in medquad_questions():
        places[row["qid"]].add((row["doc"].removesuffix(".md"), row["section"]))
    alternates = MEDQUAD / "qrels_alternates.jsonl"
    for line in alternates.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        places[row["qid"]].add((row["doc"].removesuffix(".md"), row["section"]))
    return places


def document_ceiling(places: dict[str, set[tuple[str, str]]]) -> float:
    """The best document hit@1 any ranking can score: one question text, one top document."""
    by_text: dict[str, list[str]] = defaultdict(list)
    rows = medquad_questions()
    for row in rows:
        by_text[row["question"]].append(row["qid"])
    best = 0
    for qids in by_text.values():
        count: dict[str, int] = defaultdict(int)
        for qid in qids:
            for doc in {d for d, _ in places[qid]}:
                count[doc] += 1
        best += max(count.values())
    return best / len(rows)


def question_scores(
    searcher: Searcher, row: dict[str, str], places: dict[str, set[tuple[str, str]]]
) -> tuple[list[SearchHit], int | None, dict[str, float]]:
    """One MedQuAD question: its top ten hits, the rank of the first right section,
    and its scores (section hit@1, hit@3, MRR@10; document hit@1)."""
    hits = searcher.search(row["question"], limit=10, prefix=False).hits
    good = places[row["qid"]]
    good_docs = {d for d, _ in good}
    ranks = [i for i, h in enumerate(hits, 1) if (h.doc, h.heading) in good]
    rank = ranks[0] if ranks else None
    scores = {
        "section_hit@1": float(rank == 1),
        "section_hit@3": float(rank is not None and rank <= 3),
        "section_mrr@10": 1.0 / rank if rank else 0.0,
        "document_hit@1": float(bool(hits) and hits[0].doc in good_docs),
    }
    return hits, rank, scores


def medquad_scores(searcher: Searcher) -> dict[str, float]:
    """The mean scores of all MedQuAD questions (see question_scores)."""
    places = correct_places()
    questions = medquad_questions()
    totals: dict[str, float] = defaultdict(float)
    for row in questions:
        for key, value in question_scores(searcher, row, places)[2].items():
            totals[key] += value
    return {key: round(value / len(questions), 4) for key, value in sorted(totals.items())}


LAY_QUESTIONS = Path(__file__).with_name("lay_questions.yaml")


def lay_relevance(show_misses: int) -> tuple[dict[str, float], list[str]]:
    """Section hit@1, hit@3 and MRR@10 of the lay questions over the bundled library."""
    rows = yaml.safe_load(LAY_QUESTIONS.read_text(encoding="utf-8"))["questions"]
    library = load_library([bundled_library_dir()])
    taxonomy, _ = load_taxonomy()
    totals: dict[str, float] = defaultdict(float)
    misses: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        ix, _ = IndexStore(Path(tmp) / "index", taxonomy).rebuild(library)
        searcher = Searcher(ix, load_synonyms()[0], load_glossary()[0], taxonomy)
        for row in rows:
            good = {tuple(a.split("#", 1)) for a in row["a"]}
            hits = searcher.search(row["q"], limit=10, prefix=False).hits
            ranks = [i for i, h in enumerate(hits, 1) if (h.doc, h.section) in good]
            rank = ranks[0] if ranks else None
            totals["section_hit@1"] += float(rank == 1)
            totals["section_hit@3"] += float(rank is not None and rank <= 3)
            totals["section_mrr@10"] += 1.0 / rank if rank else 0.0
            if (rank is None or rank > 1) and len(misses) < show_misses:
                top = f"{hits[0].doc}#{hits[0].section}" if hits else "nothing"
                misses.append(f"lay: {row['q']} -> {top} (rank {rank}; want {row['a'][0]})")
        searcher.close()
        ix.close()
    result: dict[str, float] = {"questions": len(rows)}
    result.update({key: round(value / len(rows), 4) for key, value in sorted(totals.items())})
    return result, misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-questions", type=int, default=None)
    parser.add_argument("--show-misses", type=int, default=0, help="print N missed questions")
    args = parser.parse_args()
    if not MEDQUAD.is_dir():
        print(f"MedQuAD corpus not found at {MEDQUAD}", file=sys.stderr)
        return 1
    library = load_library([MEDQUAD / "docs"])
    taxonomy, _ = load_taxonomy()
    places = correct_places()
    totals: dict[str, float] = defaultdict(float)
    by_type: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    misses: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        ix, _ = IndexStore(Path(tmp) / "index", taxonomy).rebuild(library)
        searcher = Searcher(ix, load_synonyms()[0], load_glossary()[0], taxonomy)
        questions = medquad_questions(args.limit_questions)
        for row in questions:
            hits, rank, scores = question_scores(searcher, row, places)
            for key, value in scores.items():
                totals[key] += value
                by_type[row["qtype"]][key] += value
            by_type[row["qtype"]]["questions"] += 1
            if rank != 1 and len(misses) < args.show_misses:
                top = f"{hits[0].doc} / {hits[0].heading}" if hits else "nothing"
                misses.append(f"{row['question']} -> {top} (want {row['doc']} / {row['section']})")
        searcher.close()
        ix.close()
    count = len(questions)
    result = {
        "benchmark": "relevance",
        "corpus": "medquad-cancergov",
        "questions": count,
        **{key: round(value / count, 4) for key, value in sorted(totals.items())},
        "document_hit@1_ceiling": round(document_ceiling(places), 4),
        "by_question_type": {
            qtype: {
                "questions": int(values["questions"]),
                **{
                    k: round(v / values["questions"], 3)
                    for k, v in sorted(values.items())
                    if k != "questions"
                },
            }
            for qtype, values in sorted(by_type.items())
        },
    }
    lay, lay_misses = lay_relevance(args.show_misses)
    result["lay_questions"] = lay
    print(json.dumps(result, indent=2))
    for miss in misses + lay_misses:
        print(miss, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
