"""Order items and shipments against the sandbox."""

from __future__ import annotations

import copy

import pytest

from app.core.services import InvalidChangeError, Services, StoreRecord
from app.sandbox import SandboxStore
from tests.core.services.conftest import first_order_id


async def test_items_add_update_remove(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    count = len(await services.orders.list_items(store, order_id))
    added = await services.orders.add_item(
        store, order_id, {"name": "Sticker", "code": "STK-1", "price": "2.50", "quantity": 2},
        actor="gui",
    )  # fmt: skip
    assert len(await services.orders.list_items(store, order_id)) == count + 1
    before = copy.deepcopy(
        next(i for i in od_store.orders[order_id]["order_items"] if i["id"] == added.id)
    )
    od_store.reset_counts()
    updated = await services.orders.update_item(
        store, order_id, added.id, {"quantity": 5}, actor="gui"
    )
    assert updated.quantity == 5
    assert od_store.request_count() == 2
    after = next(i for i in od_store.orders[order_id]["order_items"] if i["id"] == added.id)
    assert {**before, "quantity": 5} == after
    await services.orders.remove_item(store, order_id, added.id, actor="gui")
    assert len(await services.orders.list_items(store, order_id)) == count


async def test_shipments_update_and_delete(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    added = await services.orders.add_shipment(
        store, order_id, {"tracking_number": "1Z999AA10123456700", "cost": "4.10"}, actor="gui"
    )
    changed = await services.orders.update_shipment(
        store, order_id, added.id, {"shipment_method": "Ground"}, actor="gui"
    )
    assert changed.shipment_method == "Ground" and str(changed.cost) == "4.10"
    with pytest.raises(InvalidChangeError, match="read-only"):
        await services.orders.update_shipment(
            store, order_id, added.id, {"order_id": "1"}, actor="gui"
        )
    await services.orders.delete_shipment(store, order_id, added.id, actor="gui")
    assert added.id not in [s.id for s in await services.orders.list_shipments(store, order_id)]
    entries = (await services.audit.query(action="shipment.update")).entries
    assert entries[0].outcome.startswith("failed: order_id cannot be changed")
    entry = entries[1]
    assert (
        entry.before["shipment_method"] != "Ground" and entry.after["shipment_method"] == "Ground"
    )


async def test_batch_shipments_and_cache_invalidation(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    ids = list(od_store.orders)[:2]
    for order_id in ids:
        await services.orders.list_shipments(store, order_id)
    result = await services.orders.add_shipments_batch(
        store,
        [
            {"order_id": ids[0], "tracking_number": "TRK-A1"},
            {"order_id": ids[1], "tracking_number": "TRK-B1"},
        ],
        actor="gui",
    )
    assert not result.failed and len(result.results) == 2
    for order_id, tracking in zip(ids, ("TRK-A1", "TRK-B1"), strict=True):
        shipments = await services.orders.list_shipments(store, order_id)
        assert tracking in [s.tracking_number for s in shipments]
    with pytest.raises(InvalidChangeError, match="order_id"):
        await services.orders.add_shipments_batch(store, [{"tracking_number": "X"}], actor="gui")
