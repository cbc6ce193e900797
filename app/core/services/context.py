"""What every service shares: the client pool, the cache, the audit log, the write runner (the
ledger's exactly-once path) and the event hub, plus the helper every write goes through."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from app.core.events import Event, EventHub
from app.core.services import cache as kinds
from app.core.services.audit import AuditEntry, AuditLog
from app.core.services.cache import ReadCache
from app.core.services.guard import DuplicateGuard
from app.core.services.ledger import WriteLedger
from app.core.services.mirror import OrderMirror
from app.core.services.pool import ClientPool
from app.core.services.records import StoreInfo, StoreRecord
from app.core.services.store_info import info_of, load_shared, save_shared
from app.core.services.writes import Write, WriteRunner

T = TypeVar("T")


@dataclass
class ServiceContext:
    """The shared parts of the services (one per app, on the engine loop)."""

    pool: ClientPool
    cache: ReadCache
    audit: AuditLog
    guard: DuplicateGuard
    hub: EventHub
    writes: WriteRunner = field(default_factory=lambda: WriteRunner(WriteLedger(), 60.0))
    mirror: OrderMirror | None = None

    def publish(self, kind: str, store: StoreRecord, **data: Any) -> None:
        """Publish an engine event about ``store``."""
        self.hub.publish(Event.of(kind, store.key, **data))

    async def store_info(self, store: StoreRecord, *, fresh: bool = False) -> StoreInfo:
        """The store's settings and folders (``GET /store``), cached for the store TTL in this
        process and, through the database, for every process on the machine (``as_of`` says
        when Order Desk sent them)."""
        ttl = self.cache.ttls.store

        async def fetch() -> StoreInfo:
            if not fresh and ttl > 0:
                shared = load_shared(store.id, ttl)
                if shared is not None:
                    return shared
            settings = await (await self.pool.client(store)).get_store_settings()
            info = info_of(settings, time.time())
            save_shared(store.id, info)
            return info

        if fresh:
            self.cache.drop_store(store.key)
        return await self.cache.get(
            store.key, kinds.STORE_SETTINGS, {}, fetch, age=lambda info: info.age_seconds
        )

    async def audited(
        self,
        *,
        actor: str,
        store: StoreRecord,
        action: str,
        target: str | Callable[[T], str],
        before: Any,
        attempt: Any,
        write: Callable[[], Awaitable[T]],
        after: Callable[[T], Any],
        content: Any = None,
        replay: Callable[[AuditEntry], T] | None = None,
        what: str = "",
        done: Callable[[AuditEntry], str] | None = None,
        before_of: Callable[[T], Any] | None = None,
        window_of: Callable[[T], float | None] | None = None,
        already: str = "Already added",
        unchanged: Callable[[T], bool] | None = None,
        batch: str | None = None,
    ) -> tuple[T, AuditEntry]:
        """Send ``write`` exactly once through the write ledger (see :mod:`writes`).

        Args:
            actor: Who writes.
            store: The store written to.
            action: Ledger action, e.g. ``shipment.add``.
            target: Ledger target, e.g. ``order:123`` (or made from the result).
            before: Snapshot before the write (None for creates).
            attempt: What the write asks for (the intent; ``after`` when it fails).
            write: Performs the HTTP write.
            after: Turns the write's result into the ``after`` snapshot.
            content: What makes two writes identical (default: ``attempt``).
            replay: Rebuilds the first result of an identical applied write (None: the
                write is idempotent and simply runs again).
            what: How refusals name the write.
            done: How a replay names the first result, from its row.
            before_of: ``before`` known only from the result (an update's merge base).
            window_of: An update's GET→PUT window in ms, from the result.
            already: How a replay starts ("Already added", "Already moved").
            unchanged: True for a result that needed no write (nothing to change).
            batch: The bulk job the write belongs to (its rows share the id in Activity).

        Returns:
            The write's result and its ledger row.
        """
        planned = Write(
            actor=actor, store=store, action=action, target=target, change=attempt,
            send=write, after=after, before=before, content=content, replay=replay,
            what=what, done=done, before_of=before_of, window_of=window_of, already=already,
            unchanged=unchanged, batch=batch,
        )  # fmt: skip
        return await self.writes.run(planned)
