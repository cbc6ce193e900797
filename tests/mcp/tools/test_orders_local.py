"""``orders_search`` and ``orders_stats``: answers from the local index, freshness, bad input."""

from __future__ import annotations

import asyncio
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from app.core import settings
from app.core.events import SYNC_PROGRESS, Event
from app.mcp.server import McpContext
from app.mcp.shaping import UNTRUSTED_NOTICE
from app.sandbox import DEMO_STORE_ID, SandboxServer
from tests.mcp.tools.conftest import MODES, OUTLET_ID, OUTLET_KEY, connect, text_of

DEMO_ORDERS = 40


def _remote(sandbox: SandboxServer) -> dict[str, dict[str, Any]]:
    return sandbox.store(DEMO_STORE_ID).orders


@pytest.mark.parametrize("mode", MODES)
async def test_search_answers_from_the_index_with_paging_and_freshness(
    indexed_ctx: McpContext, sandbox: SandboxServer, mode: str
) -> None:
    remote = _remote(sandbox)
    target = remote[sorted(remote, key=int)[5]]
    async with connect(indexed_ctx, mode=mode) as session:
        first = await session.ok("orders_search", {"limit": 15})
        assert first["index"]["state"] == "ready"
        assert first["index"]["count"] == DEMO_ORDERS and first["index"]["last_synced_at"]
        assert first["page"]["total"] == DEMO_ORDERS and first["page"]["next_offset"] == 15
        added = [row["date_added"] for row in first["orders"]]
        assert added == sorted(added, reverse=True)
        row = first["orders"][0]
        assert first["_notice"] == UNTRUSTED_NOTICE and "_notice" not in row["untrusted"]
        assert "customer_name" in row["untrusted"] and "customer_name" not in row
        assert isinstance(row["order_total"], str) and row["folder_name"]

        last = await session.ok("orders_search", {"limit": 15, "offset": 30})
        assert last["page"]["returned"] == 10 and last["page"]["next_offset"] is None

        by_mail = await session.ok("orders_search", {"query": target["email"]})
        assert target["id"] in [row["id"] for row in by_mail["orders"]]
        standard = await session.ok(
            "orders_search", {"query": target["source_id"], "detail": "standard"}
        )
        assert standard["orders"][0]["untrusted"]["city"] == target["shipping"]["city"]


@pytest.mark.parametrize("mode", MODES)
async def test_search_filters_match_the_remote_store(
    indexed_ctx: McpContext, sandbox: SandboxServer, mode: str
) -> None:
    remote = list(_remote(sandbox).values())
    in_new = {o["id"] for o in remote if o["folder_id"] == 1}
    pricey = {o["id"] for o in remote if Decimal(str(o["order_total"])) >= Decimal("50.00")}
    async with connect(indexed_ctx, mode=mode) as session:
        folder = await session.ok("orders_search", {"folder_name": "new", "limit": 100})
        assert {row["id"] for row in folder["orders"]} == in_new
        assert {row["folder_name"] for row in folder["orders"]} <= {"New"}
        totals = await session.ok(
            "orders_search", {"total_min": "50.00", "sort": "total", "order": "asc", "limit": 100}
        )
        assert {row["id"] for row in totals["orders"]} == pricey
        amounts = [Decimal(row["order_total"]) for row in totals["orders"]]
        assert amounts == sorted(amounts)
        dated = await session.ok(
            "orders_search", {"added_from": "2025-01-01", "added_to": "2025-03-31 23:59:59"}
        )
        expected = [o for o in remote if "2025-01-01" <= o["date_added"] <= "2025-03-31 23:59:59"]
        assert dated["page"]["total"] == len(expected)


@pytest.mark.parametrize("mode", MODES)
async def test_full_detail_reads_the_page_live(
    indexed_ctx: McpContext, sandbox: SandboxServer, mode: str
) -> None:
    async with connect(indexed_ctx, mode=mode) as session:
        full = await session.ok("orders_search", {"detail": "full", "limit": 2})
    assert len(full["orders"]) == 2 and full["_notice"] == UNTRUSTED_NOTICE
    for order in full["orders"]:
        assert order["order_items"] and "order_shipments" in order
        assert "untrusted" in order


