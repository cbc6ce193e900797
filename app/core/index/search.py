"""Text search over one index file, planned so its cost follows the page, not the matches.

A common word can match a third of a million-order store. So (see :mod:`app.core.index.keys`):

* **date order** pages are read from the full-text table in its own rowid (date key) order,
  and stop after the page; a date range is a rowid range;
* **folder and source** filters are tag tokens ANDed into the MATCH expression;
* the word being typed (a prefix) is looked up in the table's prefix indexes (2 to 6
  letters), which FTS5 walks lazily like a whole word instead of merging every word it begins;
* **relevance** ranks all matches when there are at most :data:`RANK_WINDOW` of them, and
  otherwise the newest :data:`RANK_WINDOW`, followed by the rest newest first; the result says
  so (``ranked``), and every match is still on exactly one page;
* **other sorts** and filters the table cannot answer (totals, update dates) join each match
  to its row, counting in the same pass.

Every value reaches SQLite as a bound parameter; the only text that reaches FTS5 as an
expression is built here from quoted tokens.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from typing import Any

from app.core.index.keys import TAG_COLUMN, TEXT_COLUMNS, folder_tag, key_bounds, source_tag
from app.core.index.models import IndexedOrder, SearchFilters, SortKey
from app.core.index.queries import ROW_SELECT, SORT_COLUMN, epoch, filter_sql, row_from_sql
from app.core.index.text import query_phrases, quoted, wants_prefix

RANK_WINDOW = 5000
_WEIGHTS = "10.0, 4.0, 2.0, 1.0, 0.0"
_TEXT = "{" + " ".join(TEXT_COLUMNS) + "}"


@dataclass(frozen=True)
class Found:
    """A page of matches: rows, the number of all matches, how many were ranked by relevance."""

    rows: list[IndexedOrder]
    total: int
    ranked: int | None = None


@dataclass(frozen=True)
class _Plan:
    """SQL pieces of one text search: FROM, WHERE and its parameters."""

    source: str
    where: str
    params: list[Any]


def search_orders(
    connection: sqlite3.Connection,
    query: str,
    filters: SearchFilters,
    sort: SortKey,
    *,
    descending: bool,
    limit: int,
    offset: int,
) -> Found:
    """Run one search: a page of rows plus the number of all matches.

    Text goes to :func:`text_search`; without text the order table's indexes answer (by date
    key for date order), and a count over folders and sources alone comes from the day summary.

    Args:
        connection: The index connection of this thread.
        query: What the user typed (may be empty).
        filters: Structured filters.
        sort: Sort key; relevance without a text query falls back to date added.
        descending: Newest / largest / best first.
        limit: Rows per page.
        offset: Rows to skip.
    """
    found = text_search(
        connection, query, filters, sort, descending=descending, limit=limit, offset=offset
    )
    if found is not None:
        return found
    where, params = filter_sql(filters)
    direction = "DESC" if descending else "ASC"
    order = f"o.date_key {direction}"
    if sort in SORT_COLUMN:
        order = f"{SORT_COLUMN[sort]} {direction}, {order}"
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    sql = f"SELECT o.date_key FROM orders o {condition} ORDER BY {order} LIMIT ? OFFSET ?"  # noqa: S608
    keys = [key for (key,) in connection.execute(sql, [*params, limit, offset])]
    total = _summary_count(connection, filters)
    if total is None:
        sql = f"SELECT count(*) FROM orders o {condition}"  # noqa: S608
        total = int(connection.execute(sql, params).fetchone()[0])
    return Found(rows_by_key(connection, keys), total)


def _summary_count(connection: sqlite3.Connection, filters: SearchFilters) -> int | None:
    """The count from the day summary when only folders and sources are filtered."""
    if filters != SearchFilters(folder_ids=filters.folder_ids, source_names=filters.source_names):
        return None
    where: list[str] = ["orders > 0"]
    params: list[Any] = []
    for column, values in (
        ("folder_id", filters.folder_ids),
        ("source_name", filters.source_names),
    ):
        if values:
            where.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    sql = f"SELECT ifnull(sum(orders), 0) FROM order_days WHERE {' AND '.join(where)}"  # noqa: S608
    return int(connection.execute(sql, params).fetchone()[0])


def text_search(
    connection: sqlite3.Connection,
    query: str,
    filters: SearchFilters,
    sort: SortKey,
    *,
    descending: bool,
    limit: int,
    offset: int,
) -> Found | None:
    """Search ``query`` with ``filters``; ``None`` when the query holds nothing searchable."""
    phrases = query_phrases(query)
    if not phrases:
        return None
    plan = _plan(_match(phrases, wants_prefix(query, phrases), filters), filters)
    if sort is SortKey.RELEVANCE:
        return _by_relevance(connection, plan, descending, limit, offset)
    if sort in SORT_COLUMN:
        return _by_column(connection, plan, SORT_COLUMN[sort], descending, limit, offset)
    direction = "DESC" if descending else "ASC"
    keys = _keys(connection, plan, f"f.rowid {direction}", limit, offset)
    return Found(rows_by_key(connection, keys), _count(connection, plan))


def _match(phrases: list[str], prefix: bool, filters: SearchFilters) -> str:
    parts = [quoted(phrase) for phrase in phrases]
    if prefix:
        parts[-1] += "*"
    text = f"{_TEXT} : ({' AND '.join(parts)})"
    tags = [[folder_tag(folder) for folder in filters.folder_ids]]
    tags.append([source_tag(source) for source in filters.source_names])
    for group in tags:
        if group:
            text += f" AND {TAG_COLUMN} : ({' OR '.join(quoted(tag) for tag in group)})"
    return text


def _plan(match: str, filters: SearchFilters) -> _Plan:
    where = ["orders_fts MATCH ?"]
    params: list[Any] = [match]
    low, high = key_bounds(filters.added_from, filters.added_to)
    if low is not None:
        where.append("f.rowid >= ?")
        params.append(low)
    if high is not None:
        where.append("f.rowid <= ?")
        params.append(high)
    checks = _row_checks(filters)
    for condition, value in checks:
        where.append(condition)
        params.append(value)
    return _Plan(_source(joined=bool(checks)), " AND ".join(where), params)


def _source(*, joined: bool) -> str:
    # CROSS JOIN keeps the full-text table outermost: its order is the page order.
    if joined:
        return "orders_fts f CROSS JOIN orders o ON o.date_key = f.rowid"
    return "orders_fts f"


def _row_checks(filters: SearchFilters) -> list[tuple[str, int]]:
    """Conditions only the order rows can answer (update dates, totals)."""
    checks: list[tuple[str, int]] = []
    if filters.updated_from is not None:
        checks.append(("o.date_updated >= ?", epoch(filters.updated_from)))
    if filters.updated_to is not None:
        checks.append(("o.date_updated <= ?", epoch(filters.updated_to)))
    if filters.total_min is not None:
        checks.append(("o.total_cents >= ?", math.ceil(filters.total_min * 100)))
    if filters.total_max is not None:
        checks.append(("o.total_cents <= ?", math.floor(filters.total_max * 100)))
    return checks


def _keys(
    connection: sqlite3.Connection, plan: _Plan, order: str, limit: int, offset: int
) -> list[int]:
    sql = f"SELECT f.rowid FROM {plan.source} WHERE {plan.where} ORDER BY {order} LIMIT ? OFFSET ?"  # noqa: S608
    return [key for (key,) in connection.execute(sql, [*plan.params, limit, offset])]


def _count(connection: sqlite3.Connection, plan: _Plan) -> int:
    sql = f"SELECT count(*) FROM {plan.source} WHERE {plan.where}"  # noqa: S608
    return int(connection.execute(sql, plan.params).fetchone()[0])


def _by_relevance(
    connection: sqlite3.Connection, plan: _Plan, descending: bool, limit: int, offset: int
) -> Found:
    total = _count(connection, plan)
    best = "ASC" if descending else "DESC"  # bm25 is lower for better matches
    score = f"bm25(orders_fts, {_WEIGHTS})"
    if total <= RANK_WINDOW:
        keys = _keys(connection, plan, f"{score} {best}, f.rowid DESC", limit, offset)
        return Found(rows_by_key(connection, keys), total, total)
    keys = []
    if offset < RANK_WINDOW:
        sql = (
            f"SELECT key FROM (SELECT f.rowid AS key, {score} AS score FROM {plan.source} "  # noqa: S608
            f"WHERE {plan.where} ORDER BY f.rowid DESC LIMIT {RANK_WINDOW}) "
            f"ORDER BY score {best}, key DESC LIMIT ? OFFSET ?"
        )
        keys = [key for (key,) in connection.execute(sql, [*plan.params, limit, offset])]
    rest = limit - len(keys)
    if rest > 0:
        keys += _keys(connection, plan, "f.rowid DESC", rest, max(offset, RANK_WINDOW))
    return Found(rows_by_key(connection, keys), total, RANK_WINDOW)


def _by_column(
    connection: sqlite3.Connection,
    plan: _Plan,
    column: str,
    descending: bool,
    limit: int,
    offset: int,
) -> Found:
    """Sort the matches by a column of their rows; the count comes from the same pass."""
    direction = "DESC" if descending else "ASC"
    sql = (
        f"SELECT f.rowid, count(*) OVER () FROM {_source(joined=True)} WHERE {plan.where} "  # noqa: S608
        f"ORDER BY {column} {direction}, f.rowid {direction} LIMIT ? OFFSET ?"
    )
    found = connection.execute(sql, [*plan.params, limit, offset]).fetchall()
    total = int(found[0][1]) if found else _count(connection, plan)
    return Found(rows_by_key(connection, [key for key, _ in found]), total)


def rows_by_key(connection: sqlite3.Connection, keys: list[int]) -> list[IndexedOrder]:
    """The rows of the orders with these date keys, in that order (missing ones left out)."""
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    found = {
        int(values[-1]): row_from_sql(values[:-1])
        for values in connection.execute(
            f"SELECT {ROW_SELECT}, o.date_key FROM orders o WHERE o.date_key IN ({marks})",  # noqa: S608
            keys,
        )
    }
    return [found[key] for key in keys if key in found]
