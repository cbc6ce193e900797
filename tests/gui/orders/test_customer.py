"""The customer view (all orders of one e-mail) and "Open in Order Desk"."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication

from app.core.orderdesk import Order
from app.gui.orders.customer import summarize
from app.gui.orders.open_web import order_web_url
from app.gui.orders.rows import OrderRow
from app.gui.orders.window import OrdersWindow
from app.sandbox import SandboxServer
from tests.gui.orders.test_printing import open_first_order
from tests.gui.test_orders_by_hand import WAIT

pytestmark = pytest.mark.gui


def row(order_id: str, email: str, total: str, day: int) -> OrderRow:
    added = datetime(2026, 1, day, tzinfo=UTC)
    return OrderRow(order_id, f"#{order_id}", "Shopify", added, added, "Ada", email, None,
                    Decimal(total), 1, "Captured")  # fmt: skip


def test_summary_matches_the_exact_address_once_newest_first() -> None:
    rows = [
        row("1", "Ada@Example.com", "10.00", 3), row("2", "ada@example.com", "5.50", 9),
        row("1", "ada@example.com", "10.00", 3), row("3", "bada@example.com", "99", 5),
    ]  # fmt: skip
    summary = summarize(" ada@example.com ", rows)
    assert [r.id for r in summary.rows] == ["2", "1"]
    assert summary.count == 2 and summary.total == Decimal("15.50")
    assert summary.describe() == "2 orders · 15.50 in all · first 2026-01-03 · latest 2026-01-09"


def test_web_url_is_the_orders_folder_page() -> None:
    assert order_web_url(Order({"id": "5", "folder_id": 42})).toString() == (
        "https://app.orderdesk.me/orders?folder=42"
    )
    assert order_web_url(Order({"id": "5"})).toString() == "https://app.orderdesk.me/orders"


def test_ctrl_shift_c_lists_the_customers_orders_from_the_index(
    qtbot: Any, window: OrdersWindow, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = open_first_order(qtbot, window)

    async def no_order_desk(*_: Any) -> Any:
        raise AssertionError("the customer view asked Order Desk")

    monkeypatch.setattr(window.source, "_api_page", no_order_desk)
    wanted = order.email.lower()
    expected = [r for r in sandbox.store().rows.values() if r.email.lower() == wanted]
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.table, Qt.Key.Key_C, ctrl_shift)
    qtbot.waitUntil(lambda: window.customer.dialog is not None, timeout=WAIT)
    dialog = window.customer.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.summary.count == len(expected) >= 1
    assert dialog.table.rowCount() == len(expected)
    assert order.email in dialog.heading.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # "Show in the order list" is the default
    qtbot.waitUntil(lambda: window.model.query.email == order.email and not window.model.is_loading,
                    timeout=WAIT)  # fmt: skip
    assert window.filter_bar.email.text() == order.email
    shown = {window.model.row_at(i).id for i in range(window.model.rowCount())}
    assert {str(r.id) for r in expected} <= shown


class Browser(QObject):
    """Stands in for the web browser: remembers the addresses it was asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


def test_ctrl_shift_o_opens_the_order_in_order_desk(qtbot: Any, window: OrdersWindow) -> None:
    order = open_first_order(qtbot, window)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.table, Qt.Key.Key_O, ctrl_shift)
    qtbot.waitUntil(lambda: "local demo store" in window.message.text())
    key = window.store_key or ""
    window.source.stores[key] = replace(window.source.stores[key], is_demo=False)
    browser = Browser()
    QDesktopServices.setUrlHandler("https", browser, "open")
    try:
        qtbot.keyClick(window.table, Qt.Key.Key_O, ctrl_shift)
        qtbot.waitUntil(lambda: len(browser.opened) == 1)
    finally:
        QDesktopServices.unsetUrlHandler("https")
    assert browser.opened[0] == order_web_url(order)
    assert QGuiApplication.clipboard().text() == (order.source_id or order.id)
    assert "on the clipboard" in window.message.text()
