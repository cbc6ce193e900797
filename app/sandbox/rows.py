"""The compact per-order index row the sandbox keeps for every order.

Generated orders that nobody has touched exist only as a row; their full JSON is rendered on
demand from the seed. Once an order is read through ``store.orders`` or written, the row holds
the full stored dict in ``full`` and the indexed fields mirror it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.sandbox.dates import parse_stamp


@dataclass(slots=True)
class OrderRow:
    """Indexed fields of one order (what filters and sorting need) plus its full record."""

    id: int
    seq: int
    folder_id: int
    added: int
    updated: int
    source_name: str
    source_id: str
    email: str
    customer_id: str
    ship_first: str
    ship_last: str
    cust_first: str
    cust_last: str
    full: dict[str, Any] | None = None


def row_from_order(order: dict[str, Any], seq: int = -1) -> OrderRow:
    """Build the index row of a full stored order dict (which the row then holds)."""
    row = OrderRow(int(order["id"]), seq, 0, 0, 0, "", "", "", "", "", "", "", "", order)
    refresh_row(row)
    return row


def refresh_row(row: OrderRow) -> None:
    """Copy the indexed fields from ``row.full`` into the row after a write."""
    order = row.full
    assert order is not None
    shipping = order.get("shipping") or {}
    customer = order.get("customer") or {}
    row.folder_id = int(order.get("folder_id") or 0)
    row.added = _stamp(order.get("date_added"))
    row.updated = _stamp(order.get("date_updated"))
    row.source_name = str(order.get("source_name") or "")
    row.source_id = str(order.get("source_id") or "")
    row.email = str(order.get("email") or "")
    row.customer_id = str(order.get("customer_id") or "")
    row.ship_first = str(shipping.get("first_name") or "")
    row.ship_last = str(shipping.get("last_name") or "")
    row.cust_first = str(customer.get("first_name") or "")
    row.cust_last = str(customer.get("last_name") or "")


def _stamp(value: object) -> int:
    try:
        return parse_stamp(str(value))
    except ValueError:
        return 0
