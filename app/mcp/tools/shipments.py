"""Shipment tools: list, add, update, delete one, and add many across orders."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, WithJsonSchema

from app.core.orderdesk import BatchResult, Shipment
from app.core.services.errors import AlreadyApplied
from app.mcp.shaping import plain
from app.mcp.shaping.tracking import link_changes
from app.mcp.shaping.values import LINE_MONEY, with_money
from app.mcp.tools import approvals
from app.mcp.tools.base import ToolOutput, ToolSpec, reader, writer
from app.mcp.tools.context import Call
from app.mcp.tools.inputs import BatchShipment, ShipmentChanges, ShipmentFields
from app.mcp.tools.order_lines import find_line
from app.mcp.tools.params import (
    IdempotencyNote,
    OrderId,
    RecordId,
    StoreArg,
    wire_date,
)
from app.mcp.tools.schema import (
    BOOLEAN,
    INTEGER,
    RECORD,
    STRING,
    ToolInput,
    input_schema,
    list_of,
    obj,
    undescribed,
)

ShipmentId = Annotated[RecordId, Field(description="The shipment's id (shipments_list).")]


def shipment_json(raw: dict[str, Any]) -> dict[str, Any]:
    """A shipment as tools return it (money and weights as decimal text)."""
    return with_money(raw, LINE_MONEY)


def shipment_body(fields: ShipmentFields | ShipmentChanges) -> dict[str, Any]:
    """The fields a tool call gave, ready for Order Desk (dates in its format)."""
    body = fields.model_dump(exclude_none=True)
    if "date_shipped" in body:
        body["date_shipped"] = wire_date(body["date_shipped"])[:10]
    return body


class ShipmentsListInput(ToolInput):
    """An order's shipments."""

    store: StoreArg = None
    order_id: OrderId


async def shipments_list(call: Call, params: ShipmentsListInput) -> ToolOutput:
    """List an order's shipments."""
    shipments = await call.app.services.orders.list_shipments(call.store, params.order_id)
    data = {
        "order_id": params.order_id,
        "shipments": [shipment_json(s.raw) for s in shipments],
        "count": len(shipments),
    }
    return ToolOutput(data, f"Order {params.order_id} has {len(shipments)} shipment(s).")


class ShipmentsAddInput(ShipmentFields):
    """A parcel to record on one order."""

    store: StoreArg = None
    order_id: OrderId


async def shipments_add(call: Call, params: ShipmentsAddInput) -> ToolOutput:
    """Record a shipment (tracking number) on an order after approval."""
    body = shipment_body(ShipmentFields(**params.model_dump(exclude={"store", "order_id"})))
    await call.approve(
        f"order {params.order_id}",
        f"Add shipment {params.tracking_number} to order {params.order_id}.",
        approvals.additions(body, "shipments.new."),
        order_id=params.order_id,
    )
    try:
        shipment = await call.app.services.orders.add_shipment(
            call.store, params.order_id, body, actor=call.actor
        )
    except AlreadyApplied as first:
        found = first.result if isinstance(first.result, Shipment) else Shipment({})
        data = {
            "order_id": params.order_id,
            "shipment": shipment_json(found.raw),
            "already_added": True,
            "activity_id": first.entry_id,
        }
        return ToolOutput(data, str(first))
    data = {"order_id": params.order_id, "shipment": shipment_json(shipment.raw)}
    return ToolOutput(data, f"Added shipment {shipment.id} to order {params.order_id}.")


class ShipmentsUpdateInput(ToolInput):
    """A change to one shipment."""

    store: StoreArg = None
    order_id: OrderId
    shipment_id: ShipmentId
    changes: ShipmentChanges = Field(description="Only the fields to change; the rest stay.")


async def shipments_update(call: Call, params: ShipmentsUpdateInput) -> ToolOutput:
    """Change fields of a shipment after approval."""
    changes = shipment_body(params.changes)
    if not changes:
        return ToolOutput(
            {"order_id": params.order_id, "shipment": {"id": params.shipment_id}},
            "No fields to change were given; nothing was written.",
        )
    orders = call.app.services.orders
    current = find_line(
        await orders.list_shipments(call.store, params.order_id),
        params.shipment_id,
        params.order_id,
    )
    changes = link_changes(current.raw, changes)
    await call.approve(
        f"order {params.order_id} shipment {params.shipment_id}",
        f"Change shipment {params.shipment_id} of order {params.order_id}.",
        approvals.changes_to(current.raw, changes, "shipment."),
        order_id=params.order_id,
    )
    shipment = await orders.update_shipment(
        call.store, params.order_id, params.shipment_id, changes, actor=call.actor
    )
    data = {"order_id": params.order_id, "shipment": shipment_json(shipment.raw)}
    summary = f"Updated shipment {shipment.id} of order {params.order_id}."
    if "tracking_url" in changes and params.changes.tracking_url is None:
        summary += " Its tracking_url was set to match the carrier and number."
    return ToolOutput(data, summary)


class ShipmentsDeleteInput(ToolInput):
    """Delete one shipment."""

    store: StoreArg = None
    order_id: OrderId
    shipment_id: ShipmentId


