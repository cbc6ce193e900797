"""The search planner and the day summary against a plain Python oracle over the same orders.

Orders are made up so that words, seconds, folders and sources collide a lot: every sort,
filter, direction and page must give exactly what sorting and filtering the orders in Python
gives, and every statistics range exactly what summing them gives.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.core.index import GroupBy, SearchFilters, SortKey
from app.core.index import search as search_module
from app.core.index.database import IndexDatabase
from app.core.index.extract import order_record
from app.core.index.keys import date_key
from app.core.index.schema import SCHEMA_VERSION
from app.core.index.store_index import OrderIndex, pack_raw

WORDS = ("mug", "muffin", "tee", "teapot", "wool", "lopez", "lopez12", "garcia", "blue", "red")
SOURCES = ("Shopify", "Amazon Seller", "Étsy", "")
START = datetime(2025, 3, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Made:
    """One made-up order as the oracle sees it."""

    id: str
    words: frozenset[str]
    added: int | None
    updated: int
    folder: int | None
    source: str
    cents: int

    @property
    def key(self) -> int:
        return date_key(self.added, int(self.id))


def _stamp(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")


def make_orders(count: int, seed: int) -> list[Made]:
    dice = random.Random(seed)
    base = int(START.timestamp())
    made = []
    for number in range(count):
        added = None if number % 97 == 5 else base + dice.randrange(0, 6 * 86_400, 3_600)
        made.append(
            Made(
                id=str(1000 + number),
                words=frozenset(dice.sample(WORDS, dice.randint(1, 3))),
                added=added,
                updated=base + dice.randrange(0, 8 * 86_400, 1_800),
                folder=dice.choice((1, 2, 3, None)),
                source=dice.choice(SOURCES),
                cents=dice.choice((500, 1999, 2000, 2001, 12_345)),
            )
        )
    return made


def raw(order: Made) -> dict[str, Any]:
    """The order as Order Desk would send it."""
    record: dict[str, Any] = {
        "id": order.id,
        "source_id": f"S-{order.id}",
        "source_name": order.source,
        "date_updated": _stamp(order.updated),
        "folder_id": order.folder,
        "order_total": f"{order.cents / 100:.2f}",
        "order_items": [{"code": "", "name": " ".join(sorted(order.words)), "quantity": 1}],
    }
    if order.added is not None:
        record["date_added"] = _stamp(order.added)
    return record


@pytest.fixture
def index(tmp_path: Path) -> Iterator[tuple[OrderIndex, list[Made]]]:
    made = make_orders(400, seed=7)
    opened = OrderIndex(IndexDatabase.open("plan", tmp_path / "plan.sqlite3"))
    opened.write_page([raw(order) for order in made])
    try:
        yield opened, made
    finally:
        opened.db.close()


def matches(order: Made, query: str) -> bool:
    words = query.split()
    whole, last = words[:-1], words[-1]
    if not all(word in order.words for word in whole):
        return False
    if len(last) > 1:
        return any(word.startswith(last) for word in order.words)
    return last in order.words


def keep(order: Made, filters: SearchFilters) -> bool:
    def seconds(moment: datetime) -> int:
        return int(moment.timestamp())

    checks = (
        not filters.folder_ids or order.folder in filters.folder_ids,
        not filters.source_names or order.source in filters.source_names,
        filters.added_from is None
        or (order.added is not None and order.added >= seconds(filters.added_from)),
        filters.added_to is None
        or (order.added is not None and order.added <= seconds(filters.added_to)),
        filters.total_min is None or order.cents >= filters.total_min * 100,
        filters.total_max is None or order.cents <= filters.total_max * 100,
    )
    return all(checks)


def oracle(made: list[Made], query: str, filters: SearchFilters, sort: SortKey) -> list[Made]:
    found = [o for o in made if keep(o, filters) and (not query or matches(o, query))]
    column = {SortKey.TOTAL: lambda o: o.cents, SortKey.DATE_UPDATED: lambda o: o.updated}
    by = column.get(sort)
    return sorted(found, key=lambda o: (by(o) if by else 0, o.key), reverse=True)


FILTERS = (
    SearchFilters(),
    SearchFilters(folder_ids=(1, 2)),
    SearchFilters(source_names=("Amazon Seller", "Étsy")),
    SearchFilters(folder_ids=(3,), total_min=Decimal("20.00")),
    SearchFilters(
        added_from=START + timedelta(days=1, hours=5),
        added_to=START + timedelta(days=3, seconds=-1),
    ),
    SearchFilters(total_max=Decimal("19.99"), source_names=("",)),
    SearchFilters(added_to=START + timedelta(days=2)),  # undated orders are left out
)
QUERIES = ("", "mug", "mu", "lopez", "lopez1", "tee wo", "garcia red", "m", "nothing")


@pytest.mark.parametrize("sort", [SortKey.DATE_ADDED, SortKey.TOTAL, SortKey.DATE_UPDATED])
def test_sorted_pages_equal_the_oracle(index: tuple[OrderIndex, list[Made]], sort: SortKey) -> None:
    opened, made = index
    for query in QUERIES:
        for filters in FILTERS:
            want = [o.id for o in oracle(made, query, filters, sort)]
            got: list[str] = []
            for offset in range(0, len(want) + 7, 7):
                found = opened.search(query, filters, sort, limit=7, offset=offset)
                assert found.total == len(want), (query, filters)
                got += [row.id for row in found.rows]
            assert got == want, (query, filters, sort)
            oldest_first = opened.search(query, filters, sort, descending=False, limit=3)
            assert [row.id for row in oldest_first.rows] == want[::-1][:3], (query, filters)


def test_relevance_pages_hold_every_match_once_also_past_the_ranking_window(
    index: tuple[OrderIndex, list[Made]], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened, made = index
    for window in (10_000, 12):
        monkeypatch.setattr(search_module, "RANK_WINDOW", window)
        for query in ("mug", "lopez", "tee wo"):
            for filters in FILTERS[:4]:
                want = {o.id for o in oracle(made, query, filters, SortKey.RELEVANCE)}
                got: list[str] = []
                for offset in range(0, len(want) + 5, 5):
                    found = opened.search(query, filters, SortKey.RELEVANCE, limit=5, offset=offset)
                    assert found.total == len(want)
                    assert found.ranked == min(window, len(want))
                    got += [row.id for row in found.rows]
                assert sorted(got) == sorted(want), (query, filters, window)


def test_orders_in_the_same_second_with_clashing_keys_are_all_found(tmp_path: Path) -> None:
    opened = OrderIndex(IndexDatabase.open("clash", tmp_path / "clash.sqlite3"))
    second = int(START.timestamp())
    clash = [
        Made(str(5 + n * 2**30), frozenset({"mug"}), second, second, 1, "", 100) for n in range(3)
    ]
    opened.write_page([raw(order) for order in clash])
    opened.write_page([raw(clash[1])])  # rewritten: keeps its own key
    keys = opened.db.connection().execute("SELECT date_key FROM orders").fetchall()
    assert len({key for (key,) in keys}) == 3
    found = opened.search("mug", limit=10)
    assert sorted(row.id for row in found.rows) == sorted(o.id for o in clash)
    assert found.total == 3
    assert opened.delete_ids([clash[0].id]) == 1
    assert opened.search("mug").total == 2
    opened.db.close()


def brute_stats(made: list[Made], group: GroupBy, start: int | None, end: int | None) -> dict:
    sums: dict[str, list[int]] = {}
    for order in made:
        bounded = start is not None or end is not None
        if bounded and (
            order.added is None
            or (start is not None and order.added < start)
            or (end is not None and order.added > end)
        ):
            continue
        if group is GroupBy.FOLDER:
            key = "" if order.folder is None else str(order.folder)
        elif group is GroupBy.DAY:
            key = "" if order.added is None else _stamp(order.added)[:10]
        else:
            key = order.source
        held = sums.setdefault(key, [0, 0])
        held[0] += 1
        held[1] += order.cents
    return {key: (n, Decimal(cents).scaleb(-2)) for key, (n, cents) in sums.items()}


def test_stats_equal_the_sums_for_any_range_and_after_changes(
    index: tuple[OrderIndex, list[Made]],
) -> None:
    opened, made = index
    base, day = int(START.timestamp()), 86_400
    ranges: list[tuple[int | None, int | None]] = [
        (None, None),  # everything, orders without a date too
        (base + 7_200, None),  # from mid-day on
        (None, base + day - 1),  # up to the end of a whole day
        (base + day, base + 3 * day - 1),  # whole days only
        (base + 3_600, base + 3_600),  # one second
        (base + 90_000, base + 100_000),  # inside one day
        (base + 50_000, base + 4 * day + 10),  # partial days at both ends
        (base + 9 * day, None),  # after every order
    ]
    for _round in range(2):
        for start, end in ranges:
            for group in GroupBy:
                got = opened.stats(
                    group,
                    None if start is None else datetime.fromtimestamp(start, UTC),
                    None if end is None else datetime.fromtimestamp(end, UTC),
                )
                assert {g.key: (g.count, g.revenue) for g in got} == brute_stats(
                    made, group, start, end
                ), (group, start, end)
                if group is not GroupBy.FOLDER:
                    assert [g.key for g in got] == sorted(g.key for g in got)
        changed = [
            Made(o.id, o.words, o.added, o.updated + 60, 2, o.source, o.cents + 1)
            for o in made[:40]
        ]
        opened.write_page([raw(order) for order in changed])
        opened.delete_ids([order.id for order in made[40:60]])
        made = changed + made[60:]
        assert opened.count() == len(made)


# What an index file of schema 3 held (before date keys, tags and the day summary).
SCHEMA_3 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE orders (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source_id TEXT NOT NULL,
    source_name TEXT NOT NULL, date_added INTEGER, date_updated INTEGER,
    customer_name TEXT NOT NULL, shipping_name TEXT NOT NULL, email TEXT NOT NULL,
    company TEXT NOT NULL, city TEXT NOT NULL, folder_id INTEGER, total_cents INTEGER NOT NULL,
    item_count INTEGER NOT NULL, quantity INTEGER NOT NULL, payment_status TEXT NOT NULL
);
CREATE INDEX orders_added ON orders(date_added);
CREATE INDEX orders_updated ON orders(date_updated);
CREATE INDEX orders_total ON orders(total_cents);
CREATE INDEX orders_folder ON orders(folder_id, date_added);
CREATE INDEX orders_source ON orders(source_name, date_added);
CREATE TABLE records (rowid INTEGER PRIMARY KEY, raw BLOB NOT NULL);
CREATE VIRTUAL TABLE orders_fts USING fts5(
    ids, people, items, notes, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE seen (rowid INTEGER PRIMARY KEY, at REAL NOT NULL);
"""


