"""A per-store leaky bucket that mirrors Order Desk's own, so normal use never sees a 429.

Order Desk gives each store a bucket of 20 tokens that refills at 3 tokens a second; every
request costs one. :class:`LeakyBucket` keeps our own estimate of that bucket and corrects it
from every response: ``X-Tokens-Remaining`` can only lower the estimate (we take the smaller of
the two, since other programs may share the store's key) and ``X-Retry-After`` pauses every
caller until then. A burst queues instead of failing: waiters are served first come, first
served, because only the head of the queue sleeps while the rest wait on a FIFO lock.

One bucket must be shared by every client of the same store on the same event loop. With
``shared=PATH`` the bucket's state lives in a small file, read and written under an exclusive
file lock (``fcntl.flock`` / ``msvcrt.locking``) for every change, so every process on the
machine that uses the same file (the tray, ``serve --listen``, each ``serve --stdio``, the
CLI) draws from one bucket per store, as Order Desk does: no daemon needed. Its clock is then
the wall clock (shared by processes); waiting happens outside the file lock.
"""

from __future__ import annotations

import asyncio
import math
import os
import struct
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

DEFAULT_CAPACITY = 20.0
DEFAULT_REFILL_PER_SECOND = 3.0
# Float slack: a token that is 0.9999999999 of the way there counts as whole, so a waiter
# never spins on sleeps too short to move the clock.
_EPSILON = 1e-9


class LeakyBucket:
    """Async token bucket (capacity 20, +3 tokens/s by default) for one store."""

    def __init__(
        self,
        capacity: float = DEFAULT_CAPACITY,
        refill_per_second: float = DEFAULT_REFILL_PER_SECOND,
        *,
        clock: Clock | None = None,
        sleep: Sleep = asyncio.sleep,
        shared: Path | None = None,
    ) -> None:
        """Create a full bucket (or join the one kept in ``shared``).

        Args:
            capacity: Maximum (and initial) tokens.
            refill_per_second: Tokens added per second.
            clock: Time source in seconds (a fake one in tests); default monotonic, or the
                wall clock for a shared bucket.
            sleep: Awaitable sleep matching ``clock`` (a fake one in tests).
            shared: A file holding the bucket's state for every process that names it.
        """
        if capacity < 1 or refill_per_second <= 0:
            raise ValueError("capacity must be >= 1 and refill_per_second > 0")
        self.capacity = float(capacity)
        self.refill_per_second = float(refill_per_second)
        self._clock = clock or (time.time if shared is not None else time.monotonic)
        self._sleep = sleep
        self._tokens = self.capacity
        self._updated = self._clock()
        self._paused_until = -math.inf
        # A 429's pause in this process only (see :meth:`observe`).
        self._paused_here_until = -math.inf
        self._queue = asyncio.Lock()
        self._waiting = 0
        self._file = _StateFile(shared) if shared is not None else None

    @contextmanager
    def _state(self) -> Iterator[None]:
        """Hold the bucket's state: the shared file's, locked and written back, if any."""
        if self._file is None:
            yield
            return
        with self._file.locked() as saved:
            if saved is not None:
                self._tokens, self._updated, self._paused_until = saved
            else:
                self._tokens, self._updated, self._paused_until = (
                    self.capacity, self._clock(), -math.inf
                )  # fmt: skip
            yield
            self._file.save(self._tokens, self._updated, self._paused_until)

    @property
    def tokens(self) -> float:
        """Our current estimate of the tokens left (refilled to now)."""
        with self._state():
            self._refill()
            return self._tokens

    @property
    def waiting(self) -> int:
        """How many callers are queued in :meth:`acquire`."""
        return self._waiting

    def paused_for(self) -> float:
        """Seconds left of a server-requested pause (0 when not paused)."""
        with self._state():
            return max(0.0, self._pause_end() - self._clock())

    def _pause_end(self) -> float:
        return max(self._paused_until, self._paused_here_until)

    def wait_time(self, count: int = 1) -> float:
        """Seconds until ``count`` tokens may be taken (0 when they are available now)."""
        with self._state():
            return self._wait_time(count)

    def _try_take(self, count: int) -> float:
        """Take ``count`` tokens if they are there (returns 0), else return the wait."""
        with self._state():
            delay = self._wait_time(count)
            if delay <= 0:
                self._tokens -= float(count)
            return delay

    def _wait_time(self, count: int) -> float:
        now = self._refill()
        pause = self._pause_end() - now
        shortfall = float(count) - self._tokens
        wait = shortfall / self.refill_per_second if shortfall > _EPSILON else 0.0
        return max(pause if pause > _EPSILON else 0.0, wait)

    async def acquire(self, count: int = 1) -> None:
        """Wait for ``count`` tokens and take them together; callers are served in arrival
        order. A request made inside :meth:`reserve` uses a reserved token instead.

        Args:
            count: Tokens to take at once (1..capacity).
        """
        if count == 1 and _take_prepaid(self):
            return
        if not 1 <= count <= self.capacity:
            raise ValueError(f"count must be 1..{self.capacity:g}")
        self._waiting += 1
        try:
            async with self._queue:
                while (delay := self._try_take(count)) > 0:
                    await self._sleep(delay)
        finally:
            self._waiting -= 1

    @asynccontextmanager
    async def reserve(self, count: int) -> AsyncIterator[None]:
        """Take ``count`` tokens at once for the requests made inside the block.

        An update takes the tokens of its GET and its PUT together, so nothing waits for the
        bucket between them (docs/architecture.md, "Updates and conflicts"). Requests inside the
        block (in this task) use the reserved tokens first; tokens left unused at the end go
        back to the bucket.
        """
        await self.acquire(count)
        prepaid = _Prepaid(self, count)
        token = _PREPAID.set((*_PREPAID.get(), prepaid))
        try:
            yield
        finally:
            _PREPAID.reset(token)
            if prepaid.left > 0:
                with self._state():
                    self._refill()
                    self._tokens = min(self.capacity, self._tokens + prepaid.left)

    def observe(
        self, tokens_remaining: float | None = None, retry_after: float | None = None
    ) -> None:
        """Correct the estimate from a response's rate-limit headers.

        Args:
            tokens_remaining: ``X-Tokens-Remaining``; the estimate becomes the smaller of ours
                and the server's.
            retry_after: ``X-Retry-After`` in seconds; this process pauses until then and
                the estimate every process shares drops to zero.

        Other processes sharing the bucket do not pause: they take the tokens the shared
        estimate refills (3 a second), one after another. Order Desk's pause is whole seconds,
        so when another app drains the store, a pause shared by all would make every one of
        our waiting requests try again at the same instant: one chance a second. Spread over
        the refill, our requests never go faster than the store's own rate and get a chance
        at each new token.
        """
        with self._state():
            now = self._refill()
            if tokens_remaining is not None:
                self._tokens = min(self._tokens, max(0.0, float(tokens_remaining)))
            if retry_after is not None and retry_after > 0:
                if self._file is None:
                    self._paused_until = max(self._paused_until, now + retry_after)
                else:
                    self._paused_here_until = max(self._paused_here_until, now + retry_after)
                self._tokens = min(self._tokens, 0.0)

    def _refill(self) -> float:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.capacity, self._tokens + elapsed * self.refill_per_second)
        self._updated = now
        return now


