"""Light and dark palettes that follow the system, the reader's typography, our icons."""

from __future__ import annotations

import functools
import os

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from index.paths import resource

THEME_VARIABLE = "ONCOREF_THEME"  # "light" or "dark" overrides the system (screenshots, tests)


def wants_dark() -> bool:
    forced = os.environ.get(THEME_VARIABLE, "").strip().lower()
    if forced in ("light", "dark"):
        return forced == "dark"
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_palette(app: QApplication) -> bool:
    """Our light or dark palette (for the Fusion style). Returns True for dark."""
    dark = wants_dark()
    app.setPalette(dark_palette() if dark else light_palette())
    return dark


def shipped_icon(name: str, folder: str = "icons") -> QIcon:
    """NAME-SIZE.png from resources/FOLDER in every size we ship (packaging/make_icons.py
    renders them from NAME.svg); Qt reads a file only when it is drawn. Our own icons,
    rather than the style's, read well on the light and the dark palette alike."""
    icon = QIcon()
    for size, path in sorted(_pngs(folder).get(name, [])):
        icon.addFile(path, QSize(size, size))  # with its size, Qt need not open the file yet
    return icon


@functools.cache
def _pngs(folder: str) -> dict[str, list[tuple[int, str]]]:
    """NAME: [(SIZE, path)] for the NAME-SIZE.png files in resources/FOLDER."""
    found: dict[str, list[tuple[int, str]]] = {}
    try:
        with os.scandir(resource(folder)) as entries:
            for entry in entries:
                stem, _, size = entry.name.removesuffix(".png").rpartition("-")
                if entry.name.endswith(".png") and size.isdigit():
                    found.setdefault(stem, []).append((int(size), entry.path))
    except OSError:  # no icons: the actions keep their words
        pass
    return found


def light_palette() -> QPalette:
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#f4f5f7",
        QPalette.ColorRole.WindowText: "#1d1f21",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f0f2f5",
        QPalette.ColorRole.Text: "#1d1f21",
        QPalette.ColorRole.Button: "#eceef1",
        QPalette.ColorRole.ButtonText: "#1d1f21",
        QPalette.ColorRole.Highlight: "#2860b3",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#1a5fb4",
        QPalette.ColorRole.LinkVisited: "#5a3d99",
        QPalette.ColorRole.ToolTipBase: "#fffef5",
        QPalette.ColorRole.ToolTipText: "#1d1f21",
        QPalette.ColorRole.PlaceholderText: "#6b7078",
        QPalette.ColorRole.Mid: "#c4c8ce",
    }
    return _palette(p, colors, disabled="#9a9fa6")


def dark_palette() -> QPalette:
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#25272b",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1b1c1f",
        QPalette.ColorRole.AlternateBase: "#26282c",
        QPalette.ColorRole.Text: "#e3e3e3",
        QPalette.ColorRole.Button: "#303236",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#3d74c9",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.LinkVisited: "#c58af9",
        QPalette.ColorRole.ToolTipBase: "#303236",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#9299a3",
        QPalette.ColorRole.Mid: "#45484e",
        QPalette.ColorRole.Light: "#3a3c41",
        QPalette.ColorRole.Dark: "#151618",
        QPalette.ColorRole.Shadow: "#000000",
    }
    return _palette(p, colors, disabled="#7d828a")


def _palette(palette: QPalette, colors: dict[QPalette.ColorRole, str], disabled: str) -> QPalette:
    """Setting a role sets it for every state, so disabled text is greyed here."""
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return palette


def as_rich_text(plain: str) -> str:
    """Text from a document or a file name (a title, a path), for a place Qt may read
    as rich text (tooltips, labels): shown as written, never as markup, so a title
    holding `<img src="file:...">` cannot make Qt load anything."""
    # Escaped here rather than with the html module, which start-up does not import.
    escaped = plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<p style='white-space:pre-wrap'>" + escaped + "</p>"


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Text).lightness() > 128


def muted_color(palette: QPalette) -> str:
    """Secondary text (where a result is, a section of comments), still readable."""
    return "#a4a9b1" if is_dark(palette) else "#5b6068"


def reader_css(palette: QPalette) -> str:
    """Typography for long reading, in the subset of CSS that Qt's rich text knows."""
    text = palette.color(QPalette.ColorRole.Text)
    dark = is_dark(palette)
    muted = muted_color(palette)
    link = palette.color(QPalette.ColorRole.Link).name()
    rule = "#3a3d42" if dark else "#dde1e6"
    note_bg, note_fg = ("#4a3b12", "#ffe08a") if dark else ("#fff4d1", "#5c4400")
    return f"""
    p, li {{ line-height: 150%; }}
    p {{ margin-top: 0px; margin-bottom: 10px; }}
    li {{ margin-bottom: 4px; }}
    h1 {{ font-size: xx-large; font-weight: 600; margin-bottom: 6px; }}
    h2 {{ font-size: x-large; font-weight: 600; margin-top: 26px; margin-bottom: 8px; }}
    h3 {{ font-size: large; font-weight: 600; margin-top: 20px; margin-bottom: 6px; }}
    h4, h5, h6 {{ font-size: medium; font-weight: 600; margin-top: 16px; margin-bottom: 4px; }}
    h2.comments {{ color: {muted}; }}
    a {{ color: {link}; }}
    a.term {{ color: {text.name()}; text-decoration-color: {link}; }}
    p.meta {{ color: {muted}; margin-bottom: 4px; }}
    p.overdue {{ background-color: {note_bg}; color: {note_fg}; padding: 6px; }}
    p.undated {{ background-color: {note_bg}; color: {note_fg}; padding: 6px; }}
    p.patient-view {{ background-color: {note_bg}; color: {note_fg}; padding: 6px; }}
    table {{ border-color: {rule}; }}
    td, th {{ padding: 4px; }}
    """
