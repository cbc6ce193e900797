"""What Activity says about a ledger row, in words a merchant reads (no Qt, no raw JSON).

Orders are named by their number (``#1001``), stores and folders by name (:class:`Names`,
filled by :mod:`.activity_names`); every kind of write has a readable field diff
(:func:`describe`); each kind that can be undone has a button label and a question
(:data:`UNDO`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core.services.merge import ABSENT, diff

KINDS: dict[str, str] = {
    "order.update": "Order changed",
    "order.revert": "Order change reverted",
    "order.move": "Moved",
    "order.note": "Note added",
    "order.create": "Order created",
    "order.delete": "Order deleted",
    "order.item.add": "Item added",
    "order.item.update": "Item changed",
    "order.item.remove": "Item removed",
    "shipment.add": "Shipment added",
    "shipment.update": "Shipment changed",
    "shipment.delete": "Shipment deleted",
    "shipment.batch": "Shipments added (batch)",
}
FILTER_KINDS: tuple[tuple[str, str | None], ...] = (
    ("All kinds", None),
    ("Order changes", "order.update"),
    ("Moves", "order.move"),
    ("Notes", "order.note"),
    ("Items", "order.item.*"),
    ("Shipments", "shipment.*"),
    ("Created orders", "order.create"),
    ("Deleted orders", "order.delete"),
    ("Inventory", "inventory.*"),
    ("Stores", "store.*"),
)
"""The Kind filter: label and the ledger action pattern it asks for."""


@dataclass(frozen=True)
class Undo:
    """How Activity offers to undo one kind of write."""

    label: str
    question: str


UNDO: dict[str, Undo] = {
    "order.update": Undo("&Revert this change", "Put back the fields this change set?"),
    "order.revert": Undo("&Revert this change", "Put back the fields this change set?"),
    "order.item.update": Undo("&Revert this change", "Put back the item's old values?"),
    "shipment.update": Undo("&Revert this change", "Put back the shipment's old values?"),
    "order.move": Undo("Move &back", "Move the order(s) back to the folder they came from?"),
    "shipment.add": Undo("&Delete the added shipment", "Delete the shipment this entry added?"),
    "shipment.delete": Undo(
        "&Restore the shipment", "Add the deleted shipment again (Order Desk gives it a new id)?"
    ),
    "order.item.add": Undo("&Remove the added item", "Remove the item this entry added?"),
    "order.item.remove": Undo(
        "&Add the item back", "Add the removed item again (Order Desk gives it a new id)?"
    ),
    "order.delete": Undo(
        "&Recreate from the recorded order…",
        "Create a NEW order from the copy recorded when this order was deleted? It gets a new"
        " Order Desk id; its history and anything not in the copy are not brought back, and"
        " the new folder's rules run.",
    ),
}


@dataclass
class Names:
    """Human names known for ids: stores by our id, folders and order numbers per store."""

    stores: dict[int, str] = field(default_factory=dict)
    folders: dict[int, dict[int, str]] = field(default_factory=dict)
    orders: dict[int, dict[str, str]] = field(default_factory=dict)

    def store(self, store_id: int | None) -> str:
        """The store's name (``store 3`` when it is gone)."""
        if store_id is None:
            return ""
        return self.stores.get(store_id, f"store {store_id}")

    def folder(self, store_id: int | None, folder_id: Any) -> str:
        """The folder's name (``folder 7`` when unknown)."""
        try:
            number = int(folder_id)
        except (TypeError, ValueError):
            return str(folder_id or "?")
        return self.folders.get(store_id or 0, {}).get(number, f"folder {number}")

    def order(self, store_id: int | None, order_id: str) -> str:
        """``#1001`` (the order number), or ``order 3100450`` (Order Desk's id) when unknown."""
        number = self.orders.get(store_id or 0, {}).get(order_id)  # "" when it has none
        return f"#{number}" if number else f"order {order_id}"

    def learn(self, entries: Iterable[Any]) -> None:
        """Take order numbers from the rows' own snapshots (no lookup needed)."""
        for entry in entries:
            for snapshot in (entry.before, entry.after):
                if isinstance(snapshot, Mapping) and snapshot.get("source_id"):
                    order_id = str(snapshot.get("id") or "")  # items/shipments have no source_id
                    if order_id:
                        known = self.orders.setdefault(entry.store_id or 0, {})
                        known.setdefault(order_id, str(snapshot["source_id"]))


