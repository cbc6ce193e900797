"""GET /store shared across processes: the settings row in the database, its age, its end."""

from __future__ import annotations

import time

from app.core.db.models import StoreInfoRow
from app.core.engine import Engine
from app.core.services import Services, StoreRecord
from app.core.services.cache import STORE_SETTINGS, CacheTtls, ReadCache
from app.sandbox import SandboxServer, SandboxStore
from tests.core.services.conftest import API_KEY, make_services


async def test_another_process_reads_the_settings_without_a_request(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    first = await services.stores.info(store)
    assert od_store.request_count("GET", "/store") == 1
    other = make_services(Engine())  # a second process on the same database
    try:
        shared = await other.stores.info(store)
    finally:
        await other.pool.aclose()
    assert od_store.request_count("GET", "/store") == 1
    assert shared.folders == first.folders and shared.as_of == first.as_of
    assert 0 <= shared.age_seconds < 60


async def test_settings_older_than_the_store_ttl_are_read_again(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    await services.stores.info(store)
    StoreInfoRow.update(fetched_at=time.time() - 7200).execute()
    other = make_services(Engine())
    try:
        info = await other.stores.info(store)
    finally:
        await other.pool.aclose()
    assert od_store.request_count("GET", "/store") == 2
    assert info.age_seconds < 60
    assert StoreInfoRow.get().fetched_at == info.as_of


async def test_fresh_replaces_the_shared_settings(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    first = await services.stores.info(store)
    StoreInfoRow.update(fetched_at=first.as_of - 100).execute()
    again = await services.stores.info(store, fresh=True)
    assert od_store.request_count("GET", "/store") == 2
    assert StoreInfoRow.get().fetched_at == again.as_of > first.as_of - 100


async def test_new_credentials_and_removal_drop_the_shared_settings(
    services: Services, store: StoreRecord, sandbox: SandboxServer
) -> None:
    await services.stores.info(store)
    await services.stores.update_credentials(store.name, API_KEY, sandbox.base_url)
    assert StoreInfoRow.select().count() == 0
    await services.stores.info(store)
    await services.stores.delete(store.name)
    assert StoreInfoRow.select().count() == 0


async def test_a_value_read_elsewhere_stays_only_for_the_rest_of_its_ttl() -> None:
    now = [1000.0]
    cache = ReadCache(CacheTtls(store=3600.0), clock=lambda: now[0])
    fetched: list[int] = []

    async def fetch() -> str:
        fetched.append(1)
        return "settings"

    await cache.get("1", STORE_SETTINGS, {}, fetch, age=lambda _: 3590.0)
    now[0] += 5
    await cache.get("1", STORE_SETTINGS, {}, fetch, age=lambda _: 3590.0)
    assert len(fetched) == 1
    now[0] += 10
    await cache.get("1", STORE_SETTINGS, {}, fetch, age=lambda _: 3590.0)
    assert len(fetched) == 2
