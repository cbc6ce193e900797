"""Activity as a history, driven by hand: names instead of ids, readable diffs, undo of moves,
shipments and deletes (each a new recorded write), filters and CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox

from app.core.services import Services
from app.gui.activity import ActivityWindow
from app.gui.activity_text import Names, describe, target_text
from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.sandbox import SandboxServer

pytestmark = pytest.mark.gui
WAIT = 30000


@pytest.fixture
def activity(qtbot: Any, ctx: GuiContext, store: Any) -> Iterator[ActivityWindow]:
    bridge = HubBridge(ctx.engine.hub)
    window = ActivityWindow(ctx, bridge)
    window.show()
    yield window
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=WAIT)
    window.shutdown()
    window.close()
    bridge.close()


def first_order(ctx: GuiContext, store: Any) -> Any:
    return ctx.engine.call(ctx.services.orders.list(store, limit=1)).orders[0]


def shows(qtbot: Any, activity: ActivityWindow, action: str) -> None:
    qtbot.waitUntil(lambda: bool(activity.entries) and activity.entries[0].action == action,
                    timeout=WAIT)  # fmt: skip


def pick(qtbot: Any, activity: ActivityWindow, row: int) -> None:
    rect = activity.table.visualRect(activity.table.model().index(row, 2))
    qtbot.mouseClick(activity.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: activity.selected() is activity.entries[row], timeout=WAIT)


def undo_by_hand(qtbot: Any, activity: ActivityWindow, label: str) -> QMessageBox:
    """Click the undo button (its label says what it does); confirm in the question."""
    qtbot.waitUntil(activity.revert_button.isEnabled, timeout=WAIT)
    assert activity.revert_button.text() == label
    qtbot.mouseClick(activity.revert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(activity.dialog, QMessageBox), timeout=WAIT)
    box = activity.dialog
    assert isinstance(box, QMessageBox)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    return box


def test_a_move_is_named_and_moved_back(
    qtbot: Any, ctx: GuiContext, store: Any, sandbox: SandboxServer, activity: ActivityWindow
) -> None:
    remote = sandbox.store()
    order = first_order(ctx, store)
    home = remote.order(order.id)["folder_id"]
    other = next(f for f in remote.folders if f != home)
    ctx.engine.call(ctx.services.orders.move(store, [order.id], other, actor="mcp:claude"))
    shows(qtbot, activity, "order.move")
    assert activity.table.item(0, 1).text() == "AI: claude"
    assert activity.table.item(0, 2).text() == "Moved"
    assert activity.table.item(0, 3).text() == f"#{order.source_id}"
    assert activity.table.item(0, 5).text() == "Sandbox"
    pick(qtbot, activity, 0)
    moved = f"#{order.source_id}: folder {remote.folders[home]} → {remote.folders[other]}"
    qtbot.waitUntil(lambda: activity.details.toPlainText() == moved, timeout=WAIT)

    undo_by_hand(qtbot, activity, "Move &back")
    qtbot.waitUntil(lambda: "Reverted entry" in activity.status.text(), timeout=WAIT)
    assert remote.order(order.id)["folder_id"] == home
    qtbot.waitUntil(lambda: activity.entries[0].actor == "gui", timeout=WAIT)
    assert activity.entries[0].action == "order.move"
    assert activity.table.item(0, 1).text() == "You (order window)"


def test_shipments_and_a_deleted_order_are_shown_and_undone(
    qtbot: Any, ctx: GuiContext, store: Any, sandbox: SandboxServer, activity: ActivityWindow
) -> None:
    remote, orders = sandbox.store(), ctx.services.orders
    order = first_order(ctx, store)
    added = ctx.engine.call(orders.add_shipment(
        store, order.id, {"tracking_number": "1ZACT0001", "carrier_code": "UPS"}, actor="gui"
    ))  # fmt: skip
    shows(qtbot, activity, "shipment.add")
    assert activity.table.item(0, 3).text() == f"#{order.source_id} · shipment 1ZACT0001"
    pick(qtbot, activity, 0)
    assert "tracking_number: 1ZACT0001" in activity.details.toPlainText()
    assert "{" not in activity.details.toPlainText()  # no raw JSON
    undo_by_hand(qtbot, activity, "&Delete the added shipment")
    shows(qtbot, activity, "shipment.delete")
    assert all(s["id"] != added.id for s in remote.order(order.id)["order_shipments"])

    ctx.engine.call(orders.delete(store, order.id, actor="gui"))
    shows(qtbot, activity, "order.delete")
    pick(qtbot, activity, 0)
    details = activity.details.toPlainText()
    assert details.startswith("Deleted from Order Desk (the copy recorded before the delete):")
    assert f"Order #{order.source_id}" in details and order.email in details
    assert "Item: " in details
    box = undo_by_hand(qtbot, activity, "&Recreate from the recorded order…")
    assert "NEW order" in box.text() and "new Order Desk id" in box.text()
    shows(qtbot, activity, "order.create")
    made = activity.entries[0].after
    assert made["id"] != order.id and made["source_id"] == order.source_id
    assert remote.order(made["id"])["email"] == order.email


def choose(qtbot: Any, box: QComboBox, text: str) -> None:
    """Pick an entry of a drop-down with the keyboard."""
    qtbot.waitUntil(lambda: box.findText(text) >= 0, timeout=WAIT)
    box.setFocus()
    wanted = box.findText(text)
    for _ in range(box.count()):
        if box.currentIndex() == wanted:
            break
        key = Qt.Key.Key_Down if box.currentIndex() < wanted else Qt.Key.Key_Up
        qtbot.keyClick(box, key)
    assert box.currentText() == text


def test_filters_and_export(
    qtbot: Any, ctx: GuiContext, store: Any, activity: ActivityWindow, tmp_path: Path
) -> None:
    orders = ctx.services.orders
    order = first_order(ctx, store)
    ctx.engine.call(orders.add_note(store, order.id, "Called the buyer.", actor="gui"))
    ctx.engine.call(orders.update(store, order.id, {"email": "ai@example.com"},
                                  actor="mcp:claude"))  # fmt: skip
    qtbot.waitUntil(lambda: len(activity.entries) >= 2, timeout=WAIT)

    choose(qtbot, activity.filters.kind, "Notes")
    qtbot.waitUntil(lambda: [e.action for e in activity.entries] == ["order.note"], timeout=WAIT)
    choose(qtbot, activity.filters.kind, "Order changes")
    qtbot.waitUntil(lambda: [e.action for e in activity.entries] == ["order.update"],
                    timeout=WAIT)  # fmt: skip
    pick(qtbot, activity, 0)
    assert f"email: {order.email} → ai@example.com" in activity.details.toPlainText()
    choose(qtbot, activity.filters.client, "You (order window)")
    qtbot.waitUntil(lambda: activity.entries == [], timeout=WAIT)
    choose(qtbot, activity.filters.kind, "Notes")
    qtbot.waitUntil(lambda: [e.action for e in activity.entries] == ["order.note"], timeout=WAIT)

    qtbot.mouseClick(activity.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: activity.dialog is not None and activity.dialog.isVisible())
    name = activity.dialog.findChild(QLineEdit, "fileNameEdit")
    qtbot.waitUntil(name.hasFocus)
    path = tmp_path / "activity.csv"
    name.selectAll()
    qtbot.keyClicks(name, str(path))
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Exported 1 entries" in activity.status.text(), timeout=WAIT)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["When (UTC)", "Who", "Kind"]
    assert rows[1][1:6] == ["You (order window)", "Note added", "Sandbox", f"#{order.source_id}",
                            "applied"]  # fmt: skip
    assert rows[1][6] == "Note: Called the buyer."


def test_names_fall_back_to_labelled_ids() -> None:
    class Row:
        id, store_id, action, target, state = 1, 9, "order.move", "orders:5,6", "applied"
        before, change, outcome = None, {"folder_id": 3}, "ok"
        after = {"moved": [{"order_id": "5", "previous_folder_id": 1, "folder_id": 3}]}

    names = Names(orders={9: {"6": "W-6"}})
    assert target_text(Row(), names) == "2 orders: order 5, #W-6"
    assert describe(Row(), names) == "order 5: folder folder 1 → folder 3"
    assert names.store(9) == "store 9"


def test_services_type(core: Services) -> None:
    assert core.audit.can_revert("order.move") and not core.audit.can_revert("order.note")
