"""The app follows the OS light/dark setting."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from app.gui.theme import DARK_MARK, apply_scheme, is_dark

pytestmark = pytest.mark.gui


def test_dark_and_back_to_light(qtbot: Any, qapp: QApplication) -> None:
    style, palette = qapp.style().name(), qapp.palette()
    label = QLabel("stock")
    qtbot.addWidget(label)
    try:
        apply_scheme(qapp, Qt.ColorScheme.Unknown)
        assert qapp.property(DARK_MARK) is None  # unknown: left as the platform made it
        light = is_dark(qapp.palette())
        apply_scheme(qapp, Qt.ColorScheme.Dark)
        assert is_dark(qapp.palette())
        qtbot.waitUntil(lambda: is_dark(label.palette()))  # widgets follow
        apply_scheme(qapp, Qt.ColorScheme.Light)
        assert is_dark(qapp.palette()) == light and qapp.style().name() == style
    finally:
        qapp.setProperty(DARK_MARK, None)
        qapp.setStyle(style)
        qapp.setPalette(palette)
