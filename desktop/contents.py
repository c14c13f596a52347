"""The Contents tab: cancer types, then documents, then their sections.

A library of thousands of documents makes a tree of tens of thousands of rows, so
the window's thread only shows trees: building one and filtering one are done on a
thread of their own (index.contents has no Qt), and the result is swapped into the
model with one reset. A filter waits for a pause in typing; a newer one makes an
older one stop; only the places of the first matches are opened.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QLabel, QLineEdit, QTreeView, QVBoxLayout, QWidget

from desktop.file_dialogs import nothing_matches, show_nothing_matches
from desktop.theme import as_rich_text
from index.contents import (
    Key,
    Node,
    NodeKind,
    Superseded,
    Tree,
    View,
    build_contents,
    filter_tree,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QFocusEvent

    from index.model import Library
    from index.taxonomy import Taxonomy

DOC_ROLE = Qt.ItemDataRole.UserRole + 1  # the document id
SECTION_ROLE = Qt.ItemDataRole.UserRole + 2  # the section id, or None for a type or document

# How long typing in the filter pauses before the tree is filtered.
FILTER_DELAY_MS = 200
# How long after a new tree is shown the labels a filter searches are made (on the
# contents thread): later than the window's first paint, which they would slow
# down, and before most people type a filter (a filter typed sooner makes them).
LABELS_DELAY_MS = 1000
# The matches whose place in the tree is opened; past these the tree says how many
# more there are. And the rows put in sight at most when a tree is shown: laying
# out a row costs the view a few calls into the model (tens of microseconds), so
# opening tens of thousands freezes the window. A library with more documents
# than that starts with its cancer types closed.
MAX_OPENED = 200
OPEN_ROWS = 400

Index = QModelIndex | QPersistentModelIndex


class ContentsModel(QAbstractItemModel):
    """A thin model over a plain tree as shown (index.contents.View), swapped whole."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view = View(Tree(Node("")))

    @property
    def view(self) -> View:
        return self._view

    def set_view(self, view: View) -> None:
        self.beginResetModel()
        self._view = view
        self.endResetModel()

    def set_tree(self, tree: Tree) -> None:
        self.set_view(View(tree))

    def _node(self, index: Index) -> Node:
        node = index.internalPointer() if index.isValid() else None
        return node if isinstance(node, Node) else self._view.root

    def node(self, index: Index) -> Node | None:
        """The node a valid index shows."""
        return self._node(index) if index.isValid() else None

    def index_of(self, node: Node | None) -> QModelIndex:
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(self._view.row(node), 0, node)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        children = self._view.children(self._node(parent))
        if column != 0 or not 0 <= row < len(children):
            return QModelIndex()
        return self.createIndex(row, 0, children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self._node(index).parent
        if parent is None or parent.parent is None:
            return QModelIndex()
        return self.createIndex(self._view.row(parent), 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._view.children(self._node(parent)))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        node = self._node(index)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return node.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return as_rich_text(node.tooltip or node.label)
        if role == DOC_ROLE:
            return node.doc
        if role == SECTION_ROLE:
            return node.section
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def find(self, doc: str, section: str | None) -> QModelIndex:
        """The index of a document (section None) or one of its sections, if shown."""
        return self.index_of(self._view.find(doc, section))


class _Latest:
    """The newest piece of work asked for: older work stops when it sees it is not."""

    def __init__(self) -> None:
        self.serial = 0


# One thread for all contents panels: building and filtering are short and each
# panel needs only its newest.
_WORK = ThreadPoolExecutor(max_workers=1, thread_name_prefix="contents")
_serials = itertools.count(1)


class _Courier(QObject):
    """Carries finished work to the window's thread (a queued signal). One for all
    panels, made on the window's thread and never deleted, so that work finishing
    after its panel has gone has something to emit on."""

    done = Signal(int, object)  # serial, the View (None if making it failed)


_courier: _Courier | None = None


def _the_courier() -> _Courier:
    global _courier
    if _courier is None:
        _courier = _Courier()
    return _courier


class ContentsPanel(QWidget):
    """A filter box over the tree. Activating an entry asks to open it.

    Signals:
        open_requested(doc id, section id or None): an entry was activated.
        updated(): a new tree (a library or a filter's result) is on screen.
    """

    open_requested = Signal(str, object)
    updated = Signal()

    def __init__(
        self, parent: QWidget | None = None, filter_delay_ms: int = FILTER_DELAY_MS
    ) -> None:
        super().__init__(parent)
        self.model = ContentsModel(self)
        self._full = self.model.view.tree  # the whole tree, filtered or not
        self._library: tuple[Library, Taxonomy] | None = None  # being made into a tree
        self._latest = _Latest()
        self._waiting = 0  # serial of the work whose result is wanted, 0 for none
        self._current: tuple[str, str | None] | None = None  # what the reader shows
        self._closed: set[Key] = set()  # cancer types closed by hand
        self._opened: set[Key] = set()  # what was opened by hand
        self._setting_up = False
        self._open_first = False  # Enter was pressed before the filter was done
        _the_courier().done.connect(self._arrived)

        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter contents")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter contents")
        self.filter.textChanged.connect(self._typed)
        self.filter.installEventFilter(self)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(filter_delay_ms)
        self._delay.timeout.connect(self._start)
        self._labels = QTimer(self, singleShot=True, interval=LABELS_DELAY_MS)
        self._labels.timeout.connect(self._label_tree)

        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAccessibleName("Contents")
        self.tree.activated.connect(self._activated)
        self.tree.clicked.connect(self._activated)
        self.tree.expanded.connect(lambda index: self._opened_or_closed(index, True))
        self.tree.collapsed.connect(lambda index: self._opened_or_closed(index, False))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.nothing = nothing_matches(self)
        self.more = QLabel(self)
        self.more.setWordWrap(True)
        self.more.setTextFormat(Qt.TextFormat.PlainText)
        self.more.setAccessibleName("More matches")
        self.more.setContentsMargins(6, 0, 6, 0)
        self.more.hide()
        layout.addWidget(self.filter)
        layout.addWidget(self.nothing)
        layout.addWidget(self.more)
        layout.addWidget(self.tree)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Focus given to the panel goes to the tree. (Not a focus proxy: with one,
        Tab from the tab bar skips the filter.)"""
        self.tree.setFocus(event.reason())

    @property
    def busy(self) -> bool:
        """A tree is being made or a filter waits or runs: the tree on screen is not
        yet the one asked for."""
        return bool(self._waiting) or self._delay.isActive()

    @property
    def matches(self) -> list[Node]:
        """What the filter on screen matches, in the order shown (none without one)."""
        return self.model.view.matches

    # -- what is shown ------------------------------------------------------------

    def set_library(self, library: Library, taxonomy: Taxonomy) -> None:
        """Make the library's tree (on the contents thread); the one on screen stays
        until it is ready."""
        self._library = (library, taxonomy)
        self._delay.stop()
        self._labels.stop()  # the tree they were for is on its way out
        self._submit(self._text())

    def show_current(self, doc: str, section: str | None) -> None:
        """Select the entry the reader is showing, without opening it again."""
        self._current = (doc, section)
        self._select_current(scroll=True)

    def _text(self) -> str:
        return self.filter.text().strip()

    def _typed(self, text: str) -> None:
        if self._library is not None:
            self._delay.start()  # the tree is being made: it is filtered once made
        elif not text.strip():
            # An empty filter answers at once: the whole tree is at hand.
            self._delay.stop()
            if self.model.view.text or self._waiting:
                self._latest.serial = self._waiting = 0
                self._show(View(self._full))
        elif text.strip() != self.model.view.text or self._waiting:
            # A newer key: work on an older filter stops, and its answer is dropped.
            self._latest.serial = self._waiting = 0
            self._delay.start()
        else:
            self._delay.stop()

    def _start(self) -> None:
        self._submit(self._text())

    def _submit(self, text: str) -> None:
        """Ask the contents thread for the tree of the library being read (if any),
        filtered by `text` (if any). Older work stops."""
        serial = next(_serials)
        self._latest.serial = self._waiting = serial
        latest = self._latest

        def stop() -> bool:
            return latest.serial != serial

        _WORK.submit(_work, serial, stop, _the_courier(), self._library, self._full, text)

    def _arrived(self, serial: int, view: View | None) -> None:
        if serial != self._waiting:
            return  # superseded (a newer key, a newer library), or another panel's
        self._waiting = 0
        made, self._library = self._library is not None, None
        if view is None:  # making it failed: the tree on screen stays
            self.updated.emit()
            return
        self._show(view)
        if made:
            self._labels.start()

    def _label_tree(self) -> None:
        """Make what the first filter of the tree shown searches (on the contents
        thread). The timer runs only while no newer tree is being made: it starts
        when a tree made arrives, and `set_library` stops it."""
        _WORK.submit(_make_labels, self._full)

    def _show(self, view: View) -> None:
        self._full = view.tree
        filtering = bool(view.text)
        self._setting_up = True
        try:
            self.model.set_view(view)
            if filtering:
                self._open_matches(view)
            else:
                self._open_as_before(view)
        finally:
            self._setting_up = False
        self._select_current(scroll=not filtering)
        show_nothing_matches(self.nothing, view.text, filtering and not view.matches)
        if self._open_first:
            self._open_first = False
            self._open_first_match()
        self.updated.emit()

    def _expand(self, node: Node) -> int:
        """Open a node; the rows this puts in sight."""
        index = self.model.index_of(node)
        if self.tree.isExpanded(index):
            return 0
        self.tree.expand(index)
        return len(self.model.view.children(node))

    def _open_as_before(self, view: View) -> None:
        """Cancer types open (unless closed by hand, or there are too many documents
        to show at once), and what was opened by hand."""
        self.more.hide()
        types = view.children(view.root)
        if sum(len(t.children) for t in types) <= OPEN_ROWS:
            for node in types:
                if node.key not in self._closed:
                    self._expand(node)
        rows = 0
        for key in self._opened:
            opened = view.node(key)
            if opened is not None and rows < OPEN_ROWS:
                rows += self._expand(opened)

    def _open_matches(self, view: View) -> None:
        """Open the way down to the first matches (up to MAX_OPENED of them, or until
        OPEN_ROWS rows are in sight); say so when there are more."""
        rows, opened = 0, 0
        for match in view.matches:
            if opened == MAX_OPENED or rows >= OPEN_ROWS:
                break
            way = []
            above = match.parent
            while above is not None and above.parent is not None:
                way.append(above)
                above = above.parent
            for node in reversed(way):
                rows += self._expand(node)
            opened += 1
        more = len(view.matches) - opened
        if more > 0:
            self.more.setText(
                f"{len(view.matches):,} entries match; the first {opened:,} are opened. "
                "Type more letters to find fewer."
            )
        self.more.setVisible(more > 0)

    def _select_current(self, scroll: bool) -> None:
        """Select what the reader shows, if it is in the tree; with a filter, only if
        it is already in sight (selecting opens the way to it)."""
        if self._current is None:
            return
        doc, section = self._current
        view = self.model.view
        index = self.model.index_of(view.find(doc, section) or view.find(doc))
        if not index.isValid() or (not scroll and not self._in_sight(index)):
            return
        selection = self.tree.selectionModel()
        selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect)
        if scroll:
            self.tree.scrollTo(index)

    def _in_sight(self, index: QModelIndex) -> bool:
        above = index.parent()
        while above.isValid():
            if not self.tree.isExpanded(above):
                return False
            above = above.parent()
        return True

    def _opened_or_closed(self, index: QModelIndex, opened: bool) -> None:
        """Remember what is opened and closed by hand while no filter is on, so that
        clearing a filter or reloading the library puts it back."""
        node = self.model.node(index)
        if self._setting_up or self.model.view.text or node is None:
            return
        if opened:
            self._closed.discard(node.key)
            self._opened.add(node.key)
        else:
            self._opened.discard(node.key)
            if node.kind is NodeKind.TYPE:
                self._closed.add(node.key)

    # -- the keyboard -------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the filter, Down goes to the tree and Enter opens the first match."""
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Down:
                self._into_tree()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._text():
                if self.busy:
                    self._open_first = True
                else:
                    self._open_first_match()
                return True
        return super().eventFilter(watched, event)

    def _into_tree(self) -> None:
        current = self.tree.currentIndex()
        if not current.isValid() or not self._in_sight(current):
            matches = self.model.view.matches
            first = self.model.index_of(matches[0]) if matches else self.model.index(0, 0)
            if first.isValid():
                selection = self.tree.selectionModel()
                selection.setCurrentIndex(first, selection.SelectionFlag.ClearAndSelect)
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def _open_first_match(self) -> None:
        entry = next((n for n in self.model.view.matches if n.doc), None)  # not a type
        if entry is not None:
            index = self.model.index_of(entry)
            selection = self.tree.selectionModel()
            selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect)
            self._activated(index)

    def _activated(self, index: QModelIndex) -> None:
        doc = index.data(DOC_ROLE)
        if doc:  # a cancer type only opens and closes
            self.open_requested.emit(doc, index.data(SECTION_ROLE))


def _make_labels(tree: Tree) -> None:
    """On the contents thread: what the first filter of `tree` searches."""
    with contextlib.suppress(Exception):  # that filter will try again
        tree.labels()


def _work(
    serial: int,
    stop: Callable[[], bool],
    courier: _Courier,
    library: tuple[Library, Taxonomy] | None,
    tree: Tree,
    text: str,
) -> None:
    """On the contents thread: the library's tree (if one is given), filtered."""
    try:
        if stop():
            return
        if library is not None:
            tree = build_contents(*library)
        view = filter_tree(tree, text, stop) if text else View(tree)
    except Superseded:
        return
    except Exception:  # the tree on screen stays; never a traceback
        courier.done.emit(serial, None)
        return
    courier.done.emit(serial, view)
