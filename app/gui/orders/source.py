"""Where the browser's rows come from: the local index when it is ready, else Order Desk.

Every call goes through the services facade (its GUI proxy runs it on the engine): the GUI never
touches an Order Desk client or an index file itself. The local index answers text search,
folder counts and sorting for free, through the same ``local_orders`` calls the MCP tools make;
without it the orders service pages Order Desk with server-side filters.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from app.core.index import GroupBy, SearchFilters, SortKey
from app.core.orderdesk import Order
from app.core.services import Services, StoreRecord
from app.core.services.filters import OrderFilters
from app.gui.orders.query import OrderQuery
from app.gui.orders.rows import RowPage, row_from_indexed, row_from_order

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_API_PAGE = 500


def day_start(day: date | None) -> datetime | None:
    """00:00:00 UTC of ``day``."""
    return None if day is None else datetime.combine(day, time.min, UTC)


def day_end(day: date | None) -> datetime | None:
    """23:59:59 UTC of ``day``."""
    return None if day is None else datetime.combine(day, time(23, 59, 59), UTC)


def index_filters(query: OrderQuery) -> SearchFilters:
    """The index filters of a browser query (e-mail is matched as text, see index_text)."""
    return SearchFilters(
        folder_ids=(query.folder_id,) if query.folder_id is not None else (),
        source_names=(query.source,) if query.source else (),
        added_from=day_start(query.added_from),
        added_to=day_end(query.added_to),
    )


def index_text(query: OrderQuery) -> str:
    """Free text for the index: the search box plus the e-mail filter."""
    return " ".join(part for part in (query.text.strip(), query.email.strip()) if part)


def api_filters(query: OrderQuery) -> OrderFilters:
    """Order Desk filters of a browser query; search text works when it is an e-mail or an
    order number (Order Desk has no free-text search)."""
    text = query.text.strip()
    email = query.email.strip() or (text if EMAIL.match(text) else "")
    source_id = text if text and not EMAIL.match(text) else None
    return OrderFilters(
        folders=query.folder_id,
        added_from=day_start(query.added_from),
        added_to=day_end(query.added_to),
        email=email or None,
        source_id=source_id,
        source_name=query.source or None,
        order_by="order_total" if query.sort == "total" else query.sort,
        order="desc" if query.descending else "asc",
    )


class OrderSource:
    """Pages, folders, counts and single orders for the browser.

    Args:
        services: The services facade (through the GUI's engine proxy).
    """

    def __init__(self, services: Services) -> None:
        self.services = services
        self.stores: dict[str, StoreRecord] = {}
        self._index_ready: dict[str, bool] = {}

    def store(self, key: str) -> StoreRecord:
        """The StoreRecord of ``key`` (from the last :meth:`load_stores`)."""
        return self.stores[key]

    async def load_stores(self) -> list[StoreRecord]:
        """Read the registered stores."""
        records = await self.services.stores.list()
        self.stores = {record.key: record for record in records}
        return list(records)

    async def index_ready(self, key: str, refresh: bool = False) -> bool:
        """True when the store's local index holds a finished sync."""
        if refresh or key not in self._index_ready:
            self._index_ready[key] = await self.services.local_orders.ready(self.store(key))
        return self._index_ready[key]

    def uses_index(self, key: str) -> bool:
        """Whether the last check found the index ready (no await)."""
        return self._index_ready.get(key, False)

    async def page(self, query: OrderQuery, offset: int, limit: int) -> RowPage:
        """One page of rows for ``query``."""
        assert query.store is not None
        if await self.index_ready(query.store):
            return await self._index_page(query, offset, limit)
        return await self._api_page(query, offset, min(limit, MAX_API_PAGE))

    async def _index_page(self, query: OrderQuery, offset: int, limit: int) -> RowPage:
        sort = {"total": SortKey.TOTAL, "date_updated": SortKey.DATE_UPDATED}.get(
            query.sort, SortKey.DATE_ADDED
        )
        found = await self.services.local_orders.search(
            self.store(str(query.store)),
            index_text(query),
            index_filters(query),
            sort,
            limit,
            offset,
            descending=query.descending,
        )
        rows = tuple(row_from_indexed(row) for row in found.result.rows)
        return RowPage(rows, found.result.total)

    async def _api_page(self, query: OrderQuery, offset: int, limit: int) -> RowPage:
        store = self.store(str(query.store))
        listing = await self.services.orders.list(
            store, api_filters(query), limit=limit, offset=offset
        )
        return RowPage(tuple(row_from_order(order) for order in listing.orders), listing.total)

    async def full_page(
        self, query: OrderQuery, offset: int, limit: int
    ) -> tuple[RowPage, dict[str, Order]]:
        """One page of rows with the full orders behind them (addresses, items, shipments).

        Without the index, Order Desk's list already holds the full orders; with it, the local
        mirror does (anything it lacks is read one order at a time).
        """
        assert query.store is not None
        if await self.index_ready(query.store):
            page = await self._index_page(query, offset, limit)
            return page, await self.full_orders(query.store, [row.id for row in page.rows])
        store = self.store(query.store)
        listing = await self.services.orders.list(
            store, api_filters(query), limit=min(limit, MAX_API_PAGE), offset=offset
        )
        rows = tuple(row_from_order(order) for order in listing.orders)
        return RowPage(rows, listing.total), {order.id: order for order in listing.orders}

    async def full_orders(self, key: str, order_ids: list[str]) -> dict[str, Order]:
        """Full orders by id: from the local mirror when it is current, else Order Desk."""
        store = self.store(key)
        found = await self.services.local_orders.mirror_orders(store, order_ids)
        for order_id in order_ids:
            if order_id not in found:
                found[order_id] = await self.services.orders.get(store, order_id)
        return found

    async def folders(self, key: str) -> dict[int, str]:
        """The store's folders (id to name)."""
        info = await self.services.stores.info(self.store(key))
        return dict(info.folders)

    async def folder_counts(self, key: str, folders: dict[int, str]) -> dict[int | None, int]:
        """Orders per folder (None: all orders), from the index or one request per folder."""
        if await self.index_ready(key):
            found = await self.services.local_orders.stats(self.store(key))
            counts: dict[int | None, int] = {None: found.result.count}
            for group in found.result.groups:
                if group.key.lstrip("-").isdigit():
                    counts[int(group.key)] = group.count
            return counts
        store, orders = self.store(key), self.services.orders
        result: dict[int | None, int] = {}
        for folder_id in [None, *folders]:
            listing = await orders.list(store, OrderFilters(folders=folder_id), limit=1)
            result[folder_id] = listing.total
        return result

    async def sources(self, key: str) -> list[str]:
        """The store's order sources (Shopify, Amazon...) from the index; none without one.

        The source box stays editable, so a store without an index can still filter by a
        source typed by hand.
        """
        if not await self.index_ready(key):
            return []
        found = await self.services.local_orders.stats(self.store(key), GroupBy.SOURCE)
        return [group.key for group in found.result.groups if group.key]

    async def history(self, key: str, order: Order) -> list[dict[str, Any]]:
        """The order's history entries (one list request with history, found by source id)."""
        filters = OrderFilters(source_id=order.source_id or None, include_history=True)
        listing = await self.services.orders.list(self.store(key), filters, limit=10)
        for found in listing.orders:
            if found.id == order.id:
                return [dict(entry) for entry in found.raw.get("order_history") or []]
        return []

    async def order(self, key: str, order_id: str, fresh: bool = False) -> Order:
        """One full order."""
        return await self.services.orders.get(self.store(key), order_id, fresh=fresh)
