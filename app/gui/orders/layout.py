"""How the order browser's widgets are arranged: the table's look, the three panes, tab order."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.gui.orders.table_model import COLUMN_WIDTHS, OrdersTableModel

PANE_SIZES = (170, 750, 520)
LONG_ORDER_NUMBER = "000-0000000-0000000"
"""The widest order number the Order # column shows whole (Amazon's form)."""


def order_table(model: OrdersTableModel) -> QTableView:
    """The order table: many rows selectable (Shift/Ctrl, Ctrl+A), sortable, compact rows, the
    columns' widths."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
    table.setSortingEnabled(True)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.setWordWrap(False)
    for column, width in enumerate(COLUMN_WIDTHS):
        table.setColumnWidth(column, width)
    # Amazon (19 characters) and TikTok (18 digits) order numbers fit whole; anything longer
    # is elided, and the cell's tooltip has it all.
    longest = table.fontMetrics().horizontalAdvance(LONG_ORDER_NUMBER) + 16
    table.setColumnWidth(0, max(COLUMN_WIDTHS[0], longest))
    table.setAlternatingRowColors(True)
    _keep_sort_arrow_true(table, model)
    return table


def _keep_sort_arrow_true(table: QTableView, model: OrdersTableModel) -> None:
    """The header's arrow always names the query's sort: after every reset of the rows (a new
    store or search starts from the date sort) and after a click on a column that cannot sort."""
    header = table.horizontalHeader()

    def show(*_: object) -> None:
        column, order = model.sort_indicator()
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (column, order):
            return
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)
        header.viewport().update()

    header.sortIndicatorChanged.connect(show)
    model.modelReset.connect(show)
    show()


def fit_within(preferred: QSize, available: QRect, margin: int = 48) -> QSize:
    """``preferred``, shrunk to fit ``available`` (a screen's free area) with room for the
    window frame and a little desktop around it."""
    return QSize(
        min(preferred.width(), available.width() - margin),
        min(preferred.height(), available.height() - margin),
    )


def three_panes(left: QWidget, centre: Sequence[QWidget], right: QWidget) -> QSplitter:
    """Folders | filter bar over the table | detail, the middle pane widest."""
    middle = QWidget()
    column = QVBoxLayout(middle)
    column.setContentsMargins(0, 0, 0, 0)
    for widget in centre:
        column.addWidget(widget)
    splitter = QSplitter()
    for pane in (left, middle, right):
        splitter.addWidget(pane)
    splitter.setStretchFactor(1, 3)
    splitter.setStretchFactor(2, 2)
    splitter.setSizes(list(PANE_SIZES))
    return splitter


def chain_tab_order(window: QWidget, widgets: Sequence[QWidget]) -> None:
    """Tab moves through ``widgets`` in this order."""
    for first, second in itertools.pairwise(widgets):
        window.setTabOrder(first, second)
