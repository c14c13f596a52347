"""Startup: process start to a usable window, against a bare PySide6 window.

`oncoref --exit-when-ready` quits once the contents tree is filled and the first
document is rendered. The bare window imports QtWidgets, shows an empty
QMainWindow and quits, measured the same way in the same run. Also: the time
to render the largest bundled document into the reader. Prints JSON.

    python -m benchmarks.startup [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE_WINDOW = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1180, 780)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def render_largest(env: dict[str, str]) -> dict[str, object]:
    """In this process: Markdown to HTML with terms marked, then into the reader."""
    os.environ.update(env)
    from desktop.app import make_application
    from desktop.reader import Reader
    from index.core import open_core
    from index.render import DocumentRenderer

    make_application()
    core = open_core()
    largest = max(core.library.documents, key=lambda d: d.path.stat().st_size)
    renderer = DocumentRenderer(core.glossary)
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="oncoref-startup-"))
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        ONCOREF_CACHE_DIR=str(scratch / "cache"),
        XDG_CONFIG_HOME=str(scratch / "config"),  # a fresh settings file, not the user's
    )
    app = [sys.executable, "-m", "index.cli", "--exit-when-ready"]
    bare = [sys.executable, "-c", BARE_WINDOW]

    first_run = timed(app, env)  # builds the index in the cache
    timed(bare, env)  # warm the disk cache for both
    app_times, bare_times = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine load
        bare_times.append(timed(bare, env))
        app_times.append(timed(app, env))
    app_median, bare_median = statistics.median(app_times), statistics.median(bare_times)
    print(
        json.dumps(
            {
                "benchmark": "startup",
                "runs": args.runs,
                "bare_window_ms": round(1000 * bare_median, 1),
                "oncoref_ready_ms": round(1000 * app_median, 1),
                "ratio": round(app_median / bare_median, 2),
                "target_ratio": 2.0,
                "oncoref_first_run_ms": round(1000 * first_run, 1),
                "oncoref_p90_ms": round(
                    1000 * sorted(app_times)[int(0.9 * (len(app_times) - 1))], 1
                ),
                "render_largest_document": render_largest(env),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
