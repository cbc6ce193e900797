"""Notifications a client hears over the local socket: progress while an approval waits,
resources/updated for a subscribed order after a write."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import mcp_types as types
import pytest
from mcp import Client

from app.core.access import ClientIdentity, Policy
from app.core.events import APPROVAL_REQUESTED
from app.core.orderdesk.limiter import report_wait
from app.core.services.local_orders import FIRST_SYNC_WAIT_TEXT
from app.mcp.server import build_server
from app.mcp.tools.context import McpContext
from app.mcp.transport.local import LocalEndpoint
from app.mcp.transport.local_client import local_client_transport
from app.mcp.transport.registry import SessionRegistry
from app.sandbox.faults import Fault
from tests.mcp.tools.conftest import OUTLET_ID, OUTLET_KEY, make_identity

pytestmark = pytest.mark.skipif(not hasattr(asyncio, "open_unix_connection"), reason="Unix sockets")
TOKEN = "odt_notify"


@asynccontextmanager
async def over_socket(
    app: McpContext, identity: ClientIdentity, **options: Any
) -> AsyncIterator[Client]:
    """An SDK client of ``app``'s server over a real local endpoint, as ``identity``."""

    def authenticate(token: str | None) -> ClientIdentity | None:
        return identity if token == TOKEN else None

    endpoint = LocalEndpoint(build_server(app), authenticate, SessionRegistry(app.hub))
    info = await endpoint.start()
    try:
        transport = local_client_transport(info, TOKEN, "notify")
        async with Client(transport, cache=None, **options) as client:
            yield client
    finally:
        await endpoint.stop()


async def test_a_call_waiting_for_approval_hears_progress(app_ctx: McpContext) -> None:
    services = app_ctx.services
    store = await services.stores.resolve("Demo")
    order = (await services.orders.list(store, limit=1)).orders[0]
    asked: list[str] = []
    detach = app_ctx.approvals.attach_approver()
    unsubscribe = app_ctx.hub.subscribe(
        lambda event: (
            asked.append(str(event.data["request_id"]))
            if event.kind == APPROVAL_REQUESTED
            else None
        )
    )
    heard: list[tuple[float, float | None, str | None]] = []
    two_beats = asyncio.Event()

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        heard.append((progress, total, message))
        if len(heard) >= 2:
            two_beats.set()

    try:
        async with over_socket(app_ctx, make_identity("all", Policy.ASK)) as client:
            call = asyncio.ensure_future(
                client.call_tool(
                    "order_history_add",
                    {"order_id": order.id, "note": "Packed twice, check."},
                    progress_callback=on_progress,
                )
            )
            await asyncio.wait_for(two_beats.wait(), 10)
            assert not call.done() and len(asked) == 1
            assert app_ctx.approvals.decide(asked[0], True)
            result = await asyncio.wait_for(call, 10)
    finally:
        unsubscribe()
        detach()
    assert not result.is_error, result
    assert [total for _, total, _ in heard] == [app_ctx.approvals.timeout] * len(heard)
    assert heard[0][0] < heard[1][0]
    assert "approve" in str(heard[0][2])


@pytest.mark.filterwarnings("ignore:resources/.*subscribe is removed")
async def test_a_subscribed_order_hears_it_was_updated(app_ctx: McpContext) -> None:
    store = await app_ctx.services.stores.resolve("Demo")
    first, second = (await app_ctx.services.orders.list(store, limit=2)).orders
    watched = f"orderdesk://stores/Demo/orders/{first.id}"
    updated: list[str] = []
    arrived = asyncio.Event()

    async def on_message(message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            updated.append(str(message.params.uri))
            arrived.set()

    listening = len(app_ctx.hub._callbacks)
    async with over_socket(
        app_ctx, make_identity(), mode="legacy", message_handler=on_message
    ) as client:
        await client.subscribe_resource(watched)
        for order in (second, first):  # a write to an order nobody watches says nothing
            note = {"order_id": order.id, "note": "Checked the address."}
            assert not (await client.call_tool("order_history_add", note)).is_error
        await asyncio.wait_for(arrived.wait(), 10)
        await client.unsubscribe_resource(watched)
        await client.call_tool("order_history_add", {"order_id": first.id, "note": "Again."})
        await asyncio.sleep(0.3)
    assert updated == [watched]
    assert len(app_ctx.hub._callbacks) == listening  # they ended with the session


@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
@pytest.mark.parametrize(("level", "heard"), [("warning", 1), ("error", 0)])
async def test_a_wait_for_the_allowance_is_logged_at_warning(
    app_ctx: McpContext, monkeypatch: pytest.MonkeyPatch, level: str, heard: int
) -> None:
    orders = app_ctx.services.orders
    store = await app_ctx.services.stores.resolve("Demo")
    order = (await orders.list(store, limit=1)).orders[0]
    read = orders.get

    async def waiting_get(*args: Any, **kwargs: Any) -> Any:
        for second in range(3):  # what the connection reports while a 429 makes it wait
            report_wait(float(second), 60.0, "GET /orders/1 waits for a turn")
        return await read(*args, **kwargs)

    monkeypatch.setattr(orders, "get", waiting_get)
    logged: list[types.LoggingMessageNotificationParams] = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        logged.append(params)

    identity = make_identity()
    async with over_socket(app_ctx, identity, mode="legacy", logging_callback=on_log) as client:
        await client.set_logging_level(level)  # type: ignore[arg-type]
        result = await client.call_tool("orders_get", {"order_id": order.id, "fresh": True})
        assert not result.is_error, result
        await client.send_ping()  # the log message went out before the reply; let it land
    assert [(p.level, p.logger) for p in logged] == [("warning", "orderdesk")] * heard
    if heard:
        assert "waits for a turn (at most 60 s)" in str(logged[0].data)


@pytest.mark.filterwarnings("ignore:resources/.*subscribe is removed")
async def test_the_store_list_hears_a_new_store(app_ctx: McpContext, sandbox: Any) -> None:
    updated: list[str] = []
    arrived = asyncio.Event()

    async def on_message(message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            updated.append(str(message.params.uri))
            arrived.set()

    async with over_socket(
        app_ctx, make_identity(), mode="legacy", message_handler=on_message
    ) as client:
        await client.subscribe_resource("orderdesk://stores")
        await app_ctx.services.stores.register(
            "Outlet", OUTLET_ID, OUTLET_KEY, sandbox.base_url, actor="test", index=False
        )
        await asyncio.wait_for(arrived.wait(), 10)
    assert updated == ["orderdesk://stores"]


async def test_a_read_waiting_for_a_first_sync_hears_progress(
    app_ctx: McpContext, sandbox: Any
) -> None:
    """A new small store's first read waits for its first sync, with progress meanwhile."""
    sandbox.add_fault(
        Fault(kind="delay", method="GET", path="/orders*", seconds=2.5, store_id=OUTLET_ID)
    )
    heard: list[str] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        heard.append(message or "")

    await app_ctx.services.stores.register(
        "Outlet", OUTLET_ID, OUTLET_KEY, sandbox.base_url, actor="test"
    )
    async with over_socket(app_ctx, make_identity("all", Policy.ALLOW)) as client:
        listed = await client.call_tool(
            "orders_list", {"store": "Outlet", "limit": 5}, progress_callback=on_progress
        )
    assert not listed.is_error
    assert heard and all(FIRST_SYNC_WAIT_TEXT in message for message in heard)
    assert (listed.structured_content or {}).get("source") == "mirror"
