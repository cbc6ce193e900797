"""Fixtures for the Order Desk client tests: fake clock, scripted transport, client factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from app.core.orderdesk import LeakyBucket, OrderDeskClient, RetryPolicy
from tests.core.orderdesk.fakes import FakeClock, ScriptedServer

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
