"""New order by hand: Ctrl+N, the form driven by keys, the order at Order Desk and in Activity;
a refusal keeps everything typed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from app.gui.context import GuiContext
from app.gui.orders.new_order import NewOrderDialog, new_order_number, order_body, order_problem
from app.gui.orders.window import OrdersWindow
from app.sandbox import DEMO_STORE_ID, SandboxServer
from tests.gui.test_orders_by_hand import focused

pytestmark = pytest.mark.gui
WAIT = 30000
SHIP_TO = {"first_name": "Ada", "last_name": "Park", "city": "Austin", "country": "US"}
MUG = {"name": "Mug", "code": "MUG-1", "price": "12.50", "quantity": "2"}


def test_the_checks_are_order_desks_create_rules() -> None:
    assert order_problem("N-1", "", SHIP_TO, [MUG]) is None
    assert "number" in str(order_problem(" ", "", SHIP_TO, [MUG]))
    assert "e-mail" in str(order_problem("N-1", "ada@", SHIP_TO, [MUG]))
    assert "name or company" in str(order_problem("N-1", "", {"city": "Austin"}, [MUG]))
    assert "at least one item" in str(order_problem("N-1", "", SHIP_TO, []))
    assert "Item 1 needs a name" in str(order_problem("N-1", "", SHIP_TO, [{**MUG, "name": ""}]))
    assert "amount" in str(order_problem("N-1", "", SHIP_TO, [{**MUG, "price": "12,50"}]))
    assert "whole number" in str(order_problem("N-1", "", SHIP_TO, [{**MUG, "quantity": "0"}]))


def test_the_body_leaves_blanks_out_and_types_the_items() -> None:
    body = order_body(" N-1 ", "", {**SHIP_TO, "company": " "}, [MUG], 3, "Ground")

    assert body == {
        "source_id": "N-1",
        "shipping_method": "Ground",
        "shipping": SHIP_TO,
        "order_items": [{"name": "Mug", "code": "MUG-1", "price": "12.50", "quantity": 2}],
        "folder_id": 3,
    }
    assert re.fullmatch(r"DT-\d{6}-[0-9A-F]{6}", new_order_number())


def open_form(qtbot: Any, window: OrdersWindow) -> NewOrderDialog:
    """Ctrl+N in the table; the form once the cursor is in its e-mail field."""
    focused(qtbot, window)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.creator.dialog is not None, timeout=WAIT)
    dialog = window.creator.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.email.hasFocus(), timeout=WAIT)
    return dialog


def type_here(qtbot: Any, text: str, then: Qt.Key = Qt.Key.Key_Return) -> None:
    """Type into the focused field, then press ``then`` (Enter moves to the next field)."""
    field = QApplication.focusWidget()
    assert field is not None
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, then)


def fill_item(qtbot: Any, dialog: NewOrderDialog, cells: list[str]) -> None:
    """Type an item's cells the way a person does: type, Tab to the next cell."""
    dialog.items.setFocus()
    dialog.items.setCurrentCell(0, 0)
    for column, text in enumerate(cells):
        qtbot.keyClick(dialog.items, Qt.Key.Key_F2)  # edit the current cell
        qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit), timeout=WAIT)
        editor = QApplication.focusWidget()
        qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, Qt.Key.Key_Tab)  # commit, next cell
        qtbot.waitUntil(lambda c=column, t=text: dialog.items.item(0, c).text() == t, timeout=WAIT)


def test_ctrl_n_makes_an_order_at_order_desk_recorded_and_listed(
    qtbot: Any, window: OrdersWindow, sandbox: SandboxServer, ctx: GuiContext
) -> None:
    dialog = open_form(qtbot, window)
    number = dialog.number.text()
    type_here(qtbot, "ada@example.com")  # Enter: on to the next field, nothing sent
    assert dialog.isVisible() and not dialog.sending
    for text in ("Ada", "Park"):
        type_here(qtbot, text)
    dialog.shipping["city"].setFocus()
    type_here(qtbot, "Austin")
    fill_item(qtbot, dialog, ["Mug", "MUG-1", "12.50", "2"])
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)  # fmt: skip

    qtbot.waitUntil(lambda: window.creator.dialog is None, timeout=WAIT)
    qtbot.waitUntil(lambda: window.message.text().startswith(f"Created order {number}"),
                    timeout=WAIT)  # fmt: skip
    remote = sandbox.store(DEMO_STORE_ID)
    order_id = remote.order_with_source("Order Desk", number)
    assert order_id is not None
    stored = remote.orders[order_id]
    assert stored["email"] == "ada@example.com"
    assert stored["shipping"]["city"] == "Austin" and stored["shipping"]["last_name"] == "Park"
    assert [(i["code"], int(i["quantity"])) for i in stored["order_items"]] == [("MUG-1", 2)]
    rows = ctx.engine.call(ctx.services.audit.query(action="order.create", actor="gui"))
    assert [row.target for row in rows.entries] == [f"order:{order_id}"]
    qtbot.waitUntil(lambda: window.model.find(order_id) is not None, timeout=WAIT)


def test_a_refusal_keeps_everything_typed(
    qtbot: Any, window: OrdersWindow, ctx: GuiContext
) -> None:
    taken = "DT-TAKEN-1"  # an order number Order Desk already has
    store = window.current_store()
    assert store is not None
    first = {"source_id": taken, "shipping": SHIP_TO, "order_items": [{**MUG, "quantity": 1}]}
    ctx.engine.call(ctx.services.orders.create(store, first, actor="test"))
    dialog = open_form(qtbot, window)
    dialog.number.setText(taken)
    dialog.shipping["company"].setText("Acme")
    fill_item(qtbot, dialog, ["Tea", "TEA-1", "3", "1"])
    dialog.email.setFocus()
    dialog.email.setText("ops@acme.example")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)  # fmt: skip

    qtbot.waitUntil(lambda: not dialog.sending and dialog.error.isVisible(), timeout=WAIT)
    assert dialog.isVisible()
    assert dialog.error.text() != "Creating the order…"
    assert dialog.number.text() == taken and dialog.email.text() == "ops@acme.example"
    assert dialog.item_rows()[0]["name"] == "Tea"
    dialog.reject()
