"""The order browser window: stores, folders with counts, search and filters, the order table,
the detail pane, and a status bar with progress and cancel.

The window composes its parts and hands each what it needs (the services, the widgets it works
on, and the small :class:`~app.gui.orders.view.BrowserView` interface); no part imports this
module. Every redraw of an order goes through :class:`~app.gui.orders.presenter.OrderPresenter`:
after a write, only the write's ``order.changed`` event redraws it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow

from app import APP_NAME
from app.core.events import Event
from app.core.services import StoreRecord
from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.errors import is_expected, user_message
from app.gui.keyboard import toolbar_menu
from app.gui.orders.actions import OrderActions
from app.gui.orders.bulk import BulkActions
from app.gui.orders.columns import ColumnChooser
from app.gui.orders.counts import FolderCounts
from app.gui.orders.customer import CustomerView
from app.gui.orders.detail import OrderDetail
from app.gui.orders.editors import OrderEditors
from app.gui.orders.exporting import CsvExporter
from app.gui.orders.filter_bar import FilterBar
from app.gui.orders.folders import FolderList
from app.gui.orders.indexing import IndexFollower
from app.gui.orders.layout import chain_tab_order, order_table, three_panes
from app.gui.orders.new_order import OrderCreator
from app.gui.orders.open_web import WebOpener
from app.gui.orders.presenter import OrderPresenter
from app.gui.orders.printing import OrderPrinter
from app.gui.orders.query import OrderQuery
from app.gui.orders.saved import SavedSearches
from app.gui.orders.shortcuts import window_action
from app.gui.orders.source import OrderSource
from app.gui.orders.status_bar import LoadStatus
from app.gui.orders.table_model import OrdersTableModel
from app.gui.orders.toolbar import OrdersToolbar, StoreBox
from app.gui.tasks import TaskGroup
from app.gui.window_state import WindowPlacement

log = logging.getLogger(__name__)
PREFERRED_SIZE = QSize(1440, 860)
"""The window's size on a screen with room for it (else the screen's free area)."""


class OrdersWindow(QMainWindow):
    """Browse and work on orders.

    Args:
        ctx: The services (through the engine proxy), the hub and the AI sessions.
        bridge: Hub events as Qt signals.
        quit_on_close: Closing the window quits the app (no tray to come back from).
    """

    closed_for_good = Signal()
    manage_stores = Signal()
    inventory_requested = Signal(object)
    """Open the inventory window (on the store key given)."""

    def __init__(self, ctx: GuiContext, bridge: HubBridge, quit_on_close: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.bridge = bridge
        self.quit_on_close = quit_on_close
        self._shut_down = False
        self.tasks = TaskGroup()
        self.source = OrderSource(ctx.services)
        self.folders: dict[int, str] = {}
        self.setWindowTitle(f"Orders — {APP_NAME}")
        self.placement = WindowPlacement(self, "orders", PREFERRED_SIZE)
        self.model = OrdersTableModel(self.source.page, parent=self)
        self._build()
        self._compose()
        self._install_shortcuts()
        bridge.order_changed.connect(self._on_order_changed)
        bridge.store_changed.connect(self._on_store_changed)
        bridge.sync_progress.connect(self._on_sync_progress)
        self.tasks.start(self.load_stores())
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)  # arrows and Del work at once

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.store_box = StoreBox()
        self.store_box.currentIndexChanged.connect(self._store_chosen)
        self.filter_bar = FilterBar()
        self.filter_bar.changed.connect(self.apply_filters)
        self.folder_list = FolderList()
        self.folder_list.folder_chosen.connect(self._folder_chosen)
        self.table = order_table(self.model)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.detail = OrderDetail()
        services = self.ctx.services
        self.saved = SavedSearches(
            self, services.settings, self.filter_bar, lambda: self.model.query, self
        )
        left = self.saved.pane(self.folder_list)
        self.setCentralWidget(three_panes(left, [self.filter_bar, self.table], self.detail))
        self._toolbar()
        self._status_bar()
        self.model.loading_changed.connect(self._loading_changed)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self.show_error)
        bar = self.filter_bar
        chain_tab_order(self, [
            self.store_box, bar.search, bar.email, bar.source, bar.added_from, bar.added_to,
            bar.clear_button,
            self.folder_list, self.saved.list, self.table, self.detail.move_button,
        ])  # fmt: skip

    def _compose(self) -> None:
        """Build the parts that work on orders, each given only what it needs."""
        services = self.ctx.services
        self.presenter = OrderPresenter(
            self.source, self.model, self.detail, self.selected_id, self.expected_or_raise
        )
        self.actions_ = OrderActions(services, self, self.detail, self.presenter, self)
        self.editors = OrderEditors(services, self, self.detail, self.actions_, self)
        self.creator = OrderCreator(services, self, self)
        self.toolbar.insertAction(self.toolbar.refresh_action, self.creator.action)
        self.exporter = CsvExporter(self, self.source, self.model, self)
        self.bulk = BulkActions(
            services, self, self.table, self.model, self.actions_, self.source, self
        )
        self.statusBar().addPermanentWidget(self.bulk.panel)
        self.menuBar().addMenu(self.bulk.menu)
        self.printer = OrderPrinter(self, self.source, self.selected_ids, self)
        bar = self.toolbar
        self.printer.install(bar, bar.export_action, self.menuBar(), self.bulk.menu)
        self.web = WebOpener(self, lambda: self.detail.order, self)
        self.customer = CustomerView(self, self.source, self.detail, self.filter_bar, self)
        self.bulk.menu.addActions([self.web.action, self.customer.action])
        self.columns = ColumnChooser(self.table, services.settings, self)
        toolbar_menu(self, "&Orders", self.toolbar)  # toolbar actions by keyboard (Alt+O)
        self.counts = FolderCounts(
            self, self.source, self.folder_list, self.filter_bar,
            lambda: self.model.query.folder_id, self.expected_or_raise, self,
        )  # fmt: skip
        self.indexing = IndexFollower(
            services, self, self.source, self.status, lambda: self.model.is_loading, self
        )
        self.indexing.counts_stale.connect(self.counts.refresh)
        self.indexing.index_ready.connect(self._index_ready)

    def _install_shortcuts(self) -> None:
        """The browser's keyboard shortcuts."""
        actions = self.actions_
        keys: list[tuple[QKeySequence.StandardKey | str, Callable[[], object]]] = [
            (QKeySequence.StandardKey.Find, self.focus_search),
            ("F5", self.refresh),
            ("Del", actions.delete_order),
            ("Ctrl+M", self.bulk.move),  # several rows selected: a bulk job, else one order
            ("Ctrl+Shift+N", self.bulk.add_note),
            ("Ctrl+Shift+E", self.bulk.export_selection),
            ("Ctrl+Shift+S", actions.add_shipment),
            ("Ctrl+E", self.exporter.export_csv),
            ("Esc", self.cancel_load),
        ]
        for sequence, slot in keys:
            window_action(self, "", sequence, slot)

    def _toolbar(self) -> None:
        self.toolbar = OrdersToolbar(
            self.store_box, self.refresh, self.sync_index, lambda: self.exporter.export_csv(),
            self.manage_stores.emit, lambda: self.inventory_requested.emit(self.store_key),
        )  # fmt: skip
        self.addToolBar(self.toolbar)

    def _status_bar(self) -> None:
        self.status = LoadStatus()
        self.count_label, self.message = self.status.count_label, self.status.message
        self.progress, self.cancel_button = self.status.progress, self.status.cancel_button
        self.cancel_button.clicked.connect(self.cancel_load)
        self.statusBar().addWidget(self.status, 1)

    # -- stores and folders -----------------------------------------------------------------

    @property
    def store_key(self) -> str | None:
        """Our id of the store shown."""
        return self.model.query.store

    def current_store(self) -> StoreRecord | None:
        """The store shown (None before stores load)."""
        key = self.store_key
        return self.source.stores.get(key) if key else None

    async def load_stores(self) -> None:
        """Fill the store box; pick the default store."""
        try:
            stores = await self.source.load_stores()
        except Exception as error:
            self.expected_or_raise(error)
            return
        previous = self.store_key
        chosen = self.store_box.fill(stores, previous)
        if not stores:
            self.message.setText("No store yet: add one under Stores… (or try the demo store).")
            self.model.reset(OrderQuery())
            return
        if chosen != previous:
            self.tasks.start(self.open_store(chosen))

    def _store_chosen(self, _: int) -> None:
        key = self.store_box.currentData()
        if key and key != self.store_key:
            self.tasks.start(self.open_store(key))

    async def open_store(self, key: str | None) -> None:
        """Show a store: its folders, counts and first page."""
        if key is None:
            return
        self.detail.show_order(None)
        self.message.clear()  # another store's news is not this one's
        try:
            await self.source.index_ready(key, refresh=True)
            self.folders = await self.source.folders(key)
        except Exception as error:
            self.expected_or_raise(error)
            self.folders = {}
        self.model.set_folders(self.folders)
        self.counts.fill({})
        self.model.reset(self.filter_bar.apply_to(OrderQuery(store=key)))
        self.counts.refresh()
        store = self.source.stores.get(key)
        if store is not None:
            await self.indexing.show_state(store)

    def folder_counts(self) -> dict[int | None, str]:
        """Folder id -> the text shown in the folder list (tests, screenshots)."""
        return self.counts.labels()

    def _folder_chosen(self, folder_id: int | None) -> None:
        if self.store_key is not None:
            self.model.reset(self.model.query.with_folder(folder_id))

    def select_folder(self, folder_id: int | None) -> None:
        """Show one folder (None: all orders)."""
        if not self.folder_list.choose(folder_id):
            self.model.reset(self.model.query.with_folder(folder_id))

    # -- query ------------------------------------------------------------------------------

    def apply_filters(self) -> None:
        """Re-run the search with the filter bar's values."""
        if self.store_key is None:
            return
        query = self.filter_bar.apply_to(self.model.query)
        if query.text and not self.source.uses_index(self.store_key):
            self.message.setText(
                "Without the local index, search matches an exact e-mail or order number. "
                "Click “Sync search index” for full-text search."
            )
        if query != self.model.query:
            self.model.reset(query)

    def refresh(self) -> None:
        """Reload the list, the counts and the selected order."""
        if self.store_key is None:
            self.tasks.start(self.load_stores())
            return
        self.model.refresh()
        self.counts.refresh()

    def _index_ready(self) -> None:
        """The first sync ended: reload from the index, unless the merchant is on a row (the
        live list is already right; the next pages and searches read the index)."""
        if self.selected_id() is None or self.model.total is None:
            self.refresh()
            return
        self._loaded(self.model.rowCount(), self.model.total)
        self.counts.refresh()

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    def cancel_load(self) -> None:
        """Stop the page load, index sync or bulk job in progress."""
        self.model.cancel()
        self.bulk.cancel()
        self.indexing.cancel()

    def _loading_changed(self, loading: bool) -> None:
        if not self.indexing.syncing:
            self.status.show_progress(loading)

    def _loaded(self, shown: int, total: int) -> None:
        from_index = self.source.uses_index(self.store_key or "")
        self.status.show_count(shown, total, from_index, self.model.query.describe())

    def show_error(self, text: str) -> None:
        """Show an expected problem in the status bar."""
        self.message.setText(text)

    def expected_or_raise(self, error: Exception) -> None:
        """Show an expected error as a sentence; re-raise a bug (crash dialog)."""
        if not is_expected(error):
            raise error
        self.show_error(user_message(error))

    # -- selection and detail ---------------------------------------------------------------

    def selected_id(self) -> str | None:
        """The id of the selected order (None when none or several are selected)."""
        rows = self.table.selectionModel().selectedRows()
        if len(rows) != 1:
            return None
        row = self.model.row_at(rows[0].row())
        return row.id if row else None

    def selected_ids(self) -> list[str]:
        """Ids of every selected order, top to bottom (bulk actions, printing)."""
        return self.bulk.selected_ids()

    def _selection_changed(self, selected: QItemSelection, _: QItemSelection) -> None:
        order_id = self.selected_id()
        if order_id is None:
            several = len(self.table.selectionModel().selectedRows()) > 1
            self.detail.show_order(None, *([self.bulk.describe_selection()] if several else []))
            return
        self.tasks.start(self.show_detail(order_id))

    async def show_detail(self, order_id: str, fresh: bool = False) -> None:
        """Load and show one order in the detail pane."""
        if self.store_key is not None:
            await self.presenter.load(self.store_key, order_id, fresh)

    def select_row(self, row: int) -> None:
        """Select a table row (keyboard users, tests)."""
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    # -- live updates -----------------------------------------------------------------------

    def _on_order_changed(self, event: Event) -> None:
        if event.store_id != self.store_key:
            return
        self.counts.soon()
        self.tasks.start(self.presenter.apply_event(event))

    def _on_store_changed(self, event: Event) -> None:
        self.tasks.start(self.load_stores())
        if event.store_id == self.store_key and event.data.get("action") == "credentials":
            self.tasks.start(self.open_store(self.store_key))  # a fixed key: folders again

    def _on_sync_progress(self, event: Event) -> None:
        self.indexing.on_progress(event)

    def sync_index(self) -> None:
        """Bring the store's local index up to date (progress in the status bar)."""
        self.indexing.sync()

    # -- closing ----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while any load, count, detail or action is still running."""
        return any(tasks.busy for tasks in self._work()) or self.model.is_loading

    def _work(self) -> tuple[TaskGroup, ...]:
        parts = (self.actions_, self.creator, self.exporter, self.indexing, self.counts, self.bulk,
                 self.printer, self.customer, self.saved, self.columns)  # fmt: skip
        return (self.tasks, *(part.tasks for part in parts))

    def shutdown(self) -> None:
        """Cancel all work and stop listening (the app is quitting); safe to call twice."""
        if self._shut_down:
            return
        self._shut_down = True
        self.counts.stop()
        for tasks in self._work():
            tasks.cancel_all()
        self.model.shutdown()
        for signal, slot in (
            (self.bridge.order_changed, self._on_order_changed),
            (self.bridge.store_changed, self._on_store_changed),
            (self.bridge.sync_progress, self._on_sync_progress),
        ):
            signal.disconnect(slot)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Hide to the tray, or quit when there is no tray."""
        super().closeEvent(event)
        if self.quit_on_close:
            self.closed_for_good.emit()
