"""The local mirror as a read model: which order reads it can answer, and how fresh it is.

Each store that keeps a local index holds every order's full record there, kept coherent by a
change feed (docs/architecture.md, "Threads and loops"). :class:`OrderService` asks the mirror
first: a read it can answer exactly costs no Order Desk request and carries the mirror's age
(``Order.as_of`` / ``OrderList.as_of``). ``fresh`` reads, write paths, filters the mirror
cannot answer exactly, and a mirror that is not synced or too old go to Order Desk.

Read your writes: a write's reply, a move and a delete reach the mirror before the write's
``order.changed``/``order.deleted`` event is published and before its caller gets the answer,
so whoever hears of a write and reads again sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from app.core.index import SearchFilters, SortKey
from app.core.orderdesk import Order, to_datetime
from app.core.services.errors import FolderNotFoundError
from app.core.services.filters import DateValue, OrderFilters, resolve_folder
from app.core.services.records import OrderList, StoreRecord

_SORTS = {
    None: SortKey.DATE_ADDED,
    "date_added": SortKey.DATE_ADDED,
    "date_updated": SortKey.DATE_UPDATED,
    "order_total": SortKey.TOTAL,
}
# Filters Order Desk applies that the mirror's columns cannot reproduce exactly.
_LIVE_ONLY = (
    "email",
    "source_id",
    "customer_id",
    "shipping_first_name",
    "shipping_last_name",
    "customer_first_name",
    "customer_last_name",
)


class OrderMirror(Protocol):
    """What the order service needs of the mirror (``LocalOrders`` provides it)."""

    async def mirror_order(self, store: StoreRecord, order_id: str) -> Order | None:
        """The order from the mirror, or ``None`` when the mirror cannot answer."""
        ...

    async def mirror_page(
        self, store: StoreRecord, query: MirrorQuery, limit: int, offset: int
    ) -> OrderList | None:
        """One page from the mirror, or ``None`` when the mirror cannot answer."""
        ...

    async def mirror_written(self, store: StoreRecord, records: list[dict[str, Any]]) -> None:
        """Keep Order Desk's reply to a write; never raises (the write is done)."""
        ...

    async def mirror_moved(self, store: StoreRecord, order_ids: list[str], folder_id: int) -> None:
        """Show a move in folder searches and counts; never raises."""
        ...

    async def mirror_deleted(self, store: StoreRecord, order_ids: list[str]) -> None:
        """Drop deleted orders; never raises."""
        ...


@dataclass(frozen=True)
class MirrorQuery:
    """An order search the mirror answers exactly as Order Desk would."""

    filters: SearchFilters
    sort: SortKey
    descending: bool


def mirror_query(filters: OrderFilters, folders: Mapping[int, str] | None) -> MirrorQuery | None:
    """Translate a search for the mirror, or ``None`` when only Order Desk can answer it.

    Args:
        filters: The search.
        folders: The store's folders (needed when folders are given by name).
    """
    if filters.include_history or filters.dates_local or filters.order_by not in _SORTS:
        return None
    if any(getattr(filters, name) for name in _LIVE_ONLY):
        return None
    try:
        folder_ids = tuple(resolve_folder(ref, folders or {}) for ref in filters.folder_refs())
        dates = [
            _moment(value)
            for value in (
                filters.added_from,
                filters.added_to,
                filters.modified_from,
                filters.modified_to,
            )
        ]
    except (ValueError, FolderNotFoundError):
        return None
    search = SearchFilters(
        folder_ids=folder_ids,
        source_names=(filters.source_name,) if filters.source_name else (),
        added_from=dates[0],
        added_to=dates[1],
        updated_from=dates[2],
        updated_to=dates[3],
    )
    return MirrorQuery(search, _SORTS[filters.order_by], filters.order != "asc")


def _moment(value: DateValue | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    moment = to_datetime(value)
    if moment is None:
        raise ValueError(f"not a date: {value!r}")
    return moment
