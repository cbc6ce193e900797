"""``LocalOrders``: the local order index as part of the services. It decides which stores
keep an index (the demo store always; a real store when its row says so or the
``index.enabled_for_real_stores`` setting is on), builds the index's store handles from the
shared client pool (one rate limiter per store), starts scheduled incremental syncs (the first
walks every order in the background, reporting ``sync.progress`` events), removes a store's
index with the store, and answers search and stats together with how fresh the index is."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.core import settings
from app.core.events import STORE_CHANGED, Event, EventHub
from app.core.index import (
    GroupBy,
    IndexService,
    IndexState,
    IndexStatus,
    SearchFilters,
    SearchResult,
    SortKey,
    StatsResult,
    StoreHandle,
    SyncReport,
)
from app.core.orderdesk import Order
from app.core.orderdesk.limiter import report_wait
from app.core.secrets import SecretStoreError
from app.core.services.errors import IndexDisabledError, ServiceError
from app.core.services.mirror import MirrorQuery
from app.core.services.mirror_keeper import MirrorKeeper
from app.core.services.pool import ClientPool
from app.core.services.records import OrderList, StoreRecord
from app.core.services.stores import StoreService

log = logging.getLogger(__name__)

SYNC_EVERY: float | None = None
"""Seconds between scheduled incremental syncs; ``None``: the change feed's settings
(``mirror.feed_active`` while the mirror is in use, ``mirror.feed_idle`` otherwise)."""
ACTIVE_FOR = 120.0
"""Seconds after a read during which the mirror counts as in use."""
FIRST_SYNC_WAIT = 10.0
"""Seconds a list read waits for a small store's first sync before asking Order Desk itself."""
FIRST_SYNC_WAIT_TEXT = "Waiting for the store's first sync of its local order copy"
"""The wait report of a read that waits for a small store's first sync."""
SMALL_STORE = 5000
"""Orders a first sync walks in a few seconds (10 pages, within the bucket's burst)."""
REAL_STORES_SETTING = "index.enabled_for_real_stores"
_RESCHEDULE_ON = frozenset({"registered", "credentials"})
_ANSWERING = frozenset({IndexState.READY, IndexState.SYNCING})


@dataclass(frozen=True)
class LocalSearch:
    """One page of local search results (rows, all matches, last sync time) and the state of
    the index that answered (state, order count and sync times when the search ran)."""

    result: SearchResult
    status: IndexStatus


@dataclass(frozen=True)
class LocalStats:
    """Counts and revenue from the local index, and the state of the index that answered."""

    result: StatsResult
    status: IndexStatus


