"""An address edit that meets a newer version of the order: the browser asks to re-apply.

The concurrent edits are made straight in the sandbox (as if someone changed the order in
Order Desk), so the browser's detail pane still shows the old copy when the user edits it.
The question is answered with the keyboard: Enter re-applies (the default), Esc discards.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.gui.orders.conflicts import change_paths, conflict_question, contested
from app.gui.orders.dialogs import AddressDialog
from app.gui.orders.window import OrdersWindow
from app.sandbox import SandboxServer

pytestmark = pytest.mark.gui
WAIT = 30000


# -- the question text (no Qt) ----------------------------------------------------------------


def test_question_names_what_changed() -> None:
    text = conflict_question(["email", "shipping.city"], ["shipping.address1"], "address change")
    assert text == (
        "Someone changed this order since you opened it (changed: email, shipping.city)."
        " Apply your address change to the new version?"
    )


def test_question_says_when_the_users_change_would_replace_another() -> None:
    text = conflict_question(["email", "shipping.city"], ["shipping.city"], "address change")
    assert text == (
        "Someone changed this order since you opened it (changed: email, shipping.city),"
        " including shipping.city, which you also changed: yours would replace it."
        " Apply your address change to the new version?"
    )
    both = conflict_question(
        ["shipping.city", "email", "shipping.state"],
        change_paths({"shipping": {"state": "TX", "city": "Austin"}}),
    )
    assert "including shipping.city and shipping.state, which you also changed" in both
    assert "yours would replace them. Apply your change to the new version?" in both


def test_question_when_nothing_is_known_or_much_changed() -> None:
    assert conflict_question([], ["shipping.city"], "address change") == (
        "Someone changed this order since you opened it. Apply your address change to the new"
        " version?"
    )
    many = [f"checkout_data.field{n}" for n in range(12)] + ["shipping.city"]
    text = conflict_question(many, ["shipping.city"])
    assert "checkout_data.field7 and 5 more)" in text and "field8" not in text
    assert "including shipping.city, which you also changed" in text  # named although cut


def test_change_paths_and_contested_fields() -> None:
    changes = {"shipping": {"city": "Austin", "phone": ""}, "email": "a@b.c", "checkout_data": {}}
    assert change_paths(changes) == ["shipping.city", "shipping.phone", "email", "checkout_data"]
    changed = ["shipping", "email", "customer.city", "checkout_data.gift", "shipping.city"]
    assert contested(changed, ["shipping.city", "checkout_data"]) == [
        "shipping",
        "checkout_data.gift",
        "shipping.city",
    ]


# -- the browser ------------------------------------------------------------------------------


def open_first(qtbot: Any, window: OrdersWindow) -> Any:
    window.select_row(0)
    row = window.model.row_at(0)
    qtbot.waitUntil(
        lambda: window.detail.order is not None and window.detail.order.id == row.id, timeout=WAIT
    )
    return window.detail.order


def edit_city(window: OrdersWindow, city: str) -> None:
    window.detail.address_button.click()  # the detail pane's own button
    dialog = window.actions_.dialog
    assert isinstance(dialog, AddressDialog)
    dialog.fields["city"].setText(city)
    dialog.buttons.accepted.emit()


def question(qtbot: Any, window: OrdersWindow, previous: Any = None) -> QMessageBox:
    def asked() -> bool:
        box = window.actions_.dialog
        return isinstance(box, QMessageBox) and box is not previous and box.isVisible()

    qtbot.waitUntil(asked, timeout=WAIT)
    box = window.actions_.dialog
    assert isinstance(box, QMessageBox)
    return box


def shown_saved(qtbot: Any, window: OrdersWindow, city: str = "Springfield") -> None:
    """Wait for the saved version in the detail pane: the write's order.changed event shows it."""
    qtbot.waitUntil(lambda: window.detail.order.shipping["city"] == city, timeout=WAIT)


def test_yes_reapplies_the_address_change_on_the_new_version(
    qtbot: Any, window: OrdersWindow, sandbox: SandboxServer
) -> None:
    order = open_first(qtbot, window)
    remote = sandbox.store()
    remote.edit_order(order.id, {"email": "moved@example.com", "shipping": {"address1": "9 Elm"}})
    assert window.detail.order.email == order.email  # the pane still shows the old copy

    edit_city(window, "Springfield")
    box = question(qtbot, window)
    assert "(changed: email, shipping.address1)" in box.text()
    assert "which you also changed" not in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: window.detail.order.email == "moved@example.com", timeout=WAIT)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the default: re-apply

    qtbot.waitUntil(lambda: window.message.text() == "Shipping address saved.", timeout=WAIT)
    stored = remote.order(order.id)
    assert stored["email"] == "moved@example.com"
    assert stored["shipping"]["address1"] == "9 Elm"
    assert stored["shipping"]["city"] == "Springfield"
    shown_saved(qtbot, window)
    assert "9 Elm" in window.detail.shipping.toPlainText()
    assert window.actions_.dialog is None


def test_no_keeps_the_new_version_and_writes_nothing(
    qtbot: Any, window: OrdersWindow, sandbox: SandboxServer
) -> None:
    order = open_first(qtbot, window)
    remote = sandbox.store()
    remote.edit_order(order.id, {"email": "other@example.com", "shipping": {"city": "Elsewhere"}})
    newer = remote.order(order.id)["date_updated"]

    edit_city(window, "Springfield")
    box = question(qtbot, window)
    assert "(changed: email, shipping.city), including shipping.city, which you also changed:" \
        " yours would replace it. Apply your address change" in box.text()  # fmt: skip
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # discard

    qtbot.waitUntil(lambda: "discarded" in window.message.text(), timeout=WAIT)
    stored = remote.order(order.id)
    assert stored["shipping"]["city"] == "Elsewhere" and stored["date_updated"] == newer
    assert window.detail.order.shipping["city"] == "Elsewhere"
    assert "Elsewhere" in window.detail.shipping.toPlainText()
    assert "other@example.com" in window.detail.meta.text()


def test_a_third_edit_before_the_answer_is_caught_again(
    qtbot: Any, window: OrdersWindow, sandbox: SandboxServer
) -> None:
    order = open_first(qtbot, window)
    remote = sandbox.store()
    remote.edit_order(order.id, {"email": "first@example.com"})

    edit_city(window, "Springfield")
    first = question(qtbot, window)
    assert "(changed: email)" in first.text()
    remote.edit_order(order.id, {"shipping": {"city": "Shelbyville"}})  # while the user reads
    qtbot.keyClick(first, Qt.Key.Key_Return)

    second = question(qtbot, window, previous=first)
    assert "(changed: shipping.city), including shipping.city" in second.text()
    assert remote.order(order.id)["shipping"]["city"] == "Shelbyville"  # nothing written yet
    qtbot.keyClick(second, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: window.message.text() == "Shipping address saved.", timeout=WAIT)
    stored = remote.order(order.id)
    assert stored["email"] == "first@example.com" and stored["shipping"]["city"] == "Springfield"
    shown_saved(qtbot, window)
