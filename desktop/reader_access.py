"""The reader's links and headings, as a screen reader sees them.

Qt exposes a QTextBrowser to assistive technology as one block of text: its
links and headings are not objects of their own, and Qt's AT-SPI bridge has no
Hypertext interface (nor can PySide implement a text interface: the binding
leaves out its pure virtual functions). So each heading and link of the page
shown gets a small stand-in child widget of the reader, with an accessible
interface of our own (role Heading or Link, the words as its name, where it is
on screen), while the reader keeps Qt's own text interface for reading. When
Tab moves to a link, the link's stand-in takes the accessible focus, so a screen
reader says "carcinoid, link".

The stand-ins are made only while assistive technology is listening (or when a
test asks), and are kept and reused from page to page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QRect
from PySide6.QtGui import (
    QAccessible,
    QAccessibleEvent,
    QAccessibleInterface,
    QAccessibleObject,
    QTextCursor,
)
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desktop.reader import Reader

HEADING = "heading"
LINK = "link"


class Mark(QWidget):
    """A stand-in for one heading or link of the page: no size, nothing drawn."""

    def __init__(self, reader: Reader) -> None:
        super().__init__(reader)
        self.reader = reader
        self.kind = LINK
        self.label = ""
        self.href = ""
        self.start = self.end = 0
        self.level = 0
        self.focused = False
        self.resize(0, 0)


class MarkInterface(QAccessibleObject):
    """What assistive technology is told about a Mark."""

    def __init__(self, mark: Mark) -> None:
        super().__init__(mark)
        self.mark = mark

    def _alive(self) -> bool:
        return shiboken6.isValid(self.mark)

    def role(self) -> QAccessible.Role:
        if self._alive() and self.mark.kind == HEADING:
            return QAccessible.Role.Heading
        return QAccessible.Role.Link

    def text(self, kind: QAccessible.Text) -> str:
        if not self._alive():
            return ""
        if kind == QAccessible.Text.Name:
            return self.mark.label
        if kind == QAccessible.Text.Description and self.mark.kind == LINK:
            return _describe(self.mark.href)
        return ""

    def state(self) -> QAccessible.State:
        state = QAccessible.State()
        if not self._alive() or not self.mark.isVisible():
            state.invisible = True
            return state
        if self.mark.kind == LINK:
            state.focusable = True
            state.linked = True
            reader = self.mark.reader
            state.focused = self.mark.focused and reader.window().focusWidget() is reader
        return state

    def parent(self) -> QAccessibleInterface | None:  # type: ignore[override]
        return QAccessible.queryAccessibleInterface(self.mark.reader) if self._alive() else None

    def childCount(self) -> int:
        return 0

    def child(self, index: int) -> QAccessibleInterface | None:  # type: ignore[override]
        return None

    def indexOfChild(self, child: QAccessibleInterface) -> int:
        return -1

    def rect(self) -> QRect:
        """Where its words are on screen now (the reader scrolls)."""
        if not self._alive():
            return QRect()
        reader = self.mark.reader
        first = reader.textCursor()
        first.setPosition(self.mark.start)
        last = reader.textCursor()
        last.setPosition(self.mark.end)
        area = reader.cursorRect(first).united(reader.cursorRect(last))
        corner = reader.viewport().mapToGlobal(area.topLeft())
        return QRect(corner, area.size())


def _describe(href: str) -> str:
    if href.startswith("glossary:"):
        return "Medical word: opens its meaning"
    if href.startswith("doc:") or href.startswith("#"):
        return "Opens another part of the library"
    return "Opens in your web browser"


def _factory(key: str, obj: QObject) -> QAccessibleInterface | None:
    return MarkInterface(obj) if isinstance(obj, Mark) else None


_installed = False


def install() -> None:
    """Our accessible interfaces for the stand-ins (once for the application)."""
    global _installed
    if not _installed:
        _installed = True
        QAccessible.installFactory(_factory)


class ReaderMarks:
    """Keeps the stand-ins in step with the page the reader shows."""

    def __init__(self, reader: Reader) -> None:
        install()
        self.reader = reader
        self.marks: list[Mark] = []  # made so far, shown or kept for later pages
        self.shown = 0
        self._page: tuple[int, int] | None = None  # the page the stand-ins were made for

    def wanted(self) -> bool:
        return QAccessible.isActive()

    def refresh(self, force: bool = False) -> None:
        """Stand-ins for the page shown, if assistive technology listens."""
        doc = self.reader.document()
        page = (id(doc), doc.revision())
        if not (force or self.wanted()) or self._page == page:
            return
        self._page = page
        self.reader.setAccessibleDescription(self.reader.DESCRIPTION)
        found = self.outline()
        while len(self.marks) < len(found):
            self.marks.append(Mark(self.reader))
        for mark, (kind, start, end, label, href, level) in zip(self.marks, found, strict=False):
            mark.kind, mark.start, mark.end, mark.label, mark.href = kind, start, end, label, href
            mark.level = level
            mark.focused = False
            mark.show()
        for mark in self.marks[len(found) :]:
            mark.hide()
        self.shown = len(found)

    def outline(self) -> list[tuple[str, int, int, str, str, int]]:
        """(kind, start, end, words, href, heading level) of every heading and link,
        in reading order."""
        doc = self.reader.document()
        items: list[tuple[str, int, int, str, str, int]] = []
        block = doc.begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if level and block.text().strip():
                end = block.position() + block.length() - 1
                items.append((HEADING, block.position(), end, block.text().strip(), "", level))
            block = block.next()
        cursor = QTextCursor(doc)
        for start, end, href in self.reader.links():
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            words = " ".join(cursor.selectedText().split())
            items.append((LINK, start, end, words, href, 0))
        items.sort(key=lambda item: (item[1], item[0] != HEADING))
        return items

    def visible(self) -> list[Mark]:
        return self.marks[: self.shown]

    def focus_link(self, start: int) -> None:
        """Tab moved to the link starting at `start`: it takes the accessible focus."""
        self.refresh()
        for mark in self.visible():
            was = mark.focused
            mark.focused = mark.kind == LINK and mark.start == start
            if mark.focused and not was and self.wanted():
                QAccessible.updateAccessibility(QAccessibleEvent(mark, QAccessible.Event.Focus))
            if mark.focused:  # for screen readers that follow only the reader itself
                self.reader.setAccessibleDescription(f"Link: {mark.label}. {_describe(mark.href)}")

    def unfocus(self) -> None:
        for mark in self.visible():
            mark.focused = False
        self.reader.setAccessibleDescription(self.reader.DESCRIPTION)
