"""The status bar: what the library holds, work in progress, and its problems."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton

from index.model import Severity

if TYPE_CHECKING:
    from index.model import Problem


class StatusArea:
    """The status bar's parts: a summary, a busy indicator and a Problems button.
    Called on the window's thread only (the window relays the worker's signals)."""

    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        self.summary = QLabel(bar)
        self.summary.setAccessibleDescription("Status")  # its name is its text
        self.progress = QProgressBar(bar)
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(140)
        self.progress.setAccessibleName("Working")
        self.problems_button = QToolButton(bar)
        self.problems_button.setAutoRaise(True)
        self.problems_button.setAccessibleName("Problems")
        self.problems_button.hide()
        bar.addWidget(self.summary, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.problems_button)

    def busy(self, message: str) -> None:
        self.progress.show()
        self.bar.showMessage(message, 4000)

    def done(self) -> None:
        self.progress.hide()
        self.bar.clearMessage()

    def failed(self, message: str) -> None:
        self.progress.hide()
        self.bar.showMessage(message)
        self.summary.setText(message)

    def show_library(self, documents: int, sections: int) -> None:
        self.summary.setText(f"{documents} documents · {sections} sections")

    def show_problems(self, problems: list[Problem]) -> None:
        if not problems:
            self.problems_button.hide()
            return
        errors = sum(p.severity is Severity.ERROR for p in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        self.problems_button.setText(f"⚠ {len(problems)} {noun}")
        self.problems_button.setAccessibleName(f"{len(problems)} {noun}")
        self.problems_button.setToolTip(
            f"{errors} document error(s); click to see which files and why"
        )
        self.problems_button.show()
