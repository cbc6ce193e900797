"""Handlers for /test, /store, /orders, order history and /move-orders."""

from __future__ import annotations

from typing import Any

from app.sandbox.call import Call, Payload
from app.sandbox.dates import format_stamp, next_stamp, now_epoch
from app.sandbox.errors import bad_request
from app.sandbox.pools import SHIPPING_METHODS
from app.sandbox.query import page_of, parse_order_query
from app.sandbox.records import build_order, has_address
from app.sandbox.store import SandboxStore
from app.sandbox.values import is_blank, list_of, object_of, text

HISTORY_LIMIT = 250
NOTE_LIMIT = 1800
AFTER_CORE = "fulfillment_id"


def get_test(call: Call) -> Payload:
    """GET /test: connectivity check with the server time."""
    return {"message": "Connection Successful", "current_date_time": format_stamp(now_epoch())}


def get_store(call: Call) -> Payload:
    """GET /store: settings and the folder id -> name map."""
    spec = call.store.spec
    settings = {
        "id": spec.store_id,
        "name": spec.name,
        "timezone": spec.timezone,
        "locale": "en-US",
        "currency": "USD",
        "stock_behavior": "decrement",
        "shipping_methods": [name for name, _, _ in SHIPPING_METHODS],
        "folders": {str(fid): name for fid, name in call.store.folders.items()},
    }
    return {"store": settings}


def output_order(order: dict[str, Any], history: bool) -> dict[str, Any]:
    """Return an order as served: ``order_history`` only when it was asked for."""
    if history:
        return order if "order_history" in order else {**order, "order_history": []}
    return {key: value for key, value in order.items() if key != "order_history"}


def list_orders(call: Call) -> Payload:
    """GET /orders: filtered, sorted, paged orders with list metadata."""
    store = call.store
    query = parse_order_query(call.query, store.folders, store.spec.timezone)
    limit, offset = page_of(call.query)
    history = call.flag("get_order_history")
    with store.lock:
        rows = store.select(query)
        page = [output_order(store.view(row), history) for row in rows[offset : offset + limit]]
    return {
        "total_records": len(rows),
        "records_returned": len(page),
        "offset": offset,
        "limit": limit,
        "orders": page,
    }


def get_order(call: Call) -> Payload:
    """GET /orders/{id}."""
    with call.store.lock:
        order = call.store.view(call.store.row(call.params["order_id"]))
        return {"order": output_order(order, call.flag("get_order_history"))}


def create_order(call: Call) -> Payload:
    """POST /orders: validate (Order Desk's create rules), fill defaults, reject duplicates."""
    store = call.store
    raw = object_of(call.body(), "order")
    order = _built(store, raw)
    _check_new_order(order)
    with store.lock:
        order_id = str(store.next_id("order"))
        order["source_name"] = order["source_name"] or "Order Desk"
        order["source_id"] = order["source_id"] or order_id
        existing = store.order_with_source(order["source_name"], order["source_id"])
        if existing is not None:
            raise bad_request(
                f"Duplicate order: {order['source_name']} order {order['source_id']} "
                f"already exists as order {existing}"
            )
        stamp = next_stamp(None)
        folder_id = _folder_of(store, raw.get("folder_id"))
        stored = _with_core(order, order_id, folder_id, stamp, stamp)
        _fix_shipments(store, stored, stamp)
        stored["email_count"] = stored["email_count"] or "0"
        stored["order_history"] = [_history_entry("API", "Order created through the API")]
        store.insert(stored)
        return {"message": f"Order {order_id} created", "order": output_order(stored, False)}


def replace_order(call: Call) -> Payload:
    """PUT /orders/{id}: replace the record, keeping id, date_added and folder_id."""
    store = call.store
    order_id = call.params["order_id"]
    raw = object_of(call.body(), "order")
    with store.lock:
        old = store.order(order_id)
        order = _built(store, raw)
        stamp = next_stamp(old.get("date_updated"))
        stored = _with_core(order, order_id, old["folder_id"], old["date_added"], stamp)
        stored["email_count"] = old.get("email_count", "0")
        _fix_shipments(store, stored, stamp)
        stored["order_history"] = old.get("order_history", [])
        store.row(order_id).full = stored
        store.commit(order_id)
        return {"message": f"Order {order_id} updated", "order": output_order(stored, False)}


def delete_order(call: Call) -> Payload:
    """DELETE /orders/{id}."""
    with call.store.lock:
        call.store.remove(call.params["order_id"])
    return {"message": f"Order {call.params['order_id']} deleted"}


