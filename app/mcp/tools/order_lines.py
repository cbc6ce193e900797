"""Order history notes and order lines (items): add a note, add/update/remove an item."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

from pydantic import Field

from app.core.orderdesk import OrderItem, RecordView
from app.core.services.errors import AlreadyApplied
from app.mcp.shaping.orders import shape_line
from app.mcp.shaping.untrusted import UNTRUSTED_KEY, group
from app.mcp.tools import approvals
from app.mcp.tools.base import ToolError, ToolOutput, ToolSpec, writer
from app.mcp.tools.context import Call
from app.mcp.tools.inputs import ItemChanges, NewItem
from app.mcp.tools.params import IdempotencyNote, OrderId, RecordId, StoreArg
from app.mcp.tools.schema import RECORD, STRING, ToolInput, obj

LineT = TypeVar("LineT", bound=RecordView)
ItemId = Annotated[RecordId, Field(description="The line's id (order_items[].id).")]


def line_json(raw: dict[str, Any]) -> dict[str, Any]:
    """One order line shaped for a model: facts, and its name in the untrusted group."""
    trusted, other = shape_line(raw)
    return {**trusted, UNTRUSTED_KEY: group(other)} if other else trusted


def find_line(lines: Sequence[LineT], line_id: str, order_id: str) -> LineT:
    """Return the line (item or shipment) with ``line_id`` or raise a helpful error."""
    for line in lines:
        if line.id == line_id:
            return line
    raise ToolError(
        f"Order {order_id} has no line or shipment with id {line_id}. Call orders_get (lines) "
        "or shipments_list (shipments) to see the current ids."
    )


class HistoryAddInput(ToolInput):
    """A note for the order's history."""

    store: StoreArg = None
    order_id: OrderId
    note: Annotated[
        str,
        Field(min_length=1, max_length=1800, description="The note (up to 1,800 characters)."),
    ]


async def order_history_add(call: Call, params: HistoryAddInput) -> ToolOutput:
    """Append a note to an order's history after approval."""
    await call.approve(
        f"order {params.order_id}",
        f"Add a history note to order {params.order_id}.",
        approvals.additions({"order_history.note": params.note}),
        order_id=params.order_id,
    )
    try:
        await call.app.services.orders.add_note(
            call.store, params.order_id, params.note, actor=call.actor
        )
    except AlreadyApplied as first:
        return ToolOutput(
            {"order_id": params.order_id, "added": True, "already_added": True,
             "activity_id": first.entry_id},
            str(first),
        )  # fmt: skip
    return ToolOutput(
        {"order_id": params.order_id, "added": True},
        f"Added a history note to order {params.order_id}.",
    )


class ItemsAddInput(ToolInput):
    """A line to add to an order."""

    store: StoreArg = None
    order_id: OrderId
    item: NewItem


async def order_items_add(call: Call, params: ItemsAddInput) -> ToolOutput:
    """Add a line to an order after approval (Order Desk recalculates totals)."""
    body = params.item.model_dump(exclude_none=True)
    await call.approve(
        f"order {params.order_id}",
        f"Add {params.item.quantity} x {params.item.code} to order {params.order_id}.",
        approvals.additions(body, "order_items.new."),
        order_id=params.order_id,
    )
    try:
        item = await call.app.services.orders.add_item(
            call.store, params.order_id, body, actor=call.actor
        )
    except AlreadyApplied as first:
        if not isinstance(first.result, OrderItem):
            raise
        data = {"order_id": params.order_id, "item": line_json(first.result.raw)}
        return ToolOutput({**data, "already_added": True}, str(first))
    data = {"order_id": params.order_id, "item": line_json(item.raw)}
    return ToolOutput(data, f"Added line {item.id} ({item.code}) to order {params.order_id}.")


class ItemsUpdateInput(ToolInput):
    """A change to one order line."""

    store: StoreArg = None
    order_id: OrderId
    item_id: ItemId
    changes: ItemChanges = Field(description="Only the fields to change; the rest stay.")


async def order_items_update(call: Call, params: ItemsUpdateInput) -> ToolOutput:
    """Change fields of an order line after approval."""
    changes = params.changes.model_dump(exclude_none=True)
    if not changes:
        return ToolOutput(
            {"order_id": params.order_id, "item": {"id": params.item_id}},
            "No fields to change were given; nothing was written.",
        )
    orders = call.app.services.orders
    current = find_line(
        await orders.list_items(call.store, params.order_id), params.item_id, params.order_id
    )
    await call.approve(
        f"order {params.order_id} line {params.item_id}",
        f"Change line {params.item_id} of order {params.order_id}.",
        approvals.changes_to(current.raw, changes, f"order_items.{params.item_id}."),
        order_id=params.order_id,
    )
    item = await orders.update_item(
        call.store, params.order_id, params.item_id, changes, actor=call.actor
    )
    data = {"order_id": params.order_id, "item": line_json(item.raw)}
    return ToolOutput(data, f"Updated line {item.id} of order {params.order_id}.")


class ItemsRemoveInput(ToolInput):
    """Remove one order line."""

    store: StoreArg = None
    order_id: OrderId
    item_id: ItemId


async def order_items_remove(call: Call, params: ItemsRemoveInput) -> ToolOutput:
    """Remove a line from an order after approval."""
    orders = call.app.services.orders
    current = find_line(
        await orders.list_items(call.store, params.order_id), params.item_id, params.order_id
    )
    facts = {k: current.raw.get(k) for k in ("code", "quantity", "price")}
    await call.approve(
        f"order {params.order_id} line {params.item_id}",
        f"Remove line {params.item_id} ({current.code}) from order {params.order_id}.",
        approvals.removal(f"order_items.{params.item_id}", facts),
        order_id=params.order_id,
    )
    await orders.remove_item(call.store, params.order_id, params.item_id, actor=call.actor)
    data = {"order_id": params.order_id, "removed_item_id": params.item_id}
    return ToolOutput(data, f"Removed line {params.item_id} from order {params.order_id}.")


_ITEM_OUT = obj({"order_id": STRING, "item": RECORD}, ("order_id", "item"))
TOOLS: list[ToolSpec[Any]] = [
    writer(
        "order_history_add",
        "Add an order history note",
        "Append a note to an order's history (append-only, about 250 entries: not for "
        "routine logs). " + IdempotencyNote,
        HistoryAddInput,
        obj({"order_id": STRING, "added": {"type": "boolean"}}, ("order_id", "added")),
        order_history_add,
        scope="write-notes",
        destructive=False,
        idempotent=False,
    ),
    writer(
        "order_items_add",
        "Add an order line",
        "Add a product line to an order; Order Desk recalculates the "
        "totals. The code (SKU) links the line to inventory.",
        ItemsAddInput,
        _ITEM_OUT,
        order_items_add,
        scope="write-orders",
        destructive=True,
        idempotent=False,
    ),
    writer(
        "order_items_update",
        "Update an order line",
        "Change fields of one order line (ids from orders_get), e.g. quantity or price; the "
        "rest stays.",
        ItemsUpdateInput,
        _ITEM_OUT,
        order_items_update,
        scope="write-orders",
        destructive=True,
        idempotent=False,
    ),
    writer(
        "order_items_remove",
        "Remove an order line",
        "Remove one line from an order; Order Desk recalculates the totals. "
        "This cannot be undone in Order Desk.",
        ItemsRemoveInput,
        obj({"order_id": STRING, "removed_item_id": STRING}, ("order_id", "removed_item_id")),
        order_items_remove,
        scope="delete",
        destructive=True,
        idempotent=False,
    ),
]
