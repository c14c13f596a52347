"""Library updates: install a signed library pack from a file, and manage the installed ones.

What a pack would add, change and remove is shown before anything happens; a
pack that cannot be installed is explained in plain words, and nothing changes.
The pack code (and PyNaCl with it) is imported when this dialog opens, never at
the window's start. Names from a pack are shown as written, never read as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
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

from desktop.theme import as_rich_text
from index.model import Document
from index.packs import (
    SUFFIX,
    InstalledPack,
    PackError,
    VerifiedPack,
    all_installed,
    compare,
    store,
    verify_pack,
)

# How many titles of each kind the preview lists before "and N more".
SHOWN = 8


class PacksDialog(QDialog):
    """Install a library update from a file; the installed ones, with Roll back and Remove.

    Signals:
        library_updated: a pack was installed, rolled back or removed; the library
            must be read again.
    """

    library_updated = Signal()

    def __init__(
        self,
        documents: Callable[[], list[Document]] = list,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.documents = documents  # the library as the window shows it now
        self.pending: VerifiedPack | None = None
        self.older = False  # the pending pack is older than the installed version
        self.setWindowTitle("Library updates")
        self.setAccessibleName("Library updates")

        intro = QLabel(
            "A library update is a file (.oncopack) from the OncoRef publisher or your "
            "clinic, often brought on a USB stick. OncoRef checks that it is signed by a "
            "publisher this computer trusts and that nothing in it was changed before it "
            "replaces anything. You can go back to the version before.",
            self,
        )
        intro.setWordWrap(True)
        self.choose = QPushButton("&Install from file…", self)
        self.choose.clicked.connect(self._choose)
        self.for_everyone = QCheckBox("For every &user of this computer (administrator)", self)

        self.preview = QLabel(self)
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setAccessibleName("What this update does")
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.install = QPushButton("I&nstall this update", self)
        self.install.clicked.connect(self._install)
        self.cancel = QPushButton("&Cancel", self)
        self.cancel.clicked.connect(self._clear)

        self.list = QTreeWidget(self)
        self.list.setAccessibleName("Installed library updates")
        self.list.setHeaderLabels(["Update", "Version", "Content as of", "Publisher", "For"])
        self.list.setRootIsDecorated(False)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.rollback = QPushButton("Roll &back", self)
        self.rollback.clicked.connect(self._rollback)
        self.remove = QPushButton("&Remove", self)
        self.remove.clicked.connect(self._remove)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # it may quote names from a pack
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Library updates status")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.choose)
        row.addWidget(self.for_everyone)
        row.addStretch(1)
        confirm = QHBoxLayout()
        confirm.addStretch(1)
        confirm.addWidget(self.cancel)
        confirm.addWidget(self.install)
        manage = QHBoxLayout()
        manage.addWidget(self.rollback)
        manage.addWidget(self.remove)
        manage.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.preview)
        layout.addLayout(confirm)
        layout.addWidget(QLabel("<b>Installed updates</b>", self))
        layout.addWidget(self.list)
        layout.addLayout(manage)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._clear()
        self.refresh()
        self.resize(640, 520)

    # -- installing -------------------------------------------------------------------

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Install a library update", "", f"OncoRef library updates (*{SUFFIX})"
        )
        if path:
            self.open_pack(Path(path))

    def open_pack(self, path: Path) -> None:
        """Check the pack and show what it would do; nothing is installed yet."""
        self._clear()
        try:
            with _busy():
                pack = verify_pack(path)
        except PackError as exc:
            self._refused(exc)
            return
        self.pending = pack
        self.preview.setText(self._describe(pack))
        self.preview.show()
        self.install.show()
        self.cancel.show()
        self.install.setFocus()

    def _describe(self, pack: VerifiedPack) -> str:
        m = pack.manifest
        library = {d.id: d for d in self.documents()}
        installed = {p.id: p for p in all_installed() if p.system == self.for_everyone.isChecked()}
        current = installed.get(m.id)
        changes = compare(
            m, {i: d.path for i, d in library.items()}, current.current if current else None
        )
        titles = _titles_in(pack)

        def names(ids: list[str], from_library: bool) -> str:
            shown = [
                escape(library[i].title if from_library and i in library else titles.get(i, i))
                for i in ids[:SHOWN]
            ]
            more = f", and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
            return ", ".join(shown) + more

        was = ""
        self.older = False
        if current is not None:
            older = self.older = m.version < current.current.version
            was = (
                f" (installed now: version {current.current.version}"
                + (" — this one is older" if older else "")
                + ")"
            )
        lines = [
            f"<b>{escape(m.display_title())}</b>, version {m.version}{was}",
            f"Publisher: {escape(pack.publisher)} — signed with a key this computer trusts",
            f"Content as of {m.content_as_of:%d %B %Y}".replace(" 0", " "),
        ]
        for label, ids, old in (
            ("Adds", changes.added, False),
            ("Changes", changes.changed, True),
            ("Removes", changes.removed, True),
        ):
            if ids:
                lines.append(f"{label} {len(ids)}: {names(ids, old)}")
        if changes.unchanged:
            lines.append(f"{len(changes.unchanged)} unchanged")
        return "<br>".join(lines)

    def _install(self) -> None:
        pack = self.pending
        if pack is None:
            return
        system = self.for_everyone.isChecked()
        library = {d.id: d.path for d in self.documents()}
        try:
            with _busy():
                # An older version only when the preview said so and the person went on.
                report = store(system).install(
                    pack.path, allow_downgrade=self.older, library=library
                )
        except PackError as exc:
            self._refused(exc)
            return
        self._clear()
        new = report.installed
        self.status.setText(
            f"Installed {new.display_title()}, version {new.version}. The library is "
            "being read again."
        )
        self.refresh()
        self.library_updated.emit()

    def _refused(self, exc: PackError) -> None:
        self._clear()
        self.status.setText(f"Not installed: {exc.message}")
        QMessageBox.warning(self, "Library update not installed", as_rich_text(plain_reason(exc)))

    def _clear(self) -> None:
        self.pending = None
        self.preview.clear()
        self.preview.hide()
        self.install.hide()
        self.cancel.hide()

    # -- installed ones ---------------------------------------------------------------

    def refresh(self) -> None:
        self.list.clear()
        for pack in all_installed():
            c = pack.current
            item = QTreeWidgetItem(
                [
                    c.display_title(),
                    str(c.version),
                    c.content_as_of.isoformat(),
                    c.publisher,
                    "every user" if pack.system else "you",
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, pack)
            tip = f"Can go back to version {pack.previous.version}" if pack.previous else ""
            item.setToolTip(0, tip)
            self.list.addTopLevelItem(item)
        for column in range(5):
            self.list.resizeColumnToContents(column)
        first = self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)
        self._update_buttons()

    def installed(self) -> list[tuple[str, int]]:
        """(title, version) of each row, as a person reads them."""
        items = [self.list.topLevelItem(r) for r in range(self.list.topLevelItemCount())]
        return [(item.text(0), int(item.text(1))) for item in items if item is not None]

    def _selected(self) -> InstalledPack | None:
        item = self.list.currentItem()
        pack = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return pack if isinstance(pack, InstalledPack) else None

    def _update_buttons(self) -> None:
        pack = self._selected()
        self.rollback.setEnabled(pack is not None and pack.previous is not None)
        self.remove.setEnabled(pack is not None)

    def _rollback(self) -> None:
        pack = self._selected()
        if pack is None or pack.previous is None:
            return
        question = (
            f"Go back from version {pack.current.version} of {pack.current.display_title()} "
            f"to version {pack.previous.version} (content as of "
            f"{pack.previous.content_as_of.isoformat()})?"
        )
        if not self._confirm("Roll back", question):
            return
        self._change(lambda: store(pack.system).rollback(pack.id), "Rolled back")

    def _remove(self) -> None:
        pack = self._selected()
        if pack is None:
            return
        question = (
            f"Remove {pack.current.display_title()}? Its {len(pack.current.documents)} "
            "documents leave the library (the documents that come with OncoRef come back)."
        )
        if not self._confirm("Remove", question):
            return
        self._change(lambda: store(pack.system).remove(pack.id), "Removed")

    def _confirm(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self, title, as_rich_text(question))
        return answer == QMessageBox.StandardButton.Yes

    def _change(self, action: Callable[[], object], done: str) -> None:
        try:
            action()
        except PackError as exc:
            self.status.setText(exc.message)
            QMessageBox.warning(self, "Library updates", as_rich_text(exc.message))
            return
        self.status.setText(f"{done}. The library is being read again.")
        self.refresh()
        self.library_updated.emit()


def plain_reason(exc: PackError) -> str:
    """What a person at the clinic reads when an update is refused."""
    lead = {
        "unknown-key": "This update is not signed by a publisher this computer trusts.",
        "signature": "This update was changed after it was signed, or it is damaged.",
        "hash": "A file in this update was changed after it was signed, or it is damaged.",
        "size": "A file in this update was changed after it was signed, or it is damaged.",
        "damaged": "This file is damaged or was not copied in full.",
        "older": "This update is older than the one installed.",
        "installed": "This update is already installed.",
        "needs-newer": "This update needs a newer version of OncoRef.",
        "not-allowed": "Installing for every user of this computer needs an administrator.",
    }.get(exc.reason, "This update cannot be installed.")
    return f"{lead}\n\n{exc.message}\n\nNothing was changed."


def _titles_in(pack: VerifiedPack) -> Mapping[str, str]:
    """The pack's documents by id, with the titles its manifest gives them."""
    return {
        f.doc: f.title or Path(f.doc).name.replace("-", " ").replace("_", " ").capitalize()
        for f in pack.manifest.files
        if f.doc is not None
    }


class _busy:
    """A wait cursor while a pack is checked or unpacked."""

    def __enter__(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *exc: object) -> None:
        QGuiApplication.restoreOverrideCursor()
