"""Fixtures for the Order Desk client tests.

* ``clock`` and ``mock_client``: a fake clock and clients on a scripted ``httpx.MockTransport``.
* ``sandbox``: a started :class:`SandboxServer` on a free loopback port (rate limit on) with a
  client factory; the team lead may hoist it to ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from app.core.orderdesk import LeakyBucket, OrderDeskClient, RetryPolicy
from app.sandbox import SandboxServer, SandboxStoreSpec
from tests.core.orderdesk.fakes import CountingTransport, FakeClock, ScriptedServer

API_KEY = "sk-test-SECRET-1234567890"
STORE_ID = "100001"

ClientFactory = Callable[..., OrderDeskClient]


@pytest.fixture
def clock() -> FakeClock:
    """A fake monotonic clock shared by the limiter and the retry sleeps."""
    return FakeClock()


@pytest.fixture
async def mock_client(clock: FakeClock) -> AsyncIterator[ClientFactory]:
    """Build clients on a :class:`ScriptedServer`; limiter and backoff run on the fake clock."""
    made: list[OrderDeskClient] = []

    def make(server: ScriptedServer, **options: Any) -> OrderDeskClient:
        options.setdefault("limiter", LeakyBucket(clock=clock, sleep=clock.sleep))
        options.setdefault("retry", RetryPolicy(sleep=clock.sleep, random=lambda: 0.5))
        client = OrderDeskClient(
            STORE_ID,
            API_KEY,
            base_url="https://od.test/api/v2",
            transport=server.transport,
            **options,
        )
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@dataclass
class Sandbox:
    """A running sandbox server with one store, and a factory of clients for it."""

    server: SandboxServer
    store_id: str = STORE_ID
    api_key: str = API_KEY
    clients: list[OrderDeskClient] = field(default_factory=list)

    @property
    def store(self) -> Any:
        """The sandbox's state of the test store."""
        return self.server.store(self.store_id)

    def client(self, **options: Any) -> OrderDeskClient:
        """A client for the test store; retries back off without waiting unless told."""
        options.setdefault("retry", RetryPolicy(random=lambda: 0.0))
        options.setdefault("transport", CountingTransport())
        options.setdefault("timeout", 10.0)
        store_id = options.pop("store_id", self.store_id)
        api_key = options.pop("api_key", self.api_key)
        client = OrderDeskClient(store_id, api_key, base_url=self.server.base_url, **options)
        self.clients.append(client)
        return client


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A sandbox Order Desk on a free loopback port, rate limit on, 200 orders, 60 products."""
    spec = SandboxStoreSpec(store_id=STORE_ID, api_key=API_KEY, orders=200, inventory=60, seed=1)
    server = SandboxServer(stores=[spec], port=0, rate_limit=True)
    server.start()
    box = Sandbox(server)
    try:
        yield box
    finally:
        for client in box.clients:
            await client.aclose()
        server.stop()
