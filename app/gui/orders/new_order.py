"""Create an order by hand: the customer's e-mail, the ship-to address, the items, a folder.

The form gets an order number (``source_id``) before anything is sent, so a create whose reply
is lost is found again by that number instead of being sent twice (``OrderService.create``).
The dialog stays open while Order Desk answers: a refusal is shown in it with everything the
merchant typed still there; only a created order closes it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.services import Services
from app.gui.errors import is_expected, user_message
from app.gui.orders.detail_text import EDITABLE_ADDRESS_FIELDS
from app.gui.orders.dialogs import FormDialog
from app.gui.orders.editors_dialogs import parse_price
from app.gui.orders.view import BrowserView
from app.gui.tasks import TaskGroup

ACTOR = "gui"
ITEM_COLUMNS = (("name", "Item"), ("code", "SKU"), ("price", "Price"), ("quantity", "Qty"))
NAME_FIELDS = ("first_name", "last_name", "company")


def new_order_number(now: datetime | None = None) -> str:
    """A fresh order number for a hand-made order, e.g. ``DT-261207-4F2A9C``."""
    moment = now or datetime.now(UTC)
    return f"DT-{moment:%y%m%d}-{secrets.token_hex(3).upper()}"


def _amount(text: str) -> Decimal | None:
    return parse_price(text.strip() or "0")


def _quantity(text: str) -> int | None:
    value = text.strip() or "1"
    return int(value) if value.isdigit() and int(value) > 0 else None


def item_problem(row: int, item: Mapping[str, str]) -> str | None:
    """Why one item row cannot be sent (``row`` counts from 1), else None."""
    if not item.get("name", "").strip():
        return f"Item {row} needs a name."
    if _amount(item.get("price", "")) is None:
        return f"Item {row}: the price must be an amount, like 12.50."
    if _quantity(item.get("quantity", "")) is None:
        return f"Item {row}: the quantity must be a whole number from 1."
    return None


def order_problem(
    number: str, email: str, shipping: Mapping[str, str], items: list[dict[str, str]]
) -> str | None:
    """Why the order cannot be sent yet (Order Desk's create rules, checked here), else None."""
    if not number.strip():
        return "Give the order a number (one is filled in for you)."
    if email.strip() and ("@" not in email or "." not in email.rsplit("@", 1)[-1]):
        return "The e-mail address does not look right."
    if not any(shipping.get(key, "").strip() for key in NAME_FIELDS):
        return "Enter a first name, last name or company to ship to."
    if not items:
        return "Add at least one item."
    for row, item in enumerate(items, start=1):
        problem = item_problem(row, item)
        if problem:
            return problem
    return None


def order_body(
    number: str,
    email: str,
    shipping: Mapping[str, str],
    items: list[dict[str, str]],
    folder_id: int | None,
    shipping_method: str = "",
) -> dict[str, Any]:
    """The order as Order Desk's create takes it (blank fields left out)."""
    body: dict[str, Any] = {
        "source_id": number.strip(),
        "email": email.strip(),
        "shipping_method": shipping_method.strip(),
        "shipping": {key: value.strip() for key, value in shipping.items() if value.strip()},
        "order_items": [
            {
                "name": item["name"].strip(),
                "code": item.get("code", "").strip(),
                "price": str(_amount(item.get("price", ""))),
                "quantity": _quantity(item.get("quantity", "")),
            }
            for item in items
        ],
    }
    if folder_id is not None:
        body["folder_id"] = folder_id
    return {key: value for key, value in body.items() if value not in ("", {})}


class NewOrderDialog(FormDialog):
    """The form; :attr:`submitted` carries the order body once it passes the checks."""

    submitted = Signal(dict)

    def __init__(self, folders: Mapping[int, str], parent: QWidget | None) -> None:
        super().__init__("New order", parent)
        self.setMinimumWidth(640)
        self.number = QLineEdit(new_order_number())
        self.folder = QComboBox()
        for folder_id, name in sorted(folders.items()):
            self.folder.addItem(name, folder_id)
        self.email = QLineEdit()
        self.method = QLineEdit()
        self.method.setPlaceholderText("e.g. Ground")
        self.form.addRow("Order &number:", self.number)
        self.form.addRow("&Folder:", self.folder)
        self.form.addRow("&E-mail:", self.email)
        self.shipping: dict[str, QLineEdit] = {}
        for key, label in EDITABLE_ADDRESS_FIELDS:
            self.shipping[key] = QLineEdit("US" if key == "country" else "")
            self.form.addRow(f"Ship to — {label.lower()}:", self.shipping[key])
        self.form.addRow("Shipping &method:", self.method)
        self.form.addRow("&Items:", self._items_box())
        self.first_input = self.email
        self.enter_moves_on = True
        self.sending = False

    def _items_box(self) -> QWidget:
        self.items = QTableWidget(0, len(ITEM_COLUMNS))
        self.items.setHorizontalHeaderLabels([label for _, label in ITEM_COLUMNS])
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 96), (2, 72), (3, 48)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.items.setColumnWidth(column, width)
        self.items.setMinimumHeight(120)
        self.items.setTabKeyNavigation(True)
        self.add_item_button = QPushButton("&Add item")
        self.add_item_button.setAutoDefault(False)
        self.add_item_button.clicked.connect(self.add_item)
        self.remove_item_button = QPushButton("&Remove item")
        self.remove_item_button.setAutoDefault(False)
        self.remove_item_button.clicked.connect(self.remove_item)
        side = QWidget()
        buttons = QVBoxLayout(side)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_item_button)
        buttons.addWidget(self.remove_item_button)
        buttons.addStretch(1)
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.items, 1)
        layout.addWidget(side)
        self.add_item()
        return box

    def add_item(self) -> None:
        """Add an empty item row (quantity 1) and start typing its name."""
        row = self.items.rowCount()
        self.items.insertRow(row)
        for column, (key, _) in enumerate(ITEM_COLUMNS):
            self.items.setItem(row, column, QTableWidgetItem("1" if key == "quantity" else ""))
        self.items.setCurrentCell(row, 0)
        name = self.items.item(row, 0)
        if self.isVisible() and name is not None:
            self.items.setFocus()
            self.items.editItem(name)

    def remove_item(self) -> None:
        """Remove the current item row."""
        row = self.items.currentRow()
        if row >= 0:
            self.items.removeRow(row)

    def item_rows(self) -> list[dict[str, str]]:
        """Every item row with anything typed in it."""
        rows = []
        for row in range(self.items.rowCount()):
            cells = {
                key: (self.items.item(row, column) or QTableWidgetItem()).text()
                for column, (key, _) in enumerate(ITEM_COLUMNS)
            }
            if any(cells[key].strip() for key in ("name", "code", "price")):
                rows.append(cells)
        return rows

    def _parts(self) -> tuple[str, str, dict[str, str], list[dict[str, str]]]:
        shipping = {key: edit.text() for key, edit in self.shipping.items()}
        return self.number.text(), self.email.text(), shipping, self.item_rows()

    def problem(self) -> str | None:
        """Order Desk's create rules, checked before anything is sent."""
        return order_problem(*self._parts())

    def body(self) -> dict[str, Any]:
        """The order to create."""
        number, email, shipping, items = self._parts()
        folder = self.folder.currentData()
        folder_id = int(folder) if folder is not None else None
        return order_body(number, email, shipping, items, folder_id, self.method.text())

    def _check_and_accept(self) -> None:
        if self.sending:
            return
        problem = self.problem()
        if problem:
            self.show_problem(problem)
            return
        self.set_sending(True)
        self.submitted.emit(self.body())

    def set_sending(self, sending: bool) -> None:
        """While Order Desk answers, the form cannot be sent again."""
        self.sending = sending
        self.buttons.setEnabled(not sending)
        if sending:
            self.error.setText("Creating the order…")
            self.error.show()

    def show_problem(self, text: str) -> None:
        """Show why the order was not created; everything typed stays."""
        self.set_sending(False)
        self.error.setText(text)
        self.error.show()


