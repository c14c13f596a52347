"""Fixtures for the window's tests."""

from __future__ import annotations

import pytest

from desktop import watcher


@pytest.fixture(autouse=True)
def _quick_stat_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file written in place is seen by the stat pass: every 0.2 s in tests."""
    monkeypatch.setattr(watcher, "STAT_INTERVAL_MS", 200)
