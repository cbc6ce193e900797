"""``OrderService``: search, read, create, update, delete, move and annotate orders.

Every write takes ``actor`` (``gui``, ``mcp:<client>``), is recorded in the audit log, drops
the cache entries it touches and publishes ``order.changed`` / ``order.deleted``.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.orderdesk import MoveResult, Order, OrderDeskError, to_id
from app.core.orderdesk.results import MovedOrder
from app.core.services import cache as kinds
from app.core.services.audit import AuditEntry
from app.core.services.context import ServiceContext
from app.core.services.errors import InvalidChangeError, RevertError
from app.core.services.filters import FolderRef, folder_id_of
from app.core.services.filters import resolve_folder as find_folder
from app.core.services.merge import ORDER_RULES, FieldChange, apply_changes, diff
from app.core.services.order_lines import OrderLines, revert_content
from app.core.services.records import StoreRecord
from app.core.services.reverts import back_changes
from app.core.services.update import Confirm, UpdatePlan, check_version, read_modify_write

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OrderUpdate:
    """The result of :meth:`OrderService.update`.

    Attributes:
        order: The order as Order Desk stored it (unchanged when nothing differed).
        changes: The fields the update changed (empty: nothing to do, nothing was sent).
        audit_id: The audit entry of the write (None when nothing was written).
        merged_on: ``date_updated`` of the version the change was merged on (the GET).
        window_ms: Measured time between that GET's answer and the PUT's answer.
    """

    order: Order
    changes: tuple[FieldChange, ...]
    audit_id: int | None
    merged_on: str | None = None
    window_ms: float | None = None

    @property
    def written(self) -> bool:
        """True when a PUT was sent."""
        return bool(self.changes)


class OrderService(OrderLines):
    """Orders of registered stores; every method runs on the engine loop."""

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)
        ctx.audit.register_revert("order.update", self._revert)
        ctx.audit.register_revert("order.revert", self._revert)

    # Update -------------------------------------------------------------------------------

    def _plan(
        self,
        store: StoreRecord,
        order_id: str,
        changes: Mapping[str, Any],
        expected: str | None,
        based_on: Mapping[str, Any] | None,
        confirm: Confirm | None = None,
    ) -> UpdatePlan:
        if not changes:
            raise InvalidChangeError("The change set is empty; name at least one field.")
        if based_on is not None and expected is None:
            expected = str(based_on.get("date_updated") or "") or None
        if based_on is None and expected is not None:
            cached = self._cached_order(store, order_id)
            based_on = cached.raw if cached is not None else None
        return UpdatePlan(order_id, dict(changes), ORDER_RULES, expected, based_on, confirm=confirm)

    async def preview_update(
        self,
        store: StoreRecord,
        order_id: str | int,
        changes: Mapping[str, Any],
        *,
        expected_date_updated: str | None = None,
    ) -> builtins.list[FieldChange]:
        """Return what :meth:`update` would change, without writing (one fresh GET).

        Raises:
            OrderConflict: ``expected_date_updated`` is not the current version.
            InvalidChangeError: The change set cannot be applied.
        """
        order_id = to_id(order_id)
        plan = self._plan(store, order_id, changes, expected_date_updated, None)
        current = await self.get(store, order_id, fresh=True)
        check_version(plan, current.raw)
        return diff(current.raw, apply_changes(current.raw, plan.changes, ORDER_RULES))

    async def update(
        self,
        store: StoreRecord,
        order_id: str | int,
        changes: Mapping[str, Any],
        *,
        actor: str,
        expected_date_updated: str | None = None,
        based_on: Mapping[str, Any] | None = None,
        confirm: Confirm | None = None,
    ) -> OrderUpdate:
        """Change the fields ``changes`` names and keep every other field as it is now.

        Fresh GET, apply (see :mod:`app.core.services.merge`), PUT the full order: two requests
        when uncontested. See :mod:`app.core.services.update` for conflicts and the short
        window between our GET and PUT that the API cannot close.

        Args:
            store: The store.
            order_id: The order.
            changes: The change set.
            actor: Who writes.
            expected_date_updated: ``date_updated`` of the copy the change was based on;
                another current value raises :class:`OrderConflict` (None: merge on latest).
            based_on: The full copy the caller read (implies its ``date_updated``).
            confirm: Called with the merged changes between the GET and the PUT; it must
                decide at once (an AI client's "allow" policy). A caller that must wait for
                a person previews first and passes the version it showed instead.

        Raises:
            OrderConflict: The order changed since the caller read it; nothing was written.
            InvalidChangeError: The change set is empty or cannot be applied.
            OrderDeskError: Order Desk refused or failed.
        """
        order_id = to_id(order_id)
        plan = self._plan(store, order_id, changes, expected_date_updated, based_on, confirm)
        return await self._run_update(store, plan, actor, "order.update")

    async def _run_update(
        self, store: StoreRecord, plan: UpdatePlan, actor: str, action: str
    ) -> OrderUpdate:
        client, once = await self._client(store), await self._ctx.pool.single_shot(store)
        order_id = plan.record_id

        reserve = self._ctx.pool.limiter(store).reserve

        async def read() -> dict[str, Any]:
            return (await client.get_order(order_id)).raw

        async def write(body: dict[str, Any]) -> dict[str, Any]:
            return (await once.update_order(order_id, body)).raw

        outcome, entry = await self._ctx.audited(
            actor=actor, store=store, action=action, target=f"order:{order_id}",
            before=None, attempt=plan.changes,
            write=lambda: read_modify_write(plan, read, write, self._ctx.pool.retry, reserve),
            after=lambda done: done.stored, before_of=lambda done: done.before,
            window_of=lambda done: done.window_ms, unchanged=lambda done: not done.written,
        )  # fmt: skip
        if not outcome.written:
            self._ctx.cache.put(
                store.key, kinds.ORDER, {"order_id": order_id}, Order(outcome.before)
            )
            return OrderUpdate(Order(outcome.before), (), None)
        await self._mirror_written(store, outcome.stored)
        self._changed(store, [order_id], "updated", entry, stored=outcome.stored)
        merged_on = str(outcome.before.get("date_updated") or "") or None
        return OrderUpdate(
            Order(outcome.stored), outcome.changes, entry.id, merged_on, outcome.window_ms
        )

    async def _revert(self, entry: AuditEntry, actor: str) -> AuditEntry:
        if entry.store_id is None or not entry.target or not entry.target.startswith("order:"):
            raise RevertError(f"Activity entry #{entry.id} names no order.")
        store = await self.store_of(entry.store_id)
        changes = back_changes(entry, ORDER_RULES)
        order_id = entry.target.removeprefix("order:")
        plan = UpdatePlan(
            order_id, changes, ORDER_RULES, str(entry.after.get("date_updated") or ""), entry.after
        )
        result = await self._run_update(store, plan, actor, "order.revert")
        if result.audit_id is None:
            raise RevertError(f"Order {order_id} already has the values from before #{entry.id}.")
        return await self._ctx.audit.get(result.audit_id)

    async def store_of(self, store_id: int) -> StoreRecord:
        """The registered store with our id ``store_id`` (for undoing its writes)."""
        from app.core.db.models import Store
        from app.core.services.stores import store_record

        row = Store.get_or_none(Store.id == store_id)
        if row is None:
            raise RevertError(f"Store {store_id} is no longer registered.")
        return store_record(row)

    # Create, delete, move, notes ----------------------------------------------------------

    async def create(
        self,
        store: StoreRecord,
        order: Mapping[str, Any],
        *,
        actor: str,
        revert_of: int | None = None,
    ) -> Order:
        """Create an order (``POST /orders``); ``revert_of``: the deletion it recreates.

        An identical create (same ``source_id``) inside the duplicate window is refused. If the
        POST may have reached Order Desk but no answer came back, the order is looked up by
        ``source_id`` instead of being sent again.

        Raises:
            DuplicateWriteError: The same ``source_id`` was created moments ago.
            ValidationError: Order Desk refused the order (e.g. an existing duplicate).
        """
        source_id = str(order.get("source_id") or "").strip()
        body = dict(order)

        async def write() -> Order:
            client = await self._client(store)
            try:
                return await client.create_order(body)
            except OrderDeskError as error:
                found = None
                if error.may_have_applied and source_id:
                    found = await self.find_by_source_id(store, source_id)
                if found is None:
                    raise
                log.info("order create timed out but order %s exists; using it", found.id)
                return found

        created, entry = await self._ctx.audited(
            actor=actor, store=store, action="order.create",
            target=lambda made: f"order:{made.id}", before=None, attempt=body,
            write=write, after=lambda made: made.raw,
            content=revert_content({"source_id": source_id} if source_id else body, revert_of),
            replay=lambda row: Order(dict(row.after or {})),
            what=f"the order with source_id {source_id!r}" if source_id else "this order",
            done=lambda row: f"order {(row.after or {}).get('id', '?')}",
        )  # fmt: skip
        await self._mirror_written(store, created.raw)
        self._changed(store, [created.id], "created", entry, stored=created.raw)
        return created

    async def delete(self, store: StoreRecord, order_id: str | int, *, actor: str) -> None:
        """Delete an order permanently (one GET for the audit snapshot, then DELETE)."""
        order_id = to_id(order_id)
        before = await self.get(store, order_id, fresh=True)
        client = await self._client(store)
        _, entry = await self._ctx.audited(
            actor=actor, store=store, action="order.delete", target=f"order:{order_id}",
            before=before.raw, attempt=None,
            write=lambda: client.delete_order(order_id), after=lambda _: None,
        )  # fmt: skip
        if self._ctx.mirror is not None:
            await self._ctx.mirror.mirror_deleted(store, [order_id])
        self._deleted(store, order_id, entry)

    async def move(
        self,
        store: StoreRecord,
        order_ids: Sequence[str | int],
        folder: FolderRef,
        *,
        actor: str,
        batch: str | None = None,
        revert_of: int | None = None,
    ) -> MoveResult:
        """Move orders to a folder (by id or name); the folder's Order Desk rules run.

        One ledger row for the request; a bulk job moves one order per call with its
        ``batch`` id, so Activity has one row per order, grouped. ``revert_of`` names the move
        this one undoes (it is not answered from an identical move made moments ago).

        Raises:
            FolderNotFoundError: No such folder.
        """
        ids = [to_id(i) for i in order_ids]
        if not ids:
            raise InvalidChangeError("Name at least one order to move.")
        folder_id = folder_id_of(folder)
        if folder_id is None:
            folder_id = find_folder(folder, (await self._ctx.store_info(store)).folders)
        client = await self._client(store)
        result, entry = await self._ctx.audited(
            actor=actor, store=store, action="order.move", target="orders:" + ",".join(ids),
            before=None, attempt={"order_ids": ids, "folder_id": folder_id},
            content=revert_content({"order_ids": ids, "folder_id": folder_id}, revert_of),
            write=lambda: client.move_orders(ids, folder_id=folder_id),
            after=lambda moved: {
                "folder_id": folder_id,
                "moved": [vars(m) for m in moved.moved],
            },
            replay=_moved_again, already="Already moved",
            what=f"the move of {len(ids)} order(s) to folder {folder_id}",
            done=lambda row: f"{len(ids)} order(s) to folder {folder_id}", batch=batch,
        )  # fmt: skip
        if self._ctx.mirror is not None:
            await self._ctx.mirror.mirror_moved(store, ids, folder_id)
        self._changed(store, ids, "moved", entry, folder_id=folder_id)
        return result

    async def add_note(
        self,
        store: StoreRecord,
        order_id: str | int,
        note: str,
        *,
        actor: str,
        source_name: str | None = None,
        batch: str | None = None,
    ) -> None:
        """Append a note to an order's history (append-only in Order Desk); ``batch``: the
        bulk job it is one order of.

        Raises:
            DuplicateWriteError: The same note was added to this order moments ago.
        """
        order_id, text = to_id(order_id), note.strip()
        if not text:
            raise InvalidChangeError("A history note needs some text.")
        client = await self._client(store)
        _, entry = await self._ctx.audited(
            actor=actor, store=store, action="order.note", target=f"order:{order_id}",
            before=None, attempt={"note": text},
            write=lambda: client.add_order_history(order_id, text, source_name=source_name),
            after=lambda _: {"note": text, "source_name": source_name},
            content={"note": text}, replay=lambda row: None,
            what=f"this history note on order {order_id}",
            done=lambda row: f"this history note on order {order_id}", batch=batch,
        )  # fmt: skip
        self._changed(store, [order_id], "note", entry)


def _moved_again(row: AuditEntry) -> MoveResult:
    """The first result of a move, rebuilt from its ledger row."""
    after = row.after if isinstance(row.after, dict) else {}
    moved = [MovedOrder(**m) for m in after.get("moved", []) if isinstance(m, dict)]
    return MoveResult(message=f"Already moved (activity #{row.id}).", moved=moved, raw={})
