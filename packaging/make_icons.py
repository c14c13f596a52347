"""Render resources/icons/oncoref.svg into the PNG sizes desktops ask for and a
Windows .ico, and the toolbar and menu icons in resources/icons/actions/ into
the sizes Qt asks for (16 and 24 px, twice that on high-density screens). Run
after editing an SVG; the results are committed.

    python packaging/make_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
ACTION_SIZES = (16, 24, 32, 48)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def render_all(svg: Path, sizes: tuple[int, ...]) -> bool:
    """`svg` as NAME-SIZE.png beside it, in every size."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        print(f"cannot read {svg}", file=sys.stderr)
        return False
    for size in sizes:
        path = svg.with_name(f"{svg.stem}-{size}.png")
        if not render(renderer, size).save(str(path)):
            print(f"cannot write {path}", file=sys.stderr)
            return False
    return True


def main() -> int:
    QGuiApplication(sys.argv[:1])
    actions = sorted((ICONS / "actions").glob("*.svg"))
    if not render_all(ICONS / "oncoref.svg", SIZES):
        return 1
    if not all(render_all(svg, ACTION_SIZES) for svg in actions):
        return 1
    renderer = QSvgRenderer(str(ICONS / "oncoref.svg"))
    # Qt's ICO writer stores one image; 256 px is what Windows scales from.
    if not render(renderer, 256).save(str(ICONS / "oncoref.ico")):
        print("cannot write oncoref.ico", file=sys.stderr)
        return 1
    print(f"wrote {len(SIZES)} PNGs, oncoref.ico and {len(actions)} action icons in {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
