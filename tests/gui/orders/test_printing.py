"""Packing slips and pick lists from the order browser: the Print menu, Ctrl+P, preview, PDF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QFileDialog, QLineEdit

from app.core.orderdesk import Order
from app.gui.orders.printing import write_pdf
from app.gui.orders.printing_html import packing_slips_html
from app.gui.orders.window import OrdersWindow
from tests.gui import test_orders_by_hand as by_hand
from tests.gui.test_orders_by_hand import WAIT, focused

pytestmark = pytest.mark.gui
PAGE = re.compile(rb"/Type\s*/Page(?![a-z])")


def pdf_pages(path: Path) -> int:
    """Pages in a PDF written by Qt (one ``/Type /Page`` object each)."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    return len(PAGE.findall(data))


def settled(qtbot: Any, window: OrdersWindow) -> None:
    """The list reads the local index: its first build's end no longer reloads the rows (a
    reload clears the selection, so a click before it could be lost)."""
    qtbot.waitUntil(lambda: window.source.uses_index(window.store_key or ""), timeout=WAIT)
    focused(qtbot, window)


def open_first_order(qtbot: Any, window: OrdersWindow) -> Order:
    """Click the first row once the list is settled; wait for its detail."""
    settled(qtbot, window)
    order: Order = by_hand.open_first_order(qtbot, window)
    return order


def open_print_menu(qtbot: Any, window: OrdersWindow) -> Any:
    """Alt+P opens the menu bar's Print menu; wait until it takes keys."""
    focused(qtbot, window)  # active again after an earlier dialog (Alt+P is a window shortcut)
    qtbot.keyClick(window.table, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    menu = window.printer.menu
    qtbot.waitUntil(menu.isVisible)
    return menu


def save_pdf_by_hand(qtbot: Any, window: OrdersWindow, key: Qt.Key, path: Path) -> None:
    """Print menu, the entry's accelerator, then the file name typed into the save dialog."""
    menu = open_print_menu(qtbot, window)
    qtbot.keyClick(menu, key)
    qtbot.waitUntil(lambda: isinstance(window.printer.dialog, QFileDialog))
    dialog = window.printer.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    qtbot.waitUntil(name.hasFocus)
    name.selectAll()
    qtbot.keyClicks(name, str(path))
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: f"to {path}" in window.message.text(), timeout=WAIT)


def test_packing_slips_save_as_pdf_from_the_print_menu(
    qtbot: Any, window: OrdersWindow, tmp_path: Path
) -> None:
    order = open_first_order(qtbot, window)
    path = tmp_path / "slips.pdf"
    save_pdf_by_hand(qtbot, window, Qt.Key.Key_D, path)  # "Save packing slips as P&DF…"
    assert "Saved the packing slips" in window.message.text()
    assert pdf_pages(path) == 1
    assert window.printer.document is not None
    text = window.printer.document.toPlainText()
    assert "Sandbox" in text and (order.source_id or order.id) in text
    assert all(item.code in text for item in order.items)


def test_three_selected_orders_give_three_slips_and_one_pick_list(
    qtbot: Any, window: OrdersWindow, tmp_path: Path
) -> None:
    open_first_order(qtbot, window)
    for _ in range(2):
        qtbot.keyClick(window.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(window.selected_ids()) == 3)
    numbers = [window.model.row_at(row).source_id for row in range(3)]
    slips = tmp_path / "slips.pdf"
    save_pdf_by_hand(qtbot, window, Qt.Key.Key_D, slips)
    assert pdf_pages(slips) == 3
    picks = tmp_path / "picks.pdf"
    save_pdf_by_hand(qtbot, window, Qt.Key.Key_F, picks)  # "Save pick list as PD&F…"
    assert pdf_pages(picks) == 1
    assert window.printer.document is not None
    text = window.printer.document.toPlainText()
    assert "Pick list · 3 orders" in text and all(number in text for number in numbers)


def test_ctrl_p_opens_the_print_dialog_and_esc_closes_it(qtbot: Any, window: OrdersWindow) -> None:
    open_first_order(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.printer.dialog, QPrintDialog), timeout=WAIT)
    dialog = window.printer.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowTitle() == "Print packing slips"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.printer.dialog is None)


def test_preview_shows_the_pick_list(qtbot: Any, window: OrdersWindow) -> None:
    open_first_order(qtbot, window)
    menu = open_print_menu(qtbot, window)
    qtbot.keyClick(menu, Qt.Key.Key_W)  # "Previe&w pick list…"
    qtbot.waitUntil(lambda: isinstance(window.printer.dialog, QPrintPreviewDialog),
                    timeout=WAIT)  # fmt: skip
    dialog = window.printer.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    preview = dialog.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: preview.pageCount() == 1)
    assert "Pick list" in window.printer.document.toPlainText()
    dialog.reject()
    qtbot.waitUntil(lambda: window.printer.dialog is None)


def test_without_a_selection_ctrl_p_says_what_to_do(qtbot: Any, window: OrdersWindow) -> None:
    settled(qtbot, window)
    window.table.clearSelection()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Select one or more orders" in window.message.text())
    assert window.printer.dialog is None


def test_slips_of_three_orders_are_three_pdf_pages(qapp: Any, tmp_path: Path) -> None:
    orders = [
        Order({"id": str(n), "source_id": f"#{n}", "order_items": [{"code": "A", "quantity": 1}]})
        for n in range(3)
    ]
    document = QTextDocument()
    document.setHtml(packing_slips_html("Shop", orders))
    path = tmp_path / "three.pdf"
    assert write_pdf(document, path)
    assert pdf_pages(path) == 3