def write_schema_3(path: Path, store_id: str, made: list[Made]) -> None:
    """An index file as schema 3 wrote it, holding ``made``."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.executescript(SCHEMA_3)
    records = [order_record(raw(order)) for order in made]
    marks = ",".join("?" * 16)
    connection.executemany(
        f"INSERT INTO orders VALUES ({marks})", [(r.rowid, *r.values) for r in records]
    )
    connection.executemany(
        "INSERT INTO orders_fts(rowid, ids, people, items, notes) VALUES (?, ?, ?, ?, ?)",
        [(r.rowid, *r.search) for r in records],
    )
    connection.executemany(
        "INSERT INTO records VALUES (?, ?)",
        [(r.rowid, pack_raw(raw(o))) for r, o in zip(records, made, strict=True)],
    )
    connection.executemany(
        "INSERT INTO meta VALUES (?, ?)", [("schema_version", "3"), ("store_id", store_id)]
    )
    connection.close()


def test_a_schema_3_file_is_upgraded_in_place_and_answers_like_a_new_one(
    index: tuple[OrderIndex, list[Made]], tmp_path: Path
) -> None:
    fresh, made = index
    path = tmp_path / "old.sqlite3"
    write_schema_3(path, "old", made)
    upgraded = OrderIndex(IndexDatabase.open("old", path))
    assert not upgraded.db.rebuilt
    assert upgraded.meta()["schema_version"] == SCHEMA_VERSION
    for query, filters in [("mug", FILTERS[1]), ("lo", FILTERS[4]), ("", FILTERS[3])]:
        for sort in SortKey:
            a = upgraded.search(query, filters, sort, limit=500)
            b = fresh.search(query, filters, sort, limit=500)
            assert (a.rows, a.total) == (b.rows, b.total), (query, sort)
    for group in GroupBy:
        assert upgraded.stats(group, None, None) == fresh.stats(group, None, None)
    upgraded.db.close()
    again = IndexDatabase.open("old", path)  # a second open finds it current
    assert not again.rebuilt
    again.close()
