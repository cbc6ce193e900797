"""Per-order item and shipment endpoints, and batch shipments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.core.orderdesk.connection import Connection, path_segment
from app.core.orderdesk.models import OrderItem, Shipment
from app.core.orderdesk.parsing import record_from, records_from
from app.core.orderdesk.results import ActionResult, BatchResult


def _items_path(order_id: str | int, item_id: str | int | None = None) -> str:
    path = f"/orders/{path_segment(order_id)}/order-items"
    return path if item_id is None else f"{path}/{path_segment(item_id)}"


def _shipments_path(order_id: str | int, shipment_id: str | int | None = None) -> str:
    path = f"/orders/{path_segment(order_id)}/shipments"
    return path if shipment_id is None else f"{path}/{path_segment(shipment_id)}"


class OrderPartEndpoints:
    """Methods for ``/orders/{id}/order-items``, ``/orders/{id}/shipments``, batch shipments."""

    _conn: Connection

    async def list_order_items(self, order_id: str | int) -> list[OrderItem]:
        """List an order's items (``GET /orders/{id}/order-items``)."""
        path = _items_path(order_id)
        envelope = await self._conn.request("GET", path)
        return [
            OrderItem(raw) for raw in records_from(envelope, "order_items", method="GET", path=path)
        ]

    async def get_order_item(self, order_id: str | int, item_id: str | int) -> OrderItem:
        """Fetch one order item (``GET /orders/{id}/order-items/{item_id}``)."""
        path = _items_path(order_id, item_id)
        envelope = await self._conn.request("GET", path)
        return OrderItem(record_from(envelope, "order_item", method="GET", path=path))

    async def add_order_item(self, order_id: str | int, item: Mapping[str, Any]) -> OrderItem:
        """Add an item to an order; Order Desk recalculates the totals (not retried if unsure).

        Args:
            order_id: The order's id.
            item: The item object (``name``, ``price``, ``quantity``, ``code``, ...).
        """
        path = _items_path(order_id)
        envelope = await self._conn.request("POST", path, body=dict(item))
        return OrderItem(record_from(envelope, "order_item", method="POST", path=path))

    async def update_order_item(
        self, order_id: str | int, item_id: str | int, item: Mapping[str, Any]
    ) -> OrderItem:
        """Replace an order item (``PUT``); fields left out are blanked.

        Args:
            order_id: The order's id.
            item_id: The item's id.
            item: The complete item object.
        """
        path = _items_path(order_id, item_id)
        envelope = await self._conn.request("PUT", path, body=dict(item))
        return OrderItem(record_from(envelope, "order_item", method="PUT", path=path))

    async def delete_order_item(self, order_id: str | int, item_id: str | int) -> ActionResult:
        """Remove an item from an order (``DELETE``)."""
        path = _items_path(order_id, item_id)
        return ActionResult.from_envelope(await self._conn.request("DELETE", path))

    async def list_shipments(self, order_id: str | int) -> list[Shipment]:
        """List an order's shipments (``GET /orders/{id}/shipments``)."""
        path = _shipments_path(order_id)
        envelope = await self._conn.request("GET", path)
        return [
            Shipment(raw) for raw in records_from(envelope, "shipments", method="GET", path=path)
        ]

    async def get_shipment(self, order_id: str | int, shipment_id: str | int) -> Shipment:
        """Fetch one shipment (``GET /orders/{id}/shipments/{shipment_id}``)."""
        path = _shipments_path(order_id, shipment_id)
        envelope = await self._conn.request("GET", path)
        return Shipment(record_from(envelope, "shipment", method="GET", path=path))

    async def add_shipment(self, order_id: str | int, shipment: Mapping[str, Any]) -> Shipment:
        """Add a shipment to an order (``POST``; not retried if it may have happened).

        Args:
            order_id: The order's id.
            shipment: At least ``tracking_number`` (``"n/a"`` when there is none); optional
                ``carrier_code``, ``shipment_method``, ``weight``, ``cost``, ``tracking_url``,
                ``order_items`` for a partial shipment.
        """
        path = _shipments_path(order_id)
        envelope = await self._conn.request("POST", path, body=dict(shipment))
        return Shipment(record_from(envelope, "shipment", method="POST", path=path))

    async def update_shipment(
        self, order_id: str | int, shipment_id: str | int, shipment: Mapping[str, Any]
    ) -> Shipment:
        """Replace a shipment (``PUT``); fields left out are blanked."""
        path = _shipments_path(order_id, shipment_id)
        envelope = await self._conn.request("PUT", path, body=dict(shipment))
        return Shipment(record_from(envelope, "shipment", method="PUT", path=path))

    async def delete_shipment(self, order_id: str | int, shipment_id: str | int) -> ActionResult:
        """Delete a shipment (``DELETE``)."""
        path = _shipments_path(order_id, shipment_id)
        return ActionResult.from_envelope(await self._conn.request("DELETE", path))

    async def add_shipments_batch(self, shipments: Sequence[Mapping[str, Any]]) -> BatchResult:
        """Add shipments to many orders at once (``POST /batch-shipments``, a bare array).

        Args:
            shipments: Shipment objects, each with the ``order_id`` it belongs to.

        Returns:
            One result per input shipment, in input order; failures do not fail the call.
        """
        body = [dict(shipment) for shipment in shipments]
        envelope = await self._conn.request("POST", "/batch-shipments", body=body)
        return BatchResult.from_envelope(envelope)
