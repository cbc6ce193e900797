"""tools/list stays lean (<= 6,000 tokens for every tool) without losing what it checks."""

from __future__ import annotations

import json

import pytest

from app.mcp.server import INSTRUCTIONS, McpContext
from app.mcp.shaping.budget import tokens
from tests.mcp.tools.conftest import MODES, connect

TOOLS_LIST_TARGET = 6000
"""Issue 11: tools/list for an all-scope client (chars / 4 of the compact JSON)."""


@pytest.mark.parametrize("mode", MODES)
async def test_all_tools_fit_the_target(app_ctx: McpContext, mode: str) -> None:
    async with connect(app_ctx, mode=mode) as session:
        listed = await session.client.list_tools()
    assert len(listed.tools) == 30
    size = tokens(listed.model_dump(mode="json", by_alias=True, exclude_none=True))
    assert size <= TOOLS_LIST_TARGET, size


async def test_what_the_schema_leaves_unsaid_is_in_the_instructions(
    app_ctx: McpContext,
) -> None:
    async with connect(app_ctx) as session:
        tools = {t.name: t for t in (await session.client.list_tools()).tools}
    listing = tools["orders_list"].input_schema["properties"]
    assert listing["offset"] == {"minimum": 0, "type": "integer"}  # no default 0, no huge max
    assert "default" not in listing["fresh"] and "description" not in listing["fresh"]
    assert "minItems" not in listing["folder_id"]
    for said in ("left-out flag is false", "`offset` starts at 0", "`fresh`=true", "`*_from`"):
        assert said in INSTRUCTIONS


async def test_a_batch_entry_is_shipments_adds_arguments_undescribed(
    app_ctx: McpContext,
) -> None:
    async with connect(app_ctx) as session:
        tools = {t.name: t for t in (await session.client.list_tools()).tools}
    single = tools["shipments_add"].input_schema
    entry = tools["shipments_batch"].input_schema["properties"]["shipments"]["items"]
    assert "description" not in json.dumps(entry)
    assert set(entry["properties"]) == set(single["properties"]) - {"store"}
    assert entry["required"] == ["tracking_number", "order_id"]
    assert "shipments_add" in (tools["shipments_batch"].description or "")


@pytest.mark.parametrize(
    ("tool", "arguments", "said"),
    [
        ("orders_list", {"offset": 10_000_001}, "offset"),
        ("orders_list", {"folder_id": []}, "folder_id"),
        ("orders_list", {"fields": []}, "fields"),
        (
            "shipments_add",
            {"order_id": 1, "tracking_number": "1Z", "order_items": [{"quantity": 100_001}]},
            "quantity",
        ),
        ("shipments_batch", {"shipments": [{"order_id": 1}]}, "tracking_number"),
        (
            "shipments_batch",
            {"shipments": [{"order_id": 1, "tracking_number": "1Z", "tracking_url": "ftp://x"}]},
            "tracking_url",
        ),
        ("shipments_batch", {"shipments": []}, "shipments"),
    ],
)
async def test_bounds_not_advertised_are_still_checked(
    app_ctx: McpContext, tool: str, arguments: dict[str, object], said: str
) -> None:
    async with connect(app_ctx) as session:
        message = await session.error(tool, arguments)
    assert message.startswith(f"Invalid arguments for {tool}:") and said in message, message
