"""Every list tool, at its largest page and fullest detail, stays within the result budget."""

from __future__ import annotations

import pytest

from app.mcp.server import McpContext
from app.mcp.shaping import UNTRUSTED_NOTICE
from app.mcp.shaping.budget import tokens
from tests.mcp.tools.conftest import connect

LARGEST = [
    ("orders_list", {"limit": 500, "detail": "full"}, "orders"),
    ("orders_search", {"limit": 20, "detail": "full"}, "orders"),
    ("products_list", {"limit": 500, "detail": "full"}, "products"),
]


@pytest.mark.parametrize(("tool", "arguments", "key"), LARGEST)
@pytest.mark.parametrize("budget", [8000, 1000])
async def test_largest_page_fits_and_hands_back_the_rest(
    indexed_ctx: McpContext, tool: str, arguments: dict[str, object], key: str, budget: int
) -> None:
    await indexed_ctx.services.settings.set("mcp.result_budget_tokens", budget)
    async with connect(indexed_ctx) as session:
        result = await session.call(tool, arguments)
        data = await session.ok(tool, arguments)
    assert not result.is_error
    assert tokens(data) <= budget
    page = data["page"]
    assert page["returned"] == len(data[key]) > 0
    if page["returned"] < page["total"]:
        assert page["next_offset"] == page["returned"]
        assert "budget" in data and f"offset={page['next_offset']}" in page["hint"]
    if budget == 1000:
        assert "budget" in data and page["next_offset"] is not None
    assert result.model_dump_json().count(UNTRUSTED_NOTICE) <= 2  # JSON text + structured


async def test_the_next_page_continues_where_the_budget_cut(indexed_ctx: McpContext) -> None:
    await indexed_ctx.services.settings.set("mcp.result_budget_tokens", 3000)
    async with connect(indexed_ctx) as session:
        first = await session.ok("orders_list", {"limit": 40, "detail": "full"})
        cut = first["page"]["next_offset"]
        second = await session.ok("orders_list", {"limit": 40, "detail": "full", "offset": cut})
        both = await session.ok("orders_list", {"limit": 40, "fields": ["id"]})
    ids = [o["id"] for o in first["orders"]] + [o["id"] for o in second["orders"]]
    assert ids == [o["id"] for o in both["orders"]][: len(ids)]
    assert len(set(ids)) == len(ids)
