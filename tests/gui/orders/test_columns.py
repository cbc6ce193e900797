"""The column chooser: right-click the header, untick a column; it stays hidden next time."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from app.gui.orders.columns import KEYS, dump_hidden, parse_hidden
from app.gui.orders.window import OrdersWindow
from tests.gui.orders.test_printing import settled

pytestmark = pytest.mark.gui


def test_the_stored_list_is_read_safely() -> None:
    assert parse_hidden('["email", "nonsense", "quantity"]') == {"email", "quantity"}
    assert parse_hidden("not json") == set() and parse_hidden('{"a": 1}') == set()
    assert parse_hidden(dump_hidden(KEYS)) == set()  # never every column
    assert dump_hidden({"quantity", "email"}) == '["email", "quantity"]'  # column order


def test_right_click_header_hides_a_column_and_a_new_window_remembers(
    qtbot: Any, window: OrdersWindow, another_window: Any
) -> None:
    settled(qtbot, window)
    header = window.table.horizontalHeader()
    email = KEYS.index("email")
    assert not window.table.isColumnHidden(email)
    spot = QPoint(header.sectionViewportPosition(0) + 5, header.height() // 2)
    where = header.viewport()
    # what Qt sends after a right click (QTest's mouse clicks do not make one)
    click = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, spot, where.mapToGlobal(spot))
    QApplication.sendEvent(where, click)
    menu = window.columns.menu
    qtbot.waitUntil(menu.isVisible)
    action = window.columns.actions_["email"]
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: window.table.isColumnHidden(email))
    qtbot.waitUntil(lambda: not window.busy)  # the choice is stored
    second = another_window()
    qtbot.waitUntil(lambda: second.table.isColumnHidden(email))
    assert not second.columns.actions_["email"].isChecked()
    second.columns.actions_["email"].trigger()  # tick it again
    qtbot.waitUntil(lambda: not second.table.isColumnHidden(email))
