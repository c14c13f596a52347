"""Back and forward through the places read, like a web browser (no Qt)."""

from __future__ import annotations

from typing import NamedTuple


class Location(NamedTuple):
    doc: str | None  # None: the home page
    section: str | None = None


class History:
    """The places visited in order, and where in that list the reader is."""

    def __init__(self) -> None:
        self._places: list[Location] = []
        self._at = -1

    @property
    def current(self) -> Location | None:
        return self._places[self._at] if self._at >= 0 else None

    def visit(self, location: Location) -> None:
        """A new place: what was ahead of the current one is forgotten."""
        if self.current == location:
            return
        del self._places[self._at + 1 :]
        self._places.append(location)
        self._at = len(self._places) - 1

    def update(self, location: Location) -> None:
        """Where in the current place the reader now is (scrolled to another section),
        so that coming back returns there."""
        if self._at >= 0:
            self._places[self._at] = location

    def can_go_back(self) -> bool:
        return self._at > 0

    def can_go_forward(self) -> bool:
        return self._at < len(self._places) - 1

    def back(self) -> Location | None:
        if not self.can_go_back():
            return None
        self._at -= 1
        return self._places[self._at]

    def forward(self) -> Location | None:
        if not self.can_go_forward():
            return None
        self._at += 1
        return self._places[self._at]
