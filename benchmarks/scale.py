"""Scale: a clinic library of 116, 1,000 and 5,000 documents, from start to search.

The libraries are made from the MedQuAD documents (../shared/corpus/medquad-cancergov):
the 116 real ones, and for larger sizes as many more whose sections recombine
paragraphs of the same kind of section from different documents, under varied
titles and cancer types, in a few subfolders. They are made the same way every
time (seeded) and kept in the work folder, so a second run starts at once.

For each size, with scratch cache, settings and data folders (never the user's):

* reading the library and building its index (in this process);
* the window, each start a process of its own and interleaved with a bare PySide6
  window: first start (no snapshot) to ready, restart (snapshot) as a ratio to the
  bare window, restart after one document was edited as a ratio to an unchanged
  restart; the snapshot's size;
* the command line, process start to first answer, as a ratio to the same search
  of the bundled library alone;
* question search over 200 MedQuAD questions (taken evenly) and search as each key is typed
  (prefixes of the questions, 3-letter ones apart), against SQLite FTS5 over the
  same sections in the same run (stop words out);
* the real window (offscreen): key press to results drawn (debounce included),
  the longest stall of the window's thread while typing and while filtering the
  Contents (a 5 ms heartbeat timer), and its memory once searchable;
* where the window's memory goes (step by step);
* at 116 documents: MedQuAD relevance (benchmarks.relevance).

    python -m benchmarks.scale [--sizes 116,1000,5000] [--workdir DIR]

Prints one JSON object. Slow parts are sampled at the larger sizes; the JSON says
how many of each were run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from benchmarks.common import MEDQUAD, ROOT, medquad_questions, summary_ms, timed
from benchmarks.startup import BARE_WINDOW
from benchmarks.startup import timed as timed_process

GENERATOR_VERSION = 2
SEED = 17
QUESTIONS = 200
CLI_QUERY = "gleevec side effects"
# Kinds of leaflet and qualifiers that vary the made-up documents' titles and types.
KINDS = ["Treatment", "Screening", "Prevention", "Care Guide", "Patient Leaflet", "Questions"]
QUALIFIERS = ["Childhood", "Adult", "Recurrent", "Familial", "Early", "Advanced", "Rare"]
# Typing in the real window: a quick typist, and what is typed into the Contents filter.
KEY_INTERVAL_MS = 150
FILTER_WORDS = ["lung", "breast cancer", "leuk", "treatment options"]
HEARTBEAT_MS = 5
# No new key is typed into the Contents filter after this (one key may take minutes).
FILTER_BUDGET_S = 60


# -- the libraries ---------------------------------------------------------------


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Source:
    """One MedQuAD document, taken apart."""

    name: str  # file name
    front: dict[str, Any]
    focus: str  # "Adult Acute Lymphoblastic Leukemia"
    sections: list[tuple[str, list[str]]]  # heading, paragraphs


def read_sources(docs: Path = MEDQUAD / "docs", names: list[str] | None = None) -> list[Source]:
    """The documents in `docs` (those `names`, or all), taken apart."""
    sources = []
    paths = [docs / n for n in names] if names is not None else sorted(docs.glob("*.md"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        _, front_text, body = text.split("---\n", 2)
        front = yaml.load(front_text, Loader=_LOADER)
        focus = re.sub(r"\s*-\s*NCI$", "", front["title"])
        focus = re.sub(r"\s+(Treatment|Prevention|Screening)$", "", focus)
        sections = []
        for part in re.split(r"^## ", body, flags=re.MULTILINE)[1:]:
            heading, _, rest = part.partition("\n")
            paragraphs = [p.strip() for p in rest.split("\n\n") if p.strip()]
            sections.append((heading.strip(), paragraphs))
        sources.append(Source(path.name, front, focus, sections))
    return sources


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _made_up(number: int, sources: list[Source], rng: random.Random) -> tuple[str, str]:
    """(relative path, Markdown) of one made-up document: a real document's
    sections, each the start of its own paragraphs and the end of the same kind of
    section of another document, under a varied title and cancer type."""
    base = rng.choice(sources)
    kind = rng.choice(KINDS)
    qualifier = rng.choice(QUALIFIERS)
    qualified = rng.random() < 0.6 and qualifier.lower() not in base.focus.lower()
    name = f"{qualifier} {base.focus}" if qualified else base.focus
    title = f"{name} {kind}"
    types = list(base.front.get("cancerTypes") or [])
    if qualified:
        types.insert(0, re.sub(r"\s+cancer$", "", name.lower()))
    by_heading: dict[str, list[tuple[Source, list[str]]]] = {}
    for source in sources:
        for heading, paragraphs in source.sections:
            by_heading.setdefault(heading.removesuffix(" (2)"), []).append((source, paragraphs))
    lines = [f"# {title}", ""]
    for heading, paragraphs in base.sections:
        if len(base.sections) > 2 and rng.random() < 0.1:
            continue  # a leaflet leaves a section out now and then
        donor, others = rng.choice(by_heading[heading.removesuffix(" (2)")])
        keep = rng.randint(1, max(1, len(paragraphs)))
        start = rng.randint(0, max(0, len(others) - 1))
        text = "\n\n".join(paragraphs[:keep] + others[start:])
        if donor is not base:
            text = text.replace(donor.focus, name).replace(donor.focus.lower(), name.lower())
        lines += [f"## {heading}", "", text, ""]
    if len(lines) == 2:  # every section was left out: the first one is kept as it is
        heading, paragraphs = base.sections[0]
        lines += [f"## {heading}", "", "\n\n".join(paragraphs), ""]
    front = dict(base.front)
    front["title"] = title
    front["cancerTypes"] = types
    front["tags"] = [*rng.sample(list(base.front.get("tags") or ["cancer-type"]), k=1), _slug(kind)]
    front["url"] = f"https://clinic.example.org/leaflets/{number:05d}"
    front.pop("citation", None)
    head = yaml.safe_dump(front, sort_keys=True, allow_unicode=True)
    path = f"{_slug(kind)}/{_slug(name)}-{number:05d}.md"
    return path, f"---\n{head}---\n" + "\n".join(lines)


def make_library(folder: Path, size: int, seed: int = SEED) -> Path:
    """A library of `size` documents in `folder` (made once: a finished one has a
    `.complete` file and is reused). The real documents come first, verbatim."""
    done = folder / ".complete"
    if done.is_file():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    sources = read_sources()
    for source in sources[:size]:
        shutil.copyfile(MEDQUAD / "docs" / source.name, folder / source.name)
    rng = random.Random(seed)
    for number in range(len(sources), size):
        relative, text = _made_up(number, sources, rng)
        path = folder / relative
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    done.write_text(f"{size} documents, generator {GENERATOR_VERSION}, seed {seed}\n")
    return folder


def library_folder(workdir: Path, size: int) -> Path:
    return make_library(workdir / f"library-{size}-v{GENERATOR_VERSION}-s{SEED}", size)


# -- scratch folders -------------------------------------------------------------


def scratch_env(where: Path) -> dict[str, str]:
    """Cache, settings and data folders of this run only (the index, snapshot and
    settings land there, never in the user's)."""
    if where.exists():
        shutil.rmtree(where)
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        ONCOREF_CACHE_DIR=str(where / "cache"),
        ONCOREF_CONFIG_DIR=str(where / "config"),
        ONCOREF_DATA_DIR=str(where / "data"),
        ONCOREF_SYSTEM_DATA_DIR=str(where / "system-data"),
        ONCOREF_SYSTEM_CONFIG=str(where / "system" / "OncoRef.ini"),
        XDG_CONFIG_HOME=str(where / "config"),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as benchmarks.startup: keep bytecode
    return env


# -- start-up and the command line (processes of their own) ----------------------


def _ms(seconds: float) -> float:
    return round(1000 * seconds, 1)


WINDOW = [sys.executable, "-m", "desktop", "--exit-when-ready", "--library"]


def _edit(path: Path, round_: int) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(f"\nA line added to see how a restart after one change goes ({round_}).\n")


def startup(folder: Path, env: dict[str, str], runs: int) -> dict[str, Any]:
    """The window's first start (no snapshot), then restarts against a bare window."""
    app = [*WINDOW, str(folder)]
    bare = [sys.executable, "-c", BARE_WINDOW]
    first, first_exit = timed_process(app, env)  # reads the library, leaves the snapshot
    timed_process(bare, env)
    bare_times, restarts = [], []
    for _ in range(runs):  # interleaved: the same machine load for both
        bare_times.append(timed_process(bare, env)[0])
        restarts.append(timed_process(app, env)[0])
    bare_ready, restart = statistics.median(bare_times), statistics.median(restarts)
    return {
        "first_start_no_snapshot_ms": _ms(first),
        "first_start_to_exit_ms": _ms(first_exit),
        "bare_window_ms": _ms(bare_ready),
        "restart_ms": _ms(restart),
        "restart_ratio_to_bare_window": round(restart / bare_ready, 2),
        "restarts": runs,
    }


def edit_restarts(folder: Path, env: dict[str, str], rounds: int) -> dict[str, Any]:
    """Restart after one document changed (a line added) against an unchanged restart
    just before it. The document is one of the real ones, put back afterwards."""
    app = [*WINDOW, str(folder)]
    target = sorted(folder.glob("*.md"))[0]
    unchanged, edited = [], []
    try:
        for n in range(rounds):
            unchanged.append(timed_process(app, env)[0])
            _edit(target, n)
            edited.append(timed_process(app, env)[0])
    finally:
        shutil.copyfile(MEDQUAD / "docs" / target.name, target)
    return {
        "restart_unchanged_ms": _ms(statistics.median(unchanged)),
        "restart_after_one_edit_ms": _ms(statistics.median(edited)),
        "restart_after_one_edit_ratio": round(
            statistics.median(e / u for e, u in zip(edited, unchanged, strict=True)), 2
        ),
        "edit_rounds": rounds,
    }


def command_line(folder: Path, env: dict[str, str], runs: int) -> dict[str, Any]:
    """`oncoref search` from process start to its answer: with the clinic folder, and
    on the bundled library alone (its index made first, untimed)."""
    program = [sys.executable, "-m", "desktop", "search", CLI_QUERY]
    clinic = [*program, "--library", str(folder)]

    def answer(command: list[str]) -> float:
        start = time.monotonic()
        subprocess.run(command, env=env, check=True, capture_output=True, cwd=ROOT)
        return time.monotonic() - start

    answer(program)
    bundled, with_clinic = [], []
    for _ in range(runs):
        bundled.append(answer(program))
        with_clinic.append(answer(clinic))
    ours, alone = statistics.median(with_clinic), statistics.median(bundled)
    return {
        "first_answer_ms": _ms(ours),
        "bundled_only_ms": _ms(alone),
        "ratio_to_bundled_only": round(ours / alone, 2),
        "runs": runs,
    }


# -- searching (in this process) -------------------------------------------------


def spread_questions(count: int) -> list[str]:
    """`count` MedQuAD questions taken evenly through the list (which goes document
    by document), so that they ask about many cancers."""
    rows = medquad_questions()
    step = max(1, len(rows) // count)
    return [row["question"] for row in rows[::step][:count]]


def typed_prefixes(questions: list[str], limit: int) -> tuple[list[str], list[str]]:
    """What the search box holds as the questions are typed: each word cut at 3 and
    5 letters and whole, after the words before it; the first `limit` different ones,
    and those of them ending in a 3-letter start of a word."""
    prefixes: list[str] = []
    for question in questions:
        words = question.split()
        for n, word in enumerate(words):
            before = " ".join([*words[:n], ""])
            cuts = sorted({c for c in (3, 5, len(word)) if c <= len(word)})
            prefixes += [before + word[:c] for c in cuts]
    prefixes = list(dict.fromkeys(prefixes))[:limit]  # each once
    three = [p for p in prefixes if len(p.split()[-1]) == 3]
    return prefixes, three


def search_latency(session: Any, keystrokes: int, questions: int) -> dict[str, Any]:
    from whoosh.analysis import STOP_WORDS

    from benchmarks.search_latency import fts5_build, fts5_query

    asked = spread_questions(questions)
    session.search(asked[0], limit=10, prefix=False)  # warm, as the window does
    ours = [timed(partial(session.search, q, limit=10, prefix=False))[0] for q in asked]
    prefixes, three = typed_prefixes(asked, keystrokes)
    typing = {p: timed(partial(session.search, p))[0] for p in prefixes}
    db, fts_build = fts5_build(session.library)
    fts5_query(db, asked[0], 10, STOP_WORDS)
    reference = [timed(partial(fts5_query, db, q, 10, STOP_WORDS))[0] for q in asked]
    fts_typing = [
        timed(partial(fts5_query, db, p, 40, STOP_WORDS, prefix=True))[0] for p in prefixes
    ]
    db.close()
    mine, theirs = summary_ms(ours), summary_ms(reference)
    keys = summary_ms(list(typing.values()))
    return {
        "questions": {
            "whoosh": mine | {"max_ms": round(max(ours), 2)},
            "fts5": theirs | {"max_ms": round(max(reference), 2)},
            "mean_ratio_to_fts5": round(mine["mean_ms"] / max(theirs["mean_ms"], 1e-6), 2),
            "p95_ratio_to_fts5": round(mine["p95_ms"] / max(theirs["p95_ms"], 1e-6), 2),
            "fts5_build_s": round(fts_build, 2),
        },
        "per_keystroke": {
            "whoosh": keys | {"max_ms": round(max(typing.values()), 2)},
            "three_letter_prefixes": summary_ms([typing[p] for p in three])
            | {"max_ms": round(max(typing[p] for p in three), 2)},
            "fts5": summary_ms(fts_typing) | {"max_ms": round(max(fts_typing), 2)},
            "note": f"prefixes of the first {len(prefixes)} keystrokes of the questions,"
            " each word at 3 and 5 letters and whole (each once); 40 results, as the"
            " window asks",
        },
    }


def relevance(folder: Path, where: Path) -> dict[str, float]:
    """MedQuAD relevance over the 116 real documents alone (as benchmarks.relevance)."""
    from benchmarks.relevance import medquad_scores
    from index.session import open_session

    session = open_session([folder], bundled=False, index_dir=where / "relevance-index")
    try:
        return medquad_scores(session.searcher())
    finally:
        session.close()


# -- the real window (a process of its own) --------------------------------------


def window_parts(window: Any) -> dict[str, Any]:
    """What the window probe uses of the window, in one place: the search box, the
    view that shows results, a signal (serial, SearchResult) sent when results
    arrive, the Contents filter box, and whether search is ready."""
    from PySide6.QtWidgets import QAbstractItemView, QLineEdit

    panel = window.search  # made when first needed
    views = [v for v in panel.findChildren(QAbstractItemView) if v.isVisibleTo(panel)]
    named = [v for v in views if v.accessibleName() == "Search results"]
    filters = [
        e
        for e in window.contents.findChildren(QLineEdit)
        if e.accessibleName() == "Filter contents"
    ]
    return {
        "search_box": window.search_field,
        "results_view": (named or views)[0],
        "results_arrived": window.worker.results,
        "contents_filter": (filters or [window.contents.filter])[0],
        "searchable": lambda: bool(window.searchable),
    }


def _rss_mb() -> dict[str, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    return fields


class _Heartbeat:
    """A timer on the window's thread every HEARTBEAT_MS: the longest gap between two
    ticks is the longest the window could not answer (per phase of the probe)."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.phase = "idle"
        self.last = time.perf_counter()
        self.longest: dict[str, float] = {}
        self.over_50_ms: dict[str, int] = {}
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        now = time.perf_counter()
        gap, self.last = (now - self.last) * 1000, now
        self.longest[self.phase] = max(self.longest.get(self.phase, 0.0), gap)
        self.over_50_ms[self.phase] = self.over_50_ms.get(self.phase, 0) + (gap > 50)

    def set_phase(self, phase: str) -> None:
        self.tick()  # the gap so far belongs to the phase before
        self.phase = phase


def window_probe(folder: Path, typed: int, out: Path) -> None:
    """In the window's own process: open it on `folder`, wait until it is searchable,
    then type questions and Contents filters key by key; write what was seen."""
    from collections.abc import Iterator

    from PySide6.QtCore import QEvent, QObject, Qt, QTimer
    from PySide6.QtTest import QTest

    from desktop.app import make_application
    from desktop.window import MainWindow

    clock = time.perf_counter
    app = make_application()
    started = clock()
    window = MainWindow(extra_libraries=[folder])
    window.show()
    report: dict[str, Any] = {}
    pressed: dict[str, float] = {}  # the search box's text: when the key making it was pressed
    answered: dict[str, float] = {}  # the same: when its results were drawn
    latencies: list[float] = []
    slowest: list[tuple[float, str]] = []  # ms, the search box's text
    waiting: list[str] = []  # results arrived, not drawn yet

    class Drawn(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and waiting:
                now = clock()
                for text in waiting:
                    if text in pressed and text not in answered:
                        answered[text] = now
                        latencies.append((now - pressed[text]) * 1000)
                        slowest.append((latencies[-1], text))
                waiting.clear()
            return False

    def arrived(_serial: int, result: Any) -> None:
        waiting.append(result.query)

    def script() -> Iterator[int]:
        deadline = clock() + 1800
        while not window.is_ready and clock() < deadline:
            yield 20
        report["to_ready_s"] = round(clock() - started, 2)
        parts = window_parts(window)
        while not parts["searchable"]() and clock() < deadline:
            yield 50
        report["to_searchable_s"] = round(clock() - started, 2)
        yield 500
        gc.collect()
        report["rss_searchable_mb"] = _rss_mb()["VmRSS"]
        parts["results_arrived"].connect(arrived)
        drawn = Drawn()
        parts["results_view"].viewport().installEventFilter(drawn)
        box = parts["search_box"]
        box.setFocus()
        keys = 0
        for question in spread_questions(typed):
            pressed.clear()  # questions may begin alike: each is timed on its own
            answered.clear()
            beat.set_phase("typing")
            for char in question:
                before = clock()
                QTest.keyClicks(box, char)
                pressed[box.text()] = before
                keys += 1
                yield KEY_INTERVAL_MS
            until = clock() + 10
            while box.text() not in answered and clock() < until:
                yield 10
            beat.set_phase("idle")
            box.selectAll()
            QTest.keyClick(box, Qt.Key.Key_Backspace)
            yield 500
        ordered = sorted(latencies)
        report["typing"] = {
            "questions": typed,
            "keys": keys,
            "key_interval_ms": KEY_INTERVAL_MS,
            "results_drawn": len(latencies),
            "slowest_ms": [[round(ms), text] for ms, text in sorted(slowest)[-4:]],
            "key_to_drawn_median_ms": round(statistics.median(ordered), 1) if ordered else None,
            "key_to_drawn_p95_ms": round(ordered[round(0.95 * (len(ordered) - 1))], 1)
            if ordered
            else None,
            "key_to_drawn_max_ms": round(ordered[-1], 1) if ordered else None,
            "longest_stall_ms": round(beat.longest.get("typing", 0.0), 1),
            "stalls_over_50_ms": beat.over_50_ms.get("typing", 0),
        }
        window.show_tab(0)
        field = parts["contents_filter"]
        field.setFocus()
        handled: list[tuple[float, str]] = []  # ms, the filter's text after the key
        yield 500
        beat.set_phase("filtering")
        until = clock() + FILTER_BUDGET_S
        for word in FILTER_WORDS:
            if clock() > until:
                break  # a key cannot be stopped once pressed, so keys stop here
            for char in [*word, "clear"]:
                before = clock()
                if char == "clear":
                    field.selectAll()
                    QTest.keyClick(field, Qt.Key.Key_Backspace)
                else:
                    QTest.keyClicks(field, char)
                handled.append(((clock() - before) * 1000, field.text() or "(cleared)"))
                yield KEY_INTERVAL_MS if char != "clear" and clock() < until else 1000
        beat.set_phase("idle")
        times = [ms for ms, _ in handled]
        report["contents_filter"] = {
            "words": FILTER_WORDS,
            "keys": len(handled),
            "stopped_early": len(handled) < sum(len(w) + 1 for w in FILTER_WORDS),
            "key_handling_max_ms": round(max(times), 1),
            "key_handling_median_ms": round(statistics.median(times), 1),
            "slowest_keys_ms": [[round(ms), text] for ms, text in sorted(handled)[-4:]],
            "longest_stall_ms": round(beat.longest.get("filtering", 0.0), 1),
            "stalls_over_50_ms": beat.over_50_ms.get("filtering", 0),
        }
        report["rss_after_use_mb"] = _rss_mb()

    def step(steps: Iterator[int]) -> None:
        try:
            wait = next(steps)
        except StopIteration:
            window.close()
            app.quit()
            return
        QTimer.singleShot(wait, lambda: step(steps))

    beat = _Heartbeat()
    QTimer.singleShot(0, lambda: step(script()))
    app.exec()
    out.write_text(json.dumps(report), encoding="utf-8")


def memory_probe(folder: Path, out: Path) -> None:
    """Where the window's memory goes: the process's resident memory after each of
    the window's steps, done one by one (the snapshot must be current)."""
    from desktop.app import make_application

    make_application()
    import desktop.contents
    import desktop.window
    from index.session import open_session

    steps: list[dict[str, Any]] = []
    last = [0.0]

    def mark(step: str, **extra: Any) -> None:
        gc.collect()
        memory = _rss_mb()
        rss = memory["VmRSS"]
        added = round(rss - last[0], 1)
        steps.append({"step": step, "rss_mb": rss, "added_mb": added, "peak_mb": memory["VmHWM"]})
        steps[-1].update(extra)
        last[0] = rss

    mark("Python, Qt and the program's modules")
    took, session = timed(lambda: open_session([folder], use_snapshot=True))
    mark("the library, from the snapshot", ms=round(took), from_snapshot=session.from_snapshot)
    import whoosh.searching  # noqa: F401

    import index.search.searcher  # noqa: F401

    mark("Whoosh and the searcher's modules")
    session.searcher()
    mark("the index opened")
    for query in ("breast cancer treatment", "bre", "what are the symptoms of lung cancer"):
        session.search(query)
    mark("three searches (caches filled)")
    tree = session.tree()
    nodes, stack = 0, [tree]
    while stack:
        node = stack.pop()
        nodes += 1
        stack.extend(node.children)
    mark("the contents tree (plain nodes)", nodes=nodes)
    panel = desktop.contents.ContentsPanel()
    panel.set_library(session.library, session.taxonomy)
    mark("the Contents panel filled (model, proxy, view)")
    documents = session.library.documents
    sections = [s for d in documents for s in d.sections]
    strings = {
        "sections_as_held_mb": sum(_held(s) for s in sections),
        "section_body_unpacked_mb": sum(sys.getsizeof(s.body) for s in sections),
        "section_text_unpacked_mb": sum(sys.getsizeof(s.text) for s in sections),
        "headings_and_ids_mb": sum(
            sys.getsizeof(s.heading) + sys.getsizeof(s.id) for s in sections
        ),
    }
    census: dict[str, list[int]] = {}
    for thing in gc.get_objects():
        kind = type(thing).__name__
        if kind in ("Document", "Section", "Metadata", "GlossaryRef", "Node", "Problem"):
            size = sys.getsizeof(thing) + sys.getsizeof(getattr(thing, "__dict__", None))
            count = census.setdefault(kind, [0, 0])
            count[0], count[1] = count[0] + 1, count[1] + size
    out.write_text(
        json.dumps(
            {
                "steps": steps,
                "objects (count, MB without their strings)": {
                    k: [n, round(b / 2**20, 1)] for k, (n, b) in sorted(census.items())
                },
                "documents": len(documents),
                "sections": len(sections),
                "strings_in_the_library": {k: round(v / 2**20, 1) for k, v in strings.items()},
                "glossary_links": sum(len(s.glossary_refs) for s in sections),
            }
        ),
        encoding="utf-8",
    )
    del tree, panel


def _held(thing: object) -> int:
    """The bytes of the text an object holds (its str and bytes fields, also inside
    tuples), as kept in memory: packed text counts packed, and a view of a snapshot's
    file counts the bytes it shows."""
    names = getattr(thing, "__slots__", ()) or list(getattr(thing, "__dict__", {}))
    total = 0
    for name in names:
        value = getattr(thing, name, None)
        for part in value if isinstance(value, tuple) else (value,):
            if isinstance(part, str | bytes):
                total += sys.getsizeof(part)
            elif isinstance(part, memoryview):
                total += part.nbytes
    return total


def _probe(kind: str, folder: Path, env: dict[str, str], *extra: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        command = [sys.executable, "-m", "benchmarks.scale", f"--{kind}", str(folder), str(out)]
        done = subprocess.run(
            [*command, *extra], env=env, cwd=ROOT, timeout=2400, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"the {kind} failed:\n{done.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result
    finally:
        out.unlink(missing_ok=True)


# -- one size --------------------------------------------------------------------


@dataclass
class Plan:
    """How much of each slow measurement is run at one size (sampled when large)."""

    restarts: int
    edits: int
    cli_runs: int
    questions: int
    keystrokes: int
    typed_questions: int


def plan(size: int) -> Plan:
    # Restarts are cheap (under a second) and a bare window's time varies by a third
    # from one run to the next, a restart's by a tenth from one to the next: fifteen
    # of each, and five edits, keep the medians steady.
    if size <= 1000:
        return Plan(
            restarts=15, edits=5, cli_runs=2, questions=QUESTIONS, keystrokes=150, typed_questions=5
        )
    return Plan(
        restarts=15, edits=5, cli_runs=1, questions=QUESTIONS, keystrokes=100, typed_questions=5
    )


def measure(size: int, workdir: Path, log: Callable[[str], None]) -> dict[str, Any]:
    took, folder = timed(lambda: library_folder(workdir, size))
    log(f"{size}: library ready in {took / 1000:.1f} s")
    env = scratch_env(workdir / "run" / str(size))
    os.environ.update({k: v for k, v in env.items() if k.startswith(("ONCOREF_", "XDG_"))})
    steps = plan(size)
    from index.session import default_index_dir, library_roots, open_session
    from index.snapshot import snapshot_path

    read_ms, session = timed(lambda: open_session([folder]))
    build_ms, _ = timed(session.searcher)
    documents = len(session.library.documents)
    sections = sum(len(d.sections) for d in session.library.documents)
    log(f"{size}: read {read_ms / 1000:.1f} s, index built {build_ms / 1000:.1f} s; searching")
    searching = search_latency(session, steps.keystrokes, steps.questions)
    session.close()
    del session
    gc.collect()
    log(f"{size}: start-up")
    result: dict[str, Any] = {
        "documents": documents,
        "sections": sections,
        "clinic_documents": size,
        "plan": steps.__dict__,
        "library_read_s": round(read_ms / 1000, 2),
        "index_build_s": round(build_ms / 1000, 2),
    }
    result["window_start"] = startup(folder, env, steps.restarts)
    snapshot = snapshot_path(default_index_dir(library_roots([folder])))
    result["snapshot_mb"] = round(snapshot.stat().st_size / 2**20, 1) if snapshot.exists() else None
    log(f"{size}: command line")
    result["command_line"] = command_line(folder, env, steps.cli_runs)
    result["search"] = searching
    log(f"{size}: the window, typing")
    result["window"] = _probe("window-probe", folder, env, str(steps.typed_questions))
    log(f"{size}: memory")
    result["memory"] = _probe("memory-probe", folder, env)
    log(f"{size}: restarts after one edit")
    result["window_start"] |= edit_restarts(folder, env, steps.edits)
    if size <= len(read_sources()):
        log(f"{size}: relevance")
        result["relevance"] = relevance(folder, workdir / "run" / str(size))
    result["targets"] = targets(result)
    return result


def targets(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The figures the goals for a large library are set on: value, goal, met. (The
    goals are set for 1,000 documents (the first four) and 5,000 (the rest).)"""
    start, window = result["window_start"], result["window"]
    figures = {
        "question_mean_ratio_to_fts5": (result["search"]["questions"]["mean_ratio_to_fts5"], 4.0),
        "restart_ratio_to_bare_window": (start["restart_ratio_to_bare_window"], 2.5),
        "restart_after_one_edit_ratio": (start["restart_after_one_edit_ratio"], 1.5),
        "command_line_ratio_to_bundled_only": (
            result["command_line"]["ratio_to_bundled_only"],
            2.0,
        ),
        "keystroke_p95_ms": (result["search"]["per_keystroke"]["whoosh"]["p95_ms"], 250),
        "key_to_drawn_p95_ms": (window["typing"]["key_to_drawn_p95_ms"], 400),
        "longest_stall_typing_ms": (window["typing"]["longest_stall_ms"], 50),
        "longest_stall_filtering_ms": (window["contents_filter"]["longest_stall_ms"], 50),
        "window_rss_mb": (window["rss_searchable_mb"], 400),
    }
    return {
        name: {"value": value, "goal": goal, "met": value is not None and value <= goal}
        for name, (value, goal) in figures.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="116,1000,5000", help="library sizes, e.g. 116,1000")
    parser.add_argument("--workdir", type=Path, help="where libraries are kept (default: temp)")
    parser.add_argument("--window-probe", nargs=3, metavar=("FOLDER", "OUT", "QUESTIONS"))
    parser.add_argument("--memory-probe", nargs=2, metavar=("FOLDER", "OUT"))
    args = parser.parse_args()
    if args.window_probe:
        folder, out, typed = args.window_probe
        window_probe(Path(folder), int(typed), Path(out))
        return 0
    if args.memory_probe:
        memory_probe(Path(args.memory_probe[0]), Path(args.memory_probe[1]))
        return 0
    if not MEDQUAD.is_dir():
        print(f"MedQuAD corpus not found at {MEDQUAD}", file=sys.stderr)
        return 1
    workdir = args.workdir or Path(tempfile.gettempdir()) / "oncoref-scale"
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:6.0f} s] {message}", file=sys.stderr, flush=True)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = {str(size): measure(size, workdir.resolve(), log) for size in sizes}
    print(
        json.dumps(
            {
                "benchmark": "scale",
                "generator": {"version": GENERATOR_VERSION, "seed": SEED},
                "workdir": str(workdir),
                "seconds": round(time.monotonic() - started),
                "sizes": results,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
