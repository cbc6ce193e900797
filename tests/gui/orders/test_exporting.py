"""Ctrl+E exports the whole view with addresses, items and tracking of every order."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from app.gui.orders.export import FULL_HEADER
from app.gui.orders.rows import person_name
from app.gui.orders.window import OrdersWindow
from tests.gui.conftest import SANDBOX_ORDERS
from tests.gui.orders.test_printing import open_first_order
from tests.gui.test_orders_by_hand import WAIT

pytestmark = pytest.mark.gui


def test_ctrl_e_writes_addresses_items_and_tracking(
    qtbot: Any, window: OrdersWindow, tmp_path: Path
) -> None:
    order = open_first_order(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.exporter.dialog is not None)
    dialog = window.exporter.dialog
    assert dialog is not None
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    qtbot.waitUntil(name.hasFocus)
    path = tmp_path / "full.csv"
    name.selectAll()
    qtbot.keyClicks(name, str(path))
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Exported" in window.message.text(), timeout=WAIT)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = [dict(zip(FULL_HEADER, line, strict=True)) for line in csv.reader(handle)]
    assert len(records) == SANDBOX_ORDERS + 1
    mine = next(record for record in records if record["order_id"] == order.id)
    assert mine["email"] == order.email
    assert mine["ship_name"] == person_name(order.shipping)
    assert mine["ship_city"] == str(order.shipping.get("city") or "")
    assert mine["bill_name"] == person_name(order.customer)
    assert mine["items"] == "; ".join(f"{i.code or i.name} x {i.quantity}" for i in order.items)
    filled = [record for record in records[1:] if record["items"] and record["ship_address1"]]
    assert len(filled) == SANDBOX_ORDERS  # every order, not only the ones shown
    assert any(record["tracking_numbers"] for record in records[1:])
