"""Pure conversions between Order Desk's wire values and Python types.

Order Desk sends a mix of JSON numbers and numeric strings, ids as strings or integers, and
UTC dates as ``YYYY-MM-DD HH:MM:SS`` (some date-only). These helpers turn them into
``Decimal``, ``str``, ``int`` and aware ``datetime`` values, and back again for requests.
They never touch the network and never mutate their input.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

WIRE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def to_money(value: object) -> Decimal:
    """Convert a wire number (JSON number or numeric string) to ``Decimal`` without float noise.

    Args:
        value: ``21.17``, ``"24.00"``, ``3``, ``Decimal``; ``None`` or ``""`` mean zero.

    Returns:
        The exact decimal value (``Decimal(str(21.17)) == Decimal("21.17")``).

    Raises:
        ValueError: The value is not a number (booleans count as not a number).
    """
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"not a number: {value!r}")
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def to_id(value: object) -> str:
    """Normalise an Order Desk id to a string.

    Args:
        value: ``"26211"``, ``26211`` or ``26211.0``; ``None`` becomes ``""``.

    Returns:
        The id as text without surrounding whitespace.

    Raises:
        ValueError: The value is a bool, a fractional float or a container.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ValueError(f"not an id: {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"not an id: {value!r}")
        return str(int(value))
    if isinstance(value, str):
        return value.strip()
    raise ValueError(f"not an id: {value!r}")


def to_int(value: object, default: int = 0) -> int:
    """Convert a wire integer (``3``, ``"3"``, ``3.0``) to ``int``.

    Args:
        value: The wire value; ``None`` or ``""`` give ``default``.
        default: Returned for missing values.

    Returns:
        The integer value.

    Raises:
        ValueError: The value is not a whole number.
    """
    if value is None or value == "":
        return default
    number = to_money(value)
    if number != number.to_integral_value():
        raise ValueError(f"not a whole number: {value!r}")
    return int(number)


def to_optional_int(value: object) -> int | None:
    """Like :func:`to_int` but ``None`` for missing values (e.g. a folder id)."""
    if value is None or value == "":
        return None
    return to_int(value)


def to_datetime(value: object) -> datetime | None:
    """Parse an Order Desk UTC timestamp into an aware ``datetime``.

    Accepts ``YYYY-MM-DD HH:MM:SS``, ``YYYY-MM-DD`` and ISO 8601 (``T`` separator, ``Z`` or an
    offset). Naive values are taken as UTC, as Order Desk stores everything in UTC.

    Args:
        value: The wire value.

    Returns:
        The timestamp in UTC, or ``None`` when the value is missing, empty or the all-zero date.

    Raises:
        ValueError: The text is not a date.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    text = value.strip()
    if text.startswith("0000-00-00"):
        return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date: {value!r}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_date(value: object) -> date | None:
    """Parse a date-only field such as a shipment's ``date_shipped``.

    Args:
        value: ``YYYY-MM-DD`` or any form :func:`to_datetime` accepts.

    Returns:
        The calendar date, or ``None`` when missing.
    """
    moment = to_datetime(value)
    return None if moment is None else moment.date()


def format_datetime(value: datetime | date) -> str:
    """Render a date or time the way Order Desk expects in filters and bodies.

    Args:
        value: An aware datetime (converted to UTC), a naive one (taken as UTC) or a date.

    Returns:
        ``YYYY-MM-DD HH:MM:SS`` for datetimes, ``YYYY-MM-DD`` for dates.
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime(WIRE_DATETIME_FORMAT)
    return value.isoformat()


def format_query_value(value: object) -> str:
    """Render one query-string filter value (dates, bools, lists of ids, plain values).

    Args:
        value: A date/datetime, bool (``1``/``0``), an iterable (comma-joined) or a scalar.

    Returns:
        The text to put in the query string.
    """
    if isinstance(value, datetime | date):
        return format_datetime(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return ",".join(format_query_value(part) for part in value)
    return str(value)
