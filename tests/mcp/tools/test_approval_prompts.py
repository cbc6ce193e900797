"""What an "ask" write shows the person at the tray, and denied writes in the ledger."""

from __future__ import annotations

from typing import Any

from app.core.access import Policy, order_label
from app.core.events import APPROVAL_REQUESTED, Event
from app.mcp.tools.context import McpContext
from tests.mcp.tools.conftest import connect, make_identity


def _answering(app_ctx: McpContext, approve: bool, seen: list[dict[str, Any]]) -> Any:
    """Attach an approver that records each prompt and answers it at once."""
    detach = app_ctx.approvals.attach_approver()

    def on_event(event: Event) -> None:
        if event.kind == APPROVAL_REQUESTED:
            seen.append(dict(event.data))
            app_ctx.approvals.decide(str(event.data["request_id"]), approve)

    unsubscribe = app_ctx.hub.subscribe(on_event)

    def stop() -> None:
        unsubscribe()
        detach()

    return stop


async def test_a_move_prompt_names_orders_customers_and_folders(app_ctx: McpContext) -> None:
    services = app_ctx.services
    store = await services.stores.resolve("Demo")
    folders = (await services.stores.info(store)).folders
    orders = (await services.orders.list(store, limit=3)).orders
    target = next(name for fid, name in folders.items() if fid != orders[0].raw["folder_id"])
    seen: list[dict[str, Any]] = []
    stop = _answering(app_ctx, False, seen)
    try:
        async with connect(app_ctx, make_identity("all", Policy.ASK)) as session:
            ids = [order.id for order in orders]
            text = await session.error("orders_move", {"order_ids": ids, "folder_name": target})
    finally:
        stop()
    assert "declined" in text
    [prompt] = seen
    assert prompt["store"] == "Demo" and prompt["target"] == "3 orders"
    assert prompt["summary"] == f"Move 3 order(s) to folder {target}; the folder's rules will run."
    expected = [
        {
            "field": "folder",
            "before": folders[int(order.raw["folder_id"])],
            "after": target,
            "subject": order_label(order.raw),
        }
        for order in orders
    ]
    assert list(prompt["diff"]) == expected
    assert all(
        change["subject"].startswith("#") and " · " in change["subject"] for change in expected
    )
    page = await services.audit.query(limit=5)
    denied = page.entries[0]
    assert (denied.state, denied.outcome) == ("denied", "denied: by the user")
    assert (denied.actor, denied.action, denied.target) == (
        "mcp:test-client",
        "orders_move",
        "3 orders",
    )


async def test_an_ask_write_with_no_tray_is_denied_and_on_record(app_ctx: McpContext) -> None:
    services = app_ctx.services
    store = await services.stores.resolve("Demo")
    order = (await services.orders.list(store, limit=1)).orders[0]
    async with connect(app_ctx, make_identity("all", Policy.ASK)) as session:
        change = {"order_id": order.id, "changes": {"email": "new@example.com"}}
        text = await session.error("orders_update", change)
    assert "no tray is running" in text
    denied = (await services.audit.query(limit=1)).entries[0]
    assert (denied.state, denied.outcome) == ("denied", "denied: no tray to approve it")
    assert denied.target == f"order {order_label(order.raw)}"


async def test_policy_allow_spends_no_request_on_names(app_ctx: McpContext) -> None:
    services = app_ctx.services
    store = await services.stores.resolve("Demo")
    folders = (await services.stores.info(store)).folders
    order = (await services.orders.list(store, limit=1)).orders[0]
    target = next(name for fid, name in folders.items() if fid != order.raw["folder_id"])
    async with connect(app_ctx, make_identity("all", Policy.ALLOW)) as session:
        calls: list[str] = []
        original = services.orders.get

        async def counting_get(*args: Any, **kwargs: Any) -> Any:
            calls.append("get")
            return await original(*args, **kwargs)

        services.orders.get = counting_get  # type: ignore[method-assign]
        try:
            await session.ok("orders_move", {"order_ids": [order.id], "folder_name": target})
        finally:
            del services.orders.get
    assert calls == []


async def test_shipment_and_note_prompts_name_the_order(app_ctx: McpContext) -> None:
    services = app_ctx.services
    store = await services.stores.resolve("Demo")
    order = (await services.orders.list(store, limit=1)).orders[0]
    label = order_label(order.raw)
    seen: list[dict[str, Any]] = []
    stop = _answering(app_ctx, False, seen)
    try:
        async with connect(app_ctx, make_identity("all", Policy.ASK)) as session:
            shipment = {"order_id": order.id, "tracking_number": "1Z999", "carrier_code": "UPS"}
            await session.error("shipments_add", shipment)
            await session.error("order_history_add", {"order_id": order.id, "note": "Hi"})
            batch = {"shipments": [{**shipment, "tracking_number": "1Z998"}]}
            await session.error("shipments_batch", batch)
    finally:
        stop()
    add, note, many = seen
    assert add["target"] == f"order {label}"
    assert add["summary"] == f"Add shipment 1Z999 to order {label}."
    assert {change["subject"] for change in add["diff"]} == {label}
    assert note["summary"] == f"Add a history note to order {label}."
    assert [(c["subject"], c["after"]) for c in many["diff"]] == [(label, "1Z998")]
