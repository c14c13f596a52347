"""Startup: process start to a usable window, against a bare PySide6 window.

`oncoref --exit-when-ready` says when the contents tree was filled and the first
document rendered (on the monotonic clock, the same one this process reads) and
quits. The bare window imports QtWidgets, shows an empty QMainWindow, says when
its event loop ran, and quits; the two are measured the same way, interleaved,
in the same run. The primary figure is process start to ready; process start to
exit (the teardown included) is reported beside it. Also: the time to render
the largest bundled document into the reader. Prints JSON.

With --bundle, the frozen program (packaging/build.sh) is measured the same
way, interleaved with the others, and so is a first search with an empty cache
for both: the source install builds its index then, the bundle ships one.

With --compare DIR, another checkout of OncoRef (an earlier commit, say, made
with `git worktree add DIR COMMIT`) is measured the same way, interleaved: a
before-and-after in one run, on the same machine load.

    python -m benchmarks.startup [--runs N] [--bundle dist/OncoRef/OncoRef] [--compare DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE_WINDOW = """
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1180, 780)
window.show()
def ready():
    print(f"ready (monotonic clock {time.monotonic():.6f} s)", flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""
_CLOCK = re.compile(r"monotonic clock ([0-9.]+) s")


def timed(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float]:
    """(seconds to ready, seconds to exit) from the moment the process is started."""
    start = time.monotonic()
    done = subprocess.run(command, env=env, check=True, capture_output=True, cwd=cwd, text=True)
    ended = time.monotonic()
    found = _CLOCK.search(done.stdout)
    if not found:
        raise SystemExit(f"no ready time in the output of {command[:3]}: {done.stdout!r}")
    return float(found.group(1)) - start, ended - start


def render_largest(env: dict[str, str]) -> dict[str, object]:
    """In this process: Markdown to HTML with terms marked, then into the reader."""
    os.environ.update(env)
    from desktop.app import make_application
    from desktop.reader import Reader
    from index.render.document import DocumentRenderer
    from index.session import open_session

    make_application()
    session = open_session()
    largest = max(session.library.documents, key=lambda d: d.path.stat().st_size)
    renderer = DocumentRenderer(session.glossary)
    reader = Reader()
    reader.resize(1000, 760)
    to_html, to_screen = [], []
    for _ in range(7):
        start = time.perf_counter()
        page = renderer.document_html(largest)
        middle = time.perf_counter()
        reader.show_html(page)
        to_html.append(middle - start)
        to_screen.append(time.perf_counter() - middle)
    return {
        "document": largest.id,
        "bytes": largest.path.stat().st_size,
        "html_ms": round(1000 * statistics.median(to_html), 1),
        "reader_ms": round(1000 * statistics.median(to_screen), 1),
        "total_ms": round(1000 * (statistics.median(to_html) + statistics.median(to_screen)), 1),
    }


def first_search(command: list[str], env: dict[str, str], scratch: Path, runs: int) -> float:
    """Median seconds for `search` to answer, each time with an empty cache."""
    times = []
    for _ in range(runs):
        fresh = dict(env, ONCOREF_CACHE_DIR=tempfile.mkdtemp(prefix="first-search-", dir=scratch))
        start = time.monotonic()
        subprocess.run([*command, "search", "gleevec"], env=fresh, check=True, capture_output=True)
        times.append(time.monotonic() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--bundle", type=Path, help="the frozen program to measure as well")
    parser.add_argument("--compare", type=Path, help="another checkout to measure as well")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="oncoref-startup-"))
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        ONCOREF_CACHE_DIR=str(scratch / "cache"),
        XDG_CONFIG_HOME=str(scratch / "config"),  # a fresh settings file, not the user's
    )
    # A source install keeps its compiled bytecode (__pycache__), as the bundle does in
    # its archive: without this, a shell that sets it would time compiling every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    source = [sys.executable, "-m", "desktop"]
    app = [*source, "--exit-when-ready"]
    bare = [sys.executable, "-c", BARE_WINDOW]
    frozen = [str(args.bundle.resolve())] if args.bundle else None

    other = args.compare.resolve() if args.compare else None
    other_env = dict(env, ONCOREF_CACHE_DIR=str(scratch / "other-cache"))

    first_run, _ = timed(app, env)  # reads the library and leaves the startup snapshot
    timed(bare, env)  # warm the disk cache for both
    if frozen:
        timed([*frozen, "--exit-when-ready"], env)
    if other:
        timed(app, other_env, other)
    app_times, bare_times, frozen_times, other_times = [], [], [], []
    for _ in range(args.runs):  # interleaved, so all see the same machine load
        bare_times.append(timed(bare, env))
        app_times.append(timed(app, env))
        if frozen:
            frozen_times.append(timed([*frozen, "--exit-when-ready"], env))
        if other:
            other_times.append(timed(app, other_env, other))
    app_ready = statistics.median(t for t, _ in app_times)
    bare_ready = statistics.median(t for t, _ in bare_times)
    app_exit = statistics.median(t for _, t in app_times)
    bare_exit = statistics.median(t for _, t in bare_times)
    report: dict[str, object] = {}
    if other:
        other_ready = statistics.median(t for t, _ in other_times)
        report["compared"] = {
            "checkout": str(other),
            "ready_ms": round(1000 * other_ready, 1),
            "ratio_to_bare_window": round(other_ready / bare_ready, 2),
            "this_checkout_ratio_to_it": round(app_ready / other_ready, 2),
        }
    if frozen:
        frozen_ready = statistics.median(t for t, _ in frozen_times)
        report["bundle"] = {
            "ready_ms": round(1000 * frozen_ready, 1),
            "ratio_to_bare_window": round(frozen_ready / bare_ready, 2),
            "ratio_to_source_install": round(frozen_ready / app_ready, 2),
            "to_exit_ms": round(1000 * statistics.median(t for _, t in frozen_times), 1),
            "first_search_empty_cache_ms": round(1000 * first_search(frozen, env, scratch, 3), 1),
            "source_first_search_empty_cache_ms": round(
                1000 * first_search(source, env, scratch, 3), 1
            ),
        }
    print(
        json.dumps(
            {
                "benchmark": "startup",
                "runs": args.runs,
                "bare_window_ready_ms": round(1000 * bare_ready, 1),
                "oncoref_ready_ms": round(1000 * app_ready, 1),
                "ratio": round(app_ready / bare_ready, 2),
                "target_ratio": 2.0,
                "oncoref_ready_p90_ms": round(
                    1000 * sorted(t for t, _ in app_times)[int(0.9 * (len(app_times) - 1))], 1
                ),
                "oncoref_first_run_ready_ms": round(1000 * first_run, 1),
                "to_exit": {
                    "bare_window_ms": round(1000 * bare_exit, 1),
                    "oncoref_ms": round(1000 * app_exit, 1),
                    "ratio": round(app_exit / bare_exit, 2),
                },
                "render_largest_document": render_largest(env),
                **report,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
