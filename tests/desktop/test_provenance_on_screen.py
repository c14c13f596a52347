"""On screen, as on paper: whose words a reader is looking at, and how old they are."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from desktop.settings import Settings
from desktop.window import Location
from index.glossary import DEFINITIONS_LABEL
from index.session import Session
from tests.desktop.test_window import open_window


def test_definitions_say_they_are_ours_and_documents_say_whose_and_when(
    qtbot: QtBot, tmp_path: Path, bundled_session: Session
) -> None:
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = open_window(qtbot, settings, bundled_session.index_dir)

    # The popup, the search card and the Glossary tab.
    window.popup.show_entry(bundled_session.glossary.lookup("organ"))
    assert DEFINITIONS_LABEL in window.popup.text.text().replace("&#x27;", "'")
    window.popup.hide()
    qtbot.keyClicks(window.search_field, "gleevec")
    qtbot.waitUntil(lambda: bool(window.search.result and window.search.hits()))
    assert "imatinib" in window.search.card.text()
    assert DEFINITIONS_LABEL in window.search.card.text().replace("&#x27;", "'")
    window.sidebar.setCurrentIndex(2)
    window.glossary_panel.select("imatinib")
    assert window.glossary_panel.card.toPlainText().rstrip().endswith(DEFINITIONS_LABEL)

    # The reader's header: the blog is a patient's view, and has no date.
    window.open_location(Location("ronny-allan-small-intestine-nets"))
    header = window.reader.document().toPlainText()[:600]
    assert "A patient's view, not medical advice." in header
    assert "Date not stated." in header
    assert "Licence: © Ronny Allan. All rights reserved." in header
    window.open_location(Location("nci-small-intestine-cancer-treatment"))
    header = window.reader.document().toPlainText()[:600]
    assert "Source: NCI (government health agency)" in header
    assert "Licence: Public domain (U.S. National Cancer Institute)" in header
    assert "past its planned review" in header  # reviewed 30 December 2025, quarterly
    assert "Date not stated" not in header and "patient's view" not in header
