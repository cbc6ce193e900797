"""Inventory endpoints against a started sandbox."""

from __future__ import annotations

import httpx

from app.sandbox import SandboxServer
from tests.sandbox.test_api_orders import ok


def test_inventory_list_pages_and_filters(client: httpx.Client, server: SandboxServer) -> None:
    body = ok(client.get("/inventory-items", params={"limit": 25, "offset": 50}))
    assert (body["total_records"], body["records_returned"], body["limit"]) == (60, 10, 25)
    item = body["inventory_items"][0]
    assert isinstance(item["price"], float) and isinstance(item["stock"], int)
    by_code = ok(client.get("/inventory-items", params={"code": item["code"].lower()}))
    assert [i["id"] for i in by_code["inventory_items"]] == [item["id"]]
    search = ok(client.get("/inventory-items", params={"search": "candle", "limit": 500}))
    assert search["total_records"] > 0
    assert all("candle" in i["name"].lower() for i in search["inventory_items"])


def test_inventory_codes_match_order_items(client: httpx.Client, server: SandboxServer) -> None:
    codes = {item["code"] for item in server.store().inventory.values()}
    orders = ok(client.get("/orders", params={"limit": 500}))["orders"]
    assert {item["code"] for o in orders for item in o["order_items"]} <= codes


def test_inventory_round_trip(client: httpx.Client, server: SandboxServer) -> None:
    new = {"name": "Matcha 抹茶 Tin", "code": "MATCHA-TIN", "price": "12.5", "stock": "7"}
    created = ok(client.post("/inventory-items", json=new))["inventory_item"]
    assert created["price"] == 12.5 and created["stock"] == 7
    path = f"/inventory-items/{created['id']}"
    assert ok(client.get(path))["inventory_item"] == created
    replaced = ok(client.put(path, json={"name": "Matcha Tin", "code": "MATCHA-TIN"}))
    assert replaced["inventory_item"]["stock"] == 0
    assert replaced["inventory_item"]["date_added"] == created["date_added"]
    assert replaced["inventory_item"]["date_updated"] > created["date_updated"]
    assert client.post("/inventory-items", json=new).status_code == 400
    assert client.post("/inventory-items", json={"name": "no code"}).status_code == 400
    ok(client.delete(path))
    assert client.get(path).status_code == 404
    assert created["id"] not in server.store().inventory


def test_batch_inventory_both_shapes(client: httpx.Client, server: SandboxServer) -> None:
    first, second = list(server.store().inventory.values())[:2]
    batch = [{"id": first["id"], "stock": 3}, {"code": second["code"], "stock": 4}, {"id": "1"}]
    results = ok(client.put("/batch-inventory-items", json=batch))["results"]
    assert [r["status"] for r in results] == ["success", "success", "error"]
    assert server.store().inventory[first["id"]]["stock"] == 3
    assert server.store().inventory[second["id"]]["name"] == second["name"]
    wrapped = {"inventory_items": [{"id": first["id"], "stock": 9}]}
    ok(client.put("/batch-inventory-items", json=wrapped))
    assert server.store().inventory[first["id"]]["stock"] == 9
