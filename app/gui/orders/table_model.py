"""The order table: a QAbstractTableModel that loads pages as the view scrolls.

Rows arrive a page at a time through ``canFetchMore``/``fetchMore``; a load runs as an asyncio
task on the qasync loop, so a store with 100k orders never freezes the window. Every reset bumps
a generation number; a page that arrives for an older generation is dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.gui.errors import is_expected, user_message
from app.gui.orders.query import OrderQuery
from app.gui.orders.rows import OrderRow, RowPage, format_money, format_when
from app.gui.tasks import TaskGroup

PageLoader = Callable[[OrderQuery, int, int], Coroutine[Any, Any, RowPage]]
"""``await loader(query, offset, limit)`` returns one page of rows."""

PAGE_SIZE = 200
Index = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, str], ...] = (
    ("source_id", "Order #"),
    ("date_added", "Added"),
    ("customer", "Customer"),
    ("folder", "Folder"),
    ("total", "Total"),
    ("source_name", "Source"),
    ("email", "E-mail"),
    ("quantity", "Units"),
    ("payment_status", "Payment"),
)
COLUMN_WIDTHS = (110, 122, 140, 85, 75, 95, 190, 45)
TOOLTIP_COLUMNS = ("source_id", "customer", "source_name", "email")
SORTABLE = {"date_added": "date_added", "total": "total"}
"""Column key -> sort key of the search (the rest keep the current order)."""


class OrdersTableModel(QAbstractTableModel):
    """Orders of one query, fetched incrementally.

    Args:
        loader: Coroutine function returning a :class:`RowPage`.
        page_size: Rows per page.
        parent: Owning QObject.
    """

    loading_changed = Signal(bool)
    loaded = Signal(int, int)
    """(rows loaded, total) after each page."""
    failed = Signal(str)

    def __init__(
        self, loader: PageLoader, page_size: int = PAGE_SIZE, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._loader = loader
        self._page_size = page_size
        self._rows: list[OrderRow] = []
        self._total: int | None = None
        self._query = OrderQuery()
        self._generation = 0
        self._loading = False
        self._folders: dict[int, str] = {}
        self._tasks = TaskGroup()

    # -- state ------------------------------------------------------------------------------

    @property
    def query(self) -> OrderQuery:
        """The query shown."""
        return self._query

    @property
    def total(self) -> int | None:
        """Matches of the query (None until the first page arrives)."""
        return self._total

    @property
    def is_loading(self) -> bool:
        """True while a page is on its way."""
        return self._loading

    def row_at(self, row: int) -> OrderRow | None:
        """The order shown on table row ``row``."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[OrderRow]:
        """Every row loaded so far."""
        return list(self._rows)

    def find(self, order_id: str) -> int | None:
        """Table row of ``order_id`` if it is loaded."""
        for number, row in enumerate(self._rows):
            if row.id == order_id:
                return number
        return None

    def set_folders(self, folders: dict[int, str]) -> None:
        """Folder names for the Folder column."""
        self._folders = dict(folders)
        if self._rows:
            column = [key for key, _ in COLUMNS].index("folder")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    # -- loading ----------------------------------------------------------------------------

    def reset(self, query: OrderQuery) -> None:
        """Show ``query`` from its first page (drops pages still on their way)."""
        self._tasks.cancel_all()
        self._generation += 1
        self.beginResetModel()
        self._query, self._rows, self._total = query, [], None
        self.endResetModel()
        self._set_loading(False)
        if query.store is not None:
            self.fetchMore(QModelIndex())

    def refresh(self) -> None:
        """Reload the current query."""
        self.reset(self._query)

    def cancel(self) -> None:
        """Stop a page load in progress (rows already shown stay)."""
        self._tasks.cancel_all()
        self._generation += 1
        self._set_loading(False)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        """True when more rows exist and no page is loading."""
        if parent.isValid() or self._query.store is None or self._loading:
            return False
        return self._total is None or len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Start loading the next page."""
        if not self.canFetchMore(parent):
            return
        self._set_loading(True)
        self._tasks.start(self._load(self._generation, len(self._rows)))

    async def _load(self, generation: int, offset: int) -> None:
        try:
            page = await self._loader(self._query, offset, self._page_size)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if generation == self._generation:
                self._set_loading(False)
                self.failed.emit(user_message(error))
            if not is_expected(error):
                raise
            return
        if generation != self._generation:
            return
        self._append(page)

    def _append(self, page: RowPage) -> None:
        self._total = page.total
        known = {row.id for row in self._rows}
        fresh = [row for row in page.rows if row.id not in known]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self.endInsertRows()
        if not page.rows:  # the server says there is more, yet sent nothing: stop here
            self._total = len(self._rows)
        self._set_loading(False)
        self.loaded.emit(len(self._rows), self._total)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    # -- live updates -----------------------------------------------------------------------

    def update_row(self, row: OrderRow) -> None:
        """Replace a loaded order; drop it if it left the folder shown."""
        number = self.find(row.id)
        if number is None:
            return
        if self._query.folder_id is not None and row.folder_id != self._query.folder_id:
            self.remove_order(row.id)
            return
        self._rows[number] = row
        self.dataChanged.emit(self.index(number, 0), self.index(number, len(COLUMNS) - 1))

    def remove_order(self, order_id: str) -> None:
        """Take an order out of the table (deleted, or moved out of the folder shown)."""
        number = self.find(order_id)
        if number is None:
            return
        self.beginRemoveRows(QModelIndex(), number, number)
        del self._rows[number]
        self.endRemoveRows()
        if self._total is not None:
            self._total = max(0, self._total - 1)
        self.loaded.emit(len(self._rows), self._total or 0)

    def shutdown(self) -> None:
        """Cancel loads in progress (the window is closing)."""
        self.cancel()

    # -- Qt model API -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Rows loaded so far."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text (plain text only), alignment and the order id (UserRole)."""
        row = self.row_at(index.row())
        if row is None or not index.isValid():
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(row, key)
        if role == Qt.ItemDataRole.ToolTipRole and key in TOOLTIP_COLUMNS:
            return self._cell(row, key)  # the whole text where a narrow column elides it
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("total", "quantity"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def _cell(self, row: OrderRow, key: str) -> str:
        if key == "date_added":
            return format_when(row.date_added)
        if key == "total":
            return format_money(row.total)
        if key == "folder":
            return self.folder_name(row.folder_id)
        return str(getattr(row, key))

    def folder_name(self, folder_id: int | None) -> str:
        """Folder name, or its id when unknown."""
        if folder_id is None:
            return ""
        return self._folders.get(folder_id, f"#{folder_id}")

    def sort_indicator(self) -> tuple[int, Qt.SortOrder]:
        """The header's sort arrow for the query's sort: (column, order); column -1: none."""
        keys = [SORTABLE.get(key) for key, _ in COLUMNS]
        column = keys.index(self._query.sort) if self._query.sort in keys else -1
        descending = self._query.descending
        return column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by date or total on the server side; other columns keep the order."""
        key = SORTABLE.get(COLUMNS[column][0])
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._query.sort, self._query.descending):
            self.reset(replace(self._query, sort=key, descending=descending))