def kind_text(action: str) -> str:
    """``Shipment added`` for ``shipment.add`` (unknown actions as they are)."""
    return KINDS.get(action, action)


def order_ids(entry: Any) -> list[str]:
    """The orders a row is about (``order:12/item:3`` -> ``["12"]``, ``orders:1,2``)."""
    target = str(entry.target or "")
    if target.startswith("orders:"):
        return [part for part in target.removeprefix("orders:").split(",") if part]
    if target.startswith("order:"):
        return [target.removeprefix("order:").split("/", 1)[0]]
    return []


def target_text(entry: Any, names: Names) -> str:
    """``#1001``, ``#1001 · shipment 1Z999`` or ``3 orders: #1001, #1002, #1003``."""
    ids = order_ids(entry)
    if not ids:
        return str(entry.target or "")
    shown = [names.order(entry.store_id, order_id) for order_id in ids]
    if len(shown) > 1:
        more = f" and {len(shown) - 5} more" if len(shown) > 5 else ""
        return f"{len(shown)} orders: {', '.join(shown[:5])}{more}"
    line = _line_name(entry)
    return f"{shown[0]} · {line}" if line else shown[0]


def _line_name(entry: Any) -> str:
    """``shipment 1Z999`` or ``item MUG-1`` for a line write (added lines name no line id)."""
    action = str(entry.action)
    if not action.startswith(("shipment.", "order.item.")) or action == "shipment.batch":
        return ""
    snapshot = next((s for s in (entry.after, entry.before, entry.change)
                     if isinstance(s, Mapping)), {})  # fmt: skip
    line_id = str(entry.target or "").partition("/")[2].partition(":")[2]
    if action.startswith("shipment."):
        return f"shipment {snapshot.get('tracking_number') or line_id}".strip()
    return f"item {snapshot.get('code') or snapshot.get('name') or line_id}".strip()


def value_text(value: Any) -> str:
    """A field value as plain text (``(empty)``, ``(none)`` when absent)."""
    if value is ABSENT:
        return "(none)"
    if value in (None, ""):
        return "(empty)"
    if isinstance(value, list):
        return f"{len(value)} entr{'y' if len(value) == 1 else 'ies'}"
    return str(value)


