"""The one error hierarchy of the Order Desk client.

Every failure a caller can meet is an :class:`OrderDeskError`: it carries the server's
``message`` (or our own description when the server said nothing useful), the HTTP ``status``
when there was a response, and the ``method`` and ``path`` of the request. It is an
:class:`~app.core.errors.ExpectedError`: ``str(error)`` is its ``sentence`` (what failed) and
``action`` (the hint), fit for a user. No message ever contains the API key: the client
scrubs it with :func:`redact` before an error is built.
"""

from __future__ import annotations

from app.core.errors import (
    Conflict,
    ExpectedError,
    InvalidChange,
    NotFound,
    OrderDeskRateLimited,
    OrderDeskRefused,
    OrderDeskUnreachable,
    join_text,
)

REDACTED = "[redacted]"


def redact(text: str, secret: str) -> str:
    """Return ``text`` with every occurrence of ``secret`` replaced.

    Args:
        text: Any text that may echo a secret (a server message, an exception string).
        secret: The API key; an empty secret leaves the text unchanged.
    """
    if not secret:
        return text
    return text.replace(secret, REDACTED)


class OrderDeskError(ExpectedError):
    """Base class: a request to Order Desk failed.

    Attributes:
        message: The server's message, or our description of what went wrong.
        status: HTTP status code, or ``None`` when no response arrived.
        method: HTTP method of the failed request.
        path: API path (without query string) of the failed request.
        may_have_applied: True when a write (POST) failed after it may have reached the server;
            it was not repeated, and the caller must check before trying again.
    """

    hint = ""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        method: str = "",
        path: str = "",
    ) -> None:
        """Create the error; see the class attributes for the arguments."""
        super().__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.may_have_applied = False

    @property
    def sentence(self) -> str:
        """What failed: the request, the HTTP status and Order Desk's message."""
        status = f" (HTTP {self.status})" if self.status is not None else ""
        return _full_stop(f"{self.request} failed{status}: {self.message}")

    @property
    def request(self) -> str:
        """The failed request as ``METHOD /path`` (or a generic name when unknown)."""
        return f"{self.method} {self.path}".strip() or "Order Desk request"

    @property
    def action(self) -> str:
        """The hint, and for a write that may have happened, to check before repeating it."""
        maybe_applied = (
            "The request may have reached Order Desk and taken effect, so it was not"
            " repeated; check (for an order, look it up by source_id) before trying again."
            if self.may_have_applied
            else ""
        )
        return join_text(self.describe_hint(), maybe_applied)

    def describe_hint(self) -> str:
        """Return a short sentence telling the user what to do (may be empty)."""
        return self.hint


class AuthError(OrderDeskError, OrderDeskRefused):
    """401/403: Order Desk rejected the store id or API key."""

    hint = "Check the store ID and API key (Order Desk: Store Settings > API)."

    @property
    def sentence(self) -> str:
        """Order Desk rejected the credentials, with the request and its answer."""
        return _full_stop(
            f"Order Desk rejected the store ID or API key ({self.request}, HTTP {self.status}:"
            f" {self.message.rstrip('.')})"
        )


class NotFoundError(OrderDeskError, NotFound):
    """404: the order, item, shipment or inventory item does not exist."""


class ValidationError(OrderDeskError, InvalidChange):
    """400/422 or a 2xx with ``status: error``: the request was refused as given.

    Duplicate orders land here; the server's message names the existing order id.
    """


class ConflictError(OrderDeskError, Conflict):
    """409: the server reported a conflicting change."""


class RateLimitedError(OrderDeskError, OrderDeskRateLimited):
    """429: the store's request bucket is empty.

    Attributes:
        retry_after: Seconds the server asked us to wait, when it said.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = 429,
        method: str = "",
        path: str = "",
    ) -> None:
        """Create the error with the server's requested pause in seconds."""
        super().__init__(message, status=status, method=method, path=path)
        self.retry_after = retry_after

    def describe_hint(self) -> str:
        """Tell the user when to try again."""
        if self.retry_after is None:
            return "Order Desk is rate limiting this store; try again shortly."
        return f"Order Desk is rate limiting this store; retry in {self.retry_after:g} s."


class StoreBusyError(RateLimitedError):
    """No turn in the store's allowance came within the wait deadline: another program (or
    many calls of ours) is using the store's Order Desk requests."""

    @property
    def sentence(self) -> str:
        """Another app is using the store's allowance; how long we waited."""
        return _full_stop(
            f"Another app is using this store's Order Desk allowance: {self.request} waited"
            f" {self.message} for a turn and gave up"
        )

    def describe_hint(self) -> str:
        """Say what to do."""
        return (
            "Try again in a minute, or pause the other app that uses this store's API key "
            "(the wait limit is the setting orderdesk.wait_deadline)."
        )


class ServerError(OrderDeskError, OrderDeskUnreachable):
    """5xx: Order Desk had trouble (or is down)."""

    hint = "Order Desk may be having trouble; try again later."


class NetworkError(OrderDeskError, OrderDeskUnreachable):
    """No usable response: refused or dropped connection, DNS or TLS failure.

    Attributes:
        request_sent: False when the request certainly never reached the server (the
            connection could not be opened), so even a POST is safe to repeat.
    """

    hint = "Check the internet connection (and the API URL, if you set one), then try again."

    @property
    def sentence(self) -> str:
        """Order Desk could not be reached, with the request and what went wrong."""
        return _full_stop(
            f"Order Desk could not be reached ({self.request}: {self.message.rstrip('.')})"
        )

    def __init__(
        self,
        message: str,
        *,
        request_sent: bool = True,
        method: str = "",
        path: str = "",
    ) -> None:
        """Create the error; ``request_sent`` says whether the server may have seen it."""
        super().__init__(message, status=None, method=method, path=path)
        self.request_sent = request_sent


class RequestTimeout(NetworkError, TimeoutError):
    """Order Desk did not answer in time (connect, write, read or pool timeout)."""

    hint = "Try again later; if it keeps happening, check the internet connection."


class InvalidResponseError(OrderDeskError):
    """The response was not JSON or not the envelope we expect."""

    hint = "Order Desk sent a response this app does not understand."


def _full_stop(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def error_for_status(status: int) -> type[OrderDeskError]:
    """Map an HTTP error status to the error class that describes it.

    Args:
        status: A non-2xx HTTP status code.

    Returns:
        The matching subclass, or :class:`OrderDeskError` for unlisted codes.
    """
    if status in (401, 403):
        return AuthError
    if status == 404:
        return NotFoundError
    if status in (400, 422):
        return ValidationError
    if status == 409:
        return ConflictError
    if status == 429:
        return RateLimitedError
    if status >= 500:
        return ServerError
    return OrderDeskError
