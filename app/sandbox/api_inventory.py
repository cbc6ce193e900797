"""Handlers for /inventory-items and /batch-inventory-items."""

from __future__ import annotations

from typing import Any

from app.sandbox.call import Call, Payload
from app.sandbox.dates import next_stamp
from app.sandbox.errors import ApiError, bad_request, not_found
from app.sandbox.query import page_of
from app.sandbox.store import SandboxStore
from app.sandbox.values import (
    decimal_of,
    integer_of,
    is_blank,
    mapping_of,
    object_of,
    string_map,
    text,
)

TEXT_FIELDS = ("location", "manufacturer_sku", "update_source")
SEARCHED = ("name", "code", "manufacturer_sku", "location")


def list_inventory(call: Call) -> Payload:
    """GET /inventory-items: ``code`` (exact SKU) and ``search`` filters, paged by id."""
    limit, offset = page_of(call.query)
    code = call.query.get("code", "").strip().casefold()
    search = call.query.get("search", "").strip().casefold()
    with call.store.lock:
        items = sorted(call.store.inventory.values(), key=lambda item: int(item["id"]))
        if code:
            items = [item for item in items if str(item["code"]).casefold() == code]
        if search:
            items = [item for item in items if _mentions(item, search)]
        page = items[offset : offset + limit]
        return {
            "total_records": len(items),
            "records_returned": len(page),
            "offset": offset,
            "limit": limit,
            "inventory_items": page,
        }


def _mentions(item: dict[str, Any], needle: str) -> bool:
    return any(needle in str(item.get(field, "")).casefold() for field in SEARCHED)


def get_inventory(call: Call) -> Payload:
    """GET /inventory-items/{id}."""
    with call.store.lock:
        return {"inventory_item": _existing(call.store, call.params["item_id"])}


def create_inventory(call: Call) -> Payload:
    """POST /inventory-items: ``name`` and a unique ``code`` are required."""
    raw = object_of(call.body(), "inventory_item")
    with call.store.lock:
        item_id = str(call.store.next_id("inventory"))
        stamp = next_stamp(None)
        item = inventory_of(raw, item_id, stamp, stamp)
        _check_code(call.store, item)
        call.store.inventory[item_id] = item
    return {"message": f"Inventory item {item_id} created", "inventory_item": item}


def replace_inventory(call: Call) -> Payload:
    """PUT /inventory-items/{id}: full replacement, keeping id and date_added."""
    raw = object_of(call.body(), "inventory_item")
    with call.store.lock:
        item = _replace(call.store, call.params["item_id"], raw)
    return {"message": f"Inventory item {item['id']} updated", "inventory_item": item}


def delete_inventory(call: Call) -> Payload:
    """DELETE /inventory-items/{id}."""
    with call.store.lock:
        _existing(call.store, call.params["item_id"])
        del call.store.inventory[call.params["item_id"]]
    return {"message": f"Inventory item {call.params['item_id']} deleted"}


def batch_inventory(call: Call) -> Payload:
    """PUT /batch-inventory-items: bare array or ``{"inventory_items": [...]}``.

    Each entry names an item by ``id`` (or by ``code``) and its given fields are merged into
    the stored item; one result per entry.
    """
    body = call.body()
    if isinstance(body, dict) and isinstance(body.get("inventory_items"), list):
        body = body["inventory_items"]
    if not isinstance(body, list):
        raise bad_request('Send an array of inventory items (or {"inventory_items": [...]})')
    with call.store.lock:
        results = [_batch_one(call.store, entry) for entry in body]
    updated = sum(1 for result in results if result["status"] == "success")
    return {"message": f"{updated} of {len(results)} inventory items updated", "results": results}


def _batch_one(store: SandboxStore, entry: object) -> dict[str, Any]:
    item_id = ""
    try:
        raw = object_of(entry, "inventory_item")
        item_id = _batch_target(store, raw)
        merged = {**store.inventory[item_id], **raw}
        _replace(store, item_id, merged)
    except ApiError as error:
        return {"status": "error", "id": item_id, "message": error.message}
    return {"status": "success", "id": item_id}


def _batch_target(store: SandboxStore, raw: dict[str, Any]) -> str:
    if not is_blank(raw.get("id")):
        item_id = text(raw["id"], "id")
        _existing(store, item_id)
        return item_id
    code = text(raw.get("code"), "code")
    for item in store.inventory.values():
        if code and item["code"] == code:
            return str(item["id"])
    raise bad_request("Each inventory item needs an id (or a known code)")


def _replace(store: SandboxStore, item_id: str, raw: dict[str, Any]) -> dict[str, Any]:
    old = _existing(store, item_id)
    item = inventory_of(raw, item_id, old["date_added"], next_stamp(old["date_updated"]))
    _check_code(store, item)
    store.inventory[item_id] = item
    return item


def _existing(store: SandboxStore, item_id: str) -> dict[str, Any]:
    item = store.inventory.get(item_id)
    if item is None:
        raise not_found("Inventory item", item_id)
    return item


def _check_code(store: SandboxStore, item: dict[str, Any]) -> None:
    for other in store.inventory.values():
        if other["code"] == item["code"] and other["id"] != item["id"]:
            raise bad_request(f"Code {item['code']} is already used by item {other['id']}")


def inventory_of(raw: dict[str, Any], item_id: str, added: str, updated: str) -> dict[str, Any]:
    """Build a stored inventory item (numbers as JSON numbers, ``stock`` an int).

    Raises:
        ApiError: 400 without ``name`` or ``code``, or for a malformed number.
    """
    name, code = text(raw.get("name"), "name").strip(), text(raw.get("code"), "code").strip()
    if not name or not code:
        raise bad_request("name and code are required")
    item: dict[str, Any] = {"id": item_id, "name": name, "code": code}
    for field in ("price", "cost", "weight"):
        item[field] = float(decimal_of(raw.get(field), field))
    item["stock"] = integer_of(raw.get("stock"), "stock")
    for field in TEXT_FIELDS:
        item[field] = text(raw.get(field), field)
    item["variation_list"] = string_map(raw.get("variation_list"), "variation_list")
    item["metadata"] = mapping_of(raw.get("metadata"), "metadata")
    item.update({"date_added": added, "date_updated": updated})
    return item
