"""``orderdesk-mcp activity list | export``: the write ledger without the GUI.

Every write to Order Desk (from the tray or an AI client) is a ledger row: who, which store,
what, its state (applied, refused, unknown, denied, in flight) and, for a write whose outcome
was open, what a reconciling read of Order Desk verified.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app.commands import EXIT_OK, CommandError
from app.commands.runtime import print_error, storage

if TYPE_CHECKING:
    from app.core.services.audit import AuditEntry

COLUMNS = (
    "id", "at", "actor", "store", "action", "target", "state", "outcome", "verified",
    "window_ms", "completed_at",
)  # fmt: skip
"""The columns of the table and of the CSV export (JSON has every field)."""


def register(subparsers: Any) -> None:
    """Add the ``activity`` command and its sub-commands."""
    parser = subparsers.add_parser(
        "activity",
        help="show or export the write ledger",
        description="Show or export the write ledger (every write to Order Desk).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the newest writes, newest first")
    _filters(listing)
    listing.add_argument("--limit", type=int, default=50, help="how many rows (1-500)")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=list_activity)
    export = actions.add_parser("export", help="write every matching row to a file")
    export.add_argument("file", metavar="FILE", help="where to write; '-' for stdout")
    _filters(export)
    export.add_argument(
        "--format", choices=("csv", "json"), help="default: from the file name (.json), else csv"
    )
    export.set_defaults(handler=export_activity)


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="S", help="only this store (name or id)")
    parser.add_argument(
        "--state",
        choices=("in_flight", "applied", "refused", "unknown", "denied"),
        help="only rows in this state",
    )


def list_activity(args: argparse.Namespace) -> int:
    """Print the newest rows as a table or as JSON."""
    if not 1 <= args.limit <= 500:
        raise CommandError("--limit must be between 1 and 500.")
    with storage():
        names = _store_names()
        store_id = _store_id(args.store, names)
        rows = list(_rows(store_id, args.state, limit=args.limit))
    if args.json:
        print(json.dumps([_as_json(row, names) for row in rows], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not rows:
        print_error("No writes recorded yet.")
        return EXIT_OK
    for row in rows:
        print(_line(row, names))
    return EXIT_OK


def export_activity(args: argparse.Namespace) -> int:
    """Write every matching row to FILE (CSV or JSON)."""
    kind = args.format or ("json" if str(args.file).lower().endswith(".json") else "csv")
    with storage():
        names = _store_names()
        store_id = _store_id(args.store, names)
        rows = list(_rows(store_id, args.state))
    if args.file == "-":
        _write(sys.stdout, kind, rows, names)
    else:
        with Path(args.file).open("w", encoding="utf-8", newline="") as out:
            _write(out, kind, rows, names)
        print_error(f"Wrote {len(rows)} row(s) to {args.file} ({kind}).")
    return EXIT_OK


def _write(out: TextIO, kind: str, rows: list[AuditEntry], names: dict[int, str]) -> None:
    if kind == "json":
        json.dump([_as_json(row, names) for row in rows], out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(_as_json(row, names))


def _rows(
    store_id: int | None, state: str | None, limit: int | None = None
) -> Iterator[AuditEntry]:
    from app.core.services.audit import AuditLog

    log, offset, given = AuditLog(), 0, 0
    while True:
        page = asyncio.run(log.query(store_id=store_id, limit=500, offset=offset))
        for entry in page.entries:
            if state is None or entry.state == state:
                yield entry
                given += 1
                if limit is not None and given >= limit:
                    return
        if page.next_offset is None:
            return
        offset = page.next_offset


def _store_names() -> dict[int, str]:
    from app.core.db.models import Store

    return {row.id: row.name for row in Store.select()}


def _store_id(wanted: str | None, names: dict[int, str]) -> int | None:
    if wanted is None:
        return None
    for store_id, name in names.items():
        if name.casefold() == wanted.casefold() or str(store_id) == wanted:
            return store_id
    if wanted.isdigit():
        return int(wanted)  # a removed store: its history outlives it
    known = ", ".join(sorted(names.values())) or "none"
    raise CommandError(f"No store named {wanted!r}. Registered stores: {known}.")


def _as_json(row: AuditEntry, names: dict[int, str]) -> dict[str, Any]:
    values = row.as_dict()
    values["store"] = names.get(row.store_id, row.store_id) if row.store_id is not None else None
    return values


def _line(row: AuditEntry, names: dict[int, str]) -> str:
    store = names.get(row.store_id, str(row.store_id)) if row.store_id is not None else "-"
    text = (
        f"#{row.id}  {row.at:%Y-%m-%d %H:%M:%S}  {row.state:<9}  {row.actor}  {store}  "
        f"{row.action} {row.target or ''}"
    )
    if row.window_ms is not None:
        text += f"  (GET->PUT {row.window_ms:.0f} ms)"
    if row.state != "applied" and row.outcome not in ("ok", "in flight"):
        text += f"\n      {row.outcome}"
    if row.verified:
        text += f"\n      verified: {row.verified}"
    return text
