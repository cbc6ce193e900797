"""Order writing tools: create, update (change set), delete, move."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import Field, WithJsonSchema, model_validator

from app.core.access.identity import Policy
from app.core.orderdesk import MoveResult, Order
from app.core.services.errors import AlreadyApplied
from app.core.services.merge import FieldChange
from app.core.services.orders import OrderUpdate
from app.mcp.shaping import shape_order
from app.mcp.tools import approvals
from app.mcp.tools.base import ToolOutput, ToolSpec, writer
from app.mcp.tools.context import Call
from app.mcp.tools.inputs import Address, ChangeSet, NewItem
from app.mcp.tools.params import DateArg, IdempotencyNote, Money, OrderId, StoreArg
from app.mcp.tools.schema import RECORD, STRING, ToolInput, list_of, obj

_ORDER_OUT = obj({"order": RECORD, "date_updated": STRING}, ("order",))


class OrdersCreateInput(ToolInput):
    """A new order."""

    store: StoreArg = None
    order_items: list[NewItem] = Field(min_length=1, max_length=200)
    shipping: Address = Field(description="Shipping address; needs a name or company.")
    customer: Annotated[
        Address | None,
        WithJsonSchema(
            {
                "type": "object",
                "description": "Billing address, fields as shipping; copied when omitted.",
            }
        ),
    ] = None
    email: Annotated[str, Field(max_length=200)] | None = None
    source_id: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="Your own order number (used to find it again)."
    )
    source_name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    shipping_method: Annotated[str, Field(max_length=200)] | None = None
    shipping_total: Money | None = None
    handling_total: Money | None = None
    tax_total: Money | None = None
    discount_total: Money | None = None
    payment_status: (
        Literal[
            "Approved",
            "Authorized",
            "Captured",
            "Fully Refunded",
            "Partially Refunded",
            "Pending",
            "Rejected",
            "Voided",
        ]
        | None
    ) = None
    folder_id: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="Folder to create it in (default: the first)."
    )
    checkout_data: dict[str, Annotated[str, Field(max_length=500)]] | None = Field(
        default=None, max_length=30, description='Visible extra details, e.g. {"Gift": "..."}.'
    )


async def orders_create(call: Call, params: OrdersCreateInput) -> ToolOutput:
    """Create an order after approval."""
    body = params.model_dump(exclude_none=True, exclude={"store"})
    label = params.source_id or "(no source id)"
    await call.approve(
        f"new order {label}",
        f"Create an order with {len(params.order_items)} line(s), source id {label}.",
        approvals.additions(body),
    )
    try:
        order = await call.app.services.orders.create(call.store, body, actor=call.actor)
    except AlreadyApplied as first:
        found = first.result if isinstance(first.result, Order) else Order({})
        data = {
            "order": shape_order(found.raw, "standard"),
            "date_updated": str(found.raw.get("date_updated") or ""),
            "already_added": True,
            "activity_id": first.entry_id,
        }
        return ToolOutput(data, str(first))
    version = str(order.raw.get("date_updated") or "")
    data = {"order": shape_order(order.raw, "standard"), "date_updated": version}
    return ToolOutput(data, f"Created order {order.id} (source id {order.source_id}).")


class OrdersUpdateInput(ToolInput):
    """A partial change to one order."""

    store: StoreArg = None
    order_id: OrderId
    changes: ChangeSet = Field(
        description=(
            'Only the fields to change. Objects merge ({"shipping": {"city": "Austin"}} keeps '
            "the rest); null clears; order_notes are appended. Not here: id, dates, folder_id "
            "(orders_move), order_items, order_shipments (their own tools)."
        )
    )
    expected_date_updated: DateArg | None = Field(
        default=None,
        description=(
            "The date_updated you read (orders_get): if the order changed since, nothing is "
            "written. Strongly recommended."
        ),
    )


async def orders_update(call: Call, params: OrdersUpdateInput) -> ToolOutput:
    """Merge the change on the latest version and write it (2 requests under policy allow).

    Under "allow" the approval decides at once, so the service's own fresh GET is both the
    preview and the merge base (GET + PUT, tokens taken together). Otherwise the change is
    previewed (one GET), approved, and written with a version check on the previewed copy.
    """
    if call.identity.policy is Policy.ALLOW:
        return _updated(params, await _update_now(call, params))
    orders = call.app.services.orders
    preview = await orders.preview_update(
        call.store,
        params.order_id,
        params.changes,
        expected_date_updated=params.expected_date_updated,
    )
    if not preview:
        return _updated(params, None)
    # The version the user approves: a change made while approval is pending is a conflict.
    seen = await orders.get(call.store, params.order_id)
    label = approvals.order_label(seen.raw)
    diff = approvals.from_service(preview, label)
    await call.approve(
        f"order {label}",
        f"Change {len(diff)} field(s) of order {label}.",
        diff,
    )
    outcome = await orders.update(
        call.store,
        params.order_id,
        params.changes,
        expected_date_updated=str(seen.raw.get("date_updated") or "") or None,
        actor=call.actor,
    )
    return _updated(params, outcome)


async def _update_now(call: Call, params: OrdersUpdateInput) -> OrderUpdate:
    async def confirm(changes: Sequence[FieldChange]) -> None:
        diff = approvals.from_service(changes)
        await call.approve(
            f"order {params.order_id}",
            f"Change {len(diff)} field(s) of order {params.order_id}.",
            diff,
        )

    return await call.app.services.orders.update(
        call.store,
        params.order_id,
        params.changes,
        expected_date_updated=params.expected_date_updated,
        actor=call.actor,
        confirm=confirm,
    )


def _updated(params: OrdersUpdateInput, outcome: OrderUpdate | None) -> ToolOutput:
    if outcome is None or not outcome.written:
        return ToolOutput(
            {"order_id": params.order_id, "changed_fields": [], "written": False},
            f"Order {params.order_id} already has those values; nothing was written.",
        )
    changed = [change.name for change in outcome.changes]
    window = f"{outcome.window_ms:.0f} ms" if outcome.window_ms is not None else "unknown"
    data = {
        "order_id": params.order_id,
        "changed_fields": changed,
        "written": True,
        "date_updated": str(outcome.order.raw.get("date_updated") or ""),
        "merged_on_version": outcome.merged_on,
        "read_to_write_ms": None if outcome.window_ms is None else round(outcome.window_ms, 1),
        "activity_id": outcome.audit_id,
    }
    return ToolOutput(
        data,
        f"Updated order {params.order_id}: {', '.join(changed)}. Merged on the version read at"
        f" date_updated {outcome.merged_on} (read-to-write window {window}); an edit made in"
        " Order Desk inside that window would have been overwritten.",
    )


class OrdersDeleteInput(ToolInput):
    """Delete one order."""

    store: StoreArg = None
    order_id: OrderId


async def orders_delete(call: Call, params: OrdersDeleteInput) -> ToolOutput:
    """Delete an order permanently after approval."""
    order = await call.app.services.orders.get(call.store, params.order_id)
    label = approvals.order_label(order.raw)
    folder: object = order.raw.get("folder_id")
    if call.asks_person:
        folder = (await approvals.folder_names(call)).get(_int(folder) or -1, folder)
    facts = {"total": order.raw.get("order_total"), "folder": folder}
    changes = [approvals.FieldChange(k, v, None, label) for k, v in facts.items()]
    await call.approve(
        f"order {label}",
        f"Delete order {label} (Order Desk id {order.id}) permanently.",
        changes,
    )
    await call.app.services.orders.delete(call.store, params.order_id, actor=call.actor)
    return ToolOutput({"deleted_order_id": order.id}, f"Deleted order {order.id}.")


class OrdersMoveInput(ToolInput):
    """Move orders to a folder."""

    store: StoreArg = None
    order_ids: list[OrderId] = Field(min_length=1, max_length=100)
    folder_id: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="Destination folder id (store_info)."
    )
    folder_name: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="Or its name."
    )

    @model_validator(mode="after")
    def _one_destination(self) -> OrdersMoveInput:
        if (self.folder_id is None) == (self.folder_name is None):
            raise ValueError("give exactly one of folder_id and folder_name")
        return self


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


async def _move_changes(
    call: Call, params: OrdersMoveInput, destination: str
) -> tuple[str, list[approvals.FieldChange]]:
    """The destination's name and one change per order, named as a person knows them.

    Only when a person will see it (policy ``ask``): the folder names come from the cached
    store settings and the orders from cached reads. Otherwise ids are enough.
    """
    ids = [str(order_id) for order_id in params.order_ids]
    if not call.asks_person:
        return destination, [
            approvals.FieldChange("folder", None, destination, f"order {i}") for i in ids
        ]
    folders = await approvals.folder_names(call)
    if params.folder_id is not None:
        destination = folders.get(params.folder_id, destination)
    else:
        wanted = destination.casefold()
        destination = next((n for n in folders.values() if n.casefold() == wanted), destination)
    found = await approvals.orders_by_id(call, ids)
    changes = []
    for order_id in ids:
        raw = found.get(order_id)
        if raw is None:
            changes.append(approvals.FieldChange("folder", None, destination, f"order {order_id}"))
            continue
        now = folders.get(_int(raw.get("folder_id")) or -1, raw.get("folder_id"))
        changes.append(
            approvals.FieldChange("folder", now, destination, approvals.order_label(raw))
        )
    return destination, changes


async def orders_move(call: Call, params: OrdersMoveInput) -> ToolOutput:
    """Move orders to a folder after approval; the folder's rules run in Order Desk."""
    destination = str(params.folder_name if params.folder_id is None else params.folder_id)
    shown, diff = await _move_changes(call, params, destination)
    count = len(params.order_ids)
    await call.approve(
        diff[0].subject if count == 1 else f"{count} orders",
        f"Move {count} order(s) to folder {shown}; the folder's rules will run.",
        diff,
    )
    folder: int | str = params.folder_id if params.folder_id is not None else destination
    summary = f"Moved {len(params.order_ids)} order(s) to folder {destination}."
    try:
        result = await call.app.services.orders.move(
            call.store, params.order_ids, folder, actor=call.actor
        )
    except AlreadyApplied as first:
        if not isinstance(first.result, MoveResult):
            raise
        result, summary = first.result, str(first)
    moved = [
        {
            "order_id": m.order_id,
            "previous_folder_id": m.previous_folder_id,
            "folder_id": m.folder_id,
        }
        for m in result.moved
    ]
    data = {"moved": moved, "message": result.message}
    return ToolOutput(data, summary)


