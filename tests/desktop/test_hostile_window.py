"""The window on a clinic folder holding every kind of hostile file at once."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.settings import Settings
from tests.desktop.test_window import open_window, settings, tree_rows  # noqa: F401
from tests.index.test_fuzz import hostile_clinic


def test_the_window_shows_every_good_document_of_a_hostile_folder(
    qtbot: QtBot,
    settings: Settings,  # noqa: F811  (the fixture of test_window)
    tmp_path: Path,
) -> None:
    root = tmp_path / "clinic"
    root.mkdir()
    good, bad = hostile_clinic(root)
    settings.folders = [root]
    window = open_window(qtbot, settings, tmp_path / "index")
    shown = {doc for _, doc, section in tree_rows(window) if doc and section is None}
    assert good <= shown
    window.problems_button.click()
    named = {Path(file).name for file, _ in window.problems_dialog.rows()}
    assert bad <= named
    window.search_field_set("stomach")
    qtbot.waitUntil(lambda: bool(window.search.hits()), timeout=20000)
    assert {"good0", "good1", "good2"} <= {hit.doc for hit in window.search.hits()}
