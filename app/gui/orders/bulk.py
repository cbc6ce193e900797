"""Bulk work in the order browser: act on every selected order at once.

The table selects many rows (Shift/Ctrl click, Shift+arrows, Ctrl+A for every row loaded in the
view). With more than one row selected, Move (Ctrl+M) and Add note (Ctrl+Shift+N) act on all of
them, Export selection (Ctrl+Shift+E) writes them to CSV, and the Selection menu (toolbar, right
click or the Menu key) lists these plus what other parts add to :attr:`BulkActions.menu`
(printing). With one row selected the single-order actions run as before.

A move or note is one write per order through the services facade, each its own ledger row, all
with one batch id so Activity shows them as a group. A job runs one order at a time, paced by
the store's token bucket on the engine (:mod:`.bulk_job`); the status bar shows progress and
Cancel, and the report says what was done.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QObject,
    QPoint,
    Qt,
)
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QTableView, QWidget

from app.core.services import Services, StoreRecord
from app.gui.errors import is_expected, user_message
from app.gui.orders.actions import ACTOR, OrderActions
from app.gui.orders.bulk_job import BulkJob, BulkReport, Step, new_batch_id, report_text
from app.gui.orders.bulk_panel import BulkPanel
from app.gui.orders.dialogs import MoveDialog, NoteDialog
from app.gui.orders.export import write_csv
from app.gui.orders.rows import OrderRow
from app.gui.orders.source import OrderSource
from app.gui.orders.table_model import OrdersTableModel
from app.gui.orders.view import BrowserView
from app.gui.save_dialog import save_file_dialog
from app.gui.tasks import TaskGroup

SELECT_AT_MOST = 5000
"""Rows "Select every order in this view" loads (a bulk job of 5,000 moves takes ~28 min)."""


class BulkActions(QObject):
    """The selection's actions and the one bulk job that may run at a time.

    Args:
        services: The services facade (through the GUI's engine proxy).
        view: Which store is shown, and the status line.
        table: The order table (its selection).
        model: The table's rows.
        single: The one-order actions (used when one row is selected).
        source: Full orders for the CSV's address, item and tracking columns.
        parent: Parent of the dialogs and menus (the window).
    """

    def __init__(
        self,
        services: Services,
        view: BrowserView,
        table: QTableView,
        model: OrdersTableModel,
        single: OrderActions,
        source: OrderSource,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.view = view
        self.table = table
        self.model = model
        self.single = single
        self.source = source
        self.parent_widget = parent
        self.tasks = TaskGroup()
        self.panel = BulkPanel()
        self.panel.cancel_button.clicked.connect(self.cancel)
        self.dialog: QDialog | None = None
        self.job: BulkJob | None = None
        self.last_report: BulkReport | None = None
        self.last_batch: str | None = None
        self.menu = self._menu()
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)

    def _menu(self) -> QMenu:
        menu = QMenu("S&election", self.parent_widget)  # Alt+E (Alt+S: Add &shipment)
        menu.addAction("&Move selected orders…\tCtrl+M", self.move)
        menu.addAction("Add &note to selected orders…\tCtrl+Shift+N", self.add_note)
        menu.addAction("&Export selected orders to CSV…\tCtrl+Shift+E", self.export_selection)
        menu.addSeparator()
        menu.addAction("Select &all loaded orders\tCtrl+A", self.table.selectAll)
        every = menu.addAction("Select e&very order in this view", self.select_all_in_view)
        every.setShortcut(QKeySequence("Ctrl+Shift+A"))
        return menu

    def _context_menu(self, position: QPoint) -> None:
        self.menu.popup(self.table.viewport().mapToGlobal(position))

    # -- the selection ----------------------------------------------------------------------

    def selected_rows(self) -> list[OrderRow]:
        """The selected orders, top to bottom."""
        numbers = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        rows = (self.model.row_at(number) for number in numbers)
        return [row for row in rows if row is not None]

    def selected_ids(self) -> list[str]:
        """Order Desk ids of the selected orders, top to bottom."""
        return [row.id for row in self.selected_rows()]

    def select_ids(self, order_ids: list[str]) -> None:
        """Select exactly the loaded rows of ``order_ids``."""
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for order_id in order_ids:
            number = self.model.find(order_id)
            if number is not None:
                selection.select(self.model.index(number, 0), self.model.index(number, last))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.table.selectionModel().select(selection, flags)

    def select_all_in_view(self) -> None:
        """Load the view's remaining pages (up to :data:`SELECT_AT_MOST` rows), select them all."""
        self.tasks.start(self._load_all_and_select())

    async def _load_all_and_select(self) -> None:
        query = self.model.query
        while self.model.total is None or self.model.rowCount() < min(
            self.model.total, SELECT_AT_MOST
        ):
            before = self.model.rowCount()
            self.view.show_error(f"Loading every order of this view: {before:,}…")
            if not await self._next_page() or self.model.rowCount() == before:
                break  # no more pages, or the page failed (its error is shown)
        if self.model.query != query:
            return  # the view changed meanwhile: select nothing of the old one
        self.table.selectAll()
        total, loaded = self.model.total or 0, self.model.rowCount()
        cut = f" (the first {loaded:,} of {total:,}; narrow the view)" if total > loaded else ""
        self.view.show_error(f"Selected {loaded:,} orders{cut}.")

    async def _next_page(self) -> bool:
        """Load one more page of the table; False when there is none (or it failed)."""
        done: asyncio.Future[None] = asyncio.get_event_loop().create_future()

        def finished(*_: object) -> None:
            if not self.model.is_loading and not done.done():
                done.set_result(None)

        self.model.loading_changed.connect(finished)
        try:
            if not self.model.is_loading:
                if not self.model.canFetchMore():
                    return False
                self.model.fetchMore()
            await done
        finally:
            self.model.loading_changed.disconnect(finished)
        return True

    def describe_selection(self) -> str:
        """What the detail pane says while several orders are selected."""
        count, loaded, total = len(self.selected_rows()), self.model.rowCount(), self.model.total
        more = ""
        if total and total > loaded:
            more = f" (of {total:,} in this view; Ctrl+Shift+A selects them all)"
        return (
            f"{count:,} orders selected{more}.\n\nCtrl+M moves them, Ctrl+Shift+N adds a note, "
            "Ctrl+Shift+E exports them; right-click or the Menu key for the Selection menu."
        )

    def _label(self, order_id: str) -> str:
        number = self.model.find(order_id)
        row = self.model.row_at(number) if number is not None else None
        return (row.source_id or row.id) if row is not None else order_id

    # -- actions ----------------------------------------------------------------------------

    def _targets(self) -> tuple[StoreRecord, list[OrderRow]] | None:
        """The store and the selected rows, or None (and why, in the status line)."""
        store, rows = self.view.current_store(), self.selected_rows()
        if self.job is not None:
            self.view.show_error("A bulk job is running: wait for it or cancel it (Esc).")
            return None
        if store is None or not rows:
            self.view.show_error("Select orders first (Shift/Ctrl click, Ctrl+A for all).")
            return None
        return store, rows

    def move(self) -> None:
        """Move the selected orders to a folder (one selected: the single move)."""
        if len(self.selected_rows()) <= 1 and self.job is None:
            self.single.move_order()
            return
        targets = self._targets()
        if targets is None:
            return
        store, rows = targets
        folders = {row.folder_id for row in rows}
        current = folders.pop() if len(folders) == 1 else None
        dialog = MoveDialog(self.view.folders, current, self.parent_widget)
        dialog.setWindowTitle(f"Move {len(rows):,} orders to folder")

        def chosen() -> None:
            folder_id = dialog.values()
            name = self.view.folders.get(folder_id, str(folder_id))
            batch, orders = new_batch_id(), self.services.orders

            async def step(order_id: str) -> None:
                await orders.move(store, [order_id], folder_id, actor=ACTOR, batch=batch)

            self.start(batch, [r.id for r in rows], step, f"Moving to {name}",
                       f"moved {{n}} to {name}")  # fmt: skip

        self._open(dialog, chosen)

    def add_note(self) -> None:
        """Add one history note to each selected order (one selected: the single note)."""
        if len(self.selected_rows()) <= 1 and self.job is None:
            self.single.add_note()
            return
        targets = self._targets()
        if targets is None:
            return
        store, rows = targets
        dialog = NoteDialog(self.parent_widget)
        dialog.setWindowTitle(f"Add note to {len(rows):,} orders")

        def chosen() -> None:
            text = dialog.values()
            batch, orders = new_batch_id(), self.services.orders

            async def step(order_id: str) -> None:
                await orders.add_note(store, order_id, text, actor=ACTOR, batch=batch)

            self.start(batch, [r.id for r in rows], step, "Adding the note",
                       "added the note to {n}")  # fmt: skip

        self._open(dialog, chosen)

    def _open(self, dialog: QDialog, on_ok: Callable[[], None]) -> None:
        self.dialog = dialog
        dialog.accepted.connect(on_ok)
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        dialog.open()

    def export_selection(self, path: Path | None = None) -> None:
        """Write the selected orders to a CSV file, with the same columns as Export CSV (asks
        where unless ``path`` is given)."""
        rows, key = self.selected_rows(), self.view.store_key
        if not rows or key is None:
            self.view.show_error("Select orders first (Shift/Ctrl click, Ctrl+A for all).")
            return
        if path is not None:
            self.tasks.start(self._write_csv(key, path, rows))
            return
        dialog = save_file_dialog(
            self.parent_widget, f"Export {len(rows):,} selected orders", "selected-orders.csv",
            lambda chosen: self.tasks.start(self._write_csv(key, chosen, rows)),
        )  # fmt: skip
        self._open(dialog, lambda: None)

    async def _write_csv(self, key: str, path: Path, rows: list[OrderRow]) -> None:
        self.view.show_error(f"Exporting {len(rows):,} selected orders…")
        try:
            full = await self.source.full_orders(key, [row.id for row in rows])
            count = write_csv(path, rows, self.view.folders, full)
        except Exception as error:
            if not is_expected(error):
                raise
            self.view.show_error(user_message(error))
            return
        self.view.show_error(f"Exported {count:,} selected orders to {path}.")

    # -- the job ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True while a bulk job runs."""
        return self.job is not None

    def start(self, batch: str, order_ids: list[str], step: Step, what: str, did: str) -> None:
        """Run ``step`` on each order as one job (progress and Cancel in the status bar)."""
        job = BulkJob(order_ids, step, self.panel.advance)
        self.job, self.last_batch, self.last_report = job, batch, None
        self.panel.start(what, len(order_ids))
        self.view.show_error(f"{what}: {len(order_ids):,} orders, one at a time…")

        async def run() -> None:
            try:
                report = await job.run()
            finally:
                self.job = None
                self.panel.hide()
            self.last_report = report
            if report.untouched:
                self.select_ids(report.untouched)
            self.view.show_error(report_text(report, did, self._label))

        self.tasks.start(run())

    def cancel(self) -> None:
        """Stop the running job before its next order (nothing when none runs)."""
        if self.job is not None and not self.job.cancel_asked:
            self.job.cancel()
            self.panel.cancelling()
