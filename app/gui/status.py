"""What the tray tooltip says: a small immutable status folded from hub events (no Qt).

Connected AI clients are :class:`~app.core.access.sessions.LiveSession` records, read from
:class:`~app.core.access.sessions.LiveSessions` when the tray has it and otherwise folded from
the same ``client.connected`` / ``client.disconnected`` events, so the tooltip names registered
clients (``anonymous`` without a token), never the name a client program announces.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from app import APP_NAME
from app.core import events
from app.core.access.identity import ANONYMOUS_NAME
from app.core.access.sessions import LiveSession, session_from_event
from app.core.events import Event

LOW_TOKENS_SHARE = 0.25
"""Below this share of its bucket, a store's rate limit counts as under pressure."""


@dataclass(frozen=True)
class TrayStatus:
    """Everything the tooltip shows.

    Attributes:
        engine_running: The engine thread is up.
        paused: The user paused MCP writes.
        sessions: Connected AI client sessions, keyed by session id.
        last_error: The latest error sentence from the engine, if any.
        pressure: Store id -> (tokens remaining, bucket size) from rate-limit events.
    """

    engine_running: bool = False
    paused: bool = False
    sessions: dict[str, LiveSession] = field(default_factory=dict)
    last_error: str | None = None
    pressure: dict[str, tuple[float, float]] = field(default_factory=dict)

    def apply(self, event: Event) -> TrayStatus:
        """Return the status after ``event``."""
        data = event.data
        if event.kind == events.CLIENT_CONNECTED:
            session = session_from_event(event)
            if session is None:
                return self
            return replace(self, sessions={**self.sessions, session.session_id: session})
        if event.kind == events.CLIENT_DISCONNECTED:
            gone = str(data.get("session_id"))
            return replace(self, sessions={k: v for k, v in self.sessions.items() if k != gone})
        if event.kind == events.ERROR:
            return replace(self, last_error=str(data.get("message") or data.get("error") or ""))
        if event.kind == events.RATE_LIMIT and event.store_id is not None:
            level = _pressure(data)
            if level is not None:
                return replace(self, pressure={**self.pressure, event.store_id: level})
        return self

    def with_sessions(self, live: Iterable[LiveSession]) -> TrayStatus:
        """Return the status with exactly the sessions ``live`` (a LiveSessions snapshot)."""
        return replace(self, sessions={session.session_id: session for session in live})

    def client_counts(self) -> dict[str, int]:
        """Live sessions per registered client name (``anonymous`` for token-less ones)."""
        return dict(Counter(session.client for session in self.sessions.values()))

    def clients_text(self) -> str:
        """The connected clients with their session counts, e.g. ``Cursor (2), anonymous (1)``.

        Registered names come in alphabetical order, ``anonymous`` last; empty when none.
        """
        counts = self.client_counts()
        names = sorted(counts, key=lambda name: (name == ANONYMOUS_NAME, name.casefold()))
        return ", ".join(f"{name} ({counts[name]})" for name in names)

    def throttled_stores(self) -> list[str]:
        """Store ids whose bucket is below :data:`LOW_TOKENS_SHARE`."""
        return [
            store
            for store, (left, size) in self.pressure.items()
            if size > 0 and left / size < LOW_TOKENS_SHARE
        ]

    def tooltip(self) -> str:
        """Return the multi-line tooltip text."""
        lines = [APP_NAME]
        lines.append("Engine running" if self.engine_running else "Engine stopped")
        if self.paused:
            lines.append("MCP paused: AI clients cannot write")
        clients = self.clients_text()
        lines.append(f"AI clients: {clients}" if clients else "No AI client connected")
        throttled = self.throttled_stores()
        if throttled:
            lines.append(f"Rate limit pressure on {len(throttled)} store(s)")
        if self.last_error:
            lines.append(f"Last error: {self.last_error}")
        return "\n".join(lines)


def _pressure(data: Any) -> tuple[float, float] | None:
    left = data.get("tokens_remaining", data.get("tokens"))
    size = data.get("bucket_size", data.get("capacity", 20))
    try:
        return float(left), float(size)
    except (TypeError, ValueError):
        return None
