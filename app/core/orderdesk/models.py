"""Typed, read-only views over Order Desk records.

Each view keeps the server's dict untouched in ``raw`` and converts on access, so a later
full-record PUT can start from exactly what the server sent (use :meth:`RecordView.copy_raw`)
and a diff can prove that only the named fields changed. Never build a PUT body from the typed
accessors: they are lossy on purpose (e.g. ``"24.00"`` and ``24`` both read as ``Decimal``).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from app.core.orderdesk.values import (
    to_date,
    to_datetime,
    to_id,
    to_int,
    to_money,
    to_optional_int,
)

Record = dict[str, Any]


@dataclass(frozen=True)
class RecordView:
    """Base of every record view: the raw server dict plus helpers to read it."""

    raw: Record = field(repr=False)

    def copy_raw(self) -> Record:
        """Return a deep copy of the server's dict, safe to edit into a PUT body."""
        return copy.deepcopy(self.raw)

    def _text(self, key: str) -> str:
        value = self.raw.get(key)
        return "" if value is None else str(value)

    def _mapping(self, key: str) -> Mapping[str, Any]:
        value = self.raw.get(key)
        return value if isinstance(value, Mapping) else {}

    def _records(self, key: str) -> list[Record]:
        value = self.raw.get(key)
        if not isinstance(value, list):
            return []
        return [entry for entry in value if isinstance(entry, dict)]

    @property
    def id(self) -> str:
        """Order Desk's internal id, as a string."""
        return to_id(self.raw.get("id"))


@dataclass(frozen=True, repr=False)
class OrderItem(RecordView):
    """One line of an order (``order_items[]``)."""

    @property
    def name(self) -> str:
        """Product name as shown on the order."""
        return self._text("name")

    @property
    def code(self) -> str:
        """SKU; links the line to an inventory item's ``code``."""
        return self._text("code")

    @property
    def price(self) -> Decimal:
        """Unit price."""
        return to_money(self.raw.get("price"))

    @property
    def quantity(self) -> int:
        """Units ordered."""
        return to_int(self.raw.get("quantity"))

    @property
    def weight(self) -> Decimal:
        """Unit weight."""
        return to_money(self.raw.get("weight"))

    @property
    def delivery_type(self) -> str:
        """``ship``, ``noship``, ``download`` or ``future``."""
        return self._text("delivery_type")

    @property
    def variation_list(self) -> Mapping[str, Any]:
        """Option name to value, e.g. ``{"Size": "M"}``."""
        return self._mapping("variation_list")

    def __repr__(self) -> str:
        return f"OrderItem(id={self.id!r}, code={self.code!r}, quantity={self.quantity})"


@dataclass(frozen=True, repr=False)
class Shipment(RecordView):
    """One parcel of an order (``order_shipments[]`` and the shipment endpoints)."""

    @property
    def order_id(self) -> str:
        """Id of the order this shipment belongs to."""
        return to_id(self.raw.get("order_id"))

    @property
    def tracking_number(self) -> str:
        """Carrier tracking number (``n/a`` when there is none)."""
        return self._text("tracking_number")

    @property
    def carrier_code(self) -> str:
        """Carrier, e.g. ``USPS``."""
        return self._text("carrier_code")

    @property
    def shipment_method(self) -> str:
        """Service name, e.g. ``Priority Mail``."""
        return self._text("shipment_method")

    @property
    def tracking_url(self) -> str:
        """Link to the carrier's tracking page."""
        return self._text("tracking_url")

    @property
    def weight(self) -> Decimal:
        """Final parcel weight."""
        return to_money(self.raw.get("weight"))

    @property
    def cost(self) -> Decimal:
        """What the parcel cost the merchant."""
        return to_money(self.raw.get("cost"))

    @property
    def date_shipped(self) -> date | None:
        """Ship date (date only)."""
        return to_date(self.raw.get("date_shipped"))

    @property
    def date_added(self) -> datetime | None:
        """When the shipment was recorded (UTC)."""
        return to_datetime(self.raw.get("date_added"))

    def __repr__(self) -> str:
        return f"Shipment(id={self.id!r}, order_id={self.order_id!r})"


