"""List parameter parsing, date formats and the sort key."""

from __future__ import annotations

import pytest

from app.sandbox.dates import format_stamp, next_stamp, parse_filter_date, parse_stamp
from app.sandbox.errors import ApiError
from app.sandbox.query import page_of, parse_order_query, sortable

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
