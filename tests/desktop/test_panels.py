"""Each panel alone, against a small session of its own (no main window)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSettings
from pytestqt.qtbot import QtBot

from desktop.app import make_application
from desktop.contents import DOC_ROLE, ContentsPanel
from desktop.history import Location
from desktop.reading import ReadingPane
from desktop.search_panel import SearchPanel
from desktop.settings import Settings
from index.model import QueryTerms, SearchHit, SearchResult
from index.session import Session, open_session
from tests.conftest import write


@pytest.fixture
def small_session(tmp_path: Path) -> Session:
    folder = tmp_path / "clinic"
    write(
        folder / "port.md",
        "---\ntitle: Caring for your port\ncancerTypes: [Stomach cancer]\n---\n"
        "# Flushing\n\nThe nurse flushes the port with saline.\n\n"
        "# Infection\n\nCall us if the skin around it is red.\n",
    )
    write(folder / "diet.md", "---\ntitle: Eating well\n---\n# Meals\n\nSmall meals, often.\n")
    session = open_session([folder], bundled=False, index_dir=tmp_path / "ix")
    yield session
    session.close()


def hit(doc: str, section: str, heading: str) -> SearchHit:
    return SearchHit(doc, doc.title(), section, heading, [heading], 1.0, heading)


def test_the_search_panel_sends_numbered_queries_and_shows_only_the_newest_answer(
    qtbot: QtBot,
) -> None:
    make_application()
    panel = SearchPanel(debounce_ms=0)
    qtbot.addWidget(panel)
    panel.set_ready(True)
    asked: list[tuple[int, str]] = []
    panel.search_requested.connect(lambda serial, text, _types: asked.append((serial, text)))
    with qtbot.waitSignal(panel.search_requested):
        panel.set_query("salin")
    with qtbot.waitSignal(panel.search_requested):
        panel.set_query("saline")
    assert [text for _, text in asked] == ["salin", "saline"]
    old, new = asked[0][0], asked[1][0]
    terms = QueryTerms(frozenset({"salin"}), ())
    panel.show_result(
        new, SearchResult("saline", [hit("port", "flushing", "Flushing")], terms=terms)
    )
    panel.show_result(old, SearchResult("salin", [hit("diet", "meals", "Meals")]))  # late
    assert [h.section for h in panel.hits()] == ["flushing"]
    opened: list[tuple[SearchHit, QueryTerms]] = []
    panel.open_requested.connect(lambda h, t: opened.append((h, t)))
    panel.open_current()
    assert opened == [(panel.hits()[0], terms)]


def test_the_contents_panel_files_documents_under_their_cancer_type(
    qtbot: QtBot, small_session: Session
) -> None:
    make_application()
    panel = ContentsPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.updated):
        panel.set_library(small_session.library, small_session.taxonomy)
    model = panel.model
    types = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert types == ["Stomach cancer", "Other documents"]
    first = model.index(0, 0)
    assert model.index(0, 0, first).data(DOC_ROLE) == "port"
    with qtbot.waitSignal(panel.updated):
        panel.filter.setText("infection")
    visible = []

    def walk(parent: QModelIndex) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            visible.append(index.data())
            walk(index)

    walk(QModelIndex())
    assert "Infection" in visible and "Eating well" not in visible


def test_the_reading_pane_opens_goes_back_and_remembers_the_place(
    qtbot: QtBot, small_session: Session, tmp_path: Path
) -> None:
    make_application()
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    pane = ReadingPane(settings)
    qtbot.addWidget(pane)
    pane.resize(600, 400)
    pane.set_session(small_session)
    shown: list[Location] = []
    pane.shown.connect(lambda location, _doc: shown.append(location))
    pane.open(Location("port", "infection"))
    assert pane.shown_doc == "port" and pane.reader.current_section() == "infection"
    pane.go(Location("diet"))
    assert pane.shown_doc == "diet"
    pane.back()
    assert (pane.shown_doc, pane.reader.current_section()) == ("port", "infection")
    assert shown[-1] == Location("port", "infection")
    assert settings.last_read == ("port", "infection")
    pane.go_home()
    assert pane.shown_doc == "" and "Caring for your port" in pane.reader.toPlainText()


def test_titles_are_shown_as_written_never_as_markup(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    from desktop.handout_dialog import HandoutDialog

    make_application()
    picture = write(tmp_path / "secret.png", b"\x89PNG\r\n")
    title = f'Port care <img src="file://{picture}"> <b>bold</b>'
    folder = tmp_path / "clinic"
    write(folder / "port.md", f"---\ntitle: '{title}'\n---\n# Flushing\n\nSaline.\n")
    session = open_session([folder], bundled=False, index_dir=tmp_path / "ix")
    panel = ContentsPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.updated):
        panel.set_library(session.library, session.taxonomy)
    doc_row = panel.model.index(0, 0, panel.model.index(0, 0))
    tip = doc_row.data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;img" in tip
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    (doc,) = session.library.documents
    dialog = HandoutDialog(doc, session.renderer(), None, settings)
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QLabel

    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "<img" not in shown and "&lt;img" in shown
    session.close()


def test_a_very_long_document_is_shown_in_parts_that_link_to_each_other(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from index.session import PAGE_CHARS, PAGE_LINES

    make_application()
    folder = tmp_path / "clinic"
    row = "| drug | dose note |\n"
    table = "| Name | Note |\n| --- | --- |\n" + row * (PAGE_LINES + 200)
    words = "Plain words about care. " * (PAGE_CHARS // 100)
    parts = [f"# Chapter {n}\n\n{words}" for n in range(1, 6)]
    write(
        folder / "long.md",
        "---\ntitle: A long book\n---\n" + "\n".join(parts) + "\n# Doses\n\n" + table,
    )
    session = open_session([folder], bundled=False, index_dir=tmp_path / "ix")
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    pane = ReadingPane(settings)
    qtbot.addWidget(pane)
    pane.set_session(session)
    pane.open(Location("long"))
    first = pane.reader.toPlainText()
    assert "shown in" in first and "Chapter 1" in first and "Next part" in first
    assert "Doses" not in first
    pane.open(Location("long", "doses"))  # from the contents, a search hit
    last = pane.reader.toPlainText()
    assert pane.reader.current_section() == "doses"
    assert "too long to show whole" in last and "Previous part" in last
    assert len(last) < PAGE_CHARS
    session.close()
