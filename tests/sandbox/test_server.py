"""Server plumbing: auth, HTTP errors, concurrency, shutdown, counters, edits."""

from __future__ import annotations

import asyncio

import httpx

from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID, SandboxServer, SandboxStoreSpec
from tests.sandbox.conftest import API_KEY, auth_headers


def test_auth_failures_are_401_json(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.base_url) as http:
        for headers in ({}, auth_headers(api_key="wrong"), auth_headers(store_id="999")):
            response = http.get("/test", headers=headers)
            assert response.status_code == 401
            assert response.json()["status"] == "error" and response.json()["message"]
    assert server.store().request_count() == 0


def test_http_level_errors(client: httpx.Client) -> None:
    patch = client.patch("/orders/1", json={})
    assert patch.status_code == 405 and patch.json()["status"] == "error"
    assert client.delete("/orders").status_code == 405
    assert client.get("/nothing-here").status_code == 404
    assert client.get("/test", params={"x": 1}).status_code == 200
    with httpx.Client(base_url=client.base_url.join("/"), headers=client.headers) as root:
        assert root.get("/api/v1/orders").status_code == 404
    body_on_get = client.request("GET", "/test", content=b'{"a": 1}')
    assert body_on_get.status_code == 400


def test_default_store_is_the_demo_store() -> None:
    with SandboxServer(stores=None, rate_limit=False) as server:
        headers = auth_headers(DEMO_STORE_ID, DEMO_API_KEY)
        with httpx.Client(base_url=server.base_url, headers=headers) as http:
            assert http.get("/orders").json()["total_records"] == 200
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.base_url.endswith("/api/v2")


def test_request_counts(client: httpx.Client, server: SandboxServer) -> None:
    store = server.store("100001")
    client.get("/orders")
    client.get("/orders", params={"limit": 1})
    client.post("/orders", json={})
    client.get("/store")
    assert store.request_count() == 4
    assert store.request_count("GET") == 3
    assert store.request_count("get", "/orders") == 2
    assert store.request_count(path_prefix="/api/v2/orders") == 3
    store.reset_counts()
    assert store.request_count() == 0


def test_edit_order_deep_merges(client: httpx.Client, server: SandboxServer) -> None:
    store = server.store()
    order_id = next(iter(store.orders))
    before = client.get(f"/orders/{order_id}").json()["order"]
    edited = store.edit_order(order_id, {"customer": {"company": "Neu GmbH"}, "folder_id": 4})
    assert edited["customer"]["first_name"] == before["customer"]["first_name"]
    assert edited["customer"]["company"] == "Neu GmbH"
    assert edited["date_updated"] > before["date_updated"]
    in_folder = client.get("/orders", params={"folder_id": 4, "limit": 500}).json()["orders"]
    assert order_id in {order["id"] for order in in_folder}


def test_store_orders_mapping_is_what_is_served(
    client: httpx.Client, server: SandboxServer
) -> None:
    orders = server.store().orders
    order_id = next(iter(orders))
    orders[order_id]["tag_name"] = "set by test"
    assert client.get(f"/orders/{order_id}").json()["order"]["tag_name"] == "set by test"
    assert len(orders) == 200 and order_id in orders
    del orders[order_id]
    assert client.get(f"/orders/{order_id}").status_code == 404


async def test_200_concurrent_connections(server: SandboxServer) -> None:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(
        base_url=server.base_url, headers=auth_headers(), limits=limits, timeout=30
    ) as http:
        responses = await asyncio.gather(
            *(http.get("/orders", params={"limit": 5, "offset": n}) for n in range(200))
        )
    assert [r.status_code for r in responses] == [200] * 200
    assert server.store().request_count() == 200


def test_stop_closes_idle_keep_alive_connections() -> None:
    spec = SandboxStoreSpec(api_key=API_KEY, orders=3)
    server = SandboxServer(stores=[spec]).start()
    with httpx.Client(base_url=server.base_url, headers=auth_headers()) as http:
        assert http.get("/test").status_code == 200
        server.stop()
        server.stop()
    assert server.store().request_count() == 1


def test_restart_after_stop() -> None:
    spec = SandboxStoreSpec(api_key=API_KEY, orders=3)
    server = SandboxServer(stores=[spec], rate_limit=False)
    for _ in range(2):
        with server, httpx.Client(base_url=server.base_url, headers=auth_headers()) as http:
            assert http.get("/test").status_code == 200
