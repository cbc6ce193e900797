"""Benchmark: Order Desk requests per job, through the MCP tools of a real ``serve --stdio``.

Runs the sandbox Order Desk (its real 20-token / 3-per-second bucket) in this process with
``--orders`` generated orders, registers it in a temp data folder (API key in the encrypted
vault), turns the local mirror on for real stores, adds an AI client with policy ``allow`` and
spawns ``orderdesk-mcp serve --stdio`` with the SDK's stdio client. Requests are counted where
they arrive (the sandbox) and split by kind: ``GET /orders`` pages (the mirror's walk and change
feed), ``GET /orders/{id}``, ``PUT``, ``GET /store``.

Jobs (targets from issue 14):
* list every order on a cold mirror with ``orders_list`` pages of 500: ceil(N/500) requests;
* 50 repeated ``orders_get`` once the mirror is warm: 0 requests;
* ``orders_update`` uncontested: 2 requests (GET + PUT);
* change feed: ``GET /orders`` pages a minute while in use (``--feed-seconds`` of reads).

Usage: ``.venv/bin/python bench/bench_requests.py [--orders 2000] [--feed-seconds 30]
[--idle-seconds 120]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from serving import API_KEY, CLI, STORE_ID, cli, environment

from app.core.services.local_orders import ACTIVE_FOR
from app.sandbox import SandboxServer, SandboxStore, SandboxStoreSpec


def prepare(home: Path, url: str, *, mirror: bool = True) -> dict[str, str]:
    """Register the store, turn the mirror on, add a client; return the server's env."""
    env = environment(home)
    cli(env, "stores", "add", "Bench", "--store-id", STORE_ID, "--api-url", url, stdin=API_KEY)
    set_setting(home, "index.enabled_for_real_stores", mirror)
    token = cli(env, "clients", "add", "bench", "--scopes", "all", "--policy", "allow").strip()
    return {**env, "ORDERDESK_TRAY_TOKEN": token}


def set_setting(home: Path, key: str, value: object) -> None:
    """Write a setting into the data folder's database (no ``settings`` CLI yet)."""
    connection = sqlite3.connect(home / "orderdesk-tray.db")
    with connection:
        connection.execute(
            "INSERT OR REPLACE INTO setting(key, value) VALUES (?, ?)", (key, json.dumps(value))
        )
    connection.close()


def kinds(store: SandboxStore) -> Counter[str]:
    """Requests that reached the sandbox so far, by kind."""
    counts: Counter[str] = Counter()
    with store.lock:
        items = list(store._counts.items())  # a bench reads the log directly
    for (method, path), count in items:
        if method == "GET" and path.rstrip("/") == "/orders":
            counts["GET /orders (pages)"] += count
        elif method == "GET" and path.startswith("/orders/"):
            counts["GET /orders/{id}"] += count
        else:
            counts[f"{method} {path.split('/')[1] if '/' in path else path}"] += count
    return counts


def diff(after: Counter[str], before: Counter[str]) -> dict[str, int]:
    """What changed between two snapshots (kinds with 0 left out)."""
    return {k: after[k] - before[k] for k in after if after[k] - before[k]}


