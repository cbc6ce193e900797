"""Parsing of list parameters and the cached, sorted selection of orders.

Sorting 100k rows for every page would cost far more than serving one; instead each
``(order_by, order)`` gets a sorted row list, and each distinct filter set its filtered list,
both kept until the next write. A date range on the sort's own field (a keyset walk:
``order_by=date_updated`` with ``modified_start_date``) is found by bisecting the sorted list
instead, so each page of such a walk costs the same at 1M orders as at 1k.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, overload

from app.sandbox.dates import parse_filter_date
from app.sandbox.errors import bad_request
from app.sandbox.rows import OrderRow

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
CACHED_SELECTIONS = 32

INDEXED_KEYS: dict[str, Callable[[OrderRow], Any]] = {
    "id": attrgetter("id"),
    "date_added": attrgetter("added"),
    "date_updated": attrgetter("updated"),
    "date_modified": attrgetter("updated"),
    "folder_id": attrgetter("folder_id"),
    "source_name": attrgetter("source_name"),
    "source_id": attrgetter("source_id"),
    "email": attrgetter("email"),
    "customer_id": attrgetter("customer_id"),
}
EXACT_FILTERS = {"source_id": "source_id", "customer_id": "customer_id"}
FOLDED_FILTERS = {
    "source_name": "source_name",
    "email": "email",
    "shipping_first_name": "ship_first",
    "shipping_last_name": "ship_last",
    "customer_first_name": "cust_first",
    "customer_last_name": "cust_last",
}
DATE_FILTERS = {
    "search_start_date": ("added", ">="),
    "search_end_date": ("added", "<="),
    "modified_start_date": ("updated", ">="),
    "modified_end_date": ("updated", "<="),
}
# The sort fields whose sorted list is also sorted by a date a range filter can name.
RANGE_SORTS = {"date_added": "added", "date_updated": "updated", "date_modified": "updated"}
FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")

Filter = tuple[str, str, Any]  # (row attribute, operator, value)


@dataclass(frozen=True)
class OrderQuery:
    """A parsed ``GET /orders`` search: sort and filters, without paging."""

    order_by: str
    descending: bool
    filters: tuple[Filter, ...]


def page_of(query: dict[str, str]) -> tuple[int, int]:
    """Return ``(limit, offset)``: limit defaults to 50 and is clamped to 1..500.

    Raises:
        ApiError: 400 for non-numeric values or a negative offset.
    """
    limit = _int_param(query, "limit", DEFAULT_LIMIT)
    offset = _int_param(query, "offset", 0)
    if offset < 0:
        raise bad_request("offset must not be negative")
    return min(max(limit, 1), MAX_LIMIT), offset


def _int_param(query: dict[str, str], name: str, default: int) -> int:
    value = query.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise bad_request(f"{name} must be a whole number") from None


def parse_order_query(query: dict[str, str], folders: dict[int, str], zone: str) -> OrderQuery:
    """Parse sorting and filters of ``GET /orders`` (blank values count as absent).

    Raises:
        ApiError: 400 for a malformed folder id, date, sort field or direction.
    """
    order_by = query.get("order_by", "").strip() or "date_added"
    if not FIELD_NAME.match(order_by):
        raise bad_request(f"order_by is not a field name: {order_by!r}")
    direction = (query.get("order", "").strip() or "desc").lower()
    if direction not in ("asc", "desc"):
        raise bad_request("order must be asc or desc")
    filters = _folder_filters(query, folders) + _value_filters(query) + _date_filters(query, zone)
    return OrderQuery(order_by, direction == "desc", tuple(filters))


def _folder_filters(query: dict[str, str], folders: dict[int, str]) -> list[Filter]:
    filters: list[Filter] = []
    if query.get("folder_id", "").strip():
        try:
            ids = frozenset(int(p) for p in query["folder_id"].split(",") if p.strip())
        except ValueError:
            raise bad_request("folder_id must be folder ids separated by commas") from None
        filters.append(("folder_id", "in", ids))
    name = query.get("folder_name", "").strip().casefold()
    if name:
        ids = frozenset(fid for fid, fname in folders.items() if fname.casefold() == name)
        filters.append(("folder_id", "in", ids))
    return filters


def _value_filters(query: dict[str, str]) -> list[Filter]:
    filters: list[Filter] = []
    for name, attribute in EXACT_FILTERS.items():
        if query.get(name, "").strip():
            filters.append((attribute, "==", query[name].strip()))
    for name, attribute in FOLDED_FILTERS.items():
        if query.get(name, "").strip():
            filters.append((attribute, "~", query[name].strip().casefold()))
    return filters


def _date_filters(query: dict[str, str], zone: str) -> list[Filter]:
    filters: list[Filter] = []
    for name, (attribute, operator) in DATE_FILTERS.items():
        for suffix, tz in (("", None), ("_local", zone)):
            value = query.get(name + suffix, "").strip()
            if value:
                filters.append((attribute, operator, parse_filter_date(name + suffix, value, tz)))
    return filters


def _apply(rows: list[OrderRow], spec: Filter) -> list[OrderRow]:
    attribute, operator, value = spec
    get = attrgetter(attribute)
    if operator == "in":
        return [r for r in rows if get(r) in value]
    if operator == "==":
        return [r for r in rows if get(r) == value]
    if operator == "~":
        return [r for r in rows if get(r).casefold() == value]
    if operator == ">=":
        return [r for r in rows if get(r) >= value]
    return [r for r in rows if get(r) <= value]


def sortable(value: object) -> tuple[int, Any]:
    """Return a sort key that orders numbers, then strings, then everything else."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value)
    if isinstance(value, str):
        try:
            return (0, float(value))
        except ValueError:
            return (1, value.casefold())
    return (2, 0)


