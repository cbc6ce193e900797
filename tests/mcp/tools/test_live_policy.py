"""A client's changed policy (or scopes) applies to its live sessions from the next call."""

from __future__ import annotations

from typing import Any

from app.core.access import ANONYMOUS, ClientRegistry
from app.core.db import ClientToken
from app.core.events import CLIENT_CHANGED, Event
from app.mcp.server import McpContext
from tests.mcp.tools.conftest import Session, connect

CLIENT = "Claude Desktop"


async def a_note(session: Session, text: str) -> dict[str, Any]:
    listed = await session.ok("orders_list", {"limit": 1, "detail": "standard"})
    return {"order_id": listed["orders"][0]["id"], "note": text}


async def test_deny_set_while_connected_refuses_the_next_write(app_ctx: McpContext) -> None:
    registry = ClientRegistry(app_ctx.hub)
    _, token = registry.add(CLIENT, "all", policy="allow")
    changed: list[Event] = []
    unsubscribe = app_ctx.hub.subscribe(
        lambda event: changed.append(event) if event.kind == CLIENT_CHANGED else None
    )
    try:
        async with connect(app_ctx, registry.authenticate(token)) as session:
            await session.ok("order_history_add", await a_note(session, "first, allowed"))
            registry.set_policy(CLIENT, "deny")
            denied = await session.error("order_history_add", await a_note(session, "second"))
            assert f"Client '{CLIENT}' has the write policy 'deny'" in denied
            assert "nothing was changed" in denied
            assert (await session.ok("session_info"))["write_policy"] == "deny"
            registry.set_policy(CLIENT, "allow")
            await session.ok("order_history_add", await a_note(session, "third, allowed again"))
    finally:
        unsubscribe()
    assert [(e.data["name"], e.data["policy"]) for e in changed] == [
        (CLIENT, "deny"),
        (CLIENT, "allow"),
    ]


async def test_a_removed_scope_applies_to_the_live_session(app_ctx: McpContext) -> None:
    registry = ClientRegistry(app_ctx.hub)
    _, token = registry.add(CLIENT, "read,write-notes", policy="allow")
    async with connect(app_ctx, registry.authenticate(token)) as session:
        note = await a_note(session, "while the scope is there")
        await session.ok("order_history_add", note)
        # No registry call changes scopes yet; another process could write the row.
        ClientToken.update(scopes="read").where(ClientToken.name == CLIENT).execute()
        refused = await session.error("order_history_add", await a_note(session, "later"))
        assert "lacks the 'write-notes' scope" in refused
        assert (await session.ok("session_info"))["scopes"] == ["read"]


async def test_a_revoked_client_is_refused_before_its_session_ends(app_ctx: McpContext) -> None:
    registry = ClientRegistry(app_ctx.hub)
    _, token = registry.add(CLIENT, "read", policy="allow")
    async with connect(app_ctx, registry.authenticate(token)) as session:
        await session.ok("session_info")
        assert registry.revoke(CLIENT)
        refused = await session.error("session_info")
        assert "has been revoked" in refused and "new token" in refused


async def test_anonymous_stays_anonymous(app_ctx: McpContext) -> None:
    registry = ClientRegistry(app_ctx.hub)
    registry.add("anonymous", "all", policy="allow")  # a registered client named like it
    async with connect(app_ctx, ANONYMOUS) as session:
        info = await session.ok("session_info")
        assert info["client"] == "anonymous" and info["scopes"] == ["read"]
        refused = await session.error("order_history_add", await a_note(session, "no token"))
        assert "no client token" in refused
        assert session.state.identity is ANONYMOUS
