"""Plain frozen results the services hand to the GUI and the MCP tools."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.core.orderdesk import InventoryItem, Order


@dataclass(frozen=True)
class StoreRecord:
    """A registered store, without its API key.

    Attributes:
        id: Our id of the store (also the name of its secret).
        name: The user's name for the store (unique, case-insensitive).
        orderdesk_store_id: Order Desk's numeric store id.
        api_url: A per-store API base URL, or None for ``ORDERDESK_API_URL`` / the live API.
        is_default: The store used when a caller names none.
        index_enabled: Whether a local order index is kept.
        created_at: When it was registered (UTC).
        updated_at: When it last changed (UTC).
        is_demo: The built-in demo store (a local sandbox), marked by the demo wiring.
    """

    id: int
    name: str
    orderdesk_store_id: str
    api_url: str | None
    is_default: bool
    index_enabled: bool
    created_at: datetime
    updated_at: datetime
    is_demo: bool = False

    @property
    def key(self) -> str:
        """Our id as text: the secret's name and the ``store_id`` of events."""
        return str(self.id)


@dataclass(frozen=True)
class StoreInfo:
    """Store settings from Order Desk (cached for an hour, shared by every process).

    Attributes:
        name: Store name in Order Desk.
        timezone: IANA time zone of the store.
        folders: Folder id to folder name.
        raw: The settings object as Order Desk sent it.
        as_of: When Order Desk sent it (epoch seconds; 0 when unknown).
    """

    name: str
    timezone: str
    folders: dict[int, str]
    raw: dict[str, Any] = field(repr=False)
    as_of: float = 0.0

    @property
    def age_seconds(self) -> float:
        """Seconds since Order Desk sent these settings."""
        return max(0.0, time.time() - self.as_of)


@dataclass(frozen=True)
class OrderList:
    """One page of an order search.

    Attributes:
        orders: The orders of this page, in server order.
        total: Matches of the whole search.
        offset: Offset of this page.
        limit: Page size asked for.
        next_offset: Offset of the next page, or None when this is the last.
        as_of: When the page was known to match Order Desk (epoch seconds): the read's time,
            or the last change-feed sync when the local mirror answered.
        source: ``live`` (Order Desk, possibly a cached answer) or ``mirror``.
    """

    orders: tuple[Order, ...]
    total: int
    offset: int
    limit: int
    next_offset: int | None
    as_of: float | None = None
    source: str = "live"


@dataclass(frozen=True)
class InventoryList:
    """One page of inventory items (same paging fields as :class:`OrderList`)."""

    items: tuple[InventoryItem, ...]
    total: int
    offset: int
    limit: int
    next_offset: int | None
