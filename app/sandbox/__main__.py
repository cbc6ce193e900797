"""Run the sandbox Order Desk in the foreground: ``python -m app.sandbox``.

Prints the API base URL on one line of stdout, then serves until interrupted.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Sequence
from types import FrameType

from app.sandbox.server import SandboxServer
from app.sandbox.spec import DEMO_API_KEY, DEMO_STORE_ID, SandboxStoreSpec


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m app.sandbox", description=__doc__)
    parser.add_argument("--orders", type=int, default=200, help="generated orders (default 200)")
    parser.add_argument("--inventory", type=int, default=60, help="inventory items (default 60)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--store-id", default=DEMO_STORE_ID)
    parser.add_argument("--api-key", default=DEMO_API_KEY)
    parser.add_argument("--name", default="Demo Store")
    parser.add_argument("--no-rate-limit", action="store_true", help="do not enforce the bucket")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the store, serve it and block until SIGINT or SIGTERM."""
    args = parse_args(argv)
    spec = SandboxStoreSpec(
        store_id=args.store_id,
        api_key=args.api_key,
        name=args.name,
        orders=args.orders,
        inventory=args.inventory,
        seed=args.seed,
    )
    started = time.perf_counter()
    server = SandboxServer(
        [spec], host=args.host, port=args.port, rate_limit=not args.no_rate_limit
    )
    done = threading.Event()

    def finish(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    with server:
        print(server.base_url, flush=True)
        print(
            f"store {spec.store_id}: {spec.orders} orders generated in "
            f"{time.perf_counter() - started:.2f} s",
            file=sys.stderr,
            flush=True,
        )
        done.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
