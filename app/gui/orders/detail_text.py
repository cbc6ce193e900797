"""Plain-text pieces of the order detail pane (no Qt): addresses, totals, notes.

Everything here returns plain text; the widgets show it with ``Qt.PlainText`` so shopper text
(names, notes, checkout data) is never interpreted as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.core.orderdesk import Order, to_money
from app.gui.orders.rows import format_money, person_name

ADDRESS_LINES = ("company", "address1", "address2", "address3", "address4")
TOTALS = (
    ("product_total", "Products"),
    ("shipping_total", "Shipping"),
    ("handling_total", "Handling"),
    ("tax_total", "Tax"),
    ("discount_total", "Discount"),
    ("order_total", "Total"),
)
EDITABLE_ADDRESS_FIELDS = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("company", "Company"),
    ("address1", "Address"),
    ("address2", "Address 2"),
    ("city", "City"),
    ("state", "State"),
    ("postal_code", "Postal code"),
    ("country", "Country"),
    ("phone", "Phone"),
)


def address_text(address: Mapping[str, Any] | None) -> str:
    """An address as lines of plain text (empty when there is none)."""
    if not address:
        return ""
    lines = [person_name(address)]
    lines += [str(address.get(key) or "") for key in ADDRESS_LINES]
    city = " ".join(
        part
        for part in (
            str(address.get("city") or ""),
            str(address.get("state") or ""),
            str(address.get("postal_code") or ""),
        )
        if part
    )
    lines += [city, str(address.get("country") or ""), str(address.get("phone") or "")]
    return "\n".join(line for line in lines if line.strip())


def totals_text(order: Order) -> str:
    """Money lines, e.g. ``Products: 19.00`` (only non-zero parts, always the total)."""
    raw = order.raw
    lines = []
    for key, label in TOTALS:
        amount = to_money(raw.get(key))
        if amount or key == "order_total":
            lines.append(f"{label}: {format_money(amount)}")
    currency = (raw.get("order_metadata") or {}).get("currency")
    if currency:
        lines.append(f"Currency: {currency}")
    return "\n".join(lines)


def notes_text(order: Order, history: Sequence[Mapping[str, Any]] = ()) -> str:
    """Order notes and history entries, oldest first, as plain text."""
    raw = order.raw
    entries: list[tuple[str, str, str]] = []
    for group in (raw.get("order_notes") or [], raw.get("order_history") or [], history):
        for entry in group:
            if isinstance(entry, Mapping):
                entries.append(
                    (
                        str(entry.get("date_added") or ""),
                        str(entry.get("username") or entry.get("source_name") or ""),
                        str(
                            entry.get("content")
                            or entry.get("note")
                            or entry.get("description")
                            or ""
                        ),
                    )
                )
    entries.sort(key=lambda item: item[0])
    return "\n\n".join(
        f"{when} {who}".strip() + f"\n{text}" if (when or who) else text
        for when, who, text in entries
    )


def checkout_text(order: Order) -> str:
    """Checkout data (shopper-provided) as ``key: value`` lines."""
    data = order.raw.get("checkout_data") or {}
    if not isinstance(data, Mapping):
        return str(data)
    return "\n".join(f"{key}: {value}" for key, value in data.items())


def address_changes(before: Mapping[str, Any] | None, after: Mapping[str, str]) -> dict[str, str]:
    """The fields of a shipping address the user changed (for a partial update)."""
    before = before or {}
    return {key: value for key, value in after.items() if value != str(before.get(key) or "")}