@pytest.mark.parametrize("mode", MODES)
async def test_stats_count_and_revenue_exactly(
    indexed_ctx: McpContext, sandbox: SandboxServer, mode: str
) -> None:
    remote = list(_remote(sandbox).values())
    revenue = sum((Decimal(str(o["order_total"])) for o in remote), Decimal("0.00"))
    per_folder = Counter(str(o["folder_id"]) for o in remote)
    async with connect(indexed_ctx, mode=mode) as session:
        folders = await session.ok("orders_stats")
        assert folders["count"] == DEMO_ORDERS and folders["revenue"] == str(revenue)
        assert {g["key"]: g["count"] for g in folders["groups"]} == per_folder
        assert {g["folder_name"] for g in folders["groups"]} <= {
            "New", "Prepared", "Closed", "Canceled", "Backorder",
        }  # fmt: skip
        assert folders["index"]["state"] == "ready"
        sources = await session.ok("orders_stats", {"group_by": "source"})
        assert {g["key"]: g["count"] for g in sources["groups"]} == Counter(
            o["source_name"] for o in remote
        )
        days = await session.ok(
            "orders_stats",
            {"group_by": "day", "added_from": "2025-06-01", "added_to": "2025-07-01"},
        )
        june = [o for o in remote if o["date_added"].startswith("2025-06")]
        assert days["count"] == len(june)
        assert all(g["key"].startswith("2025-06") for g in days["groups"])


@pytest.mark.parametrize("mode", MODES)
async def test_any_query_text_is_safe(
    indexed_ctx: McpContext, sandbox: SandboxServer, mode: str
) -> None:
    queries = [
        '"unclosed', "a AND (b OR", "NEAR(x y", "^start", "col:value", "'; DROP --",
        "Zoë Löpez", "\uff46\uff55\uff4c\uff4c", "emma)",
    ]  # fmt: skip
    remote = list(_remote(sandbox).values())
    cacti = {o["id"] for o in remote if any("🌵" in i["name"] for i in o["order_items"])}
    async with connect(indexed_ctx, mode=mode) as session:
        for query in queries:
            found = await session.ok("orders_search", {"query": query})
            assert found["index"]["state"] == "ready"
            assert found["page"]["total"] < DEMO_ORDERS, query
        for no_words in ("*", "-", "\u200b", "  "):
            everything = await session.ok("orders_search", {"query": no_words})
            assert everything["page"]["total"] == DEMO_ORDERS
        cactus = await session.ok("orders_search", {"query": "🌵", "limit": 100})
        kabushiki = await session.ok("orders_search", {"query": "株式会社さくら"})
    assert cacti and {row["id"] for row in cactus["orders"]} == cacti
    assert kabushiki["page"]["total"] >= 1


@pytest.mark.parametrize("mode", MODES)
async def test_bad_arguments_get_clear_errors(indexed_ctx: McpContext, mode: str) -> None:
    async with connect(indexed_ctx, mode=mode) as session:
        assert "limit" in await session.error("orders_search", {"limit": 0})
        assert "limit" in await session.error("orders_search", {"limit": 501})
        assert "offset" in await session.error("orders_search", {"offset": -1})
        assert "query" in await session.error("orders_search", {"query": "x" * 201})
        assert "total_min" in await session.error("orders_search", {"total_min": "ten"})
        swapped = await session.error("orders_search", {"total_min": "9", "total_max": "1"})
        assert "total_min is larger than total_max" in swapped
        full = await session.error("orders_search", {"detail": "full", "limit": 50})
        assert "limit <= 20" in full
        assert "not a real date" in await session.error(
            "orders_search", {"added_from": "2025-13-45"}
        )
        reversed_range = await session.error(
            "orders_stats", {"added_from": "2025-06-02", "added_to": "2025-06-01"}
        )
        assert "later than" in reversed_range
        folder = await session.error("orders_search", {"folder_name": "Nowhere"})
        assert "no folder 'Nowhere'" in folder and "Backorder" in folder
        both = await session.error("orders_search", {"folder_id": [1], "folder_name": "New"})
        assert "not both" in both
        assert "group_by" in await session.error("orders_stats", {"group_by": "week"})
        assert "Unknown argument" in await session.error("orders_search", {"q": "x"})


