"""Screenshots for README: `xvfb-run -s "-screen 0 1400x900x24" python packaging/screenshots.py`.

Takes the main window (contents open, a GIST section), a glossary popup and the
search results for "gleevec", in the light and the dark palette, into docs/screenshots/.
Uses throwaway settings, cache and data folders, so nobody's own settings, snapshot
key or history are touched. `isolate`, `open_window` and `Camera` serve
packaging/screenshots_reference.py too.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop.window import MainWindow

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def isolate(theme: str) -> Path:
    """Settings, cache and data in a scratch folder (returned); the theme asked for."""
    scratch = Path(tempfile.mkdtemp())
    os.environ["ONCOREF_THEME"] = theme
    for name in ("CACHE", "DATA", "CONFIG"):
        os.environ[f"ONCOREF_{name}_DIR"] = str(scratch / name.lower())
    os.environ["ONCOREF_SYSTEM_CONFIG"] = str(scratch / "system.ini")
    return scratch


def open_window() -> tuple[QApplication, MainWindow]:
    """The window on the bundled library, at the size README shows it."""
    from desktop.app import make_application
    from desktop.window import MainWindow

    app = make_application()
    window = MainWindow()
    window.resize(1280, 800)
    window.move(40, 40)
    window.show()
    return app, window


class Camera:
    """Waits for the window and saves what a widget shows, as NAME-THEME.png."""

    def __init__(self, app: QApplication, theme: str) -> None:
        self.app = app
        self.theme = theme

    def wait(self, condition: Callable[[], object], ms: int = 15000) -> None:
        end = time.monotonic() + ms / 1000
        while not condition() and time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.01)

    def shot(self, widget: QWidget, name: str) -> None:
        for _ in range(30):
            self.app.processEvents()
        geometry = widget.frameGeometry()
        image = self.app.primaryScreen().grabWindow(
            0, geometry.x(), geometry.y(), geometry.width(), geometry.height()
        )
        image.save(str(OUT / f"{name}-{self.theme}.png"))


def main(theme: str) -> None:
    isolate(theme)
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QApplication

    from desktop.history import Location
    from desktop.reader import text_fragments

    app, window = open_window()
    camera = Camera(app, theme)
    wait = camera.wait

    def shot(name: str) -> None:
        camera.shot(window, name)

    wait(lambda: window.is_ready and window.search.ready)
    assert window.session is not None
    gist = window.session.library.get("acs-treating-gist")
    assert gist is not None
    section = next(s for s in gist.sections if s.heading == "Imatinib (Gleevec)")
    window.show_tab(0)
    window.open_location(Location(gist.id, section.id))
    shot("main")

    doc = window.reader.document()
    start = window.reader.cursorForPosition(window.reader.viewport().rect().center()).position()
    href, target = next(
        (fragment.charFormat().anchorHref(), fragment.position() + 1)
        for _, fragment in text_fragments(doc)
        if fragment.position() >= start
        and fragment.charFormat().anchorHref().startswith("glossary:")
    )
    term = QTextCursor(doc)
    term.setPosition(target)
    rect = window.reader.cursorRect(term)
    window._link(href, window.reader.viewport().mapToGlobal(rect.bottomLeft()))
    shot("popup")
    window.popup.hide()

    window.search_field_set("gleevec")
    wait(lambda: bool(window.search.result and window.search.hits()))
    window.search.open_current()
    window.search_field.setFocus()
    shot("search")
    window.close()
    QApplication.quit()


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    main(sys.argv[1] if len(sys.argv) > 1 else "light")
