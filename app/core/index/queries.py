"""Search and statistics over one index file: SQL built from typed filters, rows back as values.

Every value reaches SQLite as a bound parameter; the only text that reaches FTS5 as an
expression is what :func:`app.core.index.text.match_expression` built from quoted tokens.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from app.core.index.models import IndexedOrder, SearchFilters, SortKey

ROW_SELECT = (
    "o.id, o.source_id, o.source_name, o.date_added, o.date_updated, o.customer_name, "
    "o.shipping_name, o.email, o.company, o.city, o.folder_id, o.total_cents, o.item_count, "
    "o.quantity, o.payment_status"
)
SORT_COLUMN = {SortKey.DATE_UPDATED: "o.date_updated", SortKey.TOTAL: "o.total_cents"}


def from_epoch(value: int | None) -> datetime | None:
    """An index timestamp (epoch seconds) as an aware UTC datetime."""
    return None if value is None else datetime.fromtimestamp(value, UTC)


def epoch(moment: datetime) -> int:
    """A datetime (naive = UTC) as epoch seconds, the index's time unit."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return math.floor(moment.timestamp())


def cents_to_money(cents: int) -> Decimal:
    """Whole cents back to an exact ``Decimal`` amount."""
    return Decimal(cents).scaleb(-2)


def row_from_sql(values: tuple[Any, ...]) -> IndexedOrder:
    """Build an :class:`IndexedOrder` from a row of :data:`ROW_SELECT`."""
    return IndexedOrder(
        id=values[0],
        source_id=values[1],
        source_name=values[2],
        date_added=from_epoch(values[3]),
        date_updated=from_epoch(values[4]),
        customer_name=values[5],
        shipping_name=values[6],
        email=values[7],
        company=values[8],
        city=values[9],
        folder_id=values[10],
        order_total=cents_to_money(values[11]),
        item_count=values[12],
        quantity=values[13],
        payment_status=values[14],
    )


def filter_sql(filters: SearchFilters) -> tuple[list[str], list[Any]]:
    """SQL conditions (on alias ``o``) and their parameters for ``filters``."""
    where: list[str] = []
    params: list[Any] = []
    if filters.folder_ids:
        where.append(f"o.folder_id IN ({','.join('?' * len(filters.folder_ids))})")
        params.extend(filters.folder_ids)
    if filters.source_names:
        where.append(f"o.source_name IN ({','.join('?' * len(filters.source_names))})")
        params.extend(filters.source_names)
    bounds = (
        ("o.date_added >= ?", filters.added_from),
        ("o.date_added <= ?", filters.added_to),
        ("o.date_updated >= ?", filters.updated_from),
        ("o.date_updated <= ?", filters.updated_to),
    )
    for condition, moment in bounds:
        if moment is not None:
            where.append(condition)
            params.append(epoch(moment))
    if filters.total_min is not None:
        where.append("o.total_cents >= ?")
        params.append(math.ceil(filters.total_min * 100))
    if filters.total_max is not None:
        where.append("o.total_cents <= ?")
        params.append(math.floor(filters.total_max * 100))
    return where, params
