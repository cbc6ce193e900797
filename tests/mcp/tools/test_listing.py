"""What clients see in tools/list, resources, templates and prompts, in both protocol eras."""

from __future__ import annotations

import json
import re

import mcp_types as types
import pytest
from mcp import MCPError

from app.core.access import ALL_SCOPES
from app.core.errors import KeychainLocked
from app.mcp.server import McpContext
from app.mcp.tools import all_tools
from tests.mcp.tools.conftest import MODES, connect

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
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is not None
        assert tool.annotations.destructive_hint is not None
        assert tool.annotations.idempotent_hint is not None
        assert tool.annotations.open_world_hint is not None
        assert tool.input_schema["type"] == "object"
        assert tool.input_schema.get("additionalProperties") is False
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
    assert tools["orders_delete"].annotations.destructive_hint is True  # type: ignore[union-attr]
    assert tools["orders_list"].annotations.read_only_hint is True  # type: ignore[union-attr]
    assert "folder" in (tools["orders_move"].description or "").lower()
    assert "rules" in (tools["orders_move"].description or "")
    assert "GUI" in (tools["stores_register"].description or "") or "tray" in (
        tools["stores_register"].description or ""
    )


@pytest.mark.parametrize("mode", MODES)
async def test_resources_and_templates(app_ctx: McpContext, mode: str) -> None:
    async with connect(app_ctx, mode=mode) as session:
        client = session.client
        assert [r.uri for r in (await client.list_resources()).resources] == ["orderdesk://stores"]
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
