"""What the tray tooltip says: a small immutable status folded from hub events (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from app import APP_NAME
from app.core import events
from app.core.events import Event

LOW_TOKENS_SHARE = 0.25
"""Below this share of its bucket, a store's rate limit counts as under pressure."""


@dataclass(frozen=True)
class TrayStatus:
    """Everything the tooltip shows.

    Attributes:
        engine_running: The engine thread is up.
        paused: The user paused MCP writes.
        clients: Names of connected AI clients, keyed by session id.
        last_error: The latest error sentence from the engine, if any.
        pressure: Store id -> (tokens remaining, bucket size) from rate-limit events.
    """

    engine_running: bool = False
    paused: bool = False
    clients: dict[str, str] = field(default_factory=dict)
    last_error: str | None = None
    pressure: dict[str, tuple[float, float]] = field(default_factory=dict)

    def apply(self, event: Event) -> TrayStatus:
        """Return the status after ``event``."""
        data = event.data
        if event.kind == events.CLIENT_CONNECTED:
            return replace(self, clients={**self.clients, _session_key(data): _client(data)})
        if event.kind == events.CLIENT_DISCONNECTED:
            rest = {k: v for k, v in self.clients.items() if k != _session_key(data)}
            return replace(self, clients=rest)
        if event.kind == events.ERROR:
            return replace(self, last_error=str(data.get("message") or data.get("error") or ""))
        if event.kind == events.RATE_LIMIT and event.store_id is not None:
            level = _pressure(data)
            if level is not None:
                return replace(self, pressure={**self.pressure, event.store_id: level})
        return self

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
        names = sorted(set(self.clients.values()))
        lines.append(f"AI clients: {', '.join(names)}" if names else "No AI client connected")
        throttled = self.throttled_stores()
        if throttled:
            lines.append(f"Rate limit pressure on {len(throttled)} store(s)")
        if self.last_error:
            lines.append(f"Last error: {self.last_error}")
        return "\n".join(lines)


def _session_key(data: Any) -> str:
    for key in ("session_id", "session", "client_id", "name", "client"):
        if data.get(key) is not None:
            return str(data[key])
    return "?"


def _client(data: Any) -> str:
    return str(data.get("name") or data.get("client") or "AI client")


def _pressure(data: Any) -> tuple[float, float] | None:
    left = data.get("tokens_remaining", data.get("tokens"))
    size = data.get("bucket_size", data.get("capacity", 20))
    try:
        return float(left), float(size)
    except (TypeError, ValueError):
        return None
