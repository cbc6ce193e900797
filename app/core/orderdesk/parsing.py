"""Pick records and pages out of response envelopes (pure functions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.orderdesk.errors import InvalidResponseError
from app.core.orderdesk.models import Page, Record, RecordT
from app.core.orderdesk.values import to_int

MAX_PAGE_SIZE = 500


def record_from(envelope: dict[str, Any], key: str, *, method: str, path: str) -> Record:
    """Return the record under ``key`` (e.g. ``order``) or fail clearly.

    Raises:
        InvalidResponseError: The key is missing or not an object.
    """
    value = envelope.get(key)
    if not isinstance(value, dict):
        raise InvalidResponseError(
            f"the response has no {key!r} object", status=200, method=method, path=path
        )
    return value


def records_from(envelope: dict[str, Any], key: str, *, method: str, path: str) -> list[Record]:
    """Return the list under ``key`` (e.g. ``shipments``); a missing key means no records.

    Raises:
        InvalidResponseError: The key holds something other than a list of objects.
    """
    value = envelope.get(key, [])
    if isinstance(value, dict):  # some PHP back ends send a keyed object for a list
        value = list(value.values())
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise InvalidResponseError(
            f"the response's {key!r} is not a list of objects", status=200, method=method, path=path
        )
    return value


def page_from(
    envelope: dict[str, Any],
    key: str,
    make: Callable[[Record], RecordT],
    *,
    requested: tuple[int, int],
    method: str,
    path: str,
) -> Page[RecordT]:
    """Build a :class:`Page` from a list envelope, filling missing paging numbers.

    Args:
        envelope: The response envelope.
        key: Where the records are (``orders`` or ``inventory_items``).
        make: Wraps one raw record in its view class.
        requested: The ``(offset, limit)`` we asked for, used when the server omits them.
        method: Request method, for errors.
        path: Request path, for errors.
    """
    raw_records = records_from(envelope, key, method=method, path=path)
    offset, limit = requested
    try:
        returned = to_int(envelope.get("records_returned"), len(raw_records))
        offset = to_int(envelope.get("offset"), offset)
        limit = to_int(envelope.get("limit"), limit)
        total = to_int(envelope.get("total_records"), offset + returned)
    except ValueError as exc:
        raise InvalidResponseError(
            f"bad paging numbers ({exc})", status=200, method=method, path=path
        ) from None
    return Page(
        records=[make(raw) for raw in raw_records],
        total_records=total,
        offset=offset,
        limit=limit,
        records_returned=returned,
    )


def check_page_request(limit: int, offset: int) -> None:
    """Refuse paging values Order Desk would reject or silently clamp.

    Raises:
        ValueError: ``limit`` outside 1..500 or a negative ``offset``.
    """
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}, got {limit}")
    if offset < 0:
        raise ValueError(f"offset must not be negative, got {offset}")
