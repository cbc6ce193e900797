"""Handlers for order items, shipments and /batch-shipments."""

from __future__ import annotations

from typing import Any

from app.sandbox.call import Call, Payload
from app.sandbox.dates import next_stamp
from app.sandbox.errors import ApiError, bad_request, not_found
from app.sandbox.records import item_of, recalc_totals, shipment_of
from app.sandbox.store import SandboxStore
from app.sandbox.values import is_blank, object_of, text

ITEMS = ("order_items", "Order item", "item_id")
SHIPMENTS = ("order_shipments", "Shipment", "shipment_id")


def list_items(call: Call) -> Payload:
    """GET /orders/{id}/order-items."""
    return {"order_items": _lines(call, ITEMS)}


def get_item(call: Call) -> Payload:
    """GET /orders/{id}/order-items/{item_id}."""
    return {"order_item": _line(call, ITEMS)}


def add_item(call: Call) -> Payload:
    """POST /orders/{id}/order-items: add one item and recalculate the totals."""
    raw = call.body()
    with call.store.lock:
        order = call.store.order(call.params["order_id"])
        item = item_of(raw, str(call.store.next_id("item")))
        order["order_items"].append(item)
        _touch(call.store, order)
    return {"message": f"Order item {item['id']} added", "order_item": item}


def replace_item(call: Call) -> Payload:
    """PUT /orders/{id}/order-items/{item_id}: replace one item, recalculate totals."""
    raw = call.body()
    with call.store.lock:
        order, index = _position(call, ITEMS)
        item = item_of(raw, order["order_items"][index]["id"])
        order["order_items"][index] = item
        _touch(call.store, order)
    return {"message": f"Order item {item['id']} updated", "order_item": item}


def delete_item(call: Call) -> Payload:
    """DELETE /orders/{id}/order-items/{item_id}."""
    with call.store.lock:
        order, index = _position(call, ITEMS)
        del order["order_items"][index]
        _touch(call.store, order)
    return {"message": f"Order item {call.params['item_id']} deleted"}


def list_shipments(call: Call) -> Payload:
    """GET /orders/{id}/shipments."""
    return {"shipments": _lines(call, SHIPMENTS)}


def get_shipment(call: Call) -> Payload:
    """GET /orders/{id}/shipments/{shipment_id}."""
    return {"shipment": _line(call, SHIPMENTS)}


def add_shipment(call: Call) -> Payload:
    """POST /orders/{id}/shipments: carrier and tracking URL derived when missing."""
    raw = call.body()
    with call.store.lock:
        shipment = _add_shipment(call.store, call.params["order_id"], raw)
    return {"message": f"Shipment {shipment['id']} added", "shipment": shipment}


def replace_shipment(call: Call) -> Payload:
    """PUT /orders/{id}/shipments/{shipment_id}: replace, keeping id and date_added."""
    raw = call.body()
    with call.store.lock:
        order, index = _position(call, SHIPMENTS)
        old = order["order_shipments"][index]
        shipment = _shipment(call.store, order, raw, old["id"])
        shipment["date_added"] = old["date_added"]
        order["order_shipments"][index] = shipment
        _touch(call.store, order)
    return {"message": f"Shipment {shipment['id']} updated", "shipment": shipment}


def delete_shipment(call: Call) -> Payload:
    """DELETE /orders/{id}/shipments/{shipment_id}."""
    with call.store.lock:
        order, index = _position(call, SHIPMENTS)
        del order["order_shipments"][index]
        _touch(call.store, order)
    return {"message": f"Shipment {call.params['shipment_id']} deleted"}


def batch_shipments(call: Call) -> Payload:
    """POST /batch-shipments: a bare array or ``{"shipments": [...]}``; one result each."""
    body = call.body()
    if isinstance(body, dict) and isinstance(body.get("shipments"), list):
        body = body["shipments"]
    if not isinstance(body, list):
        raise bad_request('Send an array of shipments (or {"shipments": [...]})')
    results: list[dict[str, Any]] = []
    with call.store.lock:
        for entry in body:
            results.append(_batch_one(call.store, entry))
    added = sum(1 for result in results if result["status"] == "success")
    return {"message": f"{added} of {len(results)} shipments added", "results": results}


def _batch_one(store: SandboxStore, entry: object) -> dict[str, Any]:
    order_id = ""
    try:
        raw = object_of(entry, "shipment")
        order_id = _target_order(store, raw)
        shipment = _add_shipment(store, order_id, raw)
    except ApiError as error:
        return {"status": "error", "order_id": order_id, "message": error.message}
    return {"status": "success", "order_id": order_id, "shipment_id": shipment["id"]}


def _target_order(store: SandboxStore, raw: dict[str, Any]) -> str:
    if not is_blank(raw.get("order_id")):
        return text(raw["order_id"], "order_id")
    source_id = text(raw.get("source_id"), "source_id")
    if source_id:
        source_name = text(raw.get("source_name"), "source_name") or "Order Desk"
        found = store.order_with_source(source_name, source_id)
        if found is None:
            raise not_found("Order with source_id", source_id)
        return found
    raise bad_request("order_id is required")


def _add_shipment(store: SandboxStore, order_id: str, raw: object) -> dict[str, Any]:
    order = store.order(order_id)
    shipment = _shipment(store, order, raw, str(store.next_id("shipment")))
    order["order_shipments"].append(shipment)
    _touch(store, order)
    return shipment


def _shipment(store: SandboxStore, order: dict[str, Any], raw: object, sid: str) -> dict[str, Any]:
    shipment = shipment_of(raw, sid)
    shipment["order_id"] = order["id"]
    shipment["store_id"] = store.store_id
    shipment["date_added"] = next_stamp(None)
    return shipment


def _touch(store: SandboxStore, order: dict[str, Any]) -> None:
    recalc_totals(order)
    order["date_updated"] = next_stamp(order.get("date_updated"))
    store.commit(order["id"])


def _lines(call: Call, kind: tuple[str, str, str]) -> list[dict[str, Any]]:
    with call.store.lock:
        order = call.store.view(call.store.row(call.params["order_id"]))
        lines: list[dict[str, Any]] = order.get(kind[0]) or []
        return lines


def _line(call: Call, kind: tuple[str, str, str]) -> dict[str, Any]:
    wanted = call.params[kind[2]]
    for line in _lines(call, kind):
        if str(line.get("id")) == wanted:
            return line
    raise not_found(kind[1], wanted)


def _position(call: Call, kind: tuple[str, str, str]) -> tuple[dict[str, Any], int]:
    order = call.store.order(call.params["order_id"])
    wanted = call.params[kind[2]]
    for index, line in enumerate(order.get(kind[0]) or []):
        if str(line.get("id")) == wanted:
            return order, index
    raise not_found(kind[1], wanted)
