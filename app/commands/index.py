"""``orderdesk-mcp index sync NAME [--full] | status [NAME] [--json]``: the local order index.

``sync`` brings a store's index up to date and shows progress on stderr (orders done of the
total, the rate and the time left; see :mod:`app.commands.sync_progress`), then one line that
says it is up to date; Ctrl-C stops it and the next sync resumes from the last saved page.
``status`` reports each index without contacting Order Desk.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from app.commands import EXIT_FAILURE, EXIT_OK
from app.commands.runtime import print_error, running_runtime, storage
from app.commands.sync_progress import ProgressPrinter

if TYPE_CHECKING:
    from app.core.engine import Engine
    from app.core.events import Event
    from app.core.index import IndexStatus
    from app.core.services import Services
    from app.core.services.records import StoreRecord

T = TypeVar("T")


def register(subparsers: Any) -> None:
    """Add the ``index`` command and its sub-commands."""
    parser = subparsers.add_parser(
        "index",
        help="the local order index (offline search and stats)",
        description="Keep a local copy of a store's orders for instant search and stats.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    sync = actions.add_parser("sync", help="bring a store's index up to date")
    sync.add_argument("name", metavar="NAME", help="store name (or our id)")
    sync.add_argument("--full", action="store_true", help="read every order again")
    sync.set_defaults(handler=sync_index)
    status = actions.add_parser("status", help="show the index of one or all stores")
    status.add_argument("name", metavar="NAME", nargs="?", help="store name (default: all)")
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    status.set_defaults(handler=index_status)


def _with_services(work: Callable[[Services], Coroutine[Any, Any, T]]) -> T:
    """Run ``work`` on a fresh engine with the database open and the app's services
    (their index service, and the client pool the store handles come from)."""
    with storage(), running_runtime() as runtime:
        return _call(runtime.engine, work(runtime.services))


def _call(engine: Engine, coro: Coroutine[Any, Any, T]) -> T:
    future = engine.submit(coro)
    try:
        return future.result()
    except KeyboardInterrupt:
        future.cancel()
        print_error("\nStopped; the next `index sync` continues from the last saved page.")
        raise


class ProgressLine:
    """Prints ``SYNC_PROGRESS`` events of one store on stderr (:class:`ProgressPrinter`)."""

    def __init__(self, store_key: str, printer: ProgressPrinter | None = None) -> None:
        self.store_key = store_key
        self.printer = printer or ProgressPrinter()

    def __call__(self, event: Event) -> None:
        from app.core.events import SYNC_PROGRESS

        if event.kind != SYNC_PROGRESS or event.store_id != self.store_key:
            return
        if "done" not in event.data:
            return  # a state change without counts (ready, failed)
        done, total = int(event.data["done"]), int(event.data.get("total") or 0)
        self.printer.report(str(event.data.get("phase", "")), done, total, time.monotonic())


def sync_index(args: argparse.Namespace) -> int:
    """Sync one store's index and print a summary on stderr."""

    printer = ProgressPrinter()

    async def work(services: Services) -> tuple[str, Any, float]:
        record = await services.stores.resolve(args.name)
        unsubscribe = services.engine.hub.subscribe(ProgressLine(record.key, printer))
        started = time.perf_counter()
        try:
            report = await services.local_orders.sync(record, full=args.full)
        finally:
            unsubscribe()
        return record.name, report, time.perf_counter() - started

    try:
        name, report, seconds = _with_services(work)
    except KeyboardInterrupt:
        return EXIT_FAILURE
    finally:
        printer.end_line()
    removed = f", {report.deleted} removed" if report.deleted else ""
    rebuilt = " The index file was damaged and has been rebuilt." if report.rebuilt else ""
    rate = f", {report.upserted / seconds:.0f} orders/s" if report.upserted and seconds else ""
    print_error(
        f"Index of {name!r} is up to date: {report.upserted} orders written{removed} "
        f"({report.mode} sync, {report.requests} requests, {seconds:.1f} s{rate}).{rebuilt}"
    )
    return EXIT_OK


def _status_json(record: StoreRecord, status: IndexStatus) -> dict[str, object]:
    def stamp(value: Any) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "store": record.name,
        "store_id": record.id,
        "state": str(status.state),
        "orders": status.count,
        "last_synced_at": stamp(status.last_synced_at),
        "last_full_sync_at": stamp(status.last_full_sync_at),
        "last_reconciled_at": stamp(status.last_reconciled_at),
        "size_bytes": status.size_bytes,
        "last_error": status.last_error or None,
    }


def index_status(args: argparse.Namespace) -> int:
    """Print the index status of one store or of every store."""

    async def work(services: Services) -> list[dict[str, object]]:
        stores = services.stores
        records = [await stores.resolve(args.name)] if args.name else await stores.list()
        return [_status_json(r, await services.local_orders.status(r)) for r in records]

    rows = _with_services(work)
    if args.json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        print_error("No stores yet; add one with `orderdesk-mcp stores add NAME --store-id ID`.")
    for row in [] if args.json else rows:
        synced = row["last_synced_at"] or "never"
        error = f"  last error: {row['last_error']}" if row["last_error"] else ""
        print(f"{row['store']}: {row['state']}, {row['orders']} orders, synced {synced}{error}")
    return EXIT_OK
