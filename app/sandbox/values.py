"""Coercion of client JSON values into the sandbox's stored value types.

Order Desk mixes JSON numbers and numeric strings; clients send either. These helpers accept
both and raise a 400 :class:`ApiError` naming the field when a value cannot be used.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from app.sandbox.errors import bad_request

CENT = Decimal("0.01")
ZERO = Decimal(0)


def is_blank(value: object) -> bool:
    """Return True for values Order Desk treats as absent (None and empty string)."""
    return value is None or value == ""


def text(value: object, field: str) -> str:
    """Return ``value`` as a string; numbers are accepted and converted."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise bad_request(f"{field} must be a string")
    return str(value)


def decimal_of(value: object, field: str) -> Decimal:
    """Return ``value`` (number or numeric string, blank = 0) as a Decimal."""
    if is_blank(value):
        return ZERO
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise bad_request(f"{field} must be a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise bad_request(f"{field} must be a number, got {value!r}") from None
    if not number.is_finite():
        raise bad_request(f"{field} must be a finite number")
    return number


def integer_of(value: object, field: str, default: int = 0) -> int:
    """Return ``value`` (int, integral float or digit string) as an int."""
    if is_blank(value):
        return default
    number = decimal_of(value, field)
    if number != number.to_integral_value():
        raise bad_request(f"{field} must be a whole number")
    return int(number)


def mapping_of(value: object, field: str) -> dict[str, Any]:
    """Return ``value`` as a dict; blank or an empty list (PHP's empty array) give ``{}``."""
    if is_blank(value) or value == []:
        return {}
    if not isinstance(value, dict):
        raise bad_request(f"{field} must be an object")
    return {str(key): item for key, item in value.items()}


def list_of(value: object, field: str) -> list[Any]:
    """Return ``value`` as a list; blank gives ``[]``."""
    if is_blank(value):
        return []
    if not isinstance(value, list):
        raise bad_request(f"{field} must be an array")
    return value


def object_of(value: object, field: str) -> dict[str, Any]:
    """Return ``value`` when it is a JSON object, else raise a 400."""
    if not isinstance(value, dict):
        raise bad_request(f"{field} must be a JSON object")
    return value


def money(number: Decimal) -> float:
    """Return a money Decimal as the JSON number Order Desk emits (two decimals)."""
    return float(number.quantize(CENT))


def money_text(number: Decimal) -> str:
    """Return a money Decimal as the string form Order Desk uses for item prices."""
    if number.as_tuple().exponent in (0, -1, -2) or number == number.quantize(CENT):
        return f"{number:.2f}"
    return format(number, "f")


def plain_text(number: Decimal) -> str:
    """Return a Decimal as a plain numeric string (``"1.9"``, ``"0"``)."""
    return format(number, "f")


def string_map(value: object, field: str) -> dict[str, str]:
    """Return an object whose values are coerced to strings (variation lists, checkout data)."""
    return {key: text(item, f"{field}.{key}") for key, item in mapping_of(value, field).items()}