async def test_tools_are_read_only_and_say_what_is_live(
    app_ctx: McpContext,
) -> None:
    async with connect(app_ctx) as session:
        tools = {t.name: t for t in (await session.client.list_tools()).tools}
    for name in ("orders_search", "orders_stats"):
        hints = tools[name].annotations
        assert hints is not None and hints.read_only_hint  # the rest is moot for a reader
        assert hints.open_world_hint is not False  # a copy of Order Desk's data
        assert "local copy" in (tools[name].description or "")
        assert "orders_get" in (tools[name].description or "")
    assert "untrusted" in (tools["orders_search"].description or "")
    limit = tools["orders_search"].input_schema["properties"]["limit"]
    assert limit["minimum"] == 1 and limit["maximum"] == 500


def _ready_event(ctx: McpContext, store_key: str) -> asyncio.Event:
    """An event set when the store's index reports ``ready``."""
    loop = asyncio.get_running_loop()
    ready = asyncio.Event()

    def on_event(event: Event) -> None:
        mine = event.kind == SYNC_PROGRESS and event.store_id == store_key
        if mine and event.data.get("state") == "ready":
            loop.call_soon_threadsafe(ready.set)

    ctx.hub.subscribe(on_event)
    return ready


async def test_real_store_is_searchable_only_when_indexing_is_on(
    app_ctx: McpContext, sandbox: SandboxServer
) -> None:
    outlet = await app_ctx.services.stores.register(
        "Outlet", OUTLET_ID, OUTLET_KEY, sandbox.base_url, actor="test", index=False
    )
    ready = _ready_event(app_ctx, outlet.key)
    async with connect(app_ctx) as session:
        refused = await session.error("orders_search", {"store": "Outlet"})
        assert "keeps no local order index" in refused and "orders_list" in refused
        assert "index.enabled_for_real_stores" in refused
        assert "keeps no local order index" in await session.error(
            "orders_stats", {"store": "Outlet"}
        )

        settings.set_value("index.enabled_for_real_stores", True)
        first = await session.ok("orders_search", {"store": "Outlet"})
        if first["index"]["state"] != "ready":  # the first sync has only just started
            assert "orders_list" in first["index"]["note"]
            assert first["index"]["state"] in {"empty", "syncing"}
        await asyncio.wait_for(ready.wait(), 20)
        synced = await session.ok("orders_search", {"store": "Outlet"})
    assert synced["index"]["state"] == "ready" and synced["page"]["total"] == 8
    assert synced["index"]["count"] == 8 and synced["index"]["last_synced_at"]


async def test_a_newly_added_real_store_answers_within_one_sync(
    app_ctx: McpContext, sandbox: SandboxServer
) -> None:
    """Issue 11: the local index is on by default for new stores (opt out with index=False)."""
    outlet = await app_ctx.services.stores.register(
        "Outlet", OUTLET_ID, OUTLET_KEY, sandbox.base_url, actor="test"
    )
    assert outlet.index_enabled and not outlet.is_demo
    assert app_ctx.services.local_orders.keeps_index(outlet)
    ready = _ready_event(app_ctx, outlet.key)
    async with connect(app_ctx) as session:
        first = await session.ok("orders_search", {"store": "Outlet"})
        assert first["index"]["state"] in {"empty", "syncing", "ready"}
        await asyncio.wait_for(ready.wait(), 20)
        synced = await session.ok("orders_search", {"store": "Outlet"})
    assert synced["index"]["state"] == "ready" and synced["page"]["total"] == 8


async def test_relevance_past_the_ranking_window_says_so(
    indexed_ctx: McpContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core.index import search

    async with connect(indexed_ctx) as session:
        within = await session.call("orders_search", {"query": "example"})  # every e-mail
        assert "Ranked by relevance" not in text_of(within)
        monkeypatch.setattr(search, "RANK_WINDOW", 3)
        past = await session.call("orders_search", {"query": "example", "limit": 50})
        assert f"newest 3 of {DEMO_ORDERS} matches" in text_of(past)
        ids = [row["id"] for row in past.structured_content["orders"]]  # type: ignore[index]
        assert len(set(ids)) == DEMO_ORDERS