@dataclass(frozen=True, repr=False)
class Order(RecordView):
    """A full order as Order Desk returns it.

    ``as_of`` is when this copy was known to match Order Desk (epoch seconds; ``None`` when
    unknown): the read's time, or the last change-feed sync for a copy from the local mirror
    (``from_mirror``).
    """

    as_of: float | None = field(default=None, compare=False)
    from_mirror: bool = field(default=False, compare=False)

    def age(self, now: float | None = None) -> float | None:
        """Seconds since :attr:`as_of` (``None`` when unknown)."""
        if self.as_of is None:
            return None
        return max(0.0, (time.time() if now is None else now) - self.as_of)

    @property
    def source_id(self) -> str:
        """The cart's own order id."""
        return to_id(self.raw.get("source_id"))

    @property
    def source_name(self) -> str:
        """Where the order came from, e.g. ``Shopify``."""
        return self._text("source_name")

    @property
    def email(self) -> str:
        """Customer e-mail."""
        return self._text("email")

    @property
    def folder_id(self) -> int | None:
        """The folder holding the order."""
        return to_optional_int(self.raw.get("folder_id"))

    @property
    def payment_status(self) -> str:
        """Payment status, e.g. ``Captured``."""
        return self._text("payment_status")

    @property
    def shipping_method(self) -> str:
        """Chosen shipping method."""
        return self._text("shipping_method")

    @property
    def order_total(self) -> Decimal:
        """Grand total."""
        return to_money(self.raw.get("order_total"))

    @property
    def quantity_total(self) -> int:
        """Total units over all lines."""
        return to_int(self.raw.get("quantity_total"))

    def money(self, key: str) -> Decimal:
        """Read any money field by name (``product_total``, ``tax_total``, ...)."""
        return to_money(self.raw.get(key))

    @property
    def date_added(self) -> datetime | None:
        """When the order was created (UTC)."""
        return to_datetime(self.raw.get("date_added"))

    @property
    def date_updated(self) -> datetime | None:
        """When the order last changed (UTC); the basis of conflict checks."""
        return to_datetime(self.raw.get("date_updated"))

    @property
    def shipping(self) -> Mapping[str, Any]:
        """Shipping address."""
        return self._mapping("shipping")

    @property
    def customer(self) -> Mapping[str, Any]:
        """Billing (customer) address."""
        return self._mapping("customer")

    @property
    def items(self) -> list[OrderItem]:
        """The order's lines."""
        return [OrderItem(entry) for entry in self._records("order_items")]

    @property
    def shipments(self) -> list[Shipment]:
        """The order's shipments."""
        return [Shipment(entry) for entry in self._records("order_shipments")]

    def __repr__(self) -> str:
        return f"Order(id={self.id!r}, source_id={self.source_id!r})"


@dataclass(frozen=True, repr=False)
class InventoryItem(RecordView):
    """A product in the store's inventory."""

    @property
    def name(self) -> str:
        """Product name."""
        return self._text("name")

    @property
    def code(self) -> str:
        """SKU."""
        return self._text("code")

    @property
    def price(self) -> Decimal:
        """Selling price."""
        return to_money(self.raw.get("price"))

    @property
    def cost(self) -> Decimal:
        """Merchant's cost."""
        return to_money(self.raw.get("cost"))

    @property
    def weight(self) -> Decimal:
        """Unit weight."""
        return to_money(self.raw.get("weight"))

    @property
    def stock(self) -> int:
        """Units available."""
        return to_int(self.raw.get("stock"))

    @property
    def location(self) -> str:
        """Warehouse, bin or fulfilment method."""
        return self._text("location")

    @property
    def date_updated(self) -> datetime | None:
        """When the item last changed (UTC)."""
        return to_datetime(self.raw.get("date_updated"))

    def __repr__(self) -> str:
        return f"InventoryItem(id={self.id!r}, code={self.code!r})"


RecordT = TypeVar("RecordT", bound=RecordView)


@dataclass(frozen=True)
class Page(Generic[RecordT]):
    """One page of a paginated list, with the server's paging numbers."""

    records: list[RecordT]
    total_records: int
    offset: int
    limit: int
    records_returned: int

    @property
    def is_last(self) -> bool:
        """True when no further page can hold records."""
        if self.records_returned == 0 or self.records_returned < self.limit:
            return True
        return self.offset + self.records_returned >= self.total_records


OrderPage = Page[Order]
InventoryPage = Page[InventoryItem]
