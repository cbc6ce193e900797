"""List parameter parsing, date formats and the sort key."""

from __future__ import annotations

from operator import attrgetter

import pytest

from app.sandbox import SandboxStoreSpec
from app.sandbox.bucket import LeakyBucket
from app.sandbox.dates import format_stamp, next_stamp, parse_filter_date, parse_stamp
from app.sandbox.errors import ApiError
from app.sandbox.query import INDEXED_KEYS, OrderQuery, page_of, parse_order_query, sortable
from app.sandbox.store import SandboxStore

FOLDERS = {1: "New", 3: "Closed"}


def test_date_formats_agree() -> None:
    stamp = parse_filter_date("d", "2025-03-14 15:42:08")
    assert parse_filter_date("d", "2025-03-14T15:42:08") == stamp
    assert parse_filter_date("d", "2025-03-14T15:42:08Z") == stamp
    assert parse_filter_date("d", "2025-03-14T10:42:08-05:00") == stamp
    assert format_stamp(parse_filter_date("d", "2025-03-14")) == "2025-03-14 00:00:00"
    assert parse_stamp("2025-03-14 15:42:08") == stamp


def test_local_dates_use_the_store_zone() -> None:
    local = parse_filter_date("d", "2025-01-15 06:00:00", "America/Chicago")
    assert format_stamp(local) == "2025-01-15 12:00:00"


def test_bad_date_is_400() -> None:
    with pytest.raises(ApiError) as caught:
        parse_filter_date("search_start_date", "last week")
    assert caught.value.status == 400 and "search_start_date" in caught.value.message


def test_next_stamp_is_always_later() -> None:
    future = "2999-01-01 00:00:00"
    assert next_stamp(future) == "2999-01-01 00:00:01"
    assert next_stamp(None) > "2025-01-01"


def test_paging_defaults_and_clamps() -> None:
    assert page_of({}) == (50, 0)
    assert page_of({"limit": "0", "offset": "10"}) == (1, 10)
    assert page_of({"limit": "501"}) == (500, 0)


def test_order_query_filters() -> None:
    query = parse_order_query(
        {"folder_id": "1, 3", "folder_name": "CLOSED", "email": "A@B.C", "order": "ASC"},
        FOLDERS,
        "UTC",
    )
    assert not query.descending and query.order_by == "date_added"
    assert ("folder_id", "in", frozenset({1, 3})) in query.filters
    assert ("folder_id", "in", frozenset({3})) in query.filters
    assert ("email", "~", "a@b.c") in query.filters
    with pytest.raises(ApiError):
        parse_order_query({"order_by": "x; drop"}, FOLDERS, "UTC")


def test_sortable_orders_mixed_values() -> None:
    values = ["b", 2, None, "10", 1.5, "a"]
    assert sorted(values, key=sortable) == [1.5, 2, "10", "a", "b", None]


def _brute_force(store: SandboxStore, query: OrderQuery) -> list[int]:
    """What a selection must hold: every row sorted, then filtered one by one."""
    key = INDEXED_KEYS[query.order_by]
    rows = sorted(sorted(store.rows.values(), key=attrgetter("id")), key=key)
    if query.descending:
        rows.reverse()
    attributes = {"added": attrgetter("added"), "updated": attrgetter("updated")}
    for attribute, operator, value in query.filters:
        get = attributes.get(attribute, attrgetter(attribute))
        rows = [
            r
            for r in rows
            if (operator == ">=" and get(r) >= value)
            or (operator == "<=" and get(r) <= value)
            or (operator == "in" and get(r) in value)
        ]
    return [row.id for row in rows]


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("order_by", ["date_updated", "date_added", "date_modified"])
def test_a_range_on_the_sort_field_selects_what_filtering_would(
    direction: str, order_by: str
) -> None:
    store = SandboxStore(SandboxStoreSpec(orders=600), LeakyBucket(enabled=False))
    stamps = sorted(
        row.updated if "added" not in order_by else row.added for row in store.rows.values()
    )
    low, high = format_stamp(stamps[150]), format_stamp(stamps[420])
    field = "search" if order_by == "date_added" else "modified"
    cases = [
        {},
        {f"{field}_start_date": low},
        {f"{field}_end_date": high},
        {f"{field}_start_date": low, f"{field}_end_date": high},
        {f"{field}_start_date": high, f"{field}_end_date": low},
        {f"{field}_start_date": low, "folder_id": "3,5"},
        {"modified_start_date": low, "search_end_date": high},
    ]
    for params in cases:
        query = parse_order_query(
            {"order_by": order_by, "order": direction, **params}, store.folders, "UTC"
        )
        expected = _brute_force(store, query)
        with store.lock:
            selected = store.select(query)
            assert [row.id for row in selected] == expected, params
            assert len(selected) == len(expected)
            for start, stop in ((0, 50), (40, 95), (len(expected) - 7, len(expected) + 30)):
                page = [row.id for row in selected[start:stop]]
                assert page == expected[max(0, start) : stop], (params, start)
            if expected:
                assert selected[-1].id == expected[-1] and selected[0].id == expected[0]
