"""Every setting the window keeps, in one place, each read back checked.

A stored value of the wrong type or out of range (edited by hand, written by
another version) is read as its default, never an error.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "OncoRef"
APPLICATION = "OncoRef"

ZOOM_RANGE = (-4, 12)
TABS = 4  # Contents, Search, Glossary, Bookmarks

_ZOOM = "reader/zoom"
_LAST_READ = "reader/last"
_GEOMETRY = "window/geometry"
_SPLITTER = "window/splitter"
_TAB = "window/tab"
_FOLDERS = "library/folders"
_CLINIC = "handout/clinic"
_PHONE = "handout/phone"
_LARGE_PRINT = "handout/large_print"
_WORDS_TO_KNOW = "handout/words_to_know"
_SHARED_COMPUTER = "privacy/shared_computer"
_PAPER = "handout/paper"
_GIVEN_LOG = "handout/given_log"
_STAFF = "handout/staff_initials"


def open_store() -> QSettings:
    """The user's settings. ONCOREF_CONFIG_DIR (tests, portable use) puts them in an
    INI file in that folder instead of the system's place for them."""
    folder = os.environ.get("ONCOREF_CONFIG_DIR")
    if folder:
        return QSettings(str(Path(folder) / "OncoRef.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


class Settings:
    """Typed access to the stored settings."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else open_store()
        # Off on a shared computer (desktop.shared_mode): the place read is not kept.
        self.remember_reading = True

    # -- reading ------------------------------------------------------------------

    def _int(self, key: str, default: int, low: int, high: int) -> int:
        value = self.store.value(key, default)
        try:
            number = int(str(value))
        except (TypeError, ValueError):
            return default
        return number if low <= number <= high else default

    def _bool(self, key: str, default: bool) -> bool:
        value = self.store.value(key, default)
        if isinstance(value, bool):
            return value
        return {"true": True, "false": False}.get(str(value).lower(), default)

    def _text(self, key: str) -> str:
        value = self.store.value(key, "")
        return value.strip() if isinstance(value, str) else ""

    def _bytes(self, key: str) -> QByteArray:
        value = self.store.value(key, QByteArray())
        return value if isinstance(value, QByteArray) else QByteArray()

    # -- the window -----------------------------------------------------------------

    @property
    def zoom(self) -> int:
        """The text size of the whole window, in steps of a tenth of the system's
        size (10 is 200 %); stored under its old name, which sized only the reader."""
        return self._int(_ZOOM, 0, *ZOOM_RANGE)

    @zoom.setter
    def zoom(self, steps: int) -> None:
        self.store.setValue(_ZOOM, steps)

    @property
    def tab(self) -> int:
        return self._int(_TAB, 0, 0, TABS - 1)

    @tab.setter
    def tab(self, number: int) -> None:
        self.store.setValue(_TAB, number)

    @property
    def geometry(self) -> QByteArray:
        return self._bytes(_GEOMETRY)

    @geometry.setter
    def geometry(self, state: QByteArray) -> None:
        self.store.setValue(_GEOMETRY, state)

    @property
    def splitter(self) -> QByteArray:
        return self._bytes(_SPLITTER)

    @splitter.setter
    def splitter(self, state: QByteArray) -> None:
        self.store.setValue(_SPLITTER, state)

    @property
    def last_read(self) -> tuple[str | None, str | None]:
        """The document and section read last."""
        value = self.store.value(_LAST_READ, [])
        if isinstance(value, list) and value and isinstance(value[0], str) and value[0]:
            section = value[1] if len(value) > 1 and isinstance(value[1], str) else ""
            return value[0], section or None
        return None, None

    def set_last_read(self, doc: str, section: str | None) -> None:
        if self.remember_reading:
            self.store.setValue(_LAST_READ, [doc, section or ""])

    def forget_last_read(self) -> None:
        self.store.remove(_LAST_READ)

    @property
    def shared_computer(self) -> bool:
        """This person's choice: keep nothing personal between sessions."""
        return self._bool(_SHARED_COMPUTER, False)

    @shared_computer.setter
    def shared_computer(self, on: bool) -> None:
        self.store.setValue(_SHARED_COMPUTER, "true" if on else "false")

    # -- the library --------------------------------------------------------------

    @property
    def folders(self) -> list[Path]:
        """The clinic's folders added in Settings."""
        value = self.store.value(_FOLDERS, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return []
        return [Path(v) for v in value if isinstance(v, str) and v.strip()]

    @folders.setter
    def folders(self, folders: list[Path]) -> None:
        self.store.setValue(_FOLDERS, [str(f) for f in folders])

    # -- handouts -------------------------------------------------------------------

    @property
    def clinic(self) -> str:
        return self._text(_CLINIC)

    @clinic.setter
    def clinic(self, name: str) -> None:
        self.store.setValue(_CLINIC, name.strip())

    @property
    def phone(self) -> str:
        return self._text(_PHONE)

    @phone.setter
    def phone(self, number: str) -> None:
        self.store.setValue(_PHONE, number.strip())

    @property
    def large_print(self) -> bool:
        return self._bool(_LARGE_PRINT, False)

    @large_print.setter
    def large_print(self, on: bool) -> None:
        self.store.setValue(_LARGE_PRINT, "true" if on else "false")

    @property
    def paper(self) -> str:
        """ "A4" or "Letter"; "" for the locale's (desktop.paper)."""
        return self._text(_PAPER)

    @paper.setter
    def paper(self, name: str) -> None:
        self.store.setValue(_PAPER, name)

    @property
    def given_log(self) -> bool:
        """Log each handout printed or saved (desktop.given_log); off by default."""
        return self._bool(_GIVEN_LOG, False)

    @given_log.setter
    def given_log(self, on: bool) -> None:
        self.store.setValue(_GIVEN_LOG, "true" if on else "false")

    @property
    def staff_initials(self) -> str:
        return self._text(_STAFF)

    @staff_initials.setter
    def staff_initials(self, initials: str) -> None:
        self.store.setValue(_STAFF, initials.strip())

    @property
    def words_to_know(self) -> bool:
        return self._bool(_WORDS_TO_KNOW, True)

    @words_to_know.setter
    def words_to_know(self, on: bool) -> None:
        self.store.setValue(_WORDS_TO_KNOW, "true" if on else "false")

    def sync(self) -> None:
        self.store.sync()
