"""Notifications in every protocol era a client may negotiate, over the real local socket.

* 2024-11-05 (a plain JSON-RPC client, as older clients are): progress while an approval
  waits, without the ``message`` field that revision does not have; resources/updated for a
  subscribed order; resources/list_changed when a store is added.
* 2025-11-25 (the SDK's handshake) and 2026-07-28 (the SDK's per-request wire): progress.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from mcp import Client

from app.core.access import Policy
from app.core.events import APPROVAL_REQUESTED
from app.mcp.tools.context import McpContext
from app.mcp.transport.local_client import local_client_transport
from tests.mcp.tools.conftest import OUTLET_ID, OUTLET_KEY, make_identity
from tests.mcp.tools.socket_clients import endpoint_of, old_client

pytestmark = pytest.mark.skipif(not hasattr(asyncio, "open_unix_connection"), reason="Unix sockets")
PROGRESS = "notifications/progress"


class Approver:
    """Says yes in the tray to every approval request, once asked to start."""

    def __init__(self, app: McpContext) -> None:
        self.app, self.asked = app, asyncio.Queue[str]()
        loop = asyncio.get_running_loop()

        def on_event(event: Any) -> None:
            if event.kind == APPROVAL_REQUESTED:
                loop.call_soon_threadsafe(self.asked.put_nowait, str(event.data["request_id"]))

        self._detach = app.approvals.attach_approver()
        self._unsubscribe = app.hub.subscribe(on_event)

    async def approve_next(self) -> None:
        request_id = await asyncio.wait_for(self.asked.get(), 30)
        assert self.app.approvals.decide(request_id, True)

    def close(self) -> None:
        self._unsubscribe()
        self._detach()


async def first_order_id(app: McpContext) -> str:
    store = await app.services.stores.resolve("Demo")
    return str((await app.services.orders.list(store, limit=2)).orders[0].id)


async def test_a_2024_session_hears_progress_without_a_message(app_ctx: McpContext) -> None:
    order_id = await first_order_id(app_ctx)
    approver = Approver(app_ctx)
    try:
        async with (
            endpoint_of(app_ctx, {"old": make_identity("all", Policy.ASK)}) as info,
            old_client(info, "old") as client,
        ):
            assert client.initialized["protocolVersion"] == "2024-11-05"
            call = client.start_request(
                "tools/call",
                {
                    "name": "order_history_add",
                    "arguments": {"order_id": order_id, "note": "Packed twice, check."},
                    "_meta": {"progressToken": "p-1"},
                },
            )
            first = await client.wait_for(PROGRESS)
            await approver.approve_next()
            result = await call
    finally:
        approver.close()
    assert result["isError"] is False, result
    assert set(first["params"]) == {"progressToken", "progress", "total"}
    assert first["params"]["progressToken"] == "p-1"
    assert first["params"]["total"] == app_ctx.approvals.timeout
    assert all("message" not in m["params"] for m in client.heard(PROGRESS))


async def test_a_2024_session_hears_updates_and_list_changes(
    app_ctx: McpContext, sandbox: Any
) -> None:
    order_id = await first_order_id(app_ctx)
    watched = f"orderdesk://stores/Demo/orders/{order_id}"
    async with (
        endpoint_of(app_ctx, {"old": make_identity()}) as info,
        old_client(info, "old") as client,
    ):
        capabilities = client.initialized["capabilities"]["resources"]
        assert capabilities == {"subscribe": True, "listChanged": True}
        await client.request("resources/subscribe", {"uri": watched})
        before = await client.request("resources/list")
        note = {"order_id": order_id, "note": "Checked the address."}
        called = await client.request(
            "tools/call", {"name": "order_history_add", "arguments": note}
        )
        assert called["isError"] is False, called
        updated = await client.wait_for("notifications/resources/updated")
        outlet = await app_ctx.services.stores.register(
            "Outlet", OUTLET_ID, OUTLET_KEY, sandbox.base_url, actor="test", index=False
        )
        await client.wait_for("notifications/resources/list_changed")
        after = await client.request("resources/list")
    assert updated["params"] == {"uri": watched}
    new_uri = f"orderdesk://stores/{outlet.id}/folders"
    assert new_uri not in [r["uri"] for r in before["resources"]]
    assert new_uri in [r["uri"] for r in after["resources"]]


@pytest.mark.parametrize(("mode", "version"), [("legacy", "2025-11-25"), ("auto", "2026-07-28")])
async def test_later_eras_hear_progress_with_its_message(
    app_ctx: McpContext, mode: str, version: str
) -> None:
    order_id = await first_order_id(app_ctx)
    heard: list[str | None] = []
    beat = asyncio.Event()

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        heard.append(message)
        beat.set()

    approver = Approver(app_ctx)
    try:
        async with endpoint_of(app_ctx, {"new": make_identity("all", Policy.ASK)}) as info:
            transport = local_client_transport(info, "new", "new")
            async with Client(transport, cache=None, mode=mode) as client:  # type: ignore[arg-type]
                assert client.protocol_version == version
                call = asyncio.ensure_future(
                    client.call_tool(
                        "order_history_add",
                        {"order_id": order_id, "note": "Packed twice, check."},
                        progress_callback=on_progress,
                    )
                )
                await asyncio.wait_for(beat.wait(), 30)
                await approver.approve_next()
                result = await asyncio.wait_for(call, 30)
    finally:
        approver.close()
    assert not result.is_error, result
    assert heard and "approve" in str(heard[0])
