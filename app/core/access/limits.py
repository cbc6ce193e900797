"""Per-client rate limits and the global "pause MCP" switch (docs/architecture.md, "AI clients").

Each AI client gets two token buckets: one for every tool call (``client.rate_per_minute``,
burst ``client.burst``) and a tighter one for writes (``client.writes_per_minute``, burst of
one minute's worth). They protect the store's shared Order Desk bucket from one runaway client.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.core import settings
from app.core.access.errors import SlowDown, WritesPausedError
from app.core.access.identity import ClientIdentity

Clock = Callable[[], float]
SettingReader = Callable[[str], settings.SettingValue]

PAUSED_MESSAGE = (
    "The user has paused AI writes in OrderDesk Tray (pause MCP), so nothing was changed. "
    "Reading still works; ask the user to resume MCP in the tray, then try again."
)


class TokenBucket:
    """A classic token bucket: ``capacity`` tokens, refilled at ``rate`` per second.

    Args:
        capacity: Most tokens it holds (the burst).
        rate: Tokens added per second.
        clock: Monotonic clock in seconds.
    """

    def __init__(self, capacity: float, rate: float, clock: Clock = time.monotonic) -> None:
        if capacity < 1 or rate <= 0:
            raise ValueError("a bucket needs capacity >= 1 and a positive rate")
        self.capacity = float(capacity)
        self.rate = float(rate)
        self._clock = clock
        self._tokens = float(capacity)
        self._stamp = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def wait_time(self) -> float:
        """Seconds until one token is available (0 when one is available now)."""
        self._refill()
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    def take(self) -> None:
        """Take one token; call only after :meth:`wait_time` returned 0."""
        self._refill()
        self._tokens -= 1


@dataclass(frozen=True)
class LimitConfig:
    """The numbers a client's buckets are built from."""

    calls_per_minute: int
    burst: int
    writes_per_minute: int

    @classmethod
    def read(cls, reader: SettingReader) -> LimitConfig:
        """Build from settings (``client.rate_per_minute``, ``client.burst``...)."""
        return cls(
            calls_per_minute=int(reader("client.rate_per_minute")),
            burst=int(reader("client.burst")),
            writes_per_minute=int(reader("client.writes_per_minute")),
        )


class _ClientBuckets:
    def __init__(self, config: LimitConfig, clock: Clock) -> None:
        self.config = config
        self.calls = TokenBucket(max(config.burst, 1), config.calls_per_minute / 60, clock)
        self.writes = TokenBucket(config.writes_per_minute, config.writes_per_minute / 60, clock)


class ClientLimits:
    """Admits or refuses each tool call of each client.

    Settings are read on every check, so a change in the settings window applies at once
    (a client's buckets are rebuilt when its numbers change).

    Args:
        clock: Monotonic clock (tests pass a fake one).
        reader: Reads a setting by key; defaults to :func:`app.core.settings.get`.
    """

    def __init__(self, clock: Clock = time.monotonic, reader: SettingReader = settings.get) -> None:
        self._clock = clock
        self._reader = reader
        self._lock = threading.Lock()
        self._buckets: dict[str, _ClientBuckets] = {}

    def check(self, identity: ClientIdentity, write: bool = False) -> None:
        """Count one tool call by ``identity`` or refuse it.

        Args:
            identity: The calling client.
            write: True when the call changes something in a store.

        Raises:
            WritesPausedError: ``write`` and the user paused MCP writes.
            SlowDown: The client is over its call or write limit; nothing was counted.
        """
        if write and bool(self._reader("mcp.paused")):
            raise WritesPausedError(PAUSED_MESSAGE)
        config = LimitConfig.read(self._reader)
        with self._lock:
            buckets = self._buckets.get(identity.name)
            if buckets is None or buckets.config != config:
                buckets = self._buckets[identity.name] = _ClientBuckets(config, self._clock)
            call_wait = buckets.calls.wait_time()
            if call_wait > 0:
                raise SlowDown(call_wait, "tool calls")
            write_wait = buckets.writes.wait_time() if write else 0.0
            if write_wait > 0:
                raise SlowDown(write_wait, "writes")
            buckets.calls.take()
            if write:
                buckets.writes.take()

    def forget(self, name: str) -> None:
        """Drop a client's buckets (after it is revoked)."""
        with self._lock:
            self._buckets.pop(name, None)
