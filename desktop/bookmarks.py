"""Bookmarks and recently read: the Bookmarks tab, the Bookmarks menu, Ctrl+D.

The lists themselves (files, atomic writes, damaged files) are index.bookmarks';
this module shows them and keeps them up to date as the reader moves. On a shared
computer (desktop.shared_mode) both lists live in memory only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import shared_mode
from desktop.file_dialogs import documents_folder
from desktop.history import Location
from desktop.theme import as_rich_text
from index.bookmarks import (
    RECENT_LIMIT,
    Place,
    PlaceList,
    PlacesFileError,
    bookmarks_path,
    recent_path,
)

if TYPE_CHECKING:
    from desktop.window import MainWindow
    from index.model import Document
    from index.session import Session

PLACE_ROLE = Qt.ItemDataRole.UserRole + 1  # the list's index of the place


def _place_list(name: str, parent: QWidget) -> QListWidget:
    """A list whose long names wrap instead of running off to the side."""
    widget = QListWidget(parent)
    widget.setAccessibleName(name)
    widget.setWordWrap(True)
    widget.setSpacing(2)
    widget.setUniformItemSizes(False)
    widget.setResizeMode(QListWidget.ResizeMode.Adjust)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return widget


def place_name(doc: Document, section: str | None) -> str:
    """ "Heading — Document title", or the title for a whole document."""
    found = doc.section(section) if section else None
    return f"{found.heading} — {doc.title}" if found is not None else doc.title


class PlacesPanel(QWidget):
    """The Bookmarks tab: bookmarks (rename, remove, export, import) and recently read."""

    open_requested = Signal(str, object)  # doc id, section id or None

    def __init__(self, places: Places, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.places = places
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Note about bookmarks")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.hide()

        self.bookmarks = _place_list("Bookmarks", self)
        self.bookmarks.itemActivated.connect(self._open)
        self.bookmarks.itemClicked.connect(self._open)
        self.bookmarks.itemChanged.connect(self._renamed)
        self.bookmarks.setEditTriggers(
            QListWidget.EditTrigger.EditKeyPressed | QListWidget.EditTrigger.SelectedClicked
        )
        self.bookmarks.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.bookmarks.customContextMenuRequested.connect(self._context_menu)
        self.empty = QLabel(
            "No bookmarks yet. Press Ctrl+D while reading to keep a section here.", self
        )
        self.empty.setWordWrap(True)
        self.empty.setMinimumWidth(120)
        self.rename_button = QPushButton("Re&name", self)
        self.rename_button.clicked.connect(self.rename_current)
        self.remove_button = QPushButton("Remo&ve", self)
        self.remove_button.clicked.connect(self.remove_current)
        self.export_button = QPushButton("E&xport…", self)
        self.export_button.setToolTip("Save your bookmarks to a file")
        self.export_button.clicked.connect(places.export_bookmarks)
        self.import_button = QPushButton("I&mport…", self)
        self.import_button.setToolTip("Add bookmarks from a file exported before")
        self.import_button.clicked.connect(places.import_bookmarks)
        self.bookmarks.currentRowChanged.connect(lambda _: self._buttons())

        self.recent = _place_list("Recently read", self)
        self.recent.itemActivated.connect(self._open)
        self.recent.itemClicked.connect(self._open)
        self.recent_label = QLabel("<b>Recently read</b>", self)
        self.no_recent = QLabel("Nothing read yet.", self)

        buttons = QHBoxLayout()
        for button in (self.rename_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        exchange = QHBoxLayout()
        for button in (self.export_button, self.import_button):
            exchange.addWidget(button)
        exchange.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.note)
        layout.addWidget(QLabel("<b>Bookmarks</b>", self))
        layout.addWidget(self.empty)
        layout.addWidget(self.bookmarks, 3)
        layout.addLayout(buttons)
        layout.addLayout(exchange)
        layout.addWidget(self.recent_label)
        layout.addWidget(self.no_recent)
        layout.addWidget(self.recent, 2)
        self.setFocusProxy(self.bookmarks)
        self.refresh()

    def refresh(self) -> None:
        self._fill(self.bookmarks, self.places.bookmarks.places, editable=True)
        self._fill(self.recent, self.places.recent.places, editable=False)
        self.empty.setVisible(not self.places.bookmarks.places)
        self.no_recent.setVisible(not self.places.recent.places)
        problems = [p for p in (self.places.bookmarks.problem, self.places.recent.problem) if p]
        notes = list(problems)
        if self.places.shared:
            notes.insert(
                0,
                "Shared computer: bookmarks and history are forgotten when OncoRef closes.",
            )
        self.note.setText("\n".join(notes))
        self.note.setVisible(bool(notes))
        self._buttons()

    def _fill(self, widget: QListWidget, places: list[Place], editable: bool) -> None:
        widget.blockSignals(True)
        row = widget.currentRow()
        widget.clear()
        for number, place in enumerate(places):
            item = QListWidgetItem(place.name)
            item.setData(PLACE_ROLE, number)
            here = self.places.find(place)
            tip = place.name if here else f"{place.name}\nThis document is not in the library now."
            item.setToolTip(as_rich_text(tip))
            flags = Qt.ItemFlag.ItemIsSelectable
            if here:
                flags |= Qt.ItemFlag.ItemIsEnabled
            if editable:
                flags |= Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsEnabled
            item.setFlags(flags)
            widget.addItem(item)
        if 0 <= row < widget.count():
            widget.setCurrentRow(row)
        widget.blockSignals(False)

    def _buttons(self) -> None:
        chosen = self.bookmarks.currentRow() >= 0
        self.rename_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        self.export_button.setEnabled(bool(self.places.bookmarks.places))

    def _open(self, item: QListWidgetItem) -> None:
        places = (
            self.places.bookmarks.places
            if item.listWidget() is self.bookmarks
            else self.places.recent.places
        )
        number = item.data(PLACE_ROLE)
        if isinstance(number, int) and 0 <= number < len(places):
            place = places[number]
            self.open_requested.emit(place.doc, place.section)

    def _renamed(self, item: QListWidgetItem) -> None:
        number = item.data(PLACE_ROLE)
        if isinstance(number, int):
            self.places.rename(number, item.text())

    def rename_current(self) -> None:
        item = self.bookmarks.currentItem()
        if item is not None:
            self.bookmarks.editItem(item)

    def remove_current(self) -> None:
        row = self.bookmarks.currentRow()
        if row >= 0:
            self.places.remove(row)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() == Qt.Key.Key_Delete and self.bookmarks.hasFocus():
            self.remove_current()
            return
        super().keyPressEvent(event)

    def _context_menu(self, where) -> None:  # type: ignore[no-untyped-def]
        item = self.bookmarks.itemAt(where)
        if item is None:
            return
        self.bookmarks.setCurrentItem(item)
        menu = QMenu(self)
        menu.addAction("Open", lambda: self._open(item))
        menu.addAction("Rename", self.rename_current)
        menu.addAction("Remove", self.remove_current)
        menu.exec(self.bookmarks.viewport().mapToGlobal(where))


class Places(QObject):
    """Both lists, the panel, the actions and the menu; follows the reader."""

    changed = Signal()

    def __init__(self, window: MainWindow, shared: bool) -> None:
        super().__init__(window)
        self.window = window
        self.shared = shared
        self.session: Session | None = None
        self.bookmarks = PlaceList(None if shared else bookmarks_path())
        self.recent = PlaceList(None if shared else recent_path(), RECENT_LIMIT)
        self.panel = PlacesPanel(self)
        self.changed.connect(self.panel.refresh)
        self.bookmark_action: QAction = window._action(
            "&Bookmark this section",
            self.bookmark_here,
            "Ctrl+D",
            "Keep this section in Bookmarks",
        )
        self.clear_history_action: QAction = window._action(
            "&Clear history",
            self.clear_history,
            tip="Forget the sections read, the place to reopen and the search box (bookmarks stay)",
        )
        self.menu = QMenu("&Bookmarks", window)

    # -- what the lists point at ----------------------------------------------------

    def set_session(self, session: Session | None) -> None:
        self.session = session
        self.changed.emit()

    def find(self, place: Place) -> bool:
        """The place's document is in the library now."""
        return self.session is None or self.session.library.get(place.doc) is not None

    # -- following the reader ------------------------------------------------------

    def shown(self, location: Location, doc: Document | None) -> None:
        if doc is not None and self.recent.read(
            doc.id, location.section, place_name(doc, location.section)
        ):
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
        """Forget the sections read, the place to reopen and the search box (bookmarks
        stay)."""
        self.recent.clear()
        window = self.window
        window.settings.forget_last_read()
        window.search_field.clear()
        window.statusBar().showMessage("History cleared", 4000)
        self.changed.emit()

    # -- exchange ---------------------------------------------------------------------

    def export_bookmarks(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.panel,
            "Export bookmarks",
            str(Path(documents_folder()) / "OncoRef bookmarks.json"),
            "OncoRef bookmarks (*.json)",
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> bool:
        try:
            self.bookmarks.export_to(path)
        except OSError as error:
            QMessageBox.warning(
                self.panel, "Export bookmarks", f"{path}: {error.strerror or error}"
            )
            return False
        return True

    def import_bookmarks(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.panel, "Import bookmarks", documents_folder(), "OncoRef bookmarks (*.json)"
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> int:
        try:
            added = self.bookmarks.import_from(path)
        except PlacesFileError as error:
            QMessageBox.warning(self.panel, "Import bookmarks", f"Not imported. {error}")
            return 0
        self.changed.emit()
        return added

    # -- the menu ------------------------------------------------------------------------

    def fill_menu(self, menu: QMenu, fixed: list[QAction | None]) -> None:
        """The menu's fixed commands, then every bookmark and the recent sections."""
        menu.clear()
        for action in fixed:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        if self.bookmarks.places:
            menu.addSeparator()
        for place in self.bookmarks.places[:30]:
            action = menu.addAction(place.name.replace("&", "&&"))
            action.setEnabled(self.find(place))
            action.triggered.connect(
                lambda _=False, p=place: self.panel.open_requested.emit(p.doc, p.section)
            )
        recent = menu.addMenu("&Recently read")
        recent.setEnabled(bool(self.recent.places))
        for place in self.recent.places:
            action = recent.addAction(place.name.replace("&", "&&"))
            action.setEnabled(self.find(place))
            action.triggered.connect(
                lambda _=False, p=place: self.panel.open_requested.emit(p.doc, p.section)
            )


def install(window: MainWindow) -> Places:
    """Bookmarks and recently read in the window: a fourth sidebar tab, Ctrl+D, a
    Bookmarks menu and Clear history. On a shared computer nothing is kept."""
    shared = shared_mode.in_effect(window.settings)
    if shared:
        window.settings.remember_reading = False
        window.settings.forget_last_read()
        recent_path().unlink(missing_ok=True)
    places = Places(window, shared)
    window.sidebar.addTab(places.panel, "&Bookmarks")
    places.panel.open_requested.connect(
        lambda doc, section: window.reading.go(Location(doc, section))
    )
    window.reading.shown.connect(places.shown)
    window.library_changed.connect(lambda: places.set_session(window.session))
    show = window._action("Show Bookmarks", lambda: window.show_tab(3), "Alt+4")
    export = window._action("&Export bookmarks…", places.export_bookmarks)
    import_ = window._action("&Import bookmarks…", places.import_bookmarks)
    view_menu = next((a.menu() for a in window.menuBar().actions() if a.text() == "&View"), None)
    if isinstance(view_menu, QMenu):
        view_menu.addAction(show)
    fixed = [places.bookmark_action, show, None, export, import_, None, places.clear_history_action]
    places.menu.aboutToShow.connect(lambda: places.fill_menu(places.menu, fixed))
    places.fill_menu(places.menu, fixed)
    window.menuBar().addMenu(places.menu)
    return places


def forget_on_close(window: MainWindow) -> None:
    """At close on a shared computer: the place read and the history are removed."""
    places: Places | None = getattr(window, "places", None)
    if places is not None and places.shared:
        window.settings.forget_last_read()
        recent_path().unlink(missing_ok=True)
