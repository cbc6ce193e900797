"""Undo a recorded write with a new recorded write (Activity's Revert).

Each kind of write has its own undo, registered with :meth:`AuditLog.register_revert`
(``order.update`` is undone by :class:`~app.core.services.orders.OrderService` itself):

* a move goes back to the folder each order came from, unless the order moved on since;
* an added shipment or item is deleted; a deleted one is added again from its snapshot
  (Order Desk gives it a new id);
* a changed shipment or item gets its old values back, unless it changed again since;
* a deleted order is *recreated* from the recorded snapshot: a new order with a new Order Desk
  id (its history, folder rules and anything not in the snapshot are not brought back).

Every undo goes through the same service methods (and so the write ledger) as any other write,
with ``revert_of`` so it is never mistaken for a repeat of an earlier identical write.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from app.core.db.models import AuditEvent
from app.core.services.audit import AuditEntry, AuditLog, entry_of
from app.core.services.errors import RevertError
from app.core.services.merge import MergeRules, diff, revert_changes
from app.core.services.order_lines import ITEM_RULES, SHIPMENT_RULES
from app.core.services.records import StoreRecord

if TYPE_CHECKING:
    from app.core.services.orders import OrderService

NOT_SENT_AGAIN: Final = frozenset({"id", "order_id", "store_id", "date_added", "date_updated"})
"""Snapshot fields Order Desk sets itself: left out when a deleted line is added again."""
NOT_RECREATED: Final = frozenset(
    {"id", "date_added", "date_updated", "email_count", "order_history", "folder_id"}
)
"""Order fields left out when a deleted order is recreated (Order Desk sets or keeps them)."""

Undo = Callable[[AuditEntry, StoreRecord, str], Awaitable[None]]


def restorable(snapshot: Any, dropped: frozenset[str] = NOT_SENT_AGAIN) -> dict[str, Any]:
    """A recorded line (item, shipment) as a body to add it again."""
    if not isinstance(snapshot, Mapping):
        raise RevertError("The activity entry kept no copy of what was deleted.")
    return {key: value for key, value in snapshot.items() if key not in dropped}


def recreation(snapshot: Any) -> dict[str, Any]:
    """A deleted order's snapshot as a create body: no ids on it or on its lines."""
    body = restorable(snapshot, NOT_RECREATED)
    for lines in ("order_items", "order_shipments"):
        if isinstance(body.get(lines), list):
            body[lines] = [restorable(line) for line in body[lines] if isinstance(line, Mapping)]
    return body


def back_changes(entry: AuditEntry, rules: MergeRules) -> dict[str, Any]:
    """The change set that puts back what an update entry changed."""
    if not isinstance(entry.before, dict) or not isinstance(entry.after, dict):
        raise RevertError(f"Activity entry #{entry.id} did not change anything to revert.")
    changes = revert_changes(diff(entry.before, entry.after, ignore=("date_updated",)), rules)
    if not changes:
        raise RevertError(f"Activity entry #{entry.id} changed no field that can be put back.")
    return changes


def target_parts(entry: AuditEntry) -> tuple[str, str | None]:
    """``order:12/shipment:7`` -> ``("12", "7")``; ``order:12`` -> ``("12", None)``."""
    target = entry.target or ""
    if not target.startswith("order:"):
        raise RevertError(f"Activity entry #{entry.id} names no order.")
    order, _, part = target.removeprefix("order:").partition("/")
    return order, part.partition(":")[2] or None


