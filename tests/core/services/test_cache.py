"""The read cache: keys, TTL, single-flight and invalidation (no network)."""

from __future__ import annotations

import asyncio

import pytest

from app.core.services import cache as kinds
from app.core.services.cache import CacheTtls, ReadCache, normalise


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Source:
    """Counts fetches; each fetch can be held until released."""

    def __init__(self) -> None:
        self.calls = 0
        self.gate: asyncio.Event | None = None
        self.started = asyncio.Event()

    async def fetch(self) -> int:
        self.calls += 1
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        return self.calls


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(clock: Clock) -> ReadCache:
    return ReadCache(CacheTtls(orders=15, inventory=60, store=3600), clock=clock)


def test_normalise_drops_none_and_ignores_order() -> None:
    assert normalise({"b": [2, 1], "a": "x ", "c": None}) == normalise({"a": "x", "b": (1, 2)})


async def test_hit_inside_ttl_and_miss_after(cache: ReadCache, clock: Clock) -> None:
    source = Source()
    params = {"order_id": "1"}
    assert await cache.get("s", kinds.ORDER, params, source.fetch) == 1
    clock.now += 14.9
    assert await cache.get("s", kinds.ORDER, params, source.fetch) == 1
    clock.now += 0.2
    assert await cache.get("s", kinds.ORDER, params, source.fetch) == 2
    assert (cache.stats.hits, cache.stats.misses) == (1, 2)


async def test_ttl_per_kind(cache: ReadCache, clock: Clock) -> None:
    source = Source()
    await cache.get("s", kinds.INVENTORY_LIST, {}, source.fetch)
    await cache.get("s", kinds.STORE_SETTINGS, {}, source.fetch)
    clock.now += 59
    await cache.get("s", kinds.INVENTORY_LIST, {}, source.fetch)
    clock.now += 3000
    await cache.get("s", kinds.STORE_SETTINGS, {}, source.fetch)
    assert source.calls == 2


async def test_concurrent_identical_reads_share_one_fetch(cache: ReadCache) -> None:
    source = Source()
    source.gate = asyncio.Event()
    tasks = [
        asyncio.create_task(cache.get("s", kinds.ORDER_LIST, {"limit": 5}, source.fetch))
        for _ in range(5)
    ]
    await source.started.wait()
    source.gate.set()
    assert await asyncio.gather(*tasks) == [1] * 5
    assert source.calls == 1
    assert cache.stats.shared == 4


async def test_failed_fetch_reaches_every_joined_reader_and_is_not_cached(
    cache: ReadCache,
) -> None:
    gate, started = asyncio.Event(), asyncio.Event()
    calls = 0

    async def broken() -> int:
        nonlocal calls
        calls += 1
        started.set()
        await gate.wait()
        raise RuntimeError("down")

    tasks = [asyncio.create_task(cache.get("s", kinds.ORDER, {}, broken)) for _ in range(3)]
    await started.wait()
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert calls == 1
    with pytest.raises(RuntimeError):
        await cache.get("s", kinds.ORDER, {}, broken)
    assert calls == 2


async def test_order_write_drops_that_order_and_every_list(cache: ReadCache) -> None:
    source = Source()
    for kind, params in [
        (kinds.ORDER, {"order_id": "1"}),
        (kinds.ORDER, {"order_id": "2"}),
        (kinds.SHIPMENTS, {"order_id": "1"}),
        (kinds.ORDER_LIST, {"limit": 5}),
        (kinds.ORDER_LIST, {"folder_id": [3]}),
        (kinds.INVENTORY_LIST, {}),
        (kinds.ORDER_LIST, {"limit": 5}),
    ]:
        await cache.get("s", kind, params, source.fetch)
    await cache.get("other", kinds.ORDER_LIST, {"limit": 5}, source.fetch)
    assert cache.drop_orders("s", ["1"]) == 4
    assert cache.peek("s", kinds.ORDER, {"order_id": "2"}) is not None
    assert cache.peek("s", kinds.INVENTORY_LIST, {}) is not None
    assert cache.peek("other", kinds.ORDER_LIST, {"limit": 5}) is not None
    assert cache.peek("s", kinds.ORDER_LIST, {"limit": 5}) is None


async def test_inventory_write_drops_only_inventory(cache: ReadCache) -> None:
    source = Source()
    await cache.get("s", kinds.INVENTORY_ITEM, {"item_id": "1"}, source.fetch)
    await cache.get("s", kinds.INVENTORY_LIST, {"code": "X"}, source.fetch)
    await cache.get("s", kinds.ORDER_LIST, {}, source.fetch)
    assert cache.drop_inventory("s") == 2
    assert cache.peek("s", kinds.ORDER_LIST, {}) is not None


async def test_read_in_flight_during_a_write_is_not_stored(cache: ReadCache) -> None:
    source = Source()
    source.gate = asyncio.Event()
    task = asyncio.create_task(cache.get("s", kinds.ORDER, {"order_id": "1"}, source.fetch))
    await source.started.wait()
    cache.drop_orders("s", "1")
    source.gate.set()
    assert await task == 1
    assert cache.peek("s", kinds.ORDER, {"order_id": "1"}) is None


async def test_zero_ttl_disables_caching(clock: Clock) -> None:
    cache = ReadCache(CacheTtls(orders=0), clock=clock)
    source = Source()
    await cache.get("s", kinds.ORDER, {}, source.fetch)
    await cache.get("s", kinds.ORDER, {}, source.fetch)
    assert source.calls == 2
