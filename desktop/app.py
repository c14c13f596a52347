"""Starting the window: `oncoref` with no command, or `python -m desktop`."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop.theme import apply_palette
from desktop.window import MainWindow
from index import __version__

ORGANIZATION = "OncoRef"
APPLICATION = "OncoRef"


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APPLICATION)
        QCoreApplication.setApplicationVersion(__version__)
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setDesktopFileName("oncoref")
    apply_palette(app)
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _: apply_palette(app))
    return app


def run(args: argparse.Namespace) -> int:
    app = make_application()
    window = MainWindow(
        extra_libraries=list(args.library or []),
        bundled=not args.no_bundled,
        index_dir=args.index_dir,
    )
    if args.exit_when_ready:
        window.ready.connect(lambda: QTimer.singleShot(0, window.close))
    window.show()
    return app.exec()
