"""Windows that fit the screen and come back where they were.

:class:`WindowPlacement` watches one top-level window: when it is first shown it gets its saved
geometry back (``window-geometry.json`` in the data folder, one entry per window key) or, the
first time, its preferred size shrunk to the screen's free area and centred; either way it is
kept inside the available screen. When the window is hidden or closed its geometry is saved.
"""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize
from PySide6.QtWidgets import QWidget

from app.core.paths import data_home

log = logging.getLogger(__name__)
FILE_NAME = "window-geometry.json"
MARGIN = 48
"""Room left around a window for its frame and a little desktop."""


def geometry_file() -> Path:
    """Where window geometry is kept."""
    return data_home() / FILE_NAME


def read_all(path: Path | None = None) -> dict[str, str]:
    """Every saved geometry (window key -> base64 of ``QWidget.saveGeometry``)."""
    try:
        data = json.loads((path or geometry_file()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def write_one(key: str, value: str, path: Path | None = None) -> None:
    """Save one window's geometry (a failure is logged: it only costs the placement)."""
    target = path or geometry_file()
    saved = read_all(target)
    saved[key] = value
    try:
        target.write_text(json.dumps(saved, indent=1, sort_keys=True), encoding="utf-8")
    except OSError as error:
        log.warning("window geometry not saved: %s", error)


def fit_size(preferred: QSize, available: QRect, margin: int = MARGIN) -> QSize:
    """``preferred`` shrunk to ``available`` with ``margin`` to spare."""
    return QSize(
        min(preferred.width(), available.width() - margin),
        min(preferred.height(), available.height() - margin),
    )


def inside(frame: QRect, available: QRect) -> QRect:
    """``frame`` moved (and shrunk if need be) so that it lies inside ``available``."""
    width, height = min(frame.width(), available.width()), min(frame.height(), available.height())
    left = min(max(frame.left(), available.left()), available.right() - width + 1)
    top = min(max(frame.top(), available.top()), available.bottom() - height + 1)
    return QRect(left, top, width, height)


class WindowPlacement(QObject):
    """Restores, fits and saves one window's geometry.

    Args:
        window: A top-level window (the placement becomes its child).
        key: The window's name in the geometry file (``orders``, ``inventory``...).
        preferred: Its size when nothing is saved (None: the size it has).
    """

    def __init__(self, window: QWidget, key: str, preferred: QSize | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.key = key
        self._placed = False
        if preferred is not None:
            window.resize(fit_size(preferred, window.screen().availableGeometry()))
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Place the window on its first show; save its geometry when it hides or closes."""
        if watched is self.window:
            kind = event.type()
            if kind == QEvent.Type.Show and not self._placed:
                self._placed = True
                self.restore()
            elif kind in (QEvent.Type.Hide, QEvent.Type.Close) and self._placed:
                self.save()
        return False

    def restore(self) -> None:
        """The saved geometry (or centred at its size), kept inside the available screen."""
        saved = read_all().get(self.key)
        restored = False
        if saved:
            restored = self.window.restoreGeometry(QByteArray(base64.b64decode(saved)))
        available = self.window.screen().availableGeometry()
        frame = self.window.frameGeometry()
        if not restored:
            frame.moveCenter(available.center())
        self.fit(inside(frame, available))

    def fit(self, frame: QRect) -> None:
        """Put the window's frame at ``frame`` (its size minus the frame's decoration)."""
        extra_w = self.window.frameGeometry().width() - self.window.width()
        extra_h = self.window.frameGeometry().height() - self.window.height()
        self.window.move(frame.topLeft())
        self.window.resize(
            min(self.window.width(), frame.width() - extra_w),
            min(self.window.height(), frame.height() - extra_h),
        )

    def save(self) -> None:
        """Remember where the window is now."""
        if self.window.isMinimized():
            return
        data = bytes(self.window.saveGeometry().data())
        write_one(self.key, base64.b64encode(data).decode("ascii"))
