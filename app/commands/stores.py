"""``orderdesk-mcp stores add | list | test | remove [--all] | default``: registered stores.

The API key of ``stores add`` comes from stdin when stdin is not a terminal, else from a hidden
prompt; never from the command line (it would land in shell history and ``ps``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from app.commands import EXIT_OK, CommandError
from app.commands.runtime import print_error, running_runtime, storage

if TYPE_CHECKING:
    from app.core.services.records import StoreRecord
    from app.core.services.stores import StoreService

T = TypeVar("T")
ACTOR = "cli"


def register(subparsers: Any) -> None:
    """Add the ``stores`` command and its sub-commands."""
    parser = subparsers.add_parser(
        "stores", help="manage Order Desk stores", description="Manage Order Desk stores."
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="register a store (API key from stdin or a hidden prompt)",
        description="Register a store. The API key is read from stdin when it is not a "
        "terminal, else from a hidden prompt; it is checked with Order Desk before it is saved.",
    )
    add.add_argument("name", metavar="NAME", help="your name for the store")
    add.add_argument("--store-id", required=True, metavar="ID", help="Order Desk store id")
    add.add_argument("--api-url", metavar="URL", help="API base URL (default: the live API)")
    add.add_argument(
        "--no-index",
        action="store_true",
        help="keep no local order index of it (no local search, stats or mirror)",
    )
    add.set_defaults(handler=add_store)
    listing = actions.add_parser("list", help="list registered stores")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=list_stores)
    for name, handler, text in (
        ("test", test_store, "check that a store's saved API key works"),
        ("default", default_store, "make a store the default"),
    ):
        sub = actions.add_parser(name, help=text)
        sub.add_argument("name", metavar="NAME", help="store name (or our id)")
        sub.set_defaults(handler=handler)
    remove = actions.add_parser("remove", help="remove a store (or --all) and its API key")
    remove.add_argument("name", metavar="NAME", nargs="?", help="store name (or our id)")
    remove.add_argument(
        "--all",
        action="store_true",
        help="remove every store and delete every API key from the secret store (what an "
        "uninstall offers)",
    )
    remove.set_defaults(handler=remove_store)


def read_api_key(name: str) -> str:
    """Read the API key from stdin (not a terminal) or a hidden prompt.

    Raises:
        CommandError: No key was given.
    """
    import getpass

    if sys.stdin is None:
        raise CommandError("No API key given: pipe it on stdin.")
    if sys.stdin.isatty():
        key = getpass.getpass(f"Order Desk API key for {name} (hidden): ")
    else:
        key = sys.stdin.readline()
    key = key.strip()
    if not key:
        raise CommandError(
            "No API key given: pipe it on stdin or type it at the prompt "
            "(Order Desk: Store Settings > API)."
        )
    return key


def _run(work: Callable[[StoreService], Coroutine[Any, Any, T]]) -> T:
    """Run ``work(service)`` on a fresh engine with the database open."""
    with storage(), running_runtime() as runtime:
        return runtime.engine.call(work(runtime.services.stores))


def add_store(args: argparse.Namespace) -> int:
    """Check the key with Order Desk, then save the store and its key."""
    api_key = read_api_key(args.name)
    record = _run(
        lambda s: s.register(
            args.name, args.store_id, api_key, args.api_url, actor=ACTOR, index=not args.no_index
        )
    )
    default = " It is the default store." if record.is_default else ""
    index = (
        " Its local order index fills in the background while the tray or `serve` runs."
        if record.index_enabled
        else ""
    )
    print_error(
        f"Store {record.name!r} (Order Desk store {record.orderdesk_store_id}) registered; "
        f"its API key is in the secret store.{default}{index}"
    )
    return EXIT_OK


def _as_json(record: StoreRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "name": record.name,
        "orderdesk_store_id": record.orderdesk_store_id,
        "api_url": record.api_url,
        "is_default": record.is_default,
        "index_enabled": record.index_enabled,
        "created_at": record.created_at.isoformat(),
    }


def list_stores(args: argparse.Namespace) -> int:
    """Print the registered stores as a table or as JSON."""

    async def listing(service: StoreService) -> list[StoreRecord]:
        return await service.list()

    records = _run(listing)
    if args.json:
        print(json.dumps([_as_json(r) for r in records], indent=2))
    elif not records:
        print_error("No stores yet; add one with `orderdesk-mcp stores add NAME --store-id ID`.")
    else:
        for r in records:
            marker = "*" if r.is_default else " "
            url = f"  {r.api_url}" if r.api_url else ""
            print(f"{marker} {r.name}  (Order Desk store {r.orderdesk_store_id}){url}")
    return EXIT_OK


def test_store(args: argparse.Namespace) -> int:
    """Call ``GET /test`` with a store's saved key."""

    async def check(service: StoreService) -> tuple[StoreRecord, str]:
        record = await service.resolve(args.name)
        return record, (await service.test(record)).message

    record, message = _run(check)
    detail = f" ({message})" if message else ""
    print_error(f"Store {record.name!r}: Order Desk accepted the saved API key{detail}.")
    return EXIT_OK


def remove_store(args: argparse.Namespace) -> int:
    """Remove a store (or every store) and delete its key from the secret store."""
    if bool(args.name) == bool(args.all):
        raise CommandError("Name one store to remove, or pass --all for every store (not both).")
    if args.all:
        removed = _run(_remove_every_store)
        print_error(
            f"Removed {len(removed)} store(s) and deleted their API keys from the secret store."
            if removed
            else "No stores to remove."
        )
        return EXIT_OK
    record = _run(lambda s: s.delete(args.name, actor=ACTOR))
    print_error(f"Store {record.name!r} removed, and its API key deleted from the secret store.")
    return EXIT_OK


async def _remove_every_store(service: StoreService) -> list[StoreRecord]:
    return [await service.delete(record.id, actor=ACTOR) for record in await service.list()]


def default_store(args: argparse.Namespace) -> int:
    """Make a store the default."""
    record = _run(lambda s: s.set_default(args.name, actor=ACTOR))
    print_error(f"Store {record.name!r} is now the default store.")
    return EXIT_OK
