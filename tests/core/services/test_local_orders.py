"""The local order index as part of the services: which stores keep one, scheduled syncs,
a sync after every write made through the services, removal with the store."""

from __future__ import annotations

import asyncio
import os
import stat

import pytest

from app.core import settings
from app.core.db.models import Store
from app.core.events import SYNC_PROGRESS, Event
from app.core.index import SearchFilters, index_path
from app.core.services import IndexDisabledError, Services, StoreRecord
from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID, SandboxServer, SandboxStore
from tests.core.services.conftest import API_KEY, first_order_id


class ReadyEvents:
    """Counts the ``ready`` progress events of one store and lets a test await the next."""

    def __init__(self, services: Services, store: StoreRecord) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._key = store.key
        services.engine.hub.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        mine = event.kind == SYNC_PROGRESS and event.store_id == self._key
        if mine and event.data.get("state") == "ready":
            self._loop.call_soon_threadsafe(self._queue.put_nowait, event)

    async def next(self) -> Event:
        """The next ``ready`` event (fails after 20 seconds)."""
        return await asyncio.wait_for(self._queue.get(), 20)


def _enable(store: StoreRecord) -> None:
    Store.update(index_enabled=True).where(Store.id == store.id).execute()


async def test_real_stores_keep_no_index_unless_enabled(
    services: Services, store: StoreRecord
) -> None:
    local = services.local_orders
    assert not local.keeps_index(store)
    assert await services.start_index_syncs() == []
    with pytest.raises(IndexDisabledError, match=r"index\.enabled_for_real_stores"):
        await local.search(store, "anything")
    assert not index_path(store.key).exists()

    settings.set_value("index.enabled_for_real_stores", True)
    assert local.keeps_index(store)
    settings.set_value("index.enabled_for_real_stores", False)
    _enable(store)
    assert local.keeps_index(await services.stores.resolve(store.id))


async def test_the_demo_store_always_keeps_an_index(
    services: Services, sandbox: SandboxServer
) -> None:
    with SandboxServer(rate_limit=False) as demo_sandbox:
        demo = await services.stores.register(
            "Demo Store",
            DEMO_STORE_ID,
            DEMO_API_KEY,
            demo_sandbox.base_url,
            actor="test",
            is_demo=True,
        )
        assert demo.is_demo and services.local_orders.keeps_index(demo)
        ready = ReadyEvents(services, demo)
        assert [s.name for s in await services.start_index_syncs(every=3600)] == ["Demo Store"]
        await ready.next()
        found = await services.local_orders.search(demo, limit=5)
    assert found.status.state == "ready" and found.result.total == 200
    assert len(found.result.rows) == 5 and found.status.last_synced_at is not None


async def test_index_handle_shares_the_pool_client(services: Services, store: StoreRecord) -> None:
    handle = await services.index_handle(store)
    assert handle.id == store.key
    assert handle.client is await services.pool.client(store)


async def test_a_write_through_the_services_triggers_an_incremental_sync(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    _enable(store)
    store = await services.stores.resolve(store.id)
    ready = ReadyEvents(services, store)
    await services.start_index_syncs(every=3600)
    await ready.next()
    order_id = first_order_id(od_store)
    backorder = SearchFilters(folder_ids=(5,))
    before = await services.local_orders.search(store, filters=backorder, limit=500)
    assert order_id not in {row.id for row in before.result.rows}
    od_store.reset_counts()

    await services.orders.move(store, [order_id], "Backorder", actor="test")
    await ready.next()

    after = await services.local_orders.search(store, filters=backorder, limit=500)
    assert order_id in {row.id for row in after.result.rows}
    assert after.result.total == before.result.total + 1
    assert od_store.request_count("GET", "/orders") == 1  # one incremental page, no re-walk


async def test_deleting_a_store_removes_its_index(services: Services, store: StoreRecord) -> None:
    _enable(store)
    store = await services.stores.resolve(store.id)
    ready = ReadyEvents(services, store)
    await services.start_index_syncs(every=3600)
    await ready.next()
    path = index_path(store.key)
    assert path.exists()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700

    await services.stores.delete(store.id, actor="test")

    assert not path.exists()
    assert not any(path.parent.glob(f"{path.name}*"))
    assert not services.index.scheduled(store.key)


async def test_new_key_reschedules_the_store_sync(
    services: Services, store: StoreRecord, sandbox: SandboxServer
) -> None:
    _enable(store)
    store = await services.stores.resolve(store.id)
    ready = ReadyEvents(services, store)
    await services.start_index_syncs(every=3600)
    await ready.next()
    old_client = (await services.index_handle(store)).client

    await services.stores.update_credentials(store.id, API_KEY, actor="test")
    await ready.next()  # the rescheduled sync ran with the new client

    assert services.index.scheduled(store.key)
    assert (await services.index_handle(store)).client is not old_client
