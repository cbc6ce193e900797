"""Fixtures for the services tests: a rate-limited sandbox on a loopback port, the services
running on the test's loop (an engine that is never started only collects closers), and a
registered store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import peewee as pw
import pytest

from app.core.engine import Engine
from app.core.orderdesk import RetryPolicy
from app.core.secrets import open_secret_store
from app.core.services import CacheTtls, Services, StoreRecord
from app.sandbox import SandboxServer, SandboxStore, SandboxStoreSpec
from tests.core.secrets.memory_keyring import MemoryKeyring

API_KEY = "sk-services-SECRET-7f3a9c21d4e8b605"
STORE_ID = "200002"
STORE_NAME = "Acme Outfitters"


def make_services(engine: Engine, **options: object) -> Services:
    """Services with retries that back off without waiting and a fresh default cache."""
    options.setdefault("ttls", CacheTtls())
    options.setdefault("retry", RetryPolicy(random=lambda: 0.0))
    return Services.create(engine, secrets=open_secret_store(), **options)  # type: ignore[arg-type]


@pytest.fixture
def orders_count() -> int:
    """How many orders the sandbox store has (override in a module for big walks)."""
    return 120


@pytest.fixture
def sandbox(orders_count: int) -> Iterator[SandboxServer]:
    """A started sandbox with one store and its bucket enforced."""
    spec = SandboxStoreSpec(
        store_id=STORE_ID, api_key=API_KEY, name=STORE_NAME, orders=orders_count, inventory=30
    )
    with SandboxServer([spec], rate_limit=True) as server:
        yield server


@pytest.fixture
def od_store(sandbox: SandboxServer) -> SandboxStore:
    """The sandbox's state of the test store (``request_count()``, ``edit_order``...)."""
    return sandbox.store(STORE_ID)


@pytest.fixture
async def services(db: pw.SqliteDatabase, test_keyring: MemoryKeyring) -> AsyncIterator[Services]:
    """The services on the test loop, with an in-memory keyring and a temp database."""
    engine = Engine()
    built = make_services(engine)
    yield built
    await built.local_orders.aclose()
    await built.index.aclose()
    await built.pool.aclose()


@pytest.fixture
async def store(services: Services, sandbox: SandboxServer, od_store: SandboxStore) -> StoreRecord:
    """The test store, registered without a local index, so reads go to Order Desk (its
    ``GET /test`` is not counted afterwards)."""
    record = await services.stores.register(
        STORE_NAME, STORE_ID, API_KEY, sandbox.base_url, actor="test", index=False
    )
    od_store.reset_counts()
    return record


def first_order_id(od_store: SandboxStore) -> str:
    """Id of some order of the sandbox store."""
    return next(iter(od_store.orders))
