"""``InventoryService``: list, search, read, create, update (merge), delete, batch update.

Filtering: ``code`` (exact SKU) and ``search`` (free text) are Order Desk's own filters and run
on the server. ``name``, ``description`` and ``category`` have no server filter; they are
applied locally over the pages the server returns (narrow with ``code``/``search`` when you can,
or expect a full walk of the inventory, 500 items per request).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.events import INVENTORY_CHANGED
from app.core.orderdesk import BatchResult, InventoryItem, InventoryPage, to_id
from app.core.orderdesk.parsing import MAX_PAGE_SIZE, check_page_request
from app.core.services import cache as kinds
from app.core.services.context import ServiceContext
from app.core.services.errors import InvalidChangeError
from app.core.services.merge import INVENTORY_RULES, apply_changes
from app.core.services.records import InventoryList, StoreRecord
from app.core.services.update import UpdatePlan, read_modify_write

"""Event kind published after an inventory write (not yet in :mod:`app.core.events`)."""
DESCRIPTION_KEYS = ("description", "short_description", "long_description")
CATEGORY_KEYS = ("category", "category_code")


@dataclass(frozen=True)
class InventoryFilters:
    """An inventory search; fields combine with AND, text matches are case-insensitive.

    Attributes:
        code: Exact SKU (server side).
        search: Free text (server side; Order Desk decides which fields it searches).
        name: Text in the item name (local).
        description: Text in a description, in the item or its ``metadata`` (local).
        category: Category, in the item or its ``metadata`` (local, exact, case-insensitive).
    """

    code: str | None = None
    search: str | None = None
    name: str | None = None
    description: str | None = None
    category: str | None = None

    @property
    def local(self) -> bool:
        """True when some filter must be applied locally."""
        return bool(self.name or self.description or self.category)

    def server_params(self) -> dict[str, str]:
        """The server-side part, as ``GET /inventory-items`` parameters."""
        params = {"code": self.code, "search": self.search}
        return {key: value.strip() for key, value in params.items() if value and value.strip()}

    def matches(self, item: InventoryItem) -> bool:
        """Apply the local part to one item."""
        raw, meta = item.raw, item.raw.get("metadata")
        fields = {**(meta if isinstance(meta, Mapping) else {}), **raw}
        if self.name and self.name.casefold() not in item.name.casefold():
            return False
        if self.description and not any(
            self.description.casefold() in str(fields.get(k) or "").casefold()
            for k in DESCRIPTION_KEYS
        ):
            return False
        return not self.category or any(
            self.category.strip().casefold() == str(fields.get(k) or "").strip().casefold()
            for k in CATEGORY_KEYS
        )


class InventoryService:
    """Inventory of registered stores; every method runs on the engine loop."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    async def list(
        self,
        store: StoreRecord,
        filters: InventoryFilters | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
        fresh: bool = False,
    ) -> InventoryList:
        """One page of items. With a local filter the page is cut from the filtered walk.

        Args:
            store: The store.
            filters: The search (server filters sent as such; see the module docstring).
            limit: Page size, 1..500.
            offset: Offset in the (filtered) list.
            fresh: Read Order Desk now: the store's cached inventory reads are dropped first.
        """
        check_page_request(limit, offset)
        if fresh:
            self._ctx.cache.drop_inventory(store.key)
        filters = filters or InventoryFilters()
        if filters.local:
            return await self._local_page(store, filters, limit, offset)
        page = await self._page(store, filters.server_params(), limit, offset)
        following = None if page.is_last else page.offset + page.records_returned
        return InventoryList(
            tuple(page.records), page.total_records, page.offset, page.limit, following
        )

    async def _page(
        self, store: StoreRecord, params: dict[str, str], limit: int, offset: int
    ) -> InventoryPage:
        async def fetch() -> InventoryPage:
            client = await self._ctx.pool.client(store)
            return await client.list_inventory_items(limit=limit, offset=offset, **params)

        key = {**params, "limit": limit, "offset": offset}
        return await self._ctx.cache.get(store.key, kinds.INVENTORY_LIST, key, fetch)

    async def _local_page(
        self, store: StoreRecord, filters: InventoryFilters, limit: int, offset: int
    ) -> InventoryList:
        matched = [item async for item in self.iter_all(store, filters)]
        chunk = tuple(matched[offset : offset + limit])
        following = offset + len(chunk) if offset + len(chunk) < len(matched) else None
        return InventoryList(chunk, len(matched), offset, limit, following)

    async def iter_all(
        self, store: StoreRecord, filters: InventoryFilters | None = None
    ) -> AsyncIterator[InventoryItem]:
        """Yield every matching item, 500 per request (local filters applied on the way)."""
        filters = filters or InventoryFilters()
        params, offset = filters.server_params(), 0
        while True:
            page = await self._page(store, params, MAX_PAGE_SIZE, offset)
            for item in page.records:
                if filters.matches(item):
                    yield item
            if page.is_last:
                return
            offset = page.offset + page.records_returned

    async def get(self, store: StoreRecord, item_id: str | int) -> InventoryItem:
        """One item (cached for the inventory TTL)."""
        item_id = to_id(item_id)

        async def fetch() -> InventoryItem:
            return await (await self._ctx.pool.client(store)).get_inventory_item(item_id)

        params = {"item_id": item_id}
        return await self._ctx.cache.get(store.key, kinds.INVENTORY_ITEM, params, fetch)

    async def create(
        self, store: StoreRecord, item: Mapping[str, Any], *, actor: str
    ) -> InventoryItem:
        """Create an item (``name`` and a unique ``code`` are required)."""
        body = dict(item)
        client = await self._ctx.pool.client(store)
        created, entry = await self._ctx.audited(
            actor=actor, store=store, action="inventory.create",
            target=lambda made: f"inventory:{made.id}", before=None, attempt=body,
            write=lambda: client.create_inventory_item(body), after=lambda made: made.raw,
            content={"code": str(body.get("code") or "").strip()},
            replay=lambda row: InventoryItem(dict(row.after or {})),
            what=f"the inventory item with code {body.get('code')!r}",
            done=lambda row: f"inventory item {(row.after or {}).get('id', '?')}",
        )  # fmt: skip
        self._written(store, entry.id, created.id)
        return created

    async def update(
        self,
        store: StoreRecord,
        item_id: str | int,
        changes: Mapping[str, Any],
        *,
        actor: str,
        expected_date_updated: str | None = None,
    ) -> InventoryItem:
        """Change the named fields, keep the others (fresh GET, merge, PUT: two requests).

        Same change-set rules as orders; ``variation_list`` and ``metadata`` are free-form
        maps where ``None`` removes a key.

        Raises:
            OrderConflict: ``expected_date_updated`` is not the current version.
        """
        item_id = to_id(item_id)
        if not changes:
            raise InvalidChangeError("The change set is empty; name at least one field.")
        client, once = await self._ctx.pool.client(store), await self._ctx.pool.single_shot(store)

        reserve = self._ctx.pool.limiter(store).reserve

        async def read() -> dict[str, Any]:
            return (await client.get_inventory_item(item_id)).raw

        async def write(body: dict[str, Any]) -> dict[str, Any]:
            return (await once.update_inventory_item(item_id, body)).raw

        plan = UpdatePlan(
            item_id, dict(changes), INVENTORY_RULES, expected_date_updated, kind="inventory item"
        )
        outcome, entry = await self._ctx.audited(
            actor=actor, store=store, action="inventory.update", target=f"inventory:{item_id}",
            before=None, attempt=plan.changes,
            write=lambda: read_modify_write(plan, read, write, self._ctx.pool.retry, reserve),
            after=lambda done: done.stored, before_of=lambda done: done.before,
            window_of=lambda done: done.window_ms, unchanged=lambda done: not done.written,
        )  # fmt: skip
        self._written(store, entry.id, item_id)
        return InventoryItem(outcome.stored)

    async def delete(self, store: StoreRecord, item_id: str | int, *, actor: str) -> None:
        """Delete an item (one GET for the audit snapshot, then DELETE)."""
        item_id = to_id(item_id)
        client = await self._ctx.pool.client(store)
        before = await client.get_inventory_item(item_id)
        _, entry = await self._ctx.audited(
            actor=actor, store=store, action="inventory.delete", target=f"inventory:{item_id}",
            before=before.raw, attempt=None,
            write=lambda: client.delete_inventory_item(item_id), after=lambda _: None,
        )  # fmt: skip
        self._written(store, entry.id, item_id)

    async def update_batch(
        self, store: StoreRecord, updates: Sequence[Mapping[str, Any]], *, actor: str
    ) -> BatchResult:
        """Change many items in one PUT; each entry is ``{"id": ..., <changes>}``.

        The current items are read first (500 per request, or one GET each for a few) so
        every entry is sent complete, merged with the same rules as :meth:`update`. Per-item
        failures are in the result.
        """
        wanted = {to_id(u.get("id")): {k: v for k, v in u.items() if k != "id"} for u in updates}
        if not wanted or "" in wanted:
            raise InvalidChangeError("Every batch entry needs the id of an inventory item.")
        current = await self._current(store, list(wanted))
        bodies = [apply_changes(current[i].raw, wanted[i], INVENTORY_RULES) for i in wanted]
        client = await self._ctx.pool.client(store)
        result, entry = await self._ctx.audited(
            actor=actor, store=store, action="inventory.batch",
            target="inventory:" + ",".join(wanted),
            before=[current[i].raw for i in wanted], attempt=bodies,
            write=lambda: client.update_inventory_items_batch(bodies),
            after=lambda done: {"items": bodies, "results": [r.raw for r in done.results]},
        )  # fmt: skip
        self._written(store, entry.id, *wanted)
        return result

    async def _current(self, store: StoreRecord, ids: Sequence[str]) -> dict[str, InventoryItem]:
        client = await self._ctx.pool.client(store)
        if len(ids) <= 3:
            return {i: await client.get_inventory_item(i) for i in ids}
        found = {item.id: item async for item in client.iter_inventory_items()}
        missing = [i for i in ids if i not in found]
        if missing:
            raise InvalidChangeError(f"No inventory item with id {', '.join(missing)}.")
        return found

    def _written(self, store: StoreRecord, audit_id: int, *item_ids: str) -> None:
        self._ctx.cache.drop_inventory(store.key)
        self._ctx.publish(INVENTORY_CHANGED, store, item_ids=list(item_ids), audit_id=audit_id)
