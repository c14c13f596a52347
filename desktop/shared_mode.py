"""Shared-computer mode: on a clinic's workstation, nothing personal is kept.

It is on when the person turns it on in Settings, or when the computer's
administrator turns it on for everyone in the system-wide settings:

- Linux: /etc/xdg/OncoRef/OncoRef.conf
- Windows: HKEY_LOCAL_MACHINE\\Software\\OncoRef\\OncoRef
- macOS: the system-wide preferences file Qt names for OncoRef

(the Help page shows the exact place on the computer it runs on)

with the value `shared_computer=true` in the `[privacy]` group (on Windows, the
value `privacy\\shared_computer` set to `true`). ONCOREF_SYSTEM_CONFIG names an INI
file to read instead (tests, or a portable copy).

In this mode the sections read, the place to reopen and bookmarks are kept in
memory for the session only, and whatever history an earlier session left is
removed at start and at close. Window size, zoom and the clinic's folders are
not personal and are kept.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from desktop.settings import APPLICATION, ORGANIZATION, Settings

SYSTEM_CONFIG_ENV = "ONCOREF_SYSTEM_CONFIG"
KEY = "privacy/shared_computer"


def system_store() -> QSettings:
    override = os.environ.get(SYSTEM_CONFIG_ENV)
    if override:
        return QSettings(str(Path(override)), QSettings.Format.IniFormat)
    return QSettings(
        QSettings.Format.NativeFormat, QSettings.Scope.SystemScope, ORGANIZATION, APPLICATION
    )


def system_config_path() -> str:
    """Where an administrator turns the mode on for everyone (a file or registry key)."""
    return system_store().fileName()


def set_for_everyone() -> bool:
    """The administrator turned the mode on for every user of this computer."""
    value = system_store().value(KEY, False)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "yes", "on"}


def in_effect(settings: Settings) -> bool:
    return set_for_everyone() or settings.shared_computer
