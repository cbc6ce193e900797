"""Plain values of the local order index: rows, filters, results, status and the store handle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from app.core.orderdesk import OrderDeskClient


class IndexedStore(Protocol):
    """What the index needs to know about a store: our id for it and its API client."""

    @property
    def id(self) -> str:
        """Our id of the store (not Order Desk's store id)."""
        ...

    @property
    def client(self) -> OrderDeskClient:
        """A client for the store, sharing the store's one rate limiter."""
        ...


@dataclass(frozen=True)
class StoreHandle:
    """A ready-made :class:`IndexedStore` for callers that hold a client directly."""

    id: str
    client: OrderDeskClient


@dataclass(frozen=True)
class IndexedOrder:
    """One order as the index keeps it: what a table of orders shows.

    Attributes:
        id: Order Desk's order id.
        source_id: The cart's order id.
        source_name: Where the order came from (``Shopify``...).
        date_added: Creation time (UTC).
        date_updated: Last change (UTC).
        customer_name: Billing first and last name.
        shipping_name: Shipping first and last name.
        email: Customer e-mail.
        company: Shipping company, else billing company.
        city: Shipping city, else billing city.
        folder_id: Folder holding the order.
        order_total: Grand total, exact.
        item_count: Number of order lines.
        quantity: Units over all lines.
        payment_status: e.g. ``Captured``.
    """

    id: str
    source_id: str
    source_name: str
    date_added: datetime | None
    date_updated: datetime | None
    customer_name: str
    shipping_name: str
    email: str
    company: str
    city: str
    folder_id: int | None
    order_total: Decimal
    item_count: int
    quantity: int
    payment_status: str


class SortKey(StrEnum):
    """How search results are ordered."""

    DATE_ADDED = "date_added"
    DATE_UPDATED = "date_updated"
    TOTAL = "total"
    RELEVANCE = "relevance"


@dataclass(frozen=True)
class SearchFilters:
    """Filters combined with AND; ``None`` or empty means "any".

    Dates are inclusive on both ends; totals are compared exactly (in cents).
    """

    folder_ids: tuple[int, ...] = ()
    source_names: tuple[str, ...] = ()
    added_from: datetime | None = None
    added_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    total_min: Decimal | None = None
    total_max: Decimal | None = None


@dataclass(frozen=True)
class SearchResult:
    """One page of search results.

    Attributes:
        rows: The orders on this page.
        total: How many orders match in all.
        last_synced_at: When the index was last brought up to date (``None``: never).
        ranked: For a relevance sort, how many matches were ranked: all of them, or on a big
            match set only the newest ones, followed by the rest newest first.
    """

    rows: tuple[IndexedOrder, ...]
    total: int
    last_synced_at: datetime | None
    ranked: int | None = None


class GroupBy(StrEnum):
    """Grouping of :meth:`IndexService.stats`."""

    FOLDER = "folder"
    DAY = "day"
    SOURCE = "source"


@dataclass(frozen=True)
class StatsGroup:
    """Orders and revenue of one folder, day (``YYYY-MM-DD``, UTC) or source."""

    key: str
    count: int
    revenue: Decimal


@dataclass(frozen=True)
class StatsResult:
    """Counts and revenue by group, plus the totals over all groups."""

    group_by: GroupBy
    groups: tuple[StatsGroup, ...]
    count: int
    revenue: Decimal
    last_synced_at: datetime | None


class IndexState(StrEnum):
    """Where a store's index stands."""

    EMPTY = "empty"
    SYNCING = "syncing"
    INTERRUPTED = "interrupted"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class IndexStatus:
    """What :meth:`IndexService.status` reports for one store."""

    store_id: str
    state: IndexState
    count: int
    last_synced_at: datetime | None
    last_full_sync_at: datetime | None
    last_reconciled_at: datetime | None
    size_bytes: int
    last_error: str


@dataclass(frozen=True)
class SyncReport:
    """What one sync did.

    Attributes:
        mode: ``full``, ``incremental`` or ``resume``.
        requests: Order Desk requests it made.
        upserted: Orders written (new or changed).
        deleted: Orders removed because they no longer exist in Order Desk.
        rebuilt: The index file was corrupt or outdated and was recreated.
        reconciled: The id reconciliation ran.
    """

    mode: str
    requests: int
    upserted: int
    deleted: int
    rebuilt: bool
    reconciled: bool
