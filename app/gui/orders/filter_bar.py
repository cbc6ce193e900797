"""The search box and filters above the order table."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from app.gui.orders.query import OrderQuery

ANY_DATE = QDate(2000, 1, 1)
"""The minimum date of the date pickers stands for "any" (shown as such)."""
SOURCES = ("Shopify", "WooCommerce", "BigCommerce", "Etsy", "Amazon", "eBay", "Manual")
TYPING_DELAY_MS = 300


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setMinimumDate(ANY_DATE)
    edit.setSpecialValueText("any")
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(ANY_DATE)
    return edit


def _picked(edit: QDateEdit) -> date | None:
    value = edit.date()
    return None if value == ANY_DATE else date(value.year(), value.month(), value.day())


class FilterBar(QWidget):
    """Search text, e-mail, source and date range; emits :attr:`changed` after edits settle."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search orders (Ctrl+F): name, e-mail, order #, SKU…")
        self.search.setClearButtonEnabled(True)
        self.email = QLineEdit()
        self.email.setPlaceholderText("e-mail")
        self.email.setClearButtonEnabled(True)
        self.source = QComboBox()
        self.source.setEditable(True)
        self.source.addItem("")
        self.source.addItems(SOURCES)
        source_edit = self.source.lineEdit()
        assert source_edit is not None  # the box is editable
        source_edit.setPlaceholderText("any source")
        self.added_from = _date_edit()
        self.added_to = _date_edit()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_DELAY_MS)
        self._timer.timeout.connect(self.changed.emit)
        for edit in (self.search, self.email):
            edit.textChanged.connect(lambda _: self._timer.start())
            edit.returnPressed.connect(self.apply_now)
        self.source.currentTextChanged.connect(lambda _: self._timer.start())
        for picker in (self.added_from, self.added_to):
            picker.dateChanged.connect(lambda _: self._timer.start())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 3)
        layout.addWidget(self.email, 2)
        layout.addWidget(self.source, 1)
        layout.addWidget(QLabel("Added"))
        layout.addWidget(self.added_from)
        layout.addWidget(QLabel("to"))
        layout.addWidget(self.added_to)

    def apply_now(self) -> None:
        """Emit :attr:`changed` at once (Enter pressed)."""
        self._timer.stop()
        self.changed.emit()

    def set_sources(self, sources: list[str]) -> None:
        """Offer these sources in the source box (keeps what is typed)."""
        current = self.source.currentText()
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem("")
        self.source.addItems(sorted(set(sources)))
        self.source.setEditText(current)
        self.source.blockSignals(False)

    def apply_to(self, query: OrderQuery) -> OrderQuery:
        """``query`` with this bar's text and filters."""
        return replace(
            query,
            text=self.search.text().strip(),
            email=self.email.text().strip(),
            source=self.source.currentText().strip(),
            added_from=_picked(self.added_from),
            added_to=_picked(self.added_to),
        )

    def clear(self) -> None:
        """Reset every filter."""
        self.search.clear()
        self.email.clear()
        self.source.setEditText("")
        self.added_from.setDate(ANY_DATE)
        self.added_to.setDate(ANY_DATE)
