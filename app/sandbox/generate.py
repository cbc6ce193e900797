"""Deterministic order data: compact index rows up front, full orders rendered on demand.

Every value of order ``seq`` comes from :class:`Dice` streams keyed by ``(seed, seq, purpose)``,
so an order renders the same whenever it is read, and 100k rows cost one quick pass.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.sandbox.carriers import tracking_url_for
from app.sandbox.catalog import Product
from app.sandbox.dates import format_day, format_stamp
from app.sandbox.dice import Dice, mix
from app.sandbox.pools import (
    COMPANIES,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    GATEWAYS,
    GIFT_MESSAGES,
    LAST_NAMES,
    PAYMENT_TYPES,
    PLACES,
    RETURN_ADDRESS,
    SHIPPING_METHODS,
    SHOPPER_NOTES,
    SOURCES,
    STAFF_NOTES,
    TAX_RATES,
)
from app.sandbox.rows import OrderRow
from app.sandbox.values import CENT, ZERO, money, money_text, plain_text

ORDER_ID_BASE = 3_100_000
ITEM_ID_BASE = 50_000_000
SHIPMENT_ID_BASE = 7_000_000
DAY = 86_400
ADDRESS_CACHE = 8192

# (max age in days, [(folder name, percent), ...]) — young orders are open, old ones closed.
AGE_FOLDERS = (
    (2, (("New", 70), ("Prepared", 20), ("Backorder", 5), ("Canceled", 5))),
    (10, (("New", 15), ("Prepared", 35), ("Closed", 40), ("Backorder", 5), ("Canceled", 5))),
    (10**9, (("Closed", 88), ("Canceled", 7), ("Backorder", 3), ("Prepared", 2))),
)
UPDATE_DELAY = {"New": 1800, "Prepared": 30 * 3600, "Closed": 5 * DAY, "Backorder": 10 * DAY}


class OrderFactory:
    """Makes the index rows and renders the full orders of one generated store."""

    def __init__(
        self,
        *,
        seed: int,
        count: int,
        start: int,
        end: int,
        store_id: str,
        folders: dict[int, str],
        catalog: list[Product],
    ) -> None:
        self.seed, self.count, self.end, self.store_id = seed, count, end, store_id
        self.start = start
        self.step = (end - start) / max(count, 1)
        self.folders = folders
        self.folder_ids = {name: fid for fid, name in folders.items()}
        self.catalog = catalog
        self._addresses: dict[int, dict[str, str]] = {}
        self._item_templates: dict[str, dict[str, Any]] = {}
        self.customers = [self.customer(n) for n in range(max(1, count // 3))]

    def rows(self) -> list[OrderRow]:
        """Return the index rows of all generated orders, oldest first."""
        dice = Dice(self.seed, 1)
        return [self.row(seq, dice) for seq in range(self.count)]

    def row(self, seq: int, dice: Dice) -> OrderRow:
        """Return the index row of generated order ``seq``, drawing from the shared ``dice``."""
        added = self.start + int(seq * self.step) + dice.below(max(1, int(self.step)))
        folder = self._folder_for((self.end - added) // DAY, dice)
        updated = updated_at(added, dice.below(UPDATE_DELAY.get(folder, 3 * DAY)), self.end)
        source = _weighted(dice, SOURCES)
        first, last, email, customer_id = self.customers[self.customer_number(seq)]
        ship_first, ship_last = first, last
        if dice.chance(12):
            ship_first, ship_last = dice.pick(FIRST_NAMES)[0], dice.pick(LAST_NAMES)[0]
        order_id = ORDER_ID_BASE + seq + 1
        return OrderRow(
            order_id,
            seq,
            self.folder_ids.get(folder, next(iter(self.folders))),
            added,
            updated,
            source,
            _source_id(source, seq, order_id),
            email,
            customer_id,
            ship_first,
            ship_last,
            first,
            last,
        )

    def _folder_for(self, age_days: int, dice: Dice) -> str:
        for max_age, choices in AGE_FOLDERS:
            if age_days < max_age:
                return _weighted(dice, choices)
        return "Closed"

    def customer_number(self, seq: int) -> int:
        """Return which repeat customer placed order ``seq``."""
        return mix(self.seed, seq, 9) % len(self.customers)

    def customer(self, number: int) -> tuple[str, str, str, str]:
        """Return first name, last name, e-mail and customer id of customer ``number``."""
        dice = Dice(self.seed, number, 3)
        first, first_slug = dice.pick(FIRST_NAMES)
        last, last_slug = dice.pick(LAST_NAMES)
        email = f"{first_slug}.{last_slug}{number}@{dice.pick(EMAIL_DOMAINS)}"
        return first, last, email, f"cus_{10000 + number}"

    def render(self, row: OrderRow) -> dict[str, Any]:
        """Return the full order JSON of a generated row.

        The result shares nested read-only parts (addresses, item templates) with other renders:
        deep-copy it before changing it.
        """
        dice = Dice(self.seed, row.seq, 2)
        customer = self._customer_address(row)
        gift = (row.ship_first, row.ship_last) != (row.cust_first, row.cust_last)
        shipping = dict(customer)
        if gift:
            shipping = _address(Dice(self.seed, row.seq, 5), row.ship_first, row.ship_last)
        method, carrier, ship_cost = dice.pick(SHIPPING_METHODS)
        items = self._items(dice, row.seq)
        order: dict[str, Any] = {"id": str(row.id), "email": row.email, "shipping_method": method}
        totals, total, discounts = self._money(dice, items, Decimal(ship_cost), shipping["country"])
        order.update(totals)
        order.update(self._payment(dice, row))
        refund = total if order["payment_status"] == "Fully Refunded" else ZERO
        order["processor_balance"] = money(total - refund)
        order["refund_total"] = money(refund)
        order.update(self._details(dice, row))
        order.update({"shipping": shipping, "customer": customer})
        order["return_address"] = RETURN_ADDRESS
        order["checkout_data"] = _checkout_data(dice, gift)
        order["order_metadata"] = {"currency": "USD", "fraud_protection_score": dice.below(40)}
        order["discount_list"] = discounts
        order["order_notes"] = _notes(dice, row)
        order["order_items"] = [self._item_json(item_id, p, qty) for item_id, p, qty in items]
        order["order_shipments"] = self._shipments(dice, row, items, carrier, method)
        order["order_history"] = self._history(row)
        return order

    def _customer_address(self, row: OrderRow) -> dict[str, str]:
        number = self.customer_number(row.seq)
        address = self._addresses.get(number)
        if address is None:
            if len(self._addresses) >= ADDRESS_CACHE:
                self._addresses.clear()
            dice = Dice(self.seed, number, 4)
            address = _address(dice, row.cust_first, row.cust_last)
            self._addresses[number] = address
        return address

    def _item_json(self, item_id: int, product: Product, quantity: int) -> dict[str, Any]:
        template = self._item_templates.get(product.code)
        if template is None:
            template = self._item_templates[product.code] = _item_json(product)
        item = dict(template)
        item["id"], item["quantity"] = str(item_id), quantity
        return item

    def _items(self, dice: Dice, seq: int) -> list[tuple[int, Product, int]]:
        lines = 1 + (dice.below(100) > 60) + (dice.below(100) > 85) + (dice.below(100) > 95)
        chosen: dict[str, tuple[int, Product, int]] = {}
        for k in range(lines):
            product = dice.pick(self.catalog)
            quantity = 1 if dice.chance(75) else 2 + dice.below(3)
            chosen.setdefault(product.code, (ITEM_ID_BASE + seq * 8 + k, product, quantity))
        return list(chosen.values())

    def _money(
        self, dice: Dice, items: list[tuple[int, Product, int]], shipping: Decimal, country: str
    ) -> tuple[dict[str, Any], Decimal, list[dict[str, str]]]:
        product = sum((p.price * q for _, p, q in items), ZERO)
        weight = sum((p.weight * q for _, p, q in items), ZERO)
        discounts: list[dict[str, str]] = []
        discount = ZERO
        if dice.chance(20):
            discount = (product * Decimal("0.10")).quantize(CENT)
            discounts.append(
                {"name": "Spring Sale 10%", "code": "SPRING10", "amount": money_text(discount)}
            )
        handling = Decimal("1.00") if dice.chance(15) else ZERO
        rate = Decimal(TAX_RATES.get(country, "0"))
        tax = ((product - discount) * rate).quantize(CENT)
        total = product + shipping + handling + tax - discount
        totals = {
            "quantity_total": sum(q for _, _, q in items),
            "weight_total": float(weight),
            "product_total": money(product),
            "shipping_total": money(shipping),
            "handling_total": money(handling),
            "tax_total": money(tax),
            "discount_total": money(discount),
            "order_total": money(total),
        }
        return totals, total, discounts

    def _payment(self, dice: Dice, row: OrderRow) -> dict[str, str]:
        payment = dice.pick(PAYMENT_TYPES)
        card = payment != "PayPal"
        canceled = self.folders.get(row.folder_id) == "Canceled"
        status = ("Voided" if dice.chance(50) else "Fully Refunded") if canceled else "Captured"
        return {
            "cc_number_masked": f"xxxxxxxxxxxx{dice.below(10000):04d}" if card else "",
            "cc_exp": f"{1 + dice.below(12):02d}/{2026 + dice.below(5)}" if card else "",
            "processor_response": f"{dice.pick(GATEWAYS)}: ch_{dice.next():x}",
            "payment_type": payment,
            "payment_status": status,
        }

    def _details(self, dice: Dice, row: OrderRow) -> dict[str, Any]:
        return {
            "customer_id": row.customer_id,
            "email_count": str(1 + dice.below(3)),
            "ip_address": f"203.0.113.{1 + dice.below(254)}",
            "tag_color": "#e74c3c" if dice.chance(5) else "",
            "tag_name": "rush" if dice.chance(5) else "",
            "source_name": row.source_name,
            "source_id": row.source_id,
            "fulfillment_name": "",
            "fulfillment_id": "",
            "folder_id": row.folder_id,
            "date_added": format_stamp(row.added),
            "date_updated": format_stamp(row.updated),
        }

    def _shipments(
        self,
        dice: Dice,
        row: OrderRow,
        items: list[tuple[int, Product, int]],
        carrier: str,
        method: str,
    ) -> list[dict[str, Any]]:
        if self.folders.get(row.folder_id) != "Closed":
            return []
        tracking = _tracking_number(dice, carrier)
        weight = sum((p.weight * q for _, p, q in items), ZERO)
        return [
            {
                "id": str(SHIPMENT_ID_BASE + row.seq * 2),
                "order_id": str(row.id),
                "store_id": self.store_id,
                "tracking_number": tracking,
                "carrier_code": carrier,
                "shipment_method": method.removeprefix(carrier).strip(),
                "weight": plain_text(weight),
                "cost": f"{Decimal(4 + dice.below(20)) + CENT * 45}",
                "status": "",
                "tracking_url": tracking_url_for(carrier, tracking),
                "label_format": "",
                "label_image": "",
                "order_items": [{"id": str(i), "quantity": q} for i, _, q in items],
                "print_status": "1",
                "cart_shipment_id": "",
                "date_shipped": format_day(row.updated),
                "date_added": format_stamp(row.updated),
            }
        ]

    def _history(self, row: OrderRow) -> list[dict[str, str]]:
        entries = [
            {
                "date_added": format_stamp(row.added),
                "source_name": row.source_name,
                "note": f"Order imported from {row.source_name}",
            }
        ]
        folder = self.folders.get(row.folder_id, "")
        if row.updated > row.added and folder != "New":
            entries.append(
                {
                    "date_added": format_stamp(row.updated),
                    "source_name": "Order Desk",
                    "note": f"Order moved from New to {folder}",
                }
            )
        return entries


def updated_at(added: int, delay: int, end: int) -> int:
    """When a generated order last changed: ``delay`` seconds after it was added, by ``end``.

    An order whose delay would run past ``end`` changed at some moment before it instead (the
    delay folded into the time it had), so recent orders do not all share ``end`` as their
    last change: a change feed that re-reads its last minute would read thousands of them.
    """
    if added >= end:
        return added
    if added + delay <= end:
        return added + delay
    return added + delay % (end - added + 1)


def _weighted(dice: Dice, choices: tuple[tuple[str, int], ...]) -> str:
    roll = dice.below(100)
    for name, weight in choices:
        if roll < weight:
            return name
        roll -= weight
    return choices[-1][0]


def _source_id(source: str, seq: int, order_id: int) -> str:
    if source == "Shopify":
        return f"SH-{1001 + seq}"
    if source == "Amazon":
        return f"11{seq % 10}-{seq:07d}-{(seq * 7919) % 10_000_000:07d}"
    if source == "eBay":
        return f"{10 + seq % 90}-{seq:05d}-{(seq * 31) % 100_000:05d}"
    offsets = {"Etsy": 2_800_000_000, "WooCommerce": 10_000, "BigCommerce": 100}
    if source in offsets:
        return str(offsets[source] + seq)
    if source == "TikTok":
        return str(576_000_000_000_000_000 + seq * 13)
    return str(order_id)


def _address(dice: Dice, first: str, last: str) -> dict[str, str]:
    streets, city, state, postal, country = dice.pick(PLACES)
    return {
        "first_name": first,
        "last_name": last,
        "company": dice.pick(COMPANIES),
        "address1": f"{100 + dice.below(9900)} {dice.pick(streets)}",
        "address2": f"Apt {1 + dice.below(40)}" if dice.chance(30) else "",
        "address3": "",
        "address4": "",
        "city": city,
        "state": state,
        "postal_code": postal,
        "country": country,
        "phone": f"{200 + dice.below(800)}-555-{dice.below(10000):04d}",
    }


def _checkout_data(dice: Dice, gift: bool) -> dict[str, str]:
    data: dict[str, str] = {}
    if gift or dice.chance(10):
        data["Gift Message"] = dice.pick(GIFT_MESSAGES)
    if dice.chance(10):
        data["Shopper Note"] = dice.pick(SHOPPER_NOTES)
    return data


def _notes(dice: Dice, row: OrderRow) -> list[dict[str, str]]:
    if not dice.chance(15):
        return []
    username, content = dice.pick(STAFF_NOTES)
    stamp = format_stamp(min(row.updated, row.added + 3600))
    return [{"date_added": stamp, "username": username, "content": content}]


def _item_json(product: Product) -> dict[str, Any]:
    return {
        "id": "",
        "name": product.name,
        "price": money_text(product.price),
        "quantity": 0,
        "weight": float(product.weight),
        "code": product.code,
        "delivery_type": "noship" if product.weight == 0 else "ship",
        "category_code": product.category,
        "variation_list": dict(product.variations),
        "metadata": {"image": f"https://cdn.example.com/img/{product.code.lower()}.jpg"},
    }


def _tracking_number(dice: Dice, carrier: str) -> str:
    if carrier == "UPS":
        return f"1Z{dice.below(10**16):016d}"
    if carrier == "FedEx":
        return str(10**11 + dice.below(9 * 10**11))
    if carrier == "DHL":
        return str(10**9 + dice.below(9 * 10**9))
    return f"9400{dice.below(10**18):018d}"
