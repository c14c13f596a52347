"""What a person using OncoRef every day expects: help, About, a home page that
says what is covered, bookmarks, history, and a shared-computer mode."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from desktop.settings import Settings
from desktop.window import Location, MainWindow
from index import __version__
from index.coverage import licence_label
from index.paths import data_dir, resource
from tests.desktop.test_window import GIST, NCI, open_window

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("everyday-index")


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


def make_settings(path: Path) -> Settings:
    return Settings(QSettings(str(path), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot: QtBot, settings_file: Path, index_dir: Path) -> MainWindow:
    return open_window(qtbot, make_settings(settings_file), index_dir)


def section_named(window: MainWindow, doc: str, heading: str) -> str:
    assert window.session is not None
    found = window.session.library.get(doc)
    assert found is not None
    return next(s.id for s in found.sections if s.heading == heading)


def press(qtbot: QtBot, window: MainWindow, keys: str) -> None:
    sequence = QKeySequence(keys)[0]
    qtbot.keyClick(window.reader, sequence.key(), sequence.keyboardModifiers())


# -- Help and About ------------------------------------------------------------------------


def test_f1_opens_help_with_the_real_shortcuts_and_where_data_is_kept(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.reader.setFocus()
    press(qtbot, window, "F1")
    dialog = window.help.dialogs["OncoRef help"]
    assert dialog.isVisible()
    text = dialog.browser.toPlainText()
    for topic in (
        "Finding things",
        "Search tips",
        "Medical words",
        "Printing a handout",
        "Adding documents and library packs",
        "Keyboard shortcuts",
        "Where your data is kept",
    ):
        assert topic in text
    # Shortcuts come from the window's actions, so they are the ones that work.
    assert re.search(r"Bookmark this section\s*Ctrl\+D", text)
    assert re.search(r"Print a handout\s*Ctrl\+P", text)
    assert str(data_dir()) in text
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert [a.text() for a in help_menu.actions()] == ["OncoRef &help", "&About OncoRef"]


def test_about_names_the_version_the_documents_and_every_component_licence(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.help.about_action.trigger()
    dialog = window.help.dialogs["About OncoRef"]
    text = dialog.browser.toPlainText()
    assert f"Version {__version__}" in text
    assert window.session is not None
    for doc in window.session.library.documents:
        assert doc.title in text and doc.meta.source in text
        assert licence_label(doc.meta.license) in text
    for name in ("Python", "PySide6_Essentials", "shiboken6", "Whoosh", "PyYAML", "segno"):
        assert name in text
    assert "Public domain" in text  # the NCI page, said in words
    # A licence opens in the dialog, and Back returns.
    dialog.browser.anchorClicked.emit(QUrl("licence:LGPL-3.0.txt"))
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in dialog.browser.toPlainText()
    qtbot.mouseClick(dialog.back_button, Qt.MouseButton.LeftButton)
    assert "What the library holds" in dialog.browser.toPlainText()
    # A document opens in the window.
    dialog.browser.anchorClicked.emit(QUrl(f"doc:{GIST}"))
    assert window.shown_doc == GIST


def test_every_shipped_package_has_its_licence_text() -> None:
    """Each run-time dependency in pyproject.toml is listed with a licence text."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {
        re.match(r"[A-Za-z0-9_.-]+", d).group(0).lower().replace("_", "-")  # type: ignore[union-attr]
        for d in project["project"]["dependencies"]
    }
    listed = yaml.safe_load(resource("licenses", "components.yaml").read_text(encoding="utf-8"))
    names = {c["name"].lower().replace("_", "-"): c for c in listed["components"]}
    assert wanted | {"python", "shiboken6", "mdurl"} <= set(names)
    for component in names.values():
        assert component["files"]
        for file in component["files"]:
            assert len(resource("licenses", file).read_text(encoding="utf-8")) > 500
    assert "Matt Chaput" in resource("licenses", "Whoosh.txt").read_text(encoding="utf-8")
    spec = (ROOT / "packaging" / "oncoref.spec").read_text(encoding="utf-8")
    assert '"resources/licenses"' in spec
    assert "collect_licenses.py" in (ROOT / "packaging" / "build.sh").read_text(encoding="utf-8")


# -- Home ------------------------------------------------------------------------------------


