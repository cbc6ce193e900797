"""The inventory window: list and search a store's items, edit stock and price in place,
update the stock of many selected items, and import stock levels from a CSV file.

Every write goes through ``services.inventory`` (the write path with its ledger row, shown in
Activity): an inline edit is one ``update`` based on the copy shown (a change made meanwhile in
Order Desk is a conflict, not overwritten); a batch or an import is sent as ``update_batch``
requests of :data:`~app.gui.inventory_import.BATCH_SIZE` items, with progress and Cancel
between requests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QToolBar,
)

from app import APP_NAME
from app.core.events import INVENTORY_CHANGED, Event
from app.core.orderdesk import InventoryItem
from app.core.services import OrderConflict, StoreRecord
from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.errors import is_expected, user_message
from app.gui.inventory_dialogs import ImportPreviewDialog, StockDialog, new_stock
from app.gui.inventory_import import (
    BATCH_SIZE,
    ImportPlan,
    plan_import,
    read_stock_csv,
    sent_text,
)
from app.gui.inventory_model import InventoryFilter, InventoryTableModel, inventory_table
from app.gui.keyboard import toolbar_menu
from app.gui.orders.status_bar import LoadStatus
from app.gui.tasks import TaskGroup
from app.gui.window_state import WindowPlacement

ACTOR = "gui"
PAGE = 500
PREFERRED_SIZE = QSize(1000, 640)
RELOAD_DELAY_MS = 800
"""Changes by others arriving within this time are reloaded once."""


class InventoryWindow(QMainWindow):
    """A store's inventory.

    Args:
        ctx: The services (through the engine proxy) and the hub.
        bridge: Hub events as Qt signals (changes by AI clients reload the list).
    """

    def __init__(self, ctx: GuiContext, bridge: HubBridge) -> None:
        super().__init__()
        self.services = ctx.services
        self.bridge = bridge
        self.tasks = TaskGroup()
        self.writes = TaskGroup()
        self.stores: dict[str, StoreRecord] = {}
        self.dialog: Any = None
        self._generation = 0
        self._cancelled = False
        self._own: set[str] = set()
        self._wanted: str | None = None
        self.setWindowTitle(f"Inventory — {APP_NAME}")
        self.placement = WindowPlacement(self, "inventory", PREFERRED_SIZE)
        self.model = InventoryTableModel(self)
        self.view = InventoryFilter(self.model, self)
        self._build()
        self._reload = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload.timeout.connect(self.refresh)
        self.model.edit_requested.connect(self._save_edit)
        self.model.refused.connect(self.show_message)
        bridge.any_event.connect(self._on_event)
        bridge.store_changed.connect(self._on_store_changed)
        self.tasks.start(self.load_stores())

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.store_box = QComboBox()
        self.store_box.setMinimumWidth(160)
        self.store_box.currentIndexChanged.connect(lambda _: self.refresh())
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search SKU, name or location (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search)
        self.table = inventory_table(self.view)
        self.setCentralWidget(self.table)
        self.status = LoadStatus()
        self.status.cancel_button.clicked.connect(self.cancel)
        self.statusBar().addWidget(self.status, 1)
        self._toolbar()
        self.setTabOrder(self.store_box, self.search)
        self.setTabOrder(self.search, self.table)

    def _toolbar(self) -> None:
        bar = QToolBar("Inventory")
        bar.setMovable(False)
        bar.addWidget(QLabel(" Store: "))
        bar.addWidget(self.store_box)
        bar.addWidget(QLabel("  "))
        bar.addWidget(self.search)
        entries: list[tuple[str, str, str, Callable[[], object]]] = [
            ("&Refresh", "F5", "Read the items again from Order Desk", self.reload),
            ("Update &stock…", "Ctrl+B", "Set or change the stock of the selected items",
             self.update_selected_stock),
            ("&Import stock CSV…", "Ctrl+I", "Stock levels from a file of SKU,stock lines",
             self.import_csv),
        ]  # fmt: skip
        for text, keys, tip, slot in entries:
            action = bar.addAction(text)
            action.setShortcut(QKeySequence(keys))
            action.setToolTip(f"{tip} ({keys})")
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
        self.addToolBar(bar)
        toolbar_menu(self, "&Inventory", bar)
        extra: list[tuple[QKeySequence, Callable[[], object]]] = [
            (QKeySequence(QKeySequence.StandardKey.Find), self.focus_search),
            (QKeySequence("Esc"), self.cancel),
        ]
        for sequence, call in extra:
            shortcut = QAction(self)
            shortcut.setShortcut(sequence)
            shortcut.triggered.connect(lambda _checked=False, call=call: call())
            self.addAction(shortcut)

    # -- stores and items --------------------------------------------------------------------

    def current_store(self) -> StoreRecord | None:
        """The store shown."""
        key = self.store_box.currentData()
        return self.stores.get(key) if key else None

    def show_store(self, key: str) -> None:
        """Show another store's inventory (the order window opens this on its store); before
        the stores are read, the store is remembered and shown once they are."""
        index = self.store_box.findData(key)
        if index >= 0:
            self.store_box.setCurrentIndex(index)
        else:
            self._wanted = key

    async def load_stores(self) -> None:
        """Fill the store box (keeping the store shown, else the one asked for, else the
        default)."""
        try:
            stores = await self.services.stores.list()
        except Exception as error:
            self.report(error)
            return
        self.stores = {store.key: store for store in stores}
        previous, self._wanted = self.store_box.currentData() or self._wanted, None
        chosen = next((s.key for s in stores if s.key == previous), None)
        chosen = chosen or next((s.key for s in stores if s.is_default), None)
        chosen = chosen or (stores[0].key if stores else None)
        self.store_box.blockSignals(True)
        self.store_box.clear()
        for store in stores:
            self.store_box.addItem(store.name, store.key)
        self.store_box.setCurrentIndex(max(0, self.store_box.findData(chosen)))
        self.store_box.blockSignals(False)
        if not stores:
            self.show_message("No store yet: add one under Stores….")
        self.refresh()

    def refresh(self, fresh: bool = False) -> None:
        """Read the shown store's items (500 per request, progress while it reads); ``fresh``
        asks Order Desk even when a read of the last minute is cached."""
        store = self.current_store()
        if store is None:
            self.model.set_items([])
            return
        self._generation += 1
        self.tasks.start(self._load(store, self._generation, fresh))

    def reload(self) -> None:
        """Read the items again from Order Desk (F5)."""
        self.refresh(fresh=True)

    async def _load(self, store: StoreRecord, generation: int, fresh: bool = False) -> None:
        items: list[InventoryItem] = []
        offset: int | None = 0
        self.status.show_progress(True)
        reading = f"Reading the inventory of {store.name}…"
        if not self.status.message.text():
            self.show_message(reading)
        try:
            while offset is not None and generation == self._generation:
                page = await self.services.inventory.list(
                    store, limit=PAGE, offset=offset, fresh=fresh and offset == 0
                )
                items.extend(page.items)
                offset = page.next_offset
                self.status.show_progress(True, len(items), page.total)
        except Exception as error:
            self.report(error)
            return
        finally:
            if generation == self._generation:
                self.status.show_progress(False)
        if generation != self._generation:
            return
        self.model.set_items(items)
        if self.status.message.text() == reading:
            self.show_message("")
        self._count()

    def _count(self) -> None:
        shown, total = self.view.rowCount(), self.model.rowCount()
        text = f"{total:,} items" if shown == total else f"{shown:,} of {total:,} items"
        self.status.count_label.setText(text)

    def _search(self, text: str) -> None:
        self.view.search(text)
        self._count()

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def selected_items(self) -> list[InventoryItem]:
        """The items of the selected rows (in the order shown)."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        found = (self.model.item_at(self.view.mapToSource(self.view.index(r, 0)).row())
                 for r in rows)  # fmt: skip
        return [item for item in found if item is not None]

    # -- writes ------------------------------------------------------------------------------

    def _save_edit(self, item: InventoryItem, changes: dict[str, Any]) -> None:
        store = self.current_store()
        if store is None:
            self.model.settle(item.id, None)
            return
        label = item.code or item.id
        self.show_message(f"Saving {label}…")
        self._own.add(item.id)
        self.writes.start(self._update(store, item, changes, label))

    async def _update(
        self, store: StoreRecord, item: InventoryItem, changes: dict[str, Any], label: str
    ) -> None:
        expected = str(item.raw.get("date_updated") or "") or None
        try:
            saved = await self.services.inventory.update(
                store, item.id, changes, actor=ACTOR, expected_date_updated=expected
            )
        except Exception as error:
            self.model.settle(item.id, None)
            self._own.discard(item.id)
            self.report(error)
            if isinstance(error, OrderConflict):
                self.reload()  # show the version Order Desk has now; edit again to apply
            return
        self.model.settle(item.id, saved)
        field, value = next(iter(changes.items()))
        self.show_message(f"Saved {label}: {field} {value}.")

    def update_selected_stock(self) -> None:
        """Ask for a stock level (or a change) and send it for every selected item."""
        items = self.selected_items()
        if not items:
            self.show_message("Select one or more items first (Shift/Ctrl+click, Ctrl+A).")
            return
        dialog = StockDialog(len(items), self)

        def send() -> None:
            mode, amount = dialog.values()
            entries = [{"id": i.id, "stock": new_stock(mode, amount, i.stock)} for i in items]
            entries = [e for e, i in zip(entries, items, strict=True) if e["stock"] != i.stock]
            size = BATCH_SIZE
            self.send_batches([entries[n : n + size] for n in range(0, len(entries), size)])

        self._open(dialog, send)

    def import_csv(self, path: Path | None = None) -> None:
        """Read a ``SKU,stock`` file, show the changes, and send them once confirmed."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self, "Import stock levels", "", "CSV files (*.csv *.txt);;All files (*)"
            )
            if not chosen:
                return
            path = Path(chosen)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            self.show_message(f"Could not read {path.name}: {error}. Choose a UTF-8 CSV file.")
            return
        plan = plan_import(read_stock_csv(text), self.model.items())
        self.preview(plan, path.name)

    def preview(self, plan: ImportPlan, source: str) -> ImportPreviewDialog:
        """Show ``plan``; its OK sends the changes."""
        dialog = ImportPreviewDialog(plan, source, self)
        self._open(dialog, lambda: self.send_batches(plan.batches()))
        return dialog

    def _open(self, dialog: Any, on_ok: Callable[[], None]) -> None:
        self.dialog = dialog
        dialog.accepted.connect(on_ok)
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        dialog.open()

    def send_batches(self, batches: list[list[dict[str, object]]]) -> None:
        """Send batch updates one request after another (progress; Cancel stops between)."""
        store = self.current_store()
        if store is None or not batches:
            self.show_message("Nothing to change.")
            return
        self.writes.start(self._send(store, batches))

    async def _send(self, store: StoreRecord, batches: list[list[dict[str, object]]]) -> None:
        total, done, failed = sum(len(b) for b in batches), 0, []
        self._cancelled = False
        self.status.show_progress(True, 0, total)
        try:
            for batch in batches:
                if self._cancelled:
                    break
                self._own.update(str(entry["id"]) for entry in batch)
                result = await self.services.inventory.update_batch(store, batch, actor=ACTOR)
                failed += [f"{r.id}: {r.message}" for r in result.failed]
                done += len(batch)
                self.status.show_progress(True, done, total)
                self.show_message(f"Updating stock: {done:,} of {total:,} items…")
        except Exception as error:
            self.report(error)
        finally:
            self.status.show_progress(False)
        self.show_message(sent_text(done, total, failed, cancelled=self._cancelled))
        self.refresh()

    def cancel(self) -> None:
        """Stop a running load, or a batch update after its current request."""
        self._cancelled = True
        if self.tasks.busy:
            self._generation += 1
            self.tasks.cancel_all()
            self.status.show_progress(False)
            self.show_message("Stopped reading the inventory.")

    # -- messages and events -----------------------------------------------------------------

    def show_message(self, text: str) -> None:
        """Show a sentence in the status bar."""
        self.status.message.setText(text)

    def report(self, error: Exception) -> None:
        """Show an expected error as a sentence; re-raise a bug (crash dialog)."""
        if not is_expected(error):
            raise error
        self.show_message(user_message(error))

    def _on_event(self, event: Event) -> None:
        store = self.current_store()
        if event.kind != INVENTORY_CHANGED or store is None or event.store_id != store.key:
            return
        ids = {str(i) for i in event.data.get("item_ids") or ()}
        if ids and ids <= self._own:
            self._own -= ids  # our own write: its answer is shown already
            return
        if not self.writes.busy:
            self._reload.start()  # changed elsewhere (an AI client): read again

    def _on_store_changed(self, _: Event) -> None:
        self.tasks.start(self.load_stores())

    @property
    def busy(self) -> bool:
        """True while a load or a write runs."""
        return self.tasks.busy or self.writes.busy

    def shutdown(self) -> None:
        """Cancel work and stop listening (the app quits)."""
        self._reload.stop()
        self.tasks.cancel_all()
        self.writes.cancel_all()
        for signal, slot in ((self.bridge.any_event, self._on_event),
                             (self.bridge.store_changed, self._on_store_changed)):  # fmt: skip
            signal.disconnect(slot)
