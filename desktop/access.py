"""Keyboard, screen-reader and screen-size help shared by the window's parts.

- `FocusRegions`: F6 / Shift+F6 (and Ctrl+Tab / Ctrl+Shift+Tab) move between the
  big parts of the window (sidebar, search box, reader), as in a web browser.
- `announce`: a screen reader says a short message without moving the focus
  (results found, a handout saved).
- `fit_to_screen`: a window or dialog never bigger than the screen's free area.
- `name_clear_buttons`: the little clear button of a line edit gets a name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QFocusFrame, QLineEdit, QToolButton, QWidget

from desktop.theme import FOCUS_WIDTH, focus_color

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent

NEXT_KEYS = ("F6", "Ctrl+Tab")
PREVIOUS_KEYS = ("Shift+F6", "Ctrl+Shift+Tab", "Ctrl+Backtab")

# Room kept free around a window the first time it opens, for the desktop's frame.
SCREEN_MARGIN = 40


class FocusRegions(QObject):
    """Moves the keyboard focus from one part of `window` to the next, in a ring.

    Each region is a pair: the widget the region spans, and a function that gives
    the widget to focus in it (a sidebar's shown tab, say)."""

    def __init__(
        self, window: QWidget, regions: Sequence[tuple[QWidget, Callable[[], QWidget]]]
    ) -> None:
        super().__init__(window)
        self.regions = list(regions)
        for keys, step in ((NEXT_KEYS, 1), (PREVIOUS_KEYS, -1)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), window)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(lambda s=step: self.move(s))

    def current(self) -> int:
        """The region holding the focus, or -1."""
        focus = QApplication.focusWidget()
        for number, (area, _) in enumerate(self.regions):
            if focus is not None and (focus is area or area.isAncestorOf(focus)):
                return number
        return -1

    def move(self, step: int) -> None:
        here = self.current()
        count = len(self.regions)
        start = here if here >= 0 else (-1 if step > 0 else 0)
        for offset in range(1, count + 1):
            area, target = self.regions[(start + step * offset) % count]
            widget = target()
            if area.isVisible() and widget.isVisible() and widget.isEnabled():
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return


# Each text-size step is a tenth of the system's size: step 10 is 200 %.
TEXT_STEP = 0.1
_system_font: QFont | None = None


def text_scale(steps: int) -> float:
    return max(0.5, 1.0 + TEXT_STEP * steps)


def set_text_size(steps: int) -> None:
    """The whole application's text (window, popups, dialogs, tooltips and the
    reader, whose headings are relative to it) at `steps` from the system's size."""
    global _system_font
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if _system_font is None:
        _system_font = QFont(app.font())
    font = QFont(_system_font)
    scale = text_scale(steps)
    if _system_font.pointSizeF() > 0:
        font.setPointSizeF(round(_system_font.pointSizeF() * scale * 4) / 4)
    else:
        font.setPixelSize(max(6, round(_system_font.pixelSize() * scale)))
    if font != app.font():
        app.setFont(font)
        # Every widget takes the new size now (Qt posts it), so sizes and places
        # measured next are the new ones.
        QApplication.sendPostedEvents(None, QEvent.Type.ApplicationFontChange)


def system_font() -> QFont:
    """The font the system gave the application, before any text-size step."""
    app = QApplication.instance()
    if _system_font is not None:
        return QFont(_system_font)
    return QFont(app.font()) if isinstance(app, QApplication) else QFont()


def announce(widget: QWidget, message: str) -> None:
    """Ask screen readers to say `message` now, politely, without moving the focus."""
    if message:
        # Imported here: PySide makes a class's enums when it is first imported, and
        # QAccessible has many (start-up time for what only a screen reader needs).
        from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(widget, message))


def fit_to_screen(wanted: QSize, available: QSize, margin: int = SCREEN_MARGIN) -> QSize:
    """`wanted`, made small enough to fit in `available` (a screen's free area, in
    device-independent pixels) with a margin for the window frame."""
    return QSize(
        max(1, min(wanted.width(), available.width() - margin)),
        max(1, min(wanted.height(), available.height() - margin)),
    )


def fit_widget(widget: QWidget, wanted: QSize) -> None:
    """Resize a top-level window to `wanted`, or less on a small screen."""
    screen = widget.screen() or QApplication.primaryScreen()
    if screen is None:
        widget.resize(wanted)
        return
    widget.resize(fit_to_screen(wanted, screen.availableGeometry().size()))


def name_clear_buttons(edit: QLineEdit, name: str = "Clear") -> None:
    """A line edit's clear button is an unnamed tool button inside it: name it."""
    edit.setClearButtonEnabled(True)
    for button in edit.findChildren(QToolButton):
        if not button.accessibleName():
            button.setAccessibleName(name)
    for action in edit.actions():
        if not action.text():
            action.setText(name)


class FocusRing(QFocusFrame):
    """A ring of FOCUS_WIDTH pixels around the widget with the keyboard focus, in a
    colour at least 3:1 against the window (the style's own focus marks are thin
    and faint). It lies over the window and lets the mouse through. (A QFocusFrame,
    which Qt leaves out of what assistive technology sees, but placed and drawn
    here rather than by the style, which draws none.)"""

    _instance: FocusRing | None = None
    _following = False

    @classmethod
    def install(cls) -> FocusRing | None:
        """The ring, made if needed, following the focus from now on."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return None
        if not cls._following:
            cls._following = True
            app.focusChanged.connect(cls._focus_changed)
        if cls._instance is None or not shiboken6.isValid(cls._instance):
            cls._instance = cls()  # (the last one went with the window it was in)
            cls._instance.follow(None, app.focusWidget())
        return cls._instance

    @classmethod
    def _focus_changed(cls, old: QWidget | None, new: QWidget | None) -> None:
        ring = cls.install()
        if ring is not None:
            ring.follow(old, new)

    def __init__(self) -> None:
        super().__init__(None)
        self.target: QWidget | None = None
        self._watched: list[QWidget] = []
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("")

    def follow(self, old: QWidget | None, new: QWidget | None) -> None:
        for watched in self._watched:
            if shiboken6.isValid(watched):
                watched.removeEventFilter(self)
        self._watched = []
        self.target = new if new is not None and not new.isWindow() else None
        if self.target is None:
            self.hide()
            return
        # The widget and every one around it: a splitter moved moves the widget too.
        widget: QWidget | None = self.target
        while widget is not None and not widget.isWindow():
            widget.installEventFilter(self)
            self._watched.append(widget)
            widget = widget.parentWidget()
        self.place()

    def place(self) -> None:
        target = self.target
        if target is None or not target.isVisible():
            self.hide()
            return
        window = target.window()
        if self.parentWidget() is not window:
            self.setParent(window)
        width = FOCUS_WIDTH
        corner = target.mapTo(window, target.rect().topLeft())
        self.setGeometry(
            corner.x() - width,
            corner.y() - width,
            target.width() + 2 * width,
            target.height() + 2 * width,
        )
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (
            QEvent.Type.Move,
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.Hide,
        ):
            self.place()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        from PySide6.QtGui import QPainter, QPen  # when first drawn, not at start-up

        painter = QPainter(self)
        pen = QPen(focus_color(self.palette()), FOCUS_WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        half = FOCUS_WIDTH / 2
        painter.drawRect(QRectF(self.rect()).adjusted(half, half, -half, -half))
