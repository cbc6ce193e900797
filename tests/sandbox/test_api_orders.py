"""Orders, history, move-orders, /test and /store against a started sandbox."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from app.sandbox import SandboxServer

NEW_ORDER: dict[str, Any] = {
    "email": "zoe@example.com",
    "source_name": "Shopify",
    "source_id": "SH-TEST-1",
    "shipping_total": "7.95",
    "tax_total": 1.2,
    "shipping": {"first_name": "Zoë", "last_name": "Brontë", "city": "Paris", "country": "FR"},
    "order_items": [
        {"name": "Mug", "code": "MUG", "price": "14.50", "quantity": 2, "weight": 1.1},
        {"name": "Pin 🌵", "code": "PIN", "price": 9, "quantity": 1},
    ],
}


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "success"
    assert body["execution_time"].endswith(" seconds")
    return body


def test_test_endpoint(client: httpx.Client) -> None:
    body = ok(client.get("/test"))
    assert body["message"] == "Connection Successful"
    assert len(body["current_date_time"]) == 19


def test_store_settings_have_folder_map(client: httpx.Client) -> None:
    store = ok(client.get("/store"))["store"]
    assert store["id"] == "100001"
    assert store["folders"] == {
        "1": "New",
        "2": "Prepared",
        "3": "Closed",
        "4": "Canceled",
        "5": "Backorder",
    }
    assert "api_key" not in store


def test_list_defaults_and_value_types(client: httpx.Client) -> None:
    body = ok(client.get("/orders"))
    assert (body["total_records"], body["records_returned"]) == (200, 50)
    assert (body["offset"], body["limit"]) == (0, 50)
    dates = [order["date_added"] for order in body["orders"]]
    assert dates == sorted(dates, reverse=True)
    order = body["orders"][0]
    assert isinstance(order["id"], str) and isinstance(order["folder_id"], int)
    assert isinstance(order["order_total"], float) and isinstance(order["email_count"], str)
    assert isinstance(order["order_items"][0]["price"], str)
    assert "order_history" not in order


def test_paging_walks_every_order_once(client: httpx.Client) -> None:
    seen: list[str] = []
    offset = 0
    while True:
        body = ok(client.get("/orders", params={"limit": 70, "offset": offset}))
        seen += [order["id"] for order in body["orders"]]
        offset += body["records_returned"]
        if body["records_returned"] < body["limit"]:
            break
    assert len(seen) == len(set(seen)) == 200


def test_limit_is_clamped_to_500_and_bad_paging_is_400(client: httpx.Client) -> None:
    assert ok(client.get("/orders", params={"limit": 9999}))["limit"] == 500
    assert client.get("/orders", params={"limit": "ten"}).status_code == 400
    assert client.get("/orders", params={"offset": -1}).status_code == 400


def test_sort_by_any_field_both_directions(client: httpx.Client) -> None:
    for field in ("order_total", "date_updated", "id"):
        up = ok(client.get("/orders", params={"order_by": field, "order": "ASC", "limit": 500}))
        values = [float(order[field]) if field == "id" else order[field] for order in up["orders"]]
        assert values == sorted(values)
    assert client.get("/orders", params={"order": "sideways"}).status_code == 400


def test_folder_filters(client: httpx.Client, server: SandboxServer) -> None:
    body = ok(client.get("/orders", params={"folder_id": "1,2", "limit": 500}))
    assert {order["folder_id"] for order in body["orders"]} <= {1, 2}
    expected = sum(1 for row in server.store().rows.values() if row.folder_id in (1, 2))
    assert body["total_records"] == expected > 0
    closed = ok(client.get("/orders", params={"folder_name": "closed"}))
    assert closed["total_records"] == sum(
        1 for row in server.store().rows.values() if row.folder_id == 3
    )
    assert client.get("/orders", params={"folder_id": "x"}).status_code == 400


def test_exact_value_filters(client: httpx.Client) -> None:
    sample = ok(client.get("/orders", params={"limit": 1, "offset": 17}))["orders"][0]
    for name, value in (
        ("source_id", sample["source_id"]),
        ("email", sample["email"].upper()),
        ("shipping_last_name", sample["shipping"]["last_name"]),
        ("customer_first_name", sample["customer"]["first_name"]),
    ):
        found = ok(client.get("/orders", params={name: value, "limit": 500}))["orders"]
        assert sample["id"] in [order["id"] for order in found], name
    by_customer = ok(client.get("/orders", params={"customer_id": sample["customer_id"]}))
    assert all(o["customer_id"] == sample["customer_id"] for o in by_customer["orders"])
    shopify = ok(client.get("/orders", params={"source_name": "Shopify", "limit": 500}))
    assert shopify["total_records"] > 0
    assert {order["source_name"] for order in shopify["orders"]} == {"Shopify"}


def test_date_range_filters_accept_three_formats(client: httpx.Client) -> None:
    everything = ok(client.get("/orders", params={"limit": 500, "order": "asc"}))["orders"]
    low, high = everything[50]["date_added"], everything[99]["date_added"]
    for start, end in (
        (low, high),
        (low.replace(" ", "T"), high.replace(" ", "T") + "Z"),
    ):
        params = {"search_start_date": start, "search_end_date": end, "limit": 500}
        assert ok(client.get("/orders", params=params))["total_records"] == 50
    day = low[:10]
    body = ok(client.get("/orders", params={"search_start_date": day, "limit": 500}))
    assert all(order["date_added"] >= day for order in body["orders"])
    modified = ok(client.get("/orders", params={"modified_start_date": high, "limit": 500}))
    assert all(order["date_updated"] >= high for order in modified["orders"])
    assert client.get("/orders", params={"search_start_date": "yesterday"}).status_code == 400


def test_get_order_and_history_flag(client: httpx.Client, server: SandboxServer) -> None:
    order_id = next(iter(server.store().orders))
    plain = ok(client.get(f"/orders/{order_id}"))["order"]
    assert plain["id"] == order_id and "order_history" not in plain
    full = ok(client.get(f"/orders/{order_id}", params={"get_order_history": 1}))["order"]
    assert full["order_history"][0]["note"].startswith("Order imported")
    listed = ok(client.get("/orders", params={"get_order_history": "true", "limit": 2}))
    assert all("order_history" in order for order in listed["orders"])


def test_unknown_order_is_404(client: httpx.Client) -> None:
    response = client.get("/orders/999")
    assert response.status_code == 404
    assert response.json()["status"] == "error" and "999" in response.json()["message"]


def test_create_order_fills_defaults_and_totals(
    client: httpx.Client, server: SandboxServer
) -> None:
    order = ok(client.post("/orders", json=NEW_ORDER))["order"]
    assert order["folder_id"] == 1 and order["payment_status"] == "Captured"
    assert order["customer"]["first_name"] == "Zoë"
    assert order["quantity_total"] == 3 and order["product_total"] == 38.0
    assert Decimal(str(order["order_total"])) == Decimal("38.00") + Decimal("7.95") + Decimal("1.2")
    assert order["processor_balance"] == order["order_total"]
    assert order["date_added"] == order["date_updated"]
    assert order["id"] in server.store().orders
    found = ok(client.get("/orders", params={"source_id": "SH-TEST-1"}))["orders"]
    assert [o["id"] for o in found] == [order["id"]]


def test_create_order_defaults_source(client: httpx.Client) -> None:
    body = {k: v for k, v in NEW_ORDER.items() if not k.startswith("source")}
    order = ok(client.post("/orders", json=body))["order"]
    assert order["source_name"] == "Order Desk" and order["source_id"] == order["id"]


def test_create_order_rejects_duplicates_and_bad_input(client: httpx.Client) -> None:
    first = ok(client.post("/orders", json=NEW_ORDER))["order"]
    duplicate = client.post("/orders", json=NEW_ORDER)
    assert duplicate.status_code == 400 and first["id"] in duplicate.json()["message"]
    no_items = {**NEW_ORDER, "source_id": "other", "order_items": []}
    assert client.post("/orders", json=no_items).status_code == 400
    no_name = {**NEW_ORDER, "source_id": "other2", "shipping": {"city": "Paris"}}
    assert client.post("/orders", json=no_name).status_code == 400
    bad_price = {**NEW_ORDER, "source_id": "o3", "order_items": [{"name": "x", "price": "abc"}]}
    assert client.post("/orders", json=bad_price).status_code == 400
    assert client.post("/orders", json={**NEW_ORDER, "folder_id": 99}).status_code == 400
    broken = client.post(
        "/orders", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and broken.json()["status"] == "error"


def test_put_replaces_whole_record(client: httpx.Client, server: SandboxServer) -> None:
    order_id = next(iter(server.store().orders))
    before = ok(client.get(f"/orders/{order_id}"))["order"]
    changed = {**before, "email": "new@example.com", "folder_id": 5, "date_added": "2000-01-01"}
    del changed["checkout_data"]
    after = ok(client.put(f"/orders/{order_id}", json=changed))["order"]
    assert after["email"] == "new@example.com" and after["checkout_data"] == {}
    assert after["folder_id"] == before["folder_id"] and after["date_added"] == before["date_added"]
    assert after["date_updated"] > before["date_updated"]
    assert after["order_items"] == before["order_items"]
    assert client.put("/orders/1", json=changed).status_code == 404


def test_delete_order(client: httpx.Client, server: SandboxServer) -> None:
    order_id = next(iter(server.store().orders))
    assert "deleted" in ok(client.delete(f"/orders/{order_id}"))["message"]
    assert client.get(f"/orders/{order_id}").status_code == 404
    assert ok(client.get("/orders"))["total_records"] == 199


def test_history_notes_append_with_limits(client: httpx.Client, server: SandboxServer) -> None:
    order_id = next(iter(server.store().orders))
    ok(client.post(f"/orders/{order_id}/order-history", json={"note": "Called the shopper"}))
    history = server.store().orders[order_id]["order_history"]
    assert history[-1]["note"] == "Called the shopper" and history[-1]["source_name"] == "API"
    path = f"/orders/{order_id}/order-history"
    assert client.post(path, json={"note": "x" * 1801}).status_code == 400
    assert client.post(path, json={"note": ""}).status_code == 400
    history.extend([dict(history[-1]) for _ in range(250 - len(history))])
    full = client.post(path, json={"note": "one too many"})
    assert full.status_code == 400 and "250" in full.json()["message"]


def test_move_orders_reports_previous_folder(client: httpx.Client, server: SandboxServer) -> None:
    ids = list(server.store().orders)[:3]
    before = {i: server.store().orders[i]["folder_id"] for i in ids}
    body = {"order_id_list": [*ids, "42"], "destination_folder_name": "Backorder"}
    results = ok(client.post("/move-orders", json=body))["results"]
    assert [r["previous_folder_id"] for r in results[:3]] == [before[i] for i in ids]
    assert all(r["folder_id"] == 5 for r in results[:3]) and results[3]["status"] == "error"
    assert server.store().orders[ids[0]]["order_history"][-1]["note"].endswith("to Backorder")
    moved = ok(client.get("/orders", params={"folder_id": 5, "limit": 500}))["orders"]
    assert set(ids) <= {order["id"] for order in moved}
    assert client.post("/move-orders", json={"order_id_list": ids}).status_code == 400
    by_id = {"order_id_list": ids[:1], "destination_folder_id": 99}
    assert client.post("/move-orders", json=by_id).status_code == 400
