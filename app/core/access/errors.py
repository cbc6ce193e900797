"""Errors of the access layer. Each message is a sentence a model or a user can act on."""

from __future__ import annotations

import math

from app.core.errors import ExpectedError


class AccessError(ExpectedError):
    """A request the access layer refuses; ``str(error)`` says what to do instead."""


class AuthenticationError(AccessError):
    """The presented client token is unknown or revoked."""


class ScopeError(AccessError):
    """The client's token lacks the scope an action needs."""


class StoreNotAllowedError(AccessError):
    """The client's token does not allow the store an action concerns."""


class WritesPausedError(AccessError):
    """The tray's "pause MCP" switch is on: AI clients may not write."""


class SlowDown(AccessError):
    """The client went over its own rate limit.

    Attributes:
        retry_after: Seconds until the call would be accepted.
    """

    def __init__(self, retry_after: float, what: str = "tool calls") -> None:
        self.retry_after = retry_after
        seconds = max(1, math.ceil(retry_after))
        super().__init__(
            f"Slow down: this client is over its limit for {what}; retry in {seconds} s."
        )