async def call(session: ClientSession, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    """Call a tool; exit on an error result."""
    result = await session.call_tool(tool, args)
    if result.is_error or result.structured_content is None:
        raise SystemExit(f"{tool} failed: {result.content}")
    return dict(result.structured_content)


async def list_all(session: ClientSession) -> tuple[int, int, str]:
    """Page through every order with orders_list; return (orders, calls, last age text)."""
    offset: int | None = 0
    seen, calls, age = 0, 0, ""
    while offset is not None:
        page = await call(
            session,
            "orders_list",
            {"limit": 500, "offset": offset, "order": "asc", "fields": ["id"]},
        )
        seen += len(page["orders"])
        calls += 1
        offset = page["page"]["next_offset"]
        age = f"source={page.get('source')} age={page.get('age_seconds')} s"
    return seen, calls, age


async def run(
    env: dict[str, str], od: SandboxStore, orders: int, feed_seconds: float, idle_seconds: float
) -> bool:
    """Run every job; print the numbers; return whether every target held."""
    params = StdioServerParameters(command=CLI[0], args=[*CLI[1:], "serve", "--stdio"], env=env)
    ok = True
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        base: Counter[str] = Counter()  # the mirror's first walk starts with the server
        seen, calls, age = await list_all(session)
        cold = diff(kinds(od), base)
        target = math.ceil(orders / 500)
        pages = cold.get("GET /orders (pages)", 0)
        print(f"list {seen} orders on a cold mirror ({calls} orders_list calls): {cold} ({age})")
        print(f"  -> order pages {pages} (target {target}); GET /store for folder names apart")
        ok &= pages == target and seen == orders

        order_id = str(next(iter(od.orders)))
        await call(session, "orders_get", {"order_id": order_id})  # warm
        base = kinds(od)
        started = time.perf_counter()
        for _ in range(50):
            got = await call(session, "orders_get", {"order_id": order_id})
        wall = time.perf_counter() - started
        reads = diff(kinds(od), base)
        per_order = reads.get("GET /orders/{id}", 0)
        print(
            f"50 x orders_get after warm: {reads or 'no requests'} in {wall * 1000:.0f} ms"
            f" (source={got['source']}, age {got['age_seconds']} s)"
        )
        print(f"  -> GET /orders/{{id}} {per_order} (target 0)")
        ok &= per_order == 0

        costs = []
        for number in range(5):
            base = kinds(od)
            changes = {"email": f"bench{number}@example.com"}
            await call(session, "orders_update", {"order_id": order_id, "changes": changes})
            spent = diff(kinds(od), base)
            costs.append(spent.get("GET /orders/{id}", 0) + spent.get("PUT orders", 0))
            got = await call(session, "orders_get", {"order_id": order_id, "detail": "full"})
            ok &= changes["email"] in json.dumps(got)
        print(f"orders_update x5: GET+PUT per update = {costs} (target 2); read-back ok")
        ok &= set(costs) == {2}

        base = kinds(od)
        end = time.monotonic() + feed_seconds
        while time.monotonic() < end:
            await call(session, "orders_get", {"order_id": order_id})
            await asyncio.sleep(1.0)
        feed = diff(kinds(od), base).get("GET /orders (pages)", 0)
        print(
            f"change feed while in use: {feed} GET /orders in {feed_seconds:.0f} s ="
            f" {feed * 60 / feed_seconds:.1f} a minute (setting mirror.feed_active, default 5 s)"
        )
        if idle_seconds > 0:
            await asyncio.sleep(ACTIVE_FOR)  # no reads: the feed slows down
            base = kinds(od)
            await asyncio.sleep(idle_seconds)
            feed = diff(kinds(od), base).get("GET /orders (pages)", 0)
            print(
                f"change feed idle (client connected, no reads): {feed} GET /orders in"
                f" {idle_seconds:.0f} s = {feed * 60 / idle_seconds:.1f} a minute"
                " (setting mirror.feed_idle, default 60 s)"
            )
    return ok


def main() -> int:
    """Start the sandbox and the server, run the jobs, print one summary line per job."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--feed-seconds", type=float, default=30.0)
    parser.add_argument(
        "--idle-seconds", type=float, default=0.0, help="also measure the idle feed (+2 min)"
    )
    args = parser.parse_args()
    spec = SandboxStoreSpec(store_id=STORE_ID, api_key=API_KEY, orders=args.orders, inventory=3)
    with SandboxServer([spec], rate_limit=True) as sandbox, tempfile.TemporaryDirectory() as tmp:
        env = prepare(Path(tmp), sandbox.base_url)
        od = sandbox.store(STORE_ID)
        od.reset_counts()
        ok = asyncio.run(run(env, od, args.orders, args.feed_seconds, args.idle_seconds))
    print(json.dumps({"all_targets_met": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
