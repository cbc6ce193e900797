"""What clients see in tools/list, resources, templates and prompts, in both protocol eras."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import mcp_types as types
import pytest
from mcp import Client, MCPError

from app.core.access import ALL_SCOPES, ClientRegistry
from app.core.db import ClientToken
from app.core.errors import KeychainLocked
from app.mcp.server import McpContext, build_server
from app.mcp.tools import all_tools
from app.mcp.transport.session import SessionState, session_scope
from tests.mcp.tools.conftest import MODES, connect, make_identity

EXPECTED = {
    "session_info", "stores_list", "stores_use", "stores_resolve", "store_info",
    "stores_register", "stores_delete", "orders_list", "orders_get", "orders_search",
    "orders_stats", "orders_create",
    "orders_update", "orders_delete", "orders_move", "order_history_add", "order_items_add",
    "order_items_update", "order_items_remove", "shipments_list", "shipments_add",
    "shipments_update", "shipments_delete", "shipments_batch", "products_list", "products_get",
    "products_create", "products_update", "products_delete", "products_batch_update",
}  # fmt: skip
NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

# (read-only, destructive, idempotent, open-world) as a client reads them, MCP defaults
# applied. Anything that overwrites, deletes, moves (folder rules fire) or can trigger Order
# Desk rules (new orders, shipments notify customers) is destructive and not idempotent;
# reads are read-only; every tool reaches Order Desk data, so all are open-world.
R, D, A = (True, False, False, True), (False, True, False, True), (False, False, False, True)
ANNOTATIONS = {
    "session_info": R, "stores_list": R, "stores_use": R, "stores_resolve": R,
    "store_info": R, "orders_list": R, "orders_get": R, "orders_search": R,
    "orders_stats": R, "shipments_list": R, "products_list": R, "products_get": R,
    "stores_register": A, "stores_delete": D, "orders_create": D, "orders_update": D,
    "orders_delete": D, "orders_move": D, "order_history_add": A, "order_items_add": D,
    "order_items_update": D, "order_items_remove": D, "shipments_add": D,
    "shipments_update": D, "shipments_delete": D, "shipments_batch": D, "products_create": A,
    "products_update": D, "products_delete": D, "products_batch_update": D,
}  # fmt: skip
READ_TOOLS = {name for name, hints in ANNOTATIONS.items() if hints is R}


def effective(hints: types.ToolAnnotations | None) -> tuple[bool, bool, bool, bool]:
    """The four hints with the MCP defaults for the ones a tool leaves out (or all of them)."""
    hints = hints or types.ToolAnnotations()
    read_only = bool(hints.read_only_hint)
    destructive = False if read_only else hints.destructive_hint is not False
    idempotent = False if read_only else bool(hints.idempotent_hint)
    return read_only, destructive, idempotent, hints.open_world_hint is not False


@pytest.mark.parametrize("mode", MODES)
async def test_annotations_tell_the_truth(app_ctx: McpContext, mode: str) -> None:
    async with connect(app_ctx, mode=mode) as session:
        tools = (await session.client.list_tools()).tools
    assert {tool.name: effective(tool.annotations) for tool in tools} == ANNOTATIONS


@pytest.mark.parametrize("mode", MODES)
async def test_a_read_only_session_lists_only_read_tools(app_ctx: McpContext, mode: str) -> None:
    async with connect(app_ctx, make_identity("read"), mode=mode) as session:
        names = {tool.name for tool in (await session.client.list_tools()).tools}
    assert names == READ_TOOLS
    async with connect(app_ctx, make_identity("read,move"), mode=mode) as session:
        names = {tool.name for tool in (await session.client.list_tools()).tools}
    assert names == READ_TOOLS | {"orders_move"}


async def test_tools_list_changes_when_the_scopes_do(app_ctx: McpContext) -> None:
    registry = ClientRegistry(app_ctx.hub)
    _, token = registry.add("Scoped", "read", policy="allow")
    changed: list[object] = []

    async def on_message(message: object) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            changed.append(message)

    state = SessionState(identity=registry.authenticate(token))
    server = build_server(replace(app_ctx, registry=registry))
    with session_scope(state):
        async with Client(
            server,  # type: ignore[arg-type]
            mode="legacy",  # the 2025 handshake real clients use; notifications need its channel
            cache=None,
            message_handler=on_message,
        ) as client:
            before = {tool.name for tool in (await client.list_tools()).tools}
            await client.call_tool("session_info", {})
            assert not changed
            ClientToken.update(scopes="read,move").where(ClientToken.name == "Scoped").execute()
            await client.call_tool("session_info", {})
            after = {tool.name for tool in (await client.list_tools()).tools}
    assert before == READ_TOOLS and after == READ_TOOLS | {"orders_move"}
    assert len(changed) == 1


def test_every_tool_has_a_known_scope_and_consistent_hints() -> None:
    for spec in all_tools():
        assert spec.access.scope in ALL_SCOPES
        if spec.read_only:
            assert spec.access.scope == "read" and not spec.destructive
        else:
            assert spec.access.write and spec.access.scope != "read"


@pytest.mark.parametrize("mode", MODES)
async def test_tools_list_is_complete_and_described(app_ctx: McpContext, mode: str) -> None:
    async with connect(app_ctx, mode=mode) as session:
        tools = (await session.client.list_tools()).tools
    assert {tool.name for tool in tools} == EXPECTED
    for tool in tools:
        assert NAME.match(tool.name)
        assert tool.title and tool.description and len(tool.description) > 60
        assert tool.annotations is None or tool.annotations.model_dump(exclude_none=True)
        assert tool.input_schema["type"] == "object"
        assert "$ref" not in json.dumps(tool.input_schema)
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"
        for prop in tool.input_schema["properties"].values():
            assert "description" in prop or "enum" in prop or "type" in prop or "anyOf" in prop


@pytest.mark.parametrize("mode", MODES)
async def test_list_limits_are_bounded_in_the_schema(app_ctx: McpContext, mode: str) -> None:
    async with connect(app_ctx, mode=mode) as session:
        tools = {t.name: t for t in (await session.client.list_tools()).tools}
    limit = tools["orders_list"].input_schema["properties"]["limit"]
    assert limit["minimum"] == 1 and limit["maximum"] == 500
    assert "untrusted" in (tools["orders_get"].description or "")
    assert effective(tools["orders_delete"].annotations)[1] is True
    assert effective(tools["orders_list"].annotations)[0] is True
    assert "folder" in (tools["orders_move"].description or "").lower()
    assert "rules" in (tools["orders_move"].description or "")
    assert "GUI" in (tools["stores_register"].description or "") or "tray" in (
        tools["stores_register"].description or ""
    )


@pytest.mark.parametrize("mode", MODES)
async def test_resources_and_templates(app_ctx: McpContext, mode: str) -> None:
    async with connect(app_ctx, mode=mode) as session:
        client = session.client
        listed = (await client.list_resources()).resources
        assert [(r.uri, r.title) for r in listed] == [
            ("orderdesk://stores", "Registered stores"),
            ("orderdesk://stores/1/folders", "Demo: folders"),
        ]
        templates = (await client.list_resource_templates()).resource_templates
        assert {t.uri_template for t in templates} == {
            "orderdesk://stores/{store}/folders",
            "orderdesk://stores/{store}/orders/{order_id}",
        }
        stores = json.loads((await client.read_resource("orderdesk://stores")).contents[0].text)  # type: ignore[union-attr]
        assert stores == [{"id": 1, "name": "Demo", "is_default": True}]
        folders = await client.read_resource("orderdesk://stores/Demo/folders")
        assert {"id": 1, "name": "New"} in json.loads(folders.contents[0].text)  # type: ignore[union-attr]
        listed = await session.ok("orders_list", {"limit": 1})
        order_id = listed["orders"][0]["id"]
        order = await client.read_resource(f"orderdesk://stores/1/orders/{order_id}")
        shaped = json.loads(order.contents[0].text)  # type: ignore[union-attr]
        assert shaped["id"] == order_id and "_notice" in shaped["untrusted"]
        assert shaped["source"] in ("mirror", "live") and shaped["age_seconds"] >= 0
        assert shaped["as_of"]
        with pytest.raises(MCPError) as missing:
            await client.read_resource("orderdesk://stores/1/orders/999999999")
        assert missing.value.error.code == -32002
        with pytest.raises(MCPError):
            await client.read_resource("orderdesk://nowhere")


async def test_a_resource_read_meets_a_locked_keychain(
    app_ctx: McpContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def locked(*_args: object, **_kwargs: object) -> object:
        raise KeychainLocked()

    monkeypatch.setattr(app_ctx.services.orders, "get", locked)
    async with connect(app_ctx) as session:
        with pytest.raises(MCPError) as caught:
            await session.client.read_resource("orderdesk://stores/1/orders/1")
    assert caught.value.error.message == str(KeychainLocked())
    assert caught.value.error.code == types.INTERNAL_ERROR


@pytest.mark.parametrize("mode", MODES)
async def test_prompts(app_ctx: McpContext, mode: str) -> None:
    async with connect(app_ctx, mode=mode) as session:
        client = session.client
        names = [p.name for p in (await client.list_prompts()).prompts]
        assert names == ["daily_fulfilment_summary", "find_stuck_orders"]
        stuck = await client.get_prompt("find_stuck_orders", {"days": "5", "folder": "Backorder"})
        text = stuck.messages[0].content.text  # type: ignore[union-attr]
        assert "5 day(s)" in text and "'Backorder'" in text and "not instructions" in text
        daily = await client.get_prompt("daily_fulfilment_summary", {"date": "2025-06-01"})
        assert "2025-06-01" in daily.messages[0].content.text  # type: ignore[union-attr]
        with pytest.raises(MCPError):
            await client.get_prompt("find_stuck_orders", {"days": "many"})
