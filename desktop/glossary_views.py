"""Glossary popups over the reader, and the Glossary tab listing every entry A-Z."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.access import announce, name_clear_buttons
from desktop.file_dialogs import nothing_matches, show_nothing_matches
from desktop.theme import muted_color
from index.glossary import CATEGORIES, DEFINITIONS_LABEL

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent

    from index.glossary import Glossary
    from index.model import GlossaryEntry


def entry_html(entry: GlossaryEntry, related_links: bool = True) -> str:
    """A definition card: term, kind, definition, other names, related terms, and
    who wrote the definition."""
    muted = muted_color(QGuiApplication.palette())
    parts = [
        f"<p style='margin:0'><b style='font-size:large'>{html.escape(entry.term)}</b>"
        f" &nbsp;<span style='color:{muted}'>{CATEGORIES.get(entry.category, '')}</span></p>",
        f"<p>{html.escape(entry.definition)}</p>",
    ]
    if entry.aliases:
        parts.append(f"<p><i>Also called:</i> {html.escape(', '.join(entry.aliases))}</p>")
    if entry.related:
        if related_links:
            links = ", ".join(
                f'<a href="related:{html.escape(r)}">{html.escape(r)}</a>' for r in entry.related
            )
        else:
            links = html.escape(", ".join(entry.related))
        parts.append(f"<p><i>See also:</i> {links}</p>")
    parts.append(
        f"<p class='provenance' style='color:{muted}; margin-bottom:0'>"
        f"<small>From {html.escape(DEFINITIONS_LABEL)}</small></p>"
    )
    return "".join(parts)


class DefinitionPopup(QFrame):
    """A small popup with a definition. Esc or a click elsewhere closes it."""

    open_in_glossary = Signal(str)  # term

    def __init__(self, glossary: Glossary, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.glossary = glossary
        self.entry: GlossaryEntry | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Definition")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.text.linkActivated.connect(self._related)
        self.text.setFixedWidth(self.fontMetrics().averageCharWidth() * 48)
        self.button = QPushButton("Open in glossary", self)
        self.button.setAccessibleName("Open in glossary")
        self.button.clicked.connect(self._open_in_glossary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.text)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)

    def show_entry(self, entry: GlossaryEntry, at: QPoint | None = None) -> None:
        self.entry = entry
        self.text.setFixedWidth(self.fontMetrics().averageCharWidth() * 48)  # at today's size
        self.text.setText(entry_html(entry))
        said = f"{entry.term}: {entry.definition}"
        self.setAccessibleDescription(said)
        self.button.setAccessibleDescription(said)  # read with the button it focuses
        self.adjustSize()
        if at is not None:
            self.move(_on_screen(at, self.sizeHint().width(), self.sizeHint().height()))
        self.show()
        self.button.setFocus()
        announce(self, said)

    def _related(self, href: str) -> None:
        entry = self.glossary.lookup(href.removeprefix("related:"))
        if entry is not None:
            self.show_entry(entry)

    def _open_in_glossary(self) -> None:
        if self.entry is not None:
            self.hide()
            self.open_in_glossary.emit(self.entry.term)


def _on_screen(at: QPoint, width: int, height: int) -> QPoint:
    screen = QGuiApplication.screenAt(at) or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    x = min(max(at.x(), area.left()), area.right() - width)
    y = at.y() if at.y() + height <= area.bottom() else at.y() - height - 24
    return QPoint(x, max(y, area.top()))


class GlossaryPanel(QWidget):
    """Every entry A-Z with a filter that also searches other names."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.glossary: Glossary | None = None
        self._filled = False
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter the glossary")
        self.filter.setAccessibleName("Filter the glossary")
        name_clear_buttons(self.filter)
        self.filter.textChanged.connect(self._filter)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Glossary terms")
        self.list.currentItemChanged.connect(self._show)
        self.card = QTextBrowser(self)
        self.card.setOpenLinks(False)
        self.card.setAccessibleName("Definition")
        self.card.setTextInteractionFlags(  # its words can be read with the arrow keys
            Qt.TextInteractionFlag.TextBrowserInteraction
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.card.anchorClicked.connect(lambda url: self.select(url.toString()[8:]))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.nothing = nothing_matches(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.nothing)
        layout.addWidget(self.list, 3)
        layout.addWidget(self.card, 2)
        self.setFocusProxy(self.filter)

    def set_glossary(self, glossary: Glossary) -> None:
        """The list is filled when the panel is first shown (not at startup)."""
        self.glossary = glossary
        self._filled = False
        if self.isVisible():
            self._fill()

    def showEvent(self, event: QShowEvent) -> None:
        self._fill()
        super().showEvent(event)

    def _fill(self) -> None:
        from index.glossary import normalize_term

        if self._filled or self.glossary is None:
            return
        self._filled = True
        glossary = self.glossary
        self.list.clear()
        for entry in glossary.entries:
            item = QListWidgetItem(entry.term)
            item.setData(Qt.ItemDataRole.UserRole, entry.term)
            keys = [entry.term, *entry.aliases]
            item.setData(Qt.ItemDataRole.UserRole + 1, " | ".join(normalize_term(k) for k in keys))
            item.setToolTip(entry.definition)
            self.list.addItem(item)
        self._filter(self.filter.text())

    def select(self, term: str) -> None:
        if self.glossary is None:
            return
        entry = self.glossary.lookup(term)
        if entry is None:
            return
        self._fill()
        self.filter.clear()
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == entry.term:
                self.list.setCurrentItem(item)
                self.list.scrollToItem(item)
                return

    def visible_terms(self) -> list[str]:
        self._fill()
        return [
            self.list.item(r).text()
            for r in range(self.list.count())
            if not self.list.item(r).isHidden()
        ]

    def _filter(self, text: str) -> None:
        from index.glossary import normalize_term

        key = normalize_term(text)
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(key) and key not in item.data(Qt.ItemDataRole.UserRole + 1))
        visible = [self.list.item(r) for r in range(self.list.count())]
        first = next((i for i in visible if not i.isHidden()), None)
        current = self.list.currentItem()
        if first is not None and (current is None or current.isHidden()):
            self.list.setCurrentItem(first)
        show_nothing_matches(self.nothing, text, first is None)

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None or self.glossary is None:
            self.card.clear()
            return
        entry = self.glossary.lookup(item.data(Qt.ItemDataRole.UserRole))
        self.card.setHtml(entry_html(entry) if entry else "")
