"""The app icon, from ``app/resources/icons`` (any install or bundle), drawn by Qt as a fallback."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from app.resources import resource_root

ICON_NAME = "orderdesk-tray"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def resource_dir() -> Path:
    """Return the folder of the shipped files (``app/resources`` in every kind of install)."""
    return resource_root()


@cache
def app_icon() -> QIcon:
    """Return the app icon with every rendered size; a drawn one if the files are missing."""
    icon = QIcon()
    folder = resource_dir() / "icons"
    for size in PNG_SIZES:
        path = folder / f"{ICON_NAME}-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    if icon.isNull():
        icon.addPixmap(_drawn_icon(64))
    return icon


@cache
def paused_icon() -> QIcon:
    """The app icon with a pause badge (MCP paused)."""
    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64):
        pixmap = app_icon().pixmap(size, size)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        badge = QRectF(size * 0.45, size * 0.45, size * 0.55, size * 0.55)
        painter.setBrush(QColor("#d97706"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(badge)
        painter.setBrush(QColor("white"))
        bar_w, bar_h = badge.width() * 0.14, badge.height() * 0.45
        top = badge.center().y() - bar_h / 2
        for offset in (-0.12, 0.12):
            x = badge.center().x() + badge.width() * offset - bar_w / 2
            painter.drawRect(QRectF(x, top, bar_w, bar_h))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def _drawn_icon(size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#2563eb"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(QRectF(2, 2, size - 4, size - 4), size * 0.2, size * 0.2)
    painter.setBrush(QColor("white"))
    painter.drawRect(QRectF(size * 0.3, size * 0.22, size * 0.4, size * 0.56))
    painter.end()
    return pixmap
