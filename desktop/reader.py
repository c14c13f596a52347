"""The reader pane: one document at a time, its glossary terms live, find in page."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAccessible,
    QKeySequence,
    QPalette,
    QShortcut,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFragment,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QToolTip,
    QWidget,
)

from desktop.theme import mark_colors
from index.model import GLOSSARY_SCHEME

if TYPE_CHECKING:
    from PySide6.QtGui import QFocusEvent, QKeyEvent

    from desktop.reader_access import ReaderMarks

READING_COLUMN_CHARS = 80  # a comfortable line length for long reading


_TERM_LINK = re.compile(r'<a (?=[^>]*\bclass="term")')


def _dotted_terms(html: str) -> str:
    """Glossary terms get a dotted underline instead of looking like web links. Qt's
    style sheets cannot say so for links (its anchors always get a solid line), but an
    inline style can; the colours come from the reader's style sheet (theme.py)."""
    return _TERM_LINK.sub('<a style="text-underline-style: dotted" ', html)


def text_fragments(doc: QTextDocument) -> Iterator[tuple[QTextBlock, QTextFragment]]:
    """Every run of same-formatted text in the document, with its block."""
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            yield block, it.fragment()
            it += 1
        block = block.next()


class Reader(QTextBrowser):
    """Shows rendered HTML; asks the window what to do with every link."""

    DESCRIPTION = "The text of the open document"
    link_activated = Signal(str, QPoint)  # href, where to show a popup (global)
    section_changed = Signal(str)  # the section at the top of the view, as you scroll
    term_tooltip = Signal(str, QPoint)  # glossary href under the mouse, global position

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName("Document")
        self.setAccessibleDescription(self.DESCRIPTION)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.anchorClicked.connect(self._clicked)
        self._anchors: list[tuple[float, str]] | None = []  # None: not measured yet
        self._opened_at: tuple[str | None, int] = (None, -1)
        self._search_marks: list[QTextEdit.ExtraSelection] = []
        self._links: list[tuple[int, int, str]] | None = None  # None: not listed yet
        self._leave_on_tab = False
        self._marks: ReaderMarks | None = None  # links and headings for screen readers
        self._find_marks: list[QTextEdit.ExtraSelection] = []
        # Kept from the viewport's resize events: asking for viewport() makes PySide
        # load every QWidget class to find its type, which costs start-up ~13 ms.
        self._viewport_width = 0
        self._scroll_timer = QTimer(self, singleShot=True, interval=80)
        self._scroll_timer.timeout.connect(self._report_section)
        self.verticalScrollBar().valueChanged.connect(lambda _: self._scroll_timer.start())

    # -- content ---------------------------------------------------------------

    def show_html(self, html: str) -> None:
        self.setHtml(_dotted_terms(html))
        self._links = None
        if self._marks is not None or QAccessible.isActive():
            self.accessible_marks().refresh()
        self._search_marks = []
        self._find_marks = []
        self._apply_marks()
        self._anchors = None
        self._fit_column()

    def accessible_marks(self) -> ReaderMarks:
        """The page's links and headings as objects a screen reader can find."""
        if self._marks is None:
            from desktop.reader_access import ReaderMarks

            self._marks = ReaderMarks(self)
        return self._marks

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        """Nothing is ever fetched: no remote images, no local files either."""
        return QByteArray()

    # -- sections --------------------------------------------------------------

    def _anchor_positions(self) -> list[tuple[float, str]]:
        layout = self.document().documentLayout()
        return sorted(
            (layout.blockBoundingRect(block).top(), name)
            for block, fragment in text_fragments(self.document())
            for name in fragment.charFormat().anchorNames()
        )

    def scroll_to_section(self, section: str | None) -> None:
        """Show `section` at the top, with the caret at its start: a screen reader
        starts reading there, and Tab goes on to the links that follow."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.anchor_position(section) if section else 0)
        self.setTextCursor(cursor)
        if section:
            self.scrollToAnchor(section)
        else:
            self.verticalScrollBar().setValue(0)
        # A section near the end cannot reach the top of the view; it is still the one
        # being read until the reader scrolls.
        self._opened_at = (section, self.verticalScrollBar().value())

    def anchor_position(self, name: str) -> int:
        """Where the anchor `name` is in the text (0 if it is not there)."""
        for _, fragment in text_fragments(self.document()):
            if name in fragment.charFormat().anchorNames():
                return fragment.position()
        return 0

    def current_section(self) -> str | None:
        section, scrolled = self._opened_at
        if section and scrolled == self.verticalScrollBar().value():
            return section
        if self._anchors is None:  # measured when first needed: it lays out the whole page
            self._anchors = self._anchor_positions()
        if not self._anchors:
            return None
        top = self.verticalScrollBar().value() + 4
        at = bisect.bisect_right([y for y, _ in self._anchors], top) - 1
        return self._anchors[max(at, 0)][1]

    def _report_section(self) -> None:
        section = self.current_section()
        if section:
            self.section_changed.emit(section)

    # -- layout ----------------------------------------------------------------

    def _fit_column(self) -> None:
        """Centre a column of readable width; long lines are hard to follow."""
        column = self.fontMetrics().averageCharWidth() * READING_COLUMN_CHARS
        spare = self._viewport_width - column
        margin = max(12, spare // 2)
        root = self.document().rootFrame()
        fmt = root.frameFormat()
        if fmt.leftMargin() != margin:
            fmt.setLeftMargin(margin)
            fmt.setRightMargin(margin)
            fmt.setTopMargin(16)
            fmt.setBottomMargin(24)
            root.setFrameFormat(fmt)
            self._anchors = None

    def top_position(self) -> int:
        """The place in the text at the top of the view."""
        return self.cursorForPosition(QPoint(0, 0)).position()

    def show_position_at_top(self, position: int) -> None:
        """Scroll so that the line holding `position` is at the top (after a zoom,
        the reader keeps its place)."""
        doc = self.document()
        block = doc.findBlock(position)
        layout = doc.documentLayout()
        layout.blockBoundingRect(doc.lastBlock())  # the whole page laid out: a true range
        top = layout.blockBoundingRect(block).top()
        line = block.layout().lineForTextPosition(position - block.position())
        if line.isValid():
            top += line.y()
        self.verticalScrollBar().setValue(int(top))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the text size changed
            self._anchors = None
            self._fit_column()

    # -- links and tooltips ------------------------------------------------------

    def _clicked(self, url: QUrl) -> None:
        self.link_activated.emit(url.toString(), self._on_screen(self.cursorRect().bottomLeft()))

    def _on_screen(self, point: QPoint) -> QPoint:
        """A point of the viewport, on the screen. The viewport sits inside the frame
        (there are no viewport margins); asking for viewport() would cost the first
        click on a term ~13 ms (see _viewport_width)."""
        return self.mapToGlobal(self.contentsRect().topLeft() + point)

    def viewportEvent(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self._viewport_width = event.size().width()  # type: ignore[attr-defined]
            self._fit_column()
        elif kind == QEvent.Type.ToolTip:
            href = self.anchorAt(event.pos())  # type: ignore[attr-defined]
            if href.startswith(GLOSSARY_SCHEME):
                self.term_tooltip.emit(href, event.globalPos())  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter on a term reached with Tab opens it, wherever the caret is drawn.
        Esc leaves the links: the caret stays where the link was, and the next Tab
        (or Shift+Tab) moves on out of the reader."""
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            cursor = self.textCursor()
            if cursor.hasSelection():
                cursor.setPosition(cursor.selectionStart())
                self.setTextCursor(cursor)
            if self._marks is not None:
                self._marks.unfocus()
            self._leave_on_tab = True
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            cursor = self.textCursor()
            href = cursor.charFormat().anchorHref() if cursor.hasSelection() else ""
            if href:
                where = self._on_screen(self.cursorRect(cursor).bottomLeft())
                self.link_activated.emit(href, where)
                return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab moves to the next link after the caret (not the first of the page);
        after the last link, or after Esc, it moves out of the reader."""
        if self._leave_on_tab:
            self._leave_on_tab = False
            return QWidget.focusNextPrevChild(self, next)
        link = self.next_link(self.textCursor(), next)
        if link is None:
            return QWidget.focusNextPrevChild(self, next)
        self.setTextCursor(link)
        self.ensureCursorVisible()
        if self._marks is not None or QAccessible.isActive():
            self.accessible_marks().focus_link(link.selectionStart())
        return True

    def next_link(self, after: QTextCursor, forward: bool = True) -> QTextCursor | None:
        """A cursor selecting the whole link after (or before) `after`'s selection."""
        if forward:
            start = after.selectionEnd() if after.hasSelection() else after.position()
        else:
            start = after.selectionStart() if after.hasSelection() else after.position()
        links = self.links()
        if forward:
            found = next(((a, b) for a, b, _ in links if a >= start), None)
        else:
            found = next(((a, b) for a, b, _ in reversed(links) if b <= start), None)
        if found is None:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(found[0])
        cursor.setPosition(found[1], QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def links(self) -> list[tuple[int, int, str]]:
        """Every link of the page: (start, end, href), in reading order; a link cut
        into several runs of text (a bold word inside it) is one link."""
        if self._links is None:
            links: list[tuple[int, int, str]] = []
            for _, fragment in text_fragments(self.document()):
                href = fragment.charFormat().anchorHref()
                if not href:
                    continue
                start, end = fragment.position(), fragment.position() + fragment.length()
                if links and links[-1][2] == href and links[-1][1] == start:
                    links[-1] = (links[-1][0], end, href)
                else:
                    links.append((start, end, href))
            self._links = links
        return self._links

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._leave_on_tab = False
        if QAccessible.isActive():
            self.accessible_marks().refresh()
        super().focusInEvent(event)

    # -- highlights --------------------------------------------------------------

    def highlight_words(self, words: list[str]) -> int:
        """Mark every whole-word occurrence of `words` (the matches of a search)."""
        marks = []
        fmt = _mark_format(self.palette(), "search")
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
        flags = QTextDocument.FindFlag.FindWholeWords
        for word in sorted(set(words), key=len, reverse=True):
            cursor = QTextCursor(self.document())
            while True:
                cursor = self.document().find(word, cursor, flags)
                if cursor.isNull():
                    break
                mark = QTextEdit.ExtraSelection()
                mark.cursor = cursor
                mark.format = fmt
                marks.append(mark)
        self._search_marks = marks
        self._apply_marks()
        return len(marks)

    def set_find_marks(self, marks: list[QTextEdit.ExtraSelection]) -> None:
        self._find_marks = marks
        self._apply_marks()

    def _apply_marks(self) -> None:
        self.setExtraSelections(self._search_marks + self._find_marks)


class FindBar(QWidget):
    """Find in page: type, Enter for the next match, Shift+Enter for the previous."""

    def __init__(self, reader: Reader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.matches: list[QTextCursor] = []
        self.current = -1

        self.field = QLineEdit(self)
        self.field.setPlaceholderText("Find in page")
        self.field.setAccessibleName("Find in page")
        self.field.setClearButtonEnabled(True)
        self.field.textChanged.connect(self._changed)
        self.field.returnPressed.connect(self.next)
        self.count = QLabel(self)
        self.count.setAccessibleDescription("Matches")
        self.count.setMinimumWidth(self.count.fontMetrics().horizontalAdvance("999 of 999") + 8)
        previous = _tool_button("Previous", "Previous match (Shift+F3)", self.previous, self)
        following = _tool_button("Next", "Next match (F3)", self.next, self)
        close = _tool_button("Close", "Close (Esc)", self.close_bar, self)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(close)
        for keys, slot in [
            ("Shift+Return", self.previous),
            ("Shift+Enter", self.previous),
            ("Escape", self.close_bar),
        ]:
            QShortcut(QKeySequence(keys), self.field, slot)
        self.hide()

    def open(self) -> None:
        self.show()
        selected = self.reader.textCursor().selectedText()
        if selected and len(selected) < 80:
            self.field.setText(selected)
        self.field.setFocus()
        self.field.selectAll()
        self._changed(self.field.text())

    def close_bar(self) -> None:
        self.hide()
        self.reader.set_find_marks([])
        self.reader.setFocus()

    def refresh(self) -> None:
        """The document changed: find again."""
        if self.isVisible():
            self._changed(self.field.text())

    def _changed(self, text: str) -> None:
        self.matches = []
        if text.strip():
            cursor = QTextCursor(self.reader.document())
            while len(self.matches) < 9999:
                cursor = self.reader.document().find(text, cursor)
                if cursor.isNull():
                    break
                self.matches.append(QTextCursor(cursor))
        # Start at the first match after what is on screen.
        top = self.reader.cursorForPosition(QPoint(0, 0)).position()
        self.current = next((i for i, c in enumerate(self.matches) if c.position() >= top), 0)
        self._show()

    def next(self) -> None:
        if self.matches:
            self.current = (self.current + 1) % len(self.matches) if self.current >= 0 else 0
            self._show()

    def previous(self) -> None:
        if self.matches:
            self.current = (self.current - 1) % len(self.matches)
            self._show()

    def _show(self) -> None:
        text = self.field.text().strip()
        if not text:
            self.count.setText("")
        elif not self.matches:
            self.count.setText("No matches")
        else:
            self.count.setText(f"{self.current + 1} of {len(self.matches)}")
        every = _mark_format(self.reader.palette(), "find")
        this = _mark_format(self.reader.palette(), "find current")
        marks = []
        for i, cursor in enumerate(self.matches):
            mark = QTextEdit.ExtraSelection()
            mark.cursor = cursor
            mark.format = this if i == self.current else every
            marks.append(mark)
        self.reader.set_find_marks(marks)
        if self.matches:
            self.reader.setTextCursor(_collapsed(self.matches[self.current]))
            self.reader.ensureCursorVisible()


def _mark_format(palette: QPalette, kind: str) -> QTextCharFormat:
    ink, background = mark_colors(palette)[kind]
    fmt = QTextCharFormat()
    fmt.setBackground(background)
    fmt.setForeground(ink)
    return fmt


def _collapsed(cursor: QTextCursor) -> QTextCursor:
    moved = QTextCursor(cursor)
    moved.clearSelection()
    return moved


def _tool_button(text: str, tip: str, slot: Callable[[], object], parent: QWidget) -> QToolButton:
    button = QToolButton(parent)
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(re.sub(r" \(.*\)", "", tip))
    button.clicked.connect(slot)
    return button
