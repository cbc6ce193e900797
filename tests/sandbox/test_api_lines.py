"""Order items, shipments and batch shipments against a started sandbox."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from app.sandbox import SandboxServer
from tests.sandbox.test_api_orders import ok


def first_order(server: SandboxServer) -> str:
    return next(iter(server.store().orders))


def money_sum(order: dict[str, Any]) -> Decimal:
    return sum((Decimal(i["price"]) * i["quantity"] for i in order["order_items"]), Decimal(0))


def test_item_round_trip_recalculates_totals(client: httpx.Client, server: SandboxServer) -> None:
    order_id = first_order(server)
    before = ok(client.get(f"/orders/{order_id}"))["order"]
    item = {"name": "Crème Brûlée Candle", "code": "CBC05", "price": 28, "quantity": 2}
    added = ok(client.post(f"/orders/{order_id}/order-items", json=item))["order_item"]
    assert added["price"] == "28.00" and added["quantity"] == 2 and added["delivery_type"] == "ship"
    path = f"/orders/{order_id}/order-items/{added['id']}"
    assert ok(client.get(path))["order_item"] == added
    order = ok(client.get(f"/orders/{order_id}"))["order"]
    assert order["quantity_total"] == before["quantity_total"] + 2
    assert Decimal(str(order["product_total"])) == money_sum(order)
    assert order["date_updated"] > before["date_updated"]
    replaced = ok(client.put(path, json={"name": "Candle", "price": "10.5", "quantity": 1}))
    assert replaced["order_item"]["code"] == "" and replaced["order_item"]["price"] == "10.50"
    listed = ok(client.get(f"/orders/{order_id}/order-items"))["order_items"]
    assert listed[-1]["id"] == added["id"]
    ok(client.delete(path))
    assert client.get(path).status_code == 404
    after = ok(client.get(f"/orders/{order_id}"))["order"]
    assert after["product_total"] == before["product_total"]


def test_item_errors(client: httpx.Client, server: SandboxServer) -> None:
    order_id = first_order(server)
    assert client.get(f"/orders/{order_id}/order-items/1").status_code == 404
    assert client.get("/orders/1/order-items").status_code == 404
    bad = client.post(f"/orders/{order_id}/order-items", json={"quantity": "many"})
    assert bad.status_code == 400


def test_shipment_round_trip_and_carrier_detection(
    client: httpx.Client, server: SandboxServer
) -> None:
    order_id = first_order(server)
    path = f"/orders/{order_id}/shipments"
    shipment = ok(client.post(path, json={"tracking_number": "1Z999AA10123456784"}))["shipment"]
    assert shipment["carrier_code"] == "UPS" and "ups.com" in shipment["tracking_url"]
    assert shipment["order_id"] == order_id and shipment["store_id"] == "100001"
    assert isinstance(shipment["weight"], str) and len(shipment["date_shipped"]) == 10
    one = f"{path}/{shipment['id']}"
    assert ok(client.get(one))["shipment"] == shipment
    usps = {"tracking_number": "9400111899223856021234", "weight": 1.9, "cost": "8.45"}
    replaced = ok(client.put(one, json=usps))["shipment"]
    assert replaced["carrier_code"] == "USPS" and replaced["weight"] == "1.9"
    assert replaced["date_added"] == shipment["date_added"]
    order = ok(client.get(f"/orders/{order_id}"))["order"]
    assert order["order_shipments"][-1]["tracking_number"] == usps["tracking_number"]
    assert shipment["id"] in {s["id"] for s in ok(client.get(path))["shipments"]}
    ok(client.delete(one))
    assert client.get(one).status_code == 404
    assert client.post(path, json={"carrier_code": "UPS"}).status_code == 400
    fedex = ok(client.post(path, json={"tracking_number": "123456789012"}))["shipment"]
    assert fedex["carrier_code"] == "FedEx"


def test_batch_shipments_both_shapes(client: httpx.Client, server: SandboxServer) -> None:
    first, second = list(server.store().orders)[:2]
    batch = [
        {"order_id": int(first), "tracking_number": "n/a"},
        {"order_id": "404", "tracking_number": "123"},
        {"order_id": second},
    ]
    results = ok(client.post("/batch-shipments", json=batch))["results"]
    assert [r["status"] for r in results] == ["success", "error", "error"]
    assert results[0]["shipment_id"] and "tracking_number" in results[2]["message"]
    wrapped = ok(client.post("/batch-shipments", json={"shipments": [batch[0]]}))["results"]
    assert wrapped[0]["status"] == "success"
    shipments = ok(client.get(f"/orders/{first}/shipments"))["shipments"]
    assert sum(1 for s in shipments if s["tracking_number"] == "n/a") == 2
    assert client.post("/batch-shipments", json={"nope": 1}).status_code == 400
