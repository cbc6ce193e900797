"""Every endpoint sends the right method, path, headers and body, and parses its answer."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

import app
from app.core.orderdesk import DEFAULT_BASE_URL, OrderDeskClient, resolve_base_url
from tests.core.orderdesk.conftest import API_KEY, STORE_ID, ClientFactory
from tests.core.orderdesk.fakes import ScriptedServer, envelope

ORDER = {"id": "26211", "source_id": "A-1", "order_total": 21.17, "folder_id": 1}
ITEM = {"id": "42286", "name": "Tee", "price": "10", "quantity": 1}
SHIPMENT = {"id": "369", "order_id": "26211", "tracking_number": "1Z999"}
INVENTORY = {"id": "184532", "code": "TEE", "price": 24.0, "stock": 5}
PAGE = {"total_records": 1, "records_returned": 1, "offset": 0, "limit": 50}

Call = Callable[[OrderDeskClient], Awaitable[Any]]

# (call, method, path, expected body or None, response body)
ENDPOINTS: list[tuple[str, Call, str, str, Any, dict[str, Any]]] = [
    (
        "test",
        lambda c: c.test_connection(),
        "GET",
        "/test",
        None,
        {"message": "Connection Successful", "current_date_time": "2015-04-14 22:00:10"},
    ),
    (
        "store",
        lambda c: c.get_store_settings(),
        "GET",
        "/store",
        None,
        {"store": {"id": "1", "folders": {"1": "New"}}},
    ),
    ("list_orders", lambda c: c.list_orders(), "GET", "/orders", None, {**PAGE, "orders": [ORDER]}),
    ("get_order", lambda c: c.get_order(26211), "GET", "/orders/26211", None, {"order": ORDER}),
    (
        "create_order",
        lambda c: c.create_order({"source_id": "A-1"}),
        "POST",
        "/orders",
        {"source_id": "A-1"},
        {"order": ORDER},
    ),
    (
        "update_order",
        lambda c: c.update_order("26211", ORDER),
        "PUT",
        "/orders/26211",
        ORDER,
        {"order": ORDER},
    ),
    (
        "delete_order",
        lambda c: c.delete_order("26211"),
        "DELETE",
        "/orders/26211",
        None,
        {"message": "Order deleted"},
    ),
    (
        "history",
        lambda c: c.add_order_history("26211", "Called customer", source_name="Tray"),
        "POST",
        "/orders/26211/order-history",
        {"note": "Called customer", "source_name": "Tray"},
        {"message": "ok"},
    ),
    (
        "list_items",
        lambda c: c.list_order_items("26211"),
        "GET",
        "/orders/26211/order-items",
        None,
        {"order_items": [ITEM]},
    ),
    (
        "get_item",
        lambda c: c.get_order_item("26211", "42286"),
        "GET",
        "/orders/26211/order-items/42286",
        None,
        {"order_item": ITEM},
    ),
    (
        "add_item",
        lambda c: c.add_order_item("26211", {"name": "Tee"}),
        "POST",
        "/orders/26211/order-items",
        {"name": "Tee"},
        {"order_item": ITEM},
    ),
    (
        "update_item",
        lambda c: c.update_order_item("26211", "42286", ITEM),
        "PUT",
        "/orders/26211/order-items/42286",
        ITEM,
        {"order_item": ITEM},
    ),
    (
        "delete_item",
        lambda c: c.delete_order_item("26211", "42286"),
        "DELETE",
        "/orders/26211/order-items/42286",
        None,
        {"message": "ok"},
    ),
    (
        "list_shipments",
        lambda c: c.list_shipments("26211"),
        "GET",
        "/orders/26211/shipments",
        None,
        {"shipments": [SHIPMENT]},
    ),
    (
        "get_shipment",
        lambda c: c.get_shipment("26211", 369),
        "GET",
        "/orders/26211/shipments/369",
        None,
        {"shipment": SHIPMENT},
    ),
    (
        "add_shipment",
        lambda c: c.add_shipment("26211", {"tracking_number": "1Z999"}),
        "POST",
        "/orders/26211/shipments",
        {"tracking_number": "1Z999"},
        {"shipment": SHIPMENT},
    ),
    (
        "update_shipment",
        lambda c: c.update_shipment("26211", "369", SHIPMENT),
        "PUT",
        "/orders/26211/shipments/369",
        SHIPMENT,
        {"shipment": SHIPMENT},
    ),
    (
        "delete_shipment",
        lambda c: c.delete_shipment("26211", "369"),
        "DELETE",
        "/orders/26211/shipments/369",
        None,
        {"message": "ok"},
    ),
    (
        "batch_shipments",
        lambda c: c.add_shipments_batch([{"order_id": 26211, "tracking_number": "n/a"}]),
        "POST",
        "/batch-shipments",
        [{"order_id": 26211, "tracking_number": "n/a"}],
        {"results": [{"status": "success", "shipment_id": "370"}]},
    ),
    (
        "list_inventory",
        lambda c: c.list_inventory_items(code="TEE"),
        "GET",
        "/inventory-items",
        None,
        {**PAGE, "inventory_items": [INVENTORY]},
    ),
    (
        "get_inventory",
        lambda c: c.get_inventory_item("184532"),
        "GET",
        "/inventory-items/184532",
        None,
        {"inventory_item": INVENTORY},
    ),
    (
        "create_inventory",
        lambda c: c.create_inventory_item({"name": "Tee", "code": "TEE"}),
        "POST",
        "/inventory-items",
        {"name": "Tee", "code": "TEE"},
        {"inventory_item": INVENTORY},
    ),
    (
        "update_inventory",
        lambda c: c.update_inventory_item("184532", INVENTORY),
        "PUT",
        "/inventory-items/184532",
        INVENTORY,
        {"inventory_item": INVENTORY},
    ),
    (
        "delete_inventory",
        lambda c: c.delete_inventory_item("184532"),
        "DELETE",
        "/inventory-items/184532",
        None,
        {"message": "ok"},
    ),
    (
        "batch_inventory",
        lambda c: c.update_inventory_items_batch([INVENTORY]),
        "PUT",
        "/batch-inventory-items",
        [INVENTORY],
        {"results": [{"status": "success", "id": "184532"}]},
    ),
    (
        "move_orders",
        lambda c: c.move_orders([26211, "26212"], folder_id=3),
        "POST",
        "/move-orders",
        {"order_id_list": ["26211", "26212"], "destination_folder_id": 3},
        {"results": []},
    ),
]


@pytest.mark.parametrize(
    ("call", "method", "path", "sent", "answer"),
    [pytest.param(*case[1:], id=case[0]) for case in ENDPOINTS],
)
async def test_endpoint_request_shape(
    mock_client: ClientFactory,
    call: Call,
    method: str,
    path: str,
    sent: Any,
    answer: dict[str, Any],
) -> None:
    server = ScriptedServer(envelope(**answer))
    result = await call(mock_client(server))
    assert result is not None
    (request,) = server.requests
    assert request.method == method
    assert request.url.path == "/api/v2" + path
    assert request.headers["ORDERDESK-STORE-ID"] == STORE_ID
    assert request.headers["ORDERDESK-API-KEY"] == API_KEY
    assert request.headers["User-Agent"] == f"orderdesk-tray/{app.__version__}"
    if sent is None:
        assert request.content == b""
        assert "content-type" not in request.headers
        assert "content-length" not in request.headers
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content) == sent


def test_all_26_endpoints_are_covered() -> None:
    assert len({(case[2], case[3]) for case in ENDPOINTS}) == 26


async def test_list_orders_sends_filters_and_parses_the_page(mock_client: ClientFactory) -> None:
    server = ScriptedServer(
        envelope(total_records="120", records_returned=1, offset=100, limit=100, orders=[ORDER])
    )
    page = await mock_client(server).list_orders(
        limit=100,
        offset=100,
        folder_id=[1, 2],
        search_start_date=datetime(2025, 1, 1, tzinfo=UTC),
        get_order_history=True,
        email=None,
    )
    params = dict(server.requests[0].url.params)
    assert params == {
        "limit": "100",
        "offset": "100",
        "folder_id": "1,2",
        "search_start_date": "2025-01-01 00:00:00",
        "get_order_history": "1",
    }
    assert (page.total_records, page.offset, page.limit, page.records_returned) == (
        120,
        100,
        100,
        1,
    )
    assert page.records[0].order_total == Decimal("21.17")
    assert page.records[0].raw == ORDER


async def test_list_refuses_limits_above_500(mock_client: ClientFactory) -> None:
    client = mock_client(ScriptedServer(envelope()))
    with pytest.raises(ValueError, match="500"):
        await client.list_orders(limit=501)
    with pytest.raises(ValueError):
        await client.list_inventory_items(offset=-1)


async def test_iter_orders_walks_pages(mock_client: ClientFactory) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        count = min(500, 1100 - offset)
        orders = [{"id": str(offset + n)} for n in range(count)]
        return envelope(
            total_records=1100, records_returned=count, offset=offset, limit=500, orders=orders
        )

    server = ScriptedServer(answer)
    ids = [order.id async for order in mock_client(server).iter_orders(folder_id=1)]
    assert len(ids) == 1100 and ids[-1] == "1099"
    assert [r.url.params["offset"] for r in server.requests] == ["0", "500", "1000"]
    assert {r.url.params["folder_id"] for r in server.requests} == {"1"}


async def test_iter_inventory_items(mock_client: ClientFactory) -> None:
    server = ScriptedServer(
        envelope(
            total_records=1, records_returned=1, offset=0, limit=500, inventory_items=[INVENTORY]
        )
    )
    items = [item async for item in mock_client(server).iter_inventory_items(search="tee")]
    assert [item.code for item in items] == ["TEE"]


async def test_move_by_folder_name_and_argument_checks(mock_client: ClientFactory) -> None:
    server = ScriptedServer(
        envelope(results=[{"id": "1", "previous_folder_id": 1, "folder_id": 2}])
    )
    client = mock_client(server)
    result = await client.move_orders(["1"], folder_name="Prepared")
    assert server.body() == {"order_id_list": ["1"], "destination_folder_name": "Prepared"}
    assert result.moved[0].folder_id == 2
    with pytest.raises(ValueError):
        await client.move_orders(["1"], folder_id=1, folder_name="x")
    with pytest.raises(ValueError):
        await client.move_orders(["1"])
    with pytest.raises(ValueError):
        await client.move_orders([], folder_id=1)


async def test_ids_are_quoted_into_one_path_segment(mock_client: ClientFactory) -> None:
    server = ScriptedServer(envelope(order=ORDER))
    client = mock_client(server)
    await client.get_order("../store")
    assert server.requests[0].url.raw_path == b"/api/v2/orders/..%2Fstore"
    with pytest.raises(ValueError):
        await client.get_order("")


async def test_decimal_and_dates_in_bodies(mock_client: ClientFactory) -> None:
    server = ScriptedServer(envelope(order_item=ITEM))
    await mock_client(server).add_order_item(
        "1", {"price": Decimal("24.00"), "when": datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)}
    )
    assert server.body() == {"price": "24.00", "when": "2025-01-02 03:04:05"}


async def test_store_settings_fall_back_to_settings_key(mock_client: ClientFactory) -> None:
    server = ScriptedServer(envelope(settings={"folders": [{"id": 1, "name": "New"}]}))
    store = await mock_client(server).get_store_settings()
    assert store.folders == {1: "New"}


def test_base_url_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_base_url() == DEFAULT_BASE_URL
    monkeypatch.setenv("ORDERDESK_API_URL", "http://127.0.0.1:9/api/v2/")
    assert resolve_base_url() == "http://127.0.0.1:9/api/v2"
    assert resolve_base_url("https://store.example/api/v2") == "https://store.example/api/v2"


async def test_client_uses_env_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERDESK_API_URL", "http://sandbox.test/api/v2")
    server = ScriptedServer(envelope(message="Connection Successful"))
    async with OrderDeskClient(1, "k", transport=server.transport) as client:
        assert client.base_url == "http://sandbox.test/api/v2"
        assert client.store_id == "1"
        await client.test_connection()
    assert str(server.requests[0].url) == "http://sandbox.test/api/v2/test"