async def shipments_delete(call: Call, params: ShipmentsDeleteInput) -> ToolOutput:
    """Delete a shipment after approval."""
    orders = call.app.services.orders
    current = find_line(
        await orders.list_shipments(call.store, params.order_id),
        params.shipment_id,
        params.order_id,
    )
    facts = {k: current.raw.get(k) for k in ("tracking_number", "carrier_code")}
    await call.approve(
        f"order {params.order_id} shipment {params.shipment_id}",
        f"Delete shipment {params.shipment_id} ({current.tracking_number}).",
        approvals.removal(f"shipment {params.shipment_id}", facts),
        order_id=params.order_id,
    )
    await orders.delete_shipment(call.store, params.order_id, params.shipment_id, actor=call.actor)
    data = {"order_id": params.order_id, "deleted_shipment_id": params.shipment_id}
    return ToolOutput(data, f"Deleted shipment {params.shipment_id}.")


class ShipmentsBatchInput(ToolInput):
    """Parcels for several orders at once."""

    store: StoreArg = None
    shipments: Annotated[
        list[BatchShipment],
        Field(min_length=1, max_length=100),
        # shipments_add describes these fields; each entry here is one of its calls.
        WithJsonSchema({**list_of(undescribed(input_schema(BatchShipment))), "maxItems": 100}),
    ]


async def shipments_batch(call: Call, params: ShipmentsBatchInput) -> ToolOutput:
    """Add up to 100 shipments across orders in one request, after one approval."""
    bodies = [{"order_id": entry.order_id, **shipment_body(entry)} for entry in params.shipments]
    ids = [str(b["order_id"]) for b in bodies]
    found = await approvals.orders_by_id(call, sorted(set(ids))) if call.asks_person else {}
    diff = [
        approvals.FieldChange(
            "shipments.new",
            None,
            b["tracking_number"],
            approvals.order_label(found[i]) if i in found else f"order {i}",
        )
        for i, b in zip(ids, bodies, strict=True)
    ]
    await call.approve(
        f"{len(bodies)} order(s)", f"Add {len(bodies)} shipment(s) in one batch.", diff
    )
    summary = ""
    try:
        result = await call.app.services.orders.add_shipments_batch(
            call.store, bodies, actor=call.actor
        )
    except AlreadyApplied as first:
        if not isinstance(first.result, BatchResult):
            raise
        result, summary = first.result, str(first)
    results = [
        {"ok": item.ok, "id": item.id, "message": item.message, "order_id": body["order_id"]}
        for item, body in zip(result.results, bodies, strict=False)
    ]
    failed = sum(1 for item in results if not item["ok"])
    data: dict[str, Any] = {"results": plain(results), "failed": failed}
    if summary:
        data["already_added"] = True
    return ToolOutput(data, summary or f"Batch of {len(bodies)} shipment(s): {failed} failed.")


_ONE_OUT = obj({"order_id": STRING, "shipment": RECORD}, ("order_id", "shipment"))
TOOLS: list[ToolSpec[Any]] = [
    reader(
        "shipments_list",
        "List an order's shipments",
        "List the shipments (parcels with tracking numbers) recorded on one order.",
        ShipmentsListInput,
        obj(
            {"order_id": STRING, "shipments": list_of(RECORD), "count": INTEGER},
            ("order_id", "shipments", "count"),
        ),
        shipments_list,
    ),
    writer(
        "shipments_add",
        "Add a shipment",
        "Record a parcel on an order with its tracking number. The "
        "carrier and tracking URL are detected when omitted; list order_items for a partial "
        "shipment. Order Desk may notify the customer. " + IdempotencyNote,
        ShipmentsAddInput,
        _ONE_OUT,
        shipments_add,
        scope="write-shipments",
        destructive=True,
        idempotent=False,
    ),
    writer(
        "shipments_update",
        "Update a shipment",
        "Change fields of a recorded shipment, e.g. a mistyped tracking number; fields not "
        "given stay, and tracking_url follows a new number or carrier.",
        ShipmentsUpdateInput,
        _ONE_OUT,
        shipments_update,
        scope="write-shipments",
        destructive=True,
        idempotent=False,
    ),
    writer(
        "shipments_delete",
        "Delete a shipment",
        "Delete a shipment from an order. Cannot be undone in Order Desk.",
        ShipmentsDeleteInput,
        obj(
            {"order_id": STRING, "deleted_shipment_id": STRING},
            ("order_id", "deleted_shipment_id"),
        ),
        shipments_delete,
        scope="delete",
        destructive=True,
        idempotent=False,
    ),
    writer(
        "shipments_batch",
        "Add shipments to many orders",
        "Add up to 100 shipments across orders in one request. Each entry takes "
        "shipments_add's arguments (not store) and succeeds or fails on its own; results "
        "follow input order. " + IdempotencyNote,
        ShipmentsBatchInput,
        obj(
            {
                "results": list_of(
                    obj({"ok": BOOLEAN, "id": STRING, "message": STRING, "order_id": STRING})
                ),
                "failed": INTEGER,
            },
            ("results", "failed"),
        ),
        shipments_batch,
        scope="write-shipments",
        destructive=True,
        idempotent=False,
    ),
]
