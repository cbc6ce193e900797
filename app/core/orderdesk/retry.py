"""Which failures to retry, and how long to wait: exponential backoff with full jitter.

Rules (docs/architecture.md, "Retries"):

* GET, PUT (of a full record) and DELETE are safe to repeat: they are retried on 429, 5xx,
  timeouts and dropped or refused connections.
* A POST is retried only when the server certainly did not act on it: a 429 (the bucket was
  empty, so Order Desk refused it before doing anything) or a connection that never opened.
  After a timeout, a dropped connection or a 5xx the POST may have happened; it is not
  repeated and the error says so (``may_have_applied``).
* Everything else (400, 401, 404, 409, invalid responses) fails at once.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from app.core.orderdesk.errors import (
    NetworkError,
    OrderDeskError,
    RateLimitedError,
    ServerError,
)

IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE"})


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter.

    Attributes:
        max_attempts: Total tries including the first (1 disables retries).
        base_delay: Backoff cap of the first retry, in seconds; doubles each retry.
        max_delay: Upper bound of any single backoff, in seconds.
        wait_deadline: Seconds one request may wait for a turn in the store's bucket (our
            limiter and the server's 429s); past it the request fails with
            :class:`StoreBusyError`. A 429 does not count against ``max_attempts`` (when
            retries are on at all): it is a turn not yet given, not a failure.
        sleep: Awaitable sleep (a fake one in tests).
        random: Returns a float in [0, 1) (a fixed one in tests).
    """

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 20.0
    wait_deadline: float = 60.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)


def backoff_delay(attempt: int, base_delay: float, max_delay: float, draw: float) -> float:
    """Full-jitter backoff: a uniform draw from ``[0, min(max_delay, base * 2**(attempt-1))]``.

    Args:
        attempt: The attempt that just failed, starting at 1.
        base_delay: Cap of the first retry.
        max_delay: Cap of every retry.
        draw: A number in [0, 1).

    Returns:
        Seconds to wait before the next attempt.
    """
    ceiling = min(max_delay, base_delay * 2.0 ** max(0, attempt - 1))
    return draw * ceiling


def may_have_reached_server(error: OrderDeskError) -> bool:
    """True when the failed request may have been acted on by Order Desk.

    Args:
        error: The failure of one attempt.
    """
    if isinstance(error, ServerError):
        return True
    if isinstance(error, NetworkError):
        return error.request_sent
    return False


def is_retryable(method: str, error: OrderDeskError) -> bool:
    """Decide whether one failed attempt may be repeated.

    Args:
        method: HTTP method of the request.
        error: The failure of the attempt.
    """
    if isinstance(error, RateLimitedError):
        return True
    if not isinstance(error, ServerError | NetworkError):
        return False
    if method.upper() in IDEMPOTENT_METHODS:
        return True
    return not may_have_reached_server(error)


def retry_delay(
    policy: RetryPolicy, method: str, error: OrderDeskError, attempt: int
) -> float | None:
    """How long to wait before retrying, or ``None`` to give up.

    Args:
        policy: Attempt bound and backoff settings.
        method: HTTP method of the request.
        error: The failure of attempt number ``attempt``.
        attempt: The attempt that just failed, starting at 1.

    Returns:
        Seconds to wait; the server's ``retry_after`` wins for a 429 that carries one.
    """
    if not is_retryable(method, error) or policy.max_attempts <= 1:
        return None
    if isinstance(error, RateLimitedError):
        if error.retry_after is not None:
            return max(0.0, error.retry_after)
        return backoff_delay(min(attempt, 4), policy.base_delay, policy.max_delay, policy.random())
    if attempt >= policy.max_attempts:
        return None
    return backoff_delay(attempt, policy.base_delay, policy.max_delay, policy.random())
