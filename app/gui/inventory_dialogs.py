"""The inventory window's dialogs: stock of the selected items, and the CSV import preview."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.gui.inventory_import import MAX_STOCK, ImportPlan, StockChange

SET_TO, CHANGE_BY = "Set to", "Change by"
PREVIEW_COLUMNS = ("SKU", "Name", "Stock now", "New stock", "Note")
FLAGGED = QColor(200, 120, 0)
OK = QDialogButtonBox.StandardButton.Ok
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def new_stock(mode: str, amount: int, old: int) -> int:
    """The stock after "set to ``amount``" or "change by ``amount``" (never below 0)."""
    value = amount if mode == SET_TO else old + amount
    return max(0, min(MAX_STOCK, value))


class StockDialog(QDialog):
    """Set (or change by a number) the stock of several items at once.

    Args:
        count: How many items are selected.
        parent: The window.
    """

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Update stock")
        self.mode = QComboBox()
        self.mode.addItems([SET_TO, CHANGE_BY])
        self.amount = QSpinBox()
        self.amount.setRange(0, MAX_STOCK)
        self.amount.setGroupSeparatorShown(True)
        self.mode.currentTextChanged.connect(self._mode_changed)
        form = QFormLayout()
        form.addRow("&Stock:", self.mode)
        form.addRow("&Amount:", self.amount)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"&Update {count:,} item{'' if count == 1 else 's'}")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"New stock for the {count:,} selected item(s):"))
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.amount.setFocus(Qt.FocusReason.OtherFocusReason)  # type the number at once
        self.amount.selectAll()

    def _mode_changed(self, mode: str) -> None:
        low = -MAX_STOCK if mode == CHANGE_BY else 0
        self.amount.setRange(low, MAX_STOCK)

    def values(self) -> tuple[str, int]:
        """The mode (:data:`SET_TO` or :data:`CHANGE_BY`) and the amount."""
        return self.mode.currentText(), self.amount.value()


class ImportPreviewDialog(QDialog):
    """Every line of the file with the stock now and after; nothing is sent before OK.

    Args:
        plan: The planned import.
        source: The file's name (for the title).
        parent: The window.
    """

    def __init__(self, plan: ImportPlan, source: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"Import stock levels — {source}")
        self.summary = QLabel(plan.summary())
        self.table = self._table(plan.changes)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        sending = len(plan.to_send)
        ok.setText(f"&Send {sending:,} change{'' if sending == 1 else 's'}")
        ok.setEnabled(sending > 0)
        for standard in (OK, QDialogButtonBox.StandardButton.Cancel):
            self.buttons.button(standard).setAutoDefault(False)  # Enter sends nothing: Alt+S
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(720, 460)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _table(self, changes: tuple[StockChange, ...]) -> QTableWidget:
        table = QTableWidget(len(changes), len(PREVIEW_COLUMNS))
        table.setHorizontalHeaderLabels(list(PREVIEW_COLUMNS))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        for row, change in enumerate(changes):
            for column, text in enumerate(_cells(change)):
                cell = QTableWidgetItem(text)
                if column in (2, 3):
                    cell.setTextAlignment(RIGHT)
                if change.note and change.note != "unchanged":
                    cell.setForeground(QBrush(FLAGGED))
                table.setItem(row, column, cell)
        for column, width in enumerate((140, 240, 80, 80)):
            table.setColumnWidth(column, width)
        return table

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter does nothing here (a stray Enter must not send an import): Alt+S sends."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def note_of(self, sku: str) -> str:
        """The note shown for a SKU ("" when it is sent; tests)."""
        return next((c.note for c in self.plan.changes if c.sku == sku), "")


def _cells(change: StockChange) -> tuple[str, str, str, str, str]:
    old = "" if change.old is None else f"{change.old:,}"
    new = "" if change.new is None else f"{change.new:,}"
    arrow = f"{old} → {new}" if change.sends else ""
    return change.sku, change.name, old, new, change.note or arrow
