"""PDF import: load speed and how well each corpus PDF's structure is recovered.

Prints one JSON object per PDF in ../shared/corpus/import (pages, seconds,
pages per second, title, heading and sentence recall, leaked strings) and an
overall line, scored by the rules in that folder's README:

    .venv/bin/python -m benchmarks.import_pdf [FOLDER]
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from index.library import load_document
from index.model import Document, Severity

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "import"
_ENUMERATOR = re.compile(r"^(?:\d+|[ivxlc]+|[a-z])\s+(?=\S)")


def normalise(text: str) -> str:
    """NFKC, case folded, punctuation turned into spaces, runs of spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text)
    return " ".join(text.split())


def _heading_key(text: str) -> str:
    return _ENUMERATOR.sub("", normalise(text))


@dataclass
class Score:
    name: str
    loaded: bool
    errors: list[str] = field(default_factory=list)
    title: str = ""
    title_ok: bool = False
    headings_found: int = 0
    headings_total: int = 0
    sentences_found: int = 0
    sentences_total: int = 0
    leaks: list[str] = field(default_factory=list)
    missing_headings: list[str] = field(default_factory=list)
    missing_sentences: list[str] = field(default_factory=list)

    @property
    def heading_recall(self) -> float:
        return self.headings_found / self.headings_total if self.headings_total else 1.0

    @property
    def sentence_recall(self) -> float:
        return self.sentences_found / self.sentences_total if self.sentences_total else 1.0

    @property
    def passed(self) -> bool:
        return (
            self.loaded
            and not self.errors
            and self.heading_recall >= 0.90
            and self.sentence_recall >= 0.95
            and not self.leaks
        )


def score_document(
    name: str, document: Document | None, errors: list[str], expect: dict[str, Any]
) -> Score:
    """Score one loaded document against its `NAME.expect.yaml`."""
    score = Score(name, loaded=document is not None, errors=errors)
    headings = [(int(level), str(text)) for level, text in expect.get("headings") or []]
    sentences = [str(s) for s in expect.get("sentences") or []]
    score.headings_total, score.sentences_total = len(headings), len(sentences)
    if document is None:
        return score
    score.title = document.title
    titles = [expect.get("title") or "", *(expect.get("title_also") or [])]
    score.title_ok = normalise(document.title) in {normalise(str(t)) for t in titles}

    full = " " + " ".join(normalise(s.heading + " " + s.text) for s in document.sections) + " "
    for sentence in sentences:
        if " " + normalise(sentence) + " " in full:
            score.sentences_found += 1
        else:
            score.missing_sentences.append(sentence)
    for absent in expect.get("absent") or []:
        if " " + normalise(str(absent)) + " " in full:
            score.leaks.append(str(absent))

    sections = document.sections
    by_id = {s.id: s for s in sections}
    keys = [_heading_key(s.heading) for s in sections]

    def ancestors(index: int) -> set[str]:
        found, parent = set(), sections[index].parent
        while parent is not None and parent in by_id:
            found.add(parent)
            parent = by_id[parent].parent
        return found

    matched: list[int | None] = []
    cursor = 0
    for n, (level, text) in enumerate(headings):
        key = _heading_key(text)
        index = next((i for i in range(cursor, len(keys)) if keys[i] == key), None)
        if index is None:
            index = next((i for i in range(len(keys)) if keys[i] == key), None)
        matched.append(index)
        if index is None:
            score.missing_headings.append(text)
            continue
        cursor = index + 1
        ups = ancestors(index)
        ok = True
        # The nearest expected heading of each lower level above it must enclose it.
        need_level = level
        for m in range(n - 1, -1, -1):
            other_level = headings[m][0]
            if other_level < need_level:
                need_level = other_level
                other = matched[m]
                if other is None or sections[other].id not in ups:
                    ok = False
            elif (
                other_level >= level
                and (earlier := matched[m]) is not None
                and sections[earlier].id in ups
            ):
                ok = False  # a sibling or deeper heading became its parent
        if ok:
            score.headings_found += 1
        else:
            score.missing_headings.append(text + " (nesting)")
    return score


def score_file(path: Path) -> tuple[Score, dict[str, float]]:
    expect_path = path.with_name(path.name + ".expect.yaml")
    expect = yaml.safe_load(expect_path.read_text(encoding="utf-8")) or {}
    start = time.perf_counter()
    document, problems = load_document(path, path.stem)
    seconds = time.perf_counter() - start
    errors = [str(p) for p in problems if p.severity == Severity.ERROR]
    pages = _page_count(path)
    return score_document(path.name, document, errors, expect), {
        "pages": pages,
        "seconds": round(seconds, 3),
        "pages_per_second": round(pages / seconds, 1) if seconds else 0.0,
    }


def _page_count(path: Path) -> int:
    from pypdf import PdfReader

    try:
        return len(PdfReader(path).pages)
    except Exception:
        return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else CORPUS
    files = sorted(p for p in folder.glob("*.pdf") if p.with_name(p.name + ".expect.yaml").exists())
    if not files:
        print(json.dumps({"error": f"no PDF with an expect file in {folder}"}))
        return 1
    pages, seconds, passed = 0, 0.0, 0
    headings_found = headings_total = sentences_found = sentences_total = 0
    for path in files:
        score, speed = score_file(path)
        pages += int(speed["pages"])
        seconds += speed["seconds"]
        headings_found += score.headings_found
        headings_total += score.headings_total
        sentences_found += score.sentences_found
        sentences_total += score.sentences_total
        passed += score.passed
        print(
            json.dumps(
                {
                    "file": path.name,
                    **speed,
                    "loaded": score.loaded,
                    "errors": score.errors,
                    "title": score.title,
                    "title_ok": score.title_ok,
                    "heading_recall": round(score.heading_recall, 3),
                    "sentence_recall": round(score.sentence_recall, 3),
                    "leaks": score.leaks,
                    "missing_headings": score.missing_headings,
                    "missing_sentences": score.missing_sentences,
                    "passed": score.passed,
                },
                ensure_ascii=False,
            )
        )
    print(
        json.dumps(
            {
                "overall": True,
                "files": len(files),
                "passed": passed,
                "pages": pages,
                "seconds": round(seconds, 2),
                "pages_per_second": round(pages / seconds, 1) if seconds else 0.0,
                "heading_recall": round(headings_found / headings_total, 3)
                if headings_total
                else 1.0,
                "sentence_recall": round(sentences_found / sentences_total, 3)
                if sentences_total
                else 1.0,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
