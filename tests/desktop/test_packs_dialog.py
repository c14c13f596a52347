"""Library updates in Settings: what a clinic's IT person sees and clicks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from desktop.packs_dialog import PacksDialog
from desktop.settings import Settings
from desktop.window import MainWindow
from index.packs import PackStore
from index.paths import data_dir
from tests.desktop.test_window import open_window, tree_rows
from tests.index.packs_helpers import document, make_key, make_pack

DIET = {"gist/diet.md": document("Eating after GIST surgery", "Small meals help.")}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def open_updates(qtbot: QtBot, window: MainWindow) -> PacksDialog:
    window.show_settings()
    dialog = window.settings_dialog
    assert dialog is not None
    buttons = dialog.findChildren(QPushButton)
    button = next(b for b in buttons if b.text().replace("&", "") == "Library updates…")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.packs_dialog is not None and dialog.packs_dialog.isVisible()
    return dialog.packs_dialog


def titles(window: MainWindow) -> list[str]:
    return [label for label, _, _ in tree_rows(window)]


def test_a_pack_installed_from_settings_shows_what_it_does_first_then_its_documents(
    qtbot: QtBot, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = make_pack(tmp_path, make_key(tmp_path / "keys"), DIET)
    window = open_window(qtbot, settings, tmp_path / "index")
    updates = open_updates(qtbot, window)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(pack), ""))
    qtbot.mouseClick(updates.choose, Qt.MouseButton.LeftButton)

    shown = updates.preview.text()
    assert "Riverside handouts" in shown and "version 1" in shown
    assert "Riverside Cancer Centre" in shown and "1 November 2026" in shown
    assert "Adds 1" in shown
    assert updates.install.isVisible()
    assert "Eating after GIST surgery" not in titles(window)  # nothing has happened yet
    assert not (data_dir() / "packs").exists()

    with qtbot.waitSignal(window.library_changed, timeout=20000):
        qtbot.mouseClick(updates.install, Qt.MouseButton.LeftButton)
    assert "Eating after GIST surgery" in titles(window)
    assert updates.installed() == [("Riverside handouts", 1)]
    assert not updates.install.isVisible()


def test_an_untrusted_pack_is_refused_in_plain_words(
    qtbot: QtBot, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stranger = make_key(tmp_path / "keys", "Someone Else", trusted=False)
    pack = make_pack(tmp_path, stranger, DIET)
    window = open_window(qtbot, settings, tmp_path / "index")
    updates = open_updates(qtbot, window)
    warnings: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(pack), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    qtbot.mouseClick(updates.choose, Qt.MouseButton.LeftButton)
    assert (
        warnings
        and "This update is not signed by a publisher this computer trusts." in (warnings[0])
    )
    assert "Nothing was changed" in warnings[0]
    assert not updates.install.isVisible()
    assert updates.installed() == []


def test_roll_back_from_settings_brings_the_earlier_version_back(
    qtbot: QtBot, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = make_key(tmp_path / "keys")
    store = PackStore.user()
    store.install(make_pack(tmp_path, key, DIET))
    store.install(
        make_pack(tmp_path, key, {"gist/diet.md": document("Eating well (new)", "x")}, version=2)
    )
    window = open_window(qtbot, settings, tmp_path / "index")
    assert "Eating well (new)" in titles(window)
    updates = open_updates(qtbot, window)
    assert updates.installed() == [("Riverside handouts", 2)]
    assert updates.rollback.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.library_changed, timeout=20000):
        qtbot.mouseClick(updates.rollback, Qt.MouseButton.LeftButton)
    assert "Eating after GIST surgery" in titles(window)
    assert "Eating well (new)" not in titles(window)
    assert updates.installed() == [("Riverside handouts", 1)]
    assert not updates.rollback.isEnabled()  # nothing earlier than version 1


def test_a_pack_installed_from_the_command_line_shows_in_an_open_window(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    key = make_key(tmp_path / "keys")
    store = PackStore.user()
    store.install(make_pack(tmp_path, key, DIET))
    window = open_window(qtbot, settings, tmp_path / "index", watch_delay_ms=50)
    assert "Eating after GIST surgery" in titles(window)
    newer = make_pack(tmp_path, key, {"gist/diet.md": document("Eating well (new)", "x")}, 2)
    with qtbot.waitSignal(window.library_changed, timeout=20000):
        store.install(newer)
    assert "Eating well (new)" in titles(window)
    doc = window.session.library.get("gist/diet") if window.session else None
    assert doc is not None and doc.pack is not None and doc.pack.version == 2
