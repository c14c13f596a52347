"""Settings (the clinic's own library folders, its name for handouts) and the Problems view."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.access import fit_widget
from desktop.settings import Settings
from desktop.theme import as_rich_text
from index.model import Document, Problem, Severity

if TYPE_CHECKING:
    from desktop.packs_dialog import PacksDialog


class SettingsDialog(QDialog):
    """Library folders (added or removed folders take effect at once) and the clinic's
    name and phone number for printed handouts."""

    # list[Path]; also sent, with the folders unchanged, when a library update was
    # installed, rolled back or removed: either way the library must be read again.
    folders_changed = Signal(list)

    def __init__(
        self, folders: list[Path], settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        intro = QLabel(
            "Folders of your own documents (Markdown, or text with a .meta.yaml beside it). "
            "They appear in the contents and in search alongside the documents that come "
            "with OncoRef, and changes to them are picked up while OncoRef is open.",
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Library folders")
        add = QPushButton("&Add folder…", self)
        add.clicked.connect(self._choose)
        self.remove = QPushButton("&Remove", self)
        self.remove.clicked.connect(self._remove)
        self.list.currentRowChanged.connect(lambda row: self.remove.setEnabled(row >= 0))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        self.clinic = QLineEdit(settings.clinic, self)
        self.clinic.setPlaceholderText("e.g. Riverside Cancer Centre")
        self.clinic.setAccessibleName("Clinic name")
        self.clinic.textChanged.connect(lambda text: setattr(settings, "clinic", text))
        self.phone = QLineEdit(settings.phone, self)
        self.phone.setPlaceholderText("e.g. 555-0142")
        self.phone.setAccessibleName("Clinic phone number")
        self.phone.textChanged.connect(lambda text: setattr(settings, "phone", text))
        handouts = QFormLayout()
        handouts.addRow("Clinic &name:", self.clinic)
        handouts.addRow("&Phone:", self.phone)
        updates = QPushButton("Library &updates…", self)
        updates.setToolTip("Install a signed library update from a file; roll back or remove one")
        updates.clicked.connect(self.show_updates)
        self.packs_dialog: PacksDialog | None = None

        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(self.remove)
        row.addStretch(1)
        row.addWidget(updates)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addLayout(row)
        handouts_intro = QLabel("<b>Printed handouts</b> say who gave them:", self)
        layout.addWidget(handouts_intro)
        layout.addLayout(handouts)
        self.shared = _shared_computer_box(settings, self)
        layout.addWidget(self.shared)
        from desktop.given_log import given_log_box

        self.given_log = given_log_box(settings, self)
        layout.addWidget(self.given_log)
        layout.addWidget(buttons)
        for folder in folders:
            self.list.addItem(str(folder))
        self.remove.setEnabled(False)
        fit_widget(self, QSize(560, 420))

    def folders(self) -> list[Path]:
        return [Path(self.list.item(r).text()) for r in range(self.list.count())]

    def add_folder(self, folder: Path) -> None:
        if str(folder) not in {str(f) for f in self.folders()}:
            self.list.addItem(str(folder))
            self.folders_changed.emit(self.folders())

    def show_updates(self) -> None:
        if self.packs_dialog is None:
            from desktop.packs_dialog import PacksDialog

            self.packs_dialog = PacksDialog(self._documents, self)
            self.packs_dialog.library_updated.connect(
                lambda: self.folders_changed.emit(self.folders())
            )
        self.packs_dialog.show()
        self.packs_dialog.raise_()

    def _documents(self) -> list[Document]:
        """The documents of the library the window shows now."""
        session = getattr(self.parent(), "session", None)
        return list(session.library.documents) if session is not None else []

    def _choose(self) -> None:
        from desktop.file_dialogs import documents_folder

        folder = QFileDialog.getExistingDirectory(self, "Add a library folder", documents_folder())
        if folder:
            self.add_folder(Path(folder))

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.folders_changed.emit(self.folders())


def _shared_computer_box(settings: Settings, parent: QWidget) -> QCheckBox:
    """Shared-computer mode (desktop.shared_mode): the person's choice, unless the
    computer's administrator has turned it on for everyone."""
    from desktop import shared_mode

    box = QCheckBox("&Shared computer: forget history and bookmarks when OncoRef closes", parent)
    box.setToolTip(
        "Nothing personal is kept between sessions: no sections read, bookmarks or last "
        "page. Takes effect the next time OncoRef starts."
    )
    if shared_mode.set_for_everyone():
        box.setChecked(True)
        box.setEnabled(False)
        box.setToolTip("Turned on for everyone on this computer by its administrator.")
    else:
        box.setChecked(settings.shared_computer)
        box.toggled.connect(lambda on: setattr(settings, "shared_computer", on))
    return box


class ProblemsDialog(QDialog):
    """Documents that did not load (or loaded with repairs), and why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Problems")
        self.setAccessibleName("Problems")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName("Problems")
        self.tree.setHeaderLabels(["File", "Line", "Problem", "What OncoRef did"])
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.setAlternatingRowColors(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        fit_widget(self, QSize(820, 380))

    def set_problems(self, problems: list[Problem]) -> None:
        self.tree.clear()
        errors = sum(p.severity is Severity.ERROR for p in problems)
        if not problems:
            self.summary.setText("Every document loaded without problems.")
        else:
            self.summary.setText(
                f"{errors} error{'s' * (errors != 1)} and {len(problems) - errors} "
                f"warning{'s' * (len(problems) - errors != 1)}. Errors mean a document is "
                "missing or incomplete; warnings mean OncoRef repaired something. "
                "Everything else works as usual."
            )
        for problem in problems:
            message = problem.message
            if problem.field:
                message = f"field '{problem.field}': {message}"
            item = QTreeWidgetItem(
                [
                    str(problem.path),
                    str(problem.line or ""),
                    f"{problem.severity.value}: {message}",
                    problem.action,
                ]
            )
            item.setToolTip(0, as_rich_text(str(problem.path)))
            item.setToolTip(2, as_rich_text(message))
            self.tree.addTopLevelItem(item)
        for column in range(4):
            self.tree.resizeColumnToContents(column)
        self.tree.setColumnWidth(0, min(self.tree.columnWidth(0), 320))

    def rows(self) -> list[tuple[str, str]]:
        """(file, problem) per row, as a person reads them."""
        items = [self.tree.topLevelItem(r) for r in range(self.tree.topLevelItemCount())]
        return [(item.text(0), item.text(2)) for item in items if item is not None]
