"""Read your writes: this process's writes reach the store's mirror before they are announced.

:class:`~app.core.services.local_orders.LocalOrders` takes these methods; the order services
call them after Order Desk answered a write and before they publish ``order.changed`` /
``order.deleted`` and return, so a caller (the AI, a window) that reads again sees its write.
A failure here never fails the write: it is logged, and the change feed brings the change.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from app.core.index import IndexService, IndexUnavailable
from app.core.services.records import StoreRecord

log = logging.getLogger(__name__)

KEEP_WAIT = 5.0
"""Seconds a write waits for the mirror (the file may be busy with another process's page)."""


class KeeperHost(Protocol):
    """What the keeper's methods need of the class that takes them (``LocalOrders``)."""

    index: IndexService

    def keeps_index(self, store: StoreRecord) -> bool:
        """Whether the store keeps a local index."""
        ...


class MirrorKeeper:
    """The mirror's side of this process's writes (a part of ``LocalOrders``, which provides
    :class:`KeeperHost`)."""

    async def mirror_written(
        self: KeeperHost, store: StoreRecord, records: list[dict[str, Any]]
    ) -> None:
        """Keep Order Desk's reply to a write."""
        await _keep(self, store, "written", lambda: self.index.written(store.key, records))

    async def mirror_moved(
        self: KeeperHost, store: StoreRecord, order_ids: list[str], folder_id: int
    ) -> None:
        """Show a move in folder searches and counts."""
        await _keep(self, store, "moved", lambda: self.index.moved(store.key, order_ids, folder_id))

    async def mirror_deleted(self: KeeperHost, store: StoreRecord, order_ids: list[str]) -> None:
        """Drop deleted orders."""
        await _keep(self, store, "deleted", lambda: self.index.deleted(store.key, order_ids))


async def _keep(
    host: KeeperHost, store: StoreRecord, what: str, work: Callable[[], Awaitable[int]]
) -> None:
    if not host.keeps_index(store):
        return
    try:
        await asyncio.wait_for(work(), KEEP_WAIT)
    except (IndexUnavailable, OSError, sqlite3.Error, TimeoutError) as exc:
        log.warning("store %s: a write was not %s in the mirror yet: %s", store.key, what, exc)
