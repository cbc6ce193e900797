"""The engine's event hub as Qt signals on the GUI thread.

The hub calls subscribers on the publisher's thread (usually the engine thread). The bridge
re-emits each event through a queued connection, so every public signal fires on the thread
the bridge lives in (the GUI thread) and widgets can touch themselves in their slots.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance, Slot

from app.core import events
from app.core.events import Event, EventHub


class HubBridge(QObject):
    """Subscribes to an :class:`EventHub` and emits Qt signals on the GUI thread.

    Args:
        hub: The engine's hub.
        parent: Owning QObject.
    """

    any_event = Signal(object)
    """Every event (``event`` would shadow :meth:`QObject.event`)."""
    order_changed = Signal(object)
    """An order was changed or deleted (ORDER_CHANGED / ORDER_DELETED)."""
    store_changed = Signal(object)
    client_connected = Signal(object)
    client_disconnected = Signal(object)
    approval_requested = Signal(object)
    sync_progress = Signal(object)
    rate_limit = Signal(object)
    error = Signal(object)

    _incoming = Signal(object)

    def __init__(self, hub: EventHub, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._routes: dict[str, SignalInstance] = {
            events.ORDER_CHANGED: self.order_changed,
            events.ORDER_DELETED: self.order_changed,
            events.STORE_CHANGED: self.store_changed,
            events.CLIENT_CONNECTED: self.client_connected,
            events.CLIENT_DISCONNECTED: self.client_disconnected,
            events.APPROVAL_REQUESTED: self.approval_requested,
            events.SYNC_PROGRESS: self.sync_progress,
            events.RATE_LIMIT: self.rate_limit,
            events.ERROR: self.error,
        }
        self._incoming.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = hub.subscribe(self._incoming.emit)

    def close(self) -> None:
        """Stop listening to the hub (idempotent)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    @Slot(object)
    def _dispatch(self, event: Event) -> None:
        self.any_event.emit(event)
        route = self._routes.get(event.kind)
        if route is not None:
            route.emit(event)
