"""Turn an HTTP response into an envelope dict or the right :class:`OrderDeskError`.

Everything here is pure: it reads an ``httpx.Response`` (or its headers) and never sends.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from app.core.orderdesk.errors import (
    InvalidResponseError,
    NotFoundError,
    OrderDeskError,
    RateLimitedError,
    ValidationError,
    error_for_status,
    redact,
)

if TYPE_CHECKING:
    import httpx


def tokens_remaining(headers: Mapping[str, str]) -> float | None:
    """Read ``X-Tokens-Remaining`` (``None`` when absent or unreadable)."""
    return _seconds_or_number(headers.get("x-tokens-remaining"))


def retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Read the pause a 429 asks for: ``X-Retry-After``, else ``Retry-After``.

    Args:
        headers: Response headers (case-insensitive mapping).
        now: Current time for an HTTP-date ``Retry-After`` (defaults to the wall clock).

    Returns:
        Seconds to wait, or ``None`` when neither header is usable.
    """
    value = _seconds_or_number(headers.get("x-retry-after"))
    if value is not None:
        return value
    fallback = headers.get("retry-after")
    value = _seconds_or_number(fallback)
    if value is not None or not fallback:
        return value
    try:
        when = parsedate_to_datetime(fallback)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _seconds_or_number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if number >= 0 and number != float("inf") else None


def read_envelope(
    response: httpx.Response, *, method: str, path: str, secret: str = ""
) -> dict[str, Any]:
    """Check a response and return its JSON envelope.

    Args:
        response: The received response (body already read).
        method: Request method, for error messages.
        path: Request path without query, for error messages.
        secret: The API key, scrubbed from any message.

    Returns:
        The envelope of a successful response.

    Raises:
        OrderDeskError: A subclass chosen by status (or by ``status: error`` on a 2xx).
    """
    body = _decode(response)
    if not response.is_success:
        raise _status_error(response, body, method, path, secret)
    if not isinstance(body, dict):
        what = "a body that is not JSON" if body is _NOT_JSON else "JSON that is not an object"
        raise InvalidResponseError(
            f"expected a JSON object, got {what}",
            status=response.status_code,
            method=method,
            path=path,
        )
    if str(body.get("status", "")).lower() == "error":
        message = _server_message(body, secret) or "Order Desk reported an error"
        kind = NotFoundError if "not found" in message.lower() else ValidationError
        raise kind(message, status=response.status_code, method=method, path=path)
    return body


_NOT_JSON: Any = object()


def _decode(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content) if response.content else _NOT_JSON
    except (ValueError, UnicodeDecodeError):
        return _NOT_JSON


def _server_message(body: object, secret: str) -> str:
    if not isinstance(body, dict):
        return ""
    parts: list[str] = []
    for key in ("message", "error"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            parts.append(value.strip())
    errors = body.get("errors")
    if isinstance(errors, list):
        parts.extend(str(entry) for entry in errors if entry)
    elif isinstance(errors, dict):
        parts.extend(f"{key}: {value}" for key, value in errors.items())
    return redact("; ".join(parts), secret)


def _status_error(
    response: httpx.Response, body: object, method: str, path: str, secret: str
) -> OrderDeskError:
    status = response.status_code
    message = _server_message(body, secret)
    if not message:
        reason = response.reason_phrase or "error"
        suffix = "" if isinstance(body, dict) else " with a body that is not JSON"
        message = f"{reason}{suffix}"
    kind = error_for_status(status)
    if kind is RateLimitedError:
        return RateLimitedError(
            message, retry_after=retry_after(response.headers), method=method, path=path
        )
    return kind(message, status=status, method=method, path=path)
