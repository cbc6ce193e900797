"""Notifications a client hears over the local socket: progress while an approval waits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from mcp import Client

from app.core.access import ClientIdentity, Policy
from app.core.events import APPROVAL_REQUESTED
from app.mcp.server import build_server
from app.mcp.tools.context import McpContext
from app.mcp.transport.local import LocalEndpoint
from app.mcp.transport.local_client import local_client_transport
from app.mcp.transport.registry import SessionRegistry
from tests.mcp.tools.conftest import make_identity

pytestmark = pytest.mark.skipif(not hasattr(asyncio, "open_unix_connection"), reason="Unix sockets")
TOKEN = "odt_notify"


@asynccontextmanager
async def over_socket(app: McpContext, identity: ClientIdentity) -> AsyncIterator[Client]:
    """An SDK client of ``app``'s server over a real local endpoint, as ``identity``."""

    def authenticate(token: str | None) -> ClientIdentity | None:
        return identity if token == TOKEN else None

    endpoint = LocalEndpoint(build_server(app), authenticate, SessionRegistry(app.hub))
    info = await endpoint.start()
    try:
        async with Client(local_client_transport(info, TOKEN, "notify"), cache=None) as client:
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
