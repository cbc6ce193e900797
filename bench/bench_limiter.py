"""Benchmark: 200 concurrent GETs from one client to one rate-limited sandbox store.

The client's leaky bucket should keep the burst inside Order Desk's limit (20 tokens, +3/s):
the server must send no 429, and the whole burst should take about the time the bucket
allows, ``(200 - 20) / 3 = 60`` seconds. Exits non-zero when a 429 was seen or the run took
more than 1.15x the allowed time.

Usage: ``.venv/bin/python bench/bench_limiter.py [--requests N]``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

import httpx

from app.core.orderdesk import OrderDeskClient
from app.sandbox import SandboxServer, SandboxStoreSpec

STORE_ID = "100001"
API_KEY = "bench-key"
BUCKET_CAPACITY = 20
REFILL_PER_SECOND = 3
TARGET_RATIO = 1.15


class StatusCounter(httpx.AsyncBaseTransport):
    """Counts the HTTP statuses the client receives."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.statuses: list[int] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.statuses.append(response.status_code)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def run(base_url: str, order_ids: list[str]) -> tuple[float, list[int]]:
    """Fire every GET at once; return elapsed seconds and the statuses received."""
    counter = StatusCounter()
    async with OrderDeskClient(STORE_ID, API_KEY, base_url=base_url, transport=counter) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client.get_order(order_id) for order_id in order_ids))
        elapsed = time.perf_counter() - started
    return elapsed, counter.statuses


def main() -> int:
    """Run the benchmark and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    count = parser.parse_args().requests
    spec = SandboxStoreSpec(store_id=STORE_ID, api_key=API_KEY, orders=count, inventory=20, seed=7)
    server = SandboxServer(stores=[spec], port=0, rate_limit=True)
    server.start()
    try:
        order_ids = list(server.store(STORE_ID).orders)[:count]
        server.store(STORE_ID).reset_counts()
        elapsed, statuses = asyncio.run(run(server.base_url, order_ids))
        server_requests = server.store(STORE_ID).request_count(method="GET")
    finally:
        server.stop()
    allowed = max(0, count - BUCKET_CAPACITY) / REFILL_PER_SECOND
    ratio = elapsed / allowed if allowed else 0.0
    rate_limited = statuses.count(429)
    print(f"requests:            {count} concurrent GETs (asyncio.gather, one client)")
    print(f"server saw:          {server_requests} GET requests")
    print(f"429s sent:           {rate_limited}  (must be 0)")
    print(f"other non-200:       {sum(1 for s in statuses if s not in (200, 429))}")
    print(f"elapsed:             {elapsed:.2f} s")
    formula = f"(({count} - {BUCKET_CAPACITY}) / {REFILL_PER_SECOND})"
    print(f"bucket allows:       {allowed:.2f} s  {formula}")
    print(f"ratio elapsed/allow: {ratio:.3f}  (target <= {TARGET_RATIO})")
    return 0 if rate_limited == 0 and ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