class OrderCreator(QObject):
    """The window's "New order…" action (Ctrl+N): the form, then the create.

    Args:
        services: The services facade (through the GUI's engine proxy).
        view: Which store is shown, its folders, and the status line.
        parent: Parent of the form (the window).
    """

    def __init__(self, services: Services, view: BrowserView, parent: QWidget) -> None:
        super().__init__(parent)
        self.services = services
        self.view = view
        self.parent_widget = parent
        self.tasks = TaskGroup()
        self.dialog: NewOrderDialog | None = None
        self.action = QAction("&New order…", parent)
        self.action.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.action.setToolTip("Create an order by hand (Ctrl+N)")
        self.action.triggered.connect(lambda _checked=False: self.open())

    def open(self) -> NewOrderDialog | None:
        """Open the form for the shown store."""
        if self.view.current_store() is None:
            self.view.show_error("Add a store first (Stores…).")
            return None
        dialog = NewOrderDialog(self.view.folders, self.parent_widget)
        dialog.submitted.connect(lambda body: self.tasks.start(self._create(dialog, body)))
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    async def _create(self, dialog: NewOrderDialog, body: dict[str, Any]) -> None:
        store = self.view.current_store()
        if store is None:
            dialog.show_problem("The store is gone; nothing was sent.")
            return
        try:
            created = await self.services.orders.create(store, body, actor=ACTOR)
        except Exception as error:
            if not is_expected(error):
                dialog.show_problem("Something went wrong; the order may not exist.")
                raise
            dialog.show_problem(user_message(error))
            return
        dialog.accept()
        folder = self.view.folders.get(created.folder_id or -1, "its folder")
        self.view.show_error(
            f"Created order {created.source_id or created.id} in {folder} "
            f"(Order Desk id {created.id})."
        )
