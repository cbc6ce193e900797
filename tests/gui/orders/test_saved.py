"""Saved searches: Ctrl+D names the current search; a click runs it again, in a new window too."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from app.gui.orders.query import OrderQuery
from app.gui.orders.saved import SavedSearch, dump_saved, parse_saved, with_search
from app.gui.orders.window import OrdersWindow
from tests.gui.orders.test_printing import settled
from tests.gui.test_orders_by_hand import WAIT

pytestmark = pytest.mark.gui


def test_saved_searches_round_trip_and_bad_entries_are_skipped() -> None:
    query = OrderQuery(text="mug", source="Etsy", added_from=date(2026, 1, 2), folder_id=7)
    search = SavedSearch.of("  Etsy mugs ", query)
    assert search.name == "Etsy mugs" and search.added_from == "2026-01-02"
    assert parse_saved(dump_saved([search])) == [search]
    stored = '[{"name": ""}, 3, {"name": "ok", "folder_id": true, "text": "x"}]'
    assert parse_saved(stored) == [SavedSearch("ok", text="x")]
    assert parse_saved("{not json") == []
    assert search.describe({7: "New"}) == '"mug", from Etsy, since 2026-01-02, in New'


def test_saving_under_an_existing_name_replaces_it() -> None:
    first = [SavedSearch("b"), SavedSearch("A", text="old")]
    assert [s.name for s in with_search(first, SavedSearch("c"))] == ["A", "b", "c"]
    assert with_search(first, SavedSearch("a", text="new"))[0] == SavedSearch("a", text="new")


def name_dialog(qtbot: Any, window: OrdersWindow) -> QLineEdit:
    """Ctrl+D; the name box of the dialog it opens, once it has the keyboard focus."""
    qtbot.keyClick(window.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.saved.dialog is not None)
    dialog = window.saved.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    edit = dialog.findChild(QLineEdit)
    qtbot.waitUntil(edit.hasFocus)
    return edit


def test_ctrl_d_saves_the_search_and_a_click_runs_it_again(
    qtbot: Any,
    window: OrdersWindow,
    another_window: Any,
) -> None:
    settled(qtbot, window)
    window.focus_search()
    qtbot.keyClicks(window.filter_bar.search, "mug")
    qtbot.keyClick(window.filter_bar.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.query.text == "mug" and not window.model.is_loading)
    mugs = window.model.total
    window.table.setFocus()
    edit = name_dialog(qtbot, window)
    edit.selectAll()
    qtbot.keyClicks(edit, "Mugs")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.saved.names() == ["Mugs"])
    qtbot.mouseClick(window.filter_bar.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.query.text == "" and not window.model.is_loading)
    item = window.saved.list.item(0)
    rect = window.saved.list.visualItemRect(item)
    qtbot.mouseClick(window.saved.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.model.query.text == "mug" and not window.model.is_loading,
                    timeout=WAIT)  # fmt: skip
    assert window.filter_bar.search.text() == "mug" and window.model.total == mugs
    qtbot.waitUntil(lambda: not window.busy)  # the list is stored
    second = another_window()
    qtbot.waitUntil(lambda: second.saved.names() == ["Mugs"])
    second.saved.list.setCurrentRow(0)
    qtbot.mouseClick(second.saved.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.saved.names() == [])
