"""Search and statistics over one index file: SQL built from typed filters, rows back as values.

Every value reaches SQLite as a bound parameter; the only text that reaches FTS5 as an
expression is what :func:`app.core.index.text.match_expression` built from quoted tokens.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from app.core.index.models import GroupBy, IndexedOrder, SearchFilters, SortKey, StatsGroup

ROW_SELECT = (
    "o.id, o.source_id, o.source_name, o.date_added, o.date_updated, o.customer_name, "
    "o.shipping_name, o.email, o.company, o.city, o.folder_id, o.total_cents, o.item_count, "
    "o.quantity, o.payment_status"
)
_SORT_COLUMN = {
    SortKey.DATE_ADDED: "o.date_added",
    SortKey.DATE_UPDATED: "o.date_updated",
    SortKey.TOTAL: "o.total_cents",
}
_GROUP_KEY = {
    GroupBy.FOLDER: "folder_id",
    GroupBy.DAY: "date(date_added, 'unixepoch')",
    GroupBy.SOURCE: "source_name",
}


def from_epoch(value: int | None) -> datetime | None:
    """An index timestamp (epoch seconds) as an aware UTC datetime."""
    return None if value is None else datetime.fromtimestamp(value, UTC)


def epoch(moment: datetime) -> int:
    """A datetime (naive = UTC) as epoch seconds, the index's time unit."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return math.floor(moment.timestamp())


def cents_to_money(cents: int) -> Decimal:
    """Whole cents back to an exact ``Decimal`` amount."""
    return Decimal(cents).scaleb(-2)


def row_from_sql(values: tuple[Any, ...]) -> IndexedOrder:
    """Build an :class:`IndexedOrder` from a row of :data:`ROW_SELECT`."""
    return IndexedOrder(
        id=values[0],
        source_id=values[1],
        source_name=values[2],
        date_added=from_epoch(values[3]),
        date_updated=from_epoch(values[4]),
        customer_name=values[5],
        shipping_name=values[6],
        email=values[7],
        company=values[8],
        city=values[9],
        folder_id=values[10],
        order_total=cents_to_money(values[11]),
        item_count=values[12],
        quantity=values[13],
        payment_status=values[14],
    )


def filter_sql(filters: SearchFilters) -> tuple[list[str], list[Any]]:
    """SQL conditions (on alias ``o``) and their parameters for ``filters``."""
    where: list[str] = []
    params: list[Any] = []
    if filters.folder_ids:
        where.append(f"o.folder_id IN ({','.join('?' * len(filters.folder_ids))})")
        params.extend(filters.folder_ids)
    if filters.source_names:
        where.append(f"o.source_name IN ({','.join('?' * len(filters.source_names))})")
        params.extend(filters.source_names)
    bounds = (
        ("o.date_added >= ?", filters.added_from),
        ("o.date_added <= ?", filters.added_to),
        ("o.date_updated >= ?", filters.updated_from),
        ("o.date_updated <= ?", filters.updated_to),
    )
    for condition, moment in bounds:
        if moment is not None:
            where.append(condition)
            params.append(epoch(moment))
    if filters.total_min is not None:
        where.append("o.total_cents >= ?")
        params.append(math.ceil(filters.total_min * 100))
    if filters.total_max is not None:
        where.append("o.total_cents <= ?")
        params.append(math.floor(filters.total_max * 100))
    return where, params


def search_orders(
    connection: sqlite3.Connection,
    match: str | None,
    filters: SearchFilters,
    sort: SortKey,
    descending: bool,
    limit: int,
    offset: int,
) -> tuple[list[IndexedOrder], int]:
    """Run one search: a page of rows plus the number of all matches.

    The page is found by row id alone (the sort keeps small records), then its rows are read;
    a text search without other filters is counted on the full-text table alone. Both matter
    on big stores, where a common word matches tens of thousands of orders.

    Args:
        connection: The index connection of this thread.
        match: An FTS5 expression from :func:`match_expression`, or ``None`` for no text.
        filters: Structured filters.
        sort: Sort key; relevance without a text query falls back to date added.
        descending: Newest / largest / best first.
        limit: Rows per page.
        offset: Rows to skip.
    """
    where, params = filter_sql(filters)
    filtered = bool(where)
    direction = "DESC" if descending else "ASC"
    if match is not None and sort is SortKey.RELEVANCE:
        sql_from = "orders_fts JOIN orders o ON o.rowid = orders_fts.rowid"
        where.insert(0, "orders_fts MATCH ?")
        params.insert(0, match)
        order = f"bm25(orders_fts, 10.0, 4.0, 2.0, 1.0) {'ASC' if descending else 'DESC'}"
    else:
        sql_from = "orders o"
        if match is not None:
            where.insert(0, "o.rowid IN (SELECT rowid FROM orders_fts WHERE orders_fts MATCH ?)")
            params.insert(0, match)
        column = _SORT_COLUMN.get(sort, "o.date_added")
        order = f"{column} {direction}, o.rowid {direction}"
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    page = [
        rowid
        for (rowid,) in connection.execute(
            f"SELECT o.rowid FROM {sql_from} {condition} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608
            [*params, limit, offset],
        )
    ]
    if match is not None and not filtered:
        count_sql, count_params = (
            "SELECT count(*) FROM orders_fts WHERE orders_fts MATCH ?",
            [match],
        )
    else:
        count_sql, count_params = f"SELECT count(*) FROM {sql_from} {condition}", params  # noqa: S608
    (total,) = connection.execute(count_sql, count_params).fetchone()
    return rows_by_id(connection, page), int(total)


def rows_by_id(connection: sqlite3.Connection, rowids: list[int]) -> list[IndexedOrder]:
    """The rows of ``rowids``, in that order (rows no longer there are left out)."""
    if not rowids:
        return []
    marks = ",".join("?" * len(rowids))
    found = {
        int(values[-1]): row_from_sql(values[:-1])
        for values in connection.execute(
            f"SELECT {ROW_SELECT}, o.rowid FROM orders o WHERE o.rowid IN ({marks})",  # noqa: S608
            rowids,
        )
    }
    return [found[rowid] for rowid in rowids if rowid in found]


def order_stats(
    connection: sqlite3.Connection,
    group_by: GroupBy,
    added_from: datetime | None,
    added_to: datetime | None,
) -> list[StatsGroup]:
    """Orders and revenue per folder, UTC day or source, for orders added in the range."""
    where, params = filter_sql(SearchFilters(added_from=added_from, added_to=added_to))
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    key = _GROUP_KEY[group_by]
    rows = connection.execute(
        f"SELECT {key} AS k, count(*), coalesce(sum(total_cents), 0) "  # noqa: S608
        f"FROM orders o {condition} GROUP BY k ORDER BY k",
        params,
    ).fetchall()
    return [
        StatsGroup(key="" if k is None else str(k), count=int(n), revenue=cents_to_money(int(s)))
        for k, n, s in rows
    ]
