"""The search box and filters above the order table."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from app.gui.orders.date_field import DateField
from app.gui.orders.query import OrderQuery

SOURCES = ("Shopify", "WooCommerce", "BigCommerce", "Etsy", "Amazon", "eBay", "Manual")
TYPING_DELAY_MS = 300


class FilterBar(QWidget):
    """Search text, e-mail, source and date range; emits :attr:`changed` after edits settle."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search orders (Ctrl+F): name, e-mail, order #, SKU…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(120)  # never squeezed to "S…" on a small screen
        self.email = QLineEdit()
        self.email.setPlaceholderText("e-mail")
        self.email.setClearButtonEnabled(True)
        self.email.setMinimumWidth(70)
        self.source = QComboBox()
        self.source.setEditable(True)
        self.source.addItem("")
        self.source.addItems(SOURCES)
        source_edit = self.source.lineEdit()
        assert source_edit is not None  # the box is editable
        source_edit.setPlaceholderText("any source")
        self.added_from = DateField()
        self.added_to = DateField()
        self.clear_button = QToolButton()
        self.clear_button.setText("Clear filters")
        self.clear_button.setToolTip("Show all orders: no search text, e-mail, source or dates")
        self.clear_button.clicked.connect(self.clear_and_apply)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_DELAY_MS)
        self._timer.timeout.connect(self.changed.emit)
        for edit in (self.search, self.email):
            edit.textChanged.connect(lambda _: self._timer.start())
            edit.returnPressed.connect(self.apply_now)
        self.source.currentTextChanged.connect(lambda _: self._timer.start())
        for picker in (self.added_from, self.added_to):
            picker.date_changed.connect(self._timer.start)
            picker.edit.returnPressed.connect(self.apply_now)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 3)
        layout.addWidget(self.email, 2)
        layout.addWidget(self.source, 1)
        layout.addWidget(QLabel("Added"))
        layout.addWidget(self.added_from)
        layout.addWidget(QLabel("to"))
        layout.addWidget(self.added_to)
        layout.addWidget(self.clear_button)

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
            added_from=self.added_from.value(),
            added_to=self.added_to.value(),
        )

    def clear(self) -> None:
        """Reset every filter."""
        self.search.clear()
        self.email.clear()
        self.source.setEditText("")
        self.added_from.setDate(None)
        self.added_to.setDate(None)

    def clear_and_apply(self) -> None:
        """Reset every filter and show the result at once (the Clear filters button)."""
        self.clear()
        self.apply_now()
