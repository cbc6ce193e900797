"""The detail pane of one order: customer, addresses, items, totals, shipments, notes.

Shopper text is shown only through plain-text widgets (``Qt.PlainText`` labels,
``QPlainTextEdit``, table items), never as rich text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.orderdesk import Order, OrderItem, Shipment
from app.gui.orders.detail_lines import LineButtons, selectable, selected_row
from app.gui.orders.detail_text import address_text, checkout_text, notes_text, totals_text
from app.gui.orders.rows import format_money, format_when


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _plain_box(lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setReadOnly(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    table.setWordWrap(False)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return table


def _group(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    for widget in widgets:
        layout.addWidget(widget)
    return box


class OrderDetail(QScrollArea):
    """Shows one order; its buttons ask the window to act on it."""

    move_requested = Signal()
    shipment_requested = Signal()
    note_requested = Signal()
    address_requested = Signal()
    delete_requested = Signal()
    billing_requested = Signal()
    contact_requested = Signal()
    item_add_requested = Signal()
    item_change_requested = Signal()
    item_remove_requested = Signal()
    shipment_edit_requested = Signal()
    shipment_delete_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.order: Order | None = None
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.layout_ = QVBoxLayout(body)
        self.header = _plain_label()
        self.header.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.meta = _plain_label()
        self.layout_.addWidget(self.header)
        self.layout_.addWidget(self.meta)
        self.layout_.addLayout(self._buttons())
        self.customer = _plain_box(8)
        self.shipping = _plain_box(8)
        people = QHBoxLayout()
        people.addWidget(_group("Customer", self.customer))
        people.addWidget(_group("Ship to", self.shipping))
        self.layout_.addLayout(people)
        self.items = selectable(_table(["SKU", "Item", "Qty", "Price"]))
        self.items.setMinimumWidth(300)
        self.item_buttons = LineButtons(
            self.items,
            ("Add &item…", self.item_add_requested, False),
            ("&Change item…", self.item_change_requested, True),
            ("&Remove item…", self.item_remove_requested, True),
        )
        self.items.doubleClicked.connect(self.item_change_requested.emit)
        self.layout_.addWidget(_group("Items", self.items, self.item_buttons))
        self.totals = _plain_label()
        self.layout_.addWidget(_group("Totals", self.totals))
        self.shipments = selectable(_table(["Carrier", "Tracking number", "Method", "Shipped"]))
        self.shipment_buttons = LineButtons(
            self.shipments,
            ("Edi&t shipment…", self.shipment_edit_requested, True),
            ("De&lete shipment…", self.shipment_delete_requested, True),
        )
        self.shipments.doubleClicked.connect(self.shipment_edit_requested.emit)
        self.layout_.addWidget(_group("Shipments", self.shipments, self.shipment_buttons))
        self.notes = _plain_box(6)
        self.layout_.addWidget(_group("Notes and history", self.notes))
        self.checkout = _plain_box(3)
        self.checkout_group = _group("Checkout data (from the shopper)", self.checkout)
        self.layout_.addWidget(self.checkout_group)
        self.layout_.addStretch()
        self.setWidget(body)
        self.show_order(None)

    def _buttons(self) -> QGridLayout:
        grid = QGridLayout()
        self.move_button = QPushButton("&Move to…")
        self.shipment_button = QPushButton("Add &shipment…")
        self.note_button = QPushButton("Add &note…")
        self.address_button = QPushButton("Edit &address…")
        self.billing_button = QPushButton("Edit &billing…")
        self.contact_button = QPushButton("&E-mail, shipping method…")
        self.delete_button = QPushButton("Delete…")
        for number, (button, signal) in enumerate(
            (
                (self.move_button, self.move_requested),
                (self.shipment_button, self.shipment_requested),
                (self.note_button, self.note_requested),
                (self.address_button, self.address_requested),
                (self.billing_button, self.billing_requested),
                (self.contact_button, self.contact_requested),
                (self.delete_button, self.delete_requested),
            )
        ):
            button.clicked.connect(signal.emit)
            grid.addWidget(button, number // 3, number % 3)
        return grid

    def show_message(self, text: str) -> None:
        """Show a message instead of an order (loading, not found...)."""
        self.show_order(None, text)

    def show_order(self, order: Order | None, placeholder: str = "Select an order.") -> None:
        """Fill every section from ``order`` (None clears the pane)."""
        self.order = order
        for button in (
            self.move_button,
            self.shipment_button,
            self.note_button,
            self.address_button,
            self.billing_button,
            self.contact_button,
            self.delete_button,
        ):
            button.setEnabled(order is not None)
        self.item_buttons.set_order_shown(order is not None)
        self.shipment_buttons.set_order_shown(order is not None)
        if order is None:
            self.header.setText(placeholder)
            for widget in (self.meta, self.totals):
                widget.clear()
            for box in (self.customer, self.shipping, self.notes, self.checkout):
                box.clear()
            self.items.setRowCount(0)
            self.shipments.setRowCount(0)
            return
        self._fill(order)

    def _fill(self, order: Order) -> None:
        source = f" · {order.source_name}" if order.source_name else ""
        self.header.setText(f"Order {order.source_id or order.id}{source}")
        self.meta.setText(
            f"Order Desk id {order.id} · added {format_when(order.date_added)} · "
            f"updated {format_when(order.date_updated)}\n"
            f"{order.email} · payment {order.payment_status or 'unknown'} · "
            f"{order.shipping_method or 'no shipping method'}"
        )
        self.customer.setPlainText(address_text(order.customer))
        self.shipping.setPlainText(address_text(order.shipping))
        self._fill_table(
            self.items,
            [[i.code, i.name, str(i.quantity), format_money(i.price)] for i in order.items],
        )
        self.totals.setText(totals_text(order))
        self._fill_table(
            self.shipments,
            [
                [s.carrier_code, s.tracking_number, s.shipment_method, format_when(s.date_shipped)]
                for s in order.shipments
            ],
        )
        self.notes.setPlainText(notes_text(order) or "No notes yet.")
        self.history: list[dict[str, object]] = []
        checkout = checkout_text(order)
        self.checkout.setPlainText(checkout)
        self.checkout_group.setVisible(bool(checkout))

    def selected_item(self) -> OrderItem | None:
        """The item selected in the Items table (None: none, or no order shown)."""
        row = selected_row(self.items)
        items = self.order.items if self.order is not None else []
        return items[row] if row is not None and row < len(items) else None

    def selected_shipment(self) -> Shipment | None:
        """The shipment selected in the Shipments table."""
        row = selected_row(self.shipments)
        shipments = self.order.shipments if self.order is not None else []
        return shipments[row] if row is not None and row < len(shipments) else None

    def show_history(self, order_id: str, history: list[dict[str, object]]) -> None:
        """Add the order's history entries to the notes (if the order is still shown)."""
        if self.order is None or self.order.id != order_id:
            return
        self.history = history
        self.notes.setPlainText(notes_text(self.order, history) or "No notes yet.")

    @staticmethod
    def _fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
        table.setRowCount(len(rows))
        for number, values in enumerate(rows):
            for column, text in enumerate(values):
                table.setItem(number, column, QTableWidgetItem(text))
        height = table.horizontalHeader().height() + 4
        height += sum(table.rowHeight(r) for r in range(min(len(rows), 8))) or 24
        table.setFixedHeight(height)
