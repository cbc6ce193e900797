"""Shape local-index answers for a model: order rows, stats groups and the index's freshness.

Pure functions, no I/O. Rows follow the shape of ``orders_list`` summaries (same keys, money as
Decimal text, dates as ``YYYY-MM-DD HH:MM:SS`` UTC); names, e-mail, company and city go into
the delimited ``untrusted`` group.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.core.index import IndexedOrder, IndexState, IndexStatus, StatsGroup
from app.core.orderdesk import format_datetime
from app.mcp.shaping import UNTRUSTED_KEY, group, money_text


def wire_time(moment: datetime | None) -> str | None:
    """A UTC time as Order Desk writes it, or None."""
    return None if moment is None else format_datetime(moment)


def indexed_order(row: IndexedOrder, detail: str, folders: Mapping[int, str]) -> dict[str, Any]:
    """One index row as a ``summary`` (default) or ``standard`` record.

    Args:
        row: The row from the local index.
        detail: ``summary`` or ``standard`` (adds shipping name, company and city).
        folders: Folder id to name (may be empty when Order Desk could not be asked).
    """
    shaped: dict[str, Any] = {
        "id": row.id,
        "source_id": row.source_id,
        "source_name": row.source_name,
        "folder_id": row.folder_id,
        "folder_name": folders.get(row.folder_id, "") if row.folder_id is not None else "",
        "payment_status": row.payment_status,
        "order_total": money_text(row.order_total),
        "quantity_total": row.quantity,
        "item_count": row.item_count,
        "date_added": wire_time(row.date_added),
        "date_updated": wire_time(row.date_updated),
    }
    people = {"customer_name": row.customer_name, "email": row.email}
    if detail == "standard":
        people.update(shipping_name=row.shipping_name, company=row.company, city=row.city)
    shaped[UNTRUSTED_KEY] = group(people)
    return shaped


def stats_group(entry: StatsGroup, group_by: str, folders: Mapping[int, str]) -> dict[str, Any]:
    """One stats group: its key (folder id, ``YYYY-MM-DD`` or source), name, count, revenue."""
    shaped: dict[str, Any] = {
        "key": entry.key,
        "count": entry.count,
        "revenue": money_text(entry.revenue),
    }
    if group_by == "folder":
        shaped["folder_name"] = folders.get(int(entry.key), "") if entry.key.isdigit() else ""
    return shaped


_STATE_NOTES = {
    IndexState.EMPTY: "The local index has not been filled yet; a first sync is starting, so "
    "this answer is empty or partial. Call again in a little while, or use orders_list, which "
    "reads Order Desk live.",
    IndexState.SYNCING: "The local index is syncing now; until it finishes this answer may miss "
    "recent or not yet copied orders. Call again shortly, or use orders_list for live data.",
    IndexState.INTERRUPTED: "The last sync of the local index stopped half-way; it resumes on "
    "the next sync, so this answer may be incomplete. Use orders_list for live data.",
    IndexState.FAILED: "The last sync of the local index failed (Order Desk could not be "
    "reached or refused); this answer is as of last_synced_at. Use orders_list for live data.",
}


def freshness(status: IndexStatus) -> dict[str, Any]:
    """The ``index`` part of a result: state, last sync (UTC), orders held and a note."""
    state = IndexState(status.state)
    note = _STATE_NOTES.get(
        state,
        "Answered from the local copy of the store's orders as of last_synced_at; it is "
        "kept up to date every few minutes and right after writes made through the app.",
    )
    return {
        "state": str(state),
        "last_synced_at": wire_time(status.last_synced_at),
        "count": status.count,
        "note": note,
    }
