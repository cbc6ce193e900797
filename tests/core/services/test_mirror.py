"""The local mirror as the read model: reads with 0 requests and an age, writes kept in it,
fresh reads and unanswerable searches go to Order Desk."""

from __future__ import annotations

import asyncio

import pytest

from app.core.db.models import Store
from app.core.index import SearchFilters
from app.core.services import OrderFilters, Services, StoreRecord
from app.core.services.mirror import mirror_query
from app.sandbox import SandboxStore
from tests.core.services.test_local_orders import ReadyEvents


@pytest.fixture
async def mirrored(services: Services, store: StoreRecord) -> StoreRecord:
    """The store with its mirror on and synced once."""
    Store.update(index_enabled=True).where(Store.id == store.id).execute()
    store = await services.stores.resolve(store.id)
    ready = ReadyEvents(services, store)
    await services.start_index_syncs(every=3600)
    await ready.next()
    return store


async def test_reads_answer_from_the_mirror_with_no_request_and_an_age(
    services: Services, mirrored: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = next(iter(od_store.orders))
    folder = int(od_store.orders[order_id]["folder_id"])
    od_store.reset_counts()
    for _ in range(5):
        order = await services.orders.get(mirrored, order_id)
    page = await services.orders.list(mirrored, OrderFilters(folders=[folder]), limit=10)

    assert od_store.request_count() == 0
    assert order.from_mirror and order.id == order_id
    assert order.age() is not None and order.age() < 60
    assert page.source == "mirror" and page.orders and page.as_of is not None
    assert all(o.folder_id == folder for o in page.orders)


async def test_fresh_reads_and_other_filters_go_to_order_desk(
    services: Services, mirrored: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = next(iter(od_store.orders))
    od_store.reset_counts()
    order = await services.orders.get(mirrored, order_id, fresh=True)
    page = await services.orders.list(mirrored, OrderFilters(email="x@example.com"))

    assert not order.from_mirror and order.age() is not None and order.age() < 5
    assert page.source == "live"
    assert od_store.request_count("GET") == 2


async def test_an_update_is_two_requests_and_the_mirror_keeps_its_reply(
    services: Services, mirrored: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = next(iter(od_store.orders))
    od_store.reset_counts()
    await services.orders.update(mirrored, order_id, {"email": "new@example.com"}, actor="test")
    after = await services.orders.get(mirrored, order_id)

    # The GET the merge is made on and the PUT; a change-feed turn (GET /orders?...) may
    # run meanwhile on a slow machine and is not part of the update.
    assert od_store.request_count(path_prefix=f"/orders/{order_id}") == 2
    assert od_store.request_count("PUT") == 1
    assert after.from_mirror and after.email == "new@example.com"


async def test_someone_elses_edit_reaches_the_mirror_with_the_change_feed(
    services: Services, mirrored: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = next(iter(od_store.orders))
    od_store.edit_order(order_id, {"email": "elsewhere@example.com"})
    await services.index.sync(await services.index_handle(mirrored))

    assert (await services.orders.get(mirrored, order_id)).email == "elsewhere@example.com"


def test_only_searches_the_mirror_answers_exactly_are_translated() -> None:
    assert mirror_query(OrderFilters(folders=[1], order_by="date_updated"), None) is not None
    assert mirror_query(OrderFilters(source_name="Shopify", order="asc"), None) is not None
    assert mirror_query(OrderFilters(email="a@b.c"), None) is None
    assert mirror_query(OrderFilters(include_history=True), None) is None
    assert mirror_query(OrderFilters(order_by="source_id"), None) is None
    assert mirror_query(OrderFilters(folders=["Nope"]), {1: "New"}) is None


async def test_many_orders_come_from_the_mirror_in_one_read_with_no_request(
    services: Services, mirrored: StoreRecord, od_store: SandboxStore
) -> None:
    ids = list(od_store.rows)[:50]
    od_store.reset_counts()
    found = await services.local_orders.mirror_orders(mirrored, [*ids, "999999999"])

    assert od_store.request_count() == 0
    assert set(found) == set(ids)  # an unknown id is simply missing
    assert all(order.from_mirror and order.id == key for key, order in found.items())


async def test_without_a_mirror_none_come_from_it(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    assert not services.local_orders.keeps_index(store)
    assert await services.local_orders.mirror_orders(store, list(od_store.rows)[:3]) == {}


NEW_ORDER = {
    "source_id": "MIRROR-NEW-1",
    "shipping": {"first_name": "Ada", "last_name": "Park", "city": "Austin", "country": "US"},
    "order_items": [{"name": "Mug", "code": "MUG-1", "price": "12.50", "quantity": 1}],
}


async def test_a_created_order_is_listed_from_the_mirror_as_soon_as_create_returns(
    services: Services, mirrored: StoreRecord, od_store: SandboxStore
) -> None:
    od_store.reset_counts()
    created = await services.orders.create(mirrored, NEW_ORDER, actor="test")
    page = await services.orders.list(mirrored, OrderFilters(folders=[created.folder_id]))

    assert page.source == "mirror"
    assert created.id in [order.id for order in page.orders]
    assert od_store.request_count() == 1  # the POST; the list cost nothing


async def test_a_move_is_searched_in_its_new_folder_as_soon_as_move_returns(
    services: Services, mirrored: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = next(i for i, o in od_store.orders.items() if int(o["folder_id"]) != 2)
    await services.orders.move(mirrored, [order_id], 2, actor="test")
    od_store.reset_counts()
    found = await services.local_orders.search(mirrored, filters=SearchFilters(folder_ids=(2,)))
    page = await services.orders.list(mirrored, OrderFilters(folders=[2]), limit=500)

    assert order_id in [row.id for row in found.result.rows]  # the windows' lists and counts
    # Full records of the moved order are read live until the feed has read it (the folder's
    # rules may have changed more than the folder), so this list costs one request.
    assert order_id in [o.id for o in page.orders]
    assert [o.folder_id for o in page.orders if o.id == order_id] == [2]
    assert od_store.request_count("GET") == 1


async def test_a_deleted_order_is_gone_from_the_mirror_as_soon_as_delete_returns(
    services: Services, mirrored: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = next(iter(od_store.orders))
    folder = int(od_store.orders[order_id]["folder_id"])
    await services.orders.delete(mirrored, order_id, actor="test")
    page = await services.orders.list(mirrored, OrderFilters(folders=[folder]), limit=500)

    assert page.source == "mirror" and order_id not in [o.id for o in page.orders]


async def test_before_the_syncs_start_a_read_schedules_only_a_first_sync(
    services: Services, mirrored: StoreRecord, od_store: SandboxStore
) -> None:
    """``serve --stdio`` answers its first reads before it starts the syncs: a synced mirror
    answers without scheduling its feed (whose key read may unlock the vault), a mirror never
    synced gets its first sync at once (a read may be waiting for it)."""
    local = services.local_orders
    services.index.unschedule(mirrored.key)
    local.read_only_start = True
    order = await services.orders.get(mirrored, next(iter(od_store.orders)))
    assert order.from_mirror and not services.index.scheduled(mirrored.key)

    await services.index.remove(mirrored.key)  # as if never synced
    await services.orders.get(mirrored, next(iter(od_store.orders)))
    for _ in range(600):  # the scheduling runs in the background: up to a minute
        if services.index.scheduled(mirrored.key):
            break
        await asyncio.sleep(0.1)
    assert services.index.scheduled(mirrored.key)
    await services.start_index_syncs(every=3600)
    assert not local.read_only_start