TOOLS: list[ToolSpec[Any]] = [
    writer(
        "orders_create",
        "Create an order",
        "Create an order: at least one line and a shipping name or company. Give source_id "
        "to find it again; a repeat source_id is refused. " + IdempotencyNote,
        OrdersCreateInput,
        _ORDER_OUT,
        orders_create,
        scope="write-orders",
        destructive=True,
        idempotent=False,
    ),
    writer(
        "orders_update",
        "Update an order",
        "Change some fields of an order; the rest is kept (merged into the latest version).",
        OrdersUpdateInput,
        obj(
            {
                "order_id": STRING,
                "changed_fields": list_of(STRING),
                "written": {"type": "boolean"},
                "date_updated": STRING,
                "merged_on_version": {
                    "type": ["string", "null"],
                    "description": "date_updated of the version the change was merged on.",
                },
                "read_to_write_ms": {
                    "type": ["number", "null"],
                    "description": "Time between that read and the write (an edit made in "
                    "Order Desk inside it is overwritten).",
                },
                "activity_id": {"type": ["integer", "null"]},
            },
            ("order_id", "changed_fields", "written"),
        ),
        orders_update,
        scope="write-orders",
        destructive=True,
        idempotent=False,
    ),
    writer(
        "orders_delete",
        "Delete an order",
        "Delete an order permanently (no undo in Order Desk); prefer moving it to a "
        "Canceled folder with orders_move.",
        OrdersDeleteInput,
        obj({"deleted_order_id": STRING}, ("deleted_order_id",)),
        orders_delete,
        scope="delete",
        destructive=True,
        idempotent=False,
    ),
    writer(
        "orders_move",
        "Move orders to a folder",
        "Move up to 100 orders to a folder, by folder id or name. WARNING: the "
        "destination folder's rules run in Order Desk and may e-mail customers, send orders "
        "to fulfilment or charge cards; check the folder with the user first.",
        OrdersMoveInput,
        obj(
            {
                "moved": list_of(
                    obj({"order_id": STRING, "folder_id": {"type": ["integer", "null"]}})
                ),
                "message": STRING,
            },
            ("moved",),
        ),
        orders_move,
        scope="move",
        destructive=True,
        idempotent=False,
    ),
]
