"""Every endpoint against the sandbox Order Desk: what we send is what the store keeps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.core.orderdesk import NotFoundError, OrderDeskClient
from tests.core.orderdesk.conftest import Sandbox

NEW_ORDER = {
    "source_id": "TRAY-TEST-1",
    "source_name": "Order Desk",
    "email": "sam@example.com",
    "shipping": {
        "first_name": "Sam",
        "last_name": "Lee",
        "address1": "1 Main St",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78701",
        "country": "US",
    },
    "order_items": [{"name": "Mug", "code": "MUG-1", "price": "12.50", "quantity": 2}],
}


async def first_order_id(client: OrderDeskClient) -> str:
    page = await client.list_orders(limit=1)
    return page.records[0].id


async def test_test_and_store_settings(sandbox: Sandbox) -> None:
    client = sandbox.client()
    result = await client.test_connection()
    assert result.message
    assert result.server_time is not None
    store = await client.get_store_settings()
    assert store.folders
    assert all(isinstance(key, int) and name for key, name in store.folders.items())


async def test_orders_list_get_and_pages(sandbox: Sandbox) -> None:
    client = sandbox.client()
    page = await client.list_orders(limit=50, offset=10)
    assert (page.total_records, page.offset, page.limit, page.records_returned) == (200, 10, 50, 50)
    order = await client.get_order(page.records[0].id)
    stored = {k: v for k, v in sandbox.store.orders[order.id].items() if k != "order_history"}
    assert order.raw == stored
    assert isinstance(order.order_total, Decimal)
    ids = [o.id async for o in client.iter_orders(page_size=60)]
    assert len(ids) == len(set(ids)) == 200
    assert sandbox.store.request_count("GET", "/orders") >= 4


async def test_order_create_update_delete(sandbox: Sandbox) -> None:
    client = sandbox.client()
    created = await client.create_order(NEW_ORDER)
    assert created.id in sandbox.store.orders
    assert created.source_id == "TRAY-TEST-1"
    body = created.copy_raw()
    body["email"] = "sam.lee@example.com"
    updated = await client.update_order(created.id, body)
    assert updated.email == "sam.lee@example.com"
    changed = {k for k in body if body[k] != updated.raw.get(k)}
    assert changed <= {"date_updated"}
    await client.add_order_history(created.id, "Checked by the tray tests", source_name="Tests")
    notes = [entry.get("note") for entry in sandbox.store.orders[created.id]["order_history"]]
    assert "Checked by the tray tests" in notes
    await client.delete_order(created.id)
    assert created.id not in sandbox.store.orders
    with pytest.raises(NotFoundError):
        await client.get_order(created.id)


async def test_order_items(sandbox: Sandbox) -> None:
    client = sandbox.client()
    order_id = await first_order_id(client)
    items = await client.list_order_items(order_id)
    assert items
    item = await client.get_order_item(order_id, items[0].id)
    assert item.raw == items[0].raw
    added = await client.add_order_item(
        order_id, {"name": "Sticker", "code": "STK", "price": "1.25", "quantity": 4}
    )
    assert added.id and added.price == Decimal("1.25")
    body = added.copy_raw()
    body["quantity"] = 5
    assert (await client.update_order_item(order_id, added.id, body)).quantity == 5
    await client.delete_order_item(order_id, added.id)
    assert added.id not in {i.id for i in await client.list_order_items(order_id)}


async def test_shipments(sandbox: Sandbox) -> None:
    client = sandbox.client()
    order_id = await first_order_id(client)
    added = await client.add_shipment(
        order_id, {"tracking_number": "1Z999AA10123456784", "weight": "1.5"}
    )
    assert added.order_id == order_id
    assert added.carrier_code
    assert added.id in {s.id for s in await client.list_shipments(order_id)}
    assert (await client.get_shipment(order_id, added.id)).tracking_number == "1Z999AA10123456784"
    body = added.copy_raw()
    body["cost"] = "7.10"
    assert (await client.update_shipment(order_id, added.id, body)).cost == Decimal("7.10")
    await client.delete_shipment(order_id, added.id)
    with pytest.raises(NotFoundError):
        await client.get_shipment(order_id, added.id)


async def test_batch_shipments_and_move_orders(sandbox: Sandbox) -> None:
    client = sandbox.client()
    page = await client.list_orders(limit=2)
    first, second = (order.id for order in page.records)
    batch = await client.add_shipments_batch(
        [
            {"order_id": first, "tracking_number": "n/a"},
            {"order_id": second, "tracking_number": "9405511899223856021234"},
            {"order_id": "1", "tracking_number": "n/a"},
        ]
    )
    assert [r.ok for r in batch.results] == [True, True, False]
    store = await client.get_store_settings()
    target = max(store.folders)
    moved = await client.move_orders([first, second], folder_id=target)
    assert moved.message or moved.moved
    assert {
        o.folder_id for o in (await client.list_orders(folder_id=target, limit=500)).records
    } == {target}
    assert sandbox.store.orders[first]["folder_id"] == target
    by_name = await client.move_orders([first], folder_name=store.folders[min(store.folders)])
    assert by_name is not None
    assert sandbox.store.orders[first]["folder_id"] == min(store.folders)


async def test_inventory(sandbox: Sandbox) -> None:
    client = sandbox.client()
    page = await client.list_inventory_items(limit=500)
    assert page.total_records == 60
    existing = page.records[0]
    assert (await client.list_inventory_items(code=existing.code)).records[0].id == existing.id
    assert (await client.get_inventory_item(existing.id)).raw == sandbox.store.inventory[
        existing.id
    ]
    created = await client.create_inventory_item(
        {"name": "Tray Test", "code": "TRAY-TEST", "price": 3.5, "stock": 4}
    )
    assert created.id in sandbox.store.inventory
    body = created.copy_raw()
    body["stock"] = 9
    assert (await client.update_inventory_item(created.id, body)).stock == 9
    batch_body = created.copy_raw() | {"stock": 11}
    batch = await client.update_inventory_items_batch([batch_body])
    assert batch.results and batch.results[0].ok
    assert int(sandbox.store.inventory[created.id]["stock"]) == 11
    await client.delete_inventory_item(created.id)
    assert created.id not in sandbox.store.inventory
    assert len([item async for item in client.iter_inventory_items(page_size=25)]) == 60
