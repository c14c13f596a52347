"""Where file dialogs start and the names they suggest.

A dialog that starts in the working directory shows a person the program's own
folder (a shortcut's "Start in"), which is never where they keep their files.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QLabel, QWidget

# Characters no file name may hold on Windows, macOS or Linux, and control characters.
_NOT_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
NAME_LIMIT = 80


def documents_folder() -> str:
    """The person's Documents folder, else their home folder."""
    for kind in (
        QStandardPaths.StandardLocation.DocumentsLocation,
        QStandardPaths.StandardLocation.HomeLocation,
    ):
        folder = QStandardPaths.writableLocation(kind)
        if folder and Path(folder).is_absolute() and Path(folder).is_dir():
            return folder
    return str(Path.home())


def file_name(title: str, suffix: str, fallback: str = "handout") -> str:
    """A file name made from a title: what no system allows is replaced, runs of
    spaces are one, it is not too long, and it does not end in a dot or space."""
    name = " ".join(_NOT_IN_NAMES.sub(" ", title).split())
    name = name[:NAME_LIMIT].rstrip(". ")
    return (name or fallback) + suffix


def nothing_matches(parent: QWidget) -> QLabel:
    """The note a filter shows instead of an empty list (hidden until then)."""
    note = QLabel(parent)
    note.setWordWrap(True)
    note.setTextFormat(note.textFormat().PlainText)
    note.setAccessibleName("Nothing matches")
    note.setContentsMargins(6, 6, 6, 6)
    note.hide()
    return note


def show_nothing_matches(note: QLabel, text: str, empty: bool) -> None:
    text = " ".join(text.split())
    note.setText(f"Nothing matches “{text}”. Try fewer letters, or search the documents (Ctrl+K).")
    note.setVisible(bool(text) and empty)
