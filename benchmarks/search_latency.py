"""Search latency (with snippets) and index build time, against SQLite FTS5.

FTS5 (Python's standard library) indexes the same sections and answers the
same queries in the same run, so the ratio holds on a noisy machine.

    python -m benchmarks.search_latency [--corpus bundled|medquad|both] [--queries N]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Collection
from functools import partial
from pathlib import Path

from benchmarks.common import BUNDLED_QUERIES, MEDQUAD, medquad_questions, summary_ms, timed
from index.glossary import load_glossary
from index.library import load_library
from index.model import Library
from index.paths import bundled_library_dir
from index.search.searcher import Searcher
from index.search.store import IndexStore
from index.synonyms import load_synonyms
from index.taxonomy import load_taxonomy


def fts5_build(library: Library) -> tuple[sqlite3.Connection, float]:
    start = time.perf_counter()
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE s USING fts5(doc UNINDEXED, section UNINDEXED, title, heading, body,"
        " tokenize='porter unicode61')"
    )
    db.executemany(
        "INSERT INTO s VALUES (?, ?, ?, ?, ?)",
        [(d.id, s.id, d.title, s.heading, s.text) for d in library.documents for s in d.sections],
    )
    db.commit()
    return db, time.perf_counter() - start


def fts5_query(
    db: sqlite3.Connection,
    text: str,
    limit: int,
    stop_words: Collection[str] = (),
    prefix: bool = False,
) -> list[tuple[str, ...]]:
    """The sections that hold any of the words, best first, with a snippet. Words in
    `stop_words` are left out (as Whoosh's analyser does); with `prefix`, the last
    word is still being typed and matches any word it starts."""
    words = [w for w in re.findall(r"\w+", text.lower()) if w not in stop_words]
    if not words:
        return []
    quoted = ['"' + w.replace('"', "") + '"' for w in words]
    if prefix:
        quoted[-1] += "*"
    match = " OR ".join(quoted)
    return db.execute(
        "SELECT doc, section, snippet(s, 4, '<b>', '</b>', ' … ', 24) FROM s WHERE s MATCH ?"
        " ORDER BY bm25(s, 3.0, 2.5, 1.0) LIMIT ?",
        (match, limit),
    ).fetchall()


def measure(name: str, library: Library, queries: list[str], limit: int) -> dict[str, object]:
    taxonomy, _ = load_taxonomy()
    with tempfile.TemporaryDirectory() as tmp:
        store = IndexStore(Path(tmp) / "index", taxonomy)
        build_ms, (ix, report) = timed(lambda: store.rebuild(library))
        reopen_ms, _ = timed(lambda: store.ensure(library)[0].close())
        searcher = Searcher(ix, load_synonyms()[0], load_glossary()[0], taxonomy)
        searcher.search(queries[0], limit=limit)  # warm the searcher, as the app does
        ours = [timed(partial(searcher.search, q, limit=limit, prefix=False))[0] for q in queries]
        # As if still typing: the last word cut short and used as a prefix.
        typing = [
            timed(partial(searcher.search, q[: max(3, len(q) - 2)], limit=limit))[0]
            for q in queries
        ]
        searcher.close()
        ix.close()
    db, fts_build_s = fts5_build(library)
    fts5_query(db, queries[0], limit)
    reference = [timed(partial(fts5_query, db, q, limit))[0] for q in queries]
    words = sum(len(s.text.split()) for d in library.documents for s in d.sections)
    ours_summary, ref_summary = summary_ms(ours), summary_ms(reference)
    return {
        "corpus": name,
        "documents": len(library.documents),
        "sections": report.sections,
        "words": words,
        "whoosh": {
            "build_s": round(build_ms / 1000, 3),
            "open_unchanged_ms": round(reopen_ms, 1),
            "search_with_snippets": ours_summary,
            "search_as_you_type": summary_ms(typing),
        },
        "fts5_reference": {
            "build_s": round(fts_build_s, 3),
            "search_with_snippets": ref_summary,
        },
        "p95_ratio_to_fts5": round(ours_summary["p95_ms"] / max(ref_summary["p95_ms"], 1e-6), 2),
        "median_ratio_to_fts5": round(
            ours_summary["median_ms"] / max(ref_summary["median_ms"], 1e-6), 2
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["bundled", "medquad", "both"], default="both")
    parser.add_argument("--queries", type=int, default=300, help="MedQuAD questions to run")
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args()
    results = []
    if args.corpus in ("bundled", "both"):
        library = load_library([bundled_library_dir()])
        results.append(measure("bundled", library, BUNDLED_QUERIES, args.limit))
    if args.corpus in ("medquad", "both"):
        if not MEDQUAD.is_dir():
            print(f"MedQuAD corpus not found at {MEDQUAD}", file=sys.stderr)
            return 1
        library = load_library([MEDQUAD / "docs"])
        questions = [q["question"] for q in medquad_questions(args.queries)]
        results.append(measure("medquad", library, questions + BUNDLED_QUERIES, args.limit))
    print(json.dumps({"benchmark": "search_latency", "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
