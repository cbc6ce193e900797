"""Benchmark: four ``serve --stdio`` processes (and optionally a foreign app) on one store.

Runs the sandbox Order Desk with its real bucket (20 tokens, +3 a second) in this process,
registers it in one temp data folder and spawns ``--servers`` separate ``orderdesk-mcp serve
--stdio`` processes, each driven by the SDK's stdio client. After every server answered
``initialize``, each calls ``orders_get`` with ``fresh: true`` (so every call is a real
``GET /orders/{id}``) for its share of ``--reads``, one call at a time. The processes share the
store's bucket through the data folder; none may see a 429.

``--foreign RATE`` also runs another app on the same store (same key, not ours) that sends
``RATE`` requests a second and ignores our budget; our calls must then wait their turn, not fail.

Reported: failures (tool errors), 429s the sandbox sent (ours and the foreign app's), the wall
time and the bucket floor ``(requests that reached the store - 20) / 3``.
Usage: ``.venv/bin/python bench/bench_contention.py [--servers 4] [--reads 200] [--foreign 7]``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from bench_requests import prepare
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from serving import API_KEY, CLI, STORE_ID, Refusals

from app.sandbox import SandboxServer, SandboxStore, SandboxStoreSpec

CAPACITY, REFILL = 20, 3.0
PROGRESS: list[float] = []
SLOWEST: list[float] = []


async def one_server(
    env: dict[str, str], order_ids: list[str], ready: asyncio.Barrier, results: list[int]
) -> None:
    """One ``serve --stdio``: initialize, wait for the others, read its orders fresh."""
    params = StdioServerParameters(command=CLI[0], args=[*CLI[1:], "serve", "--stdio"], env=env)
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        await ready.wait()
        failures = 0

        async def heard(progress: float, total: float | None, message: str | None) -> None:
            PROGRESS.append(progress)

        for order_id in order_ids:
            began = time.perf_counter()
            result = await session.call_tool(
                "orders_get", {"order_id": order_id, "fresh": True}, progress_callback=heard
            )
            SLOWEST.append(time.perf_counter() - began)
            if result.is_error:
                failures += 1
                print(f"  failure: {result.content[0].text[:200]}", file=sys.stderr)  # type: ignore[union-attr]
        results.append(failures)


def foreign_app(base_url: str, rate: float, stop: threading.Event) -> tuple[int, int]:
    """Another program on the same store: ``rate`` GETs a second, no budget.

    Returns:
        Requests it sent and 429s it received.
    """
    sent = refused = 0
    headers = {"ORDERDESK-STORE-ID": STORE_ID, "ORDERDESK-API-KEY": API_KEY}
    with httpx.Client(base_url=base_url, headers=headers) as client:
        while not stop.is_set():
            refused += client.get("/store").status_code == 429
            sent += 1
            stop.wait(1.0 / rate)
    return sent, refused


async def run(env: dict[str, str], od: SandboxStore, servers: int, reads: int) -> list[int]:
    """Start the servers, let them read; return failures per server."""
    ids = list(od.orders)
    shares = [[ids[(s * reads // servers + i) % len(ids)] for i in range(reads // servers)]
              for s in range(servers)]  # fmt: skip
    ready = asyncio.Barrier(servers + 1)
    results: list[int] = []
    tasks = [asyncio.create_task(one_server(env, share, ready, results)) for share in shares]
    await ready.wait()
    od.reset_counts()
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    run.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    return results


def main() -> int:
    """Run the benchmark and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=4)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--foreign", type=float, default=0.0, help="foreign requests a second")
    args = parser.parse_args()
    spec = SandboxStoreSpec(store_id=STORE_ID, api_key=API_KEY, orders=400, inventory=3)
    with SandboxServer([spec], rate_limit=True) as sandbox, tempfile.TemporaryDirectory() as tmp:
        env = prepare(Path(tmp), sandbox.base_url, mirror=False)
        od = sandbox.store(STORE_ID)
        refusals = Refusals(od)
        stop = threading.Event()
        foreign_sent: list[tuple[int, int]] = []
        if args.foreign > 0:
            thread = threading.Thread(
                target=lambda: foreign_sent.append(
                    foreign_app(sandbox.base_url, args.foreign, stop)
                )
            )
            thread.start()
        try:
            failures = asyncio.run(run(env, od, args.servers, args.reads))
        finally:
            stop.set()
        if args.foreign > 0:
            thread.join()
        foreign, foreign_refused = foreign_sent[0] if foreign_sent else (0, 0)
        ours = od.request_count() - foreign
    elapsed: float = run.elapsed  # type: ignore[attr-defined]
    floor = max(0.0, ours - CAPACITY) / REFILL
    print(
        f"{args.servers} x serve --stdio, {args.reads} orders_get fresh=true"
        f"{f', foreign app at {args.foreign:g}/s ({foreign} requests)' if foreign else ''}:"
    )
    ours_refused = refusals.total - foreign_refused
    print(f"  failures: {sum(failures)}  429s to us: {ours_refused}  to the foreign app:"
          f" {foreign_refused}  progress notifications: {len(PROGRESS)}")  # fmt: skip
    print(f"  our requests at the store: {ours}; wall {elapsed:.1f} s; slowest call"
          f" {max(SLOWEST, default=0):.1f} s")  # fmt: skip
    if not foreign:
        print(f"  bucket floor {floor:.1f} s; ratio {elapsed / floor if floor else 0:.3f}")
    return 0 if sum(failures) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
