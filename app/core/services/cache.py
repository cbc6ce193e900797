"""A read-through TTL cache for Order Desk reads, with single-flight and write invalidation.

Keys are ``(store, kind, parameters)`` with the parameters normalised (``None`` dropped, values
rendered as Order Desk query text, sequences sorted), so equal questions share one entry.
Concurrent identical reads share one request (single-flight). Writes drop what they touch:

* an order write: that order's entries and every order list of the store;
* an inventory write: every inventory entry of the store;
* a store change: everything of the store.

A read that is in flight when a write invalidates it still answers its own callers, but its
result is not stored, so nobody reads it from the cache afterwards.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from app.core.orderdesk.values import format_query_value

T = TypeVar("T")
Params = tuple[tuple[str, str], ...]
CacheKey = tuple[str, str, Params]

ORDER = "order"
ORDER_LIST = "orders"
ORDER_ITEMS = "order_items"
SHIPMENTS = "shipments"
INVENTORY_ITEM = "inventory_item"
INVENTORY_LIST = "inventory"
STORE_SETTINGS = "store"

ORDER_KINDS = frozenset({ORDER, ORDER_ITEMS, SHIPMENTS})
INVENTORY_KINDS = frozenset({INVENTORY_ITEM, INVENTORY_LIST})


@dataclass(frozen=True)
class CacheTtls:
    """Seconds each kind of read stays fresh (0 disables caching of that kind)."""

    orders: float = 15.0
    inventory: float = 60.0
    store: float = 3600.0

    @classmethod
    def from_settings(cls) -> CacheTtls:
        """Read ``cache.orders_ttl``, ``cache.inventory_ttl`` and ``cache.store_ttl``."""
        from app.core import settings

        return cls(
            orders=float(settings.get_int("cache.orders_ttl")),
            inventory=float(settings.get_int("cache.inventory_ttl")),
            store=float(settings.get_int("cache.store_ttl")),
        )

    def for_kind(self, kind: str) -> float:
        """The TTL of ``kind``."""
        if kind in INVENTORY_KINDS:
            return self.inventory
        if kind == STORE_SETTINGS:
            return self.store
        return self.orders


@dataclass(frozen=True)
class CacheStats:
    """Counters since the cache was made (or :meth:`ReadCache.reset_stats`)."""

    hits: int
    misses: int
    shared: int
    """Reads that joined another caller's request in flight."""


def normalise(params: Mapping[str, object]) -> Params:
    """Turn read parameters into a hashable, order-independent key part.

    Args:
        params: Parameter name to value; ``None`` values are dropped.
    """
    items: list[tuple[str, str]] = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set | frozenset):
            value = sorted(format_query_value(v) for v in value)
        items.append((name, format_query_value(value).strip()))
    return tuple(sorted(items))


@dataclass
class _Entry:
    value: Any
    expires: float


class ReadCache:
    """Async read-through cache; every method runs on one event loop (the engine's).

    Args:
        ttls: Freshness per kind.
        clock: Monotonic seconds (a fake one in tests).
    """

    def __init__(self, ttls: CacheTtls | None = None, clock: Callable[[], float] = time.monotonic):
        self.ttls = ttls or CacheTtls()
        self._clock = clock
        self._entries: dict[CacheKey, _Entry] = {}
        self._flights: dict[CacheKey, asyncio.Future[Any]] = {}
        self._hits = self._misses = self._shared = 0

    @property
    def stats(self) -> CacheStats:
        """Hits, misses and shared in-flight reads so far."""
        return CacheStats(self._hits, self._misses, self._shared)

    def reset_stats(self) -> None:
        """Zero the counters."""
        self._hits = self._misses = self._shared = 0

    async def get(
        self,
        store: str,
        kind: str,
        params: Mapping[str, object],
        fetch: Callable[[], Awaitable[T]],
        age: Callable[[T], float] | None = None,
    ) -> T:
        """Return a fresh cached value, join a read in flight, or call ``fetch``.

        Args:
            store: Our store id.
            kind: What is read (module constants such as ``ORDER_LIST``).
            params: Every parameter of the read (the order id, filters, paging).
            fetch: Performs the read when needed.
            age: How old a fetched value already is, in seconds (one another process read):
                it stays that much less.
        """
        key = (store, kind, normalise(params))
        entry = self._entries.get(key)
        if entry is not None and entry.expires > self._clock():
            self._hits += 1
            return cast(T, entry.value)
        flight = self._flights.get(key)
        if flight is not None:
            self._shared += 1
            return cast(T, await asyncio.shield(flight))
        self._misses += 1
        return await self._fly(key, fetch, age)

    async def _fly(
        self,
        key: CacheKey,
        fetch: Callable[[], Awaitable[T]],
        age: Callable[[T], float] | None = None,
    ) -> T:
        flight: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._flights[key] = flight
        try:
            value = await fetch()
        except BaseException as error:
            if self._flights.get(key) is flight:
                del self._flights[key]
            if not isinstance(error, asyncio.CancelledError):
                flight.set_exception(error)
                flight.exception()  # joined readers get it; nobody else must be warned
            else:
                flight.cancel()
            raise
        if self._flights.get(key) is flight:
            del self._flights[key]
            ttl = self.ttls.for_kind(key[1]) - (age(value) if age is not None else 0.0)
            if ttl > 0:
                self._entries[key] = _Entry(value, self._clock() + ttl)
        flight.set_result(value)
        return value

    def peek(self, store: str, kind: str, params: Mapping[str, object]) -> Any | None:
        """Return a cached value even if expired, without counting; None when absent."""
        entry = self._entries.get((store, kind, normalise(params)))
        return None if entry is None else entry.value

    def put(self, store: str, kind: str, params: Mapping[str, object], value: object) -> None:
        """Store a value read elsewhere (e.g. the record a write returned)."""
        ttl = self.ttls.for_kind(kind)
        if ttl > 0:
            self._entries[(store, kind, normalise(params))] = _Entry(value, self._clock() + ttl)

    def _drop(self, predicate: Callable[[CacheKey], bool]) -> int:
        doomed = [key for key in self._entries if predicate(key)]
        for key in doomed:
            del self._entries[key]
        for key in [key for key in self._flights if predicate(key)]:
            del self._flights[key]  # its result will not be stored
        return len(doomed)

    def drop_orders(self, store: str, order_ids: Any = ()) -> int:
        """Forget the given orders' entries and every order list of ``store``.

        Args:
            store: Our store id.
            order_ids: Ids of the orders written (one id or an iterable of ids).

        Returns:
            How many stored entries were dropped.
        """
        ids = {str(order_ids)} if isinstance(order_ids, str | int) else {str(i) for i in order_ids}
        wanted = {("order_id", format_query_value(i)) for i in ids}

        def hit(key: CacheKey) -> bool:
            if key[0] != store:
                return False
            return key[1] == ORDER_LIST or (key[1] in ORDER_KINDS and bool(wanted & set(key[2])))

        return self._drop(hit)

    def drop_inventory(self, store: str) -> int:
        """Forget every inventory entry of ``store``."""
        return self._drop(lambda key: key[0] == store and key[1] in INVENTORY_KINDS)

    def drop_store(self, store: str) -> int:
        """Forget everything cached for ``store``."""
        return self._drop(lambda key: key[0] == store)

    def clear(self) -> None:
        """Forget everything."""
        self._drop(lambda key: True)
