"""Local order index: a per-store SQLite file with incremental sync, FTS5 search and stats.

Start with :class:`IndexService`. A store is anything with ``id`` (our id) and ``client``
(an :class:`~app.core.orderdesk.OrderDeskClient`), e.g. :class:`StoreHandle`.
"""

from app.core.index.database import IndexUnavailable, index_path
from app.core.index.models import (
    GroupBy,
    IndexedOrder,
    IndexedStore,
    IndexState,
    IndexStatus,
    SearchFilters,
    SearchResult,
    SortKey,
    StatsGroup,
    StatsResult,
    StoreHandle,
    SyncReport,
)
from app.core.index.service import IndexService
from app.core.index.text import match_expression

__all__ = [
    "GroupBy",
    "IndexService",
    "IndexState",
    "IndexStatus",
    "IndexUnavailable",
    "IndexedOrder",
    "IndexedStore",
    "SearchFilters",
    "SearchResult",
    "SortKey",
    "StatsGroup",
    "StatsResult",
    "StoreHandle",
    "SyncReport",
    "index_path",
    "match_expression",
]