def field_lines(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """``shipping.city: Austin → Dallas`` for every field that differs."""
    return [
        f"{change.name}: {value_text(change.before)} → {value_text(change.after)}"
        for change in diff(before, after, ignore=("date_updated",))
    ]


def record_lines(record: Any, indent: str = "  ") -> list[str]:
    """A record's fields as ``name: value`` lines (nested objects as ``a.b``, lists counted)."""
    if not isinstance(record, Mapping):
        return [f"{indent}{value_text(record)}"] if record is not None else []
    lines: list[str] = []
    for key, value in record.items():
        if isinstance(value, Mapping):
            lines.extend(f"{indent}{key}.{line.strip()}" for line in record_lines(value, ""))
        elif value not in (None, "", [], {}):
            lines.append(f"{indent}{key}: {value_text(value)}")
    return lines


def item_text(item: Mapping[str, Any]) -> str:
    """``2 x Mug (MUG-1) at 10.00``."""
    code = f" ({item.get('code')})" if item.get("code") else ""
    price = f" at {item.get('price')}" if item.get("price") not in (None, "") else ""
    return f"{item.get('quantity') or 1} x {item.get('name') or 'item'}{code}{price}"


def order_summary(order: Mapping[str, Any]) -> list[str]:
    """What a merchant recognises an order by: number, customer, e-mail, total, items, ship-to."""
    shipping = order.get("shipping")
    ship: Mapping[str, Any] = shipping if isinstance(shipping, Mapping) else {}
    who = " ".join(str(ship.get(k) or "") for k in ("first_name", "last_name")).strip()
    place = ", ".join(str(ship.get(k)) for k in ("city", "state", "country") if ship.get(k))
    lines = [
        f"  Order #{order.get('source_id') or order.get('id')} (Order Desk id {order.get('id')})",
        f"  Customer: {who or '(none)'} <{order.get('email') or 'no e-mail'}>",
        f"  Ship to: {place or '(none)'}",
        f"  Total: {order.get('order_total') or '(none)'}",
    ]
    items = order.get("order_items") if isinstance(order.get("order_items"), list) else []
    lines += [f"  Item: {item_text(i)}" for i in items or () if isinstance(i, Mapping)]
    shipments = order.get("order_shipments")
    for shipment in shipments if isinstance(shipments, list) else ():
        if isinstance(shipment, Mapping):
            lines.append(f"  Shipment: {shipment.get('carrier_code') or ''} "
                         f"{shipment.get('tracking_number') or ''}".rstrip())  # fmt: skip
    return lines


def describe(entry: Any, names: Names) -> str:
    """The details of one row: what it did, as a readable field diff for its kind."""
    if entry.state == "denied":
        return denial_text(entry.change)
    head = _outcome_head(entry)
    body = _body(entry, names)
    revert_of = entry.change.get("revert_of") if isinstance(entry.change, Mapping) else None
    tail = [f"Undoes activity #{revert_of}."] if revert_of else []
    return "\n".join([*head, *body, *tail]).strip()


def _outcome_head(entry: Any) -> list[str]:
    if entry.state == "applied":
        return []
    if entry.state in ("in_flight", "unknown"):
        return [f"Outcome not known yet ({entry.state}); asked for:"]
    return [f"Not done ({entry.outcome}). Asked for:"]


def _body(entry: Any, names: Names) -> list[str]:
    action, before, after = entry.action, entry.before, entry.after
    if action == "order.move":
        return _move_lines(entry, names)
    if action == "order.note":
        record = after if isinstance(after, Mapping) else entry.change
        text = record.get("note") if isinstance(record, Mapping) else None
        return [f"Note: {text or '(empty)'}"]
    if action == "order.delete" and isinstance(before, Mapping):
        return ["Deleted from Order Desk (the copy recorded before the delete):",
                *order_summary(before)]  # fmt: skip
    if action == "order.create" and isinstance(after, Mapping):
        return ["Created:", *order_summary(after)]
    if action in ("order.item.add", "order.item.remove"):
        item = after if action.endswith("add") else before
        item = item if isinstance(item, Mapping) else entry.change
        verb = "Added" if action.endswith("add") else "Removed"
        return [f"{verb} item: {item_text(item)}"] if isinstance(item, Mapping) else []
    if action in ("shipment.add", "shipment.delete"):
        line = after if action.endswith("add") else before
        line = line if isinstance(line, Mapping) else entry.change
        verb = "Added shipment:" if action.endswith("add") else "Deleted shipment:"
        return [verb, *record_lines(_visible(line))]
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        return field_lines(before, after) or ["No field changed."]
    if isinstance(entry.change, Mapping):
        return record_lines(entry.change)
    return record_lines(after)


def _visible(record: Any) -> Any:
    if not isinstance(record, Mapping):
        return record
    hidden = {"id", "order_id", "store_id", "label_image"}
    return {key: value for key, value in record.items() if key not in hidden}


def _move_lines(entry: Any, names: Names) -> list[str]:
    after = entry.after if isinstance(entry.after, Mapping) else {}
    moved = after.get("moved") if isinstance(after.get("moved"), list) else []
    lines = []
    for row in moved or ():
        if isinstance(row, Mapping):
            order = names.order(entry.store_id, str(row.get("order_id")))
            old = names.folder(entry.store_id, row.get("previous_folder_id"))
            new = names.folder(entry.store_id, row.get("folder_id"))
            lines.append(f"{order}: folder {old} → {new}")
    if lines:
        return lines
    change = entry.change if isinstance(entry.change, Mapping) else {}
    return [f"To folder {names.folder(entry.store_id, change.get('folder_id'))}"]


def denial_text(change: Any) -> str:
    """A denied AI write: its summary and the changes it asked for."""
    lines = ["Denied: nothing was sent to Order Desk."]
    if isinstance(change, Mapping):
        lines.append(str(change.get("summary") or ""))
        for item in change.get("changes") or ():
            if isinstance(item, Mapping):
                who = f"{item['subject']}: " if item.get("subject") else ""
                lines.append(
                    f"{who}{item.get('field')}: {value_text(item.get('before'))} → "
                    f"{value_text(item.get('after'))}"
                )
    return "\n".join(line for line in lines if line)


def who_text(actor: str) -> str:
    """``You (this computer)`` for the GUI, ``AI: claude`` for ``mcp:claude``."""
    if actor == "gui":
        return "You (order window)"
    if actor.startswith("mcp:"):
        return f"AI: {actor.removeprefix('mcp:')}"
    return "Command line" if actor == "cli" else actor