def test_home_says_what_is_covered_and_what_is_not(qtbot: QtBot, window: MainWindow) -> None:
    window.home_action.trigger()
    text = window.reader.toPlainText()
    assert window.session is not None
    documents = window.session.library.documents
    assert f"The library holds {len(documents)} documents" in text
    for name in ("Gastrointestinal stromal tumour (GIST)", "Small intestine cancer"):
        assert name in text
    for doc in documents:
        assert doc.title in text and doc.meta.source in text
    assert "reviewed: 30 December 2025" in text  # the NCI page's date
    assert "reviewed: date not given" in text
    assert "What is not here" in text and "Emergencies" in text


# -- Bookmarks and recently read ----------------------------------------------------------------


def test_ctrl_d_bookmarks_the_section_and_it_is_kept(
    qtbot: QtBot, window: MainWindow, settings_file: Path, index_dir: Path
) -> None:
    surgery = section_named(window, GIST, "Imatinib (Gleevec)")
    window.open_location(Location(GIST, surgery))
    window.reader.setFocus()
    press(qtbot, window, "Ctrl+D")
    panel = window.places.panel
    assert panel.bookmarks.count() == 1
    assert panel.bookmarks.item(0).text() == (
        "Imatinib (Gleevec) — Treating Gastrointestinal Stromal Tumors"
    )
    assert "Bookmarked" in window.statusBar().currentMessage()
    # In the Bookmarks menu too.
    window.places.menu.aboutToShow.emit()
    assert any("Imatinib" in a.text() for a in window.places.menu.actions())

    # Rename by editing the entry; the file has the new name.
    item = panel.bookmarks.item(0)
    item.setText("Imatinib for Mrs B's questions")
    saved = json.loads((data_dir() / "bookmarks.json").read_text(encoding="utf-8"))
    assert [p["name"] for p in saved["places"]] == ["Imatinib for Mrs B's questions"]

    # Clicking it opens the section from anywhere.
    window.home_action.trigger()
    window.show_tab(3)
    rect = panel.bookmarks.visualItemRect(panel.bookmarks.item(0))
    qtbot.mouseClick(panel.bookmarks.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.here() == Location(GIST, surgery)

    # Kept for the next start; then removed with Delete.
    window.close()
    again = open_window(qtbot, make_settings(settings_file), index_dir)
    panel = again.places.panel
    assert [panel.bookmarks.item(r).text() for r in range(panel.bookmarks.count())] == [
        "Imatinib for Mrs B's questions"
    ]
    panel.bookmarks.setCurrentRow(0)
    panel.bookmarks.setFocus()
    qtbot.keyClick(panel.bookmarks, Qt.Key.Key_Delete)
    assert panel.bookmarks.count() == 0 and panel.empty.isVisibleTo(panel)
    saved = json.loads((data_dir() / "bookmarks.json").read_text(encoding="utf-8"))
    assert saved["places"] == []


def test_recently_read_lists_sections_newest_first(qtbot: QtBot, window: MainWindow) -> None:
    window.open_location(Location(NCI))
    window.open_location(Location(GIST, section_named(window, GIST, "Embolization")))
    recent = window.places.panel.recent
    # Recorded once the reader has shown the page.
    qtbot.waitUntil(lambda: recent.count() > 0 and recent.item(0).text().startswith("Emb"))
    names = [recent.item(r).text() for r in range(recent.count())]
    assert names[0] == "Embolization — Treating Gastrointestinal Stromal Tumors"
    assert names[1].endswith("Small Intestine Cancer Treatment - NCI")
    saved = json.loads((data_dir() / "recent.json").read_text(encoding="utf-8"))
    assert saved["places"][0]["doc"] == GIST


def test_clear_history_forgets_what_was_read_but_keeps_bookmarks(
    qtbot: QtBot, window: MainWindow, settings_file: Path
) -> None:
    window.open_location(Location(NCI))
    window.places.bookmark_action.trigger()
    window.open_location(Location(GIST))
    qtbot.waitUntil(lambda: len(window.places.recent.places) == 2)
    window.search_field.setText("gleevec")
    window.places.clear_history_action.trigger()
    assert window.places.panel.recent.count() == 0
    assert not (data_dir() / "recent.json").exists()
    assert window.search_field.text() == ""
    assert not window.back_action.isEnabled()  # no way back to what was read
    assert window.here().doc == GIST  # and the page stays
    assert window.places.panel.bookmarks.count() == 1
    window.settings.sync()
    assert "reader/last" not in QSettings(str(settings_file), QSettings.Format.IniFormat).allKeys()


def test_a_damaged_bookmarks_file_is_set_aside_and_said(
    qtbot: QtBot, settings_file: Path, index_dir: Path
) -> None:
    data_dir().mkdir(parents=True)
    (data_dir() / "bookmarks.json").write_text('{"places": [{"doc": ', encoding="utf-8")
    window = open_window(qtbot, make_settings(settings_file), index_dir)
    # Said at start, on the Bookmarks tab and inside it.
    qtbot.waitUntil(lambda: window.sidebar.tabText(3) == "Book&marks ⚠")
    assert "bookmarks.json.damaged" in window.sidebar.tabToolTip(3)
    note = window.places.panel.note
    assert note.isVisibleTo(window.places.panel)
    assert "bookmarks.json.damaged" in note.text() and "line 1" in note.text()
    assert (data_dir() / "bookmarks.json.damaged").exists()
    window.places.bookmark_action.trigger()  # bookmarks still work
    assert window.places.panel.bookmarks.count() == 1


def test_bookmarks_export_and_import(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    window.open_location(Location(NCI))
    window.places.bookmark_action.trigger()
    exported = tmp_path / "mine.json"
    assert window.places.export_to(exported)
    window.places.remove(0)
    assert window.places.import_from(exported) == 1
    assert (
        window.places.panel.bookmarks.item(0)
        .text()
        .endswith("— Small Intestine Cancer Treatment - NCI")
    )


# -- Shared computer -------------------------------------------------------------------------------


def test_shared_computer_mode_leaves_nothing_personal_behind(
    qtbot: QtBot, tmp_path: Path, settings_file: Path, index_dir: Path
) -> None:
    # What an earlier, ordinary session left behind.
    earlier = make_settings(settings_file)
    earlier.set_last_read(NCI, None)
    earlier.sync()
    data_dir().mkdir(parents=True)
    (data_dir() / "recent.json").write_text('{"places": []}', encoding="utf-8")
    # The administrator turns the mode on for everyone.
    system = Path(os.environ["ONCOREF_SYSTEM_CONFIG"])
    system.parent.mkdir(parents=True)
    system.write_text("[privacy]\nshared_computer=true\n", encoding="utf-8")

    window = open_window(qtbot, make_settings(settings_file), index_dir)
    # The last page read is not reopened: a first start's document instead.
    assert window.shown_doc == GIST
    window.open_location(Location(GIST, section_named(window, GIST, "Embolization")))
    window.reader.setFocus()
    press(qtbot, window, "Ctrl+D")
    window.open_location(Location(NCI))
    # Within the session, bookmarks and history work as usual.
    assert window.places.panel.bookmarks.count() == 1
    qtbot.waitUntil(lambda: window.places.panel.recent.count() == 2)
    assert "Shared computer" in window.places.panel.note.text()
    qtbot.keyClicks(window.search_field, "imatinib")
    window.show_settings()
    assert window.settings_dialog is not None
    assert window.settings_dialog.shared.isChecked()
    assert not window.settings_dialog.shared.isEnabled()
    window.close()

    # Only the key that seals the library's snapshot in the cache (not personal) is left.
    assert {p.name for p in data_dir().iterdir()} <= {"snapshot.key"}
    stored = QSettings(str(settings_file), QSettings.Format.IniFormat)
    personal = {k: stored.value(k) for k in stored.allKeys()}
    assert "reader/last" not in personal
    text = settings_file.read_text(encoding="utf-8")
    for trace in (GIST, NCI, "imatinib", "Embolization"):
        assert trace not in text


def test_a_person_can_turn_shared_mode_on_in_settings(
    qtbot: QtBot, window: MainWindow, settings_file: Path, index_dir: Path
) -> None:
    window.show_settings()
    assert window.settings_dialog is not None
    box = window.settings_dialog.shared
    assert box.isEnabled() and not box.isChecked()
    box.setChecked(True)
    window.close()
    again = open_window(qtbot, make_settings(settings_file), index_dir)
    assert again.places.shared
    again.open_location(Location(NCI))
    again.places.bookmark_action.trigger()
    again.close()
    assert not (data_dir() / "bookmarks.json").exists()
    assert not (data_dir() / "recent.json").exists()


# -- Small things ------------------------------------------------------------------------------


def test_empty_filters_say_nothing_matches(qtbot: QtBot, window: MainWindow) -> None:
    window.show_tab(0)
    qtbot.keyClicks(window.contents.filter, "zebrafish")
    note = window.contents.nothing
    qtbot.waitUntil(lambda: note.isVisibleTo(window))
    assert note.isVisibleTo(window) and "Nothing matches “zebrafish”" in note.text()
    window.contents.filter.clear()
    assert not note.isVisibleTo(window)

    window.show_tab(2)
    glossary = window.glossary_panel
    qtbot.keyClicks(glossary.filter, "<b>zebrafish")
    assert glossary.visible_terms() == []
    assert glossary.nothing.isVisibleTo(window)
    assert "Nothing matches “<b>zebrafish”" in glossary.nothing.text()  # shown as typed
    glossary.filter.setText("imatinib")
    assert not glossary.nothing.isVisibleTo(window)


def test_file_dialogs_start_in_documents_and_name_the_pdf_after_the_title(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from desktop.file_dialogs import documents_folder, file_name

    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "Documents"))
    monkeypatch.chdir(ROOT)  # as if started from the program's folder
    asked: list[tuple[str, ...]] = []

    def save_name(parent, caption, start, filters):  # type: ignore[no-untyped-def]
        asked.append((caption, start))
        return "", ""

    def folder_name(parent, caption, start):  # type: ignore[no-untyped-def]
        asked.append((caption, start))
        return ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", folder_name)
    start = documents_folder()
    assert Path(start).is_absolute() and Path(start).resolve() != ROOT.resolve()

    window.open_location(Location(GIST))
    window.show_handout()
    assert window.handout_dialog is not None
    window.handout_dialog.choose_pdf()
    window.show_settings()
    assert window.settings_dialog is not None
    window.settings_dialog._choose()
    (_, pdf), (_, folder) = asked
    assert Path(pdf) == Path(start) / "Treating Gastrointestinal Stromal Tumors.pdf"
    assert folder == start
    assert file_name('A/B: "C"?  d. ', ".pdf") == "A B C d.pdf"
    assert file_name("???", ".pdf") == "handout.pdf"


# -- Handout sets ------------------------------------------------------------------------------


def test_a_handout_set_is_saved_and_printed_again_in_two_clicks(
    qtbot: QtBot, window: MainWindow, settings_file: Path, index_dir: Path, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    window.open_location(Location(GIST))
    window.show_handout()
    dialog = window.handout_dialog
    assert dialog is not None
    imatinib = section_named(window, GIST, "Imatinib (Gleevec)")
    sunitinib = section_named(window, GIST, "Sunitinib (Sutent)")
    dialog.set_chosen([imatinib, sunitinib])
    dialog.large_print.setChecked(True)
    made = dialog.sets_row.save_as("GIST - starting imatinib")
    assert made is not None and dialog.sets_row.combo.currentText() == "GIST - starting imatinib"
    dialog.close()
    window.close()

    again = open_window(qtbot, make_settings(settings_file), index_dir)
    again.open_location(Location(NCI))
    menu = again.handout_sets.menu
    menu.aboutToShow.emit()
    (action,) = [a for a in menu.actions() if a.text() == "GIST - starting imatinib"]
    action.trigger()  # click one: the composer opens with the set
    dialog = again.handout_dialog
    assert dialog is not None and dialog.doc.id == GIST
    assert dialog.chosen() == [imatinib, sunitinib] and dialog.large_print.isChecked()
    pdf = tmp_path / "set.pdf"
    assert dialog.save(pdf)  # click two: print (here, to a file)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Imatinib is usually the treatment" in text and "Sunitinib targets the KIT" in text
    assert "Regorafenib" not in text  # the next section, not in the set


@pytest.mark.parametrize(("paper", "points"), [("A4", (595, 842)), ("Letter", (612, 792))])
def test_handouts_print_on_a4_or_letter_as_chosen_and_remembered(
    qtbot: QtBot, index_dir: Path, tmp_path: Path, paper: str, points: tuple[int, int]
) -> None:
    from pypdf import PdfReader

    window = open_window(qtbot, Settings(), index_dir)  # the settings printing reads
    window.open_location(Location(NCI))
    window.show_handout()
    dialog = window.handout_dialog
    assert dialog is not None
    combo = dialog.sets_row.paper
    combo.setCurrentIndex(combo.findData(paper))
    from desktop.paper import chosen_paper

    assert chosen_paper(window.settings) == paper  # remembered
    pdf = tmp_path / f"{paper}.pdf"
    assert dialog.save(pdf)
    pages = PdfReader(pdf).pages
    assert len(pages) > 1
    for number, page in enumerate(pages, 1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == points
        text = " ".join(page.extract_text().split())
        # The page furniture fits on both sizes: the title at the top, the number below.
        assert "Small Intestine Cancer Treatment" in text
        assert f"Page {number} of {len(pages)}" in text
    dialog.close()
    window.show_handout()
    assert window.handout_dialog is not None
    assert window.handout_dialog.sets_row.paper.currentData() == paper


def test_the_paper_follows_the_locale_until_chosen() -> None:
    from PySide6.QtCore import QLocale

    from desktop.paper import chosen_paper, locale_paper

    us = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    france = QLocale(QLocale.Language.French, QLocale.Country.France)
    assert locale_paper(us) == "Letter" and locale_paper(france) == "A4"
    settings = Settings()
    assert chosen_paper(settings) == locale_paper()
    settings.paper = "Letter"
    assert chosen_paper(settings) == "Letter"
    settings.paper = "Tabloid"  # not one we print on: the locale's
    assert chosen_paper(settings) == locale_paper()


def test_the_given_log_is_off_by_default_and_logs_each_handout_when_on(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from index.given_log import log_path

    window.open_location(Location(GIST))
    window.show_handout()
    assert window.handout_dialog is not None
    assert window.handout_dialog.save(tmp_path / "a.pdf")
    assert not log_path().exists()  # off: nothing logged

    window.show_settings()
    assert window.settings_dialog is not None
    window.settings_dialog.given_log.setChecked(True)
    window.handout_dialog.close()
    window.show_handout()
    dialog = window.handout_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.sets_row.initials, "jm")
    dialog.set_chosen([section_named(window, GIST, "Imatinib (Gleevec)")])
    assert dialog.save(tmp_path / "b.pdf")
    dialog.large_print.setChecked(True)
    assert dialog.save(tmp_path / "c.pdf")

    window.handout_sets.given_action.trigger()
    log = window.handout_sets.given_dialog
    assert log is not None
    table = log.table
    assert table.rowCount() == 2
    newest = [table.item(0, c).text() for c in range(table.columnCount())]
    assert newest[1:] == [
        GIST,
        "Treating Gastrointestinal Stromal Tumors",
        "v1",
        "Imatinib (Gleevec)",
        "en",
        "yes",
        "saved as PDF",
        "JM",
    ]
    exported = tmp_path / "given.csv"
    assert log.export(exported)
    assert exported.read_text(encoding="utf-8") == log_path().read_text(encoding="utf-8")


def test_care_team_notes_and_appointment_print_on_the_first_page_and_are_not_kept(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, settings_file: Path
) -> None:
    from pypdf import PdfReader

    window.open_location(Location(NCI))
    window.show_handout()
    dialog = window.handout_dialog
    assert dialog is not None
    row = dialog.sets_row
    plain = tmp_path / "plain.pdf"
    assert dialog.save(plain)
    plain_text = " ".join(PdfReader(plain).pages[0].extract_text().split())
    assert "Notes from your care team" not in plain_text and "appointment" not in plain_text

    qtbot.keyClicks(row.notes, "Take imatinib with food.")
    qtbot.keyClick(row.notes, Qt.Key.Key_Return)
    qtbot.keyClicks(row.notes, "Call us if <you> get a rash.")
    qtbot.keyClicks(row.appointment, "Tuesday 14 April, 10:30, Clinic B")
    row.questions.setChecked(True)
    pdf = tmp_path / "notes.pdf"
    assert dialog.save(pdf)
    pages = PdfReader(pdf).pages
    first = " ".join(pages[0].extract_text().split())
    assert "Notes from your care team" in first
    assert "Take imatinib with food." in first and "Call us if <you> get a rash." in first
    assert "Your next appointment: Tuesday 14 April, 10:30, Clinic B" in first
    rest = " ".join(" ".join(p.extract_text() for p in pages[1:]).split())
    # After the sections, before Words to know.
    assert "Your questions" not in first
    assert "Write down questions to ask" in rest
    assert rest.index("Write down questions to ask") < rest.index("Words to know")

    window.close()
    stored = settings_file.read_text(encoding="utf-8")
    leftovers = [p.read_text(errors="replace") for p in data_dir().rglob("*") if p.is_file()]
    for text in (stored, *leftovers):
        assert "imatinib with food" not in text and "Clinic B" not in text
