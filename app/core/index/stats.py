"""Orders and revenue per folder, UTC day or source, read from the day summary.

``order_days`` (kept by triggers, see :mod:`app.core.index.schema`) answers whole UTC days;
the seconds of a range that do not fill a whole day at either end are counted from the
orders themselves, so any range is exact while reading a few thousand summary rows.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from app.core.index.models import GroupBy, StatsGroup
from app.core.index.queries import cents_to_money, epoch

DAY = 86_400
_SUMMARY_KEY = {GroupBy.FOLDER: "folder_id", GroupBy.DAY: "day", GroupBy.SOURCE: "source_name"}
_ORDER_KEY = {
    GroupBy.FOLDER: "ifnull(folder_id, -1)",
    GroupBy.DAY: f"date_added / {DAY}",
    GroupBy.SOURCE: "source_name",
}
Span = tuple[int, int]


def order_stats(
    connection: sqlite3.Connection,
    group_by: GroupBy,
    added_from: datetime | None,
    added_to: datetime | None,
) -> list[StatsGroup]:
    """Orders and revenue per group for orders added in ``[added_from, added_to]``.

    Without bounds, orders without a date count too (day key ``""``); with any bound they
    do not. Groups come sorted by key (folders by id, no folder first).
    """
    start = None if added_from is None else epoch(added_from)
    end = None if added_to is None else epoch(added_to)
    sums: dict[Any, list[int]] = {}
    days, edges = split_days(start, end)
    if days is not None:
        _add(sums, _summary(connection, group_by, days, bounded=(start, end) != (None, None)))
    for low, high in edges:
        _add(sums, _edge(connection, group_by, low, high))
    groups = [(key, n, cents) for key, (n, cents) in sums.items() if n > 0]
    groups.sort(key=lambda group: (group[0] != -1, group[0]))
    return [
        StatsGroup(_key_text(group_by, key), n, cents_to_money(cents)) for key, n, cents in groups
    ]


def split_days(start: int | None, end: int | None) -> tuple[Span | None, list[Span]]:
    """The whole UTC days inside ``[start, end]`` and the seconds left at either end."""
    low = 0 if start is None else max(0, start)
    high = 2**40 if end is None else end
    if low > high:
        return None, []
    first = -(-low // DAY)
    last = (high + 1) // DAY - 1
    if first > last:
        return None, [(low, high)]
    edges = [
        span for span in ((low, first * DAY - 1), ((last + 1) * DAY, high)) if span[0] <= span[1]
    ]
    return (first, last), edges


def _summary(
    connection: sqlite3.Connection, group_by: GroupBy, days: Span, *, bounded: bool
) -> list[tuple[Any, int, int]]:
    column = _SUMMARY_KEY[group_by]
    where = "orders > 0 AND day BETWEEN ? AND ?" if bounded else "orders > 0"
    sql = f"SELECT {column}, sum(orders), sum(cents) FROM order_days WHERE {where} GROUP BY 1"  # noqa: S608
    return connection.execute(sql, days if bounded else ()).fetchall()


def _edge(
    connection: sqlite3.Connection, group_by: GroupBy, low: int, high: int
) -> list[tuple[Any, int, int]]:
    sql = (
        f"SELECT {_ORDER_KEY[group_by]}, count(*), sum(total_cents) FROM orders "  # noqa: S608
        "WHERE date_added BETWEEN ? AND ? GROUP BY 1"
    )
    return connection.execute(sql, (low, high)).fetchall()


def _add(sums: dict[Any, list[int]], rows: list[tuple[Any, int, int]]) -> None:
    for key, n, cents in rows:
        held = sums.setdefault(key, [0, 0])
        held[0] += int(n)
        held[1] += int(cents or 0)


def _key_text(group_by: GroupBy, key: Any) -> str:
    if group_by is GroupBy.FOLDER:
        return "" if key == -1 else str(key)
    if group_by is GroupBy.DAY:
        return "" if key == -1 else datetime.fromtimestamp(int(key) * DAY, UTC).date().isoformat()
    return str(key)
