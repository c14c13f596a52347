"""Bookmarks and recently read: the Bookmarks tab, the Bookmarks menu, Ctrl+D.

The lists themselves (files, atomic writes, damaged files) are index.bookmarks';
this module shows them and keeps them up to date as the reader moves. On a shared
computer (desktop.shared_mode) both lists live in memory only.

Nothing here is read or built while the window starts: the lists are read when
first needed (the first section read is recorded once the window is up), and the
tab (desktop.bookmarks_panel) is made when it is first shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QVBoxLayout, QWidget

from desktop import shared_mode
from desktop.file_dialogs import documents_folder
from desktop.history import Location
from desktop.theme import as_rich_text

if TYPE_CHECKING:
    from desktop.bookmarks_panel import PlacesPanel
    from desktop.window import MainWindow
    from index.bookmarks import Place, PlaceList
    from index.model import Document
    from index.session import Session


def place_name(doc: Document, section: str | None) -> str:
    """ "Heading — Document title", or the title for a whole document."""
    found = doc.section(section) if section else None
    return f"{found.heading} — {doc.title}" if found is not None else doc.title


# How long after a page is shown it is recorded as read (after the first paint).
RECORD_DELAY_MS = 300


class Places(QObject):
    """Both lists, the panel, the actions and the menu; follows the reader."""

    changed = Signal()
    open_requested = Signal(str, object)  # doc id, section id or None

    def __init__(self, window: MainWindow, shared: bool) -> None:
        super().__init__(window)
        self.window = window
        self.shared = shared
        self.session: Session | None = None
        self._bookmarks: PlaceList | None = None
        self._recent: PlaceList | None = None
        self._panel: PlacesPanel | None = None
        self.page = QWidget()  # the tab; holds the panel once made
        self._page_layout = QVBoxLayout(self.page)
        self._page_layout.setContentsMargins(0, 0, 0, 0)
        self.bookmark_action: QAction = window._action(
            "&Bookmark this section",
            self.bookmark_here,
            "Ctrl+D",
            "Keep this section in Bookmarks",
        )
        self.clear_history_action: QAction = window._action(
            "&Clear history",
            self.clear_history,
            tip="Forget the sections read, the way back, the place to reopen and the search "
            "box (bookmarks stay)",
        )
        self.menu = QMenu("&Bookmarks", window)

    # -- the lists and the tab, made when first needed ---------------------------------

    @property
    def bookmarks(self) -> PlaceList:
        if self._bookmarks is None:
            from index.bookmarks import PlaceList, bookmarks_path

            self._bookmarks = PlaceList(None if self.shared else bookmarks_path())
            self._report(self._bookmarks)
        return self._bookmarks

    @property
    def recent(self) -> PlaceList:
        if self._recent is None:
            from index.bookmarks import RECENT_LIMIT, PlaceList, recent_path

            self._recent = PlaceList(None if self.shared else recent_path(), RECENT_LIMIT)
            self._report(self._recent)
        return self._recent

    def _report(self, places: PlaceList) -> None:
        """A file set aside as damaged is said on the tab (and inside it) until the
        window closes, and for a while in the status bar."""
        if places.problem:
            sidebar = self.window.sidebar
            tab = sidebar.indexOf(self.page)
            sidebar.setTabText(tab, "Book&marks ⚠")
            sidebar.setTabToolTip(tab, as_rich_text(places.problem))
            self.window.statusBar().showMessage(places.problem, 20000)

    @property
    def panel(self) -> PlacesPanel:
        if self._panel is None:
            from desktop.bookmarks_panel import PlacesPanel

            self._panel = PlacesPanel(self)
            self._panel.open_requested.connect(self.open_requested)
            self.changed.connect(self._panel.refresh)
            self._page_layout.addWidget(self._panel)
            self.page.setFocusProxy(self._panel)
            self._panel.show()
        return self._panel

    # -- what the lists point at ----------------------------------------------------

    def set_session(self, session: Session | None) -> None:
        self.session = session
        self.changed.emit()

    def find(self, place: Place) -> bool:
        """The place's document is in the library now."""
        return self.session is None or self.session.library.get(place.doc) is not None

    # -- following the reader ------------------------------------------------------

    def shown(self, location: Location, doc: Document | None) -> None:
        """The reader moved. Recorded a moment later, so that the window's first page
        never waits for the list to be read."""
        if doc is not None:
            name = place_name(doc, location.section)
            QTimer.singleShot(
                RECORD_DELAY_MS, self, lambda: self._read(doc.id, location.section, name)
            )

    def _read(self, doc: str, section: str | None, name: str) -> None:
        self.bookmarks  # noqa: B018  (read now, so that a damaged file is said at start)
        if self.recent.read(doc, section, name):
            self.changed.emit()

    def bookmark(self, location: Location, doc: Document | None) -> Place | None:
        """Bookmark the section being read (Ctrl+D)."""
        if doc is None:
            return None
        place = self.bookmarks.add(doc.id, location.section, place_name(doc, location.section))
        self.changed.emit()
        return place

    def rename(self, number: int, name: str) -> None:
        self.bookmarks.rename(number, name)
        self.changed.emit()

    def remove(self, number: int) -> None:
        self.bookmarks.remove(number)
        self.changed.emit()

    def bookmark_here(self) -> None:
        window = self.window
        place = self.bookmark(window.here(), window.reading.document())
        if place is not None:
            window.statusBar().showMessage(f"Bookmarked: {place.name}", 4000)

    def clear_history(self) -> None:
        """Forget the sections read, the way back, the place to reopen and the search
        box (bookmarks stay)."""
        from desktop.history import History

        self.recent.clear()
        window = self.window
        here = window.here()  # Back and Forward start again from here
        window.reading.history = History()
        window.reading.history.visit(here)
        window.back_action.setEnabled(False)
        window.forward_action.setEnabled(False)
        window.settings.forget_last_read()
        window.search_field.clear()
        window.statusBar().showMessage("History cleared", 4000)
        self.changed.emit()

    # -- exchange ---------------------------------------------------------------------

    def export_bookmarks(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(
            self.panel,
            "Export bookmarks",
            str(Path(documents_folder()) / "OncoRef bookmarks.json"),
            "OncoRef bookmarks (*.json)",
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> bool:
        from PySide6.QtWidgets import QMessageBox

        try:
            self.bookmarks.export_to(path)
        except OSError as error:
            QMessageBox.warning(
                self.panel, "Export bookmarks", f"{path}: {error.strerror or error}"
            )
            return False
        return True

    def import_bookmarks(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self.panel, "Import bookmarks", documents_folder(), "OncoRef bookmarks (*.json)"
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> int:
        from PySide6.QtWidgets import QMessageBox

        from index.bookmarks import PlacesFileError

        try:
            added = self.bookmarks.import_from(path)
        except PlacesFileError as error:
            QMessageBox.warning(self.panel, "Import bookmarks", f"Not imported. {error}")
            return 0
        self.changed.emit()
        return added

    # -- the menu ------------------------------------------------------------------------

    def fill_menu(self, menu: QMenu, fixed: list[QAction | None], lists: bool = True) -> None:
        """The menu's fixed commands, then every bookmark and the recent sections."""
        menu.clear()
        for action in fixed:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        if not lists:
            return
        if self.bookmarks.places:
            menu.addSeparator()
        for place in self.bookmarks.places[:30]:
            action = menu.addAction(place.name.replace("&", "&&"))
            action.setEnabled(self.find(place))
            action.triggered.connect(
                lambda _=False, p=place: self.open_requested.emit(p.doc, p.section)
            )
        recent = menu.addMenu("&Recently read")
        recent.setEnabled(bool(self.recent.places))
        for place in self.recent.places:
            action = recent.addAction(place.name.replace("&", "&&"))
            action.setEnabled(self.find(place))
            action.triggered.connect(
                lambda _=False, p=place: self.open_requested.emit(p.doc, p.section)
            )


def install(window: MainWindow) -> Places:
    """Bookmarks and recently read in the window: a fourth sidebar tab, Ctrl+D, a
    Bookmarks menu and Clear history. On a shared computer nothing is kept."""
    shared = shared_mode.in_effect(window.settings)
    if shared:
        from index.bookmarks import recent_path

        window.settings.remember_reading = False
        window.settings.forget_last_read()
        recent_path().unlink(missing_ok=True)
    places = Places(window, shared)
    tab = window.sidebar.addTab(places.page, "Book&marks")  # Alt+B is the menu
    window.sidebar.currentChanged.connect(lambda n: places.panel if n == tab else None)
    places.open_requested.connect(lambda doc, section: window.reading.go(Location(doc, section)))
    window.reading.shown.connect(places.shown)
    window.library_changed.connect(lambda: places.set_session(window.session))
    show = window._action("Show Bookmarks", lambda: window.show_tab(tab), "Alt+4")
    export = window._action("&Export bookmarks…", places.export_bookmarks)
    import_ = window._action("&Import bookmarks…", places.import_bookmarks)
    view_menu = next((a.menu() for a in window.menuBar().actions() if a.text() == "&View"), None)
    if isinstance(view_menu, QMenu):
        view_menu.addAction(show)
    fixed = [places.bookmark_action, show, None, export, import_, None, places.clear_history_action]
    places.menu.aboutToShow.connect(lambda: places.fill_menu(places.menu, fixed))
    places.fill_menu(places.menu, fixed, lists=False)  # the lists: when it opens
    window.menuBar().addMenu(places.menu)
    return places


def on_close(window: MainWindow) -> None:
    """At close on a shared computer: the place read and the history are removed."""
    places: Places | None = getattr(window, "places", None)
    if places is not None and places.shared:
        from index.bookmarks import recent_path

        window.settings.forget_last_read()
        recent_path().unlink(missing_ok=True)
