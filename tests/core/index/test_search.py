"""Search and stats: FTS syntax characters, unicode, filters, sorting, paging, exact money."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.core.index import GroupBy, SearchFilters, SortKey, match_expression
from tests.core.index.conftest import ORDERS, IndexBox

SPECIAL = {
    "email": "zoë.brontë+gifts@example.com",
    "shipping": {
        "first_name": "Zoë",
        "last_name": "Brontë-O'Hara",
        "company": "株式会社さくら",
        "city": "東京",
    },
    "checkout_data": {"Gift Message": "Happy birthday 🎂 (NEAR the door) -- col:umn ^caret *star"},
    "order_notes": [{"username": "Sam", "content": 'Customer said "quote" & Crème brûlée'}],
    "order_items": [
        {"name": "Tea Whisk 茶筅", "code": "TW-9000", "price": "19.00", "quantity": 3},
    ],
}


@pytest.fixture
async def special(synced: IndexBox) -> tuple[IndexBox, str]:
    """The synced box plus one order full of awkward text; returns its id."""
    order_id = sorted(synced.remote.orders, key=int)[42]
    synced.remote.edit_order(order_id, SPECIAL)
    await synced.service.sync(synced.store)
    return synced, order_id


NASTY = [
    '"', '""', '"unterminated', "*", "**", "(", ")", "((a", "NEAR", "NEAR(a b)", "-", "--x",
    ":", "col:", "^", "^start", "a OR", "AND", "NOT x", "+", "{a b}", "[x]", "'", "\\", "\x00",
    "a\"b", "🎉🎉", "\u200d", "\ufe0f", "東京*", "   ", "", "%", "_", "ids:1", "\U0010ffff",
]  # fmt: skip


async def test_fts_syntax_and_odd_characters_never_raise(special: tuple[IndexBox, str]) -> None:
    box, _ = special
    for query in NASTY:
        for sort in SortKey:
            result = await box.service.search(box.store, query, sort=sort, limit=5)
            assert 0 <= len(result.rows) <= min(5, result.total), query
        if not query.strip():
            assert (await box.service.search(box.store, query)).total == ORDERS


AWKWARD = [
    "東京",  # CJK city, whole
    "京",  # CJK, one character of a run
    "さくら",  # kana inside a company name
    "茶筅",  # CJK in an item name
    "🎂",  # emoji in checkout data
    "zoe bronte",  # accents folded away
    "Zoë Brontë",  # accents typed
    "BRONTË-O'HARA",  # hyphen and apostrophe inside a word, any case
    '"quote"',  # quotes typed around a word from the notes
    "NEAR the door",  # an FTS keyword as a plain word
    "col:umn",  # column-filter syntax as plain text
    "^caret",  # initial-token syntax as plain text
    "*star",  # a leading star
    "creme brulee",  # accents in notes
    "TW-9000",  # SKU with a hyphen
    "TW-90",  # prefix of the last word
    "zoë.brontë+gifts@example.com",  # a whole e-mail address
]


async def test_awkward_queries_find_the_order(special: tuple[IndexBox, str]) -> None:
    box, order_id = special
    for query in AWKWARD:
        result = await box.service.search(box.store, query, limit=ORDERS)
        assert order_id in {row.id for row in result.rows}, query
    for query in ("o'hara 東京", "tw-9000 caret"):
        result = await box.service.search(box.store, query, limit=ORDERS)
        assert [row.id for row in result.rows] == [order_id], query


async def test_search_by_order_id_and_source_id(synced: IndexBox) -> None:
    order = synced.remote.orders[sorted(synced.remote.orders, key=int)[7]]
    for text in (order["id"], order["source_id"]):
        result = await synced.service.search(synced.store, text, sort=SortKey.RELEVANCE)
        assert result.rows[0].id == order["id"]


def test_match_expression_quotes_every_word() -> None:
    assert match_expression('a"b (NEAR) xy*') == '"a b" AND "NEAR" AND "xy"*'
    assert match_expression("maria x") == '"maria" AND "x"'  # one letter: a whole word
    assert match_expression("東京 ") == '"東 京"'
    assert match_expression("-:^()") is None


async def test_filters_sort_and_paging(synced: IndexBox) -> None:
    filters = SearchFilters(
        folder_ids=(1, 2),
        total_min=Decimal("20.00"),
        total_max=Decimal("80.00"),
        added_from=datetime(2025, 1, 1, tzinfo=UTC),
    )
    first = await synced.service.search(synced.store, "", filters, SortKey.TOTAL, limit=10)
    second = await synced.service.search(
        synced.store, "", filters, SortKey.TOTAL, limit=10, offset=10
    )
    rows = first.rows + second.rows
    assert first.total == second.total > 20
    assert [r.order_total for r in rows] == sorted((r.order_total for r in rows), reverse=True)
    assert len({r.id for r in rows}) == 20
    for row in rows:
        assert row.folder_id in (1, 2)
        assert Decimal("20.00") <= row.order_total <= Decimal("80.00")
        assert row.date_added is not None and row.date_added >= datetime(2025, 1, 1, tzinfo=UTC)
    expected = sum(
        1
        for o in synced.remote.orders.values()
        if o["folder_id"] in (1, 2)
        and Decimal("20.00") <= Decimal(str(o["order_total"])) <= Decimal("80.00")
        and o["date_added"] >= "2025-01-01"
    )
    assert first.total == expected
    assert first.last_synced_at is not None


async def test_totals_are_exact_decimals(synced: IndexBox) -> None:
    order_id = sorted(synced.remote.orders, key=int)[3]
    synced.remote.edit_order(order_id, {"order_total": 0.1 + 0.2})  # float noise on the wire
    await synced.service.sync(synced.store)
    [row] = (await synced.service.search(synced.store, order_id, limit=1)).rows
    assert row.order_total == Decimal("0.30")
    exact = await synced.service.search(
        synced.store,
        "",
        SearchFilters(total_min=Decimal("0.30"), total_max=Decimal("0.30")),
    )
    assert [r.id for r in exact.rows] == [order_id]


async def test_stats_by_folder_day_and_source_match_the_orders(synced: IndexBox) -> None:
    orders = list(synced.remote.orders.values())
    by_folder = await synced.service.stats(synced.store, GroupBy.FOLDER)
    assert by_folder.count == ORDERS
    assert by_folder.revenue == sum(Decimal(str(o["order_total"])) for o in orders)
    for group in by_folder.groups:
        members = [o for o in orders if str(o["folder_id"]) == group.key]
        assert group.count == len(members)
        assert group.revenue == sum(Decimal(str(o["order_total"])) for o in members)

    june = (datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 6, 30, 23, 59, 59, tzinfo=UTC))
    by_day = await synced.service.stats(synced.store, GroupBy.DAY, *june)
    in_june = [o for o in orders if o["date_added"].startswith("2025-06")]
    assert by_day.count == len(in_june)
    assert all(group.key.startswith("2025-06-") for group in by_day.groups)

    by_source = await synced.service.stats(synced.store, GroupBy.SOURCE)
    assert {g.key for g in by_source.groups} == {o["source_name"] for o in orders}
