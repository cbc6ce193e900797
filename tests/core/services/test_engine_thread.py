"""The services on a running engine thread, called from the test's own loop."""

from __future__ import annotations

import peewee as pw

from app.core.engine import Engine
from app.core.services import OrderFilters
from app.sandbox import SandboxServer, SandboxStore
from tests.core.secrets.memory_keyring import MemoryKeyring
from tests.core.services.conftest import API_KEY, STORE_ID, make_services


async def test_services_run_on_the_engine_and_close_at_stop(
    db: pw.SqliteDatabase,
    test_keyring: MemoryKeyring,
    sandbox: SandboxServer,
    od_store: SandboxStore,
) -> None:
    engine = Engine()
    engine.start()
    try:
        services = make_services(engine)
        store = await engine.run(
            services.stores.register("Shop", STORE_ID, API_KEY, sandbox.base_url)
        )
        page = await engine.run(services.orders.list(store, OrderFilters(folders="Closed")))
        assert page.orders and {o.folder_id for o in page.orders} == {3}
        client = await engine.run(services.pool.client(store))
    finally:
        engine.stop()
    assert not engine.running
    assert client._conn.closed
