"""The order browser driven as a person drives it: keys and clicks on the real widgets.

Each test here is one rough edge of issue 12 that a merchant hit by hand.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLineEdit, QToolTip

from app.gui.orders.layout import fit_within
from app.gui.orders.query import OrderQuery
from app.gui.orders.window import PREFERRED_SIZE, OrdersWindow
from app.sandbox import SandboxServer
from tests.gui.conftest import SANDBOX_ORDERS

pytestmark = pytest.mark.gui
WAIT = 30000


def focused(qtbot: Any, window: OrdersWindow) -> None:
    """The window is active with every page request done (shortcuts reach it)."""
    qtbot.waitUntil(lambda: not window.model.is_loading and window.model.total is not None,
                    timeout=WAIT)  # fmt: skip
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_ctrl_e_asks_where_and_exports_the_view(
    qtbot: Any, window: OrdersWindow, tmp_path: Path
) -> None:
    focused(qtbot, window)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.exporter.dialog is not None)
    dialog = window.exporter.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    qtbot.waitUntil(name.hasFocus)
    path = tmp_path / "by-hand.csv"
    name.selectAll()
    qtbot.keyClicks(name, str(path))
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Exported" in window.message.text(), timeout=WAIT)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) == SANDBOX_ORDERS + 1


def open_first_order(qtbot: Any, window: OrdersWindow) -> Any:
    """Click the first row; wait for its detail; leave the keyboard focus in the table."""
    focused(qtbot, window)
    rect = window.table.visualRect(window.model.index(0, 1))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    row = window.model.row_at(0)
    qtbot.waitUntil(lambda: window.detail.order is not None and window.detail.order.id == row.id,
                    timeout=WAIT)  # fmt: skip
    window.table.setFocus()
    return window.detail.order


def open_dialog(qtbot: Any, window: OrdersWindow, key: Qt.Key, modifiers: Any) -> Any:
    """Press a shortcut in the table; the dialog it opens, once it has the keyboard focus."""
    qtbot.keyClick(window.table, key, modifiers)
    qtbot.waitUntil(lambda: window.actions_.dialog is not None)
    dialog = window.actions_.dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.focusWidget() is not None)
    return dialog


def test_add_note_starts_in_the_text_and_enter_is_a_new_line(
    qtbot: Any, window: OrdersWindow
) -> None:
    open_first_order(qtbot, window)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    note = open_dialog(qtbot, window, Qt.Key.Key_N, ctrl_shift)
    assert note.focusWidget() is note.text
    qtbot.keyClicks(note.focusWidget(), "Gift wrap, please.")
    qtbot.keyClick(note.focusWidget(), Qt.Key.Key_Return)
    assert note.isVisible()  # Enter started a new line, it did not press OK
    qtbot.keyClicks(note.focusWidget(), "Ring twice.")
    assert note.text.toPlainText() == "Gift wrap, please.\nRing twice."
    qtbot.keyClick(note.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not note.isVisible())
    qtbot.waitUntil(lambda: "Ring twice." in window.detail.notes.toPlainText(), timeout=WAIT)


def test_move_arrow_down_picks_the_next_folder_and_enter_moves(
    qtbot: Any, window: OrdersWindow
) -> None:
    order = open_first_order(qtbot, window)
    move = open_dialog(qtbot, window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert move.focusWidget() is move.folder and move.folder.currentIndex() == 0
    qtbot.keyClick(move.focusWidget(), Qt.Key.Key_Down)
    assert move.focusWidget() is move.folder and move.folder.currentIndex() == 1
    target = move.folder.currentData()
    qtbot.keyClick(move.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not move.isVisible())
    qtbot.waitUntil(lambda: window.model.row_at(window.model.find(order.id)).folder_id == target,
                    timeout=WAIT)  # fmt: skip


def test_add_shipment_starts_in_the_tracking_number(qtbot: Any, window: OrdersWindow) -> None:
    open_first_order(qtbot, window)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    ship = open_dialog(qtbot, window, Qt.Key.Key_S, ctrl_shift)
    assert ship.focusWidget() is ship.tracking
    qtbot.keyClicks(ship.focusWidget(), "1Z999AA10123456784")
    qtbot.keyClick(ship.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.detail.shipments.rowCount() == 1, timeout=WAIT)


def test_date_filter_types_picks_from_today_and_clears(qtbot: Any, window: OrdersWindow) -> None:
    focused(qtbot, window)
    bar = window.filter_bar
    field = bar.added_from
    assert field.edit.text() == "" and field.edit.placeholderText() == "any"
    # The calendar opens at today, not at January 2000.
    qtbot.mouseClick(field.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(field.calendar.isVisible)
    today = date.today()
    assert (field.calendar.yearShown(), field.calendar.monthShown()) == (today.year, today.month)
    qtbot.keyClick(field.calendar.focusWidget() or field.calendar, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not field.calendar.isVisible())
    assert field.value() is None
    # Typing a day gives exactly that day ("any" is a placeholder, not text).
    newest = window.model.row_at(0).date_added.date()
    qtbot.mouseClick(field.edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(field.edit, newest.isoformat())
    assert field.edit.text() == newest.isoformat()
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.query.added_from == newest, timeout=WAIT)
    qtbot.waitUntil(lambda: not window.model.is_loading, timeout=WAIT)
    assert all(row.date_added.date() >= newest for row in window.model.rows())
    # Erasing the text is the way back to any date.
    qtbot.keyClick(field.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field.edit, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: window.model.query.added_from is None, timeout=WAIT)
    # Picking from the calendar by keyboard (Alt+Down, Enter) takes today.
    qtbot.keyClick(field.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(field.calendar.isVisible)
    qtbot.keyClick(field.calendar.focusWidget() or field.calendar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: field.value() == today)
    # Clear filters drops every filter at once.
    qtbot.keyClicks(bar.email, "nobody@example.com")
    qtbot.waitUntil(lambda: window.model.query.email == "nobody@example.com", timeout=WAIT)
    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    cleared = lambda: window.model.query.email == "" and window.model.query.added_from is None  # noqa: E731
    qtbot.waitUntil(cleared, timeout=WAIT)
    assert bar.email.text() == "" and field.edit.text() == ""


def click_header(qtbot: Any, window: OrdersWindow, title: str) -> None:
    """Click a column's header, as a person sorts."""
    header = window.table.horizontalHeader()
    column = next(c for c in range(window.model.columnCount()) if window.model.headerData(
        c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == title)  # fmt: skip
    window.table.scrollTo(window.model.index(0, column))
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def arrow(window: OrdersWindow) -> tuple[str, Qt.SortOrder]:
    """The column title the header's sort arrow is on, and its direction."""
    header = window.table.horizontalHeader()
    title = window.model.headerData(
        header.sortIndicatorSection(), Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
    )
    return title, header.sortIndicatorOrder()


def test_the_sort_arrow_names_the_order_the_rows_are_in(qtbot: Any, window: OrdersWindow) -> None:
    focused(qtbot, window)
    assert arrow(window) == ("Added", Qt.SortOrder.DescendingOrder)
    click_header(qtbot, window, "Total")
    qtbot.waitUntil(lambda: window.model.query.sort == "total" and window.model.total is not None,
                    timeout=WAIT)  # fmt: skip
    assert arrow(window)[0] == "Total"
    click_header(qtbot, window, "Customer")  # the server cannot sort by name: nothing changes
    assert window.model.query.sort == "total" and arrow(window)[0] == "Total"
    # A new store / search starts in date order again (what open_store does): the arrow follows.
    window.model.reset(OrderQuery(store=window.store_key))
    assert arrow(window) == ("Added", Qt.SortOrder.DescendingOrder)


def test_the_window_fits_a_1280_by_800_screen(window: OrdersWindow) -> None:
    laptop = QRect(0, 0, 1280, 800 - 32)  # minus a panel
    size = fit_within(PREFERRED_SIZE, laptop)
    assert size.width() <= 1280 - 40 and size.height() <= 800 - 32 - 40
    hint = window.minimumSizeHint()
    assert hint.width() <= size.width() and hint.height() <= size.height()
    screen = window.screen().availableGeometry()
    assert window.width() <= screen.width() and window.height() <= screen.height()


def test_a_postal_code_typed_in_search_finds_its_orders(
    qtbot: Any, window: OrdersWindow, sandbox: SandboxServer
) -> None:
    focused(qtbot, window)
    window.sync_index()
    qtbot.waitUntil(lambda: window.source.uses_index(window.store_key), timeout=WAIT * 2)
    qtbot.waitUntil(lambda: not window.indexing.syncing and not window.model.is_loading,
                    timeout=WAIT)  # fmt: skip
    target = window.model.row_at(3)
    postal = sandbox.store().orders[target.id]["shipping"]["postal_code"]
    search = window.filter_bar.search
    qtbot.mouseClick(search, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(search, postal)
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.query.text == postal and window.model.total is not None
                    and not window.model.is_loading, timeout=WAIT)  # fmt: skip
    assert 1 <= window.model.rowCount() < SANDBOX_ORDERS
    assert target.id in {row.id for row in window.model.rows()}


def test_long_marketplace_order_numbers_show_whole(qtbot: Any, window: OrdersWindow) -> None:
    focused(qtbot, window)
    rows = window.model.rows()
    number, row = max((len(r.source_id), i) for i, r in enumerate(rows))
    text = rows[row].source_id
    assert number >= 18, text  # the sandbox has Amazon / TikTok numbers
    metrics = window.table.fontMetrics()
    assert metrics.horizontalAdvance(text) + 8 <= window.table.columnWidth(0)
    # Hovering the cell shows the number whole too.
    window.table.scrollTo(window.model.index(row, 0))
    qtbot.waitUntil(lambda: window.table.visualRect(window.model.index(row, 0)).isValid())
    centre = window.table.visualRect(window.model.index(row, 0)).center()
    qtbot.mouseMove(window.table.viewport(), centre)
    qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == text, timeout=WAIT)


def test_the_window_opens_with_the_keyboard_in_the_order_list(
    qtbot: Any, window: OrdersWindow
) -> None:
    focused(qtbot, window)
    assert window.focusWidget() is window.table  # not a date box: typing a digit changed it
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.detail.order is not None, timeout=WAIT)
