"""Shared fixtures. Qt runs offscreen and user folders live under tmp_path."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from index.session import Session, open_session

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
MEDQUAD = SHARED / "corpus" / "medquad-cancergov"


@pytest.fixture(autouse=True)
def _user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test does touches the real user's cache, settings, data or the
    computer's shared data folder."""
    monkeypatch.setenv("ONCOREF_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ONCOREF_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ONCOREF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ONCOREF_SYSTEM_DATA_DIR", str(tmp_path / "system-data"))
    # The computer's own settings for everyone (shared-computer mode) are not read.
    monkeypatch.setenv("ONCOREF_SYSTEM_CONFIG", str(tmp_path / "system" / "OncoRef.ini"))


@pytest.fixture(autouse=True)
def _collector_thawed() -> Iterator[None]:
    """A window keeps its library out of the collector's way (gc.freeze); between
    tests everything is collectable again."""
    yield
    gc.unfreeze()


@pytest.fixture(scope="session")
def bundled_session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    """The bundled library with its index built once for the whole session."""
    session = open_session(index_dir=tmp_path_factory.mktemp("bundled-index"))
    session.searcher()
    yield session
    session.close()


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def documents_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the documents the library reads from now on, in order (a document
    taken over from an earlier reading or a snapshot is not read)."""
    from index import library

    read: list[str] = []
    real = library.load_guarded

    def counted(path: Path, doc_id: str, root: Path | None) -> object:
        read.append(doc_id)
        return real(path, doc_id, root)

    monkeypatch.setattr(library, "load_guarded", counted)
    return read
