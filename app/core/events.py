"""A small thread-safe event hub: the engine publishes, the GUI and MCP sessions listen.

Events cross threads here and nowhere else. A subscriber is either a plain callback, which runs
on the publisher's thread (the GUI adapter turns it into a queued Qt signal), or an asyncio queue
bound to a loop, fed with ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

log = logging.getLogger(__name__)

ORDER_CHANGED = "order.changed"
ORDER_DELETED = "order.deleted"
INVENTORY_CHANGED = "inventory.changed"
STORE_CHANGED = "store.changed"
CLIENT_CONNECTED = "client.connected"
CLIENT_DISCONNECTED = "client.disconnected"
CLIENT_REVOKED = "client.revoked"
CLIENT_CHANGED = "client.changed"
APPROVAL_REQUESTED = "approval.requested"
APPROVAL_DECIDED = "approval.decided"
ACTIVITY_RECORDED = "activity.recorded"
"""A write-ledger row that changed no order was recorded (e.g. a denied write); data: ``id``."""
SYNC_PROGRESS = "sync.progress"
RATE_LIMIT = "ratelimit.state"
ERROR = "engine.error"


def _frozen(data: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True)
class Event:
    """Something that happened in the engine.

    Attributes:
        kind: One of the module constants, e.g. ``order.changed``.
        store_id: Our id of the store it concerns, if any.
        data: Read-only details (order id, folder, client name, progress...).
        at: When it was published (UTC).
    """

    kind: str
    store_id: str | None = None
    data: Mapping[str, Any] = field(default_factory=lambda: _frozen(None))
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def of(cls, kind: str, store_id: str | None = None, **data: Any) -> Event:
        """Build an event with ``data`` taken from keyword arguments."""
        return cls(kind=kind, store_id=store_id, data=_frozen(data))


Callback = Callable[[Event], None]


class EventHub:
    """Fan-out of :class:`Event` objects to callbacks and asyncio queues on any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._callbacks: list[Callback] = []
        self._queues: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Event]]] = []

    def subscribe(self, callback: Callback) -> Callable[[], None]:
        """Call ``callback(event)`` for each event; returns a function that unsubscribes."""
        with self._lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unsubscribe

    def queue(self, maxsize: int = 1000) -> asyncio.Queue[Event]:
        """Return a queue on the running loop that receives every event from now on.

        Call :meth:`release` with it when done. A full queue drops the newest event
        (a slow listener must not stall the engine).
        """
        q: asyncio.Queue[Event] = asyncio.Queue(maxsize)
        with self._lock:
            self._queues.append((asyncio.get_running_loop(), q))
        return q

    def release(self, q: asyncio.Queue[Event]) -> None:
        """Stop feeding a queue made by :meth:`queue`."""
        with self._lock:
            self._queues = [(lp, other) for lp, other in self._queues if other is not q]

    def publish(self, event: Event) -> None:
        """Deliver ``event`` to every subscriber; safe from any thread."""
        with self._lock:
            callbacks = list(self._callbacks)
            queues = list(self._queues)
        for callback in callbacks:
            try:
                callback(event)
            except Exception:
                log.exception("event subscriber failed on %s", event.kind)
        for loop, q in queues:
            if not loop.is_closed():
                loop.call_soon_threadsafe(_offer, q, event)


def _offer(q: asyncio.Queue[Event], event: Event) -> None:
    if not q.full():
        q.put_nowait(event)
