"""Retry decisions and backoff maths (pure functions)."""

from __future__ import annotations

import pytest

from app.core.orderdesk import (
    AuthError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    OrderDeskError,
    RateLimitedError,
    RequestTimeout,
    RetryPolicy,
    ServerError,
    ValidationError,
)
from app.core.orderdesk.retry import backoff_delay, is_retryable, retry_delay

TRANSIENT = [
    ServerError("boom", status=503),
    RequestTimeout("slow"),
    NetworkError("dropped", request_sent=True),
    RateLimitedError("slow down", retry_after=2),
]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("error", TRANSIENT)
def test_idempotent_methods_retry_transient_failures(method: str, error: OrderDeskError) -> None:
    assert is_retryable(method, error)


@pytest.mark.parametrize(
    "error", [ServerError("boom", status=500), RequestTimeout("slow"), NetworkError("dropped")]
)
def test_post_that_may_have_happened_is_not_retried(error: OrderDeskError) -> None:
    assert not is_retryable("POST", error)


@pytest.mark.parametrize(
    "error",
    [
        RateLimitedError("slow down"),
        NetworkError("refused", request_sent=False),
        RequestTimeout("connect timeout", request_sent=False),
    ],
)
def test_post_that_never_reached_the_server_is_retried(error: OrderDeskError) -> None:
    assert is_retryable("POST", error)


@pytest.mark.parametrize(
    "error",
    [
        AuthError("no"),
        NotFoundError("gone"),
        ValidationError("bad"),
        InvalidResponseError("junk"),
        OrderDeskError("teapot", status=418),
    ],
)
def test_permanent_failures_are_not_retried(error: OrderDeskError) -> None:
    assert not is_retryable("GET", error)


def test_backoff_is_exponential_capped_and_jittered() -> None:
    assert backoff_delay(1, 0.5, 20, 1.0) == 0.5
    assert backoff_delay(2, 0.5, 20, 1.0) == 1.0
    assert backoff_delay(4, 0.5, 20, 1.0) == 4.0
    assert backoff_delay(10, 0.5, 20, 1.0) == 20
    assert backoff_delay(3, 0.5, 20, 0.25) == 0.5
    assert backoff_delay(3, 0.5, 20, 0.0) == 0.0


def test_retry_delay_honours_server_pause_and_bounds_attempts() -> None:
    policy = RetryPolicy(max_attempts=3, random=lambda: 1.0)
    assert retry_delay(policy, "GET", RateLimitedError("x", retry_after=7), 1) == 7
    assert retry_delay(policy, "GET", RateLimitedError("x"), 2) == 1.0
    assert retry_delay(policy, "GET", ServerError("x"), 1) == 0.5
    assert retry_delay(policy, "GET", ServerError("x"), 3) is None
    assert retry_delay(policy, "POST", ServerError("x"), 1) is None
