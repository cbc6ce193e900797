"""Inventory against the sandbox: server and local filters, merge updates, batch, cache."""

from __future__ import annotations

import copy

import pytest

from app.core.services import (
    DuplicateWriteError,
    InventoryFilters,
    OrderConflict,
    Services,
    StoreRecord,
)
from app.sandbox import SandboxStore


def first_item_id(od_store: SandboxStore) -> str:
    return sorted(od_store.inventory, key=int)[0]


async def test_server_filters_cost_one_request_and_are_cached(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    item = od_store.inventory[first_item_id(od_store)]
    found = await services.inventory.list(store, InventoryFilters(code=item["code"]))
    assert [i.id for i in found.items] == [item["id"]]
    await services.inventory.list(store, InventoryFilters(code=item["code"]))
    searched = await services.inventory.list(store, InventoryFilters(search="tee"))
    assert searched.total > 0 and all("tee" in i.name.casefold() for i in searched.items)
    assert od_store.request_count("GET", "/inventory-items") == 2


async def test_a_fresh_list_reads_order_desk_again(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    target = first_item_id(od_store)
    await services.inventory.list(store)
    od_store.inventory[target]["stock"] = 4242  # changed in Order Desk by someone else
    cached = await services.inventory.list(store)
    assert od_store.request_count("GET", "/inventory-items") == 1
    fresh = await services.inventory.list(store, fresh=True)
    assert od_store.request_count("GET", "/inventory-items") == 2
    stock = {i.id: i.stock for i in fresh.items}
    assert stock[target] == 4242 != {i.id: i.stock for i in cached.items}[target]


async def test_local_filters_walk_the_pages(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    target = first_item_id(od_store)
    od_store.inventory[target]["metadata"]["category"] = "Apparel"
    od_store.inventory[target]["metadata"]["description"] = "Soft organic cotton"
    by_category = await services.inventory.list(store, InventoryFilters(category="apparel"))
    assert [i.id for i in by_category.items] == [target]
    by_text = await services.inventory.list(store, InventoryFilters(description="ORGANIC cot"))
    assert [i.id for i in by_text.items] == [target]
    names = await services.inventory.list(store, InventoryFilters(name="tee"), limit=2)
    assert len(names.items) == 2 and names.next_offset == 2 and names.total > 2
    assert od_store.request_count("GET", "/inventory-items") == 1  # one 500-item page, cached


async def test_update_merges_and_keeps_other_fields(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    item_id = first_item_id(od_store)
    before = copy.deepcopy(od_store.inventory[item_id])
    await services.inventory.list(store)
    updated = await services.inventory.update(
        store, item_id, {"stock": 7, "metadata": {"bin": "A1"}}, actor="gui"
    )
    assert updated.stock == 7
    assert od_store.request_count("GET") == 2 and od_store.request_count("PUT") == 1
    after = copy.deepcopy(od_store.inventory[item_id])
    assert after["metadata"] == {**before["metadata"], "bin": "A1"}
    for key in ("name", "code", "price", "cost", "location", "variation_list"):
        assert after[key] == before[key]
    od_store.reset_counts()
    await services.inventory.list(store)
    assert od_store.request_count() == 1  # the write dropped the cached list


async def test_update_with_stale_version_conflicts(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    item_id = first_item_id(od_store)
    with pytest.raises(OrderConflict, match="Inventory item"):
        await services.inventory.update(
            store, item_id, {"stock": 1}, actor="gui", expected_date_updated="2001-01-01 00:00:00"
        )


async def test_create_delete_and_duplicate_create(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    item = {"name": "Canvas Tote", "code": "TOTE-NEW", "price": 18, "stock": 4}
    created = await services.inventory.create(store, item, actor="gui")
    assert od_store.inventory[created.id]["code"] == "TOTE-NEW"
    with pytest.raises(DuplicateWriteError):
        await services.inventory.create(store, item, actor="gui")
    await services.inventory.delete(store, created.id, actor="gui")
    assert created.id not in od_store.inventory
    actions = [e.action for e in (await services.audit.query(action="inventory.*")).entries]
    assert actions == ["inventory.delete", "inventory.create", "inventory.create"]


async def test_batch_update_sends_complete_merged_items(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    ids = sorted(od_store.inventory, key=int)[:5]
    result = await services.inventory.update_batch(
        store, [{"id": i, "stock": 50 + n} for n, i in enumerate(ids)], actor="gui"
    )
    assert not result.failed and len(result.results) == 5
    assert [od_store.inventory[i]["stock"] for i in ids] == [50, 51, 52, 53, 54]
    assert od_store.request_count("PUT", "/batch-inventory-items") == 1
