"""The order browser against the sandbox: browse, search, filter, detail, actions, live updates."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.gui.context import GuiContext
from app.gui.orders.dialogs import AddressDialog, MoveDialog, NoteDialog, ShipmentDialog
from app.gui.orders.table_model import PAGE_SIZE
from app.gui.orders.window import OrdersWindow
from app.sandbox import SandboxServer
from tests.gui.conftest import SANDBOX_ORDERS

pytestmark = pytest.mark.gui
WAIT = 30000


def all_loaded(window: OrdersWindow) -> bool:
    return not window.model.is_loading and window.model.total is not None


def select_first(qtbot: Any, window: OrdersWindow) -> Any:
    window.select_row(0)
    row = window.model.row_at(0)
    qtbot.waitUntil(
        lambda: window.detail.order is not None and window.detail.order.id == row.id, timeout=WAIT
    )
    return window.detail.order


def indexed(qtbot: Any, window: OrdersWindow) -> None:
    window.sync_index()
    qtbot.waitUntil(lambda: not window.indexing.syncing, timeout=WAIT * 2)
    qtbot.waitUntil(lambda: window.source.uses_index(window.store_key), timeout=WAIT)
    qtbot.waitUntil(lambda: all_loaded(window) and window.model.rowCount() > 0, timeout=WAIT)


def test_pages_load_as_the_view_scrolls_and_folders_are_counted(
    qtbot: Any, window: OrdersWindow
) -> None:
    qtbot.waitUntil(lambda: all_loaded(window), timeout=WAIT)
    assert window.model.rowCount() == PAGE_SIZE
    assert window.model.total == SANDBOX_ORDERS
    assert window.model.canFetchMore()
    window.table.scrollToBottom()  # the view asks for the next page itself
    qtbot.waitUntil(lambda: window.model.rowCount() == 2 * PAGE_SIZE, timeout=WAIT)
    qtbot.waitUntil(lambda: f"({SANDBOX_ORDERS:,})" in window.folder_counts()[None], timeout=WAIT)
    # Pages come from Order Desk, or from the store's mirror once its first sync is done.
    assert any(where in window.count_label.text() for where in ("Order Desk", "local index"))
    assert len(window.folder_counts()) == 1 + len(window.folders)


def test_search_with_the_local_index(qtbot: Any, window: OrdersWindow) -> None:
    indexed(qtbot, window)
    assert window.model.total == SANDBOX_ORDERS and "local index" in window.count_label.text()
    target = window.model.row_at(3)
    window.filter_bar.search.setText(target.email)
    window.filter_bar.apply_now()
    qtbot.waitUntil(lambda: all_loaded(window) and window.model.query.text == target.email)
    assert 1 <= window.model.rowCount() < SANDBOX_ORDERS
    assert target.id in {row.id for row in window.model.rows()}


def test_filters_by_folder_source_and_date(
    qtbot: Any, window: OrdersWindow, sandbox: SandboxServer
) -> None:
    indexed(qtbot, window)
    remote = sandbox.store()
    in_store = {order["source_name"] for order in remote.orders.values()}
    box = window.filter_bar.source
    offered = lambda: {box.itemText(i) for i in range(1, box.count())}  # noqa: E731
    qtbot.waitUntil(lambda: offered() == in_store, timeout=WAIT)  # the store's own sources
    window.select_folder(2)
    qtbot.waitUntil(lambda: all_loaded(window) and window.model.query.folder_id == 2)
    assert window.model.rowCount() > 0
    assert {row.folder_id for row in window.model.rows()} == {2}
    source = window.model.row_at(0).source_name
    window.filter_bar.source.setEditText(source)
    window.filter_bar.apply_now()
    qtbot.waitUntil(lambda: all_loaded(window) and window.model.query.source == source)
    assert {row.source_name for row in window.model.rows()} == {source}
    window.select_folder(None)
    qtbot.waitUntil(lambda: all_loaded(window) and window.model.query.folder_id is None)
    newest = window.model.row_at(0).date_added.date()
    window.filter_bar.added_from.setDate(newest)
    window.filter_bar.apply_now()
    qtbot.waitUntil(lambda: all_loaded(window) and window.model.query.added_from == newest)
    assert all(row.date_added.date() >= newest for row in window.model.rows())


def test_sort_by_total(qtbot: Any, window: OrdersWindow) -> None:
    qtbot.waitUntil(lambda: all_loaded(window), timeout=WAIT)
    column = 4  # Total
    window.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: all_loaded(window) and window.model.query.sort == "total")
    totals = [row.total for row in window.model.rows()]
    assert totals == sorted(totals) and not window.model.query.descending


def test_detail_shows_shopper_text_as_plain_text(
    qtbot: Any, ctx: GuiContext, store: Any, window: OrdersWindow
) -> None:
    order = select_first(qtbot, window)
    assert window.detail.header.textFormat() == Qt.TextFormat.PlainText
    assert order.email in window.detail.meta.text()
    assert window.detail.items.rowCount() == len(order.items)
    markup = "<b>bold</b> <img src=x onerror=alert(1)>"
    ctx.engine.call(ctx.services.orders.add_note(store, order.id, markup, actor="mcp:test"))
    qtbot.waitUntil(lambda: markup in window.detail.notes.toPlainText(), timeout=WAIT)


def test_move_and_add_shipment_from_the_window(
    qtbot: Any, ctx: GuiContext, window: OrdersWindow
) -> None:
    order = select_first(qtbot, window)
    target = next(folder for folder in window.folders if folder != order.folder_id)
    window.actions_.move_order()
    dialog = window.actions_.dialog
    assert isinstance(dialog, MoveDialog)
    dialog.folder.setCurrentIndex(dialog.folder.findData(target))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.model.row_at(window.model.find(order.id)).folder_id == target,
                    timeout=WAIT)  # fmt: skip
    row = window.model.find(order.id)
    assert window.model.data(window.model.index(row, 3)) == window.folders[target]

    window.actions_.add_shipment()
    ship = window.actions_.dialog
    assert isinstance(ship, ShipmentDialog)
    ship.buttons.accepted.emit()  # no tracking number: refused in the dialog
    assert ship.isVisible() and "tracking number" in ship.error.text()
    ship.tracking.setText("1Z999AA10123456784")
    ship.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.detail.shipments.rowCount() == 1, timeout=WAIT)
    assert window.detail.shipments.item(0, 1).text() == "1Z999AA10123456784"


def test_note_address_and_delete(qtbot: Any, ctx: GuiContext, window: OrdersWindow) -> None:
    order = select_first(qtbot, window)
    window.actions_.add_note()
    note = window.actions_.dialog
    assert isinstance(note, NoteDialog)
    note.text.setPlainText("Customer asked for gift wrap.")
    note.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "gift wrap" in window.detail.notes.toPlainText(), timeout=WAIT)
    window.actions_.edit_address()
    address = window.actions_.dialog
    assert isinstance(address, AddressDialog)
    address.fields["city"].setText("Springfield")
    address.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "Springfield" in window.detail.shipping.toPlainText(), timeout=WAIT)
    assert window.detail.order.shipping["first_name"] == order.shipping["first_name"]

    window.actions_.delete_order()
    box = window.actions_.dialog
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.find(order.id) is None, timeout=WAIT)
    qtbot.waitUntil(lambda: window.detail.order is None or window.detail.order.id != order.id)
    qtbot.waitUntil(lambda: "Deleted order" in window.message.text(), timeout=WAIT)


def test_a_change_by_an_ai_client_shows_up_without_refresh(
    qtbot: Any, ctx: GuiContext, store: Any, window: OrdersWindow
) -> None:
    qtbot.waitUntil(lambda: "(" in window.folder_counts().get(1, ""), timeout=WAIT)
    before = window.folder_counts()[3]
    row = window.model.row_at(5)
    target = 3 if row.folder_id != 3 else 4
    ctx.engine.call(ctx.services.orders.move(store, [row.id], target, actor="mcp:claude"))
    qtbot.waitUntil(lambda: window.model.row_at(window.model.find(row.id)).folder_id == target,
                    timeout=WAIT)  # fmt: skip
    qtbot.waitUntil(lambda: window.folder_counts()[3] != before, timeout=WAIT)


def test_export_current_view_to_csv(qtbot: Any, window: OrdersWindow, tmp_path: Path) -> None:
    qtbot.waitUntil(lambda: all_loaded(window), timeout=WAIT)
    path = tmp_path / "orders.csv"
    window.exporter.export_csv(path)
    qtbot.waitUntil(lambda: "Exported" in window.message.text(), timeout=WAIT)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "order_id" and len(rows) == SANDBOX_ORDERS + 1


def test_an_export_the_disk_refuses_is_a_sentence(
    qtbot: Any, window: OrdersWindow, tmp_path: Path
) -> None:
    qtbot.waitUntil(lambda: all_loaded(window), timeout=WAIT)
    window.exporter.export_csv(tmp_path)  # a folder: the OS refuses to open it as a file
    qtbot.waitUntil(lambda: "Could not write" in window.message.text(), timeout=WAIT)
    assert "Choose another folder" in window.message.text()


def test_with_the_index_an_ai_change_updates_row_and_counts(
    qtbot: Any, ctx: GuiContext, store: Any, window: OrdersWindow
) -> None:
    indexed(qtbot, window)
    qtbot.waitUntil(lambda: "(" in window.folder_counts().get(1, ""), timeout=WAIT)
    before = window.folder_counts()
    row = next(r for r in window.model.rows() if r.folder_id == 1)
    ctx.engine.call(ctx.services.orders.move(store, [row.id], 5, actor="mcp:claude"))
    qtbot.waitUntil(lambda: window.model.row_at(window.model.find(row.id)).folder_id == 5,
                    timeout=WAIT)  # fmt: skip
    # Both folders' counts follow (the recount may land in more than one step).
    qtbot.waitUntil(lambda: window.folder_counts()[1] != before[1], timeout=WAIT)
    qtbot.waitUntil(lambda: window.folder_counts()[5] != before[5], timeout=WAIT)
    assert not window.indexing.syncing  # a quiet incremental sync shows no progress bar


def test_keyboard_shortcuts(qtbot: Any, window: OrdersWindow) -> None:
    qtbot.waitUntil(lambda: all_loaded(window), timeout=WAIT)
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is window.filter_bar.search
    qtbot.keyClick(window.table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: all_loaded(window) and window.model.rowCount() > 0, timeout=WAIT)
    select_first(qtbot, window)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert isinstance(window.actions_.dialog, QMessageBox)
    window.actions_.dialog.reject()


def test_each_detail_button_reaches_exactly_one_action(window: OrdersWindow) -> None:
    from PySide6.QtCore import SIGNAL

    detail = window.detail
    for name in ("move", "shipment", "note", "address", "delete"):
        assert detail.receivers(SIGNAL(f"{name}_requested()")) == 1, name


def test_an_edit_redraws_the_order_once(
    qtbot: Any, window: OrdersWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One refresh path: the write's order.changed event redraws row, detail and history once
    (the action no longer redraws as well)."""
    order = select_first(qtbot, window)
    qtbot.waitUntil(lambda: not window.busy, timeout=WAIT)
    draws: dict[str, list[str]] = {"row": [], "detail": [], "history": []}
    for part, target, name in (
        ("row", window.model, "update_row"),
        ("detail", window.detail, "show_order"),
        ("history", window.detail, "show_history"),
    ):
        original = getattr(target, name)

        def counted(*args: Any, _part: str = part, _original: Any = original) -> Any:
            draws[_part].append(str(getattr(args[0], "id", args[0])))
            return _original(*args)

        monkeypatch.setattr(target, name, counted)
    window.actions_.edit_address()
    address = window.actions_.dialog
    assert isinstance(address, AddressDialog)
    address.fields["city"].setText("Redrawville")
    address.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.message.text() == "Shipping address saved.", timeout=WAIT)
    qtbot.waitUntil(lambda: window.detail.order.shipping["city"] == "Redrawville", timeout=WAIT)
    qtbot.waitUntil(lambda: not window.busy, timeout=WAIT)
    assert draws == {"row": [order.id], "detail": [order.id], "history": [order.id]}
