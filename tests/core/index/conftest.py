"""Fixtures: an in-process sandbox store, a client for it, and an index service."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest

from app.core.events import EventHub
from app.core.index import IndexService, StoreHandle
from app.core.orderdesk import OrderDeskClient, RetryPolicy
from app.sandbox import SandboxServer, SandboxStore, SandboxStoreSpec

STORE_ID = "100001"
API_KEY = "index-test-key-0123456789"
ORDERS = 1200  # three pages: 500 + 500 + 200


@dataclass
class IndexBox:
    """A running sandbox store, a client for it, and an index service with a hub."""

    server: SandboxServer
    client: OrderDeskClient
    service: IndexService
    hub: EventHub

    @property
    def remote(self) -> SandboxStore:
        """The sandbox's state of the store."""
        return self.server.store(STORE_ID)

    @property
    def store(self) -> StoreHandle:
        """The store as the index service sees it (our id ``s1``)."""
        return StoreHandle("s1", self.client)

    def order_requests(self) -> int:
        """``GET /orders`` requests the sandbox has served since the last reset."""
        return self.remote.request_count("GET", "/orders")


@pytest.fixture
def sandbox_server() -> Iterator[SandboxServer]:
    spec = SandboxStoreSpec(store_id=STORE_ID, api_key=API_KEY, orders=ORDERS, seed=3)
    with SandboxServer(stores=[spec], rate_limit=False) as server:
        yield server


@pytest.fixture
async def box(sandbox_server: SandboxServer) -> AsyncIterator[IndexBox]:
    client = OrderDeskClient(
        STORE_ID,
        API_KEY,
        base_url=sandbox_server.base_url,
        retry=RetryPolicy(random=lambda: 0.0),
        timeout=10.0,
    )
    hub = EventHub()
    service = IndexService(hub, debounce=0.05)
    try:
        yield IndexBox(sandbox_server, client, service, hub)
    finally:
        await service.aclose()
        await client.aclose()


@pytest.fixture
async def synced(box: IndexBox) -> IndexBox:
    """The box after a first full sync, with the sandbox's request counts reset."""
    await box.service.sync(box.store)
    box.remote.reset_counts()
    return box
