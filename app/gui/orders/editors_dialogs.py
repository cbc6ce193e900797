"""Forms of the order editors: one item (add or change), e-mail and shipping method.

Like :mod:`.dialogs` they only collect input: the cursor starts in the first field, Enter in
a field goes to the next one (only Enter in the last field, or OK, submits), and OK checks the
input first. :func:`changed_fields` turns what was entered into a partial change set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtWidgets import QLineEdit, QSpinBox, QWidget

from app.gui.orders.dialogs import FormDialog

MAX_QUANTITY = 99_999


def changed_fields(before: Mapping[str, Any], entered: Mapping[str, Any]) -> dict[str, Any]:
    """The entered values that differ from ``before`` (numbers compare as numbers).

    Args:
        before: The record as shown (an item, a shipment, the order).
        entered: The form's values, every field.

    Returns:
        Only the fields to write, e.g. ``{"quantity": 3}``.
    """
    return {key: value for key, value in entered.items() if not _same(before.get(key), value)}


def _same(old: Any, new: Any) -> bool:
    if isinstance(new, int | Decimal):
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except (InvalidOperation, ValueError):
            return False
    return str(old or "") == str(new or "")


_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")


def parse_price(text: str) -> Decimal | None:
    """A price as typed (``12``, ``12.5``, ``$12.50``, ``1,200.00``), or None when it is not
    a non-negative amount with at most two decimals. A comma counts only between groups of
    three digits: ``12,50`` is refused rather than read as 1,250."""
    cleaned = text.strip().lstrip("$")
    if "," in cleaned and not _THOUSANDS.fullmatch(cleaned):
        return None
    cleaned = cleaned.replace(",", "")
    try:
        price = Decimal(cleaned)
    except (InvalidOperation, ValueError):
        return None
    if not price.is_finite() or price < 0 or price.as_tuple().exponent < -2:  # type: ignore[operator]
        return None
    return price.quantize(Decimal("0.01"))


class ItemDialog(FormDialog):
    """One order line: name, SKU, quantity and price (prefilled when changing one)."""

    def __init__(self, item: Mapping[str, Any] | None, parent: QWidget | None) -> None:
        super().__init__("Change item" if item else "Add item", parent)
        self.enter_moves_on = True
        self.item = dict(item or {})
        self.name = QLineEdit(str(self.item.get("name") or ""))
        self.code = QLineEdit(str(self.item.get("code") or ""))
        self.quantity = QSpinBox()
        self.quantity.setRange(1, MAX_QUANTITY)
        self.quantity.setValue(max(1, int(Decimal(str(self.item.get("quantity") or 1)))))
        price = self.item.get("price")
        self.price = QLineEdit("" if price in (None, "") else str(price))
        self.price.setPlaceholderText("e.g. 12.50")
        self.form.addRow("&Name:", self.name)
        self.form.addRow("&SKU:", self.code)
        self.form.addRow("&Quantity:", self.quantity)
        self.form.addRow("&Price:", self.price)
        self.first_input = self.quantity if item else self.name

    def problem(self) -> str | None:
        """Needs a name and a price that is an amount."""
        if not self.name.text().strip():
            return "Enter the item's name."
        if parse_price(self.price.text()) is None:
            return "Enter the price as an amount, e.g. 12.50."
        return None

    def values(self) -> dict[str, Any]:
        """Every field of the line as entered."""
        return {
            "name": self.name.text().strip(),
            "code": self.code.text().strip(),
            "quantity": self.quantity.value(),
            "price": parse_price(self.price.text()),
        }

    def body(self) -> dict[str, Any]:
        """A new line for Order Desk (the price as text)."""
        values = self.values()
        return {**values, "price": str(values["price"])}

    def changes(self) -> dict[str, Any]:
        """Only the fields changed on the item shown (the price as text)."""
        changed = changed_fields(self.item, self.values())
        if "price" in changed:
            changed["price"] = str(changed["price"])
        return changed


class ContactDialog(FormDialog):
    """The order's e-mail and shipping method."""

    def __init__(self, email: str, shipping_method: str, parent: QWidget | None) -> None:
        super().__init__("Edit e-mail and shipping method", parent)
        self.enter_moves_on = True
        self.shown = {"email": email, "shipping_method": shipping_method}
        self.email = QLineEdit(email)
        self.shipping_method = QLineEdit(shipping_method)
        self.shipping_method.setPlaceholderText("e.g. Ground, Priority Mail")
        self.form.addRow("&E-mail:", self.email)
        self.form.addRow("Shipping &method:", self.shipping_method)
        self.first_input = self.email

    def problem(self) -> str | None:
        """An e-mail, when given, looks like one."""
        email = self.email.text().strip()
        if email and ("@" not in email or " " in email or email.startswith("@")):
            return "Enter an e-mail address like name@example.com (or leave it empty)."
        return None

    def changes(self) -> dict[str, Any]:
        """The fields changed on the order shown."""
        entered = {
            "email": self.email.text().strip(),
            "shipping_method": self.shipping_method.text().strip(),
        }
        return changed_fields(self.shown, entered)
