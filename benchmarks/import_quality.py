"""Import quality and speed: every file of the import corpus, scored against its
`NAME.expect.yaml` by the corpus README's rules, and the time to add a folder of
50 mixed files. Prints JSON: one object per file, then the totals.

    python -m benchmarks.import_quality [--corpus DIR] [--no-folder]

Per file: loaded (a document and no error), title right, heading recall (right
text, right nesting), sentence recall, absent strings found, load seconds and
KB/s. A file whose suffix no format reads yet is reported as "no loader".
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from index import formats
from index.model import Document, Problem, Severity

ROOT = Path(__file__).resolve().parent.parent
IMPORT_CORPUS = ROOT.parent / "shared" / "corpus" / "import"
EXPECT_SUFFIX = ".expect.yaml"
_NOT_WORD = re.compile(r"[\W_]+")
# A heading may carry its number or letter or not: "1.", "IV.", "A.", "(a)".
_ENUMERATOR = re.compile(r"^(?:\(?(?:\d{1,3}|[ivxlc]{1,6}|[a-z])[.)]\s+|\([a-z0-9]{1,3}\)\s+)")


def normalize(text: str) -> str:
    """NFKC, case folded, punctuation turned into spaces, runs of spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", text).split())


def contains_words(haystack: str, needle: str) -> bool:
    """Whole-word containment of normalized text."""
    needle = normalize(needle)
    if not needle:
        return True
    return f" {needle} " in f" {haystack} "


def _heading_key(text: str) -> str:
    return normalize(_ENUMERATOR.sub("", unicodedata.normalize("NFKC", text).strip().casefold()))


def expectation_files(corpus: Path = IMPORT_CORPUS) -> list[Path]:
    """The corpus files that have expectations, sorted."""
    return sorted(
        p.with_name(p.name[: -len(EXPECT_SUFFIX)]) for p in corpus.glob("*" + EXPECT_SUFFIX)
    )


def has_loader(path: Path) -> bool:
    """Whether a registered format reads files of this kind."""
    try:
        head = path.read_bytes()[:4096]
    except OSError:
        return False
    return formats.format_for(path.name, head) is not None


@dataclass
class Score:
    file: str
    format: str | None
    loaded: bool = False
    title: str = ""
    title_ok: bool = False
    heading_recall: float = 0.0
    sentence_recall: float = 0.0
    absent_found: list[str] = field(default_factory=list)
    missing_headings: list[str] = field(default_factory=list)
    missing_sentences: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    kb_per_second: float = 0.0
    size_kb: float = 0.0
    note: str = ""

    @property
    def passed(self) -> bool:
        return (
            self.loaded
            and self.heading_recall >= 0.90
            and self.sentence_recall >= 0.95
            and not self.absent_found
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "loaded": self.loaded,
            "title": self.title,
            "title_ok": self.title_ok,
            "heading_recall": round(self.heading_recall, 3),
            "sentence_recall": round(self.sentence_recall, 3),
            "absent_found": self.absent_found,
            "missing_headings": self.missing_headings,
            "missing_sentences": self.missing_sentences,
            "errors": self.errors,
            "load_seconds": round(self.seconds, 4),
            "kb_per_second": round(self.kb_per_second, 1),
            "passed": self.passed,
            **({"note": self.note} if self.note else {}),
        }


def document_texts(document: Document) -> list[tuple[str, str]]:
    """(heading, plain text) of each section: what search indexes and `show` prints."""
    return [(s.heading, s.text) for s in document.sections]


def heading_recall(document: Document, expected: list[tuple[int, str]]) -> tuple[float, list[str]]:
    """The corpus README's rule: each expected heading found in reading order, its
    expected enclosing headings among its ancestors, no earlier sibling as its parent."""
    if not expected:
        return 1.0, []
    sections = document.sections
    keys = [_heading_key(s.heading) for s in sections]
    by_id = {s.id: i for i, s in enumerate(sections)}

    def ancestors(index: int) -> set[int]:
        found: set[int] = set()
        parent = sections[index].parent
        while parent is not None and parent in by_id and by_id[parent] not in found:
            found.add(by_id[parent])
            parent = sections[by_id[parent]].parent
        return found

    matched: dict[int, int] = {}  # expected index -> section index
    cursor = 0
    good = 0
    missing: list[str] = []
    for i, (level, text) in enumerate(expected):
        key = _heading_key(text)
        position = next((j for j in range(cursor, len(keys)) if keys[j] == key), None)
        if position is None:
            missing.append(f"{text} (not found)")
            continue
        matched[i] = position
        cursor = position + 1
        mine = ancestors(position)
        # The nearest expected heading of each lower level above it must enclose it.
        enclosing: list[int] = []
        threshold = level
        for k in range(i - 1, -1, -1):
            if expected[k][0] < threshold:
                enclosing.append(k)
                threshold = expected[k][0]
        ok = all(k in matched and matched[k] in mine for k in enclosing)
        # No earlier expected heading of its level or deeper may be its ancestor.
        for k in range(i):
            if expected[k][0] >= level and k in matched and matched[k] in mine:
                ok = False
        if ok:
            good += 1
        else:
            missing.append(f"{text} (wrong nesting)")
    return good / len(expected), missing


