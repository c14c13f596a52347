"""The reading pane: the reader with its find bar and note, and what it shows.

It knows which page is shown, the way back and forward, the zoom and the home
page; the window tells it what to open and listens to where it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.access import set_text_size
from desktop.history import History, Location
from desktop.reader import FindBar, Reader
from desktop.settings import ZOOM_RANGE, Settings
from desktop.theme import reader_css
from index.model import DISCLAIMER

if TYPE_CHECKING:
    from index.model import Document
    from index.session import Session


class ReadingPane(QWidget):
    # The place now shown (a document, section, or home) and its document (or None).
    shown = Signal(object, object)  # Location, Document | None
    text_size_changed = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.session: Session | None = None
        self.history = History()
        self.shown_doc: str | None = None  # "" for the home page, None for nothing yet
        self.shown_page: str | None = None  # the session's page key (a long document has several)
        self.zoom = settings.zoom

        self.reader = Reader(self)
        self.reader.section_changed.connect(self._scrolled_to)
        self.find_bar = FindBar(self.reader, self)
        self.disclaimer = QLabel(f"<b>Please note:</b> {DISCLAIMER}", self)
        self.disclaimer.setObjectName("disclaimer")
        self.disclaimer.setAccessibleDescription("Note")  # its name is its text
        self.disclaimer.setWordWrap(True)
        self.disclaimer.setContentsMargins(10, 5, 10, 5)
        self.disclaimer.setAutoFillBackground(True)
        self.disclaimer.setBackgroundRole(self.disclaimer.backgroundRole().AlternateBase)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.reader, 1)
        column.addWidget(self.find_bar)
        column.addWidget(self.disclaimer)
        set_text_size(self.zoom)

    def set_session(self, session: Session) -> None:
        """A (re)loaded library: the same place is shown again, or home if its
        document is gone."""
        first = self.session is None
        self.session = session
        if first:
            return
        here = self.here()
        self.shown_doc = self.shown_page = None
        if here.doc is not None and session.library.get(here.doc) is None:
            here = Location(None)
        scroll = self.reader.verticalScrollBar().value()
        self.open(here, record=False)
        if here.section is None or here.doc is not None:
            self.reader.verticalScrollBar().setValue(scroll)

    # -- where we are -----------------------------------------------------------

    def here(self) -> Location:
        """The place shown, with the section scrolled to."""
        location = self.history.current
        if location is None:
            return Location(None)
        if location.doc is not None and location.doc == self.shown_doc:
            return Location(location.doc, self.reader.current_section() or location.section)
        return location

    def document(self) -> Document | None:
        if self.session is None or not self.shown_doc:
            return None
        return self.session.library.get(self.shown_doc)

    def open(self, location: Location, record: bool = True, highlight: Sequence[str] = ()) -> None:
        """Show a document (at a section) or the home page; `highlight` marks words."""
        if self.session is None:
            return
        doc = self.session.library.get(location.doc) if location.doc else None
        if doc is None:
            location = Location(None)
        # Qt applies the style sheet when the HTML is set, so it goes first, every time.
        self.reader.document().setDefaultStyleSheet(reader_css(self.palette()))
        if doc is None and self.shown_doc != "":
            self.reader.show_html(home_html(self.session))
            self.shown_doc, self.shown_page = "", None
        elif doc is not None:
            key = self.session.page_key(doc.id, location.section)
            if self.shown_page != key:
                self.reader.show_html(self.session.page(key))
                self.shown_doc, self.shown_page = doc.id, key
                self.find_bar.refresh()
        self.reader.scroll_to_section(location.section)
        self.reader.highlight_words(list(highlight))
        if doc is not None:
            self.settings.set_last_read(doc.id, location.section)
        if record:
            self.history.visit(location)
        self.shown.emit(location, doc)

    def back(self) -> None:
        self._remember_scroll()
        location = self.history.back()
        if location is not None:
            self.open(location, record=False)

    def forward(self) -> None:
        self._remember_scroll()
        location = self.history.forward()
        if location is not None:
            self.open(location, record=False)

    def go_home(self) -> None:
        self.go(Location(None))

    def go(self, location: Location, highlight: Sequence[str] = ()) -> None:
        """Somewhere new, from where the reader was: back returns to that place."""
        self._remember_scroll()
        self.open(location, highlight=highlight)

    def _remember_scroll(self) -> None:
        """Going back returns to where you were reading, not just to the section opened."""
        self.history.update(self.here())

    def _scrolled_to(self, section: str) -> None:
        if self.shown_doc:
            self.settings.set_last_read(self.shown_doc, section)
            self.shown.emit(Location(self.shown_doc, section), self.document())

    # -- zoom ---------------------------------------------------------------------

    def set_zoom(self, zoom: int) -> None:
        """The text size of the whole window (and its dialogs), at the same place."""
        zoom = max(ZOOM_RANGE[0], min(zoom, ZOOM_RANGE[1]))
        place = self.reader.top_position()
        set_text_size(zoom)
        self.reader.show_position_at_top(place)
        self.zoom = zoom
        self.settings.zoom = zoom
        self.text_size_changed.emit()


def home_html(session: Session) -> str:
    """The library's front page: what it covers (cancer types, documents, sources,
    dates) and what it does not."""
    from html import escape  # here: the first page a start shows is seldom home

    from index.coverage import NOT_COVERED, coverage, date_text, summary_html

    cover = coverage(session.library, session.taxonomy)
    parts = [
        '<h1 class="title">OncoRef</h1>',
        "<p>Trusted cancer information that works without the internet. Pick a "
        "document below or in <b>Contents</b>, or type in the search box. Underlined "
        "medical words explain themselves: point at one, or click it. Press <b>F1</b> "
        "for help.</p>",
        summary_html(cover),
        "<h2>What is here</h2>",
    ]
    for cancer_type in cover.types:
        parts.append(f"<h3>{escape(cancer_type.name)}</h3><ul>")
        for doc in cancer_type.documents:
            parts.append(
                f'<li><a href="doc:{escape(doc.id)}">{escape(doc.title)}</a><br>'
                f"<small>{escape(doc.source)} · reviewed: {escape(date_text(doc.reviewed))}"
                "</small></li>"
            )
        parts.append("</ul>")
    parts.append("<h2>What is not here</h2><ul>")
    parts.extend(f"<li>{escape(line)}</li>" for line in NOT_COVERED)
    parts.append("</ul>")
    return "\n".join(parts)
