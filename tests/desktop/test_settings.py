"""Stored settings are read back checked: a bad value is its default, never a crash."""

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from desktop.settings import ZOOM_RANGE, Settings


def stored(tmp_path: Path, **values: object) -> Settings:
    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    for key, value in values.items():
        store.setValue(key.replace("__", "/"), value)
    store.sync()
    # Read back from the file, as the next start does.
    return Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))


@pytest.mark.parametrize("zoom", ["abc", "1.5", "12345678901234567890123", "-99", ""])
def test_a_zoom_that_is_not_a_step_in_range_is_read_as_none(tmp_path: Path, zoom: str) -> None:
    assert stored(tmp_path, reader__zoom=zoom).zoom == 0


def test_good_values_come_back(tmp_path: Path) -> None:
    settings = stored(tmp_path, reader__zoom=3, window__tab=2)
    assert settings.zoom == 3 and settings.tab == 2
    settings.folders = [tmp_path / "clinic"]
    settings.set_last_read("doc", "section")
    settings.clinic = "  Riverside  "
    settings.large_print = True
    settings.sync()
    again = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert again.folders == [tmp_path / "clinic"]
    assert again.last_read == ("doc", "section")
    assert again.clinic == "Riverside" and again.large_print
    assert ZOOM_RANGE[0] < 0 < ZOOM_RANGE[1]


@pytest.mark.parametrize("tab", ["abc", "7", "-1"])
def test_an_unknown_tab_opens_the_first(tmp_path: Path, tab: str) -> None:
    assert stored(tmp_path, window__tab=tab).tab == 0


def test_garbage_folders_and_last_read_are_ignored(tmp_path: Path) -> None:
    settings = stored(tmp_path, library__folders=12, reader__last="x")
    assert settings.folders == [] and settings.last_read == (None, None)
    assert stored(tmp_path, library__folders="/one/folder").folders == [Path("/one/folder")]
