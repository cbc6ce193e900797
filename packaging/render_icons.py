"""Render the app icon SVG to PNG sizes, a Windows .ico and a macOS .icns with Qt.

Run from the repository root: ``python packaging/render_icons.py``. The outputs are committed,
so the app and the packagers never need to render at run time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICON_DIR = Path(__file__).resolve().parent.parent / "app" / "resources" / "icons"
SOURCE = ICON_DIR / "orderdesk-tray.svg"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZE = 256
ICNS_SIZE = 512


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """Return the icon drawn at ``size`` x ``size`` pixels on a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    """Write every PNG size plus .ico and .icns next to the SVG."""
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"cannot read {SOURCE}", file=sys.stderr)
        return 1
    for size in PNG_SIZES:
        render(renderer, size).save(str(ICON_DIR / f"orderdesk-tray-{size}.png"))
    render(renderer, ICO_SIZE).save(str(ICON_DIR / "orderdesk-tray.ico"))
    render(renderer, ICNS_SIZE).save(str(ICON_DIR / "orderdesk-tray.icns"))
    del app
    print(f"wrote {len(PNG_SIZES)} PNGs, .ico and .icns to {ICON_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
