"""Shape Order Desk orders for a model: detail levels, field selection, untrusted text apart.

``full`` keeps every field the server sent; ``standard`` keeps what a person reads on an order
page; ``summary`` is one line's worth, the default for lists. ``fields`` picks exact top-level
fields from the full record instead.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from app.mcp.shaping.records import Detail, pick_lines, project, untrusted_part
from app.mcp.shaping.untrusted import UNTRUSTED_KEY, group, split
from app.mcp.shaping.values import LINE_MONEY, ORDER_MONEY, plain, with_money

ORDER_UNTRUSTED = frozenset(
    {
        "email",
        "shipping",
        "customer",
        "return_address",
        "checkout_data",
        "order_metadata",
        "order_notes",
        "order_history",
        "discount_list",
        "processor_response",
    }
)
LINE_UNTRUSTED = frozenset({"name", "variation_list", "metadata"})

ORDER_FIELDS: tuple[str, ...] = (
    "id",
    "source_id",
    "source_name",
    "email",
    "shipping_method",
    "quantity_total",
    "weight_total",
    "product_total",
    "shipping_total",
    "handling_total",
    "tax_total",
    "discount_total",
    "order_total",
    "cc_number_masked",
    "cc_exp",
    "processor_response",
    "payment_type",
    "payment_status",
    "processor_balance",
    "refund_total",
    "customer_id",
    "email_count",
    "ip_address",
    "tag_color",
    "tag_name",
    "fulfillment_name",
    "fulfillment_id",
    "folder_id",
    "folder_name",
    "date_added",
    "date_updated",
    "shipping",
    "customer",
    "return_address",
    "checkout_data",
    "order_metadata",
    "discount_list",
    "order_notes",
    "order_items",
    "order_shipments",
    "order_history",
)
"""Every top-level field a caller may name in ``fields``."""

SUMMARY_KEYS = (
    "id",
    "source_id",
    "source_name",
    "folder_id",
    "folder_name",
    "payment_status",
    "order_total",
    "quantity_total",
    "date_added",
    "date_updated",
)
STANDARD_KEYS = (
    *SUMMARY_KEYS,
    "shipping_method",
    "product_total",
    "shipping_total",
    "handling_total",
    "tax_total",
    "discount_total",
    "payment_type",
    "customer_id",
    "order_items",
    "order_shipments",
    "email",
    "shipping",
    "customer",
    "checkout_data",
    "order_notes",
    "discount_list",
)
STANDARD_ITEM_KEYS = ("id", "code", "quantity", "price", "delivery_type", "name", "variation_list")
STANDARD_SHIPMENT_KEYS = (
    "id",
    "tracking_number",
    "carrier_code",
    "shipment_method",
    "tracking_url",
    "date_shipped",
)


def shape_line(line: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split one order item into (trusted part, untrusted part keyed with the line id)."""
    trusted, other = split(line, LINE_UNTRUSTED)
    shaped = with_money(trusted, LINE_MONEY)
    untrusted = {"id": plain(line.get("id")), **plain(other)} if other else {}
    return shaped, untrusted


def full_order(raw: Mapping[str, Any], folders: Mapping[int, str] | None = None) -> dict[str, Any]:
    """Shape every field of an order; untrusted text goes into the delimited group.

    Args:
        raw: The order as the server sent it (``Order.raw``).
        folders: Folder id to name, to add ``folder_name``; optional.

    Returns:
        ``{trusted fields..., "untrusted": {...}}`` with money as Decimal text.
    """
    trusted, other = split(raw, ORDER_UNTRUSTED)
    shaped = with_money(trusted, ORDER_MONEY)
    if folders is not None:
        shaped["folder_name"] = folders.get(_as_int(raw.get("folder_id")), "")
    lines = [shape_line(line) for line in _dicts(raw.get("order_items"))]
    if "order_items" in raw:
        shaped["order_items"] = [trusted_line for trusted_line, _ in lines]
    untrusted = plain(other)
    named_lines = [part for _, part in lines if part]
    if named_lines:
        untrusted["order_items"] = named_lines
    if "order_shipments" in raw:
        shaped["order_shipments"] = [
            with_money(entry, LINE_MONEY) for entry in _dicts(raw.get("order_shipments"))
        ]
    shaped[UNTRUSTED_KEY] = group(untrusted)
    return shaped


def shape_order(
    raw: Mapping[str, Any],
    detail: Detail = "standard",
    fields: Collection[str] | None = None,
    folders: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    """Shape an order at a detail level, or to exactly the named fields.

    Args:
        raw: The order as the server sent it.
        detail: ``summary``, ``standard`` or ``full``; ignored when ``fields`` is given.
        fields: Top-level fields to return (``id`` always comes along).
        folders: Folder id to name, to add ``folder_name``.
    """
    full = full_order(raw, folders)
    if fields:
        return project(full, fields)
    if detail == "full":
        return full
    if detail == "summary":
        return _summary(full, raw)
    shaped = project(full, STANDARD_KEYS)
    shaped["order_items"] = pick_lines(shaped.get("order_items"), STANDARD_ITEM_KEYS)
    shaped["order_shipments"] = pick_lines(shaped.get("order_shipments"), STANDARD_SHIPMENT_KEYS)
    return shaped


def _summary(full: Mapping[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    shaped = project(full, SUMMARY_KEYS)
    shaped.pop(UNTRUSTED_KEY, None)
    shaped["item_count"] = len(_dicts(raw.get("order_items")))
    shaped["shipment_count"] = len(_dicts(raw.get("order_shipments")))
    other = untrusted_part(full)
    shaped[UNTRUSTED_KEY] = group(
        {"customer_name": customer_name(raw), "email": other.get("email", "")}
    )
    return shaped


def customer_name(raw: Mapping[str, Any]) -> str:
    """Return the best display name of an order: shipping name, billing name, or company."""
    for key in ("shipping", "customer"):
        address = raw.get(key)
        if not isinstance(address, Mapping):
            continue
        name = " ".join(
            str(address.get(part) or "").strip() for part in ("first_name", "last_name")
        ).strip()
        if name or (name := str(address.get("company") or "").strip()):
            return name
    return ""


def _dicts(value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [entry for entry in value if isinstance(entry, Mapping)]


def _as_int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return -1
