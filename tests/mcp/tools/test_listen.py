"""2026-era change notifications: ``subscriptions/listen`` streams, over the local socket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.client.subscriptions import Subscription
from mcp.shared.subscriptions import ResourcesListChanged, ResourceUpdated, ToolsListChanged

from app.core.access import ClientRegistry
from app.core.db import ClientToken
from app.mcp.server import build_server
from app.mcp.tools.context import McpContext
from app.mcp.transport.local_client import local_client_transport
from app.mcp.transport.session import SessionState, session_scope
from tests.mcp.tools.conftest import OUTLET_ID, OUTLET_KEY, make_identity
from tests.mcp.tools.socket_clients import endpoint_of

pytestmark = pytest.mark.skipif(not hasattr(asyncio, "open_unix_connection"), reason="Unix sockets")
MODERN = "2026-07-28"


class Events:
    """Collects a listen stream's events in the background; ``wait(kind)`` waits for one."""

    def __init__(self, stream: Subscription) -> None:
        self.seen: list[Any] = []
        self._arrived = asyncio.Condition()
        self._task = asyncio.ensure_future(self._collect(stream))

    async def _collect(self, stream: Subscription) -> None:
        async for event in stream:
            async with self._arrived:
                self.seen.append(event)
                self._arrived.notify_all()

    async def wait(self, event: Any) -> None:
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: event in self.seen), 30)

    def stop(self) -> None:
        self._task.cancel()


@asynccontextmanager
async def listening(client: Client, **wanted: Any) -> AsyncIterator[Events]:
    async with client.listen(**wanted) as stream:
        events = Events(stream)
        try:
            yield events
        finally:
            events.stop()


async def test_a_2026_session_hears_its_order_and_the_stores_change(
    app_ctx: McpContext, sandbox: Any
) -> None:
    store = await app_ctx.services.stores.resolve("Demo")
    order_id = str((await app_ctx.services.orders.list(store, limit=1)).orders[0].id)
    watched = f"orderdesk://stores/Demo/orders/{order_id}"
    async with (
        endpoint_of(app_ctx, {"new": make_identity()}) as info,
        Client(local_client_transport(info, "new", "new"), cache=None, mode="auto") as client,  # type: ignore[arg-type]
    ):
        assert client.protocol_version == MODERN
        capabilities = client.server_capabilities
        assert capabilities.resources is not None and capabilities.resources.list_changed
        async with listening(
            client, resources_list_changed=True, resource_subscriptions=[watched]
        ) as events:
            note = {"order_id": order_id, "note": "Checked the address."}
            assert not (await client.call_tool("order_history_add", note)).is_error
            await events.wait(ResourceUpdated(uri=watched))
            outlet = await app_ctx.services.stores.register(
                "Outlet", OUTLET_ID, OUTLET_KEY, sandbox.base_url, actor="test", index=False
            )
            await events.wait(ResourcesListChanged())
            listed = [str(r.uri) for r in (await client.list_resources()).resources]
    assert f"orderdesk://stores/{outlet.id}/folders" in listed
    assert events.seen == [ResourceUpdated(uri=watched), ResourcesListChanged()]


async def test_a_2026_session_may_not_listen_to_a_store_it_may_not_read(
    app_ctx: McpContext, sandbox: Any
) -> None:
    outlet = await app_ctx.services.stores.register(
        "Outlet", OUTLET_ID, OUTLET_KEY, sandbox.base_url, actor="test", index=False
    )
    narrow = make_identity(stores=frozenset({1}))
    async with (
        endpoint_of(app_ctx, {"narrow": narrow}) as info,
        Client(local_client_transport(info, "narrow"), cache=None, mode="auto") as client,  # type: ignore[arg-type]
    ):
        with pytest.raises(MCPError) as refused:
            async with client.listen(
                resource_subscriptions=[f"orderdesk://stores/{outlet.id}/orders/1"]
            ):
                pass
    assert "Outlet" in refused.value.error.message or "store" in refused.value.error.message


async def test_a_2026_session_hears_its_tools_change(app_ctx: McpContext) -> None:
    registry = ClientRegistry(app_ctx.hub)
    _, token = registry.add("Scoped", "read", policy="allow")
    state = SessionState(identity=registry.authenticate(token))
    server = build_server(replace(app_ctx, registry=registry))
    with session_scope(state):
        async with Client(server, mode="auto", cache=None) as client:  # type: ignore[arg-type]
            assert client.protocol_version == MODERN
            async with listening(client, tools_list_changed=True) as events:
                await client.call_tool("session_info", {})
                ClientToken.update(scopes="read,move").where(ClientToken.name == "Scoped").execute()
                await client.call_tool("session_info", {})
                await events.wait(ToolsListChanged())
            names = {tool.name for tool in (await client.list_tools()).tools}
    assert "orders_move" in names
    assert events.seen == [ToolsListChanged()]
