"""The Bookmarks tab: bookmarks (rename, remove, export, import) and recently read.
Made when the tab is first shown (desktop.bookmarks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.theme import as_rich_text

if TYPE_CHECKING:
    from desktop.bookmarks import Places
    from index.bookmarks import Place

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
        self.import_button = QPushButton("&Import…", self)
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
