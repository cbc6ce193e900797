"""Refusals come back as isError tool results with a sentence that says what to do."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from mcp import MCPError

from app.core import settings
from app.core.access import Policy
from app.core.events import APPROVAL_REQUESTED, Event
from app.mcp.server import McpContext
from app.sandbox import SandboxServer
from tests.mcp.tools.conftest import MODES, OUTLET_ID, OUTLET_KEY, connect, make_identity


async def first_order(app_ctx: McpContext) -> dict[str, Any]:
    async with connect(app_ctx) as session:
        listed = await session.ok("orders_list", {"limit": 1, "detail": "standard"})
    order: dict[str, Any] = listed["orders"][0]
    return order


@pytest.mark.parametrize("mode", MODES)
async def test_bad_arguments(app_ctx: McpContext, mode: str) -> None:
    async with connect(app_ctx, mode=mode) as session:
        unknown = await session.error("orders_list", {"limit": 5, "bogus": 1})
        assert "Unknown argument 'bogus'" in unknown and "limit" in unknown
        wrong = await session.error("orders_list", {"limit": "ten"})
        assert "Argument 'limit'" in wrong and "call it again" in wrong
        too_many = await session.error("orders_list", {"limit": 501})
        assert "500" in too_many
        both = await session.error("orders_list", {"folder_id": [1], "folder_name": "New"})
        assert "not both" in both
        missing = await session.error("orders_get", {})
        assert "Missing required argument 'order_id'" in missing
        bad_field = await session.error("orders_get", {"order_id": "1", "fields": ["nope"]})
        assert "unknown order field 'nope'" in bad_field
        with pytest.raises(MCPError):
            await session.client.call_tool("no_such_tool", {})


async def test_store_selection_errors(app_ctx: McpContext, sandbox: SandboxServer) -> None:
    stores = app_ctx.services.stores
    await stores.register("Demo Outlet", OUTLET_ID, OUTLET_KEY, sandbox.base_url, actor="test")
    async with connect(app_ctx) as session:
        ambiguous = await session.error("store_info", {"store": "dem"})
        assert "Demo, Demo Outlet" in ambiguous and "exact name" in ambiguous
        unknown = await session.error("stores_use", {"store": "Nowhere"})
        assert "No store called 'Nowhere'" in unknown and "stores_list" in unknown
        await session.ok("stores_use", {"store": "Demo Outlet"})
        await stores.delete("Demo Outlet", actor="test")
        gone = await session.error("orders_list")
        assert "active store was removed" in gone and "stores_use" in gone
        await stores.delete("Demo", actor="test")
        none = await session.error("orders_list")
        assert "No store is selected" in none and "stores_use" in none


async def test_missing_scope_and_store_not_allowed(app_ctx: McpContext) -> None:
    async with connect(app_ctx, make_identity("read")) as session:
        refused = await session.error("orders_move", {"order_ids": ["1"], "folder_id": 2})
        assert "lacks the 'move' scope" in refused
        assert await session.error("stores_delete", {"store": "Demo"})
    async with connect(app_ctx, make_identity("all", stores=frozenset({99}))) as session:
        outside = await session.error("orders_list")
        assert "may not use store 1" in outside
        assert (await session.ok("stores_list"))["stores"] == []


async def test_policy_deny_and_ask_without_approver(app_ctx: McpContext) -> None:
    order = await first_order(app_ctx)
    note = {"order_id": order["id"], "note": "hello"}
    async with connect(app_ctx, make_identity(policy=Policy.DENY)) as session:
        denied = await session.error("order_history_add", note)
        assert "policy 'deny'" in denied and "nothing was changed" in denied
    async with connect(app_ctx, make_identity(policy=Policy.ASK)) as session:
        asked = await session.error("order_history_add", note)
        assert "no tray is running" in asked


async def test_ask_shows_the_field_diff_and_waits_for_the_user(app_ctx: McpContext) -> None:
    order = await first_order(app_ctx)
    seen: list[Event] = []

    def approver(event: Event) -> None:
        if event.kind == APPROVAL_REQUESTED:
            seen.append(event)
            app_ctx.approvals.decide(str(event.data["request_id"]), approve=True)

    detach = app_ctx.approvals.attach_approver()
    unsubscribe = app_ctx.hub.subscribe(approver)
    try:
        async with connect(app_ctx, make_identity(policy=Policy.ASK)) as session:
            await session.ok(
                "orders_update",
                {"order_id": order["id"], "changes": {"shipping_method": "Overnight"}},
            )
    finally:
        unsubscribe()
        detach()
    assert len(seen) == 1
    diff = seen[0].data["diff"]
    [change] = diff
    assert change.pop("subject").startswith(f"#{order['source_id']} · ")  # number · customer
    assert change == {"field": "shipping_method", "before": order.get("shipping_method", ""),
                      "after": "Overnight"}  # fmt: skip
    assert seen[0].data["store"] == "Demo" and seen[0].data["client"] == "test-client"


async def test_pause_and_slow_down(app_ctx: McpContext) -> None:
    order = await first_order(app_ctx)
    settings.set_value("mcp.paused", True)
    async with connect(app_ctx) as session:
        paused = await session.error("order_history_add", {"order_id": order["id"], "note": "x"})
        assert "paused" in paused
        await session.ok("session_info")
    settings.set_value("mcp.paused", False)
    settings.set_value("client.rate_per_minute", 1)
    settings.set_value("client.burst", 1)
    async with connect(app_ctx) as session:
        await session.ok("session_info")
        slow = await session.error("session_info")
        assert "Slow down" in slow and "retry in" in slow


async def test_conflict_and_duplicate_are_actionable(app_ctx: McpContext) -> None:
    order = await first_order(app_ctx)
    async with connect(app_ctx) as session:
        stale = await session.error(
            "orders_update",
            {
                "order_id": order["id"],
                "changes": {"shipping_method": "Ground"},
                "expected_date_updated": "2001-01-01 00:00:00",
            },
        )
        assert "changed since" in stale and "orders_get" in stale
        refused = await session.error(
            "orders_update", {"order_id": order["id"], "changes": {"folder_id": 3}}
        )
        assert "orders_move" in refused or "move the order" in refused
        note = {"order_id": order["id"], "note": "Same note twice"}
        await session.ok("order_history_add", note)
        repeat = await session.ok("order_history_add", note)
        assert repeat["already_added"] is True and repeat["activity_id"] > 0
        missing = await session.error("orders_get", {"order_id": "999999999"})
        assert "check the id" in missing


async def test_internal_errors_do_not_leak(
    app_ctx: McpContext, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internals at /home/user/db")

    monkeypatch.setattr(app_ctx.services.orders, "get", broken)
    with caplog.at_level(logging.ERROR, logger="app.mcp.tools.errors"):
        async with connect(app_ctx) as session:
            message = await session.error("orders_get", {"order_id": "1"})
    assert "internal error (error id" in message and "secret internals" not in message
    error_id = message.split("error id ")[1].split(")")[0]
    assert any(error_id in record.getMessage() for record in caplog.records)
    caplog.clear()
