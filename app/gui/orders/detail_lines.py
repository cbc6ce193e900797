"""The detail pane's item and shipment tables as things to act on: a row can be selected (by
mouse or keyboard) and the buttons under the table act on it."""

from __future__ import annotations

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QPushButton, QTableWidget, QWidget

ButtonSpec = tuple[str, SignalInstance, bool]
"""Label, the signal a click emits, and whether the button needs a selected row."""


def selectable(table: QTableWidget) -> QTableWidget:
    """Let ``table`` take the keyboard and select one whole row at a time."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return table


def selected_row(table: QTableWidget) -> int | None:
    """The selected row's number, or None."""
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else None


class LineButtons(QWidget):
    """A row of buttons under a table; the ones that need a row follow its selection."""

    def __init__(self, table: QTableWidget, *specs: ButtonSpec) -> None:
        super().__init__()
        self.table = table
        self.buttons: list[QPushButton] = []
        self._needs_row: list[bool] = []
        self._order_shown = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label, signal, needs_row in specs:
            button = QPushButton(label)
            button.clicked.connect(signal.emit)
            layout.addWidget(button)
            self.buttons.append(button)
            self._needs_row.append(needs_row)
        layout.addStretch()
        table.itemSelectionChanged.connect(self._update)
        self._update()

    def set_order_shown(self, shown: bool) -> None:
        """Enable the buttons for an order (those needing a row only with one selected)."""
        self._order_shown = shown
        self._update()

    def _update(self) -> None:
        row = selected_row(self.table) is not None
        for button, needs_row in zip(self.buttons, self._needs_row, strict=True):
            button.setEnabled(self._order_shown and (row or not needs_row))
