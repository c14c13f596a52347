"""The Contents tab: cancer types, then documents, then their sections."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QLineEdit, QTreeView, QVBoxLayout, QWidget

from desktop.file_dialogs import nothing_matches, show_nothing_matches
from desktop.theme import as_rich_text
from index.contents import Node, build_tree

if TYPE_CHECKING:
    from PySide6.QtGui import QFocusEvent

    from index.model import Library
    from index.taxonomy import Taxonomy

DOC_ROLE = Qt.ItemDataRole.UserRole + 1  # the document id
SECTION_ROLE = Qt.ItemDataRole.UserRole + 2  # the section id, or None for a type or document

Index = QModelIndex | QPersistentModelIndex


class ContentsModel(QAbstractItemModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._root = Node("")

    def set_library(self, library: Library, taxonomy: Taxonomy) -> None:
        self.beginResetModel()
        self._root = build_tree(library, taxonomy)
        self.endResetModel()

    def _node(self, index: Index) -> Node:
        node = index.internalPointer() if index.isValid() else None
        return node if isinstance(node, Node) else self._root

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if column != 0 or not 0 <= row < len(node.children):
            return QModelIndex()
        return self.createIndex(row, 0, node.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self._node(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row(), 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

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
        """The index of a document (section None) or one of its sections."""
        for type_node in self._root.children:
            for doc_node in type_node.children:
                if doc_node.doc != doc:
                    continue
                if section is None:
                    return self.createIndex(doc_node.row(), 0, doc_node)
                stack = list(doc_node.children)
                while stack:
                    node = stack.pop()
                    if node.section == section:
                        return self.createIndex(node.row(), 0, node)
                    stack.extend(node.children)
        return QModelIndex()


class ContentsPanel(QWidget):
    """A filter box over the tree. Activating an entry asks to open it."""

    open_requested = Signal(str, object)  # doc id, section id or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ContentsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter contents")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter contents")
        self.filter.textChanged.connect(self._filter)

        self.tree = QTreeView(self)
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAccessibleName("Contents")
        self.tree.activated.connect(self._activated)
        self.tree.clicked.connect(self._activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.nothing = nothing_matches(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.nothing)
        layout.addWidget(self.tree)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Focus given to the panel goes to the tree. (Not a focus proxy: with one,
        Tab from the tab bar skips the filter.)"""
        self.tree.setFocus(event.reason())

    def set_library(self, library: Library, taxonomy: Taxonomy) -> None:
        self.model.set_library(library, taxonomy)
        for row in range(self.proxy.rowCount()):
            self.tree.expand(self.proxy.index(row, 0))

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()
        show_nothing_matches(self.nothing, text, self.proxy.rowCount() == 0)

    def _activated(self, index: QModelIndex) -> None:
        doc = index.data(DOC_ROLE)
        if doc:  # a cancer type only opens and closes
            self.open_requested.emit(doc, index.data(SECTION_ROLE))

    def show_current(self, doc: str, section: str | None) -> None:
        """Select the entry the reader is showing, without opening it again."""
        source = self.model.find(doc, section)
        if not source.isValid():
            source = self.model.find(doc, None)
        index = self.proxy.mapFromSource(source)
        if index.isValid():
            self.tree.selectionModel().setCurrentIndex(
                index, self.tree.selectionModel().SelectionFlag.ClearAndSelect
            )
            self.tree.scrollTo(index)
