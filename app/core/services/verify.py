"""Reconciling reads: what Order Desk shows about a write whose outcome was open.

One verifier per ledger action (registered by :func:`register_verifiers`). Each reads Order Desk
fresh (never the cache) and returns a :class:`~app.core.services.ledger.Verdict`: the shipment
with that tracking number is on the order, the note is in the history, an order with that
source_id exists, the record's fields hold the new values, the deleted record is gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.orderdesk import NotFoundError, OrderDeskClient, to_id
from app.core.services.audit import AuditEntry
from app.core.services.ledger import APPLIED, REFUSED, UNKNOWN, Verdict
from app.core.services.merge import (
    INVENTORY_RULES,
    ORDER_RULES,
    MergeRules,
    apply_changes,
    diff,
)
from app.core.services.order_lines import ITEM_RULES, SHIPMENT_RULES
from app.core.services.pool import ClientPool
from app.core.services.records import StoreRecord
from app.core.services.writes import WriteRunner


class Verifiers:
    """The reconciling reads, on the pool's clients."""

    def __init__(self, pool: ClientPool) -> None:
        self._pool = pool

    async def _client(self, store: StoreRecord) -> OrderDeskClient:
        return await self._pool.client(store)

    async def shipment_add(self, entry: AuditEntry, store: StoreRecord) -> Verdict:
        """Is a shipment with the intent's tracking number on the order?"""
        order_id = _order_of(entry)
        tracking = str((entry.change or {}).get("tracking_number") or "").strip()
        if not tracking or tracking.casefold() in ("n/a", "na", "none"):
            return Verdict(UNKNOWN, "could not be checked: the shipment has no tracking number")
        shipments = await (await self._client(store)).list_shipments(order_id)
        for shipment in shipments:
            if shipment.tracking_number.strip().casefold() == tracking.casefold():
                return Verdict(
                    APPLIED,
                    f"order {order_id} has shipment {shipment.id} with tracking {tracking}",
                    shipment.raw,
                )
        return Verdict(REFUSED, f"order {order_id} has no shipment with tracking {tracking}")

    async def order_note(self, entry: AuditEntry, store: StoreRecord) -> Verdict:
        """Is the note in the order's history (added at or after the intent)?"""
        order_id = _order_of(entry)
        text = str((entry.change or {}).get("note") or "").strip()
        if not text:
            return Verdict(UNKNOWN, "could not be checked: the note's text is not recorded")
        order = await (await self._client(store)).get_order(order_id, history=True)
        history = order.raw.get("order_history") or []
        found = [h for h in history if isinstance(h, Mapping) and _note_matches(h, text)]
        if found:
            when = found[-1].get("date_added") or "?"
            return Verdict(
                APPLIED,
                f"order {order_id}'s history has the note (added {when})",
                {"note": text},
            )
        return Verdict(REFUSED, f"order {order_id}'s history does not have the note")

    async def order_create(self, entry: AuditEntry, store: StoreRecord) -> Verdict:
        """Does an order with the intent's source_id exist?"""
        source_id = str((entry.change or {}).get("source_id") or "").strip()
        if not source_id:
            return Verdict(UNKNOWN, "could not be checked: the order has no source_id")
        page = await (await self._client(store)).list_orders(source_id=source_id, limit=2)
        if page.records:
            order = page.records[0]
            return Verdict(
                APPLIED,
                f"order {order.id} exists with source_id {source_id}",
                order.raw,
                f"order:{order.id}",
            )
        return Verdict(REFUSED, f"no order has source_id {source_id}")

    async def order_update(self, entry: AuditEntry, store: StoreRecord) -> Verdict:
        """Do the order's fields hold the values the change set asked for?"""
        order_id = _order_of(entry)
        current = (await (await self._client(store)).get_order(order_id)).raw
        return _fields_verdict(f"order {order_id}", current, entry.change, ORDER_RULES)

    async def item_update(self, entry: AuditEntry, store: StoreRecord) -> Verdict:
        """Do the item's fields hold the new values?"""
        order_id, item_id = _order_of(entry), _part_of(entry, "item")
        item = await (await self._client(store)).get_order_item(order_id, item_id)
        return _fields_verdict(f"item {item_id}", item.raw, entry.change, ITEM_RULES)

    async def shipment_update(self, entry: AuditEntry, store: StoreRecord) -> Verdict:
        """Do the shipment's fields hold the new values?"""
        order_id, shipment_id = _order_of(entry), _part_of(entry, "shipment")
        found = await (await self._client(store)).get_shipment(order_id, shipment_id)
        return _fields_verdict(f"shipment {shipment_id}", found.raw, entry.change, SHIPMENT_RULES)

    async def inventory_update(self, entry: AuditEntry, store: StoreRecord) -> Verdict:
        """Do the inventory item's fields hold the new values?"""
        item_id = (entry.target or "").removeprefix("inventory:")
        item = await (await self._client(store)).get_inventory_item(item_id)
        return _fields_verdict(f"inventory item {item_id}", item.raw, entry.change, INVENTORY_RULES)

    async def order_delete(self, entry: AuditEntry, store: StoreRecord) -> Verdict:
        """Is the order gone?"""
        order_id = _order_of(entry)
        try:
            await (await self._client(store)).get_order(order_id)
        except NotFoundError:
            return Verdict(APPLIED, f"order {order_id} no longer exists")
        return Verdict(REFUSED, f"order {order_id} still exists")

    async def order_move(self, entry: AuditEntry, store: StoreRecord) -> Verdict:
        """Are the orders in the destination folder?"""
        change = entry.change or {}
        folder_id, ids = change.get("folder_id"), [to_id(i) for i in change.get("order_ids", [])]
        if not ids:
            return Verdict(UNKNOWN, "could not be checked: the moved orders are not recorded")
        client = await self._client(store)
        elsewhere = [i for i in ids if (await client.get_order(i)).folder_id != folder_id]
        if not elsewhere:
            return Verdict(APPLIED, f"{len(ids)} order(s) are in folder {folder_id}")
        if len(elsewhere) == len(ids):
            return Verdict(REFUSED, f"no order is in folder {folder_id}")
        return Verdict(
            UNKNOWN, f"orders {', '.join(elsewhere)} are not in folder {folder_id}, the rest are"
        )


