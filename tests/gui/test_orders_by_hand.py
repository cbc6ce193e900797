"""The order browser driven as a person drives it: keys and clicks on the real widgets.

Each test here is one rough edge of issue 12 that a merchant hit by hand.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from app.gui.orders.window import OrdersWindow
from tests.gui.conftest import SANDBOX_ORDERS

pytestmark = pytest.mark.gui
WAIT = 15000


def focused(qtbot: Any, window: OrdersWindow) -> None:
    """The window is active with every page request done (shortcuts reach it)."""
    qtbot.waitUntil(lambda: not window.model.is_loading and window.model.total is not None,
                    timeout=WAIT)  # fmt: skip
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_ctrl_e_asks_where_and_exports_the_view(
    qtbot: Any, window: OrdersWindow, tmp_path: Path
) -> None:
    focused(qtbot, window)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.exporter.dialog is not None)
    dialog = window.exporter.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    qtbot.waitUntil(name.hasFocus)
    path = tmp_path / "by-hand.csv"
    name.selectAll()
    qtbot.keyClicks(name, str(path))
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Exported" in window.message.text(), timeout=WAIT)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) == SANDBOX_ORDERS + 1
