"""Resource subscriptions: ``notifications/resources/updated`` after a change, and
``notifications/resources/list_changed`` when the stores change.

A client subscribes to an order (``orderdesk://stores/{store}/orders/{order_id}``) or to the
store list (``orderdesk://stores``). Engine events about that order (a write from any face:
this client, another one, the tray) or about any store then send the URI to the client, which
reads it again when it likes. A session that called ``resources/list`` hears
``list_changed`` after a store event that changes what that list would show it (a store added
or removed that it may read), on handshake-era sessions (2024-11-05 to 2025-11-25; the
2026-era wire delivers these only on ``subscriptions/listen`` streams, served by
:mod:`app.mcp.listen` with these same classes). Subscriptions belong to our per-connection
:class:`~app.mcp.transport.session.SessionState`: they end when the session's
``client.disconnected`` event arrives, when the state is collected, or when a notification can
no longer be sent.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from app.core.events import (
    CLIENT_DISCONNECTED,
    ORDER_CHANGED,
    ORDER_DELETED,
    STORE_CHANGED,
    Event,
    EventHub,
)
from app.mcp.transport.session import SessionState

log = logging.getLogger(__name__)

Key = tuple[str, str | None]
"""What a subscription watches: (store key, order id), or ("*", None) for the store list."""
STORES: Key = ("*", None)
Relist = Callable[[], Awaitable[list[str]]]
"""Lists the URIs ``resources/list`` would show the session now."""
LIST_CHANGED = "notifications/resources/list_changed"
UPDATED = "notifications/resources/updated"
TOOLS_CHANGED = "notifications/tools/list_changed"


def event_keys(event: Event) -> list[Key]:
    """The subscription keys an engine event concerns (none for most events)."""
    if event.kind == STORE_CHANGED:
        return [STORES]
    if event.kind in (ORDER_CHANGED, ORDER_DELETED) and event.store_id is not None:
        return [(event.store_id, str(event.data.get("order_id")))]
    return []


class SessionSubscriptions:
    """One session's subscribed URIs; sends ``resources/updated`` for matching events.

    Args:
        hub: The engine's event hub.
        sender: The connection's own channel for server-initiated messages
            (:func:`connection_channel`).
        session_id: Our id of the session (its ``client.disconnected`` ends these).
    """

    def __init__(self, hub: EventHub, sender: Any, session_id: str) -> None:
        self.loop = asyncio.get_running_loop()
        self.session_id = session_id
        self.uris: dict[str, Key] = {}
        self.sender = sender
        self.listed: list[str] | None = None
        self._relist: Relist | None = None
        self._unsubscribe: Callable[[], None] | None = hub.subscribe(self._on_event)
        self._sending: set[asyncio.Task[None]] = set()
        self._list_lock = asyncio.Lock()
        self._ended = asyncio.Event()

    def add(self, uri: str, key: Key) -> None:
        """Watch ``key`` and report changes as ``uri``."""
        self.uris[uri] = key

    def watch_list(self, listed: list[str], relist: Relist) -> None:
        """Remember the resource list the client was just given; after each store event,
        ``relist`` it and send ``list_changed`` when it differs."""
        self.listed, self._relist = listed, relist

    def remove(self, uri: str) -> None:
        """Stop watching ``uri`` (unknown URIs are ignored)."""
        self.uris.pop(uri, None)

    @property
    def closed(self) -> bool:
        """True once it stopped listening (closed, or its client went away)."""
        return self._unsubscribe is None

    def close(self) -> None:
        """Stop listening to the hub (from any thread)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
            if not self.loop.is_closed():
                self.loop.call_soon_threadsafe(self._ended.set)

    async def ended(self) -> None:
        """Return once these subscriptions end (closed, or the client went away)."""
        await self._ended.wait()

    async def tools_changed(self) -> None:
        """Tell the client its tool list changed."""
        await self._notify(TOOLS_CHANGED, None)

    def _on_event(self, event: Event) -> None:
        """Any thread: hand the matching URIs to the session's loop."""
        if event.kind == CLIENT_DISCONNECTED and event.data.get("session_id") == self.session_id:
            self.close()
            return
        keys = event_keys(event)
        if not keys or self.loop.is_closed():
            return
        uris = [uri for uri, key in list(self.uris.items()) if key in keys]
        if uris:
            self.loop.call_soon_threadsafe(self._start, lambda: self._deliver(uris))
        if STORES in keys and self._relist is not None:
            self.loop.call_soon_threadsafe(self._start, self._check_list)

    def _start(self, work: Callable[[], Awaitable[None]]) -> None:
        if self.closed:
            return
        task = asyncio.ensure_future(work())
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _deliver(self, uris: list[str]) -> None:
        for uri in uris:
            await self._notify(UPDATED, {"uri": uri})

    async def _check_list(self) -> None:
        async with self._list_lock:  # one at a time: an older listing never wins
            relist = self._relist
            if relist is None or self.closed:
                return
            try:
                now = await relist()
            except Exception:  # e.g. the database is busy: the next store event checks again
                log.debug("resources/list not re-read", exc_info=True)
                return
            if now != self.listed:
                self.listed = now
                await self._notify(LIST_CHANGED, None)

    async def _notify(self, method: str, params: dict[str, Any] | None) -> None:
        if self.closed:
            return
        try:
            await self.sender.notify(method, params)
        except Exception:  # the client went away: its subscriptions end with it
            log.debug("%s not sent", method, exc_info=True)
            self.close()


def connection_channel(request_session: Any) -> Any:
    """The connection's channel behind the SDK's per-request server session.

    The per-request session holds its request's context, which holds our session state; kept
    by a subscription it would keep the session alive forever. The channel does not.
    """
    return request_session._connection.outbound


class Subscriptions:
    """The subscriptions of every session of one server (keyed weakly by session state)."""

    def __init__(self, hub: EventHub) -> None:
        self.hub = hub
        self._by_session: weakref.WeakKeyDictionary[SessionState, SessionSubscriptions] = (
            weakref.WeakKeyDictionary()
        )

    def of(self, session: SessionState, sender: Any) -> SessionSubscriptions:
        """``session``'s subscriptions (created on first use, on the running loop).

        Args:
            session: Our state of the MCP session.
            sender: The connection's channel (:func:`connection_channel`).
        """
        found = self._by_session.get(session)
        if found is None or found.closed:
            found = self._by_session[session] = SessionSubscriptions(
                self.hub, sender, session.session_id
            )
            weakref.finalize(session, found.close)
        return found

    def remove(self, session: SessionState, uri: str) -> None:
        """End ``session``'s subscription to ``uri``."""
        found = self._by_session.get(session)
        if found is not None:
            found.remove(uri)
