"""Every tool, called through an in-process MCP client over real services and the sandbox."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.mcp.server import McpContext
from app.sandbox import SandboxServer
from tests.mcp.tools.conftest import MODES, OUTLET_ID, OUTLET_KEY, Session, connect

NEW_ORDER: dict[str, Any] = {
    "source_id": "MCP-TEST-1",
    "email": "kim@example.com",
    "shipping": {"first_name": "Kim", "last_name": "Park", "city": "Austin", "country": "US"},
    "order_items": [{"name": "Mug", "code": "MUG-1", "price": "12.50", "quantity": 2}],
    "shipping_total": "4.99",
}


async def store_tools(session: Session, sandbox: SandboxServer) -> None:
    info = await session.ok("store_info")
    assert {"id": 2, "name": "Prepared"} in info["folders"]
    registered = await session.ok(
        "stores_register",
        {
            "name": "Outlet",
            "orderdesk_store_id": OUTLET_ID,
            "api_key": OUTLET_KEY,
            "api_url": sandbox.base_url,
        },
    )
    assert registered["store"]["name"] == "Outlet"
    resolved = await session.ok("stores_resolve", {"query": "outlet"})
    assert resolved["store"]["id"] == registered["store"]["id"]
    used = await session.ok("stores_use", {"store": "Outlet"})
    assert used["active_store"]["is_active"] is True
    info = await session.ok("session_info")
    assert info["active_store"]["name"] == "Outlet"
    outlet_orders = await session.ok("orders_list", {"limit": 50})
    assert outlet_orders["page"]["total"] == 8
    await session.ok("stores_delete", {"store": "Outlet"})
    listed = await session.ok("stores_list")
    assert [s["name"] for s in listed["stores"]] == ["Demo"]
    assert session.state.active_store_id is None


async def order_tools(session: Session) -> str:
    created = await session.ok("orders_create", NEW_ORDER)
    order_id = created["order"]["id"]
    got = await session.ok("orders_get", {"order_id": order_id, "detail": "full"})
    assert got["order"]["order_total"] == "29.99"
    updated = await session.ok(
        "orders_update",
        {
            "order_id": order_id,
            "changes": {"shipping": {"city": "Dallas"}, "shipping_method": "Ground"},
            "expected_date_updated": got["date_updated"],
        },
    )
    assert set(updated["changed_fields"]) == {"shipping.city", "shipping_method"}
    again = await session.ok("orders_get", {"order_id": order_id, "fields": ["shipping"]})
    assert again["order"]["untrusted"]["shipping"]["city"] == "Dallas"
    assert again["order"]["untrusted"]["shipping"]["first_name"] == "Kim"
    await session.ok("order_history_add", {"order_id": order_id, "note": "Checked by MCP test"})
    return str(order_id)


async def line_tools(session: Session, order_id: str) -> None:
    added = await session.ok(
        "order_items_add",
        {"order_id": order_id, "item": {"name": "Tea", "code": "TEA-2", "price": 3, "quantity": 1}},
    )
    item_id = added["item"]["id"]
    changed = await session.ok(
        "order_items_update",
        {"order_id": order_id, "item_id": item_id, "changes": {"quantity": 4}},
    )
    assert changed["item"]["quantity"] == 4
    await session.ok("order_items_remove", {"order_id": order_id, "item_id": item_id})
    shipment = await session.ok(
        "shipments_add", {"order_id": order_id, "tracking_number": "1Z999AA10123456784"}
    )
    shipment_id = shipment["shipment"]["id"]
    await session.ok(
        "shipments_update",
        {"order_id": order_id, "shipment_id": shipment_id, "changes": {"cost": "7.25"}},
    )
    listed = await session.ok("shipments_list", {"order_id": order_id})
    assert listed["count"] == 1 and listed["shipments"][0]["cost"] == "7.25"
    await session.ok("shipments_delete", {"order_id": order_id, "shipment_id": shipment_id})
    batch = await session.ok(
        "shipments_batch",
        {"shipments": [{"order_id": order_id, "tracking_number": "9400100000000000000001"}]},
    )
    assert batch["failed"] == 0
    moved = await session.ok("orders_move", {"order_ids": [order_id], "folder_name": "Prepared"})
    assert moved["moved"] == [] or moved["moved"][0]["folder_id"] == 2
    got = await session.ok("orders_get", {"order_id": order_id, "fields": ["folder_id"]})
    assert got["order"]["folder_id"] == 2
    await session.ok("orders_delete", {"order_id": order_id})


async def product_tools(session: Session) -> None:
    listed = await session.ok("products_list", {"limit": 5})
    assert listed["page"]["total"] == 30 and listed["page"]["next_offset"] == 5
    created = await session.ok(
        "products_create", {"name": "Test mug", "code": "MCP-MUG", "price": "9.99", "stock": 3}
    )
    product_id = created["product"]["id"]
    got = await session.ok("products_get", {"product_id": product_id})
    assert got["product"]["price"] == "9.99"
    updated = await session.ok(
        "products_update",
        {
            "product_id": product_id,
            "changes": {"stock": 12},
            "expected_date_updated": got["date_updated"],
        },
    )
    assert updated["changed_fields"] == ["stock"]
    batch = await session.ok(
        "products_batch_update", {"items": [{"id": product_id, "price": "11.00"}]}
    )
    assert batch["failed"] == 0
    found = await session.ok("products_list", {"code": "MCP-MUG", "detail": "full"})
    assert Decimal(found["products"][0]["price"]) == Decimal("11")
    assert found["products"][0]["stock"] == 12
    await session.ok("products_delete", {"product_id": product_id})


@pytest.mark.parametrize("mode", MODES)
async def test_every_tool_works(app_ctx: McpContext, sandbox: SandboxServer, mode: str) -> None:
    async with connect(app_ctx, mode=mode) as session:
        await session.ok("session_info")
        await store_tools(session, sandbox)
        order_id = await order_tools(session)
        await line_tools(session, order_id)
        await product_tools(session)
    assert len(session.transcript) >= 30


async def test_paging_hint_leads_to_the_next_page(app_ctx: McpContext) -> None:
    async with connect(app_ctx) as session:
        first = await session.ok("orders_list", {"limit": 15, "order": "asc"})
        second = await session.ok(
            "orders_list", {"limit": 15, "order": "asc", "offset": first["page"]["next_offset"]}
        )
        last = await session.ok("orders_list", {"limit": 15, "order": "asc", "offset": 30})
    ids = [o["id"] for o in first["orders"]] + [o["id"] for o in second["orders"]]
    assert len(set(ids)) == 30
    assert last["page"]["returned"] == 10 and last["page"]["next_offset"] is None
    assert "offset=15" in first["page"]["hint"]


async def test_folder_filter_by_name_and_id_agree(app_ctx: McpContext) -> None:
    async with connect(app_ctx) as session:
        by_name = await session.ok("orders_list", {"folder_name": "closed", "limit": 100})
        by_id = await session.ok("orders_list", {"folder_id": [3], "limit": 100})
        dated = await session.ok(
            "orders_list",
            {"added_from": "2025-06-01", "added_to": "2025-06-30 23:59:59", "limit": 100},
        )
    assert by_name["page"]["total"] == by_id["page"]["total"] > 0
    assert all(o["folder_id"] == 3 for o in by_name["orders"])
    assert all(o["date_added"] >= "2025-06-01" for o in dated["orders"])
