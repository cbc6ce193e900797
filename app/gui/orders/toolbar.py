"""The order window's toolbar: the store picker first, then the window's commands."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar

from app.core.services import StoreRecord


class StoreBox(QComboBox):
    """The stores to choose from, by name; each item's data is our store key."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumWidth(180)

    def fill(self, stores: Sequence[StoreRecord], previous: str | None) -> str | None:
        """Show ``stores`` and choose one without signalling: the one shown before, else the
        default store, else the first. Returns its key (None when there is no store)."""
        self.blockSignals(True)
        self.clear()
        for store in stores:
            self.addItem(store.name, store.key)
        chosen = next((s.key for s in stores if s.key == previous), None)
        chosen = chosen or next((s.key for s in stores if s.is_default), None)
        chosen = chosen or (stores[0].key if stores else None)
        self.setCurrentIndex(max(0, self.findData(chosen)))
        self.blockSignals(False)
        return chosen


class OrdersToolbar(QToolBar):
    """Store picker, Refresh, Sync search index, Export CSV…, Stores…, Inventory….

    Args:
        store_box: The store picker.
        refresh: Reload the list.
        sync_index: Bring the local index up to date.
        export_csv: Export the view to CSV.
        manage_stores: Open the store manager.
        open_inventory: Open the inventory window.
    """

    def __init__(
        self,
        store_box: StoreBox,
        refresh: Callable[[], object],
        sync_index: Callable[[], object],
        export_csv: Callable[[], object],
        manage_stores: Callable[[], object],
        open_inventory: Callable[[], object],
    ) -> None:
        super().__init__("Orders")
        self.setMovable(False)
        self.addWidget(QLabel(" Store: "))
        self.addWidget(store_box)
        self.refresh_action = self.addAction("Refresh", lambda: refresh())
        self.refresh_action.setToolTip("Reload the list (F5)")
        self.sync_action = self.addAction("Sync search index", lambda: sync_index())
        self.sync_action.setToolTip("Copy the store's orders into the local index for search")
        self.export_action = self.addAction("Export CSV…", lambda: export_csv())
        self.addSeparator()
        self.addAction("Stores…", lambda: manage_stores())
        inventory = self.addAction("Inventory…", lambda: open_inventory())
        inventory.setShortcut(QKeySequence("Ctrl+Shift+I"))
        inventory.setToolTip("The store's inventory: stock, prices, CSV import (Ctrl+Shift+I)")
