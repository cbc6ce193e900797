"""The per-store leaky bucket Order Desk documents: 20 tokens, 3 more every second."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BucketAnswer:
    """Outcome of taking one token."""

    allowed: bool
    remaining: int
    retry_after: int


class LeakyBucket:
    """A token bucket refilled continuously; one request takes one token.

    Args:
        size: Maximum (and initial) number of tokens.
        rate: Tokens added per second.
        enabled: When False every request is allowed and the bucket stays full.
        clock: Monotonic seconds; tests pass a fake clock to avoid sleeping.
    """

    def __init__(
        self,
        size: int = 20,
        rate: float = 3.0,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.size, self.rate, self.enabled, self._clock = size, rate, enabled, clock
        self._tokens = float(size)
        self._last = clock()
        self._lock = threading.Lock()

    def take(self) -> BucketAnswer:
        """Take one token if there is one; otherwise say how long to wait."""
        with self._lock:
            self._refill()
            if not self.enabled:
                return BucketAnswer(True, self.size, 0)
            if self._tokens < 1:
                wait = max(1, math.ceil((1 - self._tokens) / self.rate))
                return BucketAnswer(False, 0, wait)
            self._tokens -= 1
            return BucketAnswer(True, math.floor(self._tokens), 0)

    def remaining(self) -> int:
        """Return the whole tokens left right now."""
        with self._lock:
            self._refill()
            return self.size if not self.enabled else math.floor(self._tokens)

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(float(self.size), self._tokens + self.rate * (now - self._last))
        self._last = now
