"""Benchmark: what the services cost in Order Desk requests, against a rate-limited sandbox.

Prints the requests needed to walk 2,000 orders, to repeat an identical read inside the cache
TTL, and for an uncontested order update. Exits non-zero when a number is above its target
(4, 0 and 2). Runs the services on a real engine thread with a temporary data folder.

Usage: ``.venv/bin/python bench/bench_services.py [--orders N]``
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

from app.core.db import close_db, init_db
from app.core.engine import Engine
from app.core.services import CacheTtls, OrderFilters, Services, StoreRecord
from app.sandbox import SandboxServer, SandboxStore, SandboxStoreSpec

STORE_ID = "300003"
API_KEY = "bench-services-key-5c1d"
PAGE = 500


class DictSecrets:
    """An in-process secret store for the benchmark (nothing is written anywhere)."""

    backend_name = "memory"
    is_system = False

    def __init__(self) -> None:
        self._data: dict[str, str] = {}

    def is_unlocked(self) -> bool:
        return True

    def describe(self) -> str:
        return "in-memory (benchmark)"

    def get(self, store_id: str) -> str | None:
        return self._data.get(store_id)

    def set(self, store_id: str, secret: str) -> None:
        self._data[store_id] = secret

    def delete(self, store_id: str) -> None:
        self._data.pop(store_id, None)


def measure(
    engine: Engine, services: Services, od: SandboxStore, store: StoreRecord
) -> dict[str, int]:
    """Run the three scenarios and return the request count of each."""

    async def walk() -> int:
        return len([o async for o in services.orders.iter_all(store)])

    od.reset_counts()
    started = time.perf_counter()
    walked = engine.call(walk())
    print(f"walked {walked} orders in {time.perf_counter() - started:.2f} s")
    counts = {"list_all": od.request_count()}

    filters = OrderFilters(folders="Closed", order="asc")
    engine.call(services.orders.list(store, filters, limit=100))
    od.reset_counts()
    engine.call(services.orders.list(store, filters, limit=100))
    counts["repeat_read"] = od.request_count()

    order_id = next(iter(od.orders))
    od.reset_counts()
    engine.call(
        services.orders.update(store, order_id, {"shipping": {"city": "Round Rock"}}, actor="bench")
    )
    counts["update"] = od.request_count()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["ORDERDESK_TRAY_HOME"] = home
        init_db(Path(home) / "bench.db")
        spec = SandboxStoreSpec(store_id=STORE_ID, api_key=API_KEY, orders=args.orders)
        engine = Engine()
        engine.start()
        try:
            with SandboxServer([spec], rate_limit=True) as server:
                services = Services.create(engine, secrets=DictSecrets(), ttls=CacheTtls())
                store = engine.call(
                    services.stores.register("Bench", STORE_ID, API_KEY, server.base_url)
                )
                counts = measure(engine, services, server.store(STORE_ID), store)
        finally:
            engine.stop()
            close_db()
    targets = {"list_all": math.ceil(args.orders / PAGE), "repeat_read": 0, "update": 2}
    listed, target = counts["list_all"], targets["list_all"]
    print(f"requests to list {args.orders:,} orders: {listed} (target {target})")
    print(f"requests for a repeated identical read: {counts['repeat_read']} (target 0)")
    print(f"requests for an uncontested update: {counts['update']} (target 2)")
    return 0 if all(counts[k] <= targets[k] for k in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
