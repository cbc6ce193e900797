"""Wire values made safe for a model: money as Decimal strings, never floats."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from app.core.orderdesk import to_money

ORDER_MONEY = frozenset(
    {
        "product_total",
        "shipping_total",
        "handling_total",
        "tax_total",
        "discount_total",
        "order_total",
        "processor_balance",
        "refund_total",
        "weight_total",
    }
)
LINE_MONEY = frozenset({"price", "weight", "cost", "amount"})


def money_text(value: object) -> str:
    """Render a wire number as the text of its exact Decimal (``21.17`` -> ``"21.17"``).

    Args:
        value: A JSON number, numeric string, Decimal or None (zero).

    Returns:
        The decimal as text; the original text when it is not a number (it is then data
        the server sent, passed on unchanged rather than guessed at).
    """
    try:
        return str(to_money(value))
    except ValueError:
        return str(value)


def plain(value: Any) -> Any:
    """Return ``value`` with every float and Decimal turned into Decimal text, recursively.

    Args:
        value: Any JSON-like value (dicts, lists, scalars).

    Returns:
        A copy with no floats left, so no money ever reaches a model as a binary float.
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float | Decimal):
        return money_text(value)
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def with_money(record: Mapping[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    """Copy ``record`` with the named money keys rendered as Decimal text.

    Args:
        record: A flat record (order, line, shipment, product).
        keys: Which keys hold money or weights.
    """
    return {
        key: money_text(value) if key in keys else plain(value) for key, value in record.items()
    }
