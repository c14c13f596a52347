"""The "given" log in the window (index.given_log): a switch in Settings (off by
default), the staff member's initials in the handout composer, a line for each
handout printed or saved, and File ▸ Handouts given… to see and export it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import Settings
from index.given_log import COLUMNS, Given, append, log_path, read

if TYPE_CHECKING:
    from desktop.handout_dialog import HandoutDialog

HEADINGS = [
    "When",
    "Document",
    "Title",
    "Version",
    "Sections",
    "Language",
    "Large print",
    "How",
    "Staff",
]


def given_log_box(settings: Settings, parent: QWidget) -> QCheckBox:
    """For Settings: the switch (off by default)."""
    box = QCheckBox("Keep a &log of handouts given (date, document, sections; no names)", parent)
    box.setToolTip(
        "Each handout printed or saved adds a line to handouts-given.csv in your data "
        "folder. See it with File ▸ Handouts given…"
    )
    box.setChecked(settings.given_log)
    box.toggled.connect(lambda on: setattr(settings, "given_log", on))
    return box


def record(dialog: HandoutDialog, done: str) -> str | None:
    """After a handout was printed or saved: a line in the log, if it is on.
    Returns why it could not be written, if it could not."""
    settings = dialog.settings
    if not settings.given_log:
        return None
    from index.render.handout import chosen_sections

    doc = dialog.doc
    given = Given(
        document=doc.id,
        title=doc.title,
        version=doc.meta.version,
        sections=[s.heading for s in chosen_sections(doc, dialog.chosen())],
        language=doc.meta.language,
        large_print=dialog.large_print.isChecked(),
        how="printed" if done.startswith("Printed") else "saved as PDF",
        staff=settings.staff_initials,
    )
    try:
        append(given)
    except OSError as error:
        message = f"Not logged: {error.strerror or error}"
        dialog.summary.setText(f"{dialog.summary.text()} · {message}")
        return message
    return None


class GivenLogDialog(QDialog):
    """The log as a table, newest first, with Export."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Handouts given")
        self.setAccessibleName("Handouts given")
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(self.note.textFormat().PlainText)
        self.table = QTableWidget(self)
        self.table.setAccessibleName("Handouts given")
        self.table.setColumnCount(len(HEADINGS))
        self.table.setHorizontalHeaderLabels(HEADINGS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.export_button = buttons.addButton("&Export…", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.choose_export)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(900, 420)
        self.refresh(settings)

    def refresh(self, settings: Settings) -> None:
        rows, problem = read()
        notes = []
        if not settings.given_log:
            notes.append("The log is off. Turn it on in Settings to log each handout given.")
        notes.append(f"{len(rows)} handout(s) logged in {log_path()}.")
        if problem:
            notes.append(problem)
        self.note.setText(" ".join(notes))
        self.table.setRowCount(len(rows))
        for r, row in enumerate(reversed(rows)):
            for c in range(len(COLUMNS)):
                item = QTableWidgetItem(row[c] if c < len(row) else "")
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.export_button.setEnabled(bool(rows))

    def choose_export(self) -> None:
        from desktop.file_dialogs import documents_folder

        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export the log",
            str(Path(documents_folder()) / "Handouts given.csv"),
            "CSV (*.csv)",
        )
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> bool:
        try:
            shutil.copyfile(log_path(), path)
        except OSError as error:
            self.note.setText(f"Not exported: {error.strerror or error}")
            return False
        return True
