"""The reading half of the order services (list, search, get) and the after-write steps."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import replace
from typing import Any

from app.core.events import ORDER_CHANGED, ORDER_DELETED
from app.core.orderdesk import Order, OrderDeskClient, OrderPage, to_id
from app.core.orderdesk.parsing import MAX_PAGE_SIZE, check_page_request
from app.core.services import cache as kinds
from app.core.services.audit import AuditEntry
from app.core.services.context import ServiceContext
from app.core.services.filters import OrderFilters, query_filters
from app.core.services.mirror import mirror_query
from app.core.services.records import OrderList, StoreRecord


class OrderBase:
    """Order reads and the steps after a write; :class:`~app.core.services.orders.OrderService`
    adds the writes."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    async def _client(self, store: StoreRecord) -> OrderDeskClient:
        return await self._ctx.pool.client(store)

    async def list(
        self,
        store: StoreRecord,
        filters: OrderFilters | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
        fresh: bool = False,
    ) -> OrderList:
        """Return one page of orders.

        Unless ``fresh``, the store's local mirror answers a search it can answer exactly
        when it is synced and fresh enough (no request; ``as_of`` says how old). Else every
        filter is applied by Order Desk, cached for the orders TTL by (store, every filter,
        limit, offset); ``as_of`` is when Order Desk answered. Folder names cost one
        ``GET /store`` per hour (cached).

        Args:
            store: The store.
            filters: The search (None: every order, newest first).
            limit: Page size, 1..500.
            offset: Record offset.
            fresh: Ask Order Desk now (no mirror, no cached answer).

        Raises:
            ValueError: Bad paging values.
            FolderNotFoundError: An unknown folder name.
        """
        check_page_request(limit, offset)
        filters = filters or OrderFilters()
        folders = None
        if filters.needs_folder_names():
            folders = (await self._ctx.store_info(store)).folders
        params = query_filters(filters, folders)
        if not fresh and self._ctx.mirror is not None:
            query = mirror_query(filters, folders)
            if query is not None:
                mirrored = await self._ctx.mirror.mirror_page(store, query, limit, offset)
                if mirrored is not None:
                    return mirrored

        async def fetch() -> tuple[OrderPage, float]:
            page = await (await self._client(store)).list_orders(
                limit=limit, offset=offset, **params
            )
            read_at = time.time()
            if not filters.include_history:
                for order in page.records:
                    stamped = replace(order, as_of=read_at)
                    self._ctx.cache.put(store.key, kinds.ORDER, {"order_id": order.id}, stamped)
            return page, read_at

        key = {**params, "limit": limit, "offset": offset}
        if fresh:
            self._ctx.cache.drop_orders(store.key)
        page, read_at = await self._ctx.cache.get(store.key, kinds.ORDER_LIST, key, fetch)
        following = None if page.is_last else page.offset + page.records_returned
        orders = tuple(replace(order, as_of=read_at) for order in page.records)
        return OrderList(orders, page.total_records, page.offset, page.limit, following, read_at)

    async def iter_all(
        self, store: StoreRecord, filters: OrderFilters | None = None, *, page_size: int = 500
    ) -> AsyncIterator[Order]:
        """Yield every matching order, ``page_size`` (max 500) per request.

        Orders added while walking can shift later pages (Order Desk pages by offset); bound
        the search by date for a stable walk.
        """
        offset: int | None = 0
        while offset is not None:
            page = await self.list(
                store, filters, limit=min(page_size, MAX_PAGE_SIZE), offset=offset
            )
            for order in page.orders:
                yield order
            offset = page.next_offset

    async def find_by_source_id(
        self, store: StoreRecord, source_id: str, source_name: str | None = None
    ) -> Order | None:
        """Return the order imported with ``source_id`` (and ``source_name``), if any."""
        found = await self.list(
            store, OrderFilters(source_id=source_id, source_name=source_name), limit=2
        )
        return found.orders[0] if found.orders else None

    async def get(self, store: StoreRecord, order_id: str | int, *, fresh: bool = False) -> Order:
        """Return one order (cached for the orders TTL unless ``fresh``).

        Unless ``fresh``, the store's local mirror answers when it is synced and fresh enough
        (no request; ``Order.as_of`` says how old the copy is), else the read cache.

        Args:
            store: The store.
            order_id: Order Desk's id of the order.
            fresh: Read Order Desk now (the answer is cached again).

        Raises:
            NotFoundError: No such order.
        """
        order_id = to_id(order_id)
        params = {"order_id": order_id}
        if fresh:
            order = await self._read_live(store, order_id)
            self._ctx.cache.put(store.key, kinds.ORDER, params, order)
            return order
        if self._ctx.mirror is not None:
            mirrored = await self._ctx.mirror.mirror_order(store, order_id)
            if mirrored is not None:
                return mirrored

        async def fetch() -> Order:
            return await self._read_live(store, order_id)

        return await self._ctx.cache.get(store.key, kinds.ORDER, params, fetch)

    async def _read_live(self, store: StoreRecord, order_id: str) -> Order:
        """``GET /orders/{id}``, stamped with the time of the read."""
        order = await (await self._client(store)).get_order(order_id)
        return replace(order, as_of=time.time())

    def _cached_order(self, store: StoreRecord, order_id: str) -> Order | None:
        value = self._ctx.cache.peek(store.key, kinds.ORDER, {"order_id": order_id})
        return value if isinstance(value, Order) else None

    async def _mirror_written(self, store: StoreRecord, record: Mapping[str, Any] | None) -> None:
        """Put Order Desk's reply to a write into the mirror (before the write is announced)."""
        if self._ctx.mirror is not None and record is not None:
            await self._ctx.mirror.mirror_written(store, [dict(record)])

    def _changed(
        self,
        store: StoreRecord,
        order_ids: Iterable[str],
        action: str,
        entry: AuditEntry | None,
        folder_id: int | None = None,
        stored: Mapping[str, Any] | None = None,
    ) -> None:
        """After an order write: drop cached reads, keep a fresh copy, publish the events."""
        ids = [to_id(i) for i in order_ids]
        if folder_id is None and len(ids) == 1:
            known = Order(dict(stored)) if stored is not None else self._cached_order(store, ids[0])
            folder_id = known.folder_id if known is not None else None
        self._ctx.cache.drop_orders(store.key, ids)
        if stored is not None and len(ids) == 1:
            self._ctx.cache.put(store.key, kinds.ORDER, {"order_id": ids[0]}, Order(dict(stored)))
        audit_id = entry.id if entry is not None else None
        # Order Desk's reply goes along, so the local mirror takes it without a sync.
        record = {"record": dict(stored)} if stored is not None and len(ids) == 1 else {}
        for order_id in ids:
            self._ctx.publish(
                ORDER_CHANGED, store, order_id=order_id, folder_id=folder_id, action=action,
                audit_id=audit_id, **record,
            )  # fmt: skip

    def _deleted(self, store: StoreRecord, order_id: str, entry: AuditEntry) -> None:
        self._ctx.cache.drop_orders(store.key, [order_id])
        self._ctx.publish(ORDER_DELETED, store, order_id=order_id, audit_id=entry.id)
