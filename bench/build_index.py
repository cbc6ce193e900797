"""Build a store index file straight from the sandbox's generator, without HTTP or a bucket.

The orders go through the same write path a sync uses (``OrderIndex.write_page``, 500 per
page), so the printed CPU per page is the index writer's own share of a sync. The file is
then a quick base for timing searches and stats on a big store
(``bench/bench_index.py --index FILE``) without a full sync through the bucket first.

Usage: ``.venv/bin/python bench/build_index.py --orders 1000000 --out /tmp/orders-1m.sqlite3``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from app.core.index.database import IndexDatabase, delete_files
from app.core.index.store_index import OrderIndex
from app.sandbox import DEMO_STORE_ID
from app.sandbox.bucket import LeakyBucket
from app.sandbox.spec import SandboxStoreSpec
from app.sandbox.store import SandboxStore

PAGE = 500
INDEX_STORE_ID = "bench"


def build(orders: int, out: Path) -> None:
    """Write ``orders`` generated orders into a fresh index file at ``out``."""
    store = SandboxStore(
        SandboxStoreSpec(store_id=DEMO_STORE_ID, orders=orders), LeakyBucket(10**9, 10**9)
    )
    rows = sorted(store.rows.values(), key=lambda row: row.seq)
    delete_files(out)
    index = OrderIndex(IndexDatabase.open(INDEX_STORE_ID, out))
    render_cpu = write_cpu = 0.0
    started = time.perf_counter()
    for start in range(0, len(rows), PAGE):
        began = time.process_time()
        page = [store.factory.render(row) for row in rows[start : start + PAGE]]
        rendered = time.process_time()
        index.write_page(page, {"checkpoint": str(start)})
        render_cpu += rendered - began
        write_cpu += time.process_time() - rendered
        if start and start % 100_000 == 0:
            print(f"  {start:>9,} orders, write {write_cpu / (start / PAGE) * 1000:.0f} ms/page")
    index.compact_wal()
    pages = max(1, len(rows) // PAGE)
    print(
        f"built {len(rows):,} orders in {time.perf_counter() - started:.0f} s; "
        f"CPU per page: render {render_cpu / pages * 1000:.0f} ms, "
        f"index write {write_cpu / pages * 1000:.0f} ms; "
        f"{index.db.size_bytes() / 1e6:.0f} MB"
    )
    index.db.close()


def main() -> None:
    """Parse arguments and build."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    build(args.orders, args.out)


if __name__ == "__main__":
    main()
