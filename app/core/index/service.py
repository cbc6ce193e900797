"""``IndexService``: the local order index as the GUI, the MCP server and the CLI use it.

All methods are coroutines for the engine loop (the GUI and MCP reach them through
``Engine.run``); disk work runs in worker threads. One sync per store runs at a time; others
wait for it. Progress goes to the event hub as ``SYNC_PROGRESS`` events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Coroutine
from datetime import datetime
from functools import partial
from typing import Any

from app.core.events import ORDER_CHANGED, ORDER_DELETED, SYNC_PROGRESS, Event, EventHub
from app.core.index.database import IndexDatabase, IndexUnavailable, delete_files, index_path
from app.core.index.models import (
    GroupBy,
    IndexedStore,
    IndexState,
    IndexStatus,
    SearchFilters,
    SearchResult,
    SortKey,
    StatsResult,
    SyncReport,
)
from app.core.index.reads import index_status, search_page, stats_summary
from app.core.index.runner import SyncRun
from app.core.index.store_index import OrderIndex
from app.core.index.sync import OVERLAP_SECONDS, drain_threads, in_thread
from app.core.orderdesk import OrderDeskError

log = logging.getLogger(__name__)

StoreRef = IndexedStore | str
_CORRUPT_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


def _store_id(store: StoreRef) -> str:
    return store if isinstance(store, str) else store.id


def _is_corrupt(error: sqlite3.DatabaseError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code in _CORRUPT_CODES or "malformed" in str(error) or "not a database" in str(error)


class IndexService:
    """Per-store local order indexes: sync, search, stats, status and removal.

    Args:
        hub: Where ``SYNC_PROGRESS`` events go (the engine's hub); ``None`` for none.
        overlap_seconds: How far before the newest known change an incremental sync starts.
        reconcile_every: Seconds between id reconciliations run by incremental syncs.
        debounce: Seconds to gather order-change events before the sync they trigger.
    """

    def __init__(
        self,
        hub: EventHub | None = None,
        *,
        overlap_seconds: int = OVERLAP_SECONDS,
        reconcile_every: float = 3600.0,
        debounce: float = 0.5,
    ) -> None:
        self.hub = hub
        self.overlap_seconds = overlap_seconds
        self.reconcile_every = reconcile_every
        self.debounce = debounce
        self._indexes: dict[str, OrderIndex] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._opening: dict[str, asyncio.Lock] = {}
        self._running: dict[str, asyncio.Task[object]] = {}
        self._stores: dict[str, IndexedStore] = {}
        self._background: dict[str, asyncio.Task[None]] = {}
        self._queued: set[str] = set()
        self._wakes: dict[str, asyncio.Event] = {}
        # Records written by this process that the mirror file may not hold yet.
        self._pending: dict[str, dict[str, dict[str, Any]]] = {}
        # Orders changed by this process whose new state the mirror has not read yet.
        self._stale: dict[str, dict[str, float]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe: Callable[[], None] | None = None

    # Wiring ------------------------------------------------------------------------------

    def attach(self, hub: EventHub, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Publish progress on ``hub`` and sync after ``ORDER_CHANGED``/``ORDER_DELETED``.

        Args:
            hub: The engine's event hub.
            loop: The engine loop, where triggered syncs run; ``None`` (an engine not started
                yet) binds the loop on which the first store is registered.
        """
        self.hub = hub
        if loop is not None:
            self._loop = loop
        if self._unsubscribe is None:
            self._unsubscribe = hub.subscribe(self.on_order_changed)

    def register(self, store: IndexedStore) -> None:
        """Remember a store so change events and schedules can reach its client."""
        self._stores[store.id] = store
        if self._loop is None:
            with contextlib.suppress(RuntimeError):
                self._loop = asyncio.get_running_loop()

    def scheduled(self, store_id: str) -> bool:
        """Whether periodic syncs of a store are running."""
        return f"schedule:{store_id}" in self._background

    def on_order_changed(self, event: Event) -> None:
        """Hub callback (any thread): run an incremental sync soon after an order write.

        Changes arriving within ``debounce`` seconds share one sync; a deleted order leaves
        the index at once.
        """
        if event.kind not in (ORDER_CHANGED, ORDER_DELETED) or event.store_id is None:
            return
        if event.store_id not in self._stores or self._loop is None or self._loop.is_closed():
            return
        order_id = event.data.get("order_id")
        record = event.data.get("record")
        if event.kind == ORDER_CHANGED and order_id and isinstance(record, dict):
            # Order Desk's reply to our write: the mirror takes it as is, no sync needed.
            self._pending.setdefault(event.store_id, {})[str(order_id)] = record
            self._stale.get(event.store_id, {}).pop(str(order_id), None)
            self._loop.call_soon_threadsafe(self._queue_put, event.store_id, str(order_id))
            return
        deleted = str(order_id) if event.kind == ORDER_DELETED and order_id else None
        if order_id:
            # Changed without a reply to keep (a move, a note): reads go to Order Desk until
            # the sync below has read it again.
            self._stale.setdefault(event.store_id, {})[str(order_id)] = time.monotonic()
        self._loop.call_soon_threadsafe(self._queue_sync, event.store_id, deleted)

    def _queue_put(self, store_id: str, order_id: str) -> None:
        self._spawn(f"put:{store_id}:{order_id}", self._put_pending(store_id, order_id))

    async def _put_pending(self, store_id: str, order_id: str) -> None:
        pending = self._pending.get(store_id, {})
        record = pending.get(order_id)
        if record is not None:
            try:
                await self.put_orders(store_id, [record])
            except (IndexUnavailable, OSError, sqlite3.Error) as exc:
                log.warning("order %s not written to the mirror: %s", order_id, exc)
        if pending.get(order_id) is record:
            pending.pop(order_id, None)

    def _queue_sync(self, store_id: str, deleted: str | None) -> None:
        if deleted is not None:
            self._spawn(f"delete:{store_id}:{deleted}", self._drop_order(store_id, deleted))
        if store_id in self._queued:
            return
        self._queued.add(store_id)
        self._spawn(f"change:{store_id}", self._sync_after_change(store_id))

    async def _drop_order(self, store_id: str, order_id: str) -> None:
        index = await self._open(store_id)
        await in_thread(index.delete_ids, [order_id])

    async def _sync_after_change(self, store_id: str) -> None:
        await asyncio.sleep(self.debounce)
        self._queued.discard(store_id)
        store = self._stores.get(store_id)
        started = time.monotonic()
        if store is not None and await self._quiet_sync(store):
            stale = self._stale.get(store_id, {})
            for order_id, marked in list(stale.items()):
                if marked < started:
                    del stale[order_id]

    def _spawn(self, name: str, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._background[name] = task

        def forget(done: asyncio.Future[None]) -> None:
            if self._background.get(name) is done:  # not a newer task of the same name
                del self._background[name]

        task.add_done_callback(forget)

    def schedule(
        self,
        store: IndexedStore,
        every: float | Callable[[], float] = 300.0,
        *,
        sync_now: bool = True,
    ) -> None:
        """Run an incremental sync now and then every ``every`` seconds, on the running loop.

        ``every`` may be a function, asked before each turn (the change feed runs often while
        the mirror is in use and slowly when idle). A turn is skipped when the index was
        synced less than that long ago, by this or another process sharing the file: one
        change feed per store per machine. ``sync_now`` runs the first turn regardless (a new
        key, a user's request); without it a fresh index costs no request at start. Call it
        on the engine loop. Failures are logged
        and retried at the next turn.
        """
        self.register(store)
        self.unschedule(store.id)
        self._spawn(f"schedule:{store.id}", self._periodic(store, every, sync_now))

    def unschedule(self, store_id: str) -> None:
        """Stop the periodic sync of a store, if any."""
        task = self._background.pop(f"schedule:{store_id}", None)
        if task is not None:
            task.cancel()

    async def _periodic(
        self, store: IndexedStore, every: float | Callable[[], float], sync_now: bool
    ) -> None:
        wake = self._wakes.setdefault(store.id, asyncio.Event())
        while True:
            wake.clear()
            interval = every() if callable(every) else every
            age = await self.age(store.id)
            if sync_now or age is None or age >= interval - 0.5:
                sync_now = False
                await self._quiet_sync(store)
                interval = every() if callable(every) else every
                age = 0.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), max(0.5, interval - age))

    def wake(self, store_id: str) -> None:
        """Run a scheduled store's next change-feed turn now (engine loop)."""
        wake = self._wakes.get(store_id)
        if wake is not None:
            wake.set()

    async def _quiet_sync(self, store: IndexedStore) -> bool:
        try:
            await self.sync(store)
        except (OrderDeskError, IndexUnavailable, OSError, sqlite3.Error) as exc:
            log.warning("order index sync of store %s failed: %s", store.id, exc)
            return False
        return True

    # Sync --------------------------------------------------------------------------------

    async def sync(
        self, store: IndexedStore, full: bool = False, *, reconcile: bool | None = None
    ) -> SyncReport:
        """Bring a store's index up to date.

        An interrupted sync (crash, cancel, network failure) resumes from its last committed
        page. Otherwise ``full`` (or an empty or rebuilt index) walks every order; else only
        orders changed since the newest known change, minus the overlap. Reconciliation runs
        after a full re-walk of a filled index and when ``reconcile_every`` has passed.

        Args:
            store: The store (our id and its client).
            full: Walk every order even if the index is filled.
            reconcile: Force (``True``) or skip (``False``) the id reconciliation.

        Raises:
            OrderDeskError: Order Desk could not be reached or refused; the checkpoint stays.
            asyncio.CancelledError: Cancelled (see :meth:`cancel`); the checkpoint stays.
        """
        self.register(store)
        lock = self._locks.setdefault(store.id, asyncio.Lock())
        async with lock:
            current = asyncio.current_task()
            if current is not None:
                self._running[store.id] = current
            try:
                return await self._sync_or_rebuild(store, full, reconcile)
            finally:
                self._running.pop(store.id, None)

    async def cancel(self, store_id: str) -> bool:
        """Cancel a running sync of a store; returns whether one was running."""
        task = self._running.get(store_id)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    async def _sync_or_rebuild(
        self, store: IndexedStore, full: bool, reconcile: bool | None
    ) -> SyncReport:
        index = await self._open(store.id)
        try:
            return await self._runner(store, index).run(full, reconcile)
        except sqlite3.DatabaseError as exc:
            if not _is_corrupt(exc):
                raise
            log.warning("order index of store %s is corrupt (%s); rebuilding", store.id, exc)
            await self._discard(store.id)
            index = await self._open(store.id)
            index.db.rebuilt = True
            return await self._runner(store, index).run(True, False)

    def _runner(self, store: IndexedStore, index: OrderIndex) -> SyncRun:
        def publish(phase: str, done: int, total: int, state: IndexState) -> None:
            self._publish(store.id, phase, done, total, state)

        return SyncRun(
            store,
            index,
            publish,
            overlap_seconds=self.overlap_seconds,
            reconcile_every=self.reconcile_every,
        )

    def _publish(self, store_id: str, phase: str, done: int, total: int, state: IndexState) -> None:
        if self.hub is not None:
            event = Event.of(
                SYNC_PROGRESS, store_id, phase=phase, done=done, total=total, state=str(state)
            )
            self.hub.publish(event)

    # The mirror --------------------------------------------------------------------------

    async def age(self, store: StoreRef) -> float | None:
        """Seconds since the store's index last finished a sync (any process), ``None`` when
        it never did (its first walk fills it; until then it is incomplete)."""
        store_id = _store_id(store)
        if store_id not in self._indexes and not index_path(store_id).exists():
            return None
        index = await self._open(store_id)
        meta = await in_thread(index.meta)
        if "last_sync_at" not in meta:
            return None
        return max(0.0, time.time() - int(meta["last_sync_at"]))

    async def walk_total(self, store: StoreRef) -> int | None:
        """Orders the running walk expects to read (``None``: no walk or its first page is not
        in yet)."""
        index = await self._open(_store_id(store))
        total = (await in_thread(index.meta)).get("walk_total")
        return None if total is None else int(total)

    async def raw_orders(self, store: StoreRef, order_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Full records of orders the mirror holds (no Order Desk request), by order id."""
        store_id = _store_id(store)
        index = await self._open(store_id)
        found = await in_thread(index.raw_orders, order_ids)
        for order_id, record in self._pending.get(store_id, {}).items():
            if order_id in order_ids:
                found[order_id] = record
        for order_id in self._stale.get(store_id, {}):
            found.pop(order_id, None)
        return found

    async def put_orders(self, store: StoreRef, raws: list[dict[str, Any]]) -> int:
        """Write orders Order Desk just returned (a write's reply) into the mirror."""
        store_id = _store_id(store)
        if store_id not in self._indexes and not index_path(store_id).exists():
            return 0
        index = await self._open(store_id)
        return await in_thread(index.write_page, raws)

    # Reads -------------------------------------------------------------------------------

    async def search(
        self,
        store: StoreRef,
        query: str = "",
        filters: SearchFilters | None = None,
        sort: SortKey = SortKey.DATE_ADDED,
        limit: int = 50,
        offset: int = 0,
        *,
        descending: bool = True,
    ) -> SearchResult:
        """Search a store's orders locally (no Order Desk request).

        Args:
            store: The store or our id of it.
            query: Free text over order id, source id, names, e-mail, company, city, SKUs,
                item names, notes and checkout data. Any characters are safe; the last word
                matches as a prefix.
            filters: Folder, source, date and total filters.
            sort: Date added, date updated, total or relevance.
            limit: Rows per page.
            offset: Rows to skip.
            descending: Newest, largest or most relevant first.
        """
        index = await self._open(_store_id(store))
        return await in_thread(
            partial(search_page, index, query, filters, sort, limit, offset, descending=descending)
        )

    async def stats(
        self,
        store: StoreRef,
        group_by: GroupBy = GroupBy.FOLDER,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> StatsResult:
        """Order counts and revenue per folder, UTC day or source, for orders added in range.

        Args:
            store: The store or our id of it.
            group_by: ``folder``, ``day`` or ``source``.
            date_from: First ``date_added`` counted (inclusive).
            date_to: Last ``date_added`` counted (inclusive).
        """
        index = await self._open(_store_id(store))
        return await in_thread(stats_summary, index, GroupBy(group_by), date_from, date_to)

    async def status(self, store: StoreRef) -> IndexStatus:
        """Where a store's index stands (does not create a missing index)."""
        store_id = _store_id(store)
        if store_id not in self._indexes and not index_path(store_id).exists():
            return IndexStatus(store_id, IndexState.EMPTY, 0, None, None, None, 0, "")
        index = await self._open(store_id)
        return await in_thread(index_status, index, store_id, partial(self._state, store_id))

    def _state(self, store_id: str, meta: dict[str, str]) -> IndexState:
        task = self._running.get(store_id)
        if task is not None and not task.done():
            return IndexState.SYNCING
        if meta.get("last_error"):
            return IndexState.FAILED
        if "walk_mode" in meta:
            return IndexState.INTERRUPTED
        return IndexState.READY if "last_sync_at" in meta else IndexState.EMPTY

    # Files -------------------------------------------------------------------------------

    async def _open(self, store_id: str) -> OrderIndex:
        """The store's open index; concurrent first calls open (and create) the file once."""
        index = self._indexes.get(store_id)
        if index is not None:
            return index
        async with self._opening.setdefault(store_id, asyncio.Lock()):
            index = self._indexes.get(store_id)
            if index is None:
                db = await in_thread(IndexDatabase.open, store_id)
                index = self._indexes[store_id] = OrderIndex(db)
        return index

    async def _discard(self, store_id: str) -> None:
        index = self._indexes.pop(store_id, None)
        if index is not None:
            index.db.close()
        await in_thread(delete_files, index_path(store_id))

    async def remove(self, store_id: str) -> None:
        """Forget a store: stop its syncs and delete its index file (the stores service calls
        this when a store is removed)."""
        self.unschedule(store_id)
        self._stores.pop(store_id, None)
        task = self._running.get(store_id)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._discard(store_id)

    async def aclose(self) -> None:
        """Stop background syncs and close every index (an engine closer)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        current = asyncio.current_task()
        tasks = [
            t for t in (*self._background.values(), *self._running.values()) if t is not current
        ]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await drain_threads()
        for index in self._indexes.values():
            index.db.close()
        self._indexes.clear()
