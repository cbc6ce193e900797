"""Registering, finding, choosing and removing stores against the sandbox."""

from __future__ import annotations

import pytest

from app.core.db.models import AuditEvent, Store
from app.core.events import STORE_CHANGED, Event
from app.core.orderdesk import AuthError
from app.core.services import (
    AmbiguousStoreError,
    MissingCredentialsError,
    Services,
    StoreExistsError,
    StoreNotFoundError,
    StoreRecord,
)
from app.sandbox import SandboxServer, SandboxStore
from tests.core.secrets.memory_keyring import MemoryKeyring
from tests.core.services.conftest import API_KEY, STORE_ID, STORE_NAME


async def test_wrong_key_saves_nothing(
    services: Services, sandbox: SandboxServer, test_keyring: MemoryKeyring
) -> None:
    with pytest.raises(AuthError) as caught:
        await services.stores.register("Shop", STORE_ID, "wrong-key-123456", sandbox.base_url)
    assert "wrong-key-123456" not in str(caught.value)
    assert Store.select().count() == 0
    assert services.stores._secrets.get("1") is None
    assert AuditEvent.select().count() == 0


async def test_register_saves_row_and_secret_without_the_key_in_the_row(
    services: Services, sandbox: SandboxServer, od_store: SandboxStore
) -> None:
    events: list[Event] = []
    services.engine.hub.subscribe(events.append)
    record = await services.stores.register(STORE_NAME, STORE_ID, API_KEY, sandbox.base_url)
    assert od_store.request_count("GET", "/test") == 1
    assert record.is_default and record.orderdesk_store_id == STORE_ID
    assert API_KEY not in repr(record)
    assert services.stores._secrets.get(record.key) == API_KEY
    assert [e.kind for e in events] == [STORE_CHANGED]
    with pytest.raises(StoreExistsError, match="already registered"):
        await services.stores.register(STORE_NAME.upper(), STORE_ID, API_KEY, sandbox.base_url)


async def test_second_store_is_not_default_until_chosen(
    services: Services, store: StoreRecord, sandbox: SandboxServer
) -> None:
    other = await services.stores.register("Acme Outlet", STORE_ID, API_KEY, sandbox.base_url)
    assert not other.is_default
    assert (await services.stores.default()).id == store.id
    chosen = await services.stores.set_default("acme outlet")
    assert chosen.is_default
    assert (await services.stores.default()).id == other.id
    assert [s.name for s in await services.stores.list()] == ["Acme Outfitters", "Acme Outlet"]


async def test_resolve_errors_are_clear(
    services: Services, store: StoreRecord, sandbox: SandboxServer
) -> None:
    await services.stores.register("Acme Outlet", STORE_ID, API_KEY, sandbox.base_url)
    with pytest.raises(
        AmbiguousStoreError,
        match=r"^That store name matches several stores: Acme Outfitters, Acme Outlet\. Use the",
    ):
        await services.stores.resolve("acme")
    with pytest.raises(StoreNotFoundError, match="No store called 'Zebra'"):
        await services.stores.resolve("Zebra")
    assert (await services.stores.resolve(store.id)).name == STORE_NAME
    with pytest.raises(AmbiguousStoreError):
        await services.stores.resolve(STORE_ID)  # both use the same Order Desk store id


async def test_no_default_with_several_stores(services: Services, sandbox: SandboxServer) -> None:
    with pytest.raises(StoreNotFoundError, match="No store is registered"):
        await services.stores.default()


async def test_info_is_cached_for_an_hour(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    info = await services.stores.info(store)
    again = await services.stores.info(store)
    assert info is again
    assert info.folders[1] == "New" and info.name == STORE_NAME
    assert od_store.request_count("GET", "/store") == 1
    await services.stores.info(store, fresh=True)
    assert od_store.request_count("GET", "/store") == 2


async def test_test_uses_the_saved_key(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    result = await services.stores.test(store)
    assert result.message
    assert od_store.request_count("GET", "/test") == 1


async def test_delete_removes_row_key_clients_and_runs_hooks(
    services: Services, store: StoreRecord
) -> None:
    seen: list[int] = []

    async def on_delete(record: StoreRecord) -> None:
        seen.append(record.id)

    services.stores.on_delete.append(on_delete)
    services.stores.on_delete.append(lambda record: seen.append(-record.id))
    await services.orders.list(store, limit=1)
    removed = await services.stores.delete(STORE_NAME, actor="gui")
    assert removed.id == store.id and seen == [store.id, -store.id]
    assert Store.select().count() == 0
    assert services.stores._secrets.get(store.key) is None
    with pytest.raises(MissingCredentialsError, match="register the store again"):
        await services.orders.list(store, limit=2)


async def test_changed_key_recreates_the_client(
    services: Services, store: StoreRecord, sandbox: SandboxServer, od_store: SandboxStore
) -> None:
    first = await services.pool.client(store)
    with pytest.raises(AuthError):
        await services.stores.update_credentials(STORE_NAME, "bad-key-0000000")
    assert await services.pool.client(store) is first
    updated = await services.stores.update_credentials(STORE_NAME, API_KEY, sandbox.base_url)
    assert await services.pool.client(updated) is not first
    assert services.pool.limiter(updated) is first.limiter