_STATE = struct.Struct("<ddd")


class _StateFile:
    """The bucket state file: three doubles (tokens, updated, paused until), locked per use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def _open(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(
                self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600
            )
        return self._fd

    @contextmanager
    def locked(self) -> Iterator[tuple[float, float, float] | None]:
        """Lock the file exclusively and yield its state (``None`` when new or unreadable)."""
        fd = self._open()
        _lock(fd)
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            data = os.read(fd, _STATE.size)
            yield _STATE.unpack(data) if len(data) == _STATE.size else None
        finally:
            _unlock(fd)

    def save(self, tokens: float, updated: float, paused_until: float) -> None:
        """Write the state (call inside :meth:`locked`)."""
        fd = self._open()
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, _STATE.pack(tokens, updated, max(paused_until, 0.0)))


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@dataclass
class _Prepaid:
    bucket: LeakyBucket
    left: int


_PREPAID: ContextVar[tuple[_Prepaid, ...]] = ContextVar("orderdesk_prepaid_tokens", default=())

WaitReport = Callable[[float, float, str], None]
"""Called as ``(seconds waited, deadline in seconds, message)`` while a request waits."""
WAIT_REPORT: ContextVar[WaitReport | None] = ContextVar("orderdesk_wait_report", default=None)
"""Who hears about waits for a turn in the store's allowance in this context (an MCP tool
call sets it to send progress notifications)."""


def report_wait(waited: float, deadline: float, message: str) -> None:
    """Tell this context's listener (if any) that a request is still waiting for a turn."""
    report = WAIT_REPORT.get()
    if report is not None:
        report(waited, deadline, message)


def _take_prepaid(bucket: LeakyBucket) -> bool:
    """Use one token reserved for ``bucket`` in the current context, if any is left."""
    for prepaid in _PREPAID.get():
        if prepaid.bucket is bucket and prepaid.left > 0:
            prepaid.left -= 1
            return True
    return False
