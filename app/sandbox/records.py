"""Stored order, item and shipment records built from client JSON, with totals kept right.

Stored records already have the doc's value-type mix (ids as strings, ``folder_id`` int, order
totals as numbers, item ``price`` and shipment ``weight``/``cost`` as strings), so serving one
is a plain ``json.dumps``. Money is computed with Decimal only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from app.sandbox.carriers import detect_carrier, tracking_url_for
from app.sandbox.dates import format_day, format_stamp, now_epoch, parse_filter_date
from app.sandbox.errors import bad_request
from app.sandbox.values import (
    ZERO,
    decimal_of,
    integer_of,
    is_blank,
    list_of,
    mapping_of,
    money,
    money_text,
    object_of,
    plain_text,
    string_map,
    text,
)

ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "address1",
    "address2",
    "address3",
    "address4",
    "city",
    "state",
    "postal_code",
    "country",
    "phone",
)
RETURN_FIELDS = (
    "title",
    "name",
    "company",
    "address1",
    "address2",
    "city",
    "state",
    "postal_code",
    "country",
    "phone",
)
HEAD_STRINGS = ("email", "shipping_method")
PAYMENT_STRINGS = ("cc_number_masked", "cc_exp", "processor_response", "payment_type")
TAIL_STRINGS = (
    "customer_id",
    "email_count",
    "ip_address",
    "tag_color",
    "tag_name",
    "source_name",
    "source_id",
    "fulfillment_name",
    "fulfillment_id",
)
AMOUNTS = ("shipping_total", "handling_total", "tax_total", "discount_total")
CHECKOUT_DATA_LIMIT = 3500
METADATA_LIMIT = 2000

NewId = Callable[[], int]


def build_order(body: object, *, new_item_id: NewId, new_shipment_id: NewId) -> dict[str, Any]:
    """Build a stored order (without ``id``, ``folder_id`` and dates) from a client body.

    Missing totals are computed from the items; given totals are kept as sent.

    Raises:
        ApiError: 400 when a field has the wrong type.
    """
    raw = object_of(body, "order")
    order: dict[str, Any] = {}
    for field in HEAD_STRINGS:
        order[field] = text(raw.get(field), field)
    order.update({"quantity_total": 0, "weight_total": 0.0, "product_total": 0.0})
    order.update(dict.fromkeys(AMOUNTS, 0.0))
    order["order_total"] = 0.0
    for field in PAYMENT_STRINGS:
        order[field] = text(raw.get(field), field)
    card = text(raw.get("cc_number"), "cc_number")
    if card:
        order["cc_number_masked"] = "x" * 12 + card[-4:]
    order["payment_status"] = text(raw.get("payment_status"), "payment_status") or "Captured"
    order.update({"processor_balance": 0.0, "refund_total": 0.0})
    for field in TAIL_STRINGS:
        order[field] = text(raw.get(field), field)
    _add_parts(order, raw, new_item_id, new_shipment_id)
    fill_totals(order, raw)
    return order


def _add_parts(order: dict[str, Any], raw: dict[str, Any], item_id: NewId, ship_id: NewId) -> None:
    order["shipping"] = address_of(raw.get("shipping"), "shipping", ADDRESS_FIELDS)
    order["customer"] = address_of(raw.get("customer"), "customer", ADDRESS_FIELDS)
    order["return_address"] = address_of(raw.get("return_address"), "return_address", RETURN_FIELDS)
    order["checkout_data"] = string_map(raw.get("checkout_data"), "checkout_data")
    order["order_metadata"] = mapping_of(raw.get("order_metadata"), "order_metadata")
    _check_size(order["checkout_data"], "checkout_data", CHECKOUT_DATA_LIMIT)
    _check_size(order["order_metadata"], "order_metadata", METADATA_LIMIT)
    order["discount_list"] = [
        discount_of(d) for d in list_of(raw.get("discount_list"), "discounts")
    ]
    order["order_notes"] = [note_of(n) for n in list_of(raw.get("order_notes"), "order_notes")]
    items = list_of(raw.get("order_items"), "order_items")
    order["order_items"] = [item_of(i, _given_id(i, item_id)) for i in items]
    shipments = list_of(raw.get("order_shipments"), "order_shipments")
    order["order_shipments"] = [shipment_of(s, _given_id(s, ship_id)) for s in shipments]


def _given_id(record: object, new_id: NewId) -> str:
    if isinstance(record, dict) and not is_blank(record.get("id")):
        return text(record["id"], "id")
    return str(new_id())


def _check_size(value: dict[str, Any], field: str, limit: int) -> None:
    if len(json.dumps(value, ensure_ascii=False)) > limit:
        raise bad_request(f"{field} is longer than {limit} characters")


def address_of(value: object, field: str, fields: tuple[str, ...]) -> dict[str, str]:
    """Return an address with every known key, unknown keys dropped, blanks as ``""``."""
    raw = mapping_of(value, field)
    return {key: text(raw.get(key), f"{field}.{key}") for key in fields}


def has_address(address: dict[str, str]) -> bool:
    """Return True when any field of the address is filled in."""
    return any(address.values())


def discount_of(value: object) -> dict[str, str]:
    """Return a discount entry with its ``amount`` as a money string."""
    raw = object_of(value, "discount_list[]")
    amount = decimal_of(raw.get("amount"), "discount_list.amount")
    return {
        "name": text(raw.get("name"), "discount_list.name"),
        "code": text(raw.get("code"), "discount_list.code"),
        "amount": money_text(amount),
    }


def note_of(value: object) -> dict[str, str]:
    """Return an order note; ``date_added`` defaults to now."""
    raw = object_of(value, "order_notes[]")
    return {
        "date_added": text(raw.get("date_added"), "date_added") or format_stamp(now_epoch()),
        "username": text(raw.get("username"), "order_notes.username"),
        "content": text(raw.get("content"), "order_notes.content"),
    }


def item_of(value: object, item_id: str) -> dict[str, Any]:
    """Return a stored order item (price as a string, weight as a number)."""
    raw = object_of(value, "order_item")
    quantity = integer_of(raw.get("quantity"), "quantity", default=1)
    if quantity < 0:
        raise bad_request("quantity must not be negative")
    return {
        "id": item_id,
        "name": text(raw.get("name"), "name"),
        "price": money_text(decimal_of(raw.get("price"), "price")),
        "quantity": quantity,
        "weight": float(decimal_of(raw.get("weight"), "weight")),
        "code": text(raw.get("code"), "code"),
        "delivery_type": text(raw.get("delivery_type"), "delivery_type") or "ship",
        "category_code": text(raw.get("category_code"), "category_code"),
        "variation_list": string_map(raw.get("variation_list"), "variation_list"),
        "metadata": mapping_of(raw.get("metadata"), "metadata"),
    }


def shipment_of(value: object, shipment_id: str) -> dict[str, Any]:
    """Return a stored shipment; carrier and tracking URL are derived when missing.

    Raises:
        ApiError: 400 without a ``tracking_number``.
    """
    raw = object_of(value, "shipment")
    tracking = text(raw.get("tracking_number"), "tracking_number").strip()
    if not tracking:
        raise bad_request('tracking_number is required (send "n/a" when there is none)')
    carrier = text(raw.get("carrier_code"), "carrier_code") or detect_carrier(tracking)
    url = text(raw.get("tracking_url"), "tracking_url") or tracking_url_for(carrier, tracking)
    return {
        "id": shipment_id,
        "order_id": text(raw.get("order_id"), "order_id"),
        "store_id": text(raw.get("store_id"), "store_id"),
        "tracking_number": tracking,
        "carrier_code": carrier,
        "shipment_method": text(raw.get("shipment_method"), "shipment_method"),
        "weight": plain_text(decimal_of(raw.get("weight"), "weight")),
        "cost": plain_text(decimal_of(raw.get("cost"), "cost")),
        "status": text(raw.get("status"), "status"),
        "tracking_url": url,
        "label_format": text(raw.get("label_format"), "label_format"),
        "label_image": text(raw.get("label_image"), "label_image"),
        "order_items": _shipped_items(raw.get("order_items")),
        "print_status": text(raw.get("print_status"), "print_status") or "0",
        "cart_shipment_id": text(raw.get("cart_shipment_id"), "cart_shipment_id"),
        "date_shipped": _ship_day(raw.get("date_shipped")),
        "date_added": text(raw.get("date_added"), "date_added"),
    }


def _shipped_items(value: object) -> str | list[dict[str, Any]]:
    entries = list_of(value, "order_items")
    result: list[dict[str, Any]] = []
    for entry in entries:
        raw = object_of(entry, "order_items[]")
        line: dict[str, Any] = {
            key: text(raw[key], key) for key in ("id", "code") if not is_blank(raw.get(key))
        }
        line["quantity"] = integer_of(raw.get("quantity"), "quantity", default=1)
        result.append(line)
    return result or ""


def _ship_day(value: object) -> str:
    if is_blank(value):
        return format_day(now_epoch())
    return format_day(parse_filter_date("date_shipped", text(value, "date_shipped")))


def item_sums(items: list[dict[str, Any]]) -> tuple[int, Decimal, Decimal]:
    """Return total quantity, weight and product amount of order items."""
    quantity, weight, product = 0, ZERO, ZERO
    for item in items:
        count = integer_of(item.get("quantity"), "quantity")
        quantity += count
        weight += decimal_of(item.get("weight"), "weight") * count
        product += decimal_of(item.get("price"), "price") * count
    return quantity, weight, product


def fill_totals(order: dict[str, Any], raw: dict[str, Any]) -> None:
    """Set totals on ``order``: values given in ``raw`` are kept, missing ones computed."""
    quantity, weight, product = item_sums(order["order_items"])
    given = {k: raw.get(k) for k in ("quantity_total", "weight_total", "product_total")}
    if not is_blank(given["quantity_total"]):
        quantity = integer_of(given["quantity_total"], "quantity_total")
    if not is_blank(given["weight_total"]):
        weight = decimal_of(given["weight_total"], "weight_total")
    if not is_blank(given["product_total"]):
        product = decimal_of(given["product_total"], "product_total")
    amounts = {field: decimal_of(raw.get(field), field) for field in AMOUNTS}
    if is_blank(raw.get("discount_total")):
        amounts["discount_total"] = sum(
            (decimal_of(d["amount"], "amount") for d in order["discount_list"]), ZERO
        )
    extra = amounts["shipping_total"] + amounts["handling_total"] + amounts["tax_total"]
    total = product + extra - amounts["discount_total"]
    if not is_blank(raw.get("order_total")):
        total = decimal_of(raw.get("order_total"), "order_total")
    balance = raw.get("processor_balance")
    order["quantity_total"] = quantity
    order["weight_total"] = float(weight)
    order["product_total"] = money(product)
    order.update({field: money(amount) for field, amount in amounts.items()})
    order["order_total"] = money(total)
    order["processor_balance"] = money(
        total if is_blank(balance) else decimal_of(balance, "processor_balance")
    )
    order["refund_total"] = money(decimal_of(raw.get("refund_total"), "refund_total"))


def recalc_totals(order: dict[str, Any]) -> None:
    """Recompute item-based totals and ``order_total`` after an item or shipment write."""
    quantity, weight, product = item_sums(order["order_items"])
    extra = sum((decimal_of(order.get(f), f) for f in AMOUNTS[:3]), ZERO)
    discount = decimal_of(order.get("discount_total"), "discount_total")
    order["quantity_total"] = quantity
    order["weight_total"] = float(weight)
    order["product_total"] = money(product)
    order["order_total"] = money(product + extra - discount)
