"""The customer view: every order of one e-mail address, with how many and how much.

The orders come from the same source as the table (the local index when it is ready: no Order
Desk request; else Order Desk's e-mail filter), are matched on the exact address, and are shown
in a small window with a button that filters the order list to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.gui.errors import is_expected, user_message
from app.gui.orders.detail import OrderDetail
from app.gui.orders.filter_bar import FilterBar
from app.gui.orders.query import OrderQuery
from app.gui.orders.rows import OrderRow, format_money, format_when
from app.gui.orders.saved import FolderView
from app.gui.orders.shortcuts import window_action
from app.gui.orders.source import OrderSource
from app.gui.tasks import TaskGroup

PAGE = 500
MOST_SCANNED = 5000
"""Rows read at most for one customer (a search that matches more is cut off there)."""


@dataclass(frozen=True)
class CustomerSummary:
    """One customer's orders, newest first."""

    email: str
    rows: tuple[OrderRow, ...]

    @property
    def count(self) -> int:
        """How many orders."""
        return len(self.rows)

    @property
    def total(self) -> Decimal:
        """What the orders add up to."""
        return sum((row.total for row in self.rows), Decimal(0))

    @property
    def first(self) -> datetime | None:
        """When the first order was placed."""
        return min((r.date_added for r in self.rows if r.date_added), default=None)

    @property
    def last(self) -> datetime | None:
        """When the latest order was placed."""
        return max((r.date_added for r in self.rows if r.date_added), default=None)

    def describe(self) -> str:
        """``5 orders · 123.45 in all · first 2025-01-02 · latest 2026-03-04``."""
        parts = [f"{self.count:,} order{'s' if self.count != 1 else ''}",
                 f"{format_money(self.total)} in all"]  # fmt: skip
        if self.first and self.last:
            parts += [f"first {self.first:%Y-%m-%d}", f"latest {self.last:%Y-%m-%d}"]
        return " · ".join(parts)


def summarize(email: str, rows: Iterable[OrderRow]) -> CustomerSummary:
    """The rows of exactly ``email`` (any letter case), each once, newest first."""
    wanted = email.strip().lower()
    mine = {row.id: row for row in rows if row.email.strip().lower() == wanted}
    oldest = datetime.min
    ordered = sorted(
        mine.values(),
        key=lambda row: row.date_added.replace(tzinfo=None) if row.date_added else oldest,
        reverse=True,
    )
    return CustomerSummary(email.strip(), tuple(ordered))


async def customer_rows(source: OrderSource, store_key: str, email: str) -> list[OrderRow]:
    """The rows the source finds for ``email`` (every folder), up to :data:`MOST_SCANNED`."""
    query = OrderQuery(store=store_key, email=email)
    rows: list[OrderRow] = []
    while len(rows) < MOST_SCANNED:
        page = await source.page(query, len(rows), PAGE)
        rows.extend(page.rows)
        if not page.rows or len(rows) >= page.total:
            break
    return rows


class CustomerDialog(QDialog):
    """One customer's orders: a summary line and a table; a button shows them in the list."""

    def __init__(
        self, summary: CustomerSummary, folders: Mapping[int, str], parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.summary = summary
        self.setWindowTitle(f"Customer — {summary.email}")
        self.resize(620, 380)
        self.heading = QLabel(f"{summary.email}\n{summary.describe()}")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(summary.count, 5)
        self.table.setHorizontalHeaderLabels(["Order #", "Added", "Folder", "Total", "Payment"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )  # Amazon's order numbers whole
        for line, row in enumerate(summary.rows):
            folder = folders.get(row.folder_id, "") if row.folder_id is not None else ""
            cells = (row.source_id or row.id, format_when(row.date_added), folder,
                     format_money(row.total), row.payment_status)  # fmt: skip
            for column, text in enumerate(cells):
                self.table.setItem(line, column, QTableWidgetItem(text))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.show_button = QPushButton("&Show in the order list")
        buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.show_button.setDefault(True)


class CustomerView(QObject):
    """Opens the customer view of the order in the detail pane.

    Args:
        view: The store shown, its folders, the status line and the folder shown.
        source: Rows (the local index when ready).
        detail: The detail pane (its order's e-mail is the customer's).
        filter_bar: Filtered to the customer's e-mail by "Show in the order list".
        parent: Parent of the dialog (the window; Ctrl+Shift+C works anywhere in it).
    """

    def __init__(
        self,
        view: FolderView,
        source: OrderSource,
        detail: OrderDetail,
        filter_bar: FilterBar,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.view, self.source, self.detail, self.filter_bar = view, source, detail, filter_bar
        self.parent_widget = parent
        self.tasks = TaskGroup()
        self.dialog: CustomerDialog | None = None
        self.action = window_action(
            parent, "&Customer's orders…", "Ctrl+Shift+C", self.open_for_shown
        )

    def open_for_shown(self) -> None:
        """Show every order of the shown order's e-mail."""
        order, key = self.detail.order, self.view.store_key
        if order is None or key is None:
            self.view.show_error("Select an order first.")
            return
        if not order.email.strip():
            self.view.show_error("This order has no e-mail address.")
            return
        self.tasks.start(self._open(key, order.email))

    async def _open(self, key: str, email: str) -> None:
        self.view.show_error(f"Finding the orders of {email}…")
        try:
            summary = summarize(email, await customer_rows(self.source, key, email))
        except Exception as error:
            if not is_expected(error):
                raise
            self.view.show_error(user_message(error))
            return
        if self.dialog is not None:
            self.dialog.close()
        dialog = self.dialog = CustomerDialog(summary, self.view.folders, self.parent_widget)
        dialog.accepted.connect(lambda: self._show_in_list(summary.email))
        dialog.finished.connect(lambda _: self._closed(dialog))
        dialog.open()
        self.view.show_error(f"{summary.email}: {summary.describe()}.")

    def _closed(self, dialog: CustomerDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _show_in_list(self, email: str) -> None:
        self.view.select_folder(None)
        self.filter_bar.clear()
        self.filter_bar.email.setText(email)
        self.filter_bar.apply_now()
