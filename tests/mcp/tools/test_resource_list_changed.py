"""notifications/resources/list_changed over the local socket when the stores change."""

from __future__ import annotations

import asyncio
from typing import Any

import mcp_types as types
import pytest
from mcp import Client

from app.mcp.tools.context import McpContext
from app.mcp.transport.endpoint_file import EndpointInfo
from app.mcp.transport.local_client import local_client_transport
from tests.mcp.tools.conftest import OUTLET_ID, OUTLET_KEY, make_identity
from tests.mcp.tools.socket_clients import endpoint_of
from tests.mcp.tools.test_notifications import over_socket

pytestmark = pytest.mark.skipif(not hasattr(asyncio, "open_unix_connection"), reason="Unix sockets")


class Heard:
    """Counts list_changed notifications; ``wait(n)`` returns once ``n`` arrived."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = asyncio.Condition()

    async def __call__(self, message: Any) -> None:
        if isinstance(message, types.ResourceListChangedNotification):
            async with self._changed:
                self.count += 1
                self._changed.notify_all()

    async def wait(self, count: int) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.count >= count), 30)


def client(info: EndpointInfo, token: str, heard: Heard) -> Client:
    """A 2025-era SDK client over the endpoint (as ``token``)."""
    transport = local_client_transport(info, token, token)
    return Client(transport, cache=None, mode="legacy", message_handler=heard)


def uris(result: types.ListResourcesResult) -> list[str]:
    return [str(resource.uri) for resource in result.resources]


async def test_a_session_hears_stores_added_and_removed(app_ctx: McpContext, sandbox: Any) -> None:
    stores = app_ctx.services.stores
    heard = Heard()
    async with over_socket(
        app_ctx, make_identity(), mode="legacy", message_handler=heard
    ) as client:
        assert client.server_capabilities.resources is not None
        assert client.server_capabilities.resources.list_changed is True
        before = uris(await client.list_resources())
        outlet = await stores.register(
            "Outlet", OUTLET_ID, OUTLET_KEY, sandbox.base_url, actor="test", index=False
        )
        await heard.wait(1)
        added = await client.list_resources()
        await stores.delete("Outlet", actor="test")
        await heard.wait(2)
        after = uris(await client.list_resources())
    assert before == ["orderdesk://stores", "orderdesk://stores/1/folders"]
    assert uris(added) == [*before, f"orderdesk://stores/{outlet.id}/folders"]
    assert added.resources[-1].title == "Outlet: folders"
    assert after == before
    assert heard.count == 2


async def test_a_store_the_client_may_not_read_changes_nothing_it_hears(
    app_ctx: McpContext, sandbox: Any
) -> None:
    """A client limited to the Demo store hears nothing when another store comes and goes;
    a client of every store, listening on the same server, is the witness that the events
    were handled."""
    stores = app_ctx.services.stores
    limited, everyone = Heard(), Heard()
    identities = {"narrow": make_identity(stores=frozenset({1})), "wide": make_identity()}
    async with (
        endpoint_of(app_ctx, identities) as info,
        client(info, "narrow", limited) as narrow,
        client(info, "wide", everyone) as wide,
    ):
        await narrow.list_resources()
        await wide.list_resources()
        await stores.register(
            "Outlet", OUTLET_ID, OUTLET_KEY, sandbox.base_url, actor="test", index=False
        )
        await everyone.wait(1)
        await stores.delete("Outlet", actor="test")
        await everyone.wait(2)
        narrow_now = uris(await narrow.list_resources())
    assert limited.count == 0
    assert narrow_now == ["orderdesk://stores", "orderdesk://stores/1/folders"]
