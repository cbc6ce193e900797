"""``orderdesk-mcp clients add | list | revoke``: AI client tokens from the command line."""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.commands import EXIT_FAILURE, EXIT_OK, CommandError
from app.commands.runtime import print_error, storage


def register(subparsers: Any) -> None:
    """Add the ``clients`` command and its sub-commands."""
    parser = subparsers.add_parser(
        "clients", help="manage AI client tokens", description="Manage AI client tokens."
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="create a client token (printed once)")
    add.add_argument("name", metavar="NAME", help='client name, e.g. "Claude Desktop"')
    add.add_argument(
        "--scopes",
        default="read",
        help="comma list of read, write-notes, write-shipments, move, write-orders, delete, "
        "inventory-write, manage-stores; or 'all' (default: read)",
    )
    add.add_argument("--stores", help="comma list of store names it may use (default: all)")
    add.add_argument(
        "--policy",
        choices=("allow", "ask", "deny"),
        default="ask",
        help="what a write does (default: ask)",
    )
    add.set_defaults(handler=add_client)
    listing = actions.add_parser("list", help="list client tokens")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=list_clients)
    revoke = actions.add_parser("revoke", help="revoke a client token")
    revoke.add_argument("name", metavar="NAME")
    revoke.set_defaults(handler=revoke_client)


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def add_client(args: argparse.Namespace) -> int:
    """Create a client token and print it once on stdout."""
    from app.core.access import AccessError, ClientRegistry

    with storage():
        try:
            info, token = ClientRegistry().add(
                args.name, args.scopes, _split(args.stores), args.policy
            )
        except AccessError as exc:
            raise CommandError(str(exc)) from exc
    print(token)
    stores = ", ".join(info.store_names) if info.store_names is not None else "all stores"
    print_error(
        f"Client {info.name!r} created (scopes: {', '.join(info.scopes)}; stores: {stores}; "
        f"policy: {info.policy.value}). The token above is shown only once: put it in the "
        "client's ORDERDESK_TRAY_TOKEN, or use `orderdesk-mcp config` to write the entry."
    )
    return EXIT_OK


def list_clients(args: argparse.Namespace) -> int:
    """Print the live clients as a table or as JSON."""
    from app.core.access import ClientRegistry

    with storage():
        clients = ClientRegistry().list()
    if args.json:
        print(json.dumps([c.as_json() for c in clients], indent=2))
        return EXIT_OK
    if not clients:
        print_error("No AI clients yet; add one with `orderdesk-mcp clients add NAME`.")
        return EXIT_OK
    rows = [("NAME", "POLICY", "SCOPES", "STORES", "LAST USED")]
    for c in clients:
        stores = "all" if c.store_names is None else ",".join(c.store_names)
        used = "never" if c.last_used_at is None else c.last_used_at.strftime("%Y-%m-%d %H:%M")
        rows.append((c.name, c.policy.value, ",".join(c.scopes), stores, used))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    return EXIT_OK


def revoke_client(args: argparse.Namespace) -> int:
    """Revoke a client's token."""
    from app.core.access import ClientRegistry

    with storage():
        revoked = ClientRegistry().revoke(args.name)
    if not revoked:
        print_error(
            f"orderdesk-mcp: no client named {args.name!r}; "
            "`orderdesk-mcp clients list` shows them."
        )
        return EXIT_FAILURE
    print_error(f"Client {args.name!r} revoked; its token no longer works.")
    return EXIT_OK
