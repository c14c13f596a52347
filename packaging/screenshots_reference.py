"""Screenshots of Home, Bookmarks, Help, About and the handout composer with a care
team's notes, for README:
`xvfb-run -a -s "-screen 0 1400x900x24" python packaging/screenshots_reference.py light|dark`.

Like packaging/screenshots.py, it uses throwaway settings, cache and data folders,
so nobody's own bookmarks or settings are touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main(theme: str) -> None:
    scratch = Path(tempfile.mkdtemp())
    os.environ["ONCOREF_THEME"] = theme
    for name in ("CACHE", "DATA", "CONFIG"):
        os.environ[f"ONCOREF_{name}_DIR"] = str(scratch / name.lower())
    os.environ["ONCOREF_SYSTEM_CONFIG"] = str(scratch / "system.ini")
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop.app import make_application
    from desktop.history import Location
    from desktop.window import MainWindow

    app = make_application()
    window = MainWindow()
    window.resize(1280, 800)
    window.move(40, 40)
    window.show()

    def wait(condition: Callable[[], object], ms: int = 15000) -> None:
        end = time.monotonic() + ms / 1000
        while not condition() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def shot(widget: QWidget, name: str) -> None:
        for _ in range(30):
            app.processEvents()
        geometry = widget.frameGeometry()
        image = app.primaryScreen().grabWindow(
            0, geometry.x(), geometry.y(), geometry.width(), geometry.height()
        )
        image.save(str(OUT / f"{name}-{theme}.png"))

    wait(lambda: window.is_ready and window.searchable)
    assert window.session is not None
    window.show_tab(0)
    window.reading.go_home()
    shot(window, "home")

    gist = window.session.library.get("acs-treating-gist")
    nci = window.session.library.get("nci-small-intestine-cancer-treatment")
    assert gist is not None and nci is not None
    for doc, heading in [
        (nci, "Stages of Small Intestine Cancer"),
        (gist, "Surgery for small GISTs"),
        (gist, "Imatinib (Gleevec)"),
    ]:
        section = next((s for s in doc.sections if s.heading == heading), doc.sections[0])
        window.open_location(Location(doc.id, section.id))
        window.places.bookmark_action.trigger()
    window.places.rename(2, "Imatinib: for new patients")
    window.open_location(Location(nci.id, nci.sections[5].id))
    window.show_tab(3)
    window.places.panel.bookmarks.setCurrentRow(2)
    shot(window, "bookmarks")

    help_dialog = window.help.show_help()
    help_dialog.resize(760, 700)
    help_dialog.move(120, 60)
    shot(help_dialog, "help")
    help_dialog.hide()
    about = window.help.show_about()
    about.resize(760, 700)
    about.move(120, 60)
    about.browser.scrollToAnchor("software")
    shot(about, "about")
    about.hide()

    window.open_location(Location(gist.id))
    window.show_handout()
    composer = window.handout_dialog
    assert composer is not None
    imatinib = next(s.id for s in gist.sections if s.heading == "Imatinib (Gleevec)")
    composer.set_chosen([imatinib])
    composer.sets_row.save_as("GIST - starting imatinib")
    composer.sets_row.notes.setPlainText(
        "Take imatinib with food and a full glass of water.\nCall us if you get a rash."
    )
    composer.sets_row.appointment.setText("Tuesday 14 April, 10:30, Dr Okafor, Clinic B")
    composer.sets_row.questions.setChecked(True)
    composer.resize(620, 820)
    composer.move(120, 40)
    shot(composer, "composer-notes")
    if theme == "light":  # the first page as printed, once (paper has no theme)
        import shutil
        import subprocess

        pdf = scratch / "notes.pdf"
        composer.save(pdf)
        if shutil.which("pdftoppm"):
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "60",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(pdf),
                    str(OUT / "handout-notes-1"),
                ],
                check=True,
            )
    window.close()
    QApplication.quit()


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    main(sys.argv[1] if len(sys.argv) > 1 else "light")
