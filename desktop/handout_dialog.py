"""The handout composer (Ctrl+P): pick sections and options, then preview, print or save."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.access import announce, fit_widget
from desktop.handout import new_printer, print_handout, save_pdf
from desktop.settings import Settings
from index.boilerplate import extra_sections, own_extra_ids, usual_sections
from index.model import Document
from index.render.document import DocumentRenderer
from index.render.handout import Handout, HandoutOptions, build_handout, chosen_sections


class HandoutDialog(QDialog):
    def __init__(
        self,
        doc: Document,
        renderer: DocumentRenderer,
        current_section: str | None,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.doc = doc
        self._own_extra = own_extra_ids(doc)  # sections not brought along by their parent
        self.renderer = renderer
        self.settings = settings
        self.setWindowTitle(f"Print a handout: {doc.title}")
        self.setAccessibleName("Print a handout")
        # The printer the open preview or print dialog works on, and those dialogs.
        self.printer: QPrinter | None = None
        self.preview_dialog: QDialog | None = None
        self.print_dialog: QDialog | None = None

        intro = QLabel(
            f"<b>{html.escape(doc.title)}</b><br>Tick the sections to give the patient. "
            "A section brings the sections inside it along, except those about the "
            "document itself (such as how to cite it) and readers' comments: tick "
            "those yourself if you want them.",
            self,
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Sections to print")
        self._items: dict[str, QTreeWidgetItem] = {}
        for section in doc.sections:
            parent_item = self._items.get(section.parent or "")
            item = QTreeWidgetItem([section.heading])
            item.setData(0, Qt.ItemDataRole.UserRole, section.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsAutoTristate)
            item.setCheckState(0, Qt.CheckState.Unchecked)
            if parent_item is None:
                self.tree.addTopLevelItem(item)
            else:
                parent_item.addChild(item)
            self._items[section.id] = item
        self.tree.expandAll()
        self.tree.itemChanged.connect(self._update)

        every = QPushButton("&All", self)
        every.clicked.connect(lambda: self.set_chosen([s.id for s in doc.sections]))
        none = QPushButton("&None", self)
        none.clicked.connect(lambda: self.set_chosen([]))

        self.large_print = QCheckBox("&Large print (16 pt and up)", self)
        self.large_print.setChecked(settings.large_print)
        self.words = QCheckBox('"&Words to know" at the end', self)
        self.words.setChecked(settings.words_to_know)
        clinic, phone = settings.clinic, settings.phone
        given = " · ".join(p for p in (clinic, phone) if p)
        self.clinic = QLabel(
            f"Given by: <b>{html.escape(given)}</b> (change it in Settings)"
            if given
            else "Add your clinic's name and phone number in Settings to print them.",
            self,
        )
        self.clinic.setWordWrap(True)
        self.summary = QLabel(self)

        self.preview_button = QPushButton("Pre&view…", self)
        self.preview_button.clicked.connect(self.preview)
        self.print_button = QPushButton("&Print…", self)
        self.print_button.clicked.connect(self.print_)
        self.print_button.setDefault(True)
        self.pdf_button = QPushButton("Save as P&DF…", self)
        self.pdf_button.clicked.connect(self.choose_pdf)
        close = QPushButton("Close", self)
        close.clicked.connect(self.reject)

        picks = QHBoxLayout()
        picks.addWidget(every)
        picks.addWidget(none)
        picks.addStretch(1)
        picks.addWidget(self.summary)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addStretch(1)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addLayout(picks)
        layout.addWidget(self.large_print)
        layout.addWidget(self.words)
        layout.addWidget(self.clinic)
        layout.addLayout(buttons)
        from desktop.handout_sets import attach  # saved sets of sections and options

        self.sets_row = attach(self, layout)
        fit_widget(self, QSize(560, 620))
        extra = extra_sections(doc)
        start = current_section if current_section in self._items else None
        if start in extra:  # reading the summary's citation: print the summary
            start = None
        self.set_chosen([start] if start else usual_sections(doc))
        if start:
            self.tree.scrollToItem(self._items[start])

    # -- choosing --------------------------------------------------------------

    def set_chosen(self, ids: list[str]) -> None:
        ticked = {s.id for s in chosen_sections(self.doc, ids, self._own_extra)}
        self.tree.blockSignals(True)
        for section in self.doc.sections:
            state = Qt.CheckState.Checked if section.id in ticked else Qt.CheckState.Unchecked
            self._items[section.id].setCheckState(0, state)
        self.tree.blockSignals(False)
        self._update()

    def chosen(self) -> list[str]:
        """The fewest section ids that make the handout the ticks show: a section is
        named when it and all it brings along are ticked (so a half-ticked section
        counts when only sections it leaves out anyway are unticked)."""
        marked = {
            s.id
            for s in self.doc.sections
            if self._items[s.id].checkState(0) != Qt.CheckState.Unchecked
        }
        ids: list[str] = []
        covered: set[str] = set()
        for section in self.doc.sections:
            if section.id in covered or section.id not in marked:
                continue
            along = {s.id for s in chosen_sections(self.doc, [section.id], self._own_extra)}
            if along <= marked:
                ids.append(section.id)
                covered |= along
        return ids

    def options(self) -> HandoutOptions:
        clinic, phone = self.settings.clinic, self.settings.phone
        return HandoutOptions(
            sections=self.chosen(),
            large_print=self.large_print.isChecked(),
            words_to_know=self.words.isChecked(),
            clinic=clinic,
            phone=phone,
            **self.sets_row.care_options(),  # notes, appointment, questions
        )

    def handout(self) -> Handout:
        self.settings.large_print = self.large_print.isChecked()
        self.settings.words_to_know = self.words.isChecked()
        return build_handout(self.renderer, self.doc, self.options())

    def _update(self) -> None:
        ids = self.chosen()
        count = len(chosen_sections(self.doc, ids, self._own_extra))
        self.summary.setText(f"{count} of {len(self.doc.sections)} sections")
        for button in (self.preview_button, self.print_button, self.pdf_button):
            button.setEnabled(bool(ids))
        self._say_ticks()

    def _say_ticks(self) -> None:
        """Screen readers say a tree row's check state only as "expanded": each row's
        accessible name says whether it is ticked."""
        said = {
            Qt.CheckState.Checked: ", ticked",
            Qt.CheckState.PartiallyChecked: ", partly ticked",
            Qt.CheckState.Unchecked: ", not ticked",
        }
        self.tree.blockSignals(True)  # a changed name is not a changed tick
        for item in self._items.values():
            name = item.text(0) + said[item.checkState(0)]
            if item.data(0, Qt.ItemDataRole.AccessibleTextRole) != name:
                item.setData(0, Qt.ItemDataRole.AccessibleTextRole, name)
        self.tree.blockSignals(False)

    # -- output ----------------------------------------------------------------

    def preview(self) -> None:
        """Show the handout's pages (window-modal, without blocking the caller)."""
        from PySide6.QtPrintSupport import QPrintPreviewDialog

        handout = self.handout()
        # The preview paints on this printer for as long as it is open, and does not
        # own it: it is kept here, else Python frees it under the preview (a crash).
        self.printer = new_printer()
        dialog = QPrintPreviewDialog(self.printer, self)
        dialog.setWindowTitle(f"Preview: {self.doc.title}")
        dialog.paintRequested.connect(lambda printer: print_handout(handout, printer))
        fit_widget(dialog, QSize(900, 1000))
        dialog.finished.connect(dialog.deleteLater)
        self.preview_dialog = dialog
        dialog.open()

    def print_(self) -> None:
        """Ask for a printer (window-modal, without blocking), then print to it."""
        from PySide6.QtPrintSupport import QPrintDialog

        printer = self.printer = new_printer()
        dialog = QPrintDialog(printer, self)
        dialog.accepted.connect(
            lambda: self._report(lambda: print_handout(self.handout(), printer), "Printed")
        )
        dialog.finished.connect(dialog.deleteLater)
        self.print_dialog = dialog
        QDialog.open(dialog)  # QPrintDialog.open itself wants a slot to call

    def choose_pdf(self) -> None:
        from desktop.file_dialogs import documents_folder, file_name

        folder, name = documents_folder(), file_name(self.doc.title, ".pdf")
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the handout as PDF", str(Path(folder) / name), "PDF (*.pdf)"
        )
        if path:
            self.save(Path(path if path.lower().endswith(".pdf") else path + ".pdf"))

    def save(self, path: Path) -> bool:
        return self._report(lambda: save_pdf(self.handout(), path), f"Saved {path.name}:")

    def _report(self, job: Callable[[], int], done: str) -> bool:
        try:
            pages = job()
        except OSError as exc:
            QMessageBox.warning(self, "The handout was not made", str(exc))
            return False
        self.summary.setText(f"{done} {pages} page{'s' * (pages != 1)}")
        announce(self.summary, self.summary.text())
        from desktop.given_log import record  # the "given" log, when it is on

        record(self, done)
        return True
