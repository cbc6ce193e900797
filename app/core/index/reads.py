"""Reads of one open store index, shaped into results: search pages, stats and status.

Plain functions that touch SQLite, so :class:`~app.core.index.service.IndexService` runs them
in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from app.core.index.models import (
    GroupBy,
    IndexState,
    IndexStatus,
    SearchFilters,
    SearchResult,
    SortKey,
    StatsResult,
)
from app.core.index.queries import from_epoch
from app.core.index.store_index import OrderIndex


def search_page(
    index: OrderIndex,
    query: str,
    filters: SearchFilters | None,
    sort: SortKey,
    limit: int,
    offset: int,
    *,
    descending: bool,
) -> SearchResult:
    """One page of matching orders with the total and the time of the last sync."""
    found = index.search(query, filters, sort, descending=descending, limit=limit, offset=offset)
    return SearchResult(tuple(found.rows), found.total, last_sync(index.meta()), found.ranked)


def stats_summary(
    index: OrderIndex,
    group_by: GroupBy,
    date_from: datetime | None,
    date_to: datetime | None,
) -> StatsResult:
    """Order counts and revenue per group, with their sums, for orders added in range."""
    groups = index.stats(group_by, date_from, date_to)
    return StatsResult(
        group_by,
        tuple(groups),
        sum(group.count for group in groups),
        sum((group.revenue for group in groups), Decimal("0.00")),
        last_sync(index.meta()),
    )


def index_status(
    index: OrderIndex, store_id: str, state_of: Callable[[dict[str, str]], IndexState]
) -> IndexStatus:
    """Where the index stands; ``state_of`` tells the state from the index's metadata."""
    meta = index.meta()
    return IndexStatus(
        store_id=store_id,
        state=state_of(meta),
        count=index.count(),
        last_synced_at=last_sync(meta),
        last_full_sync_at=from_epoch(_int(meta.get("last_full_sync_at"))),
        last_reconciled_at=from_epoch(_int(meta.get("last_reconciled_at"))),
        size_bytes=index.db.size_bytes(),
        last_error=meta.get("last_error", ""),
    )


def last_sync(meta: dict[str, str]) -> datetime | None:
    """When the index last finished a sync, from its metadata."""
    return from_epoch(_int(meta.get("last_sync_at")))


def _int(value: str | None) -> int | None:
    return None if value is None else int(value)
