"""Handout sets in the window: "Save as a set…" in the handout composer, and
File ▸ Handout sets to print one again (open it, then Print: two clicks).

The sets themselves are index.handout_sets'; the composer's row is
desktop.handout_sets_row (imported with the composer, not at start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from desktop.history import Location

if TYPE_CHECKING:
    from PySide6.QtWidgets import QBoxLayout

    from desktop.given_log import GivenLogDialog
    from desktop.handout_dialog import HandoutDialog
    from desktop.handout_sets_row import SetsRow
    from desktop.window import MainWindow
    from index.handout_sets import HandoutSet, HandoutSets


class HandoutSetsMenu:
    """File ▸ Handout sets: every saved set; choosing one opens the composer with it."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._sets: HandoutSets | None = None
        self.menu = QMenu("Handout se&ts", window)
        self.menu.setToolTipsVisible(True)
        self.menu.aboutToShow.connect(self.fill)
        self.given_action = window._action(
            "Handouts &given…", self.show_given, tip="The log of handouts printed or saved"
        )
        self.given_dialog: GivenLogDialog | None = None

    def show_given(self) -> GivenLogDialog:
        from desktop.given_log import GivenLogDialog

        if self.given_dialog is None:
            self.given_dialog = GivenLogDialog(self.window.settings, self.window)
        else:
            self.given_dialog.refresh(self.window.settings)
        self.given_dialog.show()
        self.given_dialog.raise_()
        return self.given_dialog

    @property
    def sets(self) -> HandoutSets:
        if self._sets is None:
            from index.handout_sets import HandoutSets, sets_path

            self._sets = HandoutSets(sets_path())
        return self._sets

    def fill(self) -> None:
        self.menu.clear()
        session = self.window.session
        if not self.sets.sets:
            empty = self.menu.addAction("None yet: save one in Print a handout")
            empty.setEnabled(False)
        for handout_set in self.sets.sets:
            doc = session.library.get(handout_set.doc) if session else None
            action = self.menu.addAction(handout_set.name.replace("&", "&&"))
            action.setEnabled(doc is not None)
            action.setToolTip(doc.title if doc else "This document is not in the library now")
            action.triggered.connect(lambda _=False, s=handout_set: self.open(s))

    def open(self, handout_set: HandoutSet) -> HandoutDialog | None:
        """The composer for the set's document, with the set applied: then Print."""
        window = self.window
        window.open_location(Location(handout_set.doc))
        if window.reading.document() is None:
            return None
        window.show_handout()
        dialog = window.handout_dialog
        row = getattr(dialog, "sets_row", None)
        if dialog is not None and row is not None:
            row.apply(handout_set)
            dialog.print_button.setFocus()
        return dialog


def attach(dialog: HandoutDialog, layout: QBoxLayout) -> SetsRow:
    """The sets row in a composer, above its buttons; shares the window's sets."""
    from desktop.handout_sets_row import SetsRow

    menu = getattr(dialog.parent(), "handout_sets", None)
    if isinstance(menu, HandoutSetsMenu):
        sets = menu.sets
    else:
        from index.handout_sets import HandoutSets, sets_path

        sets = HandoutSets(sets_path())
    row = SetsRow(dialog, sets)
    layout.insertWidget(layout.count() - 1, row)
    return row


def install(window: MainWindow) -> HandoutSetsMenu:
    menu = HandoutSetsMenu(window)
    file_menu = next((a.menu() for a in window.menuBar().actions() if a.text() == "&File"), None)
    if isinstance(file_menu, QMenu):
        actions = file_menu.actions()  # after Print a handout
        if len(actions) > 1:
            file_menu.insertMenu(actions[1], menu.menu)
            file_menu.insertAction(actions[1], menu.given_action)
        else:
            file_menu.addMenu(menu.menu)
            file_menu.addAction(menu.given_action)
    return menu
