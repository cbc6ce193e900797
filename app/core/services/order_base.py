"""Shared plumbing of the order services: clients, cache reads and the after-write steps."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from app.core.events import ORDER_CHANGED, ORDER_DELETED
from app.core.orderdesk import Order, OrderDeskClient, to_id
from app.core.services import cache as kinds
from app.core.services.audit import AuditEntry
from app.core.services.context import ServiceContext
from app.core.services.records import StoreRecord


class OrderBase:
    """Holds the context; helpers used by :class:`~app.core.services.orders.OrderService`."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    async def _client(self, store: StoreRecord) -> OrderDeskClient:
        return await self._ctx.pool.client(store)

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
