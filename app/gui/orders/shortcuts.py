"""A window-wide command with a shortcut, for parts that bring their own commands."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def window_action(
    window: QWidget,
    text: str,
    shortcut: str | QKeySequence.StandardKey,
    slot: Callable[[], object],
) -> QAction:
    """An action on ``window`` whose ``shortcut`` works anywhere in it; add it to menus too.

    ``slot`` is called with no arguments (``triggered`` would pass ``checked`` into a first
    optional parameter: Ctrl+E once called ``export_csv(False)``).
    """
    action = QAction(text, window)
    action.setShortcut(QKeySequence(shortcut))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action
