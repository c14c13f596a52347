"""Render resources/icons/oncoref.svg into the PNG sizes desktops ask for and a
Windows .ico. Run after editing the SVG; the results are committed.

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


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "oncoref.svg"))
    if not renderer.isValid():
        print(f"cannot read {ICONS / 'oncoref.svg'}", file=sys.stderr)
        return 1
    for size in SIZES:
        path = ICONS / f"oncoref-{size}.png"
        if not render(renderer, size).save(str(path)):
            print(f"cannot write {path}", file=sys.stderr)
            return 1
    # Qt's ICO writer stores one image; 256 px is what Windows scales from.
    if not render(renderer, 256).save(str(ICONS / "oncoref.ico")):
        print("cannot write oncoref.ico", file=sys.stderr)
        return 1
    print(f"wrote {len(SIZES)} PNGs and oncoref.ico in {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
