"""One sandbox store: its orders, inventory, folders, counters and request log.

All state is guarded by ``store.lock`` (an RLock); HTTP handlers and the public helpers take it.
"""

from __future__ import annotations

import copy
import threading
from collections import Counter
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Any

from app.sandbox.bucket import LeakyBucket
from app.sandbox.catalog import INVENTORY_ID_BASE, build_catalog, inventory_record
from app.sandbox.dates import day_after, next_stamp
from app.sandbox.errors import not_found
from app.sandbox.generate import ITEM_ID_BASE, ORDER_ID_BASE, SHIPMENT_ID_BASE, OrderFactory
from app.sandbox.query import OrderIndex, OrderQuery
from app.sandbox.records import recalc_totals
from app.sandbox.rows import OrderRow, refresh_row, row_from_order
from app.sandbox.spec import SandboxStoreSpec

API_ID_GAP = 1000


class SandboxStore:
    """State of one generated Order Desk store behind the sandbox server.

    Attributes:
        spec: The spec the store was generated from.
        orders: Stored orders keyed by id; reading an order materialises and keeps it.
        inventory: Stored inventory items keyed by id.
        folders: Folder id to name, in the store's order.
        bucket: The store's leaky bucket.
        lock: Guards every piece of state above.
    """

    def __init__(self, spec: SandboxStoreSpec, bucket: LeakyBucket) -> None:
        self.spec = spec
        self.lock = threading.RLock()
        self.bucket = bucket
        self.folders = dict(spec.folders)
        end = int(spec.end.timestamp())
        start = day_after(end, -spec.days)
        catalog = build_catalog(spec.inventory)
        self.factory = OrderFactory(
            seed=spec.seed,
            count=spec.orders,
            start=start,
            end=end,
            store_id=spec.store_id,
            folders=self.folders,
            catalog=catalog,
        )
        self.rows: dict[str, OrderRow] = {str(r.id): r for r in self.factory.rows()}
        self.orders = OrderTable(self)
        self.inventory: dict[str, dict[str, Any]] = {}
        for number, product in enumerate(catalog[: spec.inventory]):
            record = inventory_record(product, number, spec.seed, start - 90 * 86_400)
            self.inventory[record["id"]] = record
        self.index = OrderIndex()
        self._sources: dict[tuple[str, str], str] | None = None
        self._counts: Counter[tuple[str, str]] = Counter()
        self._next = {
            "order": ORDER_ID_BASE + spec.orders + API_ID_GAP,
            "item": ITEM_ID_BASE + spec.orders * 8 + API_ID_GAP,
            "shipment": SHIPMENT_ID_BASE + spec.orders * 2 + API_ID_GAP,
            "inventory": INVENTORY_ID_BASE + spec.inventory + API_ID_GAP,
        }

    @property
    def store_id(self) -> str:
        """The store id clients authenticate with."""
        return self.spec.store_id

    # Request log -------------------------------------------------------------------------

    def count_request(self, method: str, path: str) -> None:
        """Record one authenticated request (``path`` relative to ``/api/v2``)."""
        with self.lock:
            self._counts[(method.upper(), path)] += 1

    def request_count(self, method: str | None = None, path_prefix: str | None = None) -> int:
        """Return how many authenticated requests reached this store.

        Args:
            method: Only count this HTTP method (any case).
            path_prefix: Only count paths starting with this (``/orders`` or ``/api/v2/orders``).
        """
        prefix = (path_prefix or "").removeprefix("/api/v2")
        with self.lock:
            return sum(
                count
                for (verb, path), count in self._counts.items()
                if (method is None or verb == method.upper()) and path.startswith(prefix)
            )

    def reset_counts(self) -> None:
        """Forget all counted requests."""
        with self.lock:
            self._counts.clear()

    # Orders ------------------------------------------------------------------------------

    def edit_order(self, order_id: str | int, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply an edit "from elsewhere" (as if someone changed the order in Order Desk).

        Deep-merges ``changes`` into the stored order, recomputes totals when items changed and
        bumps ``date_updated``.

        Returns:
            A copy of the order after the edit.

        Raises:
            ApiError: 404 when the order does not exist.
        """
        with self.lock:
            order = self.order(str(order_id))
            _deep_merge(order, changes)
            if "order_items" in changes:
                recalc_totals(order)
            order["date_updated"] = next_stamp(order.get("date_updated"))
            self.commit(str(order_id))
            return copy.deepcopy(order)

    def row(self, order_id: str) -> OrderRow:
        """Return the index row of an order, or raise a 404 :class:`ApiError`."""
        row = self.rows.get(order_id)
        if row is None:
            raise not_found("Order", order_id)
        return row

    def order(self, order_id: str) -> dict[str, Any]:
        """Return the stored (materialised) order dict, or raise a 404 :class:`ApiError`."""
        row = self.row(order_id)
        if row.full is None:
            row.full = copy.deepcopy(self.factory.render(row))
        return row.full

    def view(self, row: OrderRow) -> dict[str, Any]:
        """Return an order for reading without materialising it (do not mutate the result)."""
        return row.full if row.full is not None else self.factory.render(row)

    def field_value(self, row: OrderRow, field: str) -> object:
        """Return one top-level field of an order (used to sort by non-indexed fields)."""
        return self.view(row).get(field)

    def select(self, query: OrderQuery) -> Sequence[OrderRow]:
        """Return the rows matching a list query, sorted (cached until the next write)."""
        return self.index.select(self.rows.values(), query, self.field_value)

    def commit(self, order_id: str) -> None:
        """Re-index an order after its stored dict changed."""
        row = self.rows[order_id]
        old_key = (row.source_name, row.source_id)
        refresh_row(row)
        if self._sources is not None and old_key != (row.source_name, row.source_id):
            if self._sources.get(old_key) == order_id:
                del self._sources[old_key]
            self._sources[(row.source_name, row.source_id)] = order_id
        self.index.invalidate()

    def insert(self, order: dict[str, Any]) -> None:
        """Add a new stored order (its ``id`` must be set)."""
        row = row_from_order(order)
        self.rows[str(row.id)] = row
        if self._sources is not None:
            self._sources[(row.source_name, row.source_id)] = str(row.id)
        self.index.invalidate()

    def remove(self, order_id: str) -> None:
        """Delete an order, or raise a 404 :class:`ApiError`."""
        row = self.row(order_id)
        del self.rows[order_id]
        if self._sources is not None and self._sources.get(_key(row)) == order_id:
            del self._sources[_key(row)]
        self.index.invalidate()

    def order_with_source(self, source_name: str, source_id: str) -> str | None:
        """Return the id of the order imported with this source pair, if any."""
        if self._sources is None:
            self._sources = {_key(row): order_id for order_id, row in self.rows.items()}
        return self._sources.get((source_name, source_id))

    def next_id(self, kind: str) -> int:
        """Return a fresh id for ``kind`` (order, item, shipment or inventory)."""
        with self.lock:
            value = self._next[kind]
            self._next[kind] = value + 1
            return value


def _key(row: OrderRow) -> tuple[str, str]:
    return (row.source_name, row.source_id)


def _deep_merge(target: dict[str, Any], changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


class OrderTable(MutableMapping[str, dict[str, Any]]):
    """``store.orders``: a dict-like view of stored orders keyed by id.

    Reading an order materialises its full record and keeps it, so changes a test makes to
    the returned dict are what the server serves. Index fields (folder, dates, names used by
    filters) only follow such direct changes after :meth:`SandboxStore.edit_order` or an API
    write; prefer ``edit_order`` in tests.
    """

    def __init__(self, store: SandboxStore) -> None:
        self._store = store

    def __getitem__(self, order_id: str) -> dict[str, Any]:
        with self._store.lock:
            if str(order_id) not in self._store.rows:
                raise KeyError(order_id)
            return self._store.order(str(order_id))

    def __setitem__(self, order_id: str, order: dict[str, Any]) -> None:
        with self._store.lock:
            order["id"] = str(order_id)
            if str(order_id) in self._store.rows:
                self._store.remove(str(order_id))
            self._store.insert(order)

    def __delitem__(self, order_id: str) -> None:
        with self._store.lock:
            if str(order_id) not in self._store.rows:
                raise KeyError(order_id)
            self._store.remove(str(order_id))

    def __iter__(self) -> Iterator[str]:
        with self._store.lock:
            return iter(list(self._store.rows))

    def __len__(self) -> int:
        return len(self._store.rows)

    def __contains__(self, order_id: object) -> bool:
        return str(order_id) in self._store.rows
