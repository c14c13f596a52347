"""Screenshots for README: `xvfb-run -s "-screen 0 1400x900x24" python packaging/screenshots.py`.

Takes the main window (contents open, a GIST section), a glossary popup and the
search results for "gleevec", in the light and the dark palette, into docs/screenshots/.
Uses a throwaway settings file and cache so nobody's own settings are touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main(theme: str) -> None:
    os.environ["ONCOREF_THEME"] = theme
    os.environ.setdefault("ONCOREF_CACHE_DIR", tempfile.mkdtemp())
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QApplication

    from desktop.app import make_application
    from desktop.history import Location
    from desktop.reader import text_fragments
    from desktop.settings import Settings
    from desktop.window import MainWindow

    app = make_application()
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=Settings(settings))
    window.resize(1280, 800)
    window.move(40, 40)
    window.show()

    def wait(condition: Callable[[], object], ms: int = 15000) -> None:
        import time

        end = time.monotonic() + ms / 1000
        while not condition() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def settle() -> None:
        for _ in range(30):
            app.processEvents()

    def shot(name: str) -> None:
        settle()
        geometry = window.frameGeometry()
        image = app.primaryScreen().grabWindow(
            0, geometry.x(), geometry.y(), geometry.width(), geometry.height()
        )
        image.save(str(OUT / f"{name}-{theme}.png"))

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