class LocalOrders(MirrorKeeper):
    """Which stores keep a local index, their scheduled syncs, and search/stats over them.

    Every coroutine runs on the engine loop (like every service).

    Args:
        index: The index service.
        pool: The client pool; handles share its clients and rate limiters.
        stores: The store service (to list stores and find registered ones).
        hub: The engine's event hub (store registrations and key changes reschedule syncs).
        every: Seconds between scheduled incremental syncs.
    """

    def __init__(
        self,
        index: IndexService,
        pool: ClientPool,
        stores: StoreService,
        hub: EventHub,
        *,
        every: float | None = SYNC_EVERY,
    ) -> None:
        self.index = index
        self.every = every
        self._used = -ACTIVE_FOR
        self._pool = pool
        self._stores = stores
        self._hub = hub
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._scheduling: dict[str, asyncio.Task[bool]] = {}
        self.read_only_start = False
        """Until :meth:`start`: reads of a synced mirror schedule no syncs (``serve --stdio``
        answers its first reads before it starts them; a key read may unlock the vault)."""
        stores.on_delete.append(self.forget)

    # Which stores ------------------------------------------------------------------------

    def keeps_index(self, store: StoreRecord) -> bool:
        """Whether ``store`` keeps a local index: demo stores always, real stores when their
        ``index_enabled`` flag or the ``index.enabled_for_real_stores`` setting is on."""
        if store.index_enabled or settings.get_bool(REAL_STORES_SETTING):
            return True
        return store.is_demo

    async def handle(self, store: StoreRecord) -> StoreHandle:
        """The store as the index service needs it: our id and the pool's client.

        Raises:
            MissingCredentialsError: No API key is stored for the store.
            SecretStoreError: The keychain or vault cannot be read.
        """
        return StoreHandle(store.key, await self._pool.client(store))

    # Scheduled syncs ---------------------------------------------------------------------

    async def start(self, every: float | None = None) -> list[StoreRecord]:
        """Start scheduled syncs (every ``every`` s, default :data:`SYNC_EVERY`) of every store
        that keeps an index; returns those stores. Each store's first sync starts at once in
        the background (a full walk when its index is empty). Stores registered later, and
        stores whose API key changes, are (re)scheduled as their ``store.changed`` events
        arrive."""
        if every is not None:
            self.every = every
        self.read_only_start = False
        self._listen()
        started = []
        for store in await self._stores.list():
            if self.keeps_index(store) and await self._schedule(store, sync_now=False):
                started.append(store)
        return started

    async def _schedule(self, store: StoreRecord, *, sync_now: bool = True) -> bool:
        try:
            handle = await self.handle(store)
        except (ServiceError, SecretStoreError) as exc:
            log.warning("order index of store %s not scheduled: %s", store.id, exc)
            return False
        every = self.every if self.every is not None else self.feed_interval
        self.index.schedule(handle, every, sync_now=sync_now)
        return True

    def feed_interval(self) -> float:
        """Seconds until the next change-feed request: short while in use, long when idle."""
        active = time.monotonic() - self._used < ACTIVE_FOR
        return float(settings.get_int("mirror.feed_active" if active else "mirror.feed_idle"))

    def _listen(self) -> None:
        if self._unsubscribe is None:
            self._loop = asyncio.get_running_loop()
            self._unsubscribe = self._hub.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        """Hub callback (any thread): reschedule after a registration or a key change."""
        if event.kind != STORE_CHANGED or event.data.get("action") not in _RESCHEDULE_ON:
            return
        loop = self._loop
        if event.store_id is None or loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._spawn_reschedule, event.store_id)

    def _spawn_reschedule(self, store_key: str) -> None:
        task = asyncio.ensure_future(self._reschedule(store_key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reschedule(self, store_key: str) -> None:
        try:
            store = await self._stores.resolve(int(store_key))
        except ServiceError:
            return
        if self.keeps_index(store):
            await self._schedule(store)

    async def ensure(self, store: StoreRecord) -> None:
        """Check that ``store`` keeps an index and that its syncs run (start them if not).

        Raises:
            IndexDisabledError: The store keeps no local index.
        """
        if not self.keeps_index(store):
            self.index.unschedule(store.key)
            raise IndexDisabledError(
                f"Store {store.name!r} keeps no local order index, so it cannot be searched "
                "locally. Use orders_list (it reads Order Desk live), or turn on "
                f"'{REAL_STORES_SETTING}' in the tray's settings to index real stores."
            )
        if not self.index.scheduled(store.key):
            await self._schedule(store)

    # Reads -------------------------------------------------------------------------------

    async def search(
        self,
        store: StoreRecord,
        query: str = "",
        filters: SearchFilters | None = None,
        sort: SortKey = SortKey.DATE_ADDED,
        limit: int = 50,
        offset: int = 0,
        *,
        descending: bool = True,
    ) -> LocalSearch:
        """Search the store's local index (arguments as :meth:`IndexService.search`); an index
        still syncing answers with what it has.

        Raises:
            IndexDisabledError: The store keeps no local index.
        """
        await self.ensure(store)
        status = await self.index.status(store.key)
        result = await self.index.search(
            store.key, query, filters, sort, limit, offset, descending=descending
        )
        return LocalSearch(result, status)

    async def stats(
        self,
        store: StoreRecord,
        group_by: GroupBy = GroupBy.FOLDER,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> LocalStats:
        """Counts and revenue by folder, UTC day or source from the local index.

        Raises:
            IndexDisabledError: The store keeps no local index.
        """
        await self.ensure(store)
        status = await self.index.status(store.key)
        result = await self.index.stats(store.key, group_by, date_from, date_to)
        return LocalStats(result, status)

    async def status(self, store: StoreRecord) -> IndexStatus:
        """Where the store's index stands (no sync is started, nothing is created)."""
        return await self.index.status(store.key)

    async def ready(self, store: StoreRecord) -> bool:
        """Whether :meth:`search` and :meth:`stats` can answer for ``store`` now: it keeps an
        index and the index holds orders (ready, or syncing on top of a finished sync).

        A first sync still walking is not ready: it reads the oldest changes first, so its
        partial copy would list old orders as if they were the newest.
        """
        if not self.keeps_index(store):
            return False
        status = await self.index.status(store.key)
        finished = status.last_synced_at is not None
        return finished and status.count > 0 and status.state in _ANSWERING

    async def syncing(self, store: StoreRecord) -> bool:
        """Whether a sync of the store's index is running right now."""
        return (await self.index.status(store.key)).state == IndexState.SYNCING

    # The mirror as a read model (OrderService asks it first) ------------------------------

    async def mirror_order(self, store: StoreRecord, order_id: str) -> Order | None:
        """The order from the store's mirror (no request), or ``None`` when the mirror does not
        keep it or is not synced or fresh enough (the caller then asks Order Desk)."""
        as_of = await self._fresh_as_of(store, 0.0)
        if as_of is None:
            return None
        raw = (await self.index.raw_orders(store.key, [order_id])).get(order_id)
        return None if raw is None else Order(raw, as_of=as_of, from_mirror=True)

    async def mirror_orders(self, store: StoreRecord, order_ids: list[str]) -> dict[str, Order]:
        """The given orders that the store's mirror holds (no request), by id; empty when the
        mirror is not synced or fresh enough (the caller asks Order Desk for what is missing)."""
        as_of = await self._fresh_as_of(store, 0.0)
        if as_of is None:
            return {}
        raws = await self.index.raw_orders(store.key, order_ids)
        return {key: Order(raw, as_of=as_of, from_mirror=True) for key, raw in raws.items()}

    async def mirror_page(
        self, store: StoreRecord, query: MirrorQuery, limit: int, offset: int
    ) -> OrderList | None:
        """One page of a search the mirror answers exactly, or ``None`` (ask Order Desk).

        A store of at most :data:`SMALL_STORE` orders whose first sync is
        running is waited for (up to :data:`FIRST_SYNC_WAIT` seconds): its pages of 500 cost
        fewer requests than the caller's own pages would.
        """
        as_of = await self._fresh_as_of(store, FIRST_SYNC_WAIT)
        if as_of is None:
            return None
        found = await self.index.search(
            store.key, "", query.filters, query.sort, limit, offset, descending=query.descending
        )
        ids = [row.id for row in found.rows]
        raws = await self.index.raw_orders(store.key, ids)
        if len(raws) != len(ids):
            return None
        orders = tuple(Order(raws[i], as_of=as_of, from_mirror=True) for i in ids)
        end = offset + len(orders)
        following = end if end < found.total else None
        return OrderList(orders, found.total, offset, limit, following, as_of, "mirror")

    async def _fresh_as_of(self, store: StoreRecord, wait: float) -> float | None:
        """When the store's mirror was last synced, if it may answer reads now."""
        if not self.keeps_index(store):
            return None
        self._touch(store)
        age = await self.index.age(store.key)
        if not self.index.scheduled(store.key) and (age is None or not self.read_only_start):
            self._schedule_soon(store)  # (a mirror never synced needs its first sync now)
        waited = 0.0
        while age is None and waited < wait and await self._small_first_sync(store):
            if round(waited * 10) % 10 == 0:  # about once a second: the caller hears it
                report_wait(waited, wait, FIRST_SYNC_WAIT_TEXT)
            await asyncio.sleep(0.1)
            waited += 0.1
            age = await self.index.age(store.key)
        max_age = settings.get_int("mirror.max_age")
        if age is None or age > max_age:
            return None
        return time.time() - age

    def _schedule_soon(self, store: StoreRecord) -> None:
        """Schedule the store's syncs in the background: reading its API key may unlock the
        vault (~0.3 s of CPU), which a read of the mirror does not wait for."""
        if store.key not in self._scheduling:
            task = asyncio.ensure_future(self._schedule(store, sync_now=False))
            self._scheduling[store.key] = task
            task.add_done_callback(lambda _: self._scheduling.pop(store.key, None))

    async def _small_first_sync(self, store: StoreRecord) -> bool:
        """Whether the store's first sync runs and will soon be done (a small store)."""
        status = await self.index.status(store.key)
        if status.state not in (IndexState.SYNCING, IndexState.EMPTY):
            return False
        total = await self.index.walk_total(store.key)
        return total is None or total <= SMALL_STORE

    def _touch(self, store: StoreRecord) -> None:
        """Note a read: the change feed runs at its in-use pace (woken now if it was idle)."""
        idle = time.monotonic() - self._used >= ACTIVE_FOR
        self._used = time.monotonic()
        if idle:
            self.index.wake(store.key)

    # Syncs the user asks for -------------------------------------------------------------

    async def sync_now(self, store: StoreRecord) -> None:
        """Run the store's index sync now, then on its schedule (progress as events).

        Raises:
            IndexDisabledError: The store keeps no local index (the sentence says how).
            MissingCredentialsError: No API key is stored for the store.
        """
        await self.ensure(store)
        await self._schedule(store)

    async def sync(self, store: StoreRecord, *, full: bool = False) -> SyncReport:
        """Sync the store's index now and wait for it (``orderdesk-mcp index sync``).

        Unlike :meth:`sync_now` this runs for any store, indexed or not, and schedules nothing.

        Raises:
            MissingCredentialsError: No API key is stored for the store.
            OrderDeskError: Order Desk refused or could not be reached.
        """
        return await self.index.sync(await self.handle(store), full=full)

    async def cancel(self, store: StoreRecord) -> bool:
        """Stop the store's running sync (the next one resumes from its checkpoint)."""
        return await self.index.cancel(store.key)

    # Clean-up ----------------------------------------------------------------------------

    async def forget(self, store: StoreRecord) -> None:
        """Stop a removed store's syncs and delete its index files (a store on_delete hook)."""
        await self.index.remove(store.key)

    async def aclose(self) -> None:
        """Stop listening and cancel pending reschedules (an engine closer)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        tasks = [*self._tasks, *self._scheduling.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