class Reverts:
    """The undo of every write kind but ``order.update`` (see the module docstring)."""

    def __init__(self, orders: OrderService, audit: AuditLog) -> None:
        self.orders = orders
        handlers: dict[str, Undo] = {
            "order.move": self.move_back,
            "shipment.add": self.remove_added_shipment,
            "shipment.update": self.put_back_shipment,
            "shipment.delete": self.restore_shipment,
            "order.item.add": self.remove_added_item,
            "order.item.update": self.put_back_item,
            "order.item.remove": self.restore_item,
            "order.delete": self.recreate_order,
        }
        for action, undo in handlers.items():
            audit.register_revert(action, self._recorded(undo))

    def _recorded(self, undo: Undo) -> Callable[[AuditEntry, str], Awaitable[AuditEntry]]:
        async def run(entry: AuditEntry, actor: str) -> AuditEntry:
            if entry.store_id is None:
                raise RevertError(f"Activity entry #{entry.id} names no store.")
            store = await self.orders.store_of(entry.store_id)
            await undo(entry, store, actor)
            return _newest_after(entry.id, actor)

        return run

    async def move_back(self, entry: AuditEntry, store: StoreRecord, actor: str) -> None:
        """Move each order of a move back where it was, if it is still where it was moved."""
        moved = (entry.after or {}).get("moved") if isinstance(entry.after, dict) else None
        back: dict[int, list[str]] = {}
        for row in moved if isinstance(moved, list) else ():
            order_id, previous = str(row.get("order_id")), row.get("previous_folder_id")
            if previous is None:
                continue
            now = await self.orders.get(store, order_id, fresh=True)
            if now.folder_id is not None and now.folder_id != row.get("folder_id"):
                raise RevertError(
                    f"Order {now.source_id or order_id} was moved again since activity"
                    f" #{entry.id}; nothing was moved back."
                )
            back.setdefault(int(previous), []).append(order_id)
        if not back:
            raise RevertError(f"Activity entry #{entry.id} recorded no folder to move back to.")
        for folder_id, ids in back.items():
            await self.orders.move(store, ids, folder_id, actor=actor, revert_of=entry.id)

    async def remove_added_shipment(
        self, entry: AuditEntry, store: StoreRecord, actor: str
    ) -> None:
        """Delete the shipment the entry added."""
        order_id, _ = target_parts(entry)
        shipment_id = str((entry.after or {}).get("id") or "")
        if not shipment_id:
            raise RevertError(f"Activity entry #{entry.id} recorded no shipment id.")
        await self.orders.delete_shipment(store, order_id, shipment_id, actor=actor)

    async def put_back_shipment(self, entry: AuditEntry, store: StoreRecord, actor: str) -> None:
        """Give an edited shipment its old values (unless it changed again since)."""
        order_id, shipment_id = target_parts(entry)
        changes = back_changes(entry, SHIPMENT_RULES)
        await self.orders.update_shipment(
            store, order_id, shipment_id or "", changes, actor=actor, based_on=entry.after
        )

    async def restore_shipment(self, entry: AuditEntry, store: StoreRecord, actor: str) -> None:
        """Add a deleted shipment again (a new shipment id)."""
        order_id, _ = target_parts(entry)
        body = restorable(entry.before)
        await self.orders.add_shipment(store, order_id, body, actor=actor, revert_of=entry.id)

    async def remove_added_item(self, entry: AuditEntry, store: StoreRecord, actor: str) -> None:
        """Remove the item the entry added."""
        order_id, _ = target_parts(entry)
        item_id = str((entry.after or {}).get("id") or "")
        if not item_id:
            raise RevertError(f"Activity entry #{entry.id} recorded no item id.")
        await self.orders.remove_item(store, order_id, item_id, actor=actor)

    async def put_back_item(self, entry: AuditEntry, store: StoreRecord, actor: str) -> None:
        """Give an edited item its old values (unless it changed again since)."""
        order_id, item_id = target_parts(entry)
        changes = back_changes(entry, ITEM_RULES)
        await self.orders.update_item(
            store, order_id, item_id or "", changes, actor=actor, based_on=entry.after
        )

    async def restore_item(self, entry: AuditEntry, store: StoreRecord, actor: str) -> None:
        """Add a removed item again (a new item id)."""
        order_id, _ = target_parts(entry)
        body = restorable(entry.before)
        await self.orders.add_item(store, order_id, body, actor=actor, revert_of=entry.id)

    async def recreate_order(self, entry: AuditEntry, store: StoreRecord, actor: str) -> None:
        """Create a new order from a deleted order's snapshot (a new Order Desk id)."""
        await self.orders.create(store, recreation(entry.before), actor=actor, revert_of=entry.id)


def _newest_after(entry_id: int, actor: str) -> AuditEntry:
    """The newest ledger row ``actor`` wrote after ``entry_id`` (the undo just made)."""
    row = (
        AuditEvent.select()
        .where((AuditEvent.id > entry_id) & (AuditEvent.actor == actor))
        .order_by(AuditEvent.id.desc())
        .first()
    )
    if row is None:
        raise RevertError(f"The undo of activity entry #{entry_id} left no record.")
    return entry_of(row)
