"""Screenshots of Home, Bookmarks, Help, About and the handout composer with a care
team's notes, for README:
`xvfb-run -a -s "-screen 0 1400x900x24" python packaging/screenshots_reference.py light|dark`.

Like packaging/screenshots.py, it uses throwaway settings, cache and data folders,
so nobody's own bookmarks or settings are touched.
"""

from __future__ import annotations

import sys

from screenshots import OUT, Camera, isolate, open_window


def main(theme: str) -> None:
    scratch = isolate(theme)
    from PySide6.QtWidgets import QApplication

    from desktop.bookmarks import RECORD_DELAY_MS
    from desktop.history import Location

    app, window = open_window()
    camera = Camera(app, theme)
    wait, shot = camera.wait, camera.shot

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
    wait(lambda: False, RECORD_DELAY_MS + 200)  # pages read are recorded a moment later
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
