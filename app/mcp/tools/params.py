"""Argument types shared by several tools, with descriptions and bounds for the schema."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from app.core.orderdesk import format_datetime, to_datetime

STORE_WORDING = (
    "Tools that work on one store take an optional `store` (its name or numeric id); without "
    "it they use the session's active store (stores_use) or, when none is active, the default "
    "store."
)
DATE_WORDING = (
    "Dates and times are UTC: YYYY-MM-DD or YYYY-MM-DD HH:MM:SS (ISO 8601 also works); a bare "
    "date means 00:00:00 of that day. A `*_from`/`*_to` pair bounds when orders were added or "
    "changed (modified/updated), both ends included."
)
MONEY_WORDING = 'Amounts are exact decimal text such as "12.50" (numbers are accepted too).'
ID_WORDING = (
    "order_id is the order's `id` (not its source_id); ids may be given as text or numbers, "
    "enum values in any case."
)
LIST_WORDING = (
    "Lists are paged: `limit` (keep it small) and `offset` (a page's next_offset); `page` gives "
    "total, next_offset and a hint. `detail` is summary (key fields, the default for lists), "
    "standard (what a person reads on the record's page) or full (every field); `fields` picks "
    "exact top-level fields instead. A result larger than the result budget is cut to what "
    "fits and says so in `budget`, with the offset of the rest. Order reads come from the "
    "local mirror when it is synced (their age stated); `fresh`=true reads Order Desk instead "
    "(one request; not needed before orders_update, which always reads Order Desk)."
)
OMITTED_WORDING = (
    "A filter left out matches everything; a left-out flag is false and `offset` starts at 0."
)
WRITE_WORDING = (
    "Writes may wait for the user's approval in the tray (when the client's policy is 'ask'). "
    "A write that adds something is safe to retry: a repeat returns the first result."
)
SHARED_WORDING = " ".join(
    (
        STORE_WORDING,
        LIST_WORDING,
        OMITTED_WORDING,
        DATE_WORDING,
        MONEY_WORDING,
        ID_WORDING,
        WRITE_WORDING,
    )
)
"""What every tool's parameters have in common, said once in the server's instructions instead
of in each parameter's description."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?)?$")
_ID = re.compile(r"^[0-9]+$")


def _id_text(value: object) -> object:
    """Accept an id given as a JSON number (``123``) as well as text (``"123"``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _date_text(value: str) -> str:
    if not _DATE.match(value):
        raise ValueError(
            "not a date or time: use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS (UTC), e.g. 2026-03-01"
        )
    return value


def _id_digits(value: str) -> str:
    if not _ID.match(value):
        raise ValueError("an id is digits only, e.g. 123456")
    return value


StoreArg = Annotated[
    str | None,
    BeforeValidator(_id_text),
    Field(default=None, min_length=1, max_length=100),
    WithJsonSchema({"type": ["string", "integer"]}),
]
RecordId = Annotated[
    str,
    BeforeValidator(_id_text),
    Field(min_length=1, max_length=20),
    AfterValidator(_id_digits),
    WithJsonSchema({"type": ["string", "integer"]}),
]
OrderId = RecordId
"""An order's ``id`` (not its source_id; the instructions say so once)."""
Money = Annotated[
    Decimal,
    Field(strict=False, ge=0, max_digits=14, decimal_places=4),
    WithJsonSchema({"type": ["string", "number"]}),
]
Quantity = Annotated[int, Field(ge=0, le=100_000)]
DateArg = Annotated[str, AfterValidator(_date_text), WithJsonSchema({"type": "string"})]
Detail = Literal["summary", "standard", "full"]
Limit = Annotated[int, Field(ge=1, le=500)]
Offset = Annotated[int, Field(ge=0, le=10_000_000)]
IdempotencyNote = "Safe to retry."


def wire_date(text: str) -> str:
    """Normalise a validated date argument to Order Desk's ``YYYY-MM-DD HH:MM:SS`` (UTC)."""
    moment = to_datetime(text)
    if moment is None:
        raise ValueError(f"not a date: {text!r}")
    return format_datetime(moment)
