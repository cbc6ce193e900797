"""Who is connected right now, as the event hub tells it: a thread-safe list of live sessions.

The MCP host publishes ``client.connected`` and ``client.disconnected`` for every session of
every transport. :class:`LiveSessions` follows those events, so the GUI (and anything else in
core) can ask how many sessions a client has without knowing about the MCP layer. Create it
before the MCP host starts, or sessions that connect earlier are missed.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.access.identity import ANONYMOUS_NAME
from app.core.events import CLIENT_CONNECTED, CLIENT_DISCONNECTED, Event, EventHub


@dataclass(frozen=True)
class LiveSession:
    """One connected AI client session.

    Attributes:
        session_id: The MCP host's id of the session.
        client: The registered client it authenticated as (``"anonymous"`` without a token).
        transport: ``"socket"``, ``"stdio"`` or ``"http"``.
        since: When it connected (UTC).
        announced: The name the client program gave when it connected (display only).
    """

    session_id: str
    client: str
    transport: str
    since: datetime
    announced: str = ""


def session_from_event(event: Event) -> LiveSession | None:
    """The session a ``client.connected`` event describes; None if it names no session."""
    data: Mapping[str, Any] = event.data
    session_id = data.get("session_id")
    if session_id is None:
        return None
    announced = str(data.get("client") or "")
    return LiveSession(
        session_id=str(session_id),
        client=str(data.get("identity") or ANONYMOUS_NAME),
        transport=str(data.get("transport") or ""),
        since=event.at,
        announced=announced,
    )


class LiveSessions:
    """The sessions connected now, kept from hub events; safe to read from any thread.

    Args:
        hub: The engine's event hub.
    """

    def __init__(self, hub: EventHub) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, LiveSession] = {}
        self._unsubscribe: Callable[[], None] | None = hub.subscribe(self._on_event)

    def live(self) -> list[LiveSession]:
        """A snapshot of the live sessions, oldest first."""
        with self._lock:
            sessions = list(self._sessions.values())
        return sorted(sessions, key=lambda session: session.since)

    def count(self, client: str) -> int:
        """How many live sessions the registered client ``client`` has."""
        with self._lock:
            return sum(1 for session in self._sessions.values() if session.client == client)

    def counts(self) -> dict[str, int]:
        """Live sessions per registered client name."""
        with self._lock:
            return dict(Counter(session.client for session in self._sessions.values()))

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def close(self) -> None:
        """Stop following the hub (idempotent); the list keeps its last state."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _on_event(self, event: Event) -> None:
        if event.kind == CLIENT_CONNECTED:
            session = session_from_event(event)
            if session is not None:
                with self._lock:
                    self._sessions[session.session_id] = session
        elif event.kind == CLIENT_DISCONNECTED:
            session_id = event.data.get("session_id")
            with self._lock:
                self._sessions.pop(str(session_id), None)