def _range_of(ascending: list[OrderRow], query: OrderQuery) -> tuple[int, int, list[Filter]]:
    """Bisect ``ascending`` for the date range filters on its own sort field.

    Returns the bounds ``low, high`` of the rows in range and the filters left to apply.
    """
    attribute = RANGE_SORTS.get(query.order_by)
    low, high = 0, len(ascending)
    rest: list[Filter] = []
    key = attrgetter("updated" if attribute is None else attribute)
    for spec in query.filters:
        name, operator, value = spec
        if name != attribute or operator not in (">=", "<="):
            rest.append(spec)
        elif operator == ">=":
            low = max(low, bisect_left(ascending, value, key=key))
        else:
            high = min(high, bisect_right(ascending, value, key=key))
    return low, max(low, high), rest


class RowRange(Sequence[OrderRow]):
    """Rows ``low`` to ``high`` of a sorted list, ascending or reversed, without a copy.

    Copying a million-row list costs more than serving a page from it, so a selection that
    is only a range of a sorted list is this view.
    """

    def __init__(self, rows: list[OrderRow], low: int, high: int, descending: bool) -> None:
        self._rows, self._low, self._high, self._descending = rows, low, high, descending

    def __len__(self) -> int:
        return self._high - self._low

    @overload
    def __getitem__(self, index: int) -> OrderRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[OrderRow]: ...

    def __getitem__(self, index: int | slice) -> OrderRow | list[OrderRow]:
        if isinstance(index, int):
            position = range(len(self))[index]
            if self._descending:
                return self._rows[self._high - 1 - position]
            return self._rows[self._low + position]
        start, stop, step = index.indices(len(self))
        if step != 1:
            return [self[i] for i in range(start, stop, step)]
        if not self._descending:
            return self._rows[self._low + start : self._low + max(start, stop)]
        return self._rows[self._high - max(start, stop) : self._high - start][::-1]


class OrderIndex:
    """Sorted and filtered row lists, cached until :meth:`invalidate` (called on writes)."""

    def __init__(self) -> None:
        self._sorted: dict[str, list[OrderRow]] = {}
        self._selected: OrderedDict[OrderQuery, list[OrderRow]] = OrderedDict()  # filtered

    def invalidate(self) -> None:
        """Forget every cached list after a write."""
        self._sorted.clear()
        self._selected.clear()

    def select(
        self,
        rows: Iterable[OrderRow],
        query: OrderQuery,
        field_value: Callable[[OrderRow, str], object],
    ) -> Sequence[OrderRow]:
        """Return the rows matching ``query`` in its order (do not mutate)."""
        cached = self._selected.get(query)
        if cached is not None:
            self._selected.move_to_end(query)
            return cached
        ascending = self._ascending(rows, query.order_by, field_value)
        low, high, filters = _range_of(ascending, query)
        if not filters:
            return RowRange(ascending, low, high, query.descending)
        selected = ascending[low:high]
        if query.descending:
            selected.reverse()
        for spec in filters:
            selected = _apply(selected, spec)
        self._selected[query] = selected
        if len(self._selected) > CACHED_SELECTIONS:
            self._selected.popitem(last=False)
        return selected

    def _ascending(
        self, rows: Iterable[OrderRow], field: str, field_value: Callable[[OrderRow, str], object]
    ) -> list[OrderRow]:
        cached = self._sorted.get(field)
        if cached is None:
            key = INDEXED_KEYS.get(field)
            by_id = sorted(rows, key=attrgetter("id"))
            if key is None:
                cached = sorted(by_id, key=lambda row: sortable(field_value(row, field)))
            else:
                cached = sorted(by_id, key=key)
            self._sorted[field] = cached
        return cached
