"""Arguments a model commonly sends in the wrong JSON type are taken when unambiguous."""

from __future__ import annotations

import pytest

from app.mcp.server import McpContext
from tests.mcp.tools.conftest import MODES, connect


@pytest.mark.parametrize("mode", MODES)
async def test_ids_as_numbers_numbers_as_text_enums_in_any_case(
    app_ctx: McpContext, mode: str
) -> None:
    async with connect(app_ctx, mode=mode) as session:
        listed = await session.ok("orders_list", {"limit": "2", "detail": "Summary"})
        assert listed["page"]["returned"] == 2
        order_id = listed["orders"][0]["id"]
        got = await session.ok("orders_get", {"order_id": int(order_id), "detail": "FULL"})
        assert got["order"]["id"] == order_id and "order_items" in got["order"]
        by_store_id = await session.ok("orders_list", {"store": 1, "limit": 1, "order": "ASC"})
        assert by_store_id["page"]["returned"] == 1
        product = (await session.ok("products_list", {"limit": 1}))["products"][0]
        again = await session.ok("products_get", {"product_id": int(product["id"])})
        assert again["product"]["id"] == product["id"]
        batch = await session.ok(
            "shipments_batch",
            {"shipments": [{"order_id": int(order_id), "tracking_number": "n/a"}]},
        )
        assert batch["failed"] == 0


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        ({"limit": "five"}, "limit"),
        ({"limit": 0}, "limit"),
        ({"detail": "huge"}, "detail"),
        ({"added_from": "yesterday"}, "added_from"),
        ({"limit": 1, "colour": "red"}, "colour"),
    ],
)
async def test_everything_else_is_still_refused_with_a_sentence(
    app_ctx: McpContext, arguments: dict[str, object], said: str
) -> None:
    async with connect(app_ctx) as session:
        message = await session.error("orders_list", arguments)
    assert message.startswith("Invalid arguments for orders_list:") and said in message


async def test_an_id_must_still_be_digits(app_ctx: McpContext) -> None:
    async with connect(app_ctx) as session:
        message = await session.error("orders_get", {"order_id": "12ab"})
        negative = await session.error("orders_get", {"order_id": -5})
    assert "order_id" in message and "digits" in message
    assert "order_id" in negative
