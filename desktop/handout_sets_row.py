"""The handout composer's row of saved sets (desktop.handout_sets)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.handout_dialog import HandoutDialog
    from index.handout_sets import HandoutSet, HandoutSets


class SetsRow(QWidget):
    """The composer's rows: the paper (A4 or Letter, remembered), and the sets saved
    for this document (choosing one ticks its sections and options), Save as a
    set…, and Delete."""

    def __init__(self, dialog: HandoutDialog, sets: HandoutSets) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.sets = sets
        self.combo = QComboBox(self)
        self.combo.setAccessibleName("Saved handout sets")
        self.combo.activated.connect(self._chosen)
        self.save_button = QPushButton("Save as a &set…", self)
        self.save_button.setToolTip("Keep these sections and options under a name")
        self.save_button.clicked.connect(lambda: self.save_as())
        self.delete_button = QPushButton("Delete set", self)
        self.delete_button.clicked.connect(self.delete_current)
        from desktop.paper import PAPERS, chosen_paper

        self.paper = QComboBox(self)
        self.paper.setAccessibleName("Paper size")
        for name in PAPERS:
            self.paper.addItem("US Letter" if name == "Letter" else name, name)
        self.paper.setCurrentIndex(self.paper.findData(chosen_paper(dialog.settings)))
        self.paper.currentIndexChanged.connect(
            lambda _: setattr(dialog.settings, "paper", self.paper.currentData())
        )
        # For this patient only: printed, never stored.
        self.notes = QPlainTextEdit(self)
        self.notes.setAccessibleName("Notes from your care team")
        self.notes.setPlaceholderText("e.g. Take imatinib with food.")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(self.notes.fontMetrics().lineSpacing() * 4 + 12)
        self.appointment = QLineEdit(self)
        self.appointment.setAccessibleName("Your next appointment")
        self.appointment.setPlaceholderText("e.g. Tuesday 14 April, 10:30, Dr Okafor, Clinic B")
        self.questions = QCheckBox('A blank "&Your questions" area at the end', self)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(self.note.textFormat().PlainText)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Saved sets:", self))
        row.addWidget(self.combo, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.delete_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        notes_label = QLabel("Notes from your care team (first page; not kept):", self)
        notes_label.setBuddy(self.notes)
        column.addWidget(notes_label)
        column.addWidget(self.notes)
        appointment_row = QHBoxLayout()
        appointment_label = QLabel("Next app&ointment:", self)
        appointment_label.setBuddy(self.appointment)
        appointment_row.addWidget(appointment_label)
        appointment_row.addWidget(self.appointment, 1)
        column.addLayout(appointment_row)
        column.addWidget(self.questions)
        paper_row = QHBoxLayout()
        paper_label = QLabel("Pape&r:", self)
        paper_label.setBuddy(self.paper)
        paper_row.addWidget(paper_label)
        paper_row.addWidget(self.paper)
        paper_row.addStretch(1)
        if dialog.settings.given_log:  # the "given" log is on: who gave it
            self.initials = QLineEdit(dialog.settings.staff_initials, self)
            self.initials.setAccessibleName("Your initials for the log")
            self.initials.setPlaceholderText("e.g. JM")
            self.initials.setMaxLength(8)
            self.initials.setMaximumWidth(90)
            self.initials.textChanged.connect(
                lambda text: setattr(dialog.settings, "staff_initials", text)
            )
            initials_label = QLabel("Your &initials for the log:", self)
            initials_label.setBuddy(self.initials)
            paper_row.addWidget(initials_label)
            paper_row.addWidget(self.initials)
        column.addLayout(paper_row)
        column.addLayout(row)
        column.addWidget(self.note)
        self.note.hide()
        self.refresh()

    def care_options(self) -> dict[str, Any]:
        """For HandoutOptions: the notes, appointment and questions area."""
        from index.render.care_notes import NOTES_LIMIT

        return {
            "notes": self.notes.toPlainText()[:NOTES_LIMIT],
            "appointment": self.appointment.text(),
            "questions": self.questions.isChecked(),
        }

    def refresh(self, current: str = "") -> None:
        self.combo.clear()
        mine = self.sets.for_document(self.dialog.doc.id)
        self.combo.addItem("None for this document yet" if not mine else "Choose a set…", "")
        for handout_set in mine:
            self.combo.addItem(handout_set.name, handout_set.name)
        at = self.combo.findData(current) if current else 0
        self.combo.setCurrentIndex(max(at, 0))
        self.combo.setEnabled(bool(mine))
        self.delete_button.setEnabled(bool(current))
        self.note.setText(self.sets.problem or "")
        self.note.setVisible(bool(self.sets.problem))

    def _chosen(self, row: int) -> None:
        name = self.combo.itemData(row)
        handout_set = self.sets.get(name) if name else None
        if handout_set is not None:
            self.apply(handout_set)
        self.delete_button.setEnabled(handout_set is not None)

    def apply(self, handout_set: HandoutSet) -> int:
        """Tick the set's sections and options; returns how many of its sections are
        no longer in the document (left out, and said)."""
        doc = self.dialog.doc
        present = [s for s in handout_set.sections if doc.section(s) is not None]
        self.dialog.set_chosen(present)
        self.dialog.large_print.setChecked(handout_set.large_print)
        self.dialog.words.setChecked(handout_set.words_to_know)
        missing = len(handout_set.sections) - len(present)
        if missing:
            self.dialog.summary.setText(
                f"{missing} section(s) of “{handout_set.name}” are no longer in this document."
            )
        self.refresh(handout_set.name)
        return missing

    def save_as(self, name: str | None = None) -> HandoutSet | None:
        if name is None:
            suggestion = self.combo.currentData() or f"{self.dialog.doc.title} - "
            name, ok = QInputDialog.getText(
                self,
                "Save as a handout set",
                "Name, e.g. “GIST - starting imatinib”:",
                QLineEdit.EchoMode.Normal,
                suggestion,
            )
            if not ok:
                return None
        from index.handout_sets import clean_name

        if not clean_name(name):
            return None
        made = self.sets.put(
            name,
            self.dialog.doc.id,
            self.dialog.chosen(),
            self.dialog.large_print.isChecked(),
            self.dialog.words.isChecked(),
        )
        self.refresh(made.name)
        return made

    def delete_current(self) -> None:
        name = self.combo.currentData()
        if name:
            self.sets.remove(name)
            self.refresh()
