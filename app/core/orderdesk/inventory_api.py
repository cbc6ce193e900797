"""Inventory item endpoints, including the batch update."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from app.core.orderdesk.connection import Connection, path_segment
from app.core.orderdesk.models import InventoryItem, InventoryPage
from app.core.orderdesk.orders_api import FilterValue, query_params
from app.core.orderdesk.pager import iterate_pages
from app.core.orderdesk.parsing import MAX_PAGE_SIZE, check_page_request, page_from, record_from
from app.core.orderdesk.results import ActionResult, BatchResult


class InventoryEndpoints:
    """Methods for ``/inventory-items`` and ``/batch-inventory-items``."""

    _conn: Connection

    async def list_inventory_items(
        self, *, limit: int = 50, offset: int = 0, **filters: FilterValue
    ) -> InventoryPage:
        """Fetch one page of inventory items (``GET /inventory-items``).

        Args:
            limit: Page size, 1..500.
            offset: Record offset.
            **filters: ``code`` (exact SKU), ``search`` (free text), or any other filter the
                server knows.
        """
        check_page_request(limit, offset)
        params = query_params(filters, limit=limit, offset=offset)
        path = "/inventory-items"
        envelope = await self._conn.request("GET", path, params=params)
        return page_from(
            envelope,
            "inventory_items",
            InventoryItem,
            requested=(offset, limit),
            method="GET",
            path=path,
        )

    def iter_inventory_items(
        self, *, page_size: int = MAX_PAGE_SIZE, **filters: FilterValue
    ) -> AsyncIterator[InventoryItem]:
        """Yield every inventory item that matches ``filters``, 500 per request."""

        async def fetch(offset: int, limit: int) -> InventoryPage:
            return await self.list_inventory_items(limit=limit, offset=offset, **filters)

        return iterate_pages(fetch, limit=page_size)

    async def get_inventory_item(self, item_id: str | int) -> InventoryItem:
        """Fetch one inventory item (``GET /inventory-items/{id}``)."""
        path = f"/inventory-items/{path_segment(item_id)}"
        envelope = await self._conn.request("GET", path)
        return InventoryItem(record_from(envelope, "inventory_item", method="GET", path=path))

    async def create_inventory_item(self, item: Mapping[str, Any]) -> InventoryItem:
        """Create an inventory item (``POST``; not retried if it may have happened).

        Args:
            item: At least ``name`` and ``code`` (the SKU).
        """
        path = "/inventory-items"
        envelope = await self._conn.request("POST", path, body=dict(item))
        return InventoryItem(record_from(envelope, "inventory_item", method="POST", path=path))

    async def update_inventory_item(
        self, item_id: str | int, item: Mapping[str, Any]
    ) -> InventoryItem:
        """Replace an inventory item (``PUT``); fields left out are blanked.

        Args:
            item_id: The item's id.
            item: The complete item object (start from ``InventoryItem.copy_raw()``).
        """
        path = f"/inventory-items/{path_segment(item_id)}"
        envelope = await self._conn.request("PUT", path, body=dict(item))
        return InventoryItem(record_from(envelope, "inventory_item", method="PUT", path=path))

    async def delete_inventory_item(self, item_id: str | int) -> ActionResult:
        """Delete an inventory item (``DELETE``)."""
        path = f"/inventory-items/{path_segment(item_id)}"
        return ActionResult.from_envelope(await self._conn.request("DELETE", path))

    async def update_inventory_items_batch(self, items: Sequence[Mapping[str, Any]]) -> BatchResult:
        """Replace many inventory items at once (``PUT /batch-inventory-items``, a bare array).

        Args:
            items: Complete item objects, each with its ``id``.

        Returns:
            One result per input item; failures do not fail the call.
        """
        body = [dict(item) for item in items]
        envelope = await self._conn.request("PUT", "/batch-inventory-items", body=body)
        return BatchResult.from_envelope(envelope)
