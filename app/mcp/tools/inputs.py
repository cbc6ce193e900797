"""Nested argument models shared by the write tools (addresses, lines, shipments)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from app.mcp.tools.params import DateArg, Money, Quantity, RecordId
from app.mcp.tools.schema import ToolInput

Short = Annotated[str, Field(max_length=200)]
ChangeSet = Annotated[
    dict[str, object],
    Field(min_length=1, max_length=60),
]


class Address(ToolInput):
    """A postal address (all fields optional)."""

    first_name: Short | None = None
    last_name: Short | None = None
    company: Short | None = None
    address1: Short | None = None
    address2: Short | None = None
    address3: Short | None = None
    address4: Short | None = None
    city: Short | None = None
    state: Short | None = None
    postal_code: Annotated[str, Field(max_length=30)] | None = None
    country: Annotated[str, Field(max_length=60)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None


class NewItem(ToolInput):
    """An order line to add."""

    name: Annotated[str, Field(min_length=1, max_length=300, description="Product name.")]
    code: Annotated[str, Field(min_length=1, max_length=100, description="SKU.")]
    price: Money
    quantity: Annotated[int, Field(ge=1, le=100_000)]
    weight: Money | None = None
    delivery_type: Literal["ship", "noship", "download", "future"] | None = None
    variation_list: dict[str, Annotated[str, Field(max_length=200)]] | None = Field(
        default=None, max_length=20, description='Options, e.g. {"Size": "M"}.'
    )


class ItemChanges(ToolInput):
    """Fields of an order line to change (others stay)."""

    name: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    code: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    price: Money | None = None
    quantity: Quantity | None = None
    weight: Money | None = None
    delivery_type: Literal["ship", "noship", "download", "future"] | None = None
    variation_list: dict[str, Annotated[str, Field(max_length=200)]] | None = Field(
        default=None, max_length=20
    )


class ShippedLine(ToolInput):
    """Part of an order in a parcel (for a partial shipment)."""

    id: RecordId | None = Field(default=None, description="Order item id.")
    code: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="SKU, instead of the item id."
    )
    quantity: Annotated[int, Field(ge=1, le=100_000)]


class ShipmentFields(ToolInput):
    """A parcel's details."""

    tracking_number: Annotated[
        str,
        Field(min_length=1, max_length=100, description='Carrier tracking number, or "n/a".'),
    ]
    carrier_code: Annotated[str, Field(max_length=50)] | None = Field(
        default=None, description="UPS, USPS, FedEx, DHL...; detected if omitted."
    )
    shipment_method: Annotated[str, Field(max_length=100)] | None = Field(
        default=None, description="Service, e.g. Priority Mail."
    )
    weight: Money | None = None
    cost: Money | None = Field(default=None, description="What the parcel cost the merchant.")
    tracking_url: Annotated[str, Field(max_length=500, pattern=r"^https?://")] | None = None
    date_shipped: DateArg | None = None
    order_items: list[ShippedLine] | None = Field(
        default=None,
        max_length=200,
        description="For a partial shipment: the lines in this parcel.",
    )


class ShipmentChanges(ToolInput):
    """Fields of a shipment to change (others stay)."""

    tracking_number: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    carrier_code: Annotated[str, Field(max_length=50)] | None = None
    shipment_method: Annotated[str, Field(max_length=100)] | None = None
    weight: Money | None = None
    cost: Money | None = None
    tracking_url: Annotated[str, Field(max_length=500, pattern=r"^https?://")] | None = None
    date_shipped: DateArg | None = None


class BatchShipment(ShipmentFields):
    """A parcel for one of several orders."""

    order_id: RecordId
