"""Argument types shared by several tools, with descriptions and bounds for the schema."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from app.core.orderdesk import format_datetime, to_datetime

StoreArg = Annotated[
    str | None,
    Field(
        default=None,
        min_length=1,
        max_length=100,
        description=(
            "Store name or numeric id. Omit to use the session's active store (see stores_use) "
            "or, when none is active, the default store."
        ),
    ),
]
OrderId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=20,
        pattern=r"^[0-9]+$",
        description="Order Desk's internal order id (`id` in orders_list), not the source_id.",
    ),
]
RecordId = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[0-9]+$")]
Money = Annotated[
    Decimal,
    Field(
        strict=False,
        ge=0,
        max_digits=14,
        decimal_places=4,
        description='Amount as a decimal string such as "12.50" (a number is accepted).',
    ),
]
Quantity = Annotated[int, Field(ge=0, le=100_000, description="Units.")]
DateArg = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?)?$",
        description=(
            "UTC date or time: YYYY-MM-DD or YYYY-MM-DD HH:MM:SS (ISO 8601 also works). "
            "A bare date means 00:00:00 of that day."
        ),
    ),
]
Detail = Annotated[
    Literal["summary", "standard", "full"],
    Field(
        description=(
            "How much of each record to return: summary (a few key fields), standard (what a "
            "person reads on the record's page), full (every field)."
        )
    ),
]
Limit = Annotated[
    int, Field(ge=1, le=500, description="Records per page, 1 to 500; keep it small.")
]
Offset = Annotated[
    int,
    Field(ge=0, le=10_000_000, description="Records to skip (the next_offset of a result)."),
]
IdempotencyNote = (
    "Safe to retry: an identical repeat (also after a timeout or a cancelled call) is not sent "
    "again; it returns the first result with already_added=true."
)
ApprovalNote = " Needs the user's approval when the client's policy is 'ask'."


def wire_date(text: str) -> str:
    """Normalise a validated date argument to Order Desk's ``YYYY-MM-DD HH:MM:SS`` (UTC)."""
    moment = to_datetime(text)
    if moment is None:
        raise ValueError(f"not a date: {text!r}")
    return format_datetime(moment)
