"""``IndexService``: the local order index as the GUI, the MCP server and the CLI use it.

It is :class:`~app.core.index.indexes.StoreIndexes` kept live: order events from this process
update the mirror at once (a write's reply) or trigger a change-feed turn, and periodic turns
run per store. All methods are coroutines for the engine loop (the GUI and MCP reach them
through ``Engine.run``), except the hub callback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from app.core.events import ORDER_CHANGED, ORDER_DELETED, Event, EventHub
from app.core.index.indexes import StoreIndexes, StoreRef, store_id_of
from app.core.index.models import IndexedStore
from app.core.index.sync import OVERLAP_SECONDS, in_thread

log = logging.getLogger(__name__)


class IndexService(StoreIndexes):
    """Per-store local order indexes, kept coherent with this process's writes and a feed.

    Args:
        hub: Where ``SYNC_PROGRESS`` events go (the engine's hub); ``None`` for none.
        overlap_seconds: How far before the newest known change an incremental sync starts.
        reconcile_every: Seconds between id reconciliations run by incremental syncs.
        debounce: Seconds to gather order-change events before the sync they trigger.
        spacing: Least seconds between two syncs triggered by changes to one store, so a
            stream of writes (a bulk job) leaves the store's token bucket to the writes.
    """

    def __init__(
        self,
        hub: EventHub | None = None,
        *,
        overlap_seconds: int = OVERLAP_SECONDS,
        reconcile_every: float = 3600.0,
        debounce: float = 0.5,
        spacing: float = 5.0,
    ) -> None:
        super().__init__(hub, overlap_seconds=overlap_seconds, reconcile_every=reconcile_every)
        self.debounce = debounce
        self.spacing = spacing
        self._change_synced: dict[str, float] = {}
        self._background: dict[str, asyncio.Task[None]] = {}
        self._queued: set[str] = set()
        self._wakes: dict[str, asyncio.Event] = {}
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
        super().register(store)
        if self._loop is None:
            with contextlib.suppress(RuntimeError):
                self._loop = asyncio.get_running_loop()

    def scheduled(self, store_id: str) -> bool:
        """Whether periodic syncs of a store are running."""
        return f"schedule:{store_id}" in self._background

    def on_order_changed(self, event: Event) -> None:
        """Hub callback (any thread): run an incremental sync soon after an order write that
        left the mirror unsure (no reply to keep: a move, a note); drop a deleted order.

        A write's reply and a move are already in the mirror when their event is published
        (:meth:`written`, :meth:`moved`). Changes arriving within ``debounce`` seconds share
        one sync, and a stream of changes syncs at most once per ``spacing`` seconds.
        """
        if event.kind not in (ORDER_CHANGED, ORDER_DELETED) or event.store_id is None:
            return
        if event.store_id not in self._stores or self._loop is None or self._loop.is_closed():
            return
        order_id = event.data.get("order_id")
        if event.kind == ORDER_CHANGED and isinstance(event.data.get("record"), dict):
            return  # Order Desk's reply to our write: the mirror has it, no sync needed
        deleted = str(order_id) if event.kind == ORDER_DELETED and order_id else None
        if order_id and deleted is None:
            # Changed without a reply to keep: reads go to Order Desk until the sync below
            # has read it again.
            self._stale.setdefault(event.store_id, {})[str(order_id)] = time.monotonic()
        self._loop.call_soon_threadsafe(self._queue_sync, event.store_id, deleted)

    # This process's writes ---------------------------------------------------------------

    async def written(self, store: StoreRef, records: list[dict[str, Any]]) -> int:
        """Keep Order Desk's replies to this process's writes (call before announcing them).

        Returns:
            How many records the mirror took (0 when the store keeps no index).
        """
        store_id = store_id_of(store)
        kept = await self.put_orders(store_id, records)
        stale = self._stale.get(store_id, {})
        for record in records:
            stale.pop(str(record.get("id")), None)
        return kept

    async def moved(self, store: StoreRef, order_ids: list[str], folder_id: int) -> int:
        """Show a move by this process in folder searches and counts at once (call before
        announcing it). Reads of the orders themselves go to Order Desk until the feed has
        read them: the folder's rules may have changed more than the folder.

        Returns:
            How many orders the mirror moved.
        """
        store_id = store_id_of(store)
        if not self._has_file(store_id):
            return 0
        seen_at, marks = time.time(), self._stale.setdefault(store_id, {})
        for order_id in order_ids:
            marks[order_id] = time.monotonic()
        held = await super().raw_orders(store_id, order_ids)  # the file, not the overlay
        records = [{**raw, "folder_id": folder_id} for raw in held.values()]
        return await self.put_orders(store_id, records, seen_at=seen_at)

    async def deleted(self, store: StoreRef, order_ids: list[str]) -> int:
        """Drop orders this process deleted (call before announcing it)."""
        store_id = store_id_of(store)
        if not self._has_file(store_id):
            return 0
        index = await self._open(store_id)
        return await in_thread(index.delete_ids, order_ids)

    def _queue_sync(self, store_id: str, deleted: str | None) -> None:
        if deleted is not None:
            self._spawn(f"delete:{store_id}:{deleted}", self._drop_order(store_id, deleted))
        if store_id in self._queued:
            return
        self._queued.add(store_id)
        self._spawn(f"change:{store_id}", self._sync_after_change(store_id))

    async def _drop_order(self, store_id: str, order_id: str) -> None:
        await self.deleted(store_id, [order_id])

    async def _sync_after_change(self, store_id: str) -> None:
        await asyncio.sleep(self.debounce)
        last = self._change_synced.get(store_id)
        if last is not None:  # a stream of writes: one feed request per `spacing`, not per write
            await asyncio.sleep(max(0.0, last + self.spacing - time.monotonic()))
        self._queued.discard(store_id)
        self._change_synced[store_id] = time.monotonic()
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

    # The mirror as this process sees it --------------------------------------------------

    async def raw_orders(self, store: StoreRef, order_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Full records of orders the mirror holds (no Order Desk request), by order id.

        An order this process changed without a reply to keep is left out until the feed has
        read it again.
        """
        store_id = store_id_of(store)
        found = await super().raw_orders(store_id, order_ids)
        for order_id in self._stale.get(store_id, {}):
            found.pop(order_id, None)
        return found

    async def remove(self, store_id: str) -> None:
        """Forget a store: stop its syncs and delete its index file (the stores service calls
        this when a store is removed)."""
        self.unschedule(store_id)
        await super().remove(store_id)

    async def aclose(self) -> None:
        """Stop following events, stop background syncs and close every index."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        current = asyncio.current_task()
        tasks = [t for t in self._background.values() if t is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await super().aclose()
