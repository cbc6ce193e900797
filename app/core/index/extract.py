"""Turn an Order Desk order (its raw dict) into the index's row and search text.

Pure functions: no SQLite, no network. A malformed value never fails a sync; it is indexed
as empty (text), zero (money) or missing (dates).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from app.core.index.text import index_text
from app.core.orderdesk.values import to_datetime, to_id, to_int, to_money

_INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class OrderRecord:
    """Everything the index stores about one order: row values and search columns."""

    rowid: int
    values: tuple[Any, ...]
    search: tuple[str, str, str, str]

    @property
    def date_updated(self) -> int | None:
        """When Order Desk last changed the order (epoch seconds), if it says."""
        value = self.values[ROW_COLUMNS.index("date_updated")]
        return None if value is None else int(value)


ROW_COLUMNS = (
    "id",
    "source_id",
    "source_name",
    "date_added",
    "date_updated",
    "customer_name",
    "shipping_name",
    "email",
    "company",
    "city",
    "folder_id",
    "total_cents",
    "item_count",
    "quantity",
    "payment_status",
)
SEARCH_COLUMNS = ("ids", "people", "items", "notes")


def rowid_for(order_id: str) -> int:
    """Stable SQLite rowid of an order: its numeric id, else a negative hash of the text."""
    if order_id.isdigit() and int(order_id) <= _INT64_MAX:
        return int(order_id)
    digest = hashlib.sha256(order_id.encode("utf-8")).digest()
    return -(int.from_bytes(digest[:8], "big") >> 2) - 1


def to_cents(amount: Decimal) -> int:
    """Money as whole cents (banker's rounding for the rare sub-cent amount)."""
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_EVEN))


def _text(value: object) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value).strip()


def _epoch(value: object) -> int | None:
    try:
        moment = to_datetime(value)
    except ValueError:
        return None
    return None if moment is None else int(moment.timestamp())


def _money_cents(value: object) -> int:
    try:
        return to_cents(to_money(value))
    except ValueError:
        return 0


def _whole(value: object) -> int:
    try:
        return to_int(value)
    except ValueError:
        return 0


def _folder(value: object) -> int | None:
    try:
        return None if value is None or value == "" else to_int(value)
    except ValueError:
        return None


def _mapping(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key)
    return value if isinstance(value, Mapping) else {}


def _entries(raw: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = raw.get(key)
    return (
        [entry for entry in value if isinstance(entry, Mapping)] if isinstance(value, list) else []
    )


def _name(address: Mapping[str, Any]) -> str:
    return " ".join(
        p for p in (_text(address.get("first_name")), _text(address.get("last_name"))) if p
    )


def _joined(parts: Iterable[str]) -> str:
    return index_text(" ".join(part for part in parts if part))


def order_record(raw: Mapping[str, Any]) -> OrderRecord:
    """Build the index record of one order.

    Args:
        raw: The order as Order Desk sent it (``Order.raw``).

    Raises:
        ValueError: The order has no id.
    """
    order_id = to_id(raw.get("id")) if isinstance(raw.get("id"), int | str) else ""
    if not order_id:
        raise ValueError("an order without an id cannot be indexed")
    shipping, customer = _mapping(raw, "shipping"), _mapping(raw, "customer")
    items = _entries(raw, "order_items")
    company = _text(shipping.get("company")) or _text(customer.get("company"))
    city = _text(shipping.get("city")) or _text(customer.get("city"))
    values = (
        order_id,
        _text(raw.get("source_id")),
        _text(raw.get("source_name")),
        _epoch(raw.get("date_added")),
        _epoch(raw.get("date_updated")),
        _name(customer),
        _name(shipping),
        _text(raw.get("email")),
        company,
        city,
        _folder(raw.get("folder_id")),
        _money_cents(raw.get("order_total")),
        len(items),
        sum(_whole(item.get("quantity")) for item in items),
        _text(raw.get("payment_status")),
    )
    return OrderRecord(rowid_for(order_id), values, _search_columns(raw, values, items))


def _search_columns(
    raw: Mapping[str, Any], values: tuple[Any, ...], items: list[Mapping[str, Any]]
) -> tuple[str, str, str, str]:
    shipping, customer = _mapping(raw, "shipping"), _mapping(raw, "customer")
    ids = _joined((values[0], values[1]))
    people = _joined(
        (
            _name(customer),
            _name(shipping),
            _text(raw.get("email")),
            _text(shipping.get("company")),
            _text(customer.get("company")),
            _text(shipping.get("city")),
            _text(customer.get("city")),
            _text(shipping.get("postal_code")),
            _text(customer.get("postal_code")),
        )
    )
    item_text = _joined(f"{_text(item.get('code'))} {_text(item.get('name'))}" for item in items)
    notes = [_text(note.get("content")) for note in _entries(raw, "order_notes")]
    notes += [_text(value) for value in _mapping(raw, "checkout_data").values()]
    return ids, people, item_text, _joined(notes)