def register_verifiers(runner: WriteRunner, pool: ClientPool) -> None:
    """Register a verifier for every ledger action that can be checked by reading."""
    checks = Verifiers(pool)
    for action, verifier in {
        "shipment.add": checks.shipment_add,
        "order.note": checks.order_note,
        "order.create": checks.order_create,
        "order.update": checks.order_update,
        "order.revert": checks.order_update,
        "order.item.update": checks.item_update,
        "shipment.update": checks.shipment_update,
        "inventory.update": checks.inventory_update,
        "order.delete": checks.order_delete,
        "order.move": checks.order_move,
    }.items():
        runner.register_verifier(action, verifier)


def _fields_verdict(what: str, current: dict[str, Any], change: Any, rules: MergeRules) -> Verdict:
    if not isinstance(change, Mapping) or not change:
        return Verdict(UNKNOWN, f"could not be checked: the change to {what} is not recorded")
    try:
        missing = diff(current, apply_changes(current, change, rules))
    except ValueError as error:
        return Verdict(UNKNOWN, f"could not be checked against {what}: {error}")
    if not missing:
        names = ", ".join(sorted(change)) or "the fields"
        return Verdict(APPLIED, f"{what} holds the new values of {names}", current)
    names = ", ".join(c.name for c in missing)
    return Verdict(REFUSED, f"{what} does not hold the new values ({names})")


def _order_of(entry: AuditEntry) -> str:
    target = entry.target or ""
    return target.removeprefix("order:").split("/", 1)[0]


def _part_of(entry: AuditEntry, kind: str) -> str:
    for part in (entry.target or "").split("/"):
        if part.startswith(f"{kind}:"):
            return part.removeprefix(f"{kind}:")
    return ""


def _note_matches(history: Mapping[str, Any], text: str) -> bool:
    note = str(history.get("note") or history.get("content") or "").strip()
    return note == text
