"""Order endpoints: list, get, create, replace, delete, history notes and moves."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from app.core.orderdesk.connection import Connection, path_segment
from app.core.orderdesk.models import Order, OrderPage
from app.core.orderdesk.pager import iterate_pages
from app.core.orderdesk.parsing import (
    MAX_PAGE_SIZE,
    check_page_request,
    page_from,
    record_from,
)
from app.core.orderdesk.results import ActionResult, MoveResult
from app.core.orderdesk.values import format_query_value, to_id

FilterValue = str | int | bool | date | datetime | Sequence[str | int] | None


def query_params(filters: Mapping[str, FilterValue], **paging: int) -> dict[str, str]:
    """Render list filters and paging as query parameters, dropping ``None`` values.

    Args:
        filters: Documented filters, e.g. ``folder_id=[1, 2]``, ``search_start_date=datetime``.
        **paging: ``limit`` and ``offset``.
    """
    params = {key: format_query_value(value) for key, value in filters.items() if value is not None}
    params.update({key: str(value) for key, value in paging.items()})
    return params


class OrderEndpoints:
    """Methods for ``/orders``, ``/orders/{id}/order-history`` and ``/move-orders``."""

    _conn: Connection

    async def list_orders(
        self, *, limit: int = 50, offset: int = 0, **filters: FilterValue
    ) -> OrderPage:
        """Fetch one page of orders (``GET /orders``).

        Args:
            limit: Page size, 1..500.
            offset: Record offset.
            **filters: Any documented filter: ``folder_id`` (id or list), ``folder_name``,
                ``source_id``, ``source_name``, ``email``, ``customer_id``,
                ``search_start_date`` / ``search_end_date`` and their ``_local`` forms,
                ``modified_start_date`` / ``modified_end_date``, ``order_by``, ``order``,
                name filters, ``get_order_history``. Dates may be ``datetime`` (sent as UTC).

        Returns:
            The page, with ``total_records`` for the whole search.
        """
        check_page_request(limit, offset)
        params = query_params(filters, limit=limit, offset=offset)
        envelope = await self._conn.request("GET", "/orders", params=params)
        return page_from(
            envelope, "orders", Order, requested=(offset, limit), method="GET", path="/orders"
        )

    def iter_orders(
        self, *, page_size: int = MAX_PAGE_SIZE, **filters: FilterValue
    ) -> AsyncIterator[Order]:
        """Yield every order that matches ``filters``, fetching 500 at a time.

        Args:
            page_size: Records per request (at most 500).
            **filters: As for :meth:`list_orders`; always bound the dates (Order Desk asks for
                it).
        """

        async def fetch(offset: int, limit: int) -> OrderPage:
            return await self.list_orders(limit=limit, offset=offset, **filters)

        return iterate_pages(fetch, limit=page_size)

    async def get_order(self, order_id: str | int, *, history: bool = False) -> Order:
        """Fetch one order by its Order Desk id (``GET /orders/{id}``).

        Args:
            order_id: The order.
            history: Also return its ``order_history`` (``get_order_history=1``).
        """
        path = f"/orders/{path_segment(order_id)}"
        params = {"get_order_history": "1"} if history else None
        envelope = await self._conn.request("GET", path, params=params)
        return Order(record_from(envelope, "order", method="GET", path=path))

    async def create_order(self, order: Mapping[str, Any]) -> Order:
        """Create an order (``POST /orders``).

        Not retried after it may have reached the server: on a timeout the error has
        ``may_have_applied`` set; look the order up by ``source_id`` before trying again.

        Args:
            order: The order object (at least one ``order_items`` entry and a name).

        Returns:
            The stored order with its new id.
        """
        envelope = await self._conn.request("POST", "/orders", body=dict(order))
        return Order(record_from(envelope, "order", method="POST", path="/orders"))

    async def update_order(self, order_id: str | int, order: Mapping[str, Any]) -> Order:
        """Replace an order (``PUT /orders/{id}``): send the complete record.

        Fields left out are blanked by Order Desk. Start from ``Order.copy_raw()`` of a fresh
        read and change only what must change.

        Args:
            order_id: The order's id.
            order: The full order object.

        Returns:
            The order as stored.
        """
        path = f"/orders/{path_segment(order_id)}"
        envelope = await self._conn.request("PUT", path, body=dict(order))
        return Order(record_from(envelope, "order", method="PUT", path=path))

    async def delete_order(self, order_id: str | int) -> ActionResult:
        """Delete an order permanently (``DELETE /orders/{id}``)."""
        path = f"/orders/{path_segment(order_id)}"
        return ActionResult.from_envelope(await self._conn.request("DELETE", path))

    async def add_order_history(
        self, order_id: str | int, note: str, *, source_name: str | None = None
    ) -> ActionResult:
        """Append a note to an order's history (``POST /orders/{id}/order-history``).

        Args:
            order_id: The order's id.
            note: The text (Order Desk keeps up to about 1,800 characters).
            source_name: Who wrote it; Order Desk uses ``API`` when omitted.
        """
        path = f"/orders/{path_segment(order_id)}/order-history"
        body: dict[str, str] = {"note": note}
        if source_name is not None:
            body["source_name"] = source_name
        return ActionResult.from_envelope(await self._conn.request("POST", path, body=body))

    async def move_orders(
        self,
        order_ids: Sequence[str | int],
        *,
        folder_id: int | str | None = None,
        folder_name: str | None = None,
    ) -> MoveResult:
        """Move orders to a folder (``POST /move-orders``); the folder's rules will run.

        Args:
            order_ids: Ids of the orders to move.
            folder_id: Destination folder id (give this or ``folder_name``).
            folder_name: Destination folder name.

        Raises:
            ValueError: Not exactly one of ``folder_id`` and ``folder_name``, or no ids.
        """
        if (folder_id is None) == (folder_name is None):
            raise ValueError("give exactly one of folder_id and folder_name")
        if not order_ids:
            raise ValueError("order_ids must not be empty")
        body: dict[str, Any] = {"order_id_list": [to_id(order_id) for order_id in order_ids]}
        if folder_id is not None:
            body["destination_folder_id"] = int(folder_id)
        else:
            body["destination_folder_name"] = folder_name
        envelope = await self._conn.request("POST", "/move-orders", body=body)
        return MoveResult.from_envelope(envelope)
