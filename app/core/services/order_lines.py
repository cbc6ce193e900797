"""Order items and shipments: list, add, change (merge like orders), remove, batch shipments.

Item and shipment changes use the same change-set rules as orders (:mod:`merge`): the item or
shipment is read fresh, the change applied, and the full object PUT back (two requests).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from app.core.orderdesk import BatchResult, OrderItem, Shipment, to_id
from app.core.services import cache as kinds
from app.core.services.errors import InvalidChangeError
from app.core.services.merge import MergeRules
from app.core.services.order_base import OrderBase
from app.core.services.records import StoreRecord
from app.core.services.update import UpdatePlan, read_modify_write

_RO = "it is read-only"
ITEM_RULES: Final = MergeRules(
    fields=frozenset(
        {
            "id",
            "name",
            "price",
            "quantity",
            "weight",
            "code",
            "delivery_type",
            "category_code",
            "variation_list",
            "metadata",
        }
    ),
    refused={"id": _RO},
    free_maps=frozenset({"variation_list", "metadata"}),
)
SHIPMENT_RULES: Final = MergeRules(
    fields=frozenset(
        {
            "id",
            "order_id",
            "store_id",
            "tracking_number",
            "carrier_code",
            "shipment_method",
            "weight",
            "cost",
            "status",
            "tracking_url",
            "label_format",
            "label_image",
            "order_items",
            "print_status",
            "cart_shipment_id",
            "date_shipped",
            "date_added",
        }
    ),
    refused={"id": _RO, "order_id": _RO, "store_id": _RO, "date_added": _RO},
)
UNTRACKED = frozenset({"", "n/a", "na", "none"})


def _tracked(shipment: Mapping[str, Any]) -> bool:
    return str(shipment.get("tracking_number") or "").strip().casefold() not in UNTRACKED


def shipment_content(shipment: Mapping[str, Any]) -> Any:
    """What makes two shipments of one order identical: the tracking number, or the whole
    shipment when it has no real tracking number."""
    tracking = str(shipment.get("tracking_number") or "").strip().casefold()
    return dict(shipment) if tracking in UNTRACKED else {"tracking_number": tracking}


class OrderLines(OrderBase):
    """Item and shipment operations of :class:`~app.core.services.orders.OrderService`."""

    # Items --------------------------------------------------------------------------------

    async def list_items(self, store: StoreRecord, order_id: str | int) -> list[OrderItem]:
        """An order's items (cached for the orders TTL)."""
        order_id = to_id(order_id)

        async def fetch() -> list[OrderItem]:
            return await (await self._client(store)).list_order_items(order_id)

        params = {"order_id": order_id}
        return list(await self._ctx.cache.get(store.key, kinds.ORDER_ITEMS, params, fetch))

    async def add_item(
        self,
        store: StoreRecord,
        order_id: str | int,
        item: Mapping[str, Any],
        *,
        actor: str,
        revert_of: int | None = None,
    ) -> OrderItem:
        """Add an item; Order Desk recalculates the order totals.

        ``revert_of`` names the activity entry this add undoes (a removed item put back): such
        an add is not answered from an identical add made moments ago.
        """
        order_id, body = to_id(order_id), dict(item)
        client = await self._client(store)
        added, entry = await self._ctx.audited(
            actor=actor, store=store, action="order.item.add", target=f"order:{order_id}",
            before=None, attempt=body, content=revert_content(body, revert_of),
            write=lambda: client.add_order_item(order_id, body), after=lambda made: made.raw,
            replay=lambda row: OrderItem(dict(row.after or {})),
            what=f"this item on order {order_id}",
            done=lambda row: f"item {(row.after or {}).get('id', '?')} on order {order_id}",
        )  # fmt: skip
        self._changed(store, [order_id], "item_added", entry)
        return added

    async def update_item(
        self,
        store: StoreRecord,
        order_id: str | int,
        item_id: str | int,
        changes: Mapping[str, Any],
        *,
        actor: str,
        based_on: Mapping[str, Any] | None = None,
    ) -> OrderItem:
        """Change fields of one item (fresh GET of the item, merge, PUT: two requests).

        Args:
            store: The store.
            order_id: The order.
            item_id: The item.
            changes: The change set (:data:`ITEM_RULES`).
            actor: Who writes.
            based_on: The item as the caller showed it; when the fresh GET differs from it
                (items have no ``date_updated``) nothing is written (None: merge on latest).

        Raises:
            OrderConflict: The item changed since ``based_on`` was read.
        """
        order_id, item_id = to_id(order_id), to_id(item_id)
        client, once = await self._client(store), await self._ctx.pool.single_shot(store)

        reserve = self._ctx.pool.limiter(store).reserve

        async def read() -> dict[str, Any]:
            return (await client.get_order_item(order_id, item_id)).raw

        async def write(body: dict[str, Any]) -> dict[str, Any]:
            return (await once.update_order_item(order_id, item_id, body)).raw

        plan = _plan(item_id, changes, ITEM_RULES, "order item", based_on)
        outcome, entry = await self._ctx.audited(
            actor=actor, store=store, action="order.item.update",
            target=f"order:{order_id}/item:{item_id}", before=None, attempt=plan.changes,
            write=lambda: read_modify_write(plan, read, write, self._ctx.pool.retry, reserve),
            after=lambda done: done.stored, before_of=lambda done: done.before,
            window_of=lambda done: done.window_ms, unchanged=lambda done: not done.written,
        )  # fmt: skip
        self._changed(store, [order_id], "item_updated", entry)
        return OrderItem(outcome.stored)

    async def remove_item(
        self, store: StoreRecord, order_id: str | int, item_id: str | int, *, actor: str
    ) -> None:
        """Remove one item (one GET for the audit snapshot, then DELETE)."""
        order_id, item_id = to_id(order_id), to_id(item_id)
        client = await self._client(store)
        before = await client.get_order_item(order_id, item_id)
        _, entry = await self._ctx.audited(
            actor=actor, store=store, action="order.item.remove",
            target=f"order:{order_id}/item:{item_id}", before=before.raw, attempt=None,
            write=lambda: client.delete_order_item(order_id, item_id), after=lambda _: None,
        )  # fmt: skip
        self._changed(store, [order_id], "item_removed", entry)

    # Shipments ----------------------------------------------------------------------------

    async def list_shipments(self, store: StoreRecord, order_id: str | int) -> list[Shipment]:
        """An order's shipments (cached for the orders TTL)."""
        order_id = to_id(order_id)

        async def fetch() -> list[Shipment]:
            return await (await self._client(store)).list_shipments(order_id)

        params = {"order_id": order_id}
        return list(await self._ctx.cache.get(store.key, kinds.SHIPMENTS, params, fetch))

    async def add_shipment(
        self,
        store: StoreRecord,
        order_id: str | int,
        shipment: Mapping[str, Any],
        *,
        actor: str,
        revert_of: int | None = None,
    ) -> Shipment:
        """Add a shipment (``tracking_number`` required; ``"n/a"`` when there is none).

        ``revert_of`` names the activity entry this add undoes (a deleted shipment restored):
        such an add is not answered from the identical add that created it first.

        Raises:
            DuplicateWriteError: The same tracking number was added to this order moments ago.
        """
        order_id, body = to_id(order_id), dict(shipment)
        if not str(body.get("tracking_number") or "").strip():
            raise InvalidChangeError('A shipment needs a tracking_number (use "n/a" if none).')
        client = await self._client(store)
        added, entry = await self._ctx.audited(
            actor=actor, store=store, action="shipment.add", target=f"order:{order_id}",
            before=None, attempt=body, content=revert_content(shipment_content(body), revert_of),
            write=lambda: client.add_shipment(order_id, body), after=lambda made: made.raw,
            replay=(lambda row: Shipment(dict(row.after or {}))) if _tracked(body) else None,
            what=f"shipment {body['tracking_number']} on order {order_id}",
            done=lambda row: f"shipment {(row.after or {}).get('id', '?')} on order {order_id}",
        )  # fmt: skip
        self._changed(store, [order_id], "shipment_added", entry)
        return added

    async def update_shipment(
        self,
        store: StoreRecord,
        order_id: str | int,
        shipment_id: str | int,
        changes: Mapping[str, Any],
        *,
        actor: str,
        based_on: Mapping[str, Any] | None = None,
    ) -> Shipment:
        """Change fields of one shipment (fresh GET, merge, PUT: two requests).

        ``based_on`` is the shipment as the caller showed it: when the fresh GET differs from
        it nothing is written (:class:`OrderConflict`); None merges on the latest.
        """
        order_id, shipment_id = to_id(order_id), to_id(shipment_id)
        client, once = await self._client(store), await self._ctx.pool.single_shot(store)

        reserve = self._ctx.pool.limiter(store).reserve

        async def read() -> dict[str, Any]:
            return (await client.get_shipment(order_id, shipment_id)).raw

        async def write(body: dict[str, Any]) -> dict[str, Any]:
            return (await once.update_shipment(order_id, shipment_id, body)).raw

        plan = _plan(shipment_id, changes, SHIPMENT_RULES, "shipment", based_on)
        outcome, entry = await self._ctx.audited(
            actor=actor, store=store, action="shipment.update",
            target=f"order:{order_id}/shipment:{shipment_id}", before=None,
            attempt=plan.changes,
            write=lambda: read_modify_write(plan, read, write, self._ctx.pool.retry, reserve),
            after=lambda done: done.stored, before_of=lambda done: done.before,
            window_of=lambda done: done.window_ms, unchanged=lambda done: not done.written,
        )  # fmt: skip
        self._changed(store, [order_id], "shipment_updated", entry)
        return Shipment(outcome.stored)

    async def delete_shipment(
        self, store: StoreRecord, order_id: str | int, shipment_id: str | int, *, actor: str
    ) -> None:
        """Delete one shipment (one GET for the audit snapshot, then DELETE)."""
        order_id, shipment_id = to_id(order_id), to_id(shipment_id)
        client = await self._client(store)
        before = await client.get_shipment(order_id, shipment_id)
        _, entry = await self._ctx.audited(
            actor=actor, store=store, action="shipment.delete",
            target=f"order:{order_id}/shipment:{shipment_id}", before=before.raw,
            attempt=None, write=lambda: client.delete_shipment(order_id, shipment_id),
            after=lambda _: None,
        )  # fmt: skip
        self._changed(store, [order_id], "shipment_deleted", entry)

    async def add_shipments_batch(
        self, store: StoreRecord, shipments: Sequence[Mapping[str, Any]], *, actor: str
    ) -> BatchResult:
        """Add shipments to many orders in one request; per-entry failures are in the result.

        Each entry needs its ``order_id`` and ``tracking_number``. The batch is refused as a
        whole when any entry repeats a shipment added moments ago (or another entry).
        """
        bodies = [dict(s) for s in shipments]
        if not bodies:
            raise InvalidChangeError("The batch is empty.")
        order_ids = [to_id(body.get("order_id")) for body in bodies]
        if not all(order_ids):
            raise InvalidChangeError("Every shipment in a batch needs its order_id.")
        pairs = list(zip(order_ids, bodies, strict=True))
        for oid, body in pairs:
            if _tracked(body):
                self._ctx.writes.refuse_recent(
                    store, "shipment.add", f"order:{oid}", shipment_content(body),
                    f"shipment {body['tracking_number']} on order {oid}",
                )  # fmt: skip
        content = [[oid, shipment_content(body)] for oid, body in pairs]
        client = await self._client(store)
        result, entry = await self._ctx.audited(
            actor=actor, store=store, action="shipment.batch",
            target="orders:" + ",".join(dict.fromkeys(order_ids)), before=None, attempt=bodies,
            content=content, write=lambda: client.add_shipments_batch(bodies),
            after=lambda done: {"shipments": bodies, "results": [r.raw for r in done.results]},
            replay=lambda row: BatchResult.from_envelope(dict(row.after or {})),
            what="this batch of shipments", done=lambda row: "this batch of shipments",
        )  # fmt: skip
        self._changed(store, list(dict.fromkeys(order_ids)), "shipments_added", entry)
        return result


def _plan(
    record_id: str,
    changes: Mapping[str, Any],
    rules: MergeRules,
    kind: str,
    based_on: Mapping[str, Any] | None = None,
) -> UpdatePlan:
    if not changes:
        raise InvalidChangeError("The change set is empty; name at least one field.")
    return UpdatePlan(
        record_id, dict(changes), rules, based_on=based_on, kind=kind,
        compare_copy=based_on is not None,
    )  # fmt: skip


def revert_content(content: Any, revert_of: int | None) -> Any:
    """What identifies an add; a revert's add is its own write (not a repeat of the first)."""
    return content if revert_of is None else {"revert_of": revert_of, "content": content}
