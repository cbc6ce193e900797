"""What every service shares: the client pool, the cache, the audit log, the duplicate guard
and the event hub, plus two helpers used by every write (audit + event) and folder lookup."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from app.core.events import Event, EventHub
from app.core.orderdesk import OrderDeskError
from app.core.services import cache as kinds
from app.core.services.audit import OK, AuditEntry, AuditLog, outcome_of
from app.core.services.cache import ReadCache
from app.core.services.errors import DuplicateWriteError, ServiceError
from app.core.services.guard import DuplicateGuard
from app.core.services.pool import ClientPool
from app.core.services.records import StoreInfo, StoreRecord

T = TypeVar("T")


@dataclass
class ServiceContext:
    """The shared parts of the services (one per app, on the engine loop)."""

    pool: ClientPool
    cache: ReadCache
    audit: AuditLog
    guard: DuplicateGuard
    hub: EventHub

    def publish(self, kind: str, store: StoreRecord, **data: Any) -> None:
        """Publish an engine event about ``store``."""
        self.hub.publish(Event.of(kind, store.key, **data))

    async def store_info(self, store: StoreRecord, *, fresh: bool = False) -> StoreInfo:
        """The store's settings and folders (``GET /store``, cached for the store TTL)."""

        async def fetch() -> StoreInfo:
            settings = await (await self.pool.client(store)).get_store_settings()
            return StoreInfo(
                name=settings.name,
                timezone=settings.timezone,
                folders=settings.folders,
                raw=settings.copy_raw(),
            )

        if fresh:
            self.cache.drop_store(store.key)
        return await self.cache.get(store.key, kinds.STORE_SETTINGS, {}, fetch)

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
        guard_keys: Sequence[Hashable] = (),
        guard_what: str = "",
    ) -> tuple[T, AuditEntry]:
        """Run ``write`` and record it in the audit log, whether it succeeds or fails.

        Args:
            actor: Who writes.
            store: The store written to.
            action: Audit action, e.g. ``shipment.add``.
            target: Audit target, e.g. ``order:123`` (or made from the result).
            before: Snapshot before the write (None for creates).
            attempt: What was sent; stored as ``after`` when the write fails.
            write: Performs the write.
            after: Turns the write's result into the ``after`` snapshot.
            guard_keys: Keys for the duplicate guard (empty: not guarded).
            guard_what: How a refusal names the write.

        Returns:
            The write's result and its audit entry.
        """
        try:
            with self.guard.claim(list(guard_keys), guard_what):
                result = await write()
        except (OrderDeskError, ServiceError) as error:
            refused = isinstance(error, DuplicateWriteError)
            self.audit.record(
                actor=actor, store_id=store.id, action=action,
                target=target if isinstance(target, str) else None,
                before=before, after=attempt, outcome=outcome_of(error, refused),
            )  # fmt: skip
            raise
        entry = self.audit.record(
            actor=actor, store_id=store.id, action=action,
            target=target if isinstance(target, str) else target(result),
            before=before, after=after(result), outcome=OK,
        )  # fmt: skip
        return result, entry
