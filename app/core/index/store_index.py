"""``OrderIndex``: the synchronous operations on one store's index file.

Methods are blocking and safe from any thread (each thread uses its own connection); the
service runs them in worker threads so the engine loop never waits on the disk.
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any

from app.core.index.database import IndexDatabase
from app.core.index.extract import ROW_COLUMNS, OrderRecord, order_record
from app.core.index.keys import date_key, tags_text
from app.core.index.models import GroupBy, SearchFilters, SortKey, StatsGroup
from app.core.index.search import Found, search_orders
from app.core.index.stats import order_stats

_ROW_COLUMNS = ("rowid", *ROW_COLUMNS, "date_key")
# An upsert, not a replace: the day-summary triggers see an update as one (OLD, NEW) change.
_UPSERT_ROW = (
    f"INSERT INTO orders({', '.join(_ROW_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join('?' * len(_ROW_COLUMNS))}) "
    f"ON CONFLICT(rowid) DO UPDATE SET "
    f"{', '.join(f'{column} = excluded.{column}' for column in _ROW_COLUMNS[1:])}"
)
_INSERT_TEXT = (
    "INSERT INTO orders_fts(rowid, ids, people, items, notes, tags) VALUES (?, ?, ?, ?, ?, ?)"
)
_UPSERT_RAW = "INSERT OR REPLACE INTO records(rowid, raw) VALUES (?, ?)"
_UPSERT_SEEN = "INSERT OR REPLACE INTO seen(rowid, at) VALUES (?, ?)"
_CHUNK = 500
_ADDED = ROW_COLUMNS.index("date_added")
_FOLDER = ROW_COLUMNS.index("folder_id")
_SOURCE = ROW_COLUMNS.index("source_name")


PreparedPage = list[tuple[OrderRecord, bytes]]
"""A page of orders ready to write: each order's index record and its packed full record."""


def prepare_page(raws: Iterable[Mapping[str, Any]]) -> PreparedPage:
    """Turn orders into what :meth:`OrderIndex.write_prepared` stores (pure; any thread).

    Orders without an id are left out; of two with the same id, the last one counts.
    """
    records: dict[int, tuple[OrderRecord, bytes]] = {}
    for raw in raws:
        try:
            record = order_record(raw)
        except ValueError:
            continue
        records[record.rowid] = (record, pack_raw(raw))
    return list(records.values())


def _not_older(
    connection: sqlite3.Connection, pairs: list[tuple[OrderRecord, bytes]], at: float
) -> list[tuple[OrderRecord, bytes]]:
    """The records that are not older than what the mirror holds for the same orders."""
    held: dict[int, tuple[float, int | None]] = {}
    for start in range(0, len(pairs), _CHUNK):
        chunk = [record.rowid for record, _ in pairs[start : start + _CHUNK]]
        marks = ",".join("?" * len(chunk))
        rows = connection.execute(
            f"SELECT s.rowid, s.at, o.date_updated FROM seen s JOIN orders o "  # noqa: S608
            f"ON o.rowid = s.rowid WHERE s.rowid IN ({marks}) AND s.at > ?",
            (*chunk, at),
        )
        held.update((int(rowid), (float(seen), updated)) for rowid, seen, updated in rows)
    return [pair for pair in pairs if not _superseded(pair[0], held.get(pair[0].rowid))]


def _superseded(record: OrderRecord, held: tuple[float, int | None] | None) -> bool:
    if held is None:
        return False
    incoming, kept = record.date_updated, held[1]
    return incoming is None or kept is None or int(kept) >= incoming


def _assign_keys(
    connection: sqlite3.Connection, records: list[OrderRecord]
) -> tuple[dict[int, int], dict[int, int]]:
    """The date keys the orders hold now, and the ones they get (the next free one on a clash)."""
    wanted = {r.rowid: date_key(r.values[_ADDED], r.rowid) for r in records}
    old: dict[int, int] = {}
    owners: dict[int, int | None] = dict.fromkeys(wanted.values())
    rowids = list(wanted)
    for start in range(0, len(rowids), _CHUNK):
        chunk = rowids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT rowid, date_key FROM orders WHERE rowid IN ({marks})"  # noqa: S608
        old.update(connection.execute(sql, chunk).fetchall())
        sql = f"SELECT date_key, rowid FROM orders WHERE date_key IN ({marks})"  # noqa: S608
        owners.update(connection.execute(sql, [wanted[rowid] for rowid in chunk]).fetchall())

    def owner(key: int) -> int | None:
        if key not in owners:
            row = connection.execute("SELECT rowid FROM orders WHERE date_key = ?", (key,))
            owners[key] = next((int(found) for (found,) in row), None)
        return owners[key]

    given: dict[int, int] = {}
    used: set[int] = set()
    for rowid, key in wanted.items():
        while owner(key) not in (None, rowid) or key in used:
            key += 1
        used.add(key)
        given[rowid] = key
    return old, given


