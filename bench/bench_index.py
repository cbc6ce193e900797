"""Benchmark: the local order index over a large sandbox store (100k orders; 1M with --orders).

Starts the sandbox in its own process (``python -m app.sandbox --orders N --port P``, rate
limit on) so its CPU does not compete with the sync, then measures and prints:

* full sync: requests (target <= N/500 + 1) and time against what the bucket allows,
  ``(requests - 20) / 3`` seconds (target <= 1.05x);
* incremental sync after 50 orders changed elsewhere (one ``/move-orders`` call): requests
  (target <= 2);
* search over the index: median and p90 of 50 mixed queries (targets < 30 ms, < 60 ms);
* stats by folder, day and source: median and max (target median < 200 ms);
* the index file size and the peak RSS of this process, which holds the index (target
  < 400 MB; the sandbox's own peak is printed beside it).

Exits non-zero when a target is missed. Usage: ``.venv/bin/python bench/bench_index.py
[--orders N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal

import httpx

from app.core.index import GroupBy, IndexService, SearchFilters, SortKey, StoreHandle
from app.core.orderdesk import OrderDeskClient
from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID

BUCKET, REFILL = 20, 3
QUERIES = (
    "maria", "lopez", "montreal", "東京", "TEE", "SWB10-COR", "mug", "café", "🎉", "gift",
    "example.org", "jose garcia", "310", "cus", "Nordlicht", "sato", "wool beanie", "party",
    "NEAR", '"(x*', "o'brien", "shopify", "müller", "1Z00",
)  # fmt: skip


class CountingTransport(httpx.AsyncBaseTransport):
    """Counts HTTP requests and their statuses."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.statuses: list[int] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.statuses.append(response.status_code)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_sandbox(orders: int) -> tuple[subprocess.Popen[str], str]:
    """Start the sandbox process; returns it and the API base URL it printed."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app.sandbox", "--orders", str(orders), "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def median_ms(samples: list[float]) -> float:
    """Median of seconds, in milliseconds."""
    return statistics.median(samples) * 1000


async def timed_searches(service: IndexService, store_id: str, orders: int) -> list[float]:
    """Run 50 mixed queries (48 texts over three sorts/filters, 2 deep pages); their seconds."""
    samples: list[float] = []
    variants = (
        (SortKey.DATE_ADDED, None),
        (SortKey.RELEVANCE, None),
        (SortKey.TOTAL, SearchFilters(folder_ids=(1, 2), total_min=Decimal("20.00"))),
    )
    for i in range(48):
        query = QUERIES[i % len(QUERIES)]
        sort, filters = variants[(i + i // len(QUERIES)) % len(variants)]
        started = time.perf_counter()
        await service.search(store_id, query, filters, sort, limit=50)
        samples.append(time.perf_counter() - started)
    for offset in (orders // 20, orders // 2):
        started = time.perf_counter()
        await service.search(store_id, "", None, SortKey.DATE_ADDED, limit=50, offset=offset)
        samples.append(time.perf_counter() - started)
    return samples


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak resident memory in MB: this process, or another one's (Linux /proc)."""
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def timed_stats(service: IndexService, store_id: str) -> list[float]:
    """Stats by each grouping, over everything and over one quarter."""
    samples: list[float] = []
    quarter = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 3, 31, 23, 59, 59, tzinfo=UTC))
    for group in GroupBy:
        for start, end in ((None, None), quarter):
            for _ in range(3):
                began = time.perf_counter()
                await service.stats(store_id, group, start, end)
                samples.append(time.perf_counter() - began)
    return samples


async def run(base_url: str, orders: int, sandbox_pid: int | None = None) -> int:
    """Run every measurement against the sandbox at ``base_url``; returns the exit code."""
    transport = CountingTransport()
    client = OrderDeskClient(DEMO_STORE_ID, DEMO_API_KEY, base_url=base_url, transport=transport)
    service = IndexService()
    store = StoreHandle("bench", client)
    failures: list[str] = []
    try:
        started = time.perf_counter()
        report = await service.sync(store)
        elapsed = time.perf_counter() - started
        requests = len(transport.statuses)
        allowed = max(0, requests - BUCKET) / REFILL
        ratio = elapsed / allowed if allowed else 0.0
        status = await service.status(store)
        print(
            f"full sync:        {status.count} orders, {requests} requests "
            f"(target <= {orders // 500 + 1}), {transport.statuses.count(429)} x 429"
        )
        print(f"  time:           {elapsed:.1f} s; bucket allows {allowed:.1f} s "
              f"((requests - 20) / 3); ratio {ratio:.3f} (target <= 1.05)")  # fmt: skip
        if requests > orders // 500 + 1 or ratio > 1.05 or status.count != orders:
            failures.append("full sync")
        print(
            f"  index size:     {status.size_bytes / 1e6:.1f} MB for {status.count} orders "
            f"({status.size_bytes / max(1, status.count) * 100_000 / 1e6:.1f} MB per 100k)"
        )

        ids = [row.id for row in (await service.search(store, limit=50, offset=777)).rows]
        await client.move_orders(ids, folder_id=5)
        before = len(transport.statuses)
        report = await service.sync(store)
        incremental = len(transport.statuses) - before
        moved = await service.search(store, "", SearchFilters(folder_ids=(5,)), limit=1000)
        in_folder = sum(1 for row in moved.rows if row.id in set(ids))
        print(
            f"incremental sync: {incremental} requests after 50 orders changed "
            f"(target <= 2); {report.upserted} written, {in_folder}/50 seen in their new folder"
        )
        if incremental > 2 or in_folder != 50:
            failures.append("incremental sync")

        searches = await timed_searches(service, store.id, orders)
        search_ms = median_ms(searches)
        p90_ms = statistics.quantiles(searches, n=10)[-1] * 1000
        print(
            f"search:           median {search_ms:.1f} ms, p90 {p90_ms:.1f} ms over "
            f"{len(searches)} queries (targets median < 30 ms, p90 < 60 ms)"
        )
        stats = await timed_stats(service, store.id)
        stats_ms = median_ms(stats)
        print(
            f"stats:            median {stats_ms:.1f} ms, max {max(stats) * 1000:.1f} ms "
            f"over {len(stats)} calls (target median < 200 ms)"
        )
        if search_ms >= 30 or p90_ms >= 60:
            failures.append("search")
        if stats_ms >= 200:
            failures.append("stats")
        rss = peak_rss_mb()
        print(
            f"peak RSS:         {rss:.0f} MB in this process (index, client; target < 400 MB);"
            f" sandbox process {peak_rss_mb(sandbox_pid):.0f} MB"
        )
        if rss >= 400:
            failures.append("memory")
    finally:
        await service.aclose()
        await client.aclose()
    print("result:           " + ("all targets met" if not failures else f"missed: {failures}"))
    return 1 if failures else 0


def main() -> int:
    """Start the sandbox process, run the benchmark, stop the sandbox."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    orders = parser.parse_args().orders
    os.environ["ORDERDESK_TRAY_HOME"] = tempfile.mkdtemp(prefix="bench-index-")
    process, base_url = start_sandbox(orders)
    try:
        print(f"sandbox:          {orders} orders at {base_url} (separate process, rate limit on)")
        return asyncio.run(run(base_url, orders, process.pid))
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(os.environ["ORDERDESK_TRAY_HOME"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
