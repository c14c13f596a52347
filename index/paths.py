"""Where things live: bundled resources (read-only) and the user's own cache.

One resolver serves a source checkout, an installed wheel and a frozen bundle.
The install folder may be read-only, so the program writes only under the
user's cache and data folders (or a folder the user names).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "OncoRef"


def resources_dir() -> Path:
    """The bundled `resources/` folder."""
    override = os.environ.get("ONCOREF_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    # Source checkout and installed wheel alike: resources/ sits beside index/.
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def bundled_library_dir() -> Path:
    return resource("library")


def prebuilt_index_dir() -> Path:
    """The search index of the bundled library that a package ships (read-only);
    a source checkout has none and indexes the library in the cache folder."""
    return resource("index")


def cache_dir() -> Path:
    """The user's cache folder for OncoRef (indexes live here)."""
    override = os.environ.get("ONCOREF_CACHE_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The user's own data folder for OncoRef (kept; unlike the cache, not rebuilt)."""
    override = os.environ.get("ONCOREF_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def system_data_dir() -> Path:
    """The data folder shared by every user of the computer (packs installed with
    `--system`); only an administrator can write to it."""
    override = os.environ.get("ONCOREF_SYSTEM_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.site_data_dir(APP_NAME, appauthor=False))


def pack_stores() -> list[Path]:
    """Where installed library packs live: this user's, then the computer's."""
    return [data_dir() / "packs", system_data_dir() / "packs"]