def _text_row(record: OrderRecord, key: int) -> tuple[Any, ...]:
    folder, source = record.values[_FOLDER], record.values[_SOURCE]
    return (key, *record.search, tags_text(folder, source))


def pack_raw(raw: Mapping[str, Any]) -> bytes:
    """The full order as the mirror keeps it: compact JSON, deflated."""
    text = json.dumps(raw, separators=(",", ":"), ensure_ascii=False, default=str)
    return zlib.compress(text.encode("utf-8"), 1)


def unpack_raw(blob: bytes) -> dict[str, Any]:
    """An order back from :func:`pack_raw`."""
    value = json.loads(zlib.decompress(blob).decode("utf-8"))
    return value if isinstance(value, dict) else {}


class OrderIndex:
    """Reads and writes of one store's index.

    Args:
        db: The opened index file.
    """

    def __init__(self, db: IndexDatabase) -> None:
        self.db = db

    # Metadata ----------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """All metadata (checkpoint, sync times, state)."""
        rows = self.db.connection().execute("SELECT key, value FROM meta").fetchall()
        return {str(key): str(value) for key, value in rows}

    def set_meta(self, values: Mapping[str, str | None]) -> None:
        """Set (or with ``None`` delete) metadata keys in one transaction."""
        with self.db.transaction() as connection:
            _write_meta(connection, values)

    # Writes ------------------------------------------------------------------------------

    def write_page(
        self,
        raws: Iterable[Mapping[str, Any]],
        meta: Mapping[str, str | None] | None = None,
        *,
        seen_at: float | None = None,
    ) -> int:
        """Insert or replace orders and store ``meta`` (the checkpoint) in one transaction.

        An order the mirror already holds from a later moment (``seen``) with the same or a
        newer ``date_updated`` is kept: a page read before a write never undoes the write's
        reply, even when it is stored after it (``date_updated`` has one-second steps).

        Args:
            raws: Orders as Order Desk sent them.
            meta: Metadata to write with them, so a crash never separates the two.
            seen_at: When these records were known current at Order Desk (epoch seconds):
                when a page's request was sent, when a write's reply arrived. Default: now.

        Returns:
            How many orders were written.
        """
        return self.write_prepared(prepare_page(raws), meta, seen_at=seen_at)

    def write_prepared(
        self,
        page: PreparedPage,
        meta: Mapping[str, str | None] | None = None,
        *,
        seen_at: float | None = None,
    ) -> int:
        """:meth:`write_page` of a page made by :func:`prepare_page` (the sync prepares the
        next page while this one is written)."""
        at = time.time() if seen_at is None else seen_at
        with self.db.transaction() as connection:
            pairs = _not_older(connection, page, at)
            records = [record for record, _ in pairs]
            old_keys, keys = _assign_keys(connection, records)
            connection.executemany(
                "DELETE FROM orders_fts WHERE rowid = ?", [(key,) for key in old_keys.values()]
            )
            connection.executemany(
                _UPSERT_ROW, [(r.rowid, *r.values, keys[r.rowid]) for r in records]
            )
            connection.executemany(_UPSERT_RAW, [(r.rowid, blob) for r, blob in pairs])
            connection.executemany(_UPSERT_SEEN, [(r.rowid, at) for r in records])
            connection.executemany(_INSERT_TEXT, [_text_row(r, keys[r.rowid]) for r in records])
            if meta:
                _write_meta(connection, meta)
        return len(records)

    def delete_ids(self, order_ids: Collection[str], *, seen_before: float | None = None) -> int:
        """Remove orders by Order Desk id; returns how many were removed.

        Args:
            order_ids: The orders.
            seen_before: Keep orders the mirror learned of at or after this moment (epoch
                seconds): a listing read before an order was created does not remove it.
        """
        ids = list(order_ids)
        removed = 0
        with self.db.transaction() as connection:
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                found = [
                    (rowid, key)
                    for rowid, key, at in connection.execute(
                        f"SELECT o.rowid, o.date_key, s.at FROM orders o LEFT JOIN seen s "  # noqa: S608
                        f"ON s.rowid = o.rowid WHERE o.id IN ({marks})",
                        chunk,
                    )
                    if seen_before is None or at is None or at < seen_before
                ]
                connection.executemany(
                    "DELETE FROM orders_fts WHERE rowid = ?", [(key,) for _, key in found]
                )
                rowids = [(rowid,) for rowid, _ in found]
                for table in ("orders", "records", "seen"):
                    connection.executemany(
                        f"DELETE FROM {table} WHERE rowid = ?",  # noqa: S608
                        rowids,
                    )
                removed += len(rowids)
        return removed

    def compact_wal(self) -> None:
        """Fold the write-ahead log into the file and truncate it (after a big write)."""
        self.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # Reads -------------------------------------------------------------------------------

    def raw_orders(self, order_ids: Collection[str]) -> dict[str, dict[str, Any]]:
        """Full records of the given orders that the mirror holds, by order id."""
        ids = list(order_ids)
        found: dict[str, dict[str, Any]] = {}
        connection = self.db.connection()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = connection.execute(
                f"SELECT o.id, r.raw FROM orders o JOIN records r ON r.rowid = o.rowid "  # noqa: S608
                f"WHERE o.id IN ({marks})",
                chunk,
            ).fetchall()
            found.update((str(order_id), unpack_raw(blob)) for order_id, blob in rows)
        return found

    def count(self) -> int:
        """Orders in the index (from the day summary: a million-row count takes 15-100 ms)."""
        sql = "SELECT ifnull(sum(orders), 0) FROM order_days"
        return int(self.db.connection().execute(sql).fetchone()[0])

    def max_updated(self) -> int | None:
        """Newest ``date_updated`` in the index (epoch seconds)."""
        row = self.db.connection().execute("SELECT max(date_updated) FROM orders").fetchone()
        return None if row[0] is None else int(row[0])

    def added_bounds(self) -> tuple[int, int] | None:
        """Oldest and newest ``date_added`` in the index (epoch seconds), if any."""
        row = (
            self.db.connection()
            .execute("SELECT min(date_added), max(date_added) FROM orders")
            .fetchone()
        )
        return None if row[0] is None else (int(row[0]), int(row[1]))

    def count_added(self, start: int, end: int) -> int:
        """Orders added in ``[start, end]`` (epoch seconds, inclusive)."""
        sql = "SELECT count(*) FROM orders WHERE date_added BETWEEN ? AND ?"
        return int(self.db.connection().execute(sql, (start, end)).fetchone()[0])

    def ids_added(self, start: int, end: int) -> set[str]:
        """Ids of the orders added in ``[start, end]``."""
        sql = "SELECT id FROM orders WHERE date_added BETWEEN ? AND ?"
        return {row[0] for row in self.db.connection().execute(sql, (start, end))}

    def added_at_rank(self, start: int, end: int, rank: int) -> int:
        """The ``date_added`` of the ``rank``-th order (0-based) added in ``[start, end]``."""
        sql = (
            "SELECT date_added FROM orders WHERE date_added BETWEEN ? AND ? "
            "ORDER BY date_added LIMIT 1 OFFSET ?"
        )
        row = self.db.connection().execute(sql, (start, end, rank)).fetchone()
        return start if row is None else int(row[0])

    def search(
        self,
        query: str = "",
        filters: SearchFilters | None = None,
        sort: SortKey = SortKey.DATE_ADDED,
        *,
        descending: bool = True,
        limit: int = 50,
        offset: int = 0,
    ) -> Found:
        """Full-text search plus filters; see :meth:`IndexService.search`."""
        return search_orders(
            self.db.connection(),
            query,
            filters or SearchFilters(),
            sort,
            descending=descending,
            limit=max(0, limit),
            offset=max(0, offset),
        )

    def stats(
        self, group_by: GroupBy, added_from: datetime | None, added_to: datetime | None
    ) -> list[StatsGroup]:
        """Counts and revenue per group; see :meth:`IndexService.stats`."""
        return order_stats(self.db.connection(), group_by, added_from, added_to)


def _write_meta(connection: Any, values: Mapping[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            connection.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            connection.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
