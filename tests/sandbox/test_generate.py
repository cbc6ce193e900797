"""Generated data: deterministic, varied, money that adds up, fast at 100k orders."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
import pytest

from app.sandbox import SandboxServer, SandboxStoreSpec
from app.sandbox.bucket import LeakyBucket
from app.sandbox.query import parse_order_query
from app.sandbox.store import SandboxStore
from tests.sandbox.conftest import API_KEY, auth_headers


def make_store(**changes: Any) -> SandboxStore:
    return SandboxStore(SandboxStoreSpec(**changes), LeakyBucket(enabled=False))


def all_orders(store: SandboxStore) -> list[dict[str, Any]]:
    return [store.view(row) for row in store.rows.values()]


def test_same_seed_same_data_and_other_seed_differs() -> None:
    first, again, other = make_store(seed=7), make_store(seed=7), make_store(seed=8)
    assert all_orders(first) == all_orders(again)
    assert all_orders(first) != all_orders(other)
    order_id = next(iter(first.rows))
    assert first.view(first.rows[order_id]) == first.view(first.rows[order_id])


def test_money_adds_up() -> None:
    for order in all_orders(make_store(orders=300)):
        items = order["order_items"]
        product = sum((Decimal(i["price"]) * i["quantity"] for i in items), Decimal(0))
        assert Decimal(str(order["product_total"])) == product
        parts = [Decimal(str(order[f"{k}_total"])) for k in ("shipping", "handling", "tax")]
        total = product + sum(parts, Decimal(0)) - Decimal(str(order["discount_total"]))
        assert Decimal(str(order["order_total"])) == total
        assert order["quantity_total"] == sum(i["quantity"] for i in items)
        discounts = sum((Decimal(d["amount"]) for d in order["discount_list"]), Decimal(0))
        assert discounts == Decimal(str(order["discount_total"]))


def test_data_is_varied_and_realistic() -> None:
    store = make_store(orders=1000)
    orders = all_orders(store)
    folders = Counter(order["folder_id"] for order in orders)
    assert set(folders) == {1, 2, 3, 4, 5}
    assert len({order["source_name"] for order in orders}) >= 6
    names = " ".join(o["shipping"]["first_name"] + o["shipping"]["last_name"] for o in orders)
    assert any(ord(c) > 0x3000 for c in names) and "é" in names
    texts = [str(order["checkout_data"]) + str(order["order_notes"]) for order in orders]
    assert any("Gift Message" in t for t in texts) and any("Shopper Note" in t for t in texts)
    assert any(ord(c) > 0x1F000 for t in texts for c in t)
    days = sorted({order["date_added"][:10] for order in orders})
    assert days[0] < "2024-07-10" and days[-1] >= "2025-06-25"
    closed = [order for order in orders if order["folder_id"] == 3]
    assert all(order["order_shipments"] for order in closed)
    pairs = {(order["source_name"], order["source_id"]) for order in orders}
    assert len(pairs) == len(orders)


def test_small_and_empty_stores() -> None:
    assert len(make_store(orders=3, inventory=0).orders) == 3
    empty = make_store(orders=0, inventory=0)
    assert len(empty.orders) == 0 and not empty.inventory


@pytest.fixture(scope="module")
def big_server() -> Any:
    started = time.perf_counter()
    spec = SandboxStoreSpec(api_key=API_KEY, orders=100_000, inventory=200)
    with SandboxServer(stores=[spec], rate_limit=False) as server:
        elapsed = time.perf_counter() - started
        print(f"\n100k orders generated and served in {elapsed:.2f} s")
        assert elapsed < 15
        yield server


def test_100k_list_page_latency(big_server: SandboxServer) -> None:
    store = big_server.store()
    query = parse_order_query({}, store.folders, store.spec.timezone)
    timings = []
    for offset in range(0, 20_000, 500):
        started = time.perf_counter()
        with store.lock:
            page = [store.view(row) for row in store.select(query)[offset : offset + 500]]
        timings.append(time.perf_counter() - started)
        assert len(page) == 500
    median = statistics.median(timings[1:])
    print(
        f"\nlimit=500 page over 100k (no JSON): first {timings[0] * 1000:.1f} ms, "
        f"median {median * 1000:.1f} ms"
    )
    assert median < 0.25


def test_100k_http_paging(big_server: SandboxServer) -> None:
    params = {"limit": 500, "folder_id": "3", "order_by": "date_updated"}
    with httpx.Client(base_url=big_server.base_url, headers=auth_headers(), timeout=30) as http:
        timings = []
        for offset in (0, 500, 1000, 50_000):
            started = time.perf_counter()
            body = http.get("/orders", params={**params, "offset": offset}).json()
            timings.append(time.perf_counter() - started)
        assert body["total_records"] > 50_000 and body["records_returned"] == 500
    print(f"\nHTTP limit=500 pages over 100k incl. JSON: {[round(t * 1000) for t in timings]} ms")
    assert statistics.median(timings) < 1.0


def test_recent_changes_are_spread_before_the_end() -> None:
    store = make_store(orders=20_000)
    end = int(store.spec.end.timestamp())
    assert all(row.added <= row.updated <= end for row in store.rows.values())
    per_second = Counter(row.updated for row in store.rows.values())
    assert max(per_second.values()) <= 5  # no pile of clamped changes on one second
    recent = [row for row in store.rows.values() if row.added > end - 3 * 86_400]
    assert sum(1 for row in recent if row.updated > row.added) > len(recent) // 2
