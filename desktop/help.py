"""The Help menu: OncoRef help (F1) and About OncoRef. The pages and their dialog
are desktop.help_pages', imported when first opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from desktop.help_pages import TextDialog
    from desktop.window import MainWindow


class HelpMenu:
    """The Help menu's commands and the dialogs they opened."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.dialogs: dict[str, TextDialog] = {}
        self.help_action: QAction = window._action(
            "OncoRef &help",
            self.show_help,
            QKeySequence.StandardKey.HelpContents,
            "How to use OncoRef",
        )
        self.about_action: QAction = window._action("&About OncoRef", self.show_about)
        self.menu = window.menuBar().addMenu("&Help")
        self.menu.addAction(self.help_action)
        self.menu.addAction(self.about_action)

    def _dialog(self, name: str, html: str) -> TextDialog:
        from desktop.help_pages import TextDialog
        from desktop.history import Location

        dialog = self.dialogs.get(name)
        if dialog is None:
            dialog = self.dialogs[name] = TextDialog(name, html, self.window)
            dialog.open_document.connect(
                lambda doc, section: self.window.reading.go(Location(doc, section))
            )
        else:
            dialog.set_html(html)
        dialog.show()
        dialog.raise_()
        return dialog

    def show_help(self) -> TextDialog:
        from desktop.help_pages import help_html

        window = self.window
        from desktop import shared_mode

        html = help_html(
            window.actions(), window.settings.store.fileName(), shared_mode.system_config_path()
        )
        return self._dialog("OncoRef help", html)

    def show_about(self) -> TextDialog:
        from desktop.help_pages import about_html

        return self._dialog("About OncoRef", about_html(self.window.session))


def install(window: MainWindow) -> HelpMenu:
    """A Help menu: OncoRef help (F1) and About OncoRef."""
    return HelpMenu(window)
