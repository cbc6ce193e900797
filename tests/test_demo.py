"""The demo store: public key kept out of the keychain, fresh index per start, recent dates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import peewee as pw
import pytest

from app.core.engine import Engine
from app.core.index.database import index_path
from app.core.orderdesk import to_datetime
from app.core.secrets import open_secret_store
from app.core.services import Services
from app.demo import (
    DEMO_STORE_NAME,
    DemoKeySecrets,
    DemoStoreConflict,
    add_demo_store,
    demo_sandbox,
)
from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID
from tests.core.secrets.memory_keyring import MemoryKeyring


@pytest.fixture
async def demo(
    db: pw.SqliteDatabase, test_keyring: MemoryKeyring
) -> AsyncIterator[tuple[Services, DemoKeySecrets]]:
    secrets = DemoKeySecrets(open_secret_store())
    services = Services.create(Engine(), secrets=secrets)
    yield services, secrets
    await services.local_orders.aclose()
    await services.index.aclose()
    await services.pool.aclose()


async def test_demo_key_never_reaches_the_keychain(
    demo: tuple[Services, DemoKeySecrets], test_keyring: MemoryKeyring
) -> None:
    services, secrets = demo
    with demo_sandbox(orders=30) as sandbox:
        store_id = await add_demo_store(services, secrets, sandbox.base_url)
        assert secrets.get(str(store_id)) == DEMO_API_KEY
        assert DEMO_API_KEY not in repr(test_keyring.__dict__)
        store = await services.stores.resolve(DEMO_STORE_NAME)
        assert (await services.stores.test(store)).message


async def test_a_second_start_drops_the_stale_index(demo: tuple[Services, DemoKeySecrets]) -> None:
    services, secrets = demo
    with demo_sandbox(orders=30) as sandbox:
        first = await add_demo_store(services, secrets, sandbox.base_url)
        await services.index.sync(await services.index_handle(await services.stores.resolve(first)))
        assert index_path(str(first)).exists()
        again = await add_demo_store(services, secrets, sandbox.base_url)
    assert again == first
    assert not index_path(str(first)).exists()


async def test_a_real_store_with_the_demo_name_is_refused(
    demo: tuple[Services, DemoKeySecrets],
) -> None:
    services, secrets = demo
    with demo_sandbox(orders=5) as sandbox:
        from app.core.db.models import Store

        Store.create(name=DEMO_STORE_NAME, orderdesk_store_id="999")
        with pytest.raises(DemoStoreConflict, match="not the demo"):
            await add_demo_store(services, secrets, sandbox.base_url)


async def test_the_demo_wiring_marks_its_store_as_the_demo(
    demo: tuple[Services, DemoKeySecrets],
) -> None:
    services, secrets = demo
    with demo_sandbox(orders=5) as sandbox:
        from app.core.db.models import Store

        first = await add_demo_store(services, secrets, sandbox.base_url)
        assert (await services.stores.resolve(first)).is_demo
        # A demo store registered before the flag existed is marked on the next start.
        Store.update(is_demo=False).where(Store.id == first).execute()
        await add_demo_store(services, secrets, sandbox.base_url)
        assert (await services.stores.resolve(first)).is_demo
        real = await services.stores.register(
            "Looks like the demo",
            DEMO_STORE_ID,
            DEMO_API_KEY,
            sandbox.base_url,
            actor="test",
            index=False,
        )
    assert not real.is_demo and not services.local_orders.keeps_index(real)


def test_demo_orders_end_at_the_current_hour() -> None:
    with demo_sandbox(orders=500) as sandbox:
        newest = max(
            to_datetime(o["date_added"]) for o in sandbox.store(DEMO_STORE_ID).orders.values()
        )
    assert newest is not None
    assert timedelta(0) <= datetime.now(UTC) - newest < timedelta(days=7)