def warm_up() -> None:
    """Import every format's module and the libraries they load on first use, so
    that load times are the formats' own (each import is paid once per process)."""
    import importlib

    for fmt in formats.FORMATS:
        importlib.import_module(fmt.module)
    for library in ("lxml.etree", "docx"):
        try:
            importlib.import_module(library)
        except ImportError:
            continue


def score_file(path: Path) -> Score:
    from index.library import load_document

    expect = yaml.safe_load(path.with_name(path.name + EXPECT_SUFFIX).read_text(encoding="utf-8"))
    head = path.read_bytes()[:4096]
    fmt = formats.format_for(path.name, head)
    result = Score(file=path.name, format=fmt.name if fmt else None)
    result.size_kb = path.stat().st_size / 1024
    if fmt is None:
        result.note = "no loader"
        return result
    start = time.perf_counter()
    document, problems = load_document(path, path.stem)
    result.seconds = time.perf_counter() - start
    result.kb_per_second = result.size_kb / result.seconds if result.seconds else 0.0
    result.errors = [_problem(p) for p in problems if p.severity is Severity.ERROR]
    result.loaded = document is not None and not result.errors
    if document is None:
        return result
    result.title = document.title
    titles = [expect.get("title") or "", *list(expect.get("title_also") or [])]
    result.title_ok = normalize(document.title) in {normalize(t) for t in titles}
    expected = [(int(level), str(text)) for level, text in expect.get("headings") or []]
    result.heading_recall, result.missing_headings = heading_recall(document, expected)
    texts = document_texts(document)
    haystack = " \n ".join(normalize(h) + " \n " + normalize(t) for h, t in texts)
    flat = normalize(haystack)
    sentences = [str(s) for s in expect.get("sentences") or []]
    found = [s for s in sentences if contains_words(flat, s)]
    result.sentence_recall = len(found) / len(sentences) if sentences else 1.0
    result.missing_sentences = [s for s in sentences if s not in found]
    result.absent_found = [
        str(a) for a in expect.get("absent") or [] if contains_words(flat, str(a))
    ]
    return result


def _problem(problem: Problem) -> str:
    return f"{problem.message} ({problem.action})" if problem.action else problem.message


def add_folder_seconds(files: list[Path], count: int = 50) -> dict[str, Any]:
    """Time to open a session on a new folder of `count` files copied from `files`
    under other names (all their kinds mixed), index built."""
    from index.session import open_session

    readable = [f for f in files if has_loader(f)]
    if not readable:
        return {"files": 0}
    with tempfile.TemporaryDirectory(prefix="oncoref-import-") as tmp:
        folder = Path(tmp) / "clinic"
        folder.mkdir()
        for n in range(count):
            original = readable[n % len(readable)]
            shutil.copyfile(original, folder / f"doc-{n:03d}-{original.name}")
        start = time.perf_counter()
        session = open_session([folder], bundled=False, index_dir=Path(tmp) / "index")
        opened = time.perf_counter() - start
        session.searcher()
        indexed = time.perf_counter() - start
        documents = len(session.library.documents)
        session.close()
    return {
        "files": count,
        "documents": documents,
        "open_seconds": round(opened, 2),
        "open_and_index_seconds": round(indexed, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=IMPORT_CORPUS)
    parser.add_argument("--no-folder", action="store_true", help="skip the 50-file folder")
    args = parser.parse_args()
    files = expectation_files(args.corpus)
    warm_up()
    scores = [score_file(f) for f in files]
    for score in scores:
        print(json.dumps(score.as_json(), ensure_ascii=False))
    loaded = [s for s in scores if s.format]
    by_format: dict[str, dict[str, Any]] = {}
    for score in loaded:
        entry = by_format.setdefault(score.format or "", {"files": 0, "kb": 0.0, "seconds": 0.0})
        entry["files"] += 1
        entry["kb"] += score.size_kb
        entry["seconds"] += score.seconds
    for entry in by_format.values():
        entry["kb_per_second"] = round(entry["kb"] / entry["seconds"], 1) if entry["seconds"] else 0
        entry["kb"] = round(entry["kb"], 1)
        entry["seconds"] = round(entry["seconds"], 3)
    overall = {
        "files": len(scores),
        "scored": len(loaded),
        "no_loader": [s.file for s in scores if not s.format],
        "passed": sum(s.passed for s in loaded),
        "heading_recall": round(statistics.mean(s.heading_recall for s in loaded), 3)
        if loaded
        else None,
        "sentence_recall": round(statistics.mean(s.sentence_recall for s in loaded), 3)
        if loaded
        else None,
        "absent_found": sum(len(s.absent_found) for s in loaded),
        "titles_right": sum(s.title_ok for s in loaded),
        "by_format": by_format,
    }
    if not args.no_folder:
        overall["add_folder_of_50"] = add_folder_seconds(files)
    print(json.dumps({"overall": overall}, ensure_ascii=False))


if __name__ == "__main__":
    main()
