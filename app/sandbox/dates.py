"""Order Desk date strings: ``YYYY-MM-DD HH:MM:SS`` in UTC, as epoch seconds inside."""

from __future__ import annotations

import contextlib
import functools
import time
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.sandbox.errors import bad_request

STAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


def format_stamp(epoch: int) -> str:
    """Format epoch seconds as an Order Desk UTC date-time string."""
    seconds = epoch % 86_400
    hours, rest = divmod(seconds, 3600)
    return f"{format_day(epoch)} {hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


@functools.lru_cache(maxsize=4096)
def _day(day_number: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(day_number * 86_400))


def format_day(epoch: int) -> str:
    """Format epoch seconds as a ``YYYY-MM-DD`` UTC date."""
    return _day(epoch // 86_400)


def parse_stamp(value: str) -> int:
    """Parse a stored ``YYYY-MM-DD HH:MM:SS`` (or date-only) string to epoch seconds.

    Raises:
        ValueError: If the string is in neither form.
    """
    fmt = STAMP_FORMAT if len(value) > 10 else "%Y-%m-%d"
    parsed = datetime.strptime(value, fmt).replace(tzinfo=UTC)
    return int(parsed.timestamp())


def parse_filter_date(name: str, value: str, zone: str | None = None) -> int:
    """Parse a date filter value to epoch seconds.

    Accepts ``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM:SS`` and ISO-8601 (``T`` separator, optional
    ``Z`` or offset). A bare date means 00:00:00 of that day. Values without an offset are
    UTC, or local time of ``zone`` when given.

    Raises:
        ApiError: 400 when the value is not a date.
    """
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise bad_request(f"{name} is not a valid date: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone(zone))
    return int(parsed.timestamp())


def _zone(name: str | None) -> tzinfo:
    if name is None:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def now_epoch() -> int:
    """Return the current UTC time in whole epoch seconds."""
    return int(time.time())


def next_stamp(previous: str | None) -> str:
    """Return a ``date_updated`` that is now, but always later than ``previous``.

    Second resolution would otherwise let two quick edits share one stamp, which would hide a
    concurrent edit from a client comparing ``date_updated``.
    """
    now = now_epoch()
    if previous:
        with contextlib.suppress(ValueError):
            now = max(now, parse_stamp(previous) + 1)
    return format_stamp(now)


def day_after(epoch: int, days: float) -> int:
    """Return ``epoch`` moved by ``days`` days."""
    return epoch + int(timedelta(days=days).total_seconds())
