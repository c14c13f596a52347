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
    return "#aeb3bb" if is_dark(palette) else "#50555c"


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


# -- contrast (WCAG 2) ----------------------------------------------------------------

TEXT_CONTRAST = 4.5  # normal text, WCAG AA
LARGE_CONTRAST = 3.0  # large text, marks and focus rings (non-text)
FOCUS_WIDTH = 3  # pixels of the focus ring


def luminance(color: QColor) -> float:
    """WCAG relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.red())
        + 0.7152 * channel(color.green())
        + 0.0722 * channel(color.blue())
    )


def contrast(one: QColor, other: QColor) -> float:
    """WCAG contrast ratio of two opaque colours, 1 to 21."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def blend(top: QColor, below: QColor) -> QColor:
    """A translucent colour as it shows over an opaque one."""
    a = top.alphaF()
    return QColor(
        round(top.red() * a + below.red() * (1 - a)),
        round(top.green() * a + below.green() * (1 - a)),
        round(top.blue() * a + below.blue() * (1 - a)),
    )


def mark_colors(palette: QPalette) -> dict[str, tuple[QColor, QColor]]:
    """(text, background) of the reader's marks: the words a search found, every
    find-in-page match and the current one. Opaque, with their own dark text, so
    they read the same on the light and the dark palette (a see-through yellow
    under light text read at 1.5:1 on the dark one)."""
    ink = QColor("#1d1f21")
    if is_dark(palette):
        return {
            "search": (ink, QColor("#e8c547")),
            "find": (ink, QColor("#a8c7fa")),
            "find current": (ink, QColor("#ffb870")),
        }
    return {
        "search": (ink, QColor("#b88a00")),
        "find": (ink, QColor("#5e94e6")),
        "find current": (ink, QColor("#e07000")),
    }


def focus_color(palette: QPalette) -> QColor:
    """The focus ring: at least 3:1 against the window and the text fields."""
    return QColor("#8ab4f8") if is_dark(palette) else QColor("#1a5fb4")


def color_pairs(palette: QPalette) -> list[tuple[str, QColor, QColor, float]]:
    """Every (what, foreground, background, least contrast) the window draws with
    `palette`: the palette's own text, the reader's style sheet, marks and focus."""
    role = QPalette.ColorRole
    color = palette.color
    dark = is_dark(palette)
    muted = QColor(muted_color(palette))
    note_bg, note_fg = ("#4a3b12", "#ffe08a") if dark else ("#fff4d1", "#5c4400")
    pairs = [
        ("text", color(role.Text), color(role.Base), TEXT_CONTRAST),
        ("window text", color(role.WindowText), color(role.Window), TEXT_CONTRAST),
        ("note", color(role.WindowText), color(role.AlternateBase), TEXT_CONTRAST),
        ("button text", color(role.ButtonText), color(role.Button), TEXT_CONTRAST),
        ("selected text", color(role.HighlightedText), color(role.Highlight), TEXT_CONTRAST),
        ("link", color(role.Link), color(role.Base), TEXT_CONTRAST),
        ("visited link", color(role.LinkVisited), color(role.Base), TEXT_CONTRAST),
        ("tooltip", color(role.ToolTipText), color(role.ToolTipBase), TEXT_CONTRAST),
        ("placeholder", color(role.PlaceholderText), color(role.Base), TEXT_CONTRAST),
        ("muted on base", muted, color(role.Base), TEXT_CONTRAST),
        ("muted on window", muted, color(role.Window), TEXT_CONTRAST),
        ("muted on tooltip", muted, color(role.ToolTipBase), TEXT_CONTRAST),
        ("muted on a chosen result", muted, result_tint(palette), TEXT_CONTRAST),
        ("overdue note", QColor(note_fg), QColor(note_bg), TEXT_CONTRAST),
        ("term underline", color(role.Link), color(role.Base), LARGE_CONTRAST),
        ("focus ring on window", focus_color(palette), color(role.Window), LARGE_CONTRAST),
        ("focus ring on base", focus_color(palette), color(role.Base), LARGE_CONTRAST),
        ("selection on base", color(role.Highlight), color(role.Base), LARGE_CONTRAST),
    ]
    for name, (ink, background) in mark_colors(palette).items():
        pairs.append((f"{name} mark text", ink, background, TEXT_CONTRAST))
        pairs.append((f"{name} mark on the page", background, color(role.Base), LARGE_CONTRAST))
    return pairs


def result_tint(palette: QPalette) -> QColor:
    """A chosen search result: the base tinted a little toward the accent, so the
    rich text in it keeps its own colours."""
    base = palette.color(QPalette.ColorRole.Base)
    accent = palette.color(QPalette.ColorRole.Highlight)
    return QColor(
        *(
            round(b + (a - b) * 0.22)
            for a, b in zip(
                (accent.red(), accent.green(), accent.blue()),
                (base.red(), base.green(), base.blue()),
                strict=True,
            )
        )
    )
