"""Starting the window: `oncoref` with no command, or `python -m desktop`."""

from __future__ import annotations

import argparse
import gc
import sys
import time

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from desktop.settings import APPLICATION, ORGANIZATION
from desktop.theme import apply_palette, shipped_icon
from desktop.window import MainWindow
from index import __version__

# The window's thread and the worker's both run Python. Each call the window makes
# into Qt lets go of Python's lock, and taking it back from a busy worker waits out
# the switch interval (5 ms by default). At 1,000 documents, a restart took 2.52x a
# bare window with the default, 2.37x with 0.2 ms and 2.66x with 20 ms; at 5,000,
# the longest stall of the window while typing was 43-63 ms with the default and
# 19-35 ms with 0.2 ms (three runs each).
SWITCH_INTERVAL_S = 0.0002


def make_application(argv: list[str] | None = None) -> QApplication:
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APPLICATION)
        QCoreApplication.setApplicationVersion(__version__)
        # Fusion from the start: setting it afterwards costs start-up time (~7 ms).
        app = QApplication([*(argv if argv is not None else sys.argv[:1]), "-style", "Fusion"])
        app.setDesktopFileName("oncoref")
    else:
        app.setStyle("Fusion")
    app.setWindowIcon(application_icon())
    apply_palette(app)
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _: apply_palette(app))
    return app


def application_icon() -> QIcon:
    return shipped_icon("oncoref")


def run(args: argparse.Namespace) -> int:
    app = make_application()
    window = MainWindow(
        extra_libraries=list(args.library or []),
        bundled=not args.no_bundled,
        index_dir=args.index_dir,
    )
    if args.exit_when_ready:
        window.ready.connect(lambda: QTimer.singleShot(0, lambda: _report_and_close(window)))
    window.show()
    QTimer.singleShot(0, _after_start_up)
    return app.exec()


def _after_start_up() -> None:
    """What start-up made lives on, so it is set aside for good and never scanned
    again; garbage collection (off since desktop.main) resumes for what comes after."""
    gc.freeze()
    gc.enable()


def _report_and_close(window: MainWindow) -> None:
    """For smoke tests and benchmarks: what was shown, and when (on the system's
    monotonic clock, which a parent process can compare with its own)."""
    library = window.session.library if window.session else None
    documents = len(library.documents) if library else 0
    sections = sum(len(d.sections) for d in library.documents) if library else 0
    print(
        f"ready: {documents} documents, {sections} sections "
        f"(monotonic clock {time.monotonic():.6f} s)",
        flush=True,
    )
    window.close()
