"""The order editors driven by hand: items, billing, e-mail and shipping method, shipments.

Each edit is made with the detail pane's buttons and the keyboard, reaches the sandbox Order
Desk through the services (so it is a ledger row), and a concurrent change made straight in
the sandbox is caught and asked about like the address edit.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QTableWidget

from app.gui.orders.dialogs import AddressDialog, ShipmentDialog
from app.gui.orders.editors_dialogs import ContactDialog, ItemDialog, parse_price
from app.gui.orders.window import OrdersWindow
from app.sandbox import SandboxServer
from tests.gui.test_orders_by_hand import open_first_order

pytestmark = pytest.mark.gui
WAIT = 30000


def click(qtbot: Any, button: QPushButton) -> None:
    qtbot.waitUntil(button.isEnabled, timeout=WAIT)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def opened(qtbot: Any, window: OrdersWindow, kind: type) -> Any:
    """The editor the click opened, once its first field has the keyboard."""
    qtbot.waitUntil(lambda: isinstance(window.actions_.dialog, kind), timeout=WAIT)
    dialog = window.actions_.dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.focusWidget() is dialog.first_input,
                    timeout=WAIT)  # fmt: skip
    return dialog


def type_and_enter(qtbot: Any, dialog: Any, text: str, select_all: bool = True) -> None:
    """Type into the focused field (replacing its text) and press Enter."""
    field = dialog.focusWidget()
    if select_all:
        qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def on_row(qtbot: Any, table: QTableWidget, row: int, button: QPushButton) -> None:
    """Click a line of the detail pane's table, then the button that acts on it.

    The pane is redrawn when the order's new version arrives (which clears the selection), so
    the line is clicked again until the button is enabled; the button is clicked right then.
    """

    def selected() -> bool:
        if table.rowCount() <= row:
            return False
        if not table.selectionModel().isRowSelected(row):
            rect = table.visualItemRect(table.item(row, 1))
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        return table.selectionModel().isRowSelected(row) and button.isEnabled()

    qtbot.waitUntil(selected, timeout=WAIT)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def said(qtbot: Any, window: OrdersWindow, text: str) -> None:
    qtbot.waitUntil(lambda: window.message.text() == text, timeout=WAIT)


def ledger(window: OrdersWindow, action: str) -> Any:
    page = window.ctx.engine.call(window.ctx.services.audit.query(action=action, limit=1))
    return page.entries[0] if page.entries else None


def test_price_parsing() -> None:
    assert str(parse_price("$1,200.5")) == "1200.50"
    assert parse_price("12.345") is None and parse_price("-1") is None
    assert parse_price("abc") is None and parse_price("nan") is None
    assert parse_price("12,50") is None  # a decimal comma is refused, not read as 1,250


def test_add_change_and_remove_an_item_by_keyboard(
    qtbot: Any, window: OrdersWindow, sandbox: SandboxServer
) -> None:
    order = open_first_order(qtbot, window)
    remote, count = sandbox.store(), len(order.items)

    click(qtbot, window.detail.item_buttons.buttons[0])  # Add item…
    dialog = opened(qtbot, window, ItemDialog)
    type_and_enter(qtbot, dialog, "Sticker")
    assert dialog.isVisible() and dialog.focusWidget() is dialog.code  # Enter moved on
    type_and_enter(qtbot, dialog, "STK-1")
    type_and_enter(qtbot, dialog, "3")
    type_and_enter(qtbot, dialog, "abc")  # the last field: checked, not sent
    assert dialog.isVisible() and "price" in dialog.error.text()
    type_and_enter(qtbot, dialog, "4.5")
    said(qtbot, window, "Added 3 x Sticker (STK-1).")
    stored = [i for i in remote.order(order.id)["order_items"] if i["code"] == "STK-1"]
    assert len(stored) == 1 and str(stored[0]["price"]) in ("4.50", "4.5")
    assert ledger(window, "order.item.add").ok
    qtbot.waitUntil(lambda: len(window.detail.order.items) == count + 1, timeout=WAIT)

    on_row(qtbot, window.detail.items, count, window.detail.item_buttons.buttons[1])  # Change
    dialog = opened(qtbot, window, ItemDialog)
    assert dialog.focusWidget() is dialog.quantity
    type_and_enter(qtbot, dialog, "5")
    type_and_enter(qtbot, dialog, "4.50")  # the price as it was
    said(qtbot, window, "Item saved.")
    line = next(i for i in remote.order(order.id)["order_items"] if i["code"] == "STK-1")
    assert int(line["quantity"]) == 5
    assert ledger(window, "order.item.update").change == {"quantity": 5}

    qtbot.waitUntil(lambda: window.detail.order.items[count].quantity == 5, timeout=WAIT)
    on_row(qtbot, window.detail.items, count, window.detail.item_buttons.buttons[2])  # Remove
    qtbot.waitUntil(lambda: isinstance(window.actions_.dialog, QMessageBox), timeout=WAIT)
    box = window.actions_.dialog
    assert "5 x Sticker (STK-1)" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    said(qtbot, window, "Removed 5 x Sticker (STK-1).")
    assert "STK-1" not in [i["code"] for i in remote.order(order.id)["order_items"]]


def test_an_item_changed_meanwhile_is_asked_about_and_reapplied(
    qtbot: Any, window: OrdersWindow, sandbox: SandboxServer
) -> None:
    order = open_first_order(qtbot, window)
    remote = sandbox.store()
    items = copy.deepcopy(remote.order(order.id)["order_items"])
    items[0]["price"] = "99.00"
    remote.edit_order(order.id, {"order_items": items})  # someone else, in Order Desk

    on_row(qtbot, window.detail.items, 0, window.detail.item_buttons.buttons[1])
    dialog = opened(qtbot, window, ItemDialog)
    type_and_enter(qtbot, dialog, "7")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # the price untouched
    qtbot.waitUntil(lambda: isinstance(window.actions_.dialog, QMessageBox), timeout=WAIT)
    box = window.actions_.dialog
    qtbot.waitUntil(box.isVisible, timeout=WAIT)
    assert "(changed: price)" in box.text() and "item change" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # re-apply
    said(qtbot, window, "Item saved.")
    line = remote.order(order.id)["order_items"][0]
    assert int(line["quantity"]) == 7 and str(line["price"]) == "99.00"


def test_billing_address_email_and_shipping_method(
    qtbot: Any, window: OrdersWindow, sandbox: SandboxServer
) -> None:
    order = open_first_order(qtbot, window)
    remote = sandbox.store()

    click(qtbot, window.detail.billing_button)
    dialog = opened(qtbot, window, AddressDialog)
    assert dialog.windowTitle() == "Edit billing address"
    dialog.fields["city"].setFocus()
    type_and_enter(qtbot, dialog, "Billington")
    said(qtbot, window, "Billing address saved.")
    assert remote.order(order.id)["customer"]["city"] == "Billington"
    assert remote.order(order.id)["shipping"] == order.shipping  # untouched
    assert ledger(window, "order.update").after["customer"]["city"] == "Billington"

    qtbot.waitUntil(lambda: window.detail.order.customer["city"] == "Billington", timeout=WAIT)
    click(qtbot, window.detail.contact_button)
    dialog = opened(qtbot, window, ContactDialog)
    type_and_enter(qtbot, dialog, "buyer@example.org")
    assert dialog.isVisible()  # Enter went to the shipping method, nothing was sent
    type_and_enter(qtbot, dialog, "Overnight")
    said(qtbot, window, "E-mail and shipping method saved.")
    stored = remote.order(order.id)
    assert (stored["email"], stored["shipping_method"]) == ("buyer@example.org", "Overnight")


def test_edit_and_delete_a_shipment(
    qtbot: Any, window: OrdersWindow, sandbox: SandboxServer
) -> None:
    order = open_first_order(qtbot, window)
    remote = sandbox.store()
    store = window.current_store()
    added = window.ctx.engine.call(
        window.ctx.services.orders.add_shipment(
            store, order.id, {"tracking_number": "1ZWRONG1", "carrier_code": "UPS"}, actor="gui"
        )
    )
    qtbot.waitUntil(lambda: any(s.id == added.id for s in window.detail.order.shipments),
                    timeout=WAIT)  # fmt: skip
    row = [s.id for s in window.detail.order.shipments].index(added.id)

    on_row(qtbot, window.detail.shipments, row, window.detail.shipment_buttons.buttons[0])
    dialog = opened(qtbot, window, ShipmentDialog)
    assert dialog.windowTitle() == "Edit shipment" and dialog.tracking.text() == "1ZWRONG1"
    type_and_enter(qtbot, dialog, "1ZRIGHT2")
    said(qtbot, window, "Shipment saved.")
    stored = next(s for s in remote.order(order.id)["order_shipments"] if s["id"] == added.id)
    assert stored["tracking_number"] == "1ZRIGHT2" and stored["carrier_code"] == "UPS"

    qtbot.waitUntil(lambda: any(s.tracking_number == "1ZRIGHT2"
                                for s in window.detail.order.shipments), timeout=WAIT)  # fmt: skip
    delete = window.detail.shipment_buttons.buttons[1]
    on_row(qtbot, window.detail.shipments, row, delete)
    qtbot.waitUntil(lambda: isinstance(window.actions_.dialog, QMessageBox), timeout=WAIT)
    box = window.actions_.dialog
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Cancel: nothing happens
    qtbot.waitUntil(lambda: window.actions_.dialog is None, timeout=WAIT)
    assert any(s["id"] == added.id for s in remote.order(order.id)["order_shipments"])
    on_row(qtbot, window.detail.shipments, row, delete)
    qtbot.waitUntil(lambda: isinstance(window.actions_.dialog, QMessageBox), timeout=WAIT)
    box = window.actions_.dialog
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    said(qtbot, window, "Deleted shipment 1ZRIGHT2.")
    assert all(s["id"] != added.id for s in remote.order(order.id)["order_shipments"])
    assert ledger(window, "shipment.delete").before["tracking_number"] == "1ZRIGHT2"


def test_an_email_edit_meeting_a_newer_version_can_be_discarded(
    qtbot: Any, window: OrdersWindow, sandbox: SandboxServer
) -> None:
    order = open_first_order(qtbot, window)
    remote = sandbox.store()
    remote.edit_order(order.id, {"email": "theirs@example.com"})  # someone else, meanwhile

    click(qtbot, window.detail.contact_button)
    dialog = opened(qtbot, window, ContactDialog)
    type_and_enter(qtbot, dialog, "mine@example.com")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # the method untouched: save
    qtbot.waitUntil(lambda: isinstance(window.actions_.dialog, QMessageBox), timeout=WAIT)
    box = window.actions_.dialog
    qtbot.waitUntil(box.isVisible, timeout=WAIT)
    assert "(changed: email), including email, which you also changed" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # discard mine
    qtbot.waitUntil(lambda: "discarded" in window.message.text(), timeout=WAIT)
    assert remote.order(order.id)["email"] == "theirs@example.com"
