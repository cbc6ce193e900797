"""``StoreIndexes``: the local order index files of every store — open, sync, read, write.

:class:`~app.core.index.service.IndexService` adds what keeps them live (change events,
schedules, this process's own writes). All methods are coroutines for the engine loop; disk
work runs in worker threads. One sync per store runs at a time; others wait for it. Progress
goes to the event hub as ``SYNC_PROGRESS`` events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from datetime import datetime
from functools import partial
from typing import Any

from app.core.events import SYNC_PROGRESS, Event, EventHub
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


def store_id_of(store: StoreRef) -> str:
    """Our id of a store given as a store or an id."""
    return store if isinstance(store, str) else store.id


def _is_corrupt(error: sqlite3.DatabaseError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code in _CORRUPT_CODES or "malformed" in str(error) or "not a database" in str(error)


class StoreIndexes:
    """Per-store local order indexes: sync, search, stats, status and removal.

    Args:
        hub: Where ``SYNC_PROGRESS`` events go (the engine's hub); ``None`` for none.
        overlap_seconds: How far before the newest known change an incremental sync starts.
        reconcile_every: Seconds between id reconciliations run by incremental syncs.
    """

    def __init__(
        self,
        hub: EventHub | None = None,
        *,
        overlap_seconds: int = OVERLAP_SECONDS,
        reconcile_every: float = 3600.0,
    ) -> None:
        self.hub = hub
        self.overlap_seconds = overlap_seconds
        self.reconcile_every = reconcile_every
        self._indexes: dict[str, OrderIndex] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._opening: dict[str, asyncio.Lock] = {}
        self._running: dict[str, asyncio.Task[object]] = {}
        self._stores: dict[str, IndexedStore] = {}

    def _has_file(self, store_id: str) -> bool:
        return store_id in self._indexes or index_path(store_id).exists()

    def register(self, store: IndexedStore) -> None:
        """Remember a store so change events and schedules can reach its client."""
        self._stores[store.id] = store

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
        store_id = store_id_of(store)
        if not self._has_file(store_id):
            return None
        index = await self._open(store_id)
        meta = await in_thread(index.meta)
        if "last_sync_at" not in meta:
            return None
        return max(0.0, time.time() - int(meta["last_sync_at"]))

    async def walk_total(self, store: StoreRef) -> int | None:
        """Orders the running walk expects to read (``None``: no walk or its first page is not
        in yet)."""
        index = await self._open(store_id_of(store))
        total = (await in_thread(index.meta)).get("walk_total")
        return None if total is None else int(total)

    async def raw_orders(self, store: StoreRef, order_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Full records of orders the mirror file holds (no Order Desk request), by order id."""
        index = await self._open(store_id_of(store))
        return await in_thread(index.raw_orders, order_ids)

    async def put_orders(
        self, store: StoreRef, raws: list[dict[str, Any]], *, seen_at: float | None = None
    ) -> int:
        """Write orders Order Desk just returned (a write's reply) into the mirror.

        Args:
            store: The store or our id of it.
            raws: The orders as Order Desk returned them.
            seen_at: When the reply arrived (epoch seconds; default now). The mirror keeps
                anything it learned later (see :meth:`OrderIndex.write_page`).
        """
        store_id = store_id_of(store)
        if not self._has_file(store_id):
            return 0
        index = await self._open(store_id)
        return await in_thread(partial(index.write_page, raws, seen_at=seen_at))

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
        index = await self._open(store_id_of(store))
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
        index = await self._open(store_id_of(store))
        return await in_thread(stats_summary, index, GroupBy(group_by), date_from, date_to)

    async def status(self, store: StoreRef) -> IndexStatus:
        """Where a store's index stands (does not create a missing index)."""
        store_id = store_id_of(store)
        if not self._has_file(store_id):
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
        """Forget a store: stop its sync and delete its index file (the stores service calls
        this when a store is removed)."""
        self._stores.pop(store_id, None)
        task = self._running.get(store_id)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._discard(store_id)

    async def aclose(self) -> None:
        """Stop running syncs and close every index (an engine closer)."""
        current = asyncio.current_task()
        tasks = [t for t in self._running.values() if t is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await drain_threads()
        for index in self._indexes.values():
            index.db.close()
        self._indexes.clear()
