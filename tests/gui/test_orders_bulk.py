"""Bulk work in the order browser, driven by keys and clicks: select many orders (Shift/Ctrl
click, Shift+arrows, Ctrl+A), move them, add a note, export them, cancel a long job midway, and
find the job as one group in Activity."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from app.gui.activity import ActivityWindow
from app.gui.bridge import HubBridge
from app.gui.orders.window import OrdersWindow
from app.sandbox import SandboxServer
from app.sandbox.faults import Fault
from tests.gui.conftest import SANDBOX_ORDERS

pytestmark = pytest.mark.gui
WAIT = 30000
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def focused(qtbot: Any, window: OrdersWindow) -> None:
    """The window is active with every page request done (shortcuts reach it)."""
    qtbot.waitUntil(lambda: not window.model.is_loading and window.model.total is not None,
                    timeout=WAIT)  # fmt: skip
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def click_row(qtbot: Any, window: OrdersWindow, row: int, modifier: Any = None) -> None:
    """Click a table row (with Shift or Ctrl held when ``modifier`` says so)."""
    window.table.scrollTo(window.model.index(row, 1))
    rect = window.table.visualRect(window.model.index(row, 1))
    modifiers = modifier if modifier is not None else Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, modifiers, rect.center())


def select_first(qtbot: Any, window: OrdersWindow, count: int) -> list[str]:
    """Click the first row and Shift+click the ``count``-th; return their ids."""
    focused(qtbot, window)
    click_row(qtbot, window, 0)
    click_row(qtbot, window, count - 1, SHIFT)
    qtbot.waitUntil(lambda: len(window.selected_ids()) == count)
    return window.selected_ids()


def finished(qtbot: Any, window: OrdersWindow) -> Any:
    """Wait for the bulk job to end; its report."""
    qtbot.waitUntil(lambda: window.bulk.last_report is not None and not window.bulk.running,
                    timeout=WAIT)  # fmt: skip
    return window.bulk.last_report


def move_selection_by_keys(qtbot: Any, window: OrdersWindow) -> int:
    """Ctrl+M, Down to the next folder, Enter; the folder chosen."""
    qtbot.keyClick(window.table, Qt.Key.Key_M, CTRL)
    qtbot.waitUntil(lambda: window.bulk.dialog is not None)
    move = window.bulk.dialog
    qtbot.waitUntil(lambda: move.isVisible() and move.focusWidget() is move.folder)
    qtbot.keyClick(move.focusWidget(), Qt.Key.Key_Down)
    target = int(move.folder.currentData())
    qtbot.keyClick(move.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not move.isVisible())
    return target


def test_shift_ctrl_click_keys_and_ctrl_a_select_orders(qtbot: Any, window: OrdersWindow) -> None:
    ids = select_first(qtbot, window, 5)
    assert ids == [window.model.row_at(n).id for n in range(5)]
    assert window.selected_id() is None  # several: no single order in the detail pane
    assert "5 orders selected" in window.detail.header.text()
    click_row(qtbot, window, 7, CTRL)
    click_row(qtbot, window, 2, CTRL)  # Ctrl+click again takes a row out
    qtbot.waitUntil(lambda: len(window.selected_ids()) == 5)
    assert window.model.row_at(2).id not in window.selected_ids()
    assert window.model.row_at(7).id in window.selected_ids()
    click_row(qtbot, window, 10)  # a plain click: one order again
    qtbot.keyClick(window.table, Qt.Key.Key_Down, SHIFT)
    qtbot.keyClick(window.table, Qt.Key.Key_Down, SHIFT)
    qtbot.waitUntil(lambda: len(window.selected_ids()) == 3)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_A, CTRL)
    qtbot.waitUntil(lambda: len(window.selected_ids()) == window.model.rowCount())
    assert window.model.rowCount() >= 200
    assert f"{window.model.rowCount():,} orders selected" in window.detail.header.text()


def test_bulk_move_writes_one_ledger_row_per_order(
    qtbot: Any, ctx: Any, window: OrdersWindow, sandbox: SandboxServer
) -> None:
    ids = select_first(qtbot, window, 12)
    target = move_selection_by_keys(qtbot, window)
    report = finished(qtbot, window)
    assert report.done == ids and not report.failed and not report.untouched
    assert all(sandbox.store().order(i)["folder_id"] == target for i in ids)
    qtbot.waitUntil(lambda: all(window.model.row_at(window.model.find(i)).folder_id == target
                                for i in ids), timeout=WAIT)  # fmt: skip
    assert window.message.text().startswith("Moved 12 orders to ")
    page = ctx.engine.call(ctx.services.audit.query(batch=window.bulk.last_batch))
    assert page.total == 12
    assert {e.target for e in page.entries} == {f"orders:{i}" for i in ids}
    assert all(e.ok and e.action == "order.move" for e in page.entries)


def test_bulk_note_adds_the_note_to_each_selected_order(
    qtbot: Any, ctx: Any, window: OrdersWindow, sandbox: SandboxServer
) -> None:
    focused(qtbot, window)
    for row, modifier in ((1, None), (4, CTRL), (6, CTRL)):
        click_row(qtbot, window, row, modifier)
    qtbot.waitUntil(lambda: len(window.selected_ids()) == 3)
    ids = window.selected_ids()
    qtbot.keyClick(window.table, Qt.Key.Key_N, CTRL | SHIFT)
    qtbot.waitUntil(lambda: window.bulk.dialog is not None)
    note = window.bulk.dialog
    qtbot.waitUntil(lambda: note.isVisible() and note.focusWidget() is note.text)
    assert "3 orders" in note.windowTitle()
    qtbot.keyClicks(note.focusWidget(), "Packed by the bulk test.")
    qtbot.keyClick(note.focusWidget(), Qt.Key.Key_Return, CTRL)
    report = finished(qtbot, window)
    assert report.done == ids
    for order_id in ids:
        history = sandbox.store().order(order_id).get("order_history") or []
        assert any("Packed by the bulk test." in str(h) for h in history)
    page = ctx.engine.call(ctx.services.audit.query(batch=window.bulk.last_batch))
    assert page.total == 3 and all(e.action == "order.note" and e.ok for e in page.entries)


def test_export_selection_writes_only_the_selected_orders(
    qtbot: Any, window: OrdersWindow, tmp_path: Path
) -> None:
    ids = select_first(qtbot, window, 4)
    qtbot.keyClick(window.table, Qt.Key.Key_E, CTRL | SHIFT)
    qtbot.waitUntil(lambda: window.bulk.dialog is not None)
    dialog = window.bulk.dialog
    qtbot.waitUntil(dialog.isVisible)
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    qtbot.waitUntil(name.hasFocus)
    path = tmp_path / "selected.csv"
    name.selectAll()
    qtbot.keyClicks(name, str(path))
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Exported 4 selected orders" in window.message.text(), timeout=WAIT)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert [line[0] for line in lines[1:]] == ids


@pytest.mark.parametrize("how", ["cancel button", "Esc"])
def test_cancel_midway_stops_before_the_next_order_and_reports(
    qtbot: Any, ctx: Any, window: OrdersWindow, sandbox: SandboxServer, how: str
) -> None:
    ids = select_first(qtbot, window, 12)
    before = {i: sandbox.store().order(i)["folder_id"] for i in ids}
    # Each move takes a second at Order Desk, so Cancel lands with most orders still to go.
    sandbox.add_fault(Fault(kind="delay", method="POST", path="/move-orders", seconds=1.0,
                            times=100))  # fmt: skip
    target = move_selection_by_keys(qtbot, window)
    qtbot.waitUntil(lambda: window.bulk.panel.progress.value() >= 2, timeout=WAIT)
    assert window.bulk.panel.isVisible()
    if how == "Esc":
        window.activateWindow()  # the move dialog has closed: shortcuts reach the window
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(window.table, Qt.Key.Key_Escape)
    else:
        qtbot.mouseClick(window.bulk.panel.cancel_button, Qt.MouseButton.LeftButton)
    report = finished(qtbot, window)
    sandbox.clear_faults()
    assert report.cancelled and not report.failed
    assert 2 <= len(report.done) < len(ids)
    assert report.done + report.untouched == ids  # every order is either done or untouched
    for order_id in report.done:
        assert sandbox.store().order(order_id)["folder_id"] == target
    for order_id in report.untouched:
        assert sandbox.store().order(order_id)["folder_id"] == before[order_id]
    page = ctx.engine.call(ctx.services.audit.query(batch=window.bulk.last_batch))
    assert sorted(e.target for e in page.entries) == sorted(f"orders:{i}" for i in report.done)
    assert all(e.ok for e in page.entries)  # nothing left in flight or unknown
    text = window.message.text()
    assert text.startswith(f"Cancelled: moved {len(report.done)} of 12 orders")
    assert f"{len(report.untouched)} not touched (still selected)" in text
    assert window.selected_ids() == report.untouched
    assert not window.bulk.panel.isVisible()


def test_activity_shows_a_bulk_job_as_one_group(
    qtbot: Any, ctx: Any, store: Any, window: OrdersWindow
) -> None:
    single = window.model.row_at(5).id
    ctx.engine.call(ctx.services.orders.add_note(store, single, "One order only.", actor="gui"))
    ids = select_first(qtbot, window, 3)
    move_selection_by_keys(qtbot, window)
    finished(qtbot, window)
    batch = window.bulk.last_batch
    bridge = HubBridge(ctx.engine.hub)
    activity = ActivityWindow(ctx, bridge)
    activity.show()
    try:
        in_group = lambda: [r for r in range(activity.table.rowCount())  # noqa: E731
                            if f"bulk {batch}" in activity.table.item(r, 2).text()]  # fmt: skip
        qtbot.waitUntil(lambda: len(in_group()) == 3, timeout=WAIT)
        assert activity.table.rowCount() > 3  # the single note is listed too
        rect = activity.table.visualRect(activity.table.model().index(in_group()[0], 2))
        qtbot.mouseClick(activity.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.waitUntil(lambda: f"Bulk job {batch}: 3 orders" in activity.details.toPlainText(),
                        timeout=WAIT)  # fmt: skip
        assert "3 applied" in activity.details.toPlainText()
        qtbot.waitUntil(activity.group_button.isEnabled)
        qtbot.mouseClick(activity.group_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: activity.table.rowCount() == 3 and len(in_group()) == 3,
                        timeout=WAIT)  # fmt: skip
        assert sorted(e.target for e in activity.entries) == sorted(f"orders:{i}" for i in ids)
        qtbot.mouseClick(activity.group_button, Qt.MouseButton.LeftButton)  # everything again
        qtbot.waitUntil(lambda: activity.table.rowCount() > 3, timeout=WAIT)
    finally:
        qtbot.waitUntil(lambda: not activity.tasks.busy, timeout=WAIT)
        activity.shutdown()
        activity.close()
        bridge.close()


def test_the_selection_menu_is_reachable_by_keyboard(qtbot: Any, window: OrdersWindow) -> None:
    select_first(qtbot, window, 3)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(window.bulk.menu.isVisible)
    qtbot.keyClick(window.bulk.menu, Qt.Key.Key_M)  # &Move selected orders…
    qtbot.waitUntil(lambda: window.bulk.dialog is not None and window.bulk.dialog.isVisible())
    move = window.bulk.dialog
    assert move.windowTitle() == "Move 3 orders to folder"
    qtbot.keyClick(move.focusWidget() or move, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not move.isVisible())
    assert window.bulk.last_report is None  # nothing was moved


def test_ctrl_shift_a_loads_and_selects_every_order_of_the_view(
    qtbot: Any, window: OrdersWindow
) -> None:
    focused(qtbot, window)
    assert window.model.rowCount() < SANDBOX_ORDERS  # one page of 200 is loaded
    click_row(qtbot, window, 0)
    qtbot.keyClick(window.table, Qt.Key.Key_A, CTRL | SHIFT)
    qtbot.waitUntil(lambda: len(window.selected_ids()) == SANDBOX_ORDERS, timeout=WAIT)
    assert window.message.text() == f"Selected {SANDBOX_ORDERS:,} orders."
    assert f"{SANDBOX_ORDERS:,} orders selected" in window.detail.header.text()
