"""The inventory table: one row per item; Stock and Price are edited in place.

The model never writes: an accepted edit is shown at once (marked as being saved) and
announced with :attr:`InventoryTableModel.edit_requested`; the window sends it and calls
:meth:`InventoryTableModel.settle` with Order Desk's answer (or None to take it back).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QTableView

from app.core.orderdesk import InventoryItem
from app.gui.inventory_import import MAX_STOCK, parse_stock

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("SKU", "Name", "Stock", "Price", "Location", "Updated")
SKU, NAME, STOCK, PRICE, LOCATION, UPDATED = range(len(COLUMNS))
COLUMN_WIDTHS = (150, 330, 80, 90, 130, 140)
EDITABLE = {STOCK: "stock", PRICE: "price"}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_PRICE = Decimal("10000000000")


def parse_price(text: str) -> Decimal | None:
    """A price from a cell (``9.5``, ``$9.50``); None when it is not a price (two decimals)."""
    cleaned = text.strip().lstrip("$€£").replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value >= MAX_PRICE:
        return None
    return value.quantize(Decimal("0.01"))


def parse_edit(column: int, value: object) -> int | Decimal | None:
    """The new value of an edited cell, None when it is not valid."""
    text = str(value)
    return parse_stock(text) if column == STOCK else parse_price(text)


class InventoryTableModel(QAbstractTableModel):
    """Items of one store.

    Signals:
        edit_requested(item, changes): An edit was accepted; send ``changes`` for ``item``.
        refused(text): An edit was not a valid value (nothing is sent).
    """

    edit_requested = Signal(object, object)
    refused = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[InventoryItem] = []
        self._rows: dict[str, int] = {}
        self._pending: dict[str, dict[str, Any]] = {}

    # -- contents ----------------------------------------------------------------------------

    def set_items(self, items: list[InventoryItem]) -> None:
        """Show ``items`` (replacing every row; pending edits are forgotten)."""
        self.beginResetModel()
        self._items = list(items)
        self._rows = {item.id: row for row, item in enumerate(self._items)}
        self._pending.clear()
        self.endResetModel()

    def items(self) -> list[InventoryItem]:
        """Every item shown (as last read or saved)."""
        return list(self._items)

    def item_at(self, row: int) -> InventoryItem | None:
        """The item of a row."""
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, item_id: str) -> int | None:
        """The row of an item."""
        return self._rows.get(item_id)

    def settle(self, item_id: str, saved: InventoryItem | None) -> None:
        """An edit of ``item_id`` ended: show ``saved`` (Order Desk's copy), or take the edit
        back (None)."""
        self._pending.pop(item_id, None)
        row = self._rows.get(item_id)
        if row is None:
            return
        if saved is not None:
            self._items[row] = saved
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def is_pending(self, item_id: str) -> bool:
        """True while an edit of the item is being saved."""
        return item_id in self._pending

    # -- Qt ----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        item = self.item_at(index.row())
        if item is not None and index.column() in EDITABLE and not self.is_pending(item.id):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item_at(index.row())
        if item is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(item, column)
        if role == SORT_ROLE:
            return self._sort_value(item, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (STOCK, PRICE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.is_pending(item.id):
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        item = self.item_at(index.row())
        column = index.column()
        if role != Qt.ItemDataRole.EditRole or item is None or column not in EDITABLE:
            return False
        parsed = parse_edit(column, value)
        if parsed is None:
            what = f"a whole number 0-{MAX_STOCK:,}" if column == STOCK else "a price like 9.50"
            self.refused.emit(f"{value!r} is not {what}; {item.code or item.id} is unchanged.")
            return False
        field = EDITABLE[column]
        current = item.stock if column == STOCK else item.price
        if parsed == current:
            return False
        self._pending[item.id] = {field: parsed}
        row = index.row()
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self.edit_requested.emit(item, {field: parsed})
        return True

    # -- cells -------------------------------------------------------------------------------

    def _value(self, item: InventoryItem, field: str) -> Any:
        pending = self._pending.get(item.id, {})
        if field in pending:
            return pending[field]
        return item.stock if field == "stock" else item.price

    def _text(self, item: InventoryItem, column: int) -> str:
        if column == STOCK:
            return str(self._value(item, "stock"))
        if column == PRICE:
            return f"{self._value(item, 'price'):.2f}"
        if column == UPDATED:
            when = item.date_updated
            return when.strftime("%Y-%m-%d %H:%M") if when else ""
        return (item.code, item.name, "", "", item.location)[column]

    def _sort_value(self, item: InventoryItem, column: int) -> Any:
        if column == STOCK:
            return int(self._value(item, "stock"))
        if column == PRICE:
            return float(self._value(item, "price"))  # ordering only, never arithmetic
        return self._text(item, column).casefold()

    def _tooltip(self, item: InventoryItem, column: int) -> str | None:
        if column in EDITABLE:
            return "Double-click, F2 or type a number to change it; Enter saves to Order Desk."
        return self._text(item, column) or None


class InventoryFilter(QSortFilterProxyModel):
    """Search over SKU, name and location (case-insensitive); sorts by each column's value."""

    def __init__(self, source: InventoryTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._words: list[str] = []

    def search(self, text: str) -> None:
        """Show only items whose SKU, name or location hold every word of ``text``."""
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        assert isinstance(model, InventoryTableModel)
        item = model.item_at(source_row)
        if item is None:
            return False
        haystack = f"{item.code} {item.name} {item.location}".casefold()
        return all(word in haystack for word in self._words)


def inventory_table(view: InventoryFilter) -> QTableView:
    """The table: sortable, many rows selectable, Stock/Price edited by typing over them."""
    table = QTableView()
    table.setModel(view)
    table.setSortingEnabled(True)
    table.sortByColumn(SKU, Qt.SortOrder.AscendingOrder)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.AnyKeyPressed
    )
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setStretchLastSection(True)
    for column, width in enumerate(COLUMN_WIDTHS):
        table.setColumnWidth(column, width)
    return table
