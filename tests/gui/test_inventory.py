"""The inventory window against the sandbox, driven by keys and clicks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.inventory import InventoryWindow
from app.gui.inventory_dialogs import ImportPreviewDialog, StockDialog
from app.gui.inventory_import import UNKNOWN
from app.gui.inventory_model import PRICE, STOCK
from app.gui.keyboard import unreachable_actions
from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID, SandboxServer, SandboxStoreSpec

pytestmark = pytest.mark.gui
MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
WAIT = 30000
ITEMS = 60


@pytest.fixture
def inventory(qtbot: Any, ctx: GuiContext, store: Any) -> Iterator[InventoryWindow]:
    bridge = HubBridge(ctx.engine.hub)
    window = InventoryWindow(ctx, bridge)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == ITEMS, timeout=WAIT)
    qtbot.waitUntil(lambda: not window.busy, timeout=WAIT)
    window.activateWindow()
    yield window
    qtbot.waitUntil(lambda: not window.busy, timeout=WAIT)
    window.shutdown()
    window.close()
    window.deleteLater()
    bridge.close()


def remote(sandbox: SandboxServer, code: str) -> dict[str, Any]:
    return next(i for i in sandbox.store().inventory.values() if i["code"] == code)


def row_of(window: InventoryWindow, code: str) -> int:
    view = window.view
    return next(r for r in range(view.rowCount()) if view.index(r, 0).data() == code)


def edit_cell(qtbot: Any, window: InventoryWindow, row: int, column: int, text: str) -> None:
    """Select the cell, type over it (typing opens the editor) and press Enter."""
    index = window.view.index(row, column)
    window.table.setFocus()
    window.table.setCurrentIndex(index)
    qtbot.keyClicks(window.table, text[0])
    editor = window.table.focusWidget()
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the view commits it on its next turn


def test_lists_and_searches_the_items(qtbot: Any, inventory: InventoryWindow) -> None:
    assert inventory.status.count_label.text() == f"{ITEMS} items"
    qtbot.keyClick(inventory.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert inventory.focusWidget() is inventory.search
    qtbot.keyClicks(inventory.search, "cotton tee")
    qtbot.waitUntil(lambda: 0 < inventory.view.rowCount() < ITEMS, timeout=WAIT)
    shown = [inventory.view.index(r, 1).data() for r in range(inventory.view.rowCount())]
    assert all("cotton tee" in name.lower() for name in shown)
    assert inventory.status.count_label.text() == f"{len(shown)} of {ITEMS} items"


def test_stock_and_price_are_edited_in_place(
    qtbot: Any, ctx: GuiContext, inventory: InventoryWindow, sandbox: SandboxServer
) -> None:
    row = row_of(inventory, "OCT00-S")
    edit_cell(qtbot, inventory, row, STOCK, "42")
    qtbot.waitUntil(lambda: remote(sandbox, "OCT00-S")["stock"] == 42, timeout=WAIT)
    qtbot.waitUntil(lambda: inventory.status.message.text().startswith("Saved"), timeout=WAIT)
    assert inventory.view.index(row_of(inventory, "OCT00-S"), STOCK).data() == "42"
    edit_cell(qtbot, inventory, row_of(inventory, "OCT00-S"), PRICE, "19.5")
    qtbot.waitUntil(lambda: str(remote(sandbox, "OCT00-S")["price"]) in ("19.50", "19.5"),
                    timeout=WAIT)  # fmt: skip
    assert remote(sandbox, "OCT00-S")["name"] == "Organic Cotton Tee - S"  # merged, not lost

    def states() -> list[str]:
        page = ctx.engine.call(ctx.services.audit.query(action="inventory.update", actor="gui"))
        return [entry.state for entry in page.entries]

    qtbot.waitUntil(lambda: states() == ["applied", "applied"], timeout=WAIT)  # on record
    qtbot.waitUntil(lambda: not inventory.busy, timeout=WAIT)
    puts = sandbox.store().request_count("PUT")
    edit_cell(qtbot, inventory, row_of(inventory, "OCT00-S"), STOCK, "lots")
    qtbot.waitUntil(lambda: "not a whole number" in inventory.status.message.text(), timeout=WAIT)
    assert sandbox.store().request_count("PUT") == puts  # nothing sent
    assert inventory.view.index(row_of(inventory, "OCT00-S"), STOCK).data() == "42"


def test_batch_stock_update_of_the_selected_rows(
    qtbot: Any, inventory: InventoryWindow, sandbox: SandboxServer
) -> None:
    codes = ["OCT00-S", "OCT00-M", "OCT00-L"]
    selection = inventory.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for code in codes:
        selection.select(inventory.view.index(row_of(inventory, code), 0), flags)
    before = {code: remote(sandbox, code)["stock"] for code in codes}
    inventory.table.setFocus()
    qtbot.keyClick(inventory.table, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    dialog = inventory.dialog
    assert isinstance(dialog, StockDialog)
    dialog.mode.setCurrentText("Change by")
    qtbot.keyClicks(dialog.amount, "5")  # the amount has the focus: type at once
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    for code in codes:
        qtbot.waitUntil(lambda c=code: remote(sandbox, c)["stock"] == before[c] + 5, timeout=WAIT)
    qtbot.waitUntil(lambda: "Updated the stock of 3 items" in inventory.status.message.text(),
                    timeout=WAIT)  # fmt: skip


def test_csv_import_previews_before_sending(
    qtbot: Any, inventory: InventoryWindow, sandbox: SandboxServer, tmp_path: Path
) -> None:
    unchanged = remote(sandbox, "OCT00-L")["stock"]
    path = tmp_path / "stock.csv"
    path.write_text(
        f"SKU,stock\nOCT00-S,7\nOCT00-M,8\nNO-SUCH-SKU,3\nOCT00-L,{unchanged}\n", encoding="utf-8"
    )
    puts = sandbox.store().request_count("PUT")
    inventory.import_csv(path)
    dialog = inventory.dialog
    assert isinstance(dialog, ImportPreviewDialog)
    assert dialog.note_of("NO-SUCH-SKU") == UNKNOWN
    assert dialog.table.rowCount() == 4
    assert dialog.table.item(0, 4).text() == f"{remote(sandbox, 'OCT00-S')['stock']} → 7"
    assert "2 changes · 1 unknown SKU · 1 unchanged" in dialog.summary.text()
    assert sandbox.store().request_count("PUT") == puts  # nothing sent while previewing
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # Enter does not send
    assert inventory.dialog is dialog and sandbox.store().request_count("PUT") == puts
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: remote(sandbox, "OCT00-M")["stock"] == 8, timeout=WAIT)
    assert remote(sandbox, "OCT00-S")["stock"] == 7
    qtbot.waitUntil(lambda: "Updated the stock of 2 items" in inventory.status.message.text(),
                    timeout=WAIT)  # fmt: skip
    qtbot.waitUntil(
        lambda: inventory.view.index(row_of(inventory, "OCT00-M"), STOCK).data() == "8",
        timeout=WAIT,
    )


def test_a_big_import_shows_progress_in_batches(
    qtbot: Any, inventory: InventoryWindow, sandbox: SandboxServer, tmp_path: Path
) -> None:
    codes = [item.code for item in inventory.model.items()]
    path = tmp_path / "all.csv"
    path.write_text("".join(f"{code},{n + 1000}\n" for n, code in enumerate(codes)), "utf-8")
    seen: list[tuple[int, int]] = []
    bar = inventory.status.progress
    bar.valueChanged.connect(lambda value: seen.append((value, bar.maximum())))
    inventory.import_csv(path)
    dialog = inventory.dialog
    assert isinstance(dialog, ImportPreviewDialog) and len(dialog.plan.batches(25)) == 3
    inventory.dialog = None
    dialog.close()
    inventory.send_batches(dialog.plan.batches(25))  # 60 items in requests of 25
    qtbot.waitUntil(lambda: "Updated the stock of 60 items" in inventory.status.message.text(),
                    timeout=WAIT)  # fmt: skip
    assert (25, ITEMS) in seen and (50, ITEMS) in seen
    assert all(remote(sandbox, code)["stock"] == n + 1000 for n, code in enumerate(codes))


def test_the_order_window_opens_the_inventory_of_its_store(
    qtbot: Any, window: Any, store: Any
) -> None:
    qtbot.waitUntil(lambda: window.store_key == store.key, timeout=WAIT)
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(window.inventory_requested, timeout=WAIT) as asked:
        qtbot.keyClick(window.table, Qt.Key.Key_I, MODIFIERS)
    assert asked.args == [store.key]


def test_esc_takes_an_edit_back(
    qtbot: Any, inventory: InventoryWindow, sandbox: SandboxServer
) -> None:
    row = row_of(inventory, "OCT00-S")
    before = inventory.view.index(row, STOCK).data()
    puts = sandbox.store().request_count("PUT")
    inventory.table.setFocus()
    inventory.table.setCurrentIndex(inventory.view.index(row, STOCK))
    qtbot.keyClicks(inventory.table, "7")
    editor = inventory.table.focusWidget()
    assert editor is not inventory.table  # typing opened the editor
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: inventory.table.state() == inventory.table.State.NoState, timeout=WAIT)
    assert inventory.view.index(row, STOCK).data() == before
    assert sandbox.store().request_count("PUT") == puts


def test_every_toolbar_action_is_reachable_by_keyboard(
    inventory: InventoryWindow, window: Any
) -> None:
    assert unreachable_actions(inventory) == []
    assert unreachable_actions(window) == []  # the order window: its toolbar is in "Orders"
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles[0] == "&Orders"


def test_a_change_made_meanwhile_is_not_overwritten(
    qtbot: Any, inventory: InventoryWindow, sandbox: SandboxServer
) -> None:
    item = remote(sandbox, "OCT00-S")
    with sandbox.store().lock:  # someone changes the stock in Order Desk after the list was read
        item["stock"], item["date_updated"] = 999, "2026-12-01 10:00:00"
    edit_cell(qtbot, inventory, row_of(inventory, "OCT00-S"), STOCK, "5")
    qtbot.waitUntil(lambda: "changed" in inventory.status.message.text().lower(), timeout=WAIT)
    assert remote(sandbox, "OCT00-S")["stock"] == 999
    qtbot.waitUntil(  # the list is read again and shows Order Desk's version
        lambda: inventory.view.index(row_of(inventory, "OCT00-S"), STOCK).data() == "999",
        timeout=WAIT,
    )


def test_an_ai_clients_change_shows_up(
    qtbot: Any, ctx: GuiContext, store: Any, inventory: InventoryWindow
) -> None:
    item = next(i for i in inventory.model.items() if i.code == "OCT00-M")
    update = ctx.services.inventory.update(store, item.id, {"stock": 321}, actor="mcp:Claude")
    ctx.engine.call(update)
    qtbot.waitUntil(
        lambda: inventory.view.index(row_of(inventory, "OCT00-M"), STOCK).data() == "321",
        timeout=WAIT,
    )


def test_cancel_stops_an_import_between_requests(
    qtbot: Any, inventory: InventoryWindow, sandbox: SandboxServer, tmp_path: Path
) -> None:
    items = inventory.model.items()
    path = tmp_path / "all.csv"
    path.write_text("".join(f"{item.code},{item.stock + 1}\n" for item in items), "utf-8")
    inventory.import_csv(path)
    dialog = inventory.dialog
    assert isinstance(dialog, ImportPreviewDialog)
    inventory.dialog = None
    dialog.close()
    bar = inventory.status.progress
    bar.valueChanged.connect(lambda value: inventory.cancel() if value == 25 else None)
    inventory.send_batches(dialog.plan.batches(25))  # the first request's progress cancels
    qtbot.waitUntil(lambda: inventory.status.message.text().startswith("Stopped"), timeout=WAIT)
    assert inventory.status.message.text() == (
        f"Stopped: 25 of {ITEMS} items updated, the rest not sent."
    )
    changed = [i for i in items if remote(sandbox, i.code)["stock"] == i.stock + 1]
    assert len(changed) == 25


def test_opens_on_the_store_asked_for(qtbot: Any, ctx: GuiContext, store: Any) -> None:
    with SandboxServer([SandboxStoreSpec(orders=5, inventory=30)], rate_limit=False) as other:
        register = ctx.services.stores.register
        second = ctx.engine.call(register("Other", DEMO_STORE_ID, DEMO_API_KEY, other.base_url))
        bridge = HubBridge(ctx.engine.hub)
        window = InventoryWindow(ctx, bridge)
        window.show_store(second.key)  # at once, as the order window's Ctrl+Shift+I does
        window.show()
        try:
            qtbot.waitUntil(lambda: window.model.rowCount() == 30, timeout=WAIT)
            assert window.current_store() is not None
            assert window.current_store().key == second.key
            qtbot.waitUntil(lambda: not window.busy, timeout=WAIT)
        finally:
            window.shutdown()
            window.close()
            window.deleteLater()
            bridge.close()