def add_history(call: Call) -> Payload:
    """POST /orders/{id}/order-history: append a note (max 1800 chars, 250 per order)."""
    raw = object_of(call.body(), "history")
    note = text(raw.get("note"), "note").strip()
    if not note:
        raise bad_request("note is required")
    if len(note) > NOTE_LIMIT:
        raise bad_request(f"note is longer than {NOTE_LIMIT} characters")
    source = text(raw.get("source_name"), "source_name") or "API"
    with call.store.lock:
        order = call.store.order(call.params["order_id"])
        history = order.setdefault("order_history", [])
        if len(history) >= HISTORY_LIMIT:
            raise bad_request(f"Order already has {HISTORY_LIMIT} history entries")
        history.append(_history_entry(source, note))
    return {"message": "History note added"}


def move_orders(call: Call) -> Payload:
    """POST /move-orders: move orders to a folder, one result per order."""
    store = call.store
    raw = object_of(call.body(), "move")
    ids = [text(i, "order_id_list[]") for i in list_of(raw.get("order_id_list"), "order_id_list")]
    if not ids:
        raise bad_request("order_id_list must list at least one order id")
    with store.lock:
        folder_id = _destination(store, raw)
        results = [_move_one(store, order_id, folder_id) for order_id in ids]
    moved = sum(1 for r in results if r["status"] == "success")
    name = store.folders[folder_id]
    return {"message": f"{moved} order(s) moved to {name}", "results": results}


def _move_one(store: SandboxStore, order_id: str, folder_id: int) -> dict[str, Any]:
    if order_id not in store.rows:
        return {"id": order_id, "status": "error", "message": f"Order {order_id} not found"}
    order = store.order(order_id)
    previous = int(order.get("folder_id") or 0)
    order["folder_id"] = folder_id
    order["date_updated"] = next_stamp(order.get("date_updated"))
    history = order.setdefault("order_history", [])
    if len(history) < HISTORY_LIMIT:
        names = (store.folders.get(previous, str(previous)), store.folders[folder_id])
        history.append(_history_entry("API", "Order moved from {} to {}".format(*names)))
    store.commit(order_id)
    return {
        "id": order_id,
        "status": "success",
        "previous_folder_id": previous,
        "folder_id": folder_id,
    }


def _destination(store: SandboxStore, raw: dict[str, Any]) -> int:
    by_id, by_name = raw.get("destination_folder_id"), raw.get("destination_folder_name")
    if is_blank(by_id) and is_blank(by_name):
        raise bad_request("destination_folder_id or destination_folder_name is required")
    folder_id = None if is_blank(by_id) else _folder_of(store, by_id)
    if not is_blank(by_name):
        name = text(by_name, "destination_folder_name").casefold()
        named = [fid for fid, fname in store.folders.items() if fname.casefold() == name]
        if not named:
            raise bad_request(f"Unknown folder {by_name!r}")
        if folder_id is not None and folder_id != named[0]:
            raise bad_request("destination_folder_id and destination_folder_name disagree")
        folder_id = named[0]
    assert folder_id is not None
    return folder_id


def _folder_of(store: SandboxStore, value: object) -> int:
    if is_blank(value):
        return next(iter(store.folders))
    try:
        folder_id = int(str(value))
    except ValueError:
        raise bad_request("folder_id must be a folder id") from None
    if folder_id not in store.folders:
        raise bad_request(f"Unknown folder_id {folder_id}")
    return folder_id


def _built(store: SandboxStore, raw: dict[str, Any]) -> dict[str, Any]:
    return build_order(
        raw,
        new_item_id=lambda: store.next_id("item"),
        new_shipment_id=lambda: store.next_id("shipment"),
    )


def _check_new_order(order: dict[str, Any]) -> None:
    if not order["order_items"]:
        raise bad_request("An order needs at least one entry in order_items")
    shipping, customer = order["shipping"], order["customer"]
    names = ("first_name", "last_name", "company")
    if not any(address[key] for address in (shipping, customer) for key in names):
        raise bad_request("A first name, last name or company is required in shipping or customer")
    if has_address(shipping) and not has_address(customer):
        order["customer"] = dict(shipping)
    elif has_address(customer) and not has_address(shipping):
        order["shipping"] = dict(customer)


def _with_core(
    order: dict[str, Any], order_id: str, folder_id: int, added: str, updated: str
) -> dict[str, Any]:
    stored: dict[str, Any] = {"id": order_id}
    for key, value in order.items():
        stored[key] = value
        if key == AFTER_CORE:
            stored.update({"folder_id": folder_id, "date_added": added, "date_updated": updated})
    return stored


def _fix_shipments(store: SandboxStore, order: dict[str, Any], stamp: str) -> None:
    for shipment in order["order_shipments"]:
        shipment["order_id"] = order["id"]
        shipment["store_id"] = store.store_id
        shipment["date_added"] = shipment["date_added"] or stamp


def _history_entry(source: str, note: str) -> dict[str, str]:
    return {"date_added": format_stamp(now_epoch()), "source_name": source, "note": note}
