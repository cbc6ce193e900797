"""What one line of the order table holds, built from an index row or a full order (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.core.index import IndexedOrder
from app.core.orderdesk import Order


@dataclass(frozen=True)
class OrderRow:
    """One order as the table shows it.

    Attributes:
        id: Order Desk's order id.
        source_id: The cart's order number.
        source_name: Where it came from (``Shopify``...).
        date_added: Creation time (UTC).
        date_updated: Last change (UTC).
        customer: Customer (billing) name, else shipping name.
        email: Customer e-mail.
        folder_id: Folder holding the order.
        total: Grand total.
        quantity: Units over all lines.
        payment_status: e.g. ``Captured``.
    """

    id: str
    source_id: str
    source_name: str
    date_added: datetime | None
    date_updated: datetime | None
    customer: str
    email: str
    folder_id: int | None
    total: Decimal
    quantity: int
    payment_status: str


@dataclass(frozen=True)
class RowPage:
    """A page of rows and how many match in all."""

    rows: tuple[OrderRow, ...]
    total: int


def row_from_indexed(indexed: IndexedOrder) -> OrderRow:
    """Build a row from an :class:`app.core.index.models.IndexedOrder`."""
    return OrderRow(
        id=str(indexed.id),
        source_id=indexed.source_id,
        source_name=indexed.source_name,
        date_added=indexed.date_added,
        date_updated=indexed.date_updated,
        customer=indexed.customer_name or indexed.shipping_name,
        email=indexed.email,
        folder_id=indexed.folder_id,
        total=indexed.order_total,
        quantity=indexed.quantity,
        payment_status=indexed.payment_status,
    )


def row_from_order(order: Order) -> OrderRow:
    """Build a row from a full :class:`~app.core.orderdesk.Order`."""
    return OrderRow(
        id=order.id,
        source_id=order.source_id,
        source_name=order.source_name,
        date_added=order.date_added,
        date_updated=order.date_updated,
        customer=person_name(order.customer) or person_name(order.shipping),
        email=order.email,
        folder_id=order.folder_id,
        total=order.order_total,
        quantity=order.quantity_total,
        payment_status=order.payment_status,
    )


def person_name(address: Any) -> str:
    """Return "first last" of an Order Desk address mapping (empty when unknown)."""
    if not address:
        return ""
    parts = (str(address.get("first_name") or ""), str(address.get("last_name") or ""))
    return " ".join(part for part in parts if part).strip()


def format_money(amount: Decimal) -> str:
    """Money with two decimals and thousands separators, e.g. ``1,234.50``."""
    return f"{amount:,.2f}"


def format_when(moment: datetime | date | None) -> str:
    """A date-time for the table, ``YYYY-MM-DD HH:MM`` (empty when unknown)."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.isoformat()
