"""The Search tab: results as you type, a definition card, "did you mean"."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from desktop.access import announce
from desktop.glossary_views import entry_html
from desktop.results_view import HIT_ROLE, ResultsView

if TYPE_CHECKING:
    from index.model import SearchHit, SearchResult
    from index.taxonomy import Taxonomy

DEBOUNCE_MS = 120


class SearchPanel(QWidget):
    """Sends queries to the worker (debounced, numbered) and shows only the newest answer.

    Slots: show_result(serial, result), set_snippets(serial, {row: snippet}) for the
    snippets that come after their result."""

    search_requested = Signal(int, str, list)  # serial, text, cancer types
    open_requested = Signal(object, object)  # SearchHit, the QueryTerms that found it
    define_requested = Signal(str)  # a glossary term
    superseded = Signal(int)  # the newest serial, for the worker to skip older ones
    did_you_mean_clicked = Signal(str)  # the suggested spelling
    # An answer or snippets were shown, and the events they queued (the paint) have run.
    shown = Signal()

    def __init__(self, parent: QWidget | None = None, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.text = ""
        self.serial = 0
        self.shown_serial = 0
        self.result: SearchResult | None = None
        self.ready = False
        # A widget (the search box) whose accessible description tells what was found.
        self.describes: QWidget | None = None
        self._timer = QTimer(self, singleShot=True, interval=debounce_ms)
        self._timer.timeout.connect(self._send)
        self._shown_later = QTimer(self, singleShot=True, interval=0)
        self._shown_later.timeout.connect(self.shown)

        self.types = QComboBox(self)
        self.types.setAccessibleName("Cancer type")
        self.types.setToolTip("Only show results about this cancer type")
        self.types.addItem("All cancer types", None)
        self.types.currentIndexChanged.connect(lambda _: self.set_query(self.text, at_once=True))

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.linkActivated.connect(self._message_link)

        self.card = QLabel(self)
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.TextFormat.RichText)
        self.card.setAccessibleDescription("Definition")
        self.card.setTextInteractionFlags(_LINKS_BY_KEYBOARD)
        self.card.setFrameShape(QLabel.Shape.StyledPanel)
        self.card.setMargin(8)
        self.card.linkActivated.connect(
            lambda href: self.define_requested.emit(href.removeprefix("related:"))
        )
        self.card.hide()

        self.list = ResultsView(self)
        self.list.setAccessibleName("Search results")
        self.list.activated.connect(self._activated)
        self.list.clicked.connect(self._activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.types)
        layout.addWidget(self.message)
        layout.addWidget(self.card)
        layout.addWidget(self.list, 1)
        self._say("Type in the search box above, " + _EXAMPLE + ".")

    def set_types(self, taxonomy: Taxonomy, type_names: list[str]) -> None:
        current = self.types.currentData()
        self.types.blockSignals(True)
        self.types.clear()
        self.types.addItem("All cancer types", None)
        for name in sorted({taxonomy.describe(t).name for t in type_names}, key=str.casefold):
            self.types.addItem(name, name)
        self.types.setCurrentIndex(max(0, self.types.findData(current)))
        self.types.blockSignals(False)

    def set_ready(self, ready: bool) -> None:
        self.ready = ready
        if ready and self.text.strip():
            self.set_query(self.text, at_once=True)

    # -- asking -----------------------------------------------------------------

    def set_query(self, text: str, at_once: bool = False) -> None:
        self.text = text
        if not text.strip():
            self._timer.stop()
            self.serial += 1  # any answer still on its way is now out of date
            self.superseded.emit(self.serial)
            self._clear()
            self._say("Type a word or two to search for, " + _EXAMPLE + ".")
            return
        if not self.ready:
            self._say("Getting search ready…")
        if at_once:
            self._timer.stop()
            self._send()
        else:
            self._timer.start()

    def _send(self) -> None:
        if not self.ready or not self.text.strip():
            return
        self.serial += 1
        self.superseded.emit(self.serial)
        types = [self.types.currentData()] if self.types.currentData() else []
        self.search_requested.emit(self.serial, self.text, types)

    # -- answering --------------------------------------------------------------

    def show_result(self, serial: int, result: SearchResult) -> None:
        self._shown_later.start()
        if serial != self.serial:
            return  # a newer query is on its way; this answer is stale
        self.shown_serial = serial
        self.result = result
        self.card.hide()
        if result.definition is not None:
            self.card.setText(entry_html(result.definition))
            self.card.show()
        note = html.escape(result.message) if result.message else ""
        if result.did_you_mean and result.hits and not result.message:
            suggestion = html.escape(result.did_you_mean)
            note = f'Did you mean <a href="dym:{suggestion}">{suggestion}</a>?'
        elif result.hits:
            shown = len(result.hits)
            note = note or f"{shown} section{'s' * (shown != 1)} found"
        if result.notice:
            note = f"<b>{html.escape(result.notice)}</b>" + (f"<br>{note}" if note else "")
        self._say(note)
        self.list.set_hits(result.hits)  # one reset: rows are painted when seen
        # Said aloud by a screen reader, wherever the focus is (the search box).
        heard = QTextDocumentFragment.fromHtml(note).toPlainText() if note else "Nothing found"
        if result.definition is not None:
            heard += f". {result.definition.term}: {result.definition.definition}"
        announce(self.message, heard)
        if self.describes is not None:  # screen readers without announcements read this
            self.describes.setAccessibleDescription(heard)

    def set_snippets(self, serial: int, snippets: dict[int, str]) -> None:
        """Snippets made after their result was shown, by row; those of an older
        result than the one shown are dropped."""
        self._shown_later.start()
        if serial == self.shown_serial and self.result is not None:
            self.list.set_snippets(snippets)

    def open_current(self) -> None:
        """Enter in the search box opens the selected (or first) result."""
        index = self.list.currentIndex()
        if not index.isValid():
            index = self.list.results.index(0)
        if index.isValid():
            self._activated(index)

    def hits(self) -> list[SearchHit]:
        return self.list.results.hits()

    def _activated(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if hit is not None and self.result is not None:
            self.open_requested.emit(hit, self.result.terms)

    def _message_link(self, href: str) -> None:
        if href.startswith("dym:"):
            self.did_you_mean_clicked.emit(href[4:])

    def _clear(self) -> None:
        self.list.results.set_hits([])
        self.card.hide()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        # A link in the message ("did you mean") is a Tab stop; plain words are not.
        self.message.setTextInteractionFlags(
            _LINKS_BY_KEYBOARD if "<a " in text else Qt.TextInteractionFlag.NoTextInteraction
        )
        self.message.setFocusPolicy(
            Qt.FocusPolicy.StrongFocus if "<a " in text else Qt.FocusPolicy.NoFocus
        )


_LINKS_BY_KEYBOARD = (
    Qt.TextInteractionFlag.LinksAccessibleByMouse
    | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    | Qt.TextInteractionFlag.TextSelectableByKeyboard
)
_EXAMPLE = "for example <i>gleevec side effects</i> or <i>blocked bowel stent</i>"
